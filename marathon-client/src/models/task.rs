//! Tasks, task lists and task failures.

use dcos_auth::{json_model, string_enum};

use super::{HealthCheckResult, IpProtocol, Timestamp};
use crate::ids::{AppId, TaskId};

string_enum! {
    /// The Mesos state of a task.
    pub enum TaskState {
        /// Accepted by the agent, not yet starting.
        TaskStaging = "TASK_STAGING",
        /// The executor is starting it.
        TaskStarting = "TASK_STARTING",
        /// Running.
        TaskRunning = "TASK_RUNNING",
        /// Being killed.
        TaskKilling = "TASK_KILLING",
        /// Ended successfully.
        TaskFinished = "TASK_FINISHED",
        /// Ended with an error.
        TaskFailed = "TASK_FAILED",
        /// Killed.
        TaskKilled = "TASK_KILLED",
        /// Could not be launched.
        TaskError = "TASK_ERROR",
        /// Lost (older Mesos; newer ones use the finer states below).
        TaskLost = "TASK_LOST",
        /// Dropped before it started.
        TaskDropped = "TASK_DROPPED",
        /// Its agent is unreachable; it may come back.
        TaskUnreachable = "TASK_UNREACHABLE",
        /// Its agent is gone.
        TaskGone = "TASK_GONE",
        /// Its agent was marked gone by an operator.
        TaskGoneByOperator = "TASK_GONE_BY_OPERATOR",
        /// Mesos does not know it.
        TaskUnknown = "TASK_UNKNOWN",
    }
}

impl TaskState {
    /// Whether the task has ended for good.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            TaskState::TaskFinished
                | TaskState::TaskFailed
                | TaskState::TaskKilled
                | TaskState::TaskError
                | TaskState::TaskLost
                | TaskState::TaskDropped
                | TaskState::TaskGone
                | TaskState::TaskGoneByOperator
        )
    }
}

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
        /// The app's service ports.
        "servicePorts" service_ports: Option<Vec<u32>>,
        /// Its IP addresses on container networks.
        "ipAddresses" ip_addresses: Option<Vec<TaskIpAddress>>,
        /// The agent's id (Marathon's name for it).
        "slaveId" slave_id: Option<String>,
        /// The agent's id, as newer payloads name it.
        "agentId" agent_id: Option<String>,
        /// The Mesos state, such as `TASK_RUNNING`.
        "state" state: Option<TaskState>,
        /// When it was staged.
        "stagedAt" staged_at: Option<Timestamp>,
        /// When it started running.
        "startedAt" started_at: Option<Timestamp>,
        /// The app version it runs.
        "version" version: Option<Timestamp>,
        /// Health check results, one per health check that has run.
        "healthCheckResults" health_check_results: Option<Vec<HealthCheckResult>>,
        /// The last result of the app's Mesos `check`.
        "checkResult" check_result: Option<serde_json::Value>,
        /// The local persistent volumes it uses.
        "localVolumes" local_volumes: Option<Vec<LocalVolume>>,
        /// The agent's fault domain region.
        "region" region: Option<String>,
        /// The agent's fault domain zone.
        "zone" zone: Option<String>,
        /// The Mesos role its resources were reserved for.
        "role" role: Option<String>,
    }
}

impl Task {
    /// Whether the task is `TASK_RUNNING`.
    pub fn is_running(&self) -> bool {
        self.state == Some(TaskState::TaskRunning)
    }

    /// Whether every health check result says alive. A task with no results
    /// is healthy here; see [`Task::passes_health_checks`] when the app
    /// has health checks.
    pub fn is_healthy(&self) -> bool {
        self.health_check_results
            .iter()
            .flatten()
            .all(HealthCheckResult::is_alive)
    }

    /// Whether the task has a result for each of `expected` health checks
    /// and all of them say alive. A missing result counts as unhealthy: a
    /// task whose checks have not run yet is not healthy.
    pub fn passes_health_checks(&self, expected: usize) -> bool {
        let results = self.health_check_results.as_deref().unwrap_or_default();
        results.len() >= expected && results.iter().all(HealthCheckResult::is_alive)
    }

