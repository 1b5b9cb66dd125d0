//! The legacy (v0) endpoints: `/master/state` and `/master/redirect`.
//!
//! v0 JSON differs from v1: flat resource maps (`"ports":"[31000-32000]"`),
//! string IDs, float epoch timestamps and `slave` for agent.

use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value, json};

use super::render::MESOS_VERSION;
use crate::sim::SimState;
use crate::state::ClusterState;
use crate::state::framework::Framework;
use crate::state::resources::Resources;
use crate::state::task::Task;

/// `GET /master/redirect`: `307` to `//<leader host:port>`.
pub(crate) async fn redirect(State(sim): State<SimState>) -> Response {
    let location = format!("//{}", sim.authority(sim.faults.mesos_leader()));
    let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

fn status(s: &Value) -> Value {
    let mut out = Map::new();
    for key in [
        "state",
        "timestamp",
        "container_status",
        "labels",
        "healthy",
    ] {
        if let Some(v) = s.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    Value::Object(out)
}

fn task(t: &Task) -> Value {
    let mut m = json!({
        "id": t.id,
        "name": t.name,
        "framework_id": t.framework_id,
        "executor_id": t.executor_id.clone().unwrap_or_default(),
        "slave_id": t.agent_id,
        "state": t.state.as_str(),
        "resources": t.resources.to_legacy(),
        "role": t.role,
        "statuses": t.statuses.iter().map(status).collect::<Vec<_>>(),
    });
    if let (Some(map), Some(discovery)) = (m.as_object_mut(), t.info.get("discovery")) {
        map.insert("discovery".into(), discovery.clone());
    }
    m
}

fn framework(state: &ClusterState, f: &Framework) -> Value {
    let tasks: Vec<&Task> = state
        .tasks
        .values()
        .filter(|t| t.framework_id == f.id)
        .collect();
    let mut used = Resources::default();
    for t in &tasks {
        used.add(&t.resources);
    }
    let mut offered = Resources::default();
    for o in state.offers.values().filter(|o| o.framework_id == f.id) {
        offered.add(&o.resources);
    }
    let info = |key: &str| f.info.get(key).cloned().unwrap_or(Value::Null);
    json!({
        "id": f.id,
        "name": info("name"),
        "pid": "",
        "user": info("user"),
        "hostname": f.info.get("hostname").cloned().unwrap_or(json!("")),
        "role": f.role,
        "principal": f.info.get("principal").cloned().unwrap_or(json!("")),
        "webui_url": f.info.get("webui_url").cloned().unwrap_or(json!("")),
        "checkpoint": f.info.get("checkpoint").cloned().unwrap_or(json!(false)),
        "failover_timeout": f.failover_timeout,
        "registered_time": f.registered_nanos as f64 / 1e9,
        "reregistered_time": f.reregistered_nanos as f64 / 1e9,
        "unregistered_time": 0,
        "active": f.active,
        "connected": f.connected(),
        "recovered": false,
        "resources": used.to_legacy(),
        "used_resources": used.to_legacy(),
        "offered_resources": offered.to_legacy(),
        "tasks": tasks.iter().map(|t| task(t)).collect::<Vec<_>>(),
        "completed_tasks": state
            .completed_tasks
            .iter()
            .filter(|t| t.framework_id == f.id)
            .map(task)
            .collect::<Vec<_>>(),
        "offers": [],
        "executors": [],
    })
}

/// `GET /master/frameworks`.
pub(crate) async fn frameworks(State(sim): State<SimState>) -> Response {
    let state = sim.mesos.lock();
    super::json(&json!({
        "frameworks": state.frameworks.values().map(|f| framework(&state, f)).collect::<Vec<_>>(),
        "completed_frameworks": state.completed_frameworks.iter().map(|f| framework(&state, f)).collect::<Vec<_>>(),
        "unregistered_frameworks": [],
    }))
}

/// `GET /master/state-summary`: the agents and frameworks, without tasks.
pub(crate) async fn state_summary(State(sim): State<SimState>) -> Response {
    let full = master_state(&sim);
    let strip = |list: &Value| -> Vec<Value> {
        list.as_array()
            .into_iter()
            .flatten()
            .map(|f| {
                let mut f = f.clone();
                if let Some(map) = f.as_object_mut() {
                    for key in ["tasks", "completed_tasks", "offers", "executors"] {
                        map.remove(key);
                    }
                }
                f
            })
            .collect()
    };
    super::json(&json!({
        "hostname": full["hostname"],
        "cluster": full["cluster"],
        "slaves": full["slaves"],
        "frameworks": strip(&full["frameworks"]),
    }))
}

/// `GET /master/state`.
pub(crate) async fn state(State(sim): State<SimState>) -> Response {
    super::json(&master_state(&sim))
}

fn master_state(sim: &SimState) -> Value {
    let leader = sim.faults.mesos_leader();
    let authority = sim.authority(leader);
    let hostname = authority
        .rsplit_once(':')
        .map_or(authority.as_str(), |(h, _)| h)
        .to_owned();
    let state = sim.mesos.lock();
    let slaves: Vec<Value> = state
        .agents
        .iter()
        .filter(|a| a.reachable)
        .map(|a| {
            let attributes: Map<String, Value> = a
                .attributes
                .iter()
                .map(|(n, v)| (n.clone(), json!(v)))
                .collect();
            json!({
                "id": a.id,
                "pid": a.pid(),
                "hostname": a.hostname,
                "port": a.port,
                "registered_time": a.registered_nanos as f64 / 1e9,
                "resources": a.total.to_legacy(),
                "used_resources": a.used.to_legacy(),
                "offered_resources": a.offered.to_legacy(),
                "reserved_resources": {},
                "unreserved_resources": a.total.to_legacy(),
                "attributes": attributes,
                "active": true,
                "version": MESOS_VERSION,
            })
        })
        .collect();
    let body = json!({
        "version": MESOS_VERSION,
        "git_sha": "dcos-sim",
        "git_branch": "dcos-sim",
        "git_tag": MESOS_VERSION,
        "build_date": "2019-01-01 00:00:00",
        "build_time": 1_546_300_800,
        "build_user": "dcos-sim",
        "start_time": sim.mesos.start_time,
        "elected_time": sim.mesos.start_time,
        "id": state.master_id,
        "pid": format!("master@{authority}"),
        "hostname": hostname,
        "activated_slaves": slaves.len(),
        "deactivated_slaves": 0,
        "unreachable_slaves": state.agents.iter().filter(|a| !a.reachable).count(),
        "cluster": "dcos-sim",
        "leader": format!("master@{authority}"),
        "leader_info": super::render::master_info(&state.master_id, &authority),
        "log_dir": "/var/log/mesos",
        "external_log_file": "",
        "flags": super::flags::flags(sim, &authority)
            .into_iter()
            .map(|(name, value)| (name.to_owned(), Value::String(value)))
            .collect::<Map<String, Value>>(),
        "slaves": slaves,
        "frameworks": state.frameworks.values().map(|f| framework(&state, f)).collect::<Vec<_>>(),
        "completed_frameworks": state.completed_frameworks.iter().map(|f| framework(&state, f)).collect::<Vec<_>>(),
        "orphan_tasks": [],
        "unregistered_frameworks": [],
    });
    body
}
