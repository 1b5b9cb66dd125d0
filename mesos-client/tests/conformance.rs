//! Decodes every `operator_*` and `legacy_*` file of the upstream Mesos
//! examples into its type. Every such file must be listed here, so a new
//! upstream file fails the test until it is classified.
//!
//! The doc examples that SOURCES.md lists as differing from the protos are
//! decoded as the protos say, and their differences are asserted to land
//! where the models keep unknown data (`extra`) or to be defaulted:
//! - `operator_get_frameworks_response.json`, `operator_get_state_response.json`:
//!   proto-required `recovered` is absent → `false`;
//! - `operator_get_quota_response.json`: `configs` is not in `QuotaInfo` →
//!   kept (the quota status is kept as sent);
//! - `operator_get_operations_response.json`: a non-base64 `uuid` → the
//!   operations are kept as sent;
//! - `operator_event_task_added.json`: `Task` has no `command` → kept in
//!   the task's `extra`;
//! - `operator_event_task_updated.json`: the doc's `task_id`, `agent_id`
//!   and `executor_id` are not in `TaskUpdated` → kept in its `extra`;
//! - the `.txt` operator events are not strict JSON upstream (a trailing
//!   comma; the snapshot elided as `{...}`): they are asserted to stay so,
//!   then decoded with that one defect fixed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use mesos_client::legacy::{LegacyMasterState, legacy_resources};
use mesos_client::models::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// How a file is checked.
enum Check {
    /// A master or agent response: decode `payload` under its key.
    Response(fn(&str)),
    /// A request body of a call this client sends: `type` is the call.
    Request(&'static str),
    /// A legacy body.
    Legacy(fn(&str)),
    /// Not strict JSON upstream (reason); asserted to stay so.
    NotJson(&'static str),
    /// An operator event (`mesos.v1.master.Event`).
    Event(fn(&str)),
    /// Not modelled by this client yet (reason).
    NotModelled(&'static str),
}

fn payload<T: DeserializeOwned>(text: &str, kind: &str) -> T {
    let mut value: Value = serde_json::from_str(text).unwrap();
    assert_eq!(value["type"], kind);
    let key = kind.to_ascii_lowercase();
    let inner = value.get_mut(&key).map(Value::take).expect("payload");
    serde_json::from_value(inner).unwrap_or_else(|e| panic!("{kind}: {e}"))
}

/// Decodes an operator event. A `.txt` one (not strict JSON upstream) is
/// asserted to fail strict parsing, then decoded with its trailing commas
/// dropped and an elided `{...}` made empty.
fn event(text: &str) -> OperatorEvent {
    if let Ok(event) = serde_json::from_str(text) {
        return event;
    }
    assert!(serde_json::from_str::<Value>(text).is_err());
    let text = text.replace("{...}", "{}");
    let chars: Vec<char> = text.chars().collect();
    let fixed: String = chars
        .iter()
        .enumerate()
        .filter(|&(i, &c)| {
            c != ','
                || !matches!(
                    chars[i + 1..].iter().find(|c| !c.is_whitespace()),
                    Some('}' | ']')
                )
        })
        .map(|(_, &c)| c)
        .collect();
    serde_json::from_str(&fixed).unwrap()
}

fn table() -> Vec<(&'static str, Check)> {
    use Check::*;
    vec![
        (
            "legacy_agent_containers_response.txt",
            NotJson("missing comma after container_status"),
        ),
        (
            "legacy_agent_monitor_statistics_response.json",
            NotModelled("monitor/statistics"),
        ),
        (
            "legacy_agent_state_response.txt",
            NotJson("missing comma after build_date, trailing comma"),
        ),
        (
            "legacy_master_state_json_mesos_dns_fixture.json",
            Legacy(|t| {
                let s: LegacyMasterState = serde_json::from_str(t).unwrap();
                assert!(!s.slaves.is_empty());
                for agent in &s.slaves {
                    legacy_resources(&agent.resources).unwrap();
                }
                assert!(s.frameworks.iter().any(|f| !f.tasks.is_empty()));
            }),
        ),
        (
            "legacy_master_state_response.json",
            Legacy(|t| {
                let s: LegacyMasterState = serde_json::from_str(t).unwrap();
                assert!(s.start_time.is_some());
            }),
        ),
        (
            "legacy_version_response.txt",
            NotJson("comments, missing and trailing commas"),
        ),
        (
            "operator_agent_add_resource_provider_config_request.json",
            NotModelled("resource providers"),
        ),
        (
            "operator_agent_attach_container_input_request_recordio_stream.txt",
            NotModelled("container attach"),
        ),
        (
            "operator_agent_attach_container_output_request.json",
            NotModelled("container attach"),
        ),
        (
            "operator_agent_attach_container_output_response_recordio_stream.txt",
            NotModelled("container attach"),
        ),
        (
            "operator_agent_get_containers_request.json",
            Request("GET_CONTAINERS"),
        ),
        (
            "operator_agent_get_containers_response.json",
            Response(|t| {
                let r: GetContainers = payload(t, "GET_CONTAINERS");
                assert!(!r.containers.is_empty());
            }),
        ),
        (
            "operator_agent_get_executors_request.json",
            Request("GET_EXECUTORS"),
        ),
        (
            "operator_agent_get_executors_response.json",
            Response(|t| {
                let _: AgentGetExecutors = payload(t, "GET_EXECUTORS");
            }),
        ),
        (
            "operator_agent_get_flags_request.json",
            NotModelled("agent GET_FLAGS"),
        ),
        (
            "operator_agent_get_flags_response.json",
            Response(|t| {
                let _: GetFlags = payload(t, "GET_FLAGS");
            }),
        ),
        (
            "operator_agent_get_frameworks_request.json",
            Request("GET_FRAMEWORKS"),
        ),
        (
            "operator_agent_get_frameworks_response.json",
            Response(|t| {
                let _: AgentGetFrameworks = payload(t, "GET_FRAMEWORKS");
            }),
        ),
        (
            "operator_agent_get_operations_request.json",
            NotModelled("agent GET_OPERATIONS"),
        ),
        (
            "operator_agent_get_operations_response.json",
            Response(|t| {
                // The doc's uuid is not base64; operations are kept as sent.
                let r: GetOperations = payload(t, "GET_OPERATIONS");
                assert!(!r.operations.is_empty());
            }),
        ),
        (
            "operator_agent_get_resource_providers_request.json",
            NotModelled("resource providers"),
        ),
        (
            "operator_agent_get_resource_providers_response.json",
            NotModelled("resource providers"),
        ),
        (
            "operator_agent_get_state_request.json",
            Request("GET_STATE"),
        ),
        (
            "operator_agent_get_state_response.json",
            Response(|t| {
                let _: AgentGetState = payload(t, "GET_STATE");
            }),
        ),
        (
            "operator_agent_get_tasks_request.json",
            Request("GET_TASKS"),
        ),
        (
            "operator_agent_get_tasks_response.json",
            Response(|t| {
                let _: AgentGetTasks = payload(t, "GET_TASKS");
            }),
        ),
        (
            "operator_agent_kill_container_request.json",
            Request("KILL_CONTAINER"),
        ),
        (
            "operator_agent_kill_nested_container_request.json",
            NotModelled("nested containers"),
        ),
        (
            "operator_agent_launch_container_request.json",
            NotModelled("LAUNCH_CONTAINER"),
        ),
        (
            "operator_agent_launch_nested_container_request.json",
            NotModelled("nested containers"),
        ),
        (
            "operator_agent_launch_nested_container_session_request.json",
            NotModelled("nested containers"),
        ),
        (
            "operator_agent_launch_nested_container_session_response_recordio_stream.txt",
            NotModelled("nested containers"),
        ),
        (
            "operator_agent_prune_images_request.json",
            NotModelled("PRUNE_IMAGES"),
        ),
        (
            "operator_agent_remove_nested_container_request.json",
            NotModelled("nested containers"),
        ),
        (
            "operator_agent_remove_resource_provider_config_request.json",
            NotModelled("resource providers"),
        ),
        (
            "operator_agent_update_resource_provider_config_request.json",
            NotModelled("resource providers"),
        ),
        (
            "operator_agent_wait_container_request.json",
            Request("WAIT_CONTAINER"),
        ),
        (
            "operator_agent_wait_container_response.json",
            Response(|t| {
                let _: WaitContainer = payload(t, "WAIT_CONTAINER");
            }),
        ),
        (
            "operator_agent_wait_nested_container_request.json",
            NotModelled("nested containers"),
        ),
        (
            "operator_agent_wait_nested_container_response.json",
            NotModelled("nested containers"),
        ),
        (
            "operator_create_volumes_request.json",
            Request("CREATE_VOLUMES"),
        ),
        (
            "operator_deactivate_agent_request.json",
            Request("DEACTIVATE_AGENT"),
        ),
        (
            "operator_destroy_volumes_request.json",
            Request("DESTROY_VOLUMES"),
        ),
        ("operator_drain_agent_request.json", Request("DRAIN_AGENT")),
        (
            "operator_event_agent_added.txt",
            Event(|t| {
                assert!(matches!(event(t), OperatorEvent::AgentAdded(a) if a.agent.active));
            }),
        ),
        (
            "operator_event_agent_removed.json",
            Event(|t| {
                assert!(matches!(event(t), OperatorEvent::AgentRemoved(_)));
            }),
        ),
        (
            "operator_event_framework_added.json",
            Event(|t| {
                assert!(matches!(event(t), OperatorEvent::FrameworkAdded(f) if f.framework.active));
            }),
        ),
        (
            "operator_event_framework_removed.json",
            Event(|t| {
                assert!(
                    matches!(event(t), OperatorEvent::FrameworkRemoved(f) if f.framework_info.id.is_some())
                );
            }),
        ),
        (
            "operator_event_framework_updated.json",
            Event(|t| {
                assert!(matches!(event(t), OperatorEvent::FrameworkUpdated(_)));
            }),
        ),
        (
            "operator_event_heartbeat.txt",
            Event(|t| {
                assert_eq!(event(t), OperatorEvent::Heartbeat);
            }),
        ),
        (
            "operator_event_task_added.json",
            Event(|t| {
                assert!(
                    matches!(event(t), OperatorEvent::TaskAdded(p) if p.task.extra.contains_key("command"))
                );
            }),
        ),
        (
            "operator_event_task_updated.json",
            Event(|t| {
                assert!(
                    matches!(event(t), OperatorEvent::TaskUpdated(p) if p.extra.contains_key("task_id") && p.state == Some(TaskState::Running))
                );
            }),
        ),
        ("operator_get_agents_request.json", Request("GET_AGENTS")),
        (
            "operator_get_agents_response.txt",
            Response(|t| {
                // The doc body opens with "{{" (a typo); drop one brace.
                assert!(serde_json::from_str::<Value>(t).is_err());
                let fixed = t.trim_start().strip_prefix('{').unwrap();
                let r: GetAgents = payload(fixed, "GET_AGENTS");
                assert!(!r.agents.is_empty());
                assert!(!r.agents[0].total_resources.is_empty());
            }),
        ),
        (
            "operator_get_executors_request.json",
            Request("GET_EXECUTORS"),
        ),
        (
            "operator_get_executors_response.json",
            Response(|t| {
                let _: GetExecutors = payload(t, "GET_EXECUTORS");
            }),
        ),
        ("operator_get_flags_request.json", Request("GET_FLAGS")),
        (
            "operator_get_flags_response.json",
            Response(|t| {
                let _: GetFlags = payload(t, "GET_FLAGS");
            }),
        ),
        (
            "operator_get_frameworks_request.json",
            Request("GET_FRAMEWORKS"),
        ),
        (
            "operator_get_frameworks_response.json",
            Response(|t| {
                let r: GetFrameworks = payload(t, "GET_FRAMEWORKS");
                assert!(!r.frameworks[0].recovered, "absent `recovered` is false");
            }),
        ),
        ("operator_get_health_request.json", Request("GET_HEALTH")),
        (
            "operator_get_health_response.json",
            Response(|t| {
                let _: GetHealth = payload(t, "GET_HEALTH");
            }),
        ),
        (
            "operator_get_logging_level_request.json",
            Request("GET_LOGGING_LEVEL"),
        ),
        (
            "operator_get_logging_level_response.json",
            Response(|t| {
                let _: GetLoggingLevel = payload(t, "GET_LOGGING_LEVEL");
            }),
        ),
        (
            "operator_get_maintenance_schedule_request.json",
            Request("GET_MAINTENANCE_SCHEDULE"),
        ),
        (
            "operator_get_maintenance_schedule_response.json",
            Response(|t| {
                let _: GetMaintenanceSchedule = payload(t, "GET_MAINTENANCE_SCHEDULE");
            }),
        ),
        (
            "operator_get_maintenance_status_request.json",
            Request("GET_MAINTENANCE_STATUS"),
        ),
        (
            "operator_get_maintenance_status_response.json",
            Response(|t| {
                let _: GetMaintenanceStatus = payload(t, "GET_MAINTENANCE_STATUS");
            }),
        ),
        ("operator_get_master_request.json", Request("GET_MASTER")),
        (
            "operator_get_master_response.json",
            Response(|t| {
                let r: GetMaster = payload(t, "GET_MASTER");
                assert!(r.master_info.is_some());
            }),
        ),
        ("operator_get_metrics_request.json", Request("GET_METRICS")),
        (
            "operator_get_metrics_response.json",
            Response(|t| {
                let _: GetMetrics = payload(t, "GET_METRICS");
            }),
        ),
        (
            "operator_get_operations_request.json",
            Request("GET_OPERATIONS"),
        ),
        (
            "operator_get_operations_response.json",
            Response(|t| {
                let _: GetOperations = payload(t, "GET_OPERATIONS");
            }),
        ),
        ("operator_get_quota_request.json", Request("GET_QUOTA")),
        (
            "operator_get_quota_response.json",
            Response(|t| {
                let r: GetQuota = payload(t, "GET_QUOTA");
                assert!(r.status.is_object());
            }),
        ),
        ("operator_get_roles_request.json", Request("GET_ROLES")),
        (
            "operator_get_roles_response.json",
            Response(|t| {
                let _: GetRoles = payload(t, "GET_ROLES");
            }),
        ),
        ("operator_get_state_request.json", Request("GET_STATE")),
        (
            "operator_get_state_response.json",
            Response(|t| {
                let r: GetState = payload(t, "GET_STATE");
                assert!(!r.get_agents.agents.is_empty());
                assert!(!r.get_frameworks.frameworks[0].recovered);
            }),
        ),
        ("operator_get_tasks_request.json", Request("GET_TASKS")),
        (
            "operator_get_tasks_response.json",
            Response(|t| {
                let _: GetTasks = payload(t, "GET_TASKS");
            }),
        ),
        ("operator_get_version_request.json", Request("GET_VERSION")),
        (
            "operator_get_version_response.json",
            Response(|t| {
                let _: GetVersion = payload(t, "GET_VERSION");
            }),
        ),
        ("operator_get_weights_request.json", Request("GET_WEIGHTS")),
        (
            "operator_get_weights_response.json",
            Response(|t| {
                let _: GetWeights = payload(t, "GET_WEIGHTS");
            }),
        ),
        ("operator_grow_volume_request.json", Request("GROW_VOLUME")),
        ("operator_list_files_request.json", Request("LIST_FILES")),
        (
            "operator_list_files_response.json",
            Response(|t| {
                let _: ListFiles = payload(t, "LIST_FILES");
            }),
        ),
        (
            "operator_mark_agent_gone_request.json",
            Request("MARK_AGENT_GONE"),
        ),
        (
            "operator_reactivate_agent_request.json",
            Request("REACTIVATE_AGENT"),
        ),
        ("operator_read_file_request.json", Request("READ_FILE")),
        (
            "operator_read_file_response.json",
            Response(|t| {
                let _: ReadFile = payload(t, "READ_FILE");
            }),
        ),
        (
            "operator_reserve_resources_example2_request.json",
            Request("RESERVE_RESOURCES"),
        ),
        (
            "operator_reserve_resources_request.json",
            Request("RESERVE_RESOURCES"),
        ),
        (
            "operator_set_logging_level_request.json",
            Request("SET_LOGGING_LEVEL"),
        ),
        (
            "operator_shrink_volume_request.json",
            Request("SHRINK_VOLUME"),
        ),
        (
            "operator_start_maintenance_request.json",
            Request("START_MAINTENANCE"),
        ),
        (
            "operator_stop_maintenance_request.json",
            Request("STOP_MAINTENANCE"),
        ),
        ("operator_subscribe_request.json", Request("SUBSCRIBE")),
        (
            "operator_subscribe_response_first_event.txt",
            Event(|t| {
                assert!(matches!(event(t), OperatorEvent::Subscribed(s) if s.get_state.is_some()));
            }),
        ),
        (
            "operator_unreserve_resources_request.json",
            Request("UNRESERVE_RESOURCES"),
        ),
        (
            "operator_update_maintenance_schedule_request.json",
            Request("UPDATE_MAINTENANCE_SCHEDULE"),
        ),
        (
            "operator_update_quota_request.json",
            Request("UPDATE_QUOTA"),
        ),
        (
            "operator_update_weights_request.json",
            Request("UPDATE_WEIGHTS"),
        ),
    ]
}

#[test]
fn every_upstream_operator_and_legacy_file_is_listed_and_decodes() {
    let Some(dir) = common::upstream() else {
        return;
    };
    let table = table();
    let mut on_disk: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with("operator_") || n.starts_with("legacy_"))
        .collect();
    on_disk.sort();
    let mut listed: Vec<String> = table.iter().map(|(n, _)| (*n).to_owned()).collect();
    listed.sort();
    assert_eq!(on_disk, listed, "classify every upstream file in the table");
    for (name, check) in table {
        let text = std::fs::read_to_string(dir.join(name)).unwrap();
        match check {
            Check::Response(f) | Check::Legacy(f) | Check::Event(f) => f(&text),
            Check::Request(kind) => {
                let value: Value = serde_json::from_str(&text).unwrap();
                assert_eq!(value["type"], kind, "{name}");
                let key = kind.to_ascii_lowercase();
                assert!(
                    value.get(&key).is_none_or(Value::is_object),
                    "{name}: the payload sits under `{key}`"
                );
            }
            Check::NotJson(reason) => assert!(
                serde_json::from_str::<Value>(&text).is_err(),
                "{name} is now strict JSON ({reason} fixed?): decode it"
            ),
            Check::NotModelled(reason) => eprintln!("not modelled yet: {name} ({reason})"),
        }
    }
}
