//! Typed client for the Mesos v1 operator and scheduler HTTP APIs.
//!
//! **Status: complete for issue 4.** What it covers:
//!
//! - [`MesosClient`] on a shared [`dcos_auth::HttpCore`], following the
//!   leading master after a `307`, with [`operator::Operator`]: every call of
//!   `master.proto`, typed (`get_state()`, `get_agents()`,
//!   `reserve_resources(…)`, `drain_agent(…)`…), plus `send(Call)` for
//!   anything else;
//! - [`AgentClient`]: the agent's GET_STATE, GET_CONTAINERS, GET_FRAMEWORKS,
//!   GET_EXECUTORS, GET_TASKS, WAIT_CONTAINER and KILL_CONTAINER, and its
//!   legacy `slave(1)/state`;
//! - [`models`]: the operator responses (GET_STATE with agents, frameworks,
//!   executors and tasks…), derived from the `.proto` files;
//! - [`legacy`]: `master/state`, `master/state-summary`, `master/frameworks`
//!   and `master/redirect` (leader discovery) in the v0 dialect;
//! - [`recordio`]: the RecordIO codec of every Mesos stream
//!   ([`RecordIoCodec`], a `tokio_util` decoder and encoder with a record
//!   cap), and [`RecordStream`], which frames a [`dcos_auth::ByteStream`] and
//!   decodes each record as JSON;
//! - [`dialect`]: field types for the Mesos JSON dialect (64-bit integers as
//!   numbers or strings, base64 `bytes`, doubles that may be `"Infinity"`,
//!   `DurationInfo`, `TimeInfo` and `google.protobuf.Duration`), usable in
//!   [`dcos_auth::json_model!`] structs;
//! - [`Error`], with the Mesos answers named (no leader, not subscribed, bad
//!   stream id, framework removed, subscription ended) and
//!   [`Error::from_http`] to name them;
//! - [`resources`]: the resource models and their math (fixed-point scalars,
//!   ranges, sets, reservations, offer fitting, a capacity summary);
//! - [`docker`]: `TaskInfo`/`ContainerInfo` builders, the Docker-in-Docker
//!   build-agent container and the `docker.sock` check;
//! - [`scheduler`]: the scheduler API, with [`scheduler::Scheduler::subscribe`]
//!   (a handle for calls carrying `Mesos-Stream-Id`, and typed events) and
//!   [`scheduler::SchedulerDriver`], which resubscribes with the same
//!   framework id after heartbeat loss or `403 Framework is not subscribed`;
//! - the operator SUBSCRIBE stream: [`operator::Operator::subscribe`]
//!   (typed [`models::OperatorEvent`]s) and [`operator::Operator::watch`],
//!   which resubscribes with backoff, detects missed heartbeats and yields a
//!   fresh [`view::ClusterView`] after every (re)subscription.
//!
//! - [`extra::Extra`] and compact IDs: a GET_STATE of 100,000 tasks decodes
//!   faster than into `serde_json::Value` and peaks under 3× the document's
//!   size in memory (see the README);
//! - leader discovery ([`legacy::Legacy::leader`]) that reads the `307` of
//!   `master/redirect` without following it.
//!
//! Not covered: the agent calls beyond the seven above (the agent API's
//! nested containers, file access and debugging calls), the executor API,
//! and ACKNOWLEDGE_OPERATION_STATUS (reachable with
//! [`scheduler::SchedulerHandle::call`]).
//!
//! Reading the cluster state:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let core = dcos_auth::HttpCore::direct("http://master:5050/", dcos_auth::Credentials::None)?;
//! let mesos = mesos_client::MesosClient::new(core);
//! let state = mesos.operator().get_state().await?;
//! let summary = mesos_client::resources::summarize(&state.get_agents.resources());
//! println!("{} agents, {} cpus free", summary.agents, summary.free.scalar("cpus"));
//! # Ok(()) }
//! ```
//!
//! # Quick start
//!
//! Decoding a Mesos event stream from any body of byte chunks:
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use bytes::Bytes;
//! use futures_util::{StreamExt, stream};
//! use mesos_client::recordio::RecordStream;
//!
//! let body = stream::iter([Ok::<_, dcos_auth::Error>(Bytes::from_static(
//!     b"20\n{\"type\":\"HEARTBEAT\"}",
//! ))]);
//! let mut events = RecordStream::<serde_json::Value, _>::new(body);
//! # let rt = tokio::runtime::Builder::new_current_thread().build()?;
//! # rt.block_on(async {
//! while let Some(event) = events.next().await {
//!     println!("{}", event?["type"]);
//! }
//! # Ok::<_, mesos_client::Error>(()) })?;
//! # Ok(()) }
//! ```

mod agent;
mod client;
pub mod dialect;
pub mod docker;
mod error;
pub mod extra;
pub mod legacy;
pub mod models;
pub mod operator;
pub mod recordio;
pub mod resources;
pub mod scheduler;
pub mod view;

pub use crate::agent::AgentClient;
pub use crate::client::MesosClient;
pub use crate::error::{Error, Result};
pub use crate::recordio::{RecordIoCodec, RecordIoError, RecordStream};
