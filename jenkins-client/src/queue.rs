//! The build queue: listing it, cancelling items, and waiting for an item's
//! build to start.

mod wait;

pub use wait::{QueueDecision, QueuePoll, WaitReason, decide};
