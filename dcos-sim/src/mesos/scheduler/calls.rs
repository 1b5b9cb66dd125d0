//! The scheduler calls other than SUBSCRIBE and ACCEPT.

use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};

use super::{accept, missing};
use crate::mesos::{json as json_response, text};
use crate::sim::SimState;
use crate::state::framework::Framework;
use crate::state::task::TaskState;

/// The `refuse_seconds` of a call's `filters` (5 s, the Mesos default).
pub(super) fn refuse_seconds(filters: Option<&Value>) -> f64 {
    filters
        .and_then(|f| f.get("refuse_seconds"))
        .and_then(Value::as_f64)
        .filter(|s| s.is_finite())
        .unwrap_or(5.0)
}

fn offer_ids(list: Option<&Value>) -> Vec<String> {
    list.and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| o.get("value").and_then(Value::as_str))
        .map(str::to_owned)
        .collect()
}

fn accepted() -> Response {
    StatusCode::ACCEPTED.into_response()
}

/// Runs one call of a subscribed framework whose stream id checked out.
pub(super) fn dispatch(sim: &SimState, framework_id: &str, kind: &str, call: &Value) -> Response {
    let now = sim.clock.unix_seconds();
    match kind {
        "ACCEPT" => {
            let Some(body) = call.get("accept") else {
                return missing("accept");
            };
            let launched = accept::accept(sim, framework_id, body);
            for key in launched {
                sim.mesos.start_lifecycle(key);
            }
            accepted()
        }
        "DECLINE" => {
            let Some(body) = call.get("decline") else {
                return missing("decline");
            };
            let refuse = refuse_seconds(body.get("filters"));
            let mut state = sim.mesos.lock();
            for id in offer_ids(body.get("offer_ids")) {
                let owned = state
                    .offers
                    .get(&id)
                    .is_some_and(|o| o.framework_id == framework_id);
                if !owned {
                    continue;
                }
                if let Some(offer) = state.remove_offer(&id) {
                    state.add_filter(framework_id, &offer.agent_id, refuse, &sim.clock);
                }
            }
            accepted()
        }
        "REVIVE" => {
            let mut state = sim.mesos.lock();
            if let Some(f) = state.frameworks.get_mut(framework_id) {
                f.suppressed = false;
                f.filters.clear();
            }
            state.events.allocate.notify_one();
            accepted()
        }
        "SUPPRESS" => {
            let mut state = sim.mesos.lock();
            if let Some(f) = state.frameworks.get_mut(framework_id) {
                f.suppressed = true;
            }
            accepted()
        }
        "KILL" => {
            let Some(task_id) = call.pointer("/kill/task_id/value").and_then(Value::as_str) else {
                return missing("kill");
            };
            let key = (framework_id.to_owned(), task_id.to_owned());
            if !sim.mesos.kill(key) {
                // The master answers a kill of an unknown task with an
                // update saying so.
                let agent = call.pointer("/kill/agent_id/value").and_then(Value::as_str);
                let mut state = sim.mesos.lock();
                let state_for_unknown = unknown_state(state.frameworks.get(framework_id));
                state.send_untracked_status(
                    framework_id,
                    task_id,
                    agent,
                    state_for_unknown,
                    "REASON_RECONCILIATION",
                    Some("Attempted to kill an unknown task"),
                    now,
                );
            }
            accepted()
        }
        "ACKNOWLEDGE" => {
            let Some(body) = call.get("acknowledge") else {
                return missing("acknowledge");
            };
            let task_id = body.pointer("/task_id/value").and_then(Value::as_str);
            let uuid = body.get("uuid").and_then(Value::as_str);
            let (Some(task_id), Some(uuid)) = (task_id, uuid) else {
                return missing("acknowledge.task_id' and 'acknowledge.uuid");
            };
            if STANDARD.decode(uuid).map(|b| b.len()) != Ok(16) {
                return text(
                    StatusCode::BAD_REQUEST,
                    "Failed to validate scheduler::Call: 'uuid' is not a valid UUID",
                );
            }
            let mut state = sim.mesos.lock();
            let key = (framework_id.to_owned(), task_id.to_owned());
            if let Some(task) = state.tasks.get_mut(&key) {
                if task.status_update_uuid.as_deref() == Some(uuid) {
                    task.status_update_uuid = None;
                }
            }
            accepted()
        }
        "RECONCILE" => {
            let tasks: Vec<(String, Option<String>)> = call
                .pointer("/reconcile/tasks")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(|t| {
                    let id = t.pointer("/task_id/value")?.as_str()?.to_owned();
                    let agent = t
                        .pointer("/agent_id/value")
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    Some((id, agent))
                })
                .collect();
            reconcile(sim, framework_id, tasks, now);
            accepted()
        }
        "TEARDOWN" => {
            sim.mesos.lock().remove_framework(framework_id, now);
            accepted()
        }
        "UPDATE_FRAMEWORK" => {
            let Some(info) = call.pointer("/update_framework/framework_info") else {
                return missing("update_framework");
            };
            if info.pointer("/id/value").and_then(Value::as_str) != Some(framework_id) {
                return text(
                    StatusCode::BAD_REQUEST,
                    "Failed to validate scheduler::Call: 'framework_info.id' differs from 'framework_id'",
                );
            }
            let mut state = sim.mesos.lock();
            if let Some(f) = state.frameworks.get_mut(framework_id) {
                f.role = Framework::role_of(info);
                f.partition_aware = Framework::has_capability(info, "PARTITION_AWARE");
                f.failover_timeout = info
                    .get("failover_timeout")
                    .and_then(Value::as_f64)
                    .unwrap_or(0.0);
                f.info = info.clone();
            }
            state.rescind_offers_of(framework_id);
            state.framework_updated(framework_id);
            StatusCode::OK.into_response()
        }
        "RECONCILE_OPERATIONS" => json_response(&json!({
            "type": "RECONCILE_OPERATIONS",
            "reconcile_operations": {},
        })),
        // No executors run code here: these are accepted and have no effect.
        "SHUTDOWN" | "MESSAGE" | "REQUEST" | "ACKNOWLEDGE_OPERATION_STATUS" => accepted(),
        other => text(
            StatusCode::BAD_REQUEST,
            format!("Failed to validate scheduler::Call: unknown call type '{other}'"),
        ),
    }
}

