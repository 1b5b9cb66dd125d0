//! Tasks and task failures.

use dcos_auth::json_model;

use super::{HealthCheckResult, Timestamp};
use crate::ids::{AppId, TaskId};

json_model! {
    /// A task of an app.
    pub struct Task {
        /// The task id.
        "id" id: TaskId,
        /// The app it belongs to.
        "appId" app_id: Option<AppId>,
        /// The agent's host name.
        "host" host: Option<String>,
        /// The host ports it was given.
        "ports" ports: Option<Vec<u32>>,
        /// The Mesos state, such as `TASK_RUNNING`.
        "state" state: Option<String>,
        /// When it started running.
        "startedAt" started_at: Option<Timestamp>,
        /// When it was staged.
        "stagedAt" staged_at: Option<Timestamp>,
        /// The app version it runs.
        "version" version: Option<Timestamp>,
        /// Health check results.
        "healthCheckResults" health_check_results: Option<Vec<HealthCheckResult>>,
    }
}

json_model! {
    /// The last failure of one of an app's tasks.
    pub struct TaskFailure {
        /// The failed task.
        "taskId" task_id: Option<TaskId>,
        /// Why it failed.
        "message" message: Option<String>,
        /// The state it ended in.
        "state" state: Option<String>,
        /// When.
        "timestamp" timestamp: Option<Timestamp>,
    }
}
