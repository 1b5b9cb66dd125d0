//! The simulated Mesos master, served under `/mesos/`: the v1 operator API
//! (`/api/v1`), the scheduler API (`/api/v1/scheduler`) and the legacy
//! `/master/state` and `/master/redirect`.

pub(crate) mod api;
mod flags;
mod legacy;
mod operator;
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
    let body = serde_json::to_vec(value).unwrap_or_default();
    let mut response = (StatusCode::OK, body).into_response();
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

/// How a response is framed, from the request's `Accept`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Framing {
    /// `Content-Type: application/json`: a JSON body, or for a stream
    /// RecordIO records of JSON (the classic form).
    Json,
    /// `Content-Type: application/recordio` with `Message-Content-Type:
    /// application/json`: streams only.
    RecordIo,
}

fn media_types(value: &str) -> impl Iterator<Item = String> + '_ {
    value.split(',').map(|part| {
        part.split(';')
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase()
    })
}

impl Framing {
    /// `200` for a stream body, with the content type headers.
    pub(crate) fn stream_response(self, body: axum::body::Body) -> Response {
        let mut response = body.into_response();
        let headers = response.headers_mut();
        match self {
            Framing::Json => {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/json"),
                );
            }
            Framing::RecordIo => {
                headers.insert(
                    header::CONTENT_TYPE,
                    HeaderValue::from_static("application/recordio"),
                );
                headers.insert(
                    "Message-Content-Type",
                    HeaderValue::from_static("application/json"),
                );
            }
        }
        response
    }

    /// `406` unless this is JSON, for calls that do not stream.
    pub(crate) fn require_json(self) -> Result<(), Rejection> {
        match self {
            Framing::Json => Ok(()),
            Framing::RecordIo => Err((
                StatusCode::NOT_ACCEPTABLE,
                "Expecting 'Accept' to allow application/json: this call does not stream"
                    .to_owned(),
            )),
        }
    }
}

/// Checks `Content-Type`, `Accept` and `Message-Accept` as the master
/// does, JSON only; returns how to frame the answer.
pub(crate) fn check_media_types(headers: &HeaderMap) -> Result<Framing, Rejection> {
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
    let Some(accept) = headers.get(header::ACCEPT) else {
        return Ok(Framing::Json);
    };
    let accept = accept.to_str().unwrap_or_default();
    if media_types(accept)
        .any(|m| matches!(m.as_str(), "application/json" | "*/*" | "application/*"))
    {
        return Ok(Framing::Json);
    }
    if media_types(accept).any(|m| m == "application/recordio") {
        let message_ok = headers
            .get("Message-Accept")
            .map(|v| v.to_str().unwrap_or_default())
            .is_none_or(|v| {
                media_types(v)
                    .any(|m| matches!(m.as_str(), "application/json" | "*/*" | "application/*"))
            });
        return if message_ok {
            Ok(Framing::RecordIo)
        } else {
            Err((
                StatusCode::NOT_ACCEPTABLE,
                "Expecting 'Message-Accept' to allow application/json".to_owned(),
            ))
        };
    }
    Err((
        StatusCode::NOT_ACCEPTABLE,
        format!(
            "Expecting 'Accept' to allow application/json or application/recordio; got '{accept}'"
        ),
    ))
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
