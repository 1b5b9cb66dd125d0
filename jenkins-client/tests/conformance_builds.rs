//! Decodes every build, queue, node, label, stage-view, test-report and
//! console payload under `shared/upstream/jenkins` (next to the workspace)
//! into its model, and checks that writing it back loses nothing.
//!
//! Every file of those kinds must be listed in [`FIXTURES`]: a new one makes
//! the test fail until it is given a decoder. The `.js` files are Node.js
//! `util.inspect` printouts of real answers (unquoted keys, single quotes),
//! not JSON, so they are skipped. When the folder is absent the test prints a
//! notice and passes.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use jenkins_client::models::{
    Build, BuildResult, Computer, ComputerSet, Label, NodeLog, PendingInputAction, Queue,
    QueueItem, RunDescription, StageNode, StageStatus, TestReport, WfArtifact,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// Decodes a payload, checks what the file is said to show, and writes it
/// back as a JSON value.
type Check = fn(&[u8]) -> Value;

/// The kinds of file this test owns, by file-name prefix.
const PREFIXES: &[&str] = &[
    "build_",
    "computer_",
    "queue",
    "label_",
    "wfapi_",
    "testReport_",
    "logText_",
];

enum Expect {
    /// Decoded, checked, and written back equal to the original.
    RoundTrip(Check),
    /// Not decoded here (the reason says why).
    Skip(&'static str),
}

use Expect::{RoundTrip, Skip};

const NODE_PRINTOUT: &str = "a Node.js printout, not JSON";

const FIXTURES: &[(&str, Expect)] = &[
    (
        "build_freestyle_api_json__api4jenkins.json",
        RoundTrip(build_success),
    ),
    (
        "build_freestyle_api_json__git_changeSets__cdancy.json",
        RoundTrip(build_git),
    ),
    (
        "build_freestyle_api_json__node-jenkins_2014.json",
        RoundTrip(build_success),
    ),
    (
        "build_freestyle_api_json__params_causes_artifacts__cdancy.json",
        RoundTrip(build_params),
    ),
    (
        "build_freestyle_git_BuildData_action__2013__jenkinsapi.json",
        RoundTrip(build_any),
    ),
    (
        "build_workflowrun_api_json__building_result_null__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "build_workflowrun_api_json__completed_depth__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "build_workflowrun_api_json__remote_cause_params__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "build_workflowrun_api_json__replay_cause_params__api4jenkins.json",
        RoundTrip(build_replay),
    ),
    (
        "computer_api_json__2013__jenkinsapi.json",
        RoundTrip(computers),
    ),
    (
        "computer_api_json__list__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "computer_api_json__master_and_offline_agents__cdancy.json",
        RoundTrip(computers),
    ),
    (
        "computer_api_json__master_tempoffline_jnlp__node-jenkins.json",
        RoundTrip(computers_temp_offline),
    ),
    (
        "computer_api_json_depth__master_and_jnlp_agent__api4jenkins.json",
        RoundTrip(computers),
    ),
    (
        "computer_builtin_api_json__built-in_node__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "computer_inbound_agent_api_json__jnlp_offline__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "computer_single_api_json__jnlp_offline__node-jenkins.json",
        RoundTrip(computer_jnlp),
    ),
    (
        "computer_single_api_json__temporarily_offline__node-jenkins.json",
        RoundTrip(computer_away),
    ),
    (
        "computer_single_builtin_api_json__api4jenkins.json",
        RoundTrip(computer_builtin),
    ),
    ("label_api_json__jenkins-client-ts.js", Skip(NODE_PRINTOUT)),
    (
        "label_api_json__master__node-jenkins.json",
        RoundTrip(label),
    ),
    (
        "logText_progressiveText__parsed_result__jenkins-client-ts.js",
        Skip(
            "a Node.js printout of a parsed answer; its values are used by the wiremock console tests",
        ),
    ),
    (
        "logText_progressiveText_body__cdancy.txt",
        Skip("plain text, not JSON; the console tests serve it"),
    ),
    (
        "queue_api_json__2013__jenkinsapi.json",
        RoundTrip(queue_buildable),
    ),
    (
        "queue_api_json__blocked_and_stuck_buildable__api4jenkins.json",
        RoundTrip(queue_blocked_and_stuck),
    ),
    (
        "queue_api_json__buildable_pending__node-jenkins.json",
        RoundTrip(queue_buildable),
    ),
    (
        "queue_api_json__two_waiting__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "queue_api_json__waiting_for_executor__cdancy.json",
        RoundTrip(queue_buildable),
    ),
    (
        "queue_item__blocked_BlockedItem__cdancy.json",
        RoundTrip(item_blocked),
    ),
    (
        "queue_item__blocked__api4jenkins.json",
        RoundTrip(item_blocked),
    ),
    (
        "queue_item__buildable_stuck_PlaceholderTask_no_label__api4jenkins.json",
        RoundTrip(item_stuck_placeholder),
    ),
    (
        "queue_item__left_cancelled__cdancy.json",
        RoundTrip(item_cancelled),
    ),
    (
        "queue_item__left_executable_WorkflowRun__api4jenkins.json",
        RoundTrip(item_started),
    ),
    (
        "queue_item__left_executable_no_class__node-jenkins.json",
        RoundTrip(item_started),
    ),
    (
        "queue_item__left_multiple_params__cdancy.json",
        RoundTrip(item_started),
    ),
    (
        "queue_item__left_with_executable_FreeStyleBuild__cdancy.json",
        RoundTrip(item_started),
    ),
    (
        "queue_item__waiting_quiet_period_WorkflowJob__jenkins-client-ts.js",
        Skip(NODE_PRINTOUT),
    ),
    (
        "queue_item__waiting_quiet_period__api4jenkins.json",
        RoundTrip(item_waiting),
    ),
    (
        "wfapi_HAL_links_fragment__stage-view-doc.jsonfrag",
        Skip("a `\"_links\": {…}` fragment, not a JSON document; full runs carry the same links"),
    ),
    (
        "wfapi_artifacts__stage-view-doc.json",
        RoundTrip(wf_artifacts),
    ),
    ("wfapi_job_describe__stage-view-doc.json", RoundTrip(wf_job)),
    ("wfapi_node_log__stage-view-doc.json", RoundTrip(wf_log)),
    (
        "wfapi_pendingInputAction_with_inputs__stage-view-uitest.json",
        RoundTrip(wf_input),
    ),
    (
        "wfapi_pendingInputActions__stage-view-doc.json",
        RoundTrip(wf_inputs),
    ),
    (
        "wfapi_run_describe__paused_pending_input__stage-view-doc.json",
        RoundTrip(wf_run_paused),
    ),
    (
        "wfapi_runs__failed__stage-view-uitest.json",
        RoundTrip(wf_runs),
    ),
    (
        "wfapi_runs__in_progress__stage-view-uitest.json",
        RoundTrip(wf_runs),
    ),
    ("wfapi_runs__stage-view-doc.json", RoundTrip(wf_runs)),
    (
        "wfapi_runs__unstable__stage-view-uitest.json",
        RoundTrip(wf_runs),
    ),
    (
        "wfapi_stage_node_describe__failed__stage-view-doc.json",
        RoundTrip(wf_stage_failed),
    ),
    (
        "wfapi_stage_node_describe__success__stage-view-doc.json",
        RoundTrip(wf_stage_ok),
    ),
    (
        "testReport_api_json__junit__api4jenkins.json",
        RoundTrip(test_report),
    ),
];

fn upstream() -> Option<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/jenkins");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "NOTICE: {} is absent: the build/queue/node conformance test is skipped",
            dir.display()
        );
        None
    }
}

