//! The Jenkins data model: jobs and folders, views, plugins, users, and the
//! root. Models hold no I/O.
//!
//! Every model keeps the fields it does not know in `extra` and writes them
//! back, keeps explicit `null`s, and every enum keeps unknown values as
//! `Unknown`. Payloads from before Jenkins 2 have no `_class`; they decode
//! too. URL fields hold what Jenkins wrote, from its configured root URL:
//! rebase them with [`JenkinsClient::rebase`](crate::JenkinsClient::rebase).
//!
//! | endpoint | type |
//! |---|---|
//! | `GET [job/…/]api/json?tree=jobs[…]` | [`JobList`] of [`JobSummary`] |
//! | `GET job/…/api/json` | [`Job`] (on `_class`) holding [`JobInfo`] |
//! | `GET api/json?tree=views[…]` | [`ViewList`] |
//! | `GET view/<name>/api/json` | [`View`] |
//! | `GET pluginManager/api/json` | [`PluginList`] |
//! | `GET whoAmI/api/json` | [`WhoAmI`] |
//! | `GET me/api/json`, `GET user/<id>/api/json` | [`User`] |
//! | `GET api/json` | [`JenkinsInfo`] |
//! | `GET crumbIssuer/api/json` | [`Crumb`](crate::Crumb) |

mod build_ref;
mod color;
mod health;
mod job;
mod parameter;
mod plugin;
mod root;
mod user;
mod view;

pub use build_ref::BuildRef;
pub use color::BallColor;
pub use health::HealthReport;
pub use job::{Job, JobInfo, JobKind, JobList, JobSummary};
pub use parameter::{JobProperty, ParameterDefinition, ParameterValue};
pub use plugin::{Plugin, PluginDependency, PluginList};
pub use root::JenkinsInfo;
pub use user::{User, WhoAmI};
pub use view::{View, ViewList, ViewRef};
