//! The simulated Mesos master, served under `/mesos/`: the v1 operator API
//! (`/api/v1`), the scheduler API (`/api/v1/scheduler`) and the legacy
//! `/master/state` and `/master/redirect`.

pub(crate) mod api;
mod flags;
mod legacy;
mod operator;
pub(crate) mod recordio;
pub(crate) mod render;
mod scheduler;

use axum::extract::{OriginalUri, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{Next, from_fn_with_state};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Extension, Router};

use crate::admin_router::Listener;
use crate::sim::SimState;

/// The master's routes, nested under `/mesos`.
pub(crate) fn router(sim: SimState) -> Router<SimState> {
    Router::new()
        .route("/api/v1", post(operator::call))
        .route("/api/v1/scheduler", post(scheduler::call))
        .route("/master/state", get(legacy::state))
        .route("/master/state-summary", get(legacy::state_summary))
        .route("/master/frameworks", get(legacy::frameworks))
        .route("/master/redirect", get(legacy::redirect))
        .route_layer(from_fn_with_state(sim, follow_leader))
}

/// A refused request: the status and the master's plain-text message.
pub(crate) type Rejection = (StatusCode, String);

/// A plain-text answer, as the master gives its errors.
pub(crate) fn text(status: StatusCode, message: impl Into<String>) -> Response {
    (status, message.into()).into_response()
}

/// `200` with a JSON body.
pub(crate) fn json(value: &serde_json::Value) -> Response {
    let mut response = (StatusCode::OK, value.to_string()).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// A non-leading master answers `307` with `Location: //<leader>/<path>`.
async fn follow_leader(
    State(sim): State<SimState>,
    Extension(Listener(listener)): Extension<Listener>,
    OriginalUri(uri): OriginalUri,
    request: Request,
    next: Next,
) -> Response {
    let leader = sim.faults.mesos_leader();
    // Every master answers /master/redirect itself, pointing at the leader.
    if leader == listener || request.uri().path() == "/master/redirect" {
        return next.run(request).await;
    }
    let path = uri.path_and_query().map_or("/", |p| p.as_str());
    let location = format!("//{}{path}", sim.authority(leader));
    let mut response = StatusCode::TEMPORARY_REDIRECT.into_response();
    if let Ok(value) = HeaderValue::from_str(&location) {
        response.headers_mut().insert(header::LOCATION, value);
    }
    response
}

/// Checks `Content-Type` and `Accept` as the master does: JSON only.
pub(crate) fn check_media_types(headers: &HeaderMap) -> Result<(), Rejection> {
    let Some(content_type) = headers.get(header::CONTENT_TYPE) else {
        return Err((
            StatusCode::BAD_REQUEST,
            "Expecting 'Content-Type' to be present".to_owned(),
        ));
    };
    let content_type = content_type.to_str().unwrap_or_default();
    let media = content_type.split(';').next().unwrap_or_default().trim();
    if !media.eq_ignore_ascii_case("application/json") {
        return Err((
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            format!(
                "Expecting 'Content-Type' of application/json (dcos-sim speaks JSON, not protobuf); got '{content_type}'"
            ),
        ));
    }
    if let Some(accept) = headers.get(header::ACCEPT) {
        let accept = accept.to_str().unwrap_or_default().to_ascii_lowercase();
        let ok = accept.split(',').any(|part| {
            let media = part.split(';').next().unwrap_or_default().trim();
            matches!(
                media,
                "application/json" | "*/*" | "application/*" | "application/recordio"
            )
        });
        if !ok {
            return Err((
                StatusCode::NOT_ACCEPTABLE,
                format!("Expecting 'Accept' to allow application/json; got '{accept}'"),
            ));
        }
    }
    Ok(())
}

/// Parses a call body: `400` if it is not a JSON object with a `type`.
pub(crate) fn parse_call(
    body: &[u8],
    kind: &str,
) -> Result<(serde_json::Value, String), Rejection> {
    let call: serde_json::Value = serde_json::from_slice(body).map_err(|e| {
        (
            StatusCode::BAD_REQUEST,
            format!("Failed to parse body into JSON: {e}"),
        )
    })?;
    let Some(call_type) = call.get("type").and_then(|t| t.as_str()).map(str::to_owned) else {
        return Err((
            StatusCode::BAD_REQUEST,
            format!("Failed to validate {kind}::Call: Expecting 'type' to be present"),
        ));
    };
    Ok((call, call_type))
}