fn decode<T: DeserializeOwned>(bytes: &[u8]) -> T {
    dcos_auth::decode_json(bytes, || std::any::type_name::<T>().to_owned())
        .unwrap_or_else(|e| panic!("{e}"))
}

fn back<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap()
}

fn build_any(bytes: &[u8]) -> Value {
    let b: Build = decode(bytes);
    assert!(b.number.is_some());
    back(&b)
}

fn build_success(bytes: &[u8]) -> Value {
    let b: Build = decode(bytes);
    assert_eq!(b.result, Some(BuildResult::Success));
    assert!(b.is_finished());
    assert!(b.causes().next().unwrap().short_description.is_some());
    back(&b)
}

fn build_git(bytes: &[u8]) -> Value {
    let b: Build = decode(bytes);
    let change = b.changes().next().unwrap();
    assert_eq!(
        change.commit_id.as_deref(),
        Some("d27afa0805201322d846d7defc29b82c88d9b5ce")
    );
    assert_eq!(
        change.paths.as_ref().unwrap()[0].edit_type.as_deref(),
        Some("add")
    );
    assert_eq!(b.parameter("bear"), Some(&Value::Bool(true)));
    back(&b)
}

fn build_params(bytes: &[u8]) -> Value {
    let b: Build = decode(bytes);
    assert_eq!(b.parameter("fish").and_then(Value::as_str), Some("salmon"));
    assert_eq!(b.artifacts.as_ref().unwrap()[0].relative_path, "fish.txt");
    back(&b)
}

