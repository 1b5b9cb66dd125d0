//! ACCEPT: LAUNCH and LAUNCH_GROUP against the offered resources, with
//! their accounting.

use serde_json::Value;

use super::calls::{refuse_seconds, unknown_state};
use crate::sim::SimState;
use crate::state::resources::Resources;
use crate::state::task::{Exit, TaskState};
use crate::state::{ClusterState, Executor, NewTask, TaskKey};

/// A task that cannot launch, and why.
struct Refused {
    task_id: String,
    reason: &'static str,
    message: String,
}

/// One task to launch from an offer.
struct Launch<'a> {
    info: &'a Value,
    executor_id: Option<String>,
}

fn task_id(info: &Value) -> String {
    info.pointer("/task_id/value")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned()
}

/// Runs an ACCEPT; returns the tasks launched.
pub(super) fn accept(sim: &SimState, framework_id: &str, body: &Value) -> Vec<TaskKey> {
    let now = sim.clock.unix_seconds();
    let mut state = sim.mesos.lock();
    let offer_ids: Vec<String> = body
        .get("offer_ids")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|o| o.get("value").and_then(Value::as_str))
        .map(str::to_owned)
        .collect();
    let operations: Vec<&Value> = body
        .get("operations")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .collect();
    // Every offer must be outstanding, this framework's, and on one agent.
    let mut agent_id: Option<String> = None;
    let mut invalid: Option<String> = None;
    for id in &offer_ids {
        match state.offers.get(id) {
            Some(o) if o.framework_id == framework_id => match &agent_id {
                Some(a) if *a != o.agent_id => {
                    invalid = Some(format!(
                        "Aggregated offers must belong to one single agent; offer {id} does not"
                    ));
                }
                _ => agent_id = Some(o.agent_id.clone()),
            },
            _ => invalid = Some(format!("Offer {id} is no longer valid")),
        }
    }
    if offer_ids.is_empty() {
        invalid = Some("No offers specified".to_owned());
    }
    let mut pool = Resources::default();
    let mut role = String::from("*");
    // The offers are used up either way: with an invalid one among them,
    // the valid ones go back to the allocator unused.
    for id in &offer_ids {
        let owned = state
            .offers
            .get(id)
            .is_some_and(|o| o.framework_id == framework_id);
        if !owned {
            continue;
        }
        if let Some(offer) = state.remove_offer(id) {
            if invalid.is_none() {
                pool.add(&offer.resources);
                role = offer.role;
            }
        }
    }
    let mut launched = Vec::new();
    for op in operations {
        let groups: Vec<(Vec<Launch<'_>>, Option<&Value>)> =
            match op.get("type").and_then(Value::as_str) {
                Some("LAUNCH") => op
                    .pointer("/launch/task_infos")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .map(|info| {
                        let executor_id = info
                            .pointer("/executor/executor_id/value")
                            .and_then(Value::as_str)
                            .map(str::to_owned);
                        (vec![Launch { info, executor_id }], info.get("executor"))
                    })
                    .collect(),
                Some("LAUNCH_GROUP") => {
                    let executor = op.pointer("/launch_group/executor");
                    let executor_id = executor
                        .and_then(|e| e.pointer("/executor_id/value"))
                        .and_then(Value::as_str)
                        .map(str::to_owned);
                    let tasks = op
                        .pointer("/launch_group/task_group/tasks")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .map(|info| Launch {
                            info,
                            executor_id: executor_id.clone(),
                        })
                        .collect();
                    vec![(tasks, executor)]
                }
                // Reservations, volumes and the other operations are not
                // simulated: they are ignored.
                _ => Vec::new(),
            };
        for (tasks, executor) in groups {
            if let Some(reason) = &invalid {
                let state_for_invalid = unknown_state(state.frameworks.get(framework_id));
                let dropped = if state_for_invalid == TaskState::Unknown {
                    TaskState::Dropped
                } else {
                    TaskState::Lost
                };
                for t in &tasks {
                    state.send_untracked_status(
                        framework_id,
                        &task_id(t.info),
                        None,
                        dropped,
                        "REASON_INVALID_OFFERS",
                        Some(reason),
                        now,
                    );
                }
                continue;
            }
            let Some(agent_id) = agent_id.as_deref() else {
                continue;
            };
            match launch_group(
                &mut state,
                framework_id,
                agent_id,
                &role,
                &mut pool,
                &tasks,
                executor,
            ) {
                Ok(keys) => launched.extend(keys),
                Err(refused) => {
                    for r in refused {
                        state.send_untracked_status(
                            framework_id,
                            &r.task_id,
                            Some(agent_id),
                            TaskState::Error,
                            r.reason,
                            Some(&r.message),
                            now,
                        );
                    }
                }
            }
        }
    }
    if let Some(agent_id) = agent_id.filter(|_| invalid.is_none()) {
        if pool.is_allocatable() {
            state.add_filter(
                framework_id,
                &agent_id,
                refuse_seconds(body.get("filters")),
                &sim.clock,
            );
        }
    }
    state.events.allocate.notify_one();
    launched
}

