//! The app definition and its status fields.

use std::collections::BTreeMap;

use dcos_auth::json_model;

use super::{DeploymentRef, HealthCheck, ReadinessCheckResult, Task, TaskFailure, Timestamp};
use crate::ids::AppId;

json_model! {
    /// A Marathon app: its definition plus, when read from the server, its
    /// status (task counts, tasks, deployments, last failure, readiness, stats).
    ///
    /// Build one from [`App::new`] and set fields; `None` fields are not sent,
    /// so the server fills its defaults.
    pub struct App {
        /// The app id, such as `/prod/web`.
        "id" id: AppId,
        /// The shell command.
        "cmd" cmd: Option<String>,
        /// The command's arguments, run without a shell.
        "args" args: Option<Vec<String>>,
        /// The user the task runs as.
        "user" user: Option<String>,
        /// How many instances to run.
        "instances" instances: Option<u32>,
        /// CPUs per instance.
        "cpus" cpus: Option<f64>,
        /// Memory per instance, in MiB.
        "mem" mem: Option<f64>,
        /// Disk per instance, in MiB.
        "disk" disk: Option<f64>,
        /// GPUs per instance.
        "gpus" gpus: Option<f64>,
        /// Health checks.
        "healthChecks" health_checks: Option<Vec<HealthCheck>>,
        /// Labels.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// The version: the time of the last change.
        "version" version: Option<Timestamp>,
        /// Tasks being staged.
        "tasksStaged" tasks_staged: Option<u32>,
        /// Running tasks.
        "tasksRunning" tasks_running: Option<u32>,
        /// Running tasks whose health checks all pass.
        "tasksHealthy" tasks_healthy: Option<u32>,
        /// Running tasks with a failing health check.
        "tasksUnhealthy" tasks_unhealthy: Option<u32>,
        /// The app's tasks (`embed=apps.tasks`, always on a single GET).
        "tasks" tasks: Option<Vec<Task>>,
        /// Running deployments that affect the app.
        "deployments" deployments: Option<Vec<DeploymentRef>>,
        /// The last task failure.
        "lastTaskFailure" last_task_failure: Option<TaskFailure>,
        /// Readiness check results (`embed=apps.readiness`).
        "readinessCheckResults" readiness_check_results: Option<Vec<ReadinessCheckResult>>,
    }
}

impl App {
    /// An app definition with only its id set.
    pub fn new(id: AppId) -> Self {
        App {
            id,
            ..App::default()
        }
    }
}