fn build_replay(bytes: &[u8]) -> Value {
    let b: Build = decode(bytes);
    assert_eq!(b.result, Some(BuildResult::Failure));
    assert_eq!(b.causes().count(), 2);
    assert_eq!(b.previous_build.as_ref().unwrap().number, 51);
    assert_eq!(b.parameters().count(), 2);
    back(&b)
}

fn computers(bytes: &[u8]) -> Value {
    let set: ComputerSet = decode(bytes);
    assert!(set.computer.len() >= 2);
    assert!(set.computer.iter().any(|c| c.offline == Some(true)));
    back(&set)
}

fn computers_temp_offline(bytes: &[u8]) -> Value {
    let set: ComputerSet = decode(bytes);
    assert!(
        set.computer
            .iter()
            .any(|c| c.temporarily_offline == Some(true))
    );
    assert!(set.computer.iter().any(|c| c.jnlp_agent == Some(true)));
    back(&set)
}

fn computer_jnlp(bytes: &[u8]) -> Value {
    let c: Computer = decode(bytes);
    assert_eq!(c.jnlp_agent, Some(true));
    assert_eq!(c.offline, Some(true));
    back(&c)
}

fn computer_away(bytes: &[u8]) -> Value {
    let c: Computer = decode(bytes);
    assert_eq!(c.temporarily_offline, Some(true));
    assert_eq!(c.offline_cause_reason.as_deref(), Some("away"));
    back(&c)
}

fn computer_builtin(bytes: &[u8]) -> Value {
    let c: Computer = decode(bytes);
    assert!(c.is_built_in());
    assert_eq!(c.labels().collect::<Vec<_>>(), ["master"]);
    let running = c.executors.as_ref().unwrap();
    assert_eq!(running[0].current_executable.as_ref().unwrap().number, 14);
    back(&c)
}

fn label(bytes: &[u8]) -> Value {
    let l: Label = decode(bytes);
    assert_eq!(l.name.as_deref(), Some("master"));
    assert_eq!(l.nodes.as_ref().unwrap()[0].node_name.as_deref(), Some(""));
    back(&l)
}

fn queue_buildable(bytes: &[u8]) -> Value {
    let q: Queue = decode(bytes);
    assert!(!q.items.is_empty());
    assert!(q.items.iter().all(|i| matches!(i, QueueItem::Buildable(_))));
    back(&q)
}

fn queue_blocked_and_stuck(bytes: &[u8]) -> Value {
    let q: Queue = decode(bytes);
    assert!(matches!(q.items[0], QueueItem::Blocked(_)));
    assert!(q.items[1].is_stuck());
    assert!(q.items[1].task().unwrap().is_placeholder());
    back(&q)
}

fn item_blocked(bytes: &[u8]) -> Value {
    let i: QueueItem = decode(bytes);
    assert!(matches!(i, QueueItem::Blocked(_)));
    assert!(i.why().unwrap().contains("already in progress"));
    back(&i)
}

fn item_stuck_placeholder(bytes: &[u8]) -> Value {
    let i: QueueItem = decode(bytes);
    let QueueItem::Buildable(b) = &i else {
        panic!("{i:?}")
    };
    assert_eq!(b.stuck, Some(true));
    assert_eq!(b.pending, Some(false));
    assert!(b.task.as_ref().unwrap().is_placeholder());
    back(&i)
}

fn item_cancelled(bytes: &[u8]) -> Value {
    let i: QueueItem = decode(bytes);
    let QueueItem::Left(l) = &i else {
        panic!("{i:?}")
    };
    assert_eq!(l.cancelled, Some(true));
    assert_eq!(l.executable, None);
    back(&i)
}

fn item_started(bytes: &[u8]) -> Value {
    let i: QueueItem = decode(bytes);
    let QueueItem::Left(l) = &i else {
        panic!("{i:?}")
    };
    assert_ne!(l.cancelled, Some(true));
    assert!(l.executable.as_ref().unwrap().number > 0);
    back(&i)
}

