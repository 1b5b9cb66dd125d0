//! Typed client for the Marathon v2 REST API.
//!
//! `MarathonClient` sits on a shared [`dcos_auth::HttpCore`], so it gets DC/OS
//! credentials, token refresh, retries and leader redirects from there.

mod client;
mod error;
pub mod events;
mod ids;
pub mod models;
pub mod sse;

pub use crate::client::{DEPLOYMENT_ID_HEADER, MarathonClient, WithDeployment};
pub use crate::error::{Error, FieldErrors, Result, ValidationDetails};
pub use crate::ids::{AppId, DeploymentId, GroupId, PathId, PodId, TaskId};
