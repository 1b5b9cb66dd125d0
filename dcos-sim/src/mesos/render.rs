//! The v1 JSON of the master's objects, as `stout`'s protobuf writer
//! produces it: snake_case proto names, IDs as `{"value":…}`, times as
//! `{"nanoseconds":…}`, and empty repeated fields left out.

use serde_json::{Map, Value, json};

use crate::state::agent::Agent;
use crate::state::framework::Framework;
use crate::state::task::Task;
use crate::state::{ClusterState, Executor, Offer};

/// The Mesos version the simulated master reports (DC/OS 1.13 ships 1.8).
pub const MESOS_VERSION: &str = "1.8.0";

fn id(value: &str) -> Value {
    json!({ "value": value })
}

fn time(nanos: i64) -> Value {
    json!({ "nanoseconds": nanos })
}

/// Inserts `list` under `key` unless it is empty, as protobuf JSON omits
/// empty repeated fields.
pub(crate) fn put_list(map: &mut Map<String, Value>, key: &str, list: Vec<Value>) {
    if !list.is_empty() {
        map.insert(key.into(), Value::Array(list));
    }
}

fn object(v: Value) -> Map<String, Value> {
    match v {
        Value::Object(m) => m,
        _ => Map::new(),
    }
}

fn attributes(agent: &Agent) -> Vec<Value> {
    agent
        .attributes
        .iter()
        .map(|(n, v)| json!({ "name": n, "type": "TEXT", "text": { "value": v } }))
        .collect()
}

/// `AgentInfo`.
pub(crate) fn agent_info(agent: &Agent) -> Value {
    let mut m = object(json!({
        "hostname": agent.hostname,
        "id": id(&agent.id),
        "port": agent.port,
    }));
    put_list(&mut m, "resources", agent.total.to_json(None));
    put_list(&mut m, "attributes", attributes(agent));
    Value::Object(m)
}

/// `master::Response::GetAgents::Agent`.
pub(crate) fn agent(agent: &Agent) -> Value {
    let mut m = object(json!({
        "active": agent.reachable,
        "agent_info": agent_info(agent),
        "pid": agent.pid(),
        "registered_time": time(agent.registered_nanos),
        "version": MESOS_VERSION,
        "capabilities": [
            { "type": "MULTI_ROLE" },
            { "type": "HIERARCHICAL_ROLE" },
            { "type": "RESERVATION_REFINEMENT" },
        ],
    }));
    put_list(&mut m, "total_resources", agent.total.to_json(None));
    put_list(&mut m, "allocated_resources", agent.used.to_json(None));
    put_list(&mut m, "offered_resources", agent.offered.to_json(None));
    Value::Object(m)
}

/// `master::Response::GetFrameworks::Framework`.
pub(crate) fn framework(state: &ClusterState, f: &Framework) -> Value {
    let mut m = object(json!({
        "framework_info": f.info,
        "active": f.active,
        "connected": f.connected(),
        "recovered": false,
        "registered_time": time(f.registered_nanos),
        "reregistered_time": time(f.reregistered_nanos),
    }));
    let mut allocated = crate::state::resources::Resources::default();
    for t in state.tasks.values().filter(|t| t.framework_id == f.id) {
        allocated.add(&t.resources);
    }
    put_list(
        &mut m,
        "allocated_resources",
        allocated.to_json(Some(&f.role)),
    );
    let offers: Vec<Value> = state
        .offers
        .values()
        .filter(|o| o.framework_id == f.id)
        .map(|o| offer(state, o))
        .collect();
    let mut offered = crate::state::resources::Resources::default();
    for o in state.offers.values().filter(|o| o.framework_id == f.id) {
        offered.add(&o.resources);
    }
    put_list(&mut m, "offered_resources", offered.to_json(Some(&f.role)));
    put_list(&mut m, "offers", offers);
    Value::Object(m)
}

/// The `TaskInfo` fields a `Task` shows back.
const TASK_INFO_FIELDS: [&str; 7] = [
    "command",
    "container",
    "labels",
    "discovery",
    "health_check",
    "check",
    "kill_policy",
];

/// `Task`.
pub(crate) fn task(t: &Task) -> Value {
    let mut m = object(json!({
        "name": t.name,
        "task_id": id(&t.id),
        "framework_id": id(&t.framework_id),
        "agent_id": id(&t.agent_id),
        "state": t.state.as_str(),
    }));
    if let Some(executor) = &t.executor_id {
        m.insert("executor_id".into(), id(executor));
    }
    put_list(&mut m, "resources", t.resources.to_json(Some(&t.role)));
    put_list(&mut m, "statuses", t.statuses.clone());
    if let Some(last) = t.statuses.last() {
        m.insert("status_update_state".into(), json!(t.state.as_str()));
        if let Some(uuid) = last.get("uuid") {
            m.insert("status_update_uuid".into(), uuid.clone());
        }
    }
    for field in TASK_INFO_FIELDS {
        if let Some(v) = t.info.get(field) {
            m.insert(field.into(), v.clone());
        }
    }
    Value::Object(m)
}

