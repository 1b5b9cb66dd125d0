//! The simulated Marathon, served under `/service/marathon/`: apps,
//! groups, deployments, tasks, the launch queue, info and leader, and the
//! event stream, with instances run as Mesos tasks on the simulated agents.

pub(crate) mod api;
mod app;
mod apps;
mod deployment;
mod deployments;
pub(crate) mod engine;
mod events;
mod groups;
pub(crate) mod info;
mod queue;
mod render;
mod reply;
pub(crate) mod state;
mod tasks;
mod time;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, delete, get, post};
use axum::{Extension, Router};

use crate::admin_router::Listener;
use crate::sim::SimState;
use state::Leadership;

/// Marathon's routes, nested under `/service/marathon`.
pub(crate) fn router(sim: SimState) -> Router<SimState> {
    Router::new()
        .route(
            "/v2/apps",
            get(apps::list)
                .post(apps::create)
                .put(apps::put_many)
                .patch(apps::patch_many),
        )
        .route("/v2/apps/{*rest}", any(apps::dispatch))
        .route("/v2/groups", any(groups::root))
        .route("/v2/groups/{*rest}", any(groups::dispatch))
        .route("/v2/deployments", get(deployments::list))
        .route("/v2/deployments/{id}", delete(deployments::cancel))
        .route("/v2/tasks", get(tasks::list))
        .route("/v2/tasks/delete", post(tasks::delete_batch))
        .route("/v2/queue", get(queue::list))
        .route("/v2/queue/{*rest}", delete(queue::reset_delay))
        .route("/v2/info", get(info::info))
        .route("/v2/leader", get(info::leader))
        .route("/v2/events", get(events::stream))
        .route("/ping", get(info::ping))
        .fallback(not_found)
        .layer(from_fn_with_state(sim, leadership))
}

/// An unknown Marathon route.
async fn not_found() -> Response {
    reply::message(StatusCode::NOT_FOUND, "URI not found")
}

/// `host:port` of the leading Marathon.
pub(crate) fn leader_authority(sim: &SimState) -> String {
    match sim.marathon.settings().leadership {
        Leadership::Standby => sim.authority(1),
        _ => sim.authority(0),
    }
}

/// The leader fault knobs, as Marathon's `LeaderProxyFilter` behaves: with
/// no leader every route answers `502 Could not determine the current
/// leader`; a standby redirects `/v2/events` to the leader with `302` and
/// proxies the rest. Every answer names the leader in `X-Marathon-Leader`.
async fn leadership(
    State(sim): State<SimState>,
    Extension(Listener(listener)): Extension<Listener>,
    OriginalUri(uri): OriginalUri,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let leadership = sim.marathon.settings().leadership;
    if leadership == Leadership::Unknown {
        return reply::jetty_error(
            StatusCode::BAD_GATEWAY,
            &path,
            "Could not determine the current leader",
        );
    }
    let leader = format!("http://{}", leader_authority(&sim));
    let standby = leadership == Leadership::Standby && listener == 0;
    if standby && path.starts_with("/v2/events") {
        let target = format!(
            "http://{}{}",
            sim.authority(1),
            uri.path_and_query().map_or("/", |p| p.as_str())
        );
        let mut response = StatusCode::FOUND.into_response();
        if let Ok(value) = HeaderValue::from_str(&target) {
            response.headers_mut().insert(header::LOCATION, value);
        }
        return response;
    }
    let mut response = next.run(request).await;
    if let Ok(value) = HeaderValue::from_str(&leader) {
        response.headers_mut().insert("X-Marathon-Leader", value);
    }
    response
}
