//! The Jenkins data model: jobs and folders, builds, the queue, nodes,
//! Pipeline stage view, test reports, views, plugins, users, and the root.
//! Models hold no I/O.
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
//! | `GET job/…/<n>/api/json` | [`Build`] |
//! | `GET job/…/api/json?tree=builds[number,queueId,url]` | [`BuildList`] |
//! | `GET queue/api/json` | [`Queue`] of [`QueueItem`] (on `_class`) |
//! | `GET queue/item/<id>/api/json` | [`QueueItem`] |
//! | `GET computer/api/json` | [`ComputerSet`] |
//! | `GET computer/<name>/api/json` | [`Computer`] |
//! | `GET label/<name>/api/json` | [`Label`] |
//! | `GET job/…/<n>/wfapi/describe`, `job/…/wfapi/runs` | [`RunDescription`] |
//! | `GET job/…/<n>/execution/node/<id>/wfapi/describe` | [`StageNode`] |
//! | `GET job/…/<n>/execution/node/<id>/wfapi/log` | [`NodeLog`] |
//! | `GET job/…/<n>/wfapi/pendingInputActions` | [`PendingInputAction`] |
//! | `GET job/…/<n>/wfapi/artifacts` | [`WfArtifact`] |
//! | `GET job/…/wfapi/describe` | [`JobDescription`] |
//! | `GET job/…/<n>/testReport/api/json` | [`TestReport`] |

mod build;
mod build_ref;
mod color;
mod health;
mod job;
mod node;
mod parameter;
mod plugin;
mod queue;
mod root;
mod tagged;
mod test_report;
mod user;
mod view;
mod wfapi;

pub use build::{
    Artifact, Build, BuildAction, BuildList, BuildResult, Cause, CauseAction, ChangePath,
    ChangeSet, ChangeSetItem, ParametersAction, TestResultAction, UserRef,
};
pub use build_ref::BuildRef;
pub use color::BallColor;
pub use health::HealthReport;
pub use job::{Job, JobInfo, JobKind, JobList, JobSummary};
pub use node::{Computer, ComputerSet, Executor, Label, LabelRef, NodeRef};
pub use parameter::{JobProperty, ParameterDefinition, ParameterValue};
pub use plugin::{Plugin, PluginDependency, PluginList};
pub use queue::{
    BlockedItem, BuildableItem, LeftItem, OtherItem, PLACEHOLDER_TASK_CLASS, Queue, QueueItem,
    QueueTask, WaitingItem,
};
pub use root::JenkinsInfo;
pub use test_report::{CaseStatus, TestCase, TestReport, TestSuite};
pub use user::{User, WhoAmI};
pub use view::{View, ViewList, ViewRef};
pub use wfapi::{
    FlowNodeError, InputParameter, JobDescription, Link, Links, NodeLog, PendingInputAction,
    RunDescription, StageNode, StageStatus, WfArtifact,
};
