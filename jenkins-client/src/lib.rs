//! Typed client for the Jenkins remote access API.
//!
//! [`JenkinsClient`] sits on a shared [`dcos_auth::HttpCore`], so DC/OS
//! credentials, retries, redirects and error mapping come from there. The
//! client adds what Jenkins needs on top:
//!
//! - **Two connection modes**: through Admin Router at `/service/jenkins`
//!   with the cluster's DC/OS token ([`JenkinsClient::new`]), or direct with a
//!   user and an API token or password ([`JenkinsClient::direct`]). Both keep
//!   the path prefix.
//! - **CSRF crumbs paired with the session cookie**: the crumb is fetched
//!   once from `/crumbIssuer/api/json` (a 404 means CSRF is off), sent with
//!   every POST together with the `JSESSIONID` cookie of the request that
//!   fetched it, and fetched again once on a 403 "No valid crumb". API-token
//!   auth needs none ([`CrumbPolicy`]).
//! - **Job paths** ([`JobPath`]): `team/app/main` is `job/team/job/app/job/main`,
//!   each name percent-encoded on its own, so a multibranch branch named
//!   `feature%2Fx` goes out as `feature%252Fx`.
//! - **Payload URLs are rebased** onto the client's base URL ([`rebase`]):
//!   Jenkins writes them from its configured root URL, which on DC/OS is
//!   cluster-internal.
//! - **`tree=` everywhere** ([`Tree`]), with ranged lists.
//! - **`config.xml` generation** ([`config_xml`]): typed builders for
//!   Pipeline, freestyle and folder jobs, parsed back for comparison.
//!
//! # Quick start
//!
//! ```no_run
//! use dcos_auth::Cluster;
//! use jenkins_client::{JenkinsAuth, JenkinsClient, JobPath};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // Jenkins behind Admin Router: <DCOS_URL>/service/jenkins/, DC/OS token.
//! let cluster = Cluster::from_env()?;
//! let jenkins = JenkinsClient::new(cluster.service("jenkins"));
//!
//! // Or a Jenkins reached directly, with a user and an API token:
//! let direct = JenkinsClient::direct(
//!     "https://jenkins.example.com/",
//!     JenkinsAuth::api_token("ci", "11aa22bb33cc"),
//! )?;
//!
//! let version = jenkins.fetch_version().await?;
//! let job = JobPath::parse("team/app/main")?;
//! println!("Jenkins {version}: {job} at {}", direct.base());
//! # Ok(()) }
//! ```
//!
//! # Builds, console, Pipeline and nodes
//!
//! [`JenkinsClient::builds`] triggers builds with typed parameters and reads
//! them; [`JenkinsClient::queue`] waits for a queue item's build through
//! every kind of item, cancellation and expiry ([`decide`]);
//! [`JenkinsClient::console`] follows `progressiveText` as a stream;
//! [`JenkinsClient::pipeline`] reads stages and answers `input` steps;
//! [`JenkinsClient::nodes`] manages agents.
//!
//! ```no_run
//! # async fn run(jenkins: jenkins_client::JenkinsClient) -> jenkins_client::Result<()> {
//! use jenkins_client::{BuildParams, BuildWait, JobPath};
//!
//! let app = JobPath::parse("team/app")?;
//! let params = BuildParams::new().string("TAG", "1.2.3");
//! let queue_id = jenkins.builds().trigger(&app).params(params).send().await?;
//! let wait = BuildWait::default();
//! let started = jenkins.queue().wait_for_start(queue_id, Some(&app), &wait).await?;
//! let build = jenkins.builds().wait_for_success(&app, started.number, &wait).await?;
//! # let _ = build; Ok(()) }
//! ```
//!
//! # Errors
//!
//! [`Error`] names Jenkins' answers: [`Error::NotFound`] (absent **or not
//! readable**: Jenkins answers 404 without `Item/Read`, so a 404 never means
//! "safe to create"), [`Error::Forbidden`], [`Error::CrumbRejected`],
//! [`Error::JobDisabled`], the queue and build outcomes, and
//! [`Error::Http`] for the rest; each keeps the HTTP error with status and
//! body as its source.

mod builds;
mod client;
pub mod config_xml;
pub mod console;
mod crumb;
mod error;
mod jobs;
pub mod models;
mod nodes;
pub mod path;
mod queue;
mod server;
mod tree;
mod views;
mod wfapi;

pub use crate::builds::{
    BUILDS_SEARCHED, BuildParams, BuildSelector, BuildWait, Builds, ParamValue, Trigger,
    build_tree, queue_id_from_location, require_success,
};
pub use crate::client::{JenkinsAuth, JenkinsClient, VERSION_HEADER};
pub use crate::console::Console;
pub use crate::crumb::{Crumb, CrumbPolicy};
pub use crate::error::{Error, Result};
pub use crate::jobs::{FOLDER_MODE, GET_RANGE, Jobs, LIST_PAGE, Upsert, job_tree};
pub use crate::nodes::{BUILT_IN_NODE, LEGACY_MASTER_NODE, Nodes, computer_tree};
pub use crate::path::{JobPath, Rebased, branch_name, rebase};
pub use crate::queue::{
    BuildQueue, QueueDecision, QueuePoll, StartedBuild, WaitReason, decide, queue_item_tree,
};
pub use crate::server::Server;
pub use crate::tree::Tree;
pub use crate::views::Views;
pub use crate::wfapi::Pipeline;
