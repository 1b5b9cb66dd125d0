//! Typed client for the Marathon v2 REST API.
//!
//! `MarathonClient` sits on a shared [`dcos_auth::HttpCore`], so it gets DC/OS
//! credentials, token refresh, retries and leader redirects from there.

mod apps;
mod change;
mod client;
mod deployments;
mod error;
mod groups;
mod ids;
pub mod models;
mod path;
mod pods;
mod queue;
mod server;
mod tasks;
mod wait;

pub use crate::apps::{AppEmbed, AppListParams, Apps, KillTasks, Killed, ListApps, UpdateApp};
pub use crate::change::ForceChange;
pub use crate::client::{DEPLOYMENT_ID_HEADER, LEADER_HEADER, MarathonClient, WithDeployment};
pub use crate::deployments::Deployments;
pub use crate::error::{Error, FieldErrors, Result, ValidationDetails};
pub use crate::groups::{GroupChange, GroupEmbed, Groups};
pub use crate::ids::{AppId, DeploymentId, GroupId, PathId, PodId, TaskId};
pub use crate::pods::Pods;
pub use crate::queue::LaunchQueue;
pub use crate::tasks::{KillTaskBatch, TaskStatus, Tasks};
pub use crate::wait::{DeploymentOutcome, WaitOptions, app_converged};
