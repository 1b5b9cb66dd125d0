//! The Pipeline stage view REST API (`wfapi`, from
//! `pipeline-stage-view-plugin`): a run's stages, a stage's steps and logs,
//! and pending `input` steps.
//!
//! Its statuses are its own (`FAILED`, not `FAILURE`), and its `href`s and
//! `proceedUrl`s are paths from the server root, including Jenkins' context
//! path (`/jenkins/job/…`): the client resolves them against its base.

use std::collections::BTreeMap;

use dcos_auth::{json_model, string_enum};
use serde_json::Value;

string_enum! {
    /// A stage-view status (`StatusExt`).
    pub enum StageStatus {
        /// Not run (skipped, or not reached yet).
        NotExecuted = "NOT_EXECUTED",
        /// Aborted.
        Aborted = "ABORTED",
        /// Succeeded.
        Success = "SUCCESS",
        /// Running.
        InProgress = "IN_PROGRESS",
        /// Waiting at an `input` step.
        PausedPendingInput = "PAUSED_PENDING_INPUT",
        /// Failed.
        Failed = "FAILED",
        /// Unstable.
        Unstable = "UNSTABLE",
    }
}

impl StageStatus {
    /// Whether the run or stage will not change any more.
    pub fn is_final(&self) -> bool {
        !matches!(
            self,
            StageStatus::InProgress | StageStatus::PausedPendingInput | StageStatus::Unknown(_)
        )
    }
}

json_model! {
    /// A HAL link.
    pub struct Link {
        /// The path, from the server root.
        "href" href: String,
    }
}

/// HAL links by relation (`self`, `log`, `artifacts`, `pendingInputActions`…).
pub type Links = BTreeMap<String, Link>;

json_model! {
    /// `GET job/<path>/<n>/wfapi/describe`: a run and its stages
    /// (also each entry of `wfapi/runs`).
    pub struct RunDescription {
        /// HAL links.
        "_links" links: Option<Links>,
        /// The build id.
        "id" id: Option<String>,
        /// `#16`.
        "name" name: Option<String>,
        /// The run's status.
        "status" status: Option<StageStatus>,
        /// When it started, in milliseconds since the epoch.
        "startTimeMillis" start_time_millis: Option<u64>,
        /// When it ended (or the last update while it runs).
        "endTimeMillis" end_time_millis: Option<u64>,
        /// How long it ran, in milliseconds.
        "durationMillis" duration_millis: Option<u64>,
        /// How long it waited in the queue, in milliseconds.
        "queueDurationMillis" queue_duration_millis: Option<u64>,
        /// How long it was paused (at `input` steps), in milliseconds.
        "pauseDurationMillis" pause_duration_millis: Option<u64>,
        /// The stages, in order.
        "stages" stages: Option<Vec<StageNode>>,
    }
}

json_model! {
    /// A stage, or a step of a stage (`stageFlowNodes`), or the answer of
    /// `GET …/execution/node/<id>/wfapi/describe`.
    pub struct StageNode {
        /// HAL links (`self`, `log` for steps).
        "_links" links: Option<Links>,
        /// The flow node id, as used in `execution/node/<id>/`.
        "id" id: String,
        /// The stage or step name.
        "name" name: Option<String>,
        /// The node it ran on.
        "execNode" exec_node: Option<String>,
        /// The status.
        "status" status: Option<StageStatus>,
        /// What went wrong, for a failed stage or step.
        "error" error: Option<FlowNodeError>,
        /// When it started, in milliseconds since the epoch.
        "startTimeMillis" start_time_millis: Option<u64>,
        /// How long it ran, in milliseconds.
        "durationMillis" duration_millis: Option<u64>,
        /// How long it was paused, in milliseconds.
        "pauseDurationMillis" pause_duration_millis: Option<u64>,
        /// The steps of a stage (node describe only).
        "stageFlowNodes" stage_flow_nodes: Option<Vec<StageNode>>,
        /// The ids of the flow nodes before this one.
        "parentNodes" parent_nodes: Option<Vec<String>>,
    }
}

json_model! {
    /// The error of a failed stage or step.
    pub struct FlowNodeError {
        /// `script returned exit code 1`.
        "message" message: Option<String>,
        /// The exception class, such as `hudson.AbortException`.
        "type" error_type: Option<String>,
    }
}

json_model! {
    /// `GET …/execution/node/<id>/wfapi/log`: the log of one step.
    pub struct NodeLog {
        /// The flow node id.
        "nodeId" node_id: Option<String>,
        /// The step's status.
        "nodeStatus" node_status: Option<StageStatus>,
        /// The log's length in bytes.
        "length" length: Option<u64>,
        /// Whether the step is still writing.
        "hasMore" has_more: Option<bool>,
        /// The log text.
        "text" text: Option<String>,
        /// The full log's path, from the server root.
        "consoleUrl" console_url: Option<String>,
    }
}

json_model! {
    /// An `input` step waiting for an answer
    /// (`GET job/<path>/<n>/wfapi/pendingInputActions`).
    pub struct PendingInputAction {
        /// The input id (`id:` of the step, or a generated one).
        "id" id: String,
        /// The question.
        "message" message: Option<String>,
        /// The label of the proceed button.
        "proceedText" proceed_text: Option<String>,
        /// The parameters the step asks for.
        "inputs" inputs: Option<Vec<InputParameter>>,
        /// Where to POST to proceed, from the server root.
        "proceedUrl" proceed_url: Option<String>,
        /// Where to POST to abort, from the server root.
        "abortUrl" abort_url: Option<String>,
        /// The input page, from the server root.
        "redirectApprovalUrl" redirect_approval_url: Option<String>,
    }
}

json_model! {
    /// A parameter an `input` step asks for.
    pub struct InputParameter {
        /// `StringParameterDefinition`, `BooleanParameterDefinition`,
        /// `ChoiceParameterDefinition`, `PasswordParameterDefinition`…
        "type" param_type: Option<String>,
        /// The parameter name.
        "name" name: String,
        /// Its description.
        "description" description: Option<String>,
        /// The definition: `defaultVal`, `choices`…
        "definition" definition: Option<Value>,
    }
}

json_model! {
    /// An artifact of `GET job/<path>/<n>/wfapi/artifacts`.
    pub struct WfArtifact {
        /// The artifact id.
        "id" id: Option<String>,
        /// The file name.
        "name" name: Option<String>,
        /// The path under `artifact/`.
        "path" path: Option<String>,
        /// The download path, from the server root.
        "url" url: Option<String>,
        /// The size in bytes.
        "size" size: Option<u64>,
    }
}

json_model! {
    /// `GET job/<path>/wfapi/describe`: a Pipeline job.
    pub struct JobDescription {
        /// HAL links (`runs`).
        "_links" links: Option<Links>,
        /// The job name.
        "name" name: Option<String>,
        /// How many runs it has.
        "runCount" run_count: Option<u64>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn statuses_are_the_stage_view_names() {
        let s: StageStatus = serde_json::from_str(r#""FAILED""#).unwrap();
        assert_eq!(s, StageStatus::Failed);
        assert!(s.is_final());
        assert!(!StageStatus::PausedPendingInput.is_final());
        let s: StageStatus = serde_json::from_str(r#""QUEUED""#).unwrap();
        assert_eq!(s, StageStatus::Unknown("QUEUED".into()));
        assert!(!s.is_final());
    }
}