/// TASK_UNKNOWN for PARTITION_AWARE frameworks, TASK_LOST otherwise.
pub(super) fn unknown_state(framework: Option<&Framework>) -> TaskState {
    if framework.is_some_and(|f| f.partition_aware) {
        TaskState::Unknown
    } else {
        TaskState::Lost
    }
}

/// RECONCILE: the latest state of the named tasks (of every task when the
/// list is empty), as updates with no uuid; unknown tasks come back as
/// TASK_UNKNOWN or TASK_LOST.
fn reconcile(sim: &SimState, framework_id: &str, tasks: Vec<(String, Option<String>)>, now: f64) {
    let mut state = sim.mesos.lock();
    let wanted: Vec<(String, Option<String>)> = if tasks.is_empty() {
        state
            .tasks
            .values()
            .filter(|t| t.framework_id == framework_id)
            .map(|t| (t.id.clone(), None))
            .collect()
    } else {
        tasks
    };
    for (task_id, agent) in wanted {
        let key = (framework_id.to_owned(), task_id.clone());
        let known = state.tasks.get(&key).map(|t| (t.state, t.agent_id.clone()));
        match known {
            Some((task_state, agent_id)) => state.send_untracked_status(
                framework_id,
                &task_id,
                Some(&agent_id),
                task_state,
                "REASON_RECONCILIATION",
                Some("Reconciliation: Latest task state"),
                now,
            ),
            None => {
                let unknown = unknown_state(state.frameworks.get(framework_id));
                state.send_untracked_status(
                    framework_id,
                    &task_id,
                    agent.as_deref(),
                    unknown,
                    "REASON_RECONCILIATION",
                    Some("Reconciliation: Task is unknown"),
                    now,
                );
            }
        }
    }
}
