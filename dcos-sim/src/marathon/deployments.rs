//! `/v2/deployments`: list, and cancel by rollback (or stop with `force`).

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::apps::Params;
use super::reply;
use super::state::Change;
use crate::sim::SimState;

/// `GET /v2/deployments`: a bare array.
pub(crate) async fn list(State(sim): State<SimState>) -> Response {
    let st = sim.marathon.lock();
    let list: Vec<Value> = st.deployments.iter().map(|d| d.list_json()).collect();
    reply::json(StatusCode::OK, &Value::Array(list))
}

/// `DELETE /v2/deployments/{id}`: `200` with the rollback deployment, or
/// with `force=true` `202` and no body: the deployment stops where it is.
pub(crate) async fn cancel(
    State(sim): State<SimState>,
    Path(id): Path<String>,
    Query(query): Params,
) -> Response {
    let force = reply::flag(&query, "force", false);
    let mut st = sim.marathon.lock();
    if !st.deployments.iter().any(|d| d.id == id) {
        return reply::message(
            StatusCode::NOT_FOUND,
            format!("DeploymentPlan {id} does not exist"),
        );
    }
    if force {
        st.fail_deployment(&id);
        drop(st);
        sim.marathon.wake.notify_one();
        return StatusCode::ACCEPTED.into_response();
    }
    let Some(cancelled) = st.fail_deployment(&id) else {
        return reply::message(
            StatusCode::NOT_FOUND,
            format!("DeploymentPlan {id} does not exist"),
        );
    };
    // The rollback: every affected app back to its definition before.
    let changes = cancelled
        .original
        .into_iter()
        .map(|(app, def)| Change {
            id: app,
            def: def.map(|mut d| {
                if let Some(map) = d.as_object_mut() {
                    map.remove("version");
                    map.remove("versionInfo");
                }
                d
            }),
            restart: false,
        })
        .collect();
    let result = st.deploy(changes, true);
    drop(st);
    sim.marathon.wake.notify_one();
    match result {
        Ok(r) => reply::deployment_result(StatusCode::OK, r),
        Err(locked) => reply::locked(locked),
    }
}
