//! `/v2/queue`: the instances waiting to launch (no agent has room, or a
//! backoff delay after failures), and the delay reset.

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde_json::{Value, json};

use super::app;
use super::apps::Params;
use super::render;
use super::reply;
use crate::sim::SimState;

/// `GET /v2/queue` (`embed=lastUnusedOffers` adds an empty
/// `lastUnusedOffers`).
pub(crate) async fn list(State(sim): State<SimState>, Query(query): Params) -> Response {
    let offers = reply::values(&query, "embed").any(|e| e == "lastUnusedOffers");
    let st = sim.marathon.lock();
    let queue: Vec<Value> = st
        .apps
        .iter()
        .filter_map(|(id, r)| render::queue_item(&st, id, r, offers))
        .collect();
    reply::json(StatusCode::OK, &json!({ "queue": queue }))
}

/// `DELETE /v2/queue/{id}/delay`: `204`, the app launches again at once.
pub(crate) async fn reset_delay(State(sim): State<SimState>, Path(rest): Path<String>) -> Response {
    let Some(raw) = rest.strip_suffix("/delay") else {
        return reply::message(StatusCode::NOT_FOUND, "URI not found");
    };
    let id = app::canonical_id(raw, "/");
    let mut st = sim.marathon.lock();
    let queued = st
        .apps
        .get(&id)
        .is_some_and(|r| super::engine::waiting(r) > 0);
    let Some(record) = st.apps.get_mut(&id).filter(|_| queued) else {
        return reply::message(
            StatusCode::NOT_FOUND,
            format!("Application {id} not found in tasks queue."),
        );
    };
    record.delay_until = None;
    record.failures = 0;
    drop(st);
    sim.marathon.wake.notify_one();
    StatusCode::NO_CONTENT.into_response()
}
