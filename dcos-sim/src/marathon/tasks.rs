//! `/v2/tasks` and the task routes of `/v2/apps`: list, and kill with
//! `scale` or `wipe`.

use std::sync::Arc;

use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde_json::{Value, json};

use super::apps::{Params, no_app};
use super::render;
use super::reply::{self, Rejection};
use super::state::{Change, MarathonState};
use crate::mesos::api::Mesos;
use crate::sim::SimState;

/// Every task of every app, optionally of some states only.
pub(crate) async fn list(State(sim): State<SimState>, Query(query): Params) -> Response {
    let wanted: Vec<String> = reply::values(&query, "status")
        .chain(reply::values(&query, "status[]"))
        .map(|s| format!("TASK_{}", s.to_ascii_uppercase()))
        .collect();
    let st = sim.marathon.lock();
    let tasks: Vec<Value> = st
        .apps
        .iter()
        .flat_map(|(id, r)| r.instances.iter().map(move |i| (id, r, i)))
        .filter(|(_, _, i)| wanted.is_empty() || wanted.iter().any(|w| w == i.state.as_str()))
        .map(|(id, r, i)| render::task(id, r, i))
        .collect();
    reply::json(StatusCode::OK, &json!({ "tasks": tasks }))
}

/// `GET /v2/apps/{id}/tasks`.
pub(crate) fn of_app(sim: &SimState, id: &str) -> Response {
    let st = sim.marathon.lock();
    let Some(record) = st.apps.get(id) else {
        return no_app(id);
    };
    let tasks: Vec<Value> = record
        .instances
        .iter()
        .map(|i| render::task(id, record, i))
        .collect();
    reply::json(StatusCode::OK, &json!({ "tasks": tasks }))
}

/// The kill options: `(scale, force)`, or the `400` for scale with wipe.
fn options(query: &[(String, String)]) -> Result<(bool, bool), Rejection> {
    let scale = reply::flag(query, "scale", false);
    let wipe = reply::flag(query, "wipe", false);
    if scale && wipe {
        return Err(Box::new(reply::message(
            StatusCode::BAD_REQUEST,
            "You cannot use scale and wipe at the same time.",
        )));
    }
    Ok((scale, reply::flag(query, "force", false)))
}

/// Kills tasks (`(app id, task id)` pairs): with `scale`, the apps'
/// instance counts go down by as many, in one deployment; without, the
/// killed tasks are returned and Marathon replaces them.
fn kill(
    sim: &SimState,
    st: &mut MarathonState,
    targets: &[(String, String)],
    scale: bool,
    force: bool,
) -> Result<Option<(String, String)>, Rejection> {
    let mut changes = Vec::new();
    if scale {
        let mut apps: Vec<&String> = targets.iter().map(|(a, _)| a).collect();
        apps.dedup();
        for app_id in apps {
            let killed = targets.iter().filter(|(a, _)| a == app_id).count();
            let Some(record) = st.apps.get(app_id) else {
                continue;
            };
            let mut def = record.def.clone();
            let instances = super::app::instances(&def).saturating_sub(killed);
            if let Some(map) = def.as_object_mut() {
                map.insert("instances".into(), json!(instances));
                map.remove("version");
                map.remove("versionInfo");
            }
            changes.push(Change {
                id: app_id.clone(),
                def: Some(def),
                restart: false,
            });
        }
        let ids: Vec<String> = changes.iter().map(|c| c.id.clone()).collect();
        let locking = st.locking(&ids);
        if !locking.is_empty() && !force {
            return Err(Box::new(reply::locked(super::state::Locked(locking))));
        }
    }
    let mesos = Mesos::new(Arc::clone(sim));
    let framework = super::engine::framework_id(sim).to_owned();
    for (app_id, task_id) in targets {
        if let Some(record) = st.apps.get_mut(app_id) {
            for instance in &mut record.instances {
                if &instance.task_id == task_id {
                    instance.killing = true;
                }
            }
        }
        mesos.kill(&framework, task_id);
    }
    if !scale {
        return Ok(None);
    }
    st.deploy(changes, force)
        .map(Some)
        .map_err(|l| Box::new(reply::locked(l)))
}

/// `DELETE /v2/apps/{id}/tasks[/{task}]`.
pub(crate) fn kill_app_tasks(
    sim: &SimState,
    id: &str,
    task: Option<&str>,
    query: &[(String, String)],
) -> Response {
    let (scale, force) = match options(query) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let host = reply::values(query, "host").next();
    let mut st = sim.marathon.lock();
    let Some(record) = st.apps.get(id) else {
        return no_app(id);
    };
    let chosen: Vec<Value> = record
        .instances
        .iter()
        .filter(|i| task.is_none_or(|t| t == i.task_id || t == i.instance_id))
        .filter(|i| host.is_none_or(|h| h == i.host))
        .map(|i| {
            let mut t = render::task(id, record, i);
            if let Some(map) = t.as_object_mut() {
                map.insert("state".into(), json!("TASK_KILLING"));
            }
            t
        })
        .collect();
    if let (Some(task), true) = (task, chosen.is_empty()) {
        return reply::message(
            StatusCode::NOT_FOUND,
            format!("Task '{task}' does not exist"),
        );
    }
    let targets: Vec<(String, String)> = chosen
        .iter()
        .filter_map(|t| t.get("id").and_then(Value::as_str))
        .map(|t| (id.to_owned(), t.to_owned()))
        .collect();
    let result = kill(sim, &mut st, &targets, scale, force);
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Err(r) => *r,
        Ok(Some(deployment)) => reply::deployment_result(StatusCode::OK, deployment),
        Ok(None) => match (task, chosen.first()) {
            (Some(_), Some(t)) => reply::json(StatusCode::OK, &json!({ "task": t })),
            _ => reply::json(StatusCode::OK, &json!({ "tasks": chosen })),
        },
    }
}

/// `POST /v2/tasks/delete {"ids": […]}`.
pub(crate) async fn delete_batch(
    State(sim): State<SimState>,
    Query(query): Params,
    body: Bytes,
) -> Response {
    let (scale, force) = match options(&query) {
        Ok(o) => o,
        Err(r) => return *r,
    };
    let body = match reply::parse_body(&body) {
        Ok(b) => b,
        Err(r) => return *r,
    };
    let Some(ids) = body.get("ids").and_then(Value::as_array) else {
        return reply::bad_types(vec![("/ids".into(), "error.path.missing".into())]);
    };
    let mut st = sim.marathon.lock();
    let mut targets = Vec::new();
    let mut killed = Vec::new();
    for raw in ids {
        let Some(task_id) = raw.as_str() else {
            return reply::bad_types(vec![("/ids".into(), "error.expected.jsstring".into())]);
        };
        let found = st.apps.iter().find_map(|(id, r)| {
            r.instances
                .iter()
                .find(|i| i.task_id == task_id)
                .map(|i| (id.clone(), render::task(id, r, i)))
        });
        match found {
            Some((app_id, task)) => {
                targets.push((app_id, task_id.to_owned()));
                killed.push(task);
            }
            None => {
                return reply::message(
                    StatusCode::BAD_REQUEST,
                    format!("Invalid task id {task_id}"),
                );
            }
        }
    }
    let result = kill(&sim, &mut st, &targets, scale, force);
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Err(r) => *r,
        Ok(Some(deployment)) => reply::deployment_result(StatusCode::OK, deployment),
        Ok(None) => reply::json(StatusCode::OK, &json!({ "tasks": killed })),
    }
}
