//! [`BuildRef`]: a build as a job lists it.

dcos_auth::json_model! {
    /// A build as a job refers to it (`lastBuild`, `builds[]`…): its number and
    /// URL, and whatever else the `tree=` asked for.
    pub struct BuildRef {
        /// The build's class, such as `hudson.model.FreeStyleBuild` or
        /// `org.jenkinsci.plugins.workflow.job.WorkflowRun` (absent before
        /// Jenkins 2).
        "_class" class: Option<String>,
        /// The build number.
        "number" number: u64,
        /// The build's URL as Jenkins wrote it; rebase it with
        /// [`JenkinsClient::rebase`](crate::JenkinsClient::rebase) before use.
        "url" url: Option<String>,
        /// `#12` or a custom name.
        "displayName" display_name: Option<String>,
        /// Whether the build is running.
        "building" building: Option<bool>,
        /// The queue item that started it.
        "queueId" queue_id: Option<u64>,
        /// `SUCCESS`, `FAILURE`…; `null` while running.
        "result" result: Option<String>,
        /// When it started, in milliseconds since the epoch.
        "timestamp" timestamp: Option<i64>,
    }
}
