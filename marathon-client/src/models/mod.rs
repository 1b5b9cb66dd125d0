//! The Marathon data model: apps, tasks, deployments, groups, the queue, pods
//! and server info.
//!
//! Every model keeps the fields it does not know in `extra` and writes them
//! back, keeps explicit `null`s, never drops an explicit zero, and every enum
//! keeps unknown values as `Unknown`. Shapes that changed between Marathon
//! versions (deployment steps, `unreachableStrategy`, secret references in
//! `env`) are read in each form. Models hold no I/O.
//!
//! | endpoint | type |
//! |---|---|
//! | `GET /v2/apps`, `GET /v2/apps/{group}/*` | [`AppList`] |
//! | `GET /v2/apps/{id}` | [`AppSingle`] |
//! | `GET /v2/apps/{id}/versions` | [`AppVersions`] |
//! | `GET /v2/apps/{id}/versions/{v}`, `POST /v2/apps` | [`App`] |
//! | `GET /v2/tasks`, `GET /v2/apps/{id}/tasks`, task kills | [`TaskList`], [`TaskSingle`] |
//! | changes that start a deployment | [`DeploymentResult`] |
//! | `GET /v2/deployments` | `Vec<`[`Deployment`]`>` |
//! | `PUT /v2/groups/{id}?dryRun=true` | [`DeploymentSteps`] |
//! | `GET /v2/groups[/{id}]` | [`Group`] |
//! | `GET /v2/groups/{id}/versions` | [`GroupVersions`] |
//! | `GET /v2/queue` | [`Queue`] |
//! | `GET /v2/pods/{id}` | [`Pod`] |
//! | `GET /v2/pods/{id}::status` | [`PodStatus`] |
//! | `DELETE /v2/pods/{id}::instances[/{i}]` | [`KilledInstance`] |
//! | `GET /v2/info`, `GET /v2/leader`, `DELETE /v2/leader` | [`Info`], [`Leader`], [`Message`] |

mod app;
mod constraint;
mod container;
mod deployment;
mod env;
mod group;
mod health;
mod info;
mod network;
mod pod;
mod pod_status;
mod queue;
mod stats;
mod strategy;
mod task;
mod time;
mod wrappers;

pub use app::*;
pub use constraint::*;
pub use container::*;
pub use deployment::*;
pub use env::*;
pub use group::*;
pub use health::*;
pub use info::*;
pub use network::*;
pub use pod::*;
pub use pod_status::*;
pub use queue::*;
pub use stats::*;
pub use strategy::*;
pub use task::*;
pub use time::*;
pub use wrappers::*;