/// Launches a group of tasks (one for LAUNCH) all or nothing.
fn launch_group(
    state: &mut ClusterState,
    framework_id: &str,
    agent_id: &str,
    role: &str,
    pool: &mut Resources,
    tasks: &[Launch<'_>],
    executor: Option<&Value>,
) -> Result<Vec<TaskKey>, Vec<Refused>> {
    let refuse_all = |reason: &'static str, message: String| {
        tasks
            .iter()
            .map(|t| Refused {
                task_id: task_id(t.info),
                reason,
                message: message.clone(),
            })
            .collect::<Vec<_>>()
    };
    let mut needed = Resources::default();
    let mut parsed = Vec::new();
    if let Some(executor) = executor {
        let id = executor
            .pointer("/executor_id/value")
            .and_then(Value::as_str);
        let known = id.is_some_and(|id| {
            state
                .executors
                .iter()
                .any(|e| e.framework_id == framework_id && e.id == id)
        });
        if id.is_none() {
            return Err(refuse_all(
                "REASON_TASK_GROUP_INVALID",
                "The executor has no executor_id".into(),
            ));
        }
        if !known {
            let list = executor
                .get("resources")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            match Resources::from_json(list) {
                Ok(r) => needed.add(&r),
                Err(e) => {
                    return Err(refuse_all(
                        "REASON_TASK_GROUP_INVALID",
                        format!("Executor: {e}"),
                    ));
                }
            }
        }
    }
    for t in tasks {
        let id = task_id(t.info);
        let invalid = |message: String| Refused {
            task_id: id.clone(),
            reason: "REASON_TASK_INVALID",
            message,
        };
        if id.is_empty() {
            return Err(vec![invalid("Task has no task_id".into())]);
        }
        if state
            .tasks
            .contains_key(&(framework_id.to_owned(), id.clone()))
            || parsed
                .iter()
                .any(|(pid, _, _): &(String, Resources, &Launch<'_>)| *pid == id)
        {
            return Err(refuse_all(
                "REASON_TASK_INVALID",
                format!("Task has duplicate ID: {id}"),
            ));
        }
        if t.info.pointer("/agent_id/value").and_then(Value::as_str) != Some(agent_id) {
            return Err(refuse_all(
                "REASON_TASK_INVALID",
                format!("Task {id} uses an agent_id other than the offer's"),
            ));
        }
        if executor.is_none() && t.info.get("command").is_none() && t.info.get("executor").is_none()
        {
            return Err(refuse_all(
                "REASON_TASK_INVALID",
                "Task should have at least one (but not both) of CommandInfo or ExecutorInfo present".into(),
            ));
        }
        let list = t
            .info
            .get("resources")
            .and_then(Value::as_array)
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        let resources =
            Resources::from_json(list).map_err(|e| refuse_all("REASON_TASK_INVALID", e))?;
        if resources.is_empty() {
            return Err(refuse_all(
                "REASON_TASK_INVALID",
                format!("Task {id} uses no resources"),
            ));
        }
        needed.add(&resources);
        parsed.push((id, resources, t));
    }
    if !pool.contains(&needed) {
        return Err(refuse_all(
            "REASON_TASK_INVALID",
            format!(
                "Task uses more resources (cpus {}, mem {}, disk {}, {} ports) than available in the accepted offers (cpus {}, mem {}, disk {}, {} ports)",
                needed.scalar("cpus"),
                needed.scalar("mem"),
                needed.scalar("disk"),
                needed.range_count("ports"),
                pool.scalar("cpus"),
                pool.scalar("mem"),
                pool.scalar("disk"),
                pool.range_count("ports"),
            ),
        ));
    }
    pool.subtract(&needed);
    if let Some(executor) = executor {
        let id = executor
            .pointer("/executor_id/value")
            .and_then(Value::as_str)
            .unwrap_or_default();
        if !state
            .executors
            .iter()
            .any(|e| e.framework_id == framework_id && e.id == id)
        {
            let list = executor
                .get("resources")
                .and_then(Value::as_array)
                .map(Vec::as_slice)
                .unwrap_or(&[]);
            let resources = Resources::from_json(list).unwrap_or_default();
            if let Some(agent) = state.agent_mut(agent_id) {
                agent.used.add(&resources);
            }
            let mut info = executor.clone();
            if let Some(map) = info.as_object_mut() {
                map.insert(
                    "framework_id".into(),
                    serde_json::json!({ "value": framework_id }),
                );
            }
            state.executors.push(Executor {
                id: id.to_owned(),
                framework_id: framework_id.to_owned(),
                agent_id: agent_id.to_owned(),
                info,
                resources,
            });
        }
    }
    Ok(parsed
        .into_iter()
        .map(|(id, resources, t)| {
            state.add_task(NewTask {
                id,
                name: t
                    .info
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or_default()
                    .to_owned(),
                framework_id: framework_id.to_owned(),
                agent_id: agent_id.to_owned(),
                executor_id: t.executor_id.clone(),
                resources,
                role: role.to_owned(),
                info: t.info.clone(),
                exit: Exit::from_task_info(t.info),
            })
        })
        .collect())
}
