//! The scheduler API, `POST /mesos/api/v1/scheduler`: SUBSCRIBE opens a
//! RecordIO stream; every other call carries `Mesos-Stream-Id` on another
//! connection and answers `202`.

mod accept;
mod calls;
mod subscribe;

use axum::Extension;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::Value;

use super::{check_media_types, parse_call, text};
use crate::admin_router::Listener;
use crate::sim::SimState;

/// The header carrying the subscription's stream id.
pub(crate) const STREAM_ID: &str = "Mesos-Stream-Id";

/// `POST /mesos/api/v1/scheduler`.
pub(crate) async fn call(
    State(sim): State<SimState>,
    Extension(Listener(listener)): Extension<Listener>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let framing = match check_media_types(&headers) {
        Ok(framing) => framing,
        Err(rejection) => return rejection.into_response(),
    };
    let (call, kind) = match parse_call(&body, "scheduler") {
        Ok(parsed) => parsed,
        Err(rejection) => return rejection.into_response(),
    };
    let stream_id = headers
        .get(STREAM_ID)
        .map(|v| v.to_str().unwrap_or_default());
    if kind == "SUBSCRIBE" {
        if stream_id.is_some() {
            return text(
                StatusCode::BAD_REQUEST,
                "Expecting 'Mesos-Stream-Id' header not to be present for SUBSCRIBE",
            );
        }
        return subscribe::subscribe(&sim, listener, &call, framing);
    }
    if let Err(rejection) = framing.require_json() {
        return rejection.into_response();
    }
    let Some(framework_id) = call
        .pointer("/framework_id/value")
        .and_then(Value::as_str)
        .map(str::to_owned)
    else {
        return text(
            StatusCode::BAD_REQUEST,
            "Failed to validate scheduler::Call: Expecting 'framework_id' to be present",
        );
    };
    {
        let state = sim.mesos.lock();
        let Some(framework) = state.frameworks.get(&framework_id) else {
            return if state.was_removed(&framework_id) {
                text(StatusCode::FORBIDDEN, "Framework has been removed")
            } else {
                text(StatusCode::BAD_REQUEST, "Framework cannot be found")
            };
        };
        let Some(subscriber) = framework
            .subscriber
            .as_ref()
            .filter(|_| !framework.internal)
        else {
            return text(StatusCode::FORBIDDEN, "Framework is not subscribed");
        };
        let Some(stream_id) = stream_id else {
            return text(
                StatusCode::BAD_REQUEST,
                "All non-subscribe calls should include the 'Mesos-Stream-Id' header",
            );
        };
        if stream_id != subscriber.stream_id {
            return text(
                StatusCode::BAD_REQUEST,
                format!(
                    "The stream ID '{stream_id}' included in this request didn't match \
                     the stream ID currently associated with framework ID {framework_id}"
                ),
            );
        }
    }
    calls::dispatch(&sim, &framework_id, &kind, &call)
}

/// `400` for a call whose own message is missing.
fn missing(field: &str) -> Response {
    text(
        StatusCode::BAD_REQUEST,
        format!("Failed to validate scheduler::Call: Expecting '{field}' to be present"),
    )
}
