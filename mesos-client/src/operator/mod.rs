//! The v1 operator API: `POST api/v1` with a JSON `Call`, answered by a JSON
//! `Response` (`{"type": "GET_STATE", "get_state": {…}}`) or by an empty
//! `200`/`202`.
//!
//! [`Operator`] holds the master's calls; [`AgentClient`](crate::AgentClient)
//! the agent's. Both send through one private generic call.

mod call;
mod master;
mod subscribe;
mod watch;

pub(crate) use call::Api;
pub use call::Call;
pub use master::Operator;
pub use subscribe::OperatorEvents;
pub use watch::{Watch, WatchItem, WatchOptions};
