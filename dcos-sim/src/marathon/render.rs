//! Marathon's JSON answers, built from the state: apps with their counts,
//! tasks and deployments, tasks, groups and the launch queue.

use serde_json::{Map, Value, json};

use super::app;
use super::engine;
use super::state::{AppRecord, Instance, MarathonState};
use crate::state::task::TaskState;

/// What to embed in an app.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct Embed {
    pub(crate) counts: bool,
    pub(crate) deployments: bool,
    pub(crate) tasks: bool,
    pub(crate) last_task_failure: bool,
    pub(crate) task_stats: bool,
    pub(crate) readiness: bool,
}

impl Embed {
    /// Reads `embed=` values: `app.`, `apps.`, `group.apps.` or no prefix;
    /// unknown values are ignored; `tasks` implies `deployments`.
    pub(crate) fn parse<'a>(values: impl Iterator<Item = &'a str>, base: Embed) -> Embed {
        let mut embed = base;
        for value in values {
            let name = value
                .strip_prefix("group.apps.")
                .or_else(|| value.strip_prefix("apps."))
                .or_else(|| value.strip_prefix("app."))
                .unwrap_or(value);
            match name {
                "counts" => embed.counts = true,
                "deployments" => embed.deployments = true,
                "tasks" => {
                    embed.tasks = true;
                    embed.deployments = true;
                }
                "lastTaskFailure" => embed.last_task_failure = true,
                "taskStats" => embed.task_stats = true,
                "readiness" => embed.readiness = true,
                _ => {}
            }
        }
        embed
    }
}

/// A task as Marathon shows it.
pub(crate) fn task(app_id: &str, record: &AppRecord, instance: &Instance) -> Value {
    let mut task = json!({
        "id": instance.task_id,
        "appId": app_id,
        "host": instance.host,
        "ports": instance.ports,
        "servicePorts": service_ports(&record.def),
        "ipAddresses": [{ "ipAddress": instance.host, "protocol": "IPv4" }],
        "slaveId": instance.agent_id,
        "state": instance.state.as_str(),
        "stagedAt": instance.staged_at,
        "startedAt": instance.started_at,
        "version": instance.version,
        "localVolumes": [],
        "role": "*",
    });
    if app::has_health_checks(&record.def) {
        if let (Some(alive), Some(map)) = (instance.healthy, task.as_object_mut()) {
            let at = instance.health_changed_at.clone();
            map.insert(
                "healthCheckResults".into(),
                json!([{
                    "alive": alive,
                    "consecutiveFailures": if alive { 0 } else { 1 },
                    "firstSuccess": if alive { at.clone() } else { None },
                    "lastFailure": if alive { None } else { at.clone() },
                    "lastSuccess": if alive { at.clone() } else { None },
                    "lastFailureCause": if alive { None } else { Some("simulated failure (broken app)") },
                    "instanceId": instance.instance_id,
                }]),
            );
        }
    }
    task
}

fn service_ports(def: &Value) -> Vec<u64> {
    def.get("portDefinitions")
        .and_then(Value::as_array)
        .map(|p| {
            p.iter()
                .filter_map(|d| d.get("port").and_then(Value::as_u64))
                .collect()
        })
        .unwrap_or_default()
}