    /// The agent id, under either name.
    pub fn agent(&self) -> Option<&str> {
        self.slave_id.as_deref().or(self.agent_id.as_deref())
    }
}

json_model! {
    /// An IP address of a task.
    pub struct TaskIpAddress {
        /// The address.
        "ipAddress" ip_address: Option<String>,
        /// `IPv4` or `IPv6`.
        "protocol" protocol: Option<IpProtocol>,
    }
}

json_model! {
    /// A local persistent volume of a task.
    pub struct LocalVolume {
        /// The app or pod it belongs to.
        "runSpecId" run_spec_id: Option<AppId>,
        /// Where it is mounted.
        "containerPath" container_path: Option<String>,
        /// Its unique part.
        "uuid" uuid: Option<String>,
        /// The id Mesos knows it by.
        "persistenceId" persistence_id: Option<String>,
    }
}

json_model! {
    /// `{"ids": [...]}`: the body of `POST /v2/tasks/delete`.
    pub struct TaskIds {
        /// The tasks to kill.
        "ids" ids: Vec<TaskId>,
    }
}

impl TaskIds {
    /// A body naming `ids`.
    pub fn new(ids: impl IntoIterator<Item = TaskId>) -> Self {
        TaskIds {
            ids: ids.into_iter().collect(),
            ..TaskIds::default()
        }
    }
}

json_model! {
    /// The last failure of one of an app's tasks.
    pub struct TaskFailure {
        /// The failed task.
        "taskId" task_id: Option<TaskId>,
        /// Its app.
        "appId" app_id: Option<AppId>,
        /// The agent's host name.
        "host" host: Option<String>,
        /// The agent's id.
        "slaveId" slave_id: Option<String>,
        /// Why it failed.
        "message" message: Option<String>,
        /// The state it ended in, such as `TASK_FAILED`.
        "state" state: Option<TaskState>,
        /// When.
        "timestamp" timestamp: Option<Timestamp>,
        /// The app version it ran.
        "version" version: Option<Timestamp>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn states_and_unknown_states() {
        let t: Task = serde_json::from_str(r#"{"id":"a.1","state":"TASK_RUNNING"}"#).unwrap();
        assert!(t.is_running());
        let t: Task = serde_json::from_str(r#"{"id":"a.1","state":"TASK_NAPPING"}"#).unwrap();
        assert_eq!(t.state, Some(TaskState::Unknown("TASK_NAPPING".into())));
        assert!(!t.is_running());
        assert!(TaskState::TaskKilled.is_terminal());
        assert!(!TaskState::TaskUnreachable.is_terminal());
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#"{"id":"a.1","state":"TASK_NAPPING"}"#
        );
    }

    #[test]
    fn health() {
        let t: Task = serde_json::from_str(
            r#"{"id":"a.1","healthCheckResults":[{"alive":true},{"alive":false}]}"#,
        )
        .unwrap();
        assert!(!t.is_healthy());
        let t: Task =
            serde_json::from_str(r#"{"id":"a.1","healthCheckResults":[{"alive":true}]}"#).unwrap();
        assert!(t.is_healthy());
        assert!(t.passes_health_checks(1));
        assert!(!t.passes_health_checks(2));
        let t: Task = serde_json::from_str(r#"{"id":"a.1"}"#).unwrap();
        assert!(t.is_healthy());
        assert!(t.passes_health_checks(0));
        assert!(!t.passes_health_checks(1));
    }

    #[test]
    fn legacy_task_with_null_start_and_old_timestamp() {
        let json = r#"{"host":"mesos.vm","id":"myApp_0-1","ports":[1,2],"stagedAt":"2014-01-23T05:31+0000","startedAt":null}"#;
        let t: Task = serde_json::from_str(json).unwrap();
        assert_eq!(t.started_at, None);
        assert!(t.staged_at.unwrap().to_system_time().is_some());
        let t: Task = serde_json::from_str(json).unwrap();
        assert_eq!(
            serde_json::to_value(&t).unwrap(),
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