/// `Offer`.
pub(crate) fn offer(state: &ClusterState, o: &Offer) -> Value {
    let agent = state.agents.iter().find(|a| a.id == o.agent_id);
    let hostname = agent.map(|a| a.hostname.clone()).unwrap_or_default();
    let mut m = object(json!({
        "id": id(&o.id),
        "framework_id": id(&o.framework_id),
        "agent_id": id(&o.agent_id),
        "hostname": hostname,
        "url": {
            "scheme": "http",
            "address": { "hostname": hostname, "ip": hostname, "port": agent.map_or(5051, |a| a.port) },
            "path": "/slave(1)",
        },
        "allocation_info": { "role": o.role },
    }));
    put_list(&mut m, "resources", o.resources.to_json(Some(&o.role)));
    put_list(
        &mut m,
        "attributes",
        agent.map(attributes).unwrap_or_default(),
    );
    let executors: Vec<Value> = state
        .executors
        .iter()
        .filter(|e| e.framework_id == o.framework_id && e.agent_id == o.agent_id)
        .map(|e| id(&e.id))
        .collect();
    put_list(&mut m, "executor_ids", executors);
    Value::Object(m)
}

/// `master::Response::GetExecutors::Executor`.
fn executor(e: &Executor) -> Value {
    json!({ "agent_id": id(&e.agent_id), "executor_info": e.info })
}

/// `GetAgents`.
pub(crate) fn get_agents(state: &ClusterState) -> Value {
    let mut m = Map::new();
    let agents = state
        .agents
        .iter()
        .filter(|a| a.reachable)
        .map(agent)
        .collect();
    put_list(&mut m, "agents", agents);
    Value::Object(m)
}

/// `GetFrameworks`.
pub(crate) fn get_frameworks(state: &ClusterState) -> Value {
    let mut m = Map::new();
    let frameworks = state
        .frameworks
        .values()
        .map(|f| framework(state, f))
        .collect();
    put_list(&mut m, "frameworks", frameworks);
    let completed = state
        .completed_frameworks
        .iter()
        .map(|f| framework(state, f))
        .collect();
    put_list(&mut m, "completed_frameworks", completed);
    Value::Object(m)
}

/// `GetTasks`.
pub(crate) fn get_tasks(state: &ClusterState) -> Value {
    let mut m = Map::new();
    let (unreachable, active): (Vec<&Task>, Vec<&Task>) = state
        .tasks
        .values()
        .partition(|t| t.state == crate::TaskState::Unreachable);
    put_list(&mut m, "tasks", active.into_iter().map(task).collect());
    put_list(
        &mut m,
        "unreachable_tasks",
        unreachable.into_iter().map(task).collect(),
    );
    put_list(
        &mut m,
        "completed_tasks",
        state.completed_tasks.iter().map(task).collect(),
    );
    Value::Object(m)
}

/// `GetExecutors`.
pub(crate) fn get_executors(state: &ClusterState) -> Value {
    let mut m = Map::new();
    put_list(
        &mut m,
        "executors",
        state.executors.iter().map(executor).collect(),
    );
    Value::Object(m)
}

/// `GetState`.
pub(crate) fn get_state(state: &ClusterState) -> Value {
    json!({
        "get_agents": get_agents(state),
        "get_executors": get_executors(state),
        "get_frameworks": get_frameworks(state),
        "get_tasks": get_tasks(state),
    })
}

/// `MasterInfo` for the master listening on `authority` (`ip:port`).
pub(crate) fn master_info(master_id: &str, authority: &str) -> Value {
    let (ip, port) = authority.rsplit_once(':').unwrap_or((authority, "5050"));
    let port: u64 = port.parse().unwrap_or(5050);
    let packed = ip
        .parse::<std::net::Ipv4Addr>()
        .map(|a| u32::from_le_bytes(a.octets()))
        .unwrap_or(0);
    json!({
        "id": master_id,
        "ip": packed,
        "port": port,
        "pid": format!("master@{authority}"),
        "hostname": ip,
        "version": MESOS_VERSION,
        "address": { "hostname": ip, "ip": ip, "port": port },
    })
}
