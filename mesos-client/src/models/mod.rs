//! Models of the v1 operator API (`master.proto`, `agent.proto` and the
//! `mesos.proto` messages they carry), written in the Mesos JSON dialect:
//! snake_case proto names, 64-bit integers as [`Int64`](crate::dialect::Int64)
//! / [`Uint64`](crate::dialect::Uint64), `bytes` as
//! [`Base64Bytes`](crate::dialect::Base64Bytes).
//!
//! Every struct keeps unknown fields in `extra` and every enum keeps unknown
//! values, so a newer master decodes. Nested messages that the client does
//! not interpret (health checks, discovery, container statuses, quota
//! configurations…) are kept as [`serde_json::Value`].

mod agent;
mod common;
mod events;
mod master;

pub use agent::*;
pub use common::*;
pub use events::*;
pub use master::*;
