//! The Marathon data model: apps, tasks, deployments, groups, the queue, pods
//! and server info.
//!
//! Every model keeps the fields it does not know in `extra` and writes them
//! back, keeps explicit `null`s, never drops an explicit zero, and every enum
//! keeps unknown values as `Unknown`. Models hold no I/O.

mod app;
mod deployment;
mod group;
mod health;
mod info;
mod pod;
mod queue;
mod task;
mod time;
mod wrappers;

pub use app::*;
pub use deployment::*;
pub use group::*;
pub use health::*;
pub use info::*;
pub use pod::*;
pub use queue::*;
pub use task::*;
pub use time::*;
pub use wrappers::*;
