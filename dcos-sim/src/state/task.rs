//! Tasks and their states.

use std::time::Duration;

use serde_json::Value;

use super::resources::Resources;

/// A Mesos task state (`mesos.proto` `TaskState`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum TaskState {
    /// Accepted by the master, not yet started.
    Staging,
    /// The executor is starting it.
    Starting,
    /// Running.
    Running,
    /// Being killed.
    Killing,
    /// Ended successfully.
    Finished,
    /// Ended with an error.
    Failed,
    /// Killed on request.
    Killed,
    /// Refused (invalid task).
    Error,
    /// Lost, for frameworks that are not PARTITION_AWARE.
    Lost,
    /// Dropped before launch (PARTITION_AWARE frameworks).
    Dropped,
    /// On an unreachable agent (PARTITION_AWARE frameworks).
    Unreachable,
    /// Unknown to the master (reconciliation, PARTITION_AWARE frameworks).
    Unknown,
}

impl TaskState {
    /// The wire name, `TASK_RUNNING`…
    pub fn as_str(self) -> &'static str {
        match self {
            TaskState::Staging => "TASK_STAGING",
            TaskState::Starting => "TASK_STARTING",
            TaskState::Running => "TASK_RUNNING",
            TaskState::Killing => "TASK_KILLING",
            TaskState::Finished => "TASK_FINISHED",
            TaskState::Failed => "TASK_FAILED",
            TaskState::Killed => "TASK_KILLED",
            TaskState::Error => "TASK_ERROR",
            TaskState::Lost => "TASK_LOST",
            TaskState::Dropped => "TASK_DROPPED",
            TaskState::Unreachable => "TASK_UNREACHABLE",
            TaskState::Unknown => "TASK_UNKNOWN",
        }
    }

    /// Whether the task is over and its resources freed.
    pub fn is_terminal(self) -> bool {
        matches!(
            self,
            TaskState::Finished
                | TaskState::Failed
                | TaskState::Killed
                | TaskState::Error
                | TaskState::Lost
                | TaskState::Dropped
        )
    }
}

impl std::fmt::Display for TaskState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a running task ends on its own.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Exit {
    /// It runs until killed.
    Never,
    /// After this much simulated time running, it ends in this state.
    After(Duration, TaskState),
}

impl Exit {
    /// The documented rule for tasks launched through the scheduler API,
    /// read from the command: `sleep N` finishes after N simulated seconds;
    /// `true` or `exit 0` finishes at once; `false` or `exit N` (N ≠ 0)
    /// fails at once; anything else runs until killed.
    pub(crate) fn from_task_info(info: &Value) -> Exit {
        let Some(command) = info.get("command") else {
            return Exit::Never;
        };
        let shell = command
            .get("shell")
            .and_then(Value::as_bool)
            .unwrap_or(true);
        let mut words: Vec<String> = command
            .get("value")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .split_whitespace()
            .map(str::to_owned)
            .collect();
        if !shell {
            // argv[0] repeats the program name.
            let args = command.get("arguments").and_then(Value::as_array);
            words.extend(
                args.into_iter()
                    .flatten()
                    .skip(1)
                    .filter_map(Value::as_str)
                    .map(str::to_owned),
            );
        }
        let words: Vec<&str> = words.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["sleep", n] => match n.parse::<f64>() {
                Ok(secs) if secs.is_finite() && secs >= 0.0 => {
                    Exit::After(Duration::from_secs_f64(secs), TaskState::Finished)
                }
                _ => Exit::Never,
            },
            ["true"] | ["exit", "0"] => Exit::After(Duration::ZERO, TaskState::Finished),
            ["false"] => Exit::After(Duration::ZERO, TaskState::Failed),
            ["exit", n] if n.parse::<u8>().is_ok() => {
                Exit::After(Duration::ZERO, TaskState::Failed)
            }
            _ => Exit::Never,
        }
    }
}

/// One task.
#[derive(Debug, Clone)]
pub(crate) struct Task {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) framework_id: String,
    pub(crate) agent_id: String,
    pub(crate) executor_id: Option<String>,
    pub(crate) resources: Resources,
    pub(crate) role: String,
    pub(crate) state: TaskState,
    /// The status updates so far, v1 `TaskStatus` JSON, newest last.
    pub(crate) statuses: Vec<Value>,
    /// The uuid of the latest update, until acknowledged.
    pub(crate) status_update_uuid: Option<String>,
    /// The `TaskInfo` as launched (command, container, labels… are shown
    /// back from it).
    pub(crate) info: Value,
    pub(crate) exit: Exit,
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn the_exit_rule_reads_the_command() {
        let exit = |cmd: Value| Exit::from_task_info(&json!({ "command": cmd }));
        assert_eq!(
            exit(json!({"value": "sleep 5"})),
            Exit::After(Duration::from_secs(5), TaskState::Finished)
        );
        assert_eq!(
            exit(json!({"shell": false, "value": "sleep", "arguments": ["sleep", "2"]})),
            Exit::After(Duration::from_secs(2), TaskState::Finished)
        );
        assert_eq!(
            exit(json!({"value": "exit 3"})),
            Exit::After(Duration::ZERO, TaskState::Failed)
        );
        assert_eq!(
            exit(json!({"value": "true"})),
            Exit::After(Duration::ZERO, TaskState::Finished)
        );
        assert_eq!(exit(json!({"value": "python -m http.server"})), Exit::Never);
        assert_eq!(Exit::from_task_info(&json!({})), Exit::Never);
        assert!(TaskState::Lost.is_terminal() && !TaskState::Unreachable.is_terminal());
    }
}