fn item_waiting(bytes: &[u8]) -> Value {
    let i: QueueItem = decode(bytes);
    let QueueItem::Waiting(w) = &i else {
        panic!("{i:?}")
    };
    assert!(w.timestamp.is_some());
    assert!(w.why.as_deref().unwrap().contains("quiet period"));
    back(&i)
}

fn wf_artifacts(bytes: &[u8]) -> Value {
    let a: Vec<WfArtifact> = decode(bytes);
    assert_eq!(a[0].size, Some(6));
    back(&a)
}

fn wf_job(bytes: &[u8]) -> Value {
    let j: jenkins_client::models::JobDescription = decode(bytes);
    assert_eq!(j.run_count, Some(17));
    back(&j)
}

fn wf_log(bytes: &[u8]) -> Value {
    let l: NodeLog = decode(bytes);
    assert_eq!(l.node_status, Some(StageStatus::Failed));
    assert_eq!(l.has_more, Some(false));
    back(&l)
}

fn wf_input(bytes: &[u8]) -> Value {
    let a: PendingInputAction = decode(bytes);
    assert_eq!(a.inputs.as_ref().unwrap().len(), 5);
    assert!(a.proceed_url.as_deref().unwrap().contains("inputSubmit"));
    back(&a)
}

fn wf_inputs(bytes: &[u8]) -> Value {
    let a: Vec<PendingInputAction> = decode(bytes);
    assert!(a[0].abort_url.as_deref().unwrap().ends_with("/abort"));
    back(&a)
}

fn wf_run_paused(bytes: &[u8]) -> Value {
    let r: RunDescription = decode(bytes);
    assert_eq!(r.status, Some(StageStatus::PausedPendingInput));
    assert_eq!(r.stages.as_ref().unwrap().len(), 3);
    assert!(
        r.links
            .as_ref()
            .unwrap()
            .contains_key("pendingInputActions")
    );
    back(&r)
}

fn wf_runs(bytes: &[u8]) -> Value {
    let runs: Vec<RunDescription> = decode(bytes);
    assert!(
        runs.iter()
            .all(|r| r.status.is_some() && r.duration_millis.is_some())
    );
    assert!(
        runs.iter()
            .flat_map(|r| r.stages.iter().flatten())
            .all(|s| !matches!(s.status, Some(StageStatus::Unknown(_)) | None))
    );
    back(&runs)
}

fn wf_stage_failed(bytes: &[u8]) -> Value {
    let s: StageNode = decode(bytes);
    assert_eq!(s.status, Some(StageStatus::Failed));
    let step = &s.stage_flow_nodes.as_ref().unwrap()[0];
    assert_eq!(
        step.error.as_ref().unwrap().error_type.as_deref(),
        Some("hudson.AbortException")
    );
    back(&s)
}

fn wf_stage_ok(bytes: &[u8]) -> Value {
    let s: StageNode = decode(bytes);
    assert_eq!(s.status, Some(StageStatus::Success));
    assert!(
        s.stage_flow_nodes.as_ref().unwrap()[0]
            .links
            .as_ref()
            .unwrap()
            .contains_key("log")
    );
    back(&s)
}

fn test_report(bytes: &[u8]) -> Value {
    let r: TestReport = decode(bytes);
    assert_eq!(r.fail_count, Some(2));
    assert_eq!(r.cases().count(), 1);
    back(&r)
}

#[test]
fn every_owned_payload_decodes_and_round_trips() {
    let Some(dir) = upstream() else { return };
    let mut owned: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|name| PREFIXES.iter().any(|p| name.starts_with(p)))
        .collect();
    owned.sort();
    let listed: Vec<&str> = FIXTURES.iter().map(|(name, _)| *name).collect();
    for name in &owned {
        assert!(
            listed.contains(&name.as_str()),
            "{name} has no decoder in FIXTURES"
        );
    }
    let mut decoded = 0;
    for (name, expect) in FIXTURES {
        let path = dir.join(name);
        assert!(path.is_file(), "{name} is listed but absent");
        match expect {
            Skip(why) => println!("skip {name}: {why}"),
            RoundTrip(check) => {
                let bytes = std::fs::read(&path).unwrap();
                let original: Value = serde_json::from_slice(&bytes).unwrap();
                let written = check(&bytes);
                assert_eq!(written, original, "{name}: written back differs");
                decoded += 1;
            }
        }
    }
    assert!(decoded >= 35, "only {decoded} payloads decoded");
}