/// The app with what `embed` asks for.
pub(crate) fn app(st: &MarathonState, id: &str, record: &AppRecord, embed: Embed) -> Value {
    let mut def = record.def.clone();
    let Some(map) = def.as_object_mut() else {
        return def;
    };
    if embed.counts {
        let checks = app::has_health_checks(&record.def);
        let count =
            |f: &dyn Fn(&Instance) -> bool| record.instances.iter().filter(|i| f(i)).count();
        map.insert(
            "tasksStaged".into(),
            json!(count(&|i| matches!(
                i.state,
                TaskState::Staging | TaskState::Starting
            ))),
        );
        map.insert(
            "tasksRunning".into(),
            json!(count(&|i| i.state == TaskState::Running)),
        );
        map.insert(
            "tasksHealthy".into(),
            json!(if checks {
                count(&|i| i.state == TaskState::Running && i.healthy == Some(true))
            } else {
                0
            }),
        );
        map.insert(
            "tasksUnhealthy".into(),
            json!(count(&|i| i.healthy == Some(false))),
        );
    }
    if embed.deployments {
        let deployments: Vec<Value> = st
            .deployments
            .iter()
            .filter(|d| d.affected.iter().any(|a| a == id))
            .map(|d| json!({ "id": d.id }))
            .collect();
        map.insert("deployments".into(), Value::Array(deployments));
    }
    if embed.tasks {
        let tasks: Vec<Value> = record
            .instances
            .iter()
            .map(|i| task(id, record, i))
            .collect();
        map.insert("tasks".into(), Value::Array(tasks));
    }
    if embed.last_task_failure {
        if let Some(failure) = &record.last_task_failure {
            map.insert("lastTaskFailure".into(), failure.clone());
        }
    }
    if embed.readiness {
        map.insert("readinessCheckResults".into(), json!([]));
    }
    if embed.task_stats {
        map.insert("tasksStats".into(), json!({}));
    }
    def
}

/// A group and everything under it.
pub(crate) fn group(st: &MarathonState, id: &str, embed: Embed) -> Value {
    let mut children: Vec<String> = Vec::new();
    let known = st
        .groups
        .iter()
        .cloned()
        .chain(st.apps.keys().map(|a| app::parent(a)))
        .collect::<Vec<_>>();
    for g in known {
        // Every ancestor of a known group is a group too.
        let mut g = g;
        while g != "/" && g != id {
            let parent = app::parent(&g);
            if parent == id && !children.contains(&g) {
                children.push(g.clone());
            }
            g = parent;
        }
    }
    children.sort();
    let apps: Vec<Value> = st
        .apps
        .iter()
        .filter(|(a, r)| app::parent(a) == id && !r.removing)
        .map(|(a, r)| app(st, a, r, embed))
        .collect();
    let groups: Vec<Value> = children.iter().map(|g| group(st, g, embed)).collect();
    let version = st
        .apps
        .iter()
        .filter(|(a, _)| app::is_under(a, id))
        .map(|(_, r)| r.version().to_owned())
        .chain(st.root_versions.last().cloned().filter(|_| id == "/"))
        .max()
        .unwrap_or_else(|| st.root_versions.first().cloned().unwrap_or_default());
    json!({
        "id": id,
        "apps": apps,
        "groups": groups,
        "pods": [],
        "dependencies": [],
        "version": version,
        "enforceRole": false,
    })
}

/// One entry of `GET /v2/queue`.
pub(crate) fn queue_item(
    st: &MarathonState,
    id: &str,
    record: &AppRecord,
    offers: bool,
) -> Option<Value> {
    let count = engine::waiting(record);
    if count == 0 {
        return None;
    }
    let elapsed = st.clock.elapsed();
    let left = record
        .delay_until
        .map_or(0.0, |until| until.saturating_sub(elapsed).as_secs_f64());
    let mut item = Map::new();
    item.insert("app".into(), app(st, id, record, Embed::default()));
    item.insert("count".into(), json!(count));
    item.insert("role".into(), json!("*"));
    item.insert(
        "delay".into(),
        json!({ "timeLeftSeconds": left.ceil() as u64, "overdue": left <= 0.0 }),
    );
    item.insert(
        "since".into(),
        json!(record.queued_since.clone().unwrap_or_else(|| st.now())),
    );
    item.insert(
        "processedOffersSummary".into(),
        json!({
            "processedOffersCount": record.launch_attempts,
            "unusedOffersCount": record.launch_refusals,
        }),
    );
    if offers {
        item.insert("lastUnusedOffers".into(), json!([]));
    }
    Some(Value::Object(item))
}
