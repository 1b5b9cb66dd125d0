//! [`JenkinsInfo`]: the root `/api/json`.

use super::{JobSummary, ViewRef};

dcos_auth::json_model! {
    /// `GET api/json` on the root: the built-in node's settings, the
    /// top-level jobs and views, and whether the server is quieting down.
    pub struct JenkinsInfo {
        /// `hudson.model.Hudson`.
        "_class" class: Option<String>,
        /// `NORMAL` or `EXCLUSIVE`: whether the built-in node takes any job.
        "mode" mode: Option<String>,
        /// The built-in node's name (empty).
        "nodeName" node_name: Option<String>,
        /// The built-in node's description.
        "nodeDescription" node_description: Option<String>,
        /// The built-in node's executors (0 on DC/OS: agents do the work).
        "numExecutors" num_executors: Option<u32>,
        /// The system message.
        "description" description: Option<String>,
        /// The top-level jobs (as the `tree=` asked for them).
        "jobs" jobs: Option<Vec<JobSummary>>,
        /// The top-level views.
        "views" views: Option<Vec<ViewRef>>,
        /// The view shown first.
        "primaryView" primary_view: Option<ViewRef>,
        /// Whether the server is quieting down (no new builds start).
        "quietingDown" quieting_down: Option<bool>,
        /// Whether security is on.
        "useSecurity" use_security: Option<bool>,
        /// Whether CSRF crumbs are on (older servers).
        "useCrumbs" use_crumbs: Option<bool>,
        /// The inbound agent port (`-1` when off, `0` when random).
        "slaveAgentPort" slave_agent_port: Option<i64>,
    }
}
