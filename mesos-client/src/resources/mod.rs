//! Resources, offers and the math on them.
//!
//! - The wire models of `mesos.proto`: [`Resource`], [`Value`] and its parts,
//!   [`Attribute`], [`Offer`] and the ID messages.
//! - The math: [`Scalar`] (fixed point, three decimals, as Mesos computes),
//!   [`Ranges`] and [`Set`], and [`Resources`], a collection that adds,
//!   subtracts and checks containment while keeping resources with different
//!   reservations or allocation roles apart.
//! - [`fits`] / [`try_fit`]: whether a task fits an offer, and the exact
//!   resources and ports to launch it with.
//! - [`summarize`]: total, used, free and reserved capacity of a cluster.
//!
//! Reservations are read in both forms: the refined `reservations` stack and
//! the legacy `role` plus `reservation` ([`Resource::reservation_role`]).

mod capacity;
mod collection;
mod error;
mod fit;
mod ids;
mod int64;
mod legacy;
mod name;
mod offer;
mod ranges;
mod resource;
mod scalar;
mod set;
mod value;

pub use capacity::{AgentCapacity, AgentResources, CapacitySummary, summarize};
pub use collection::{Quantity, Resources};
pub use error::ResourceError;
pub use fit::{Allocation, FitError, TaskNeeds, fits, try_fit};
pub use ids::{AgentId, ExecutorId, FrameworkId, OfferId, ResourceProviderId, TaskId};
pub use name::Name;
pub use offer::{Attribute, Offer};
pub use ranges::Ranges;
pub use resource::{
    AllocationInfo, DiskInfo, DiskSource, DiskSourceRoot, DiskSourceType, Label, Labels,
    Persistence, ReservationInfo, ReservationType, Resource, RevocableInfo, SharedInfo,
};
pub use scalar::Scalar;
pub use set::Set;
pub use value::{Value, ValueRange, ValueRanges, ValueScalar, ValueSet, ValueText, ValueType};
