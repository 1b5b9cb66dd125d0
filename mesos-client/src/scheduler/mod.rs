//! The scheduler API (`POST api/v1/scheduler`): a framework's subscription,
//! its events and its calls.
//!
//! - [`Scheduler::subscribe`] makes one subscription: a [`SchedulerHandle`]
//!   for calls (each on its own request, with the `Mesos-Stream-Id`) and an
//!   [`EventStream`] of typed [`Event`]s;
//! - [`Scheduler::driver`] keeps one alive: heartbeat loss, failovers, `307`s
//!   to the leader, `503`s and `403 Framework is not subscribed` lead to a
//!   new subscription with the same framework id, surfaced as
//!   [`DriverEvent::Resubscribed`];
//! - [`Call`] and [`RawEvent`] are the wire models of `scheduler.proto`;
//! - [`FrameworkInfoBuilder`] has safe defaults (a one-week
//!   `failover_timeout`: **0 kills every task on disconnection**).

mod call;
mod client;
mod driver;
mod event;

pub use call::{
    Accept, Acknowledge, Call, CallType, Decline, Filters, Kill, Launch, LaunchGroup, Message,
    Operation, OperationResources, OperationType, Reconcile, ReconcileTask, Roles, Shutdown,
    Subscribe, TaskGroup,
};
pub use client::{
    DEFAULT_FAILOVER_TIMEOUT, EventStream, FrameworkInfoBuilder, MAX_STREAM_ID, STREAM_ID_HEADER,
    Scheduler, SchedulerHandle,
};
pub use driver::{DEFAULT_HEARTBEAT_INTERVAL, DriverEvent, SchedulerDriver};
pub use event::{
    Event, EventError, EventMessage, EventType, Failure, InverseOffers, Offers, RawEvent, Rescind,
    RescindInverseOffer, Subscribed, Update, UpdateOperationStatus,
};
