//! Typed client for the Jenkins remote access API.
//!
//! **Status: in progress.** Models for builds, the queue, nodes, Pipeline stage
//! view and test reports, the progressive console decoder and the queue-item
//! wait decision.

pub mod console;
pub mod models;
pub mod queue;
