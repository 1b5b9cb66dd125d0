//! Health checks, readiness checks and their results.

use dcos_auth::json_model;

use crate::ids::TaskId;

json_model! {
    /// A health check on an app's tasks.
    pub struct HealthCheck {
        /// `HTTP`, `HTTPS`, `TCP`, `COMMAND`, `MESOS_HTTP`, `MESOS_HTTPS` or `MESOS_TCP`.
        "protocol" protocol: Option<String>,
    }
}

json_model! {
    /// The result of a readiness check on one task during a deployment.
    pub struct ReadinessCheckResult {
        /// The check's name.
        "name" name: Option<String>,
        /// The task checked.
        "taskId" task_id: Option<TaskId>,
        /// Whether the task is ready.
        "ready" ready: Option<bool>,
    }
}

json_model! {
    /// The result of one health check on one task.
    pub struct HealthCheckResult {
        /// Whether the last check passed.
        "alive" alive: Option<bool>,
    }
}
