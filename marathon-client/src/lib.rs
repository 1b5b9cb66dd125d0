//! Typed client for the Marathon v2 REST API and its event stream.
//!
//! [`MarathonClient`] sits on a shared [`dcos_auth::HttpCore`], so DC/OS
//! credentials, token refresh, retries and redirects come from there. It
//! covers apps, deployments, groups, tasks, the launch queue, pods, server
//! info and leadership, the event stream, and waits that tell whether a
//! deployment succeeded.
//!
//! # Quick start
//!
//! ```no_run
//! use std::time::Duration;
//!
//! use dcos_auth::Cluster;
//! use marathon_client::{AppEmbed, AppId, DeploymentOutcome, MarathonClient};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Marathon behind Admin Router: <DCOS_URL>/service/marathon/.
//! let cluster = Cluster::from_env()?;
//! let marathon = MarathonClient::new(cluster.service("marathon"));
//!
//! // Or a plain Marathon on several instances, with failover:
//! // let marathon = MarathonClient::direct(
//! //     ["http://m1:8080", "http://m2:8080"],
//! //     dcos_auth::Credentials::None,
//! // )?;
//!
//! let apps = marathon.apps().list().label("team==cd").embed(AppEmbed::Tasks).send().await?;
//! println!("{} apps", apps.len());
//!
//! let id = AppId::new("/prod/web")?;
//! if let Some(mut app) = marathon.apps().get_opt(&id).await? {
//!     app.instances = Some(3); // unknown fields of `app` are sent back as they came
//!     let change = marathon.apps().update(&app).send().await?;
//!     if let Some(deployment) = change.deployment_id {
//!         match marathon.wait_for_deployment(&deployment, Duration::from_secs(600)).await? {
//!             DeploymentOutcome::Succeeded => println!("deployed {:?}", change.version),
//!             other => println!("deployment ended: {other:?}"),
//!         }
//!     }
//! }
//! # Ok(()) }
//! ```
//!
//! # Errors
//!
//! [`Error`] names Marathon's answers: [`Error::AppLocked`] (a 409 with the
//! blocking deployments), [`Error::Conflict`], [`Error::Validation`] (400/422
//! with per-field details), [`Error::NotFound`] and [`Error::NoLeader`]; each
//! keeps the server's message and, as its source, the HTTP error with status
//! and body.
//!
//! # Models
//!
//! The [`models`] keep fields they do not know and write them back, keep
//! explicit `null`s and zeros, and keep unknown enum values, so a read, edit,
//! write round trip loses nothing on a newer server.

mod apps;
mod change;
mod client;
mod deployments;
mod error;
pub mod events;
mod groups;
mod ids;
mod kill;
pub mod models;
mod path;
mod pods;
mod queue;
mod server;
pub mod sse;
mod tasks;
mod wait;

pub use crate::apps::{AppEmbed, AppListParams, Apps, KillTasks, ListApps, UpdateApp};
pub use crate::change::ForceChange;
pub use crate::client::{DEPLOYMENT_ID_HEADER, LEADER_HEADER, MarathonClient, WithDeployment};
pub use crate::deployments::Deployments;
pub use crate::error::{Error, FieldErrors, Result, ValidationDetails};
pub use crate::events::{
    Event, EventFilter, EventStream, EventType, Watch, WatchItem, WatchOptions,
};
pub use crate::groups::{GroupChange, GroupEmbed, Groups};
pub use crate::ids::{AppId, DeploymentId, GroupId, PathId, PodId, TaskId};
pub use crate::kill::{KillOptions, Killed};
pub use crate::pods::Pods;
pub use crate::queue::LaunchQueue;
pub use crate::tasks::{KillTaskBatch, TaskStatus, Tasks};
pub use crate::wait::{DeploymentOutcome, WaitOptions, app_converged};
