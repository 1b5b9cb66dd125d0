//! `GET /v2/events`: the event bus as Server-Sent Events
//! (`event: <type>\ndata: <json>\n\n`), filtered by repeated `event_type=`.

use std::sync::Arc;

use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, mpsc};

use super::apps::Params;
use super::reply;
use super::state::Service;
use crate::sim::SimState;
use crate::stream::{EventStream, Source};

/// One SSE frame.
pub(crate) fn frame(kind: &str, data: &Value) -> Bytes {
    Bytes::from(format!("event: {kind}\ndata: {data}\n\n"))
}

/// Publishes `event_stream_detached` when a stream ends, however it ends.
struct Detach {
    sim: SimState,
}

impl Drop for Detach {
    fn drop(&mut self) {
        self.sim.marathon.lock().publish(
            "event_stream_detached",
            json!({ "remoteAddress": "127.0.0.1" }),
        );
    }
}

fn accepts_event_stream(headers: &HeaderMap) -> bool {
    headers
        .get_all(header::ACCEPT)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|m| {
            m.split(';')
                .next()
                .unwrap_or_default()
                .trim()
                .eq_ignore_ascii_case("text/event-stream")
        })
}

/// `GET /v2/events`: `405` (an HTML page) unless `Accept` names
/// `text/event-stream`; then `event_stream_attached` and every event the
/// filters let through, until the client goes, the stream is dropped by
/// the fault knob, or the subscriber falls 4096 events behind (Marathon
/// drops slow consumers too).
pub(crate) async fn stream(
    State(sim): State<SimState>,
    Query(query): Params,
    headers: HeaderMap,
) -> Response {
    if !accepts_event_stream(&headers) {
        return reply::jetty_error(
            StatusCode::METHOD_NOT_ALLOWED,
            "/v2/events",
            "HTTP method GET is not supported by this URL",
        );
    }
    let filter: Vec<String> = reply::values(&query, "event_type")
        .flat_map(|v| v.split(','))
        .map(str::to_owned)
        .filter(|v| !v.is_empty())
        .collect();
    let service: &Service = &sim.marathon;
    // Subscribed first, so this stream gets its own attach event.
    let mut events = service.bus.subscribe();
    service.lock().publish(
        "event_stream_attached",
        json!({ "remoteAddress": "127.0.0.1" }),
    );
    // The filter runs in a forwarder; the shared stream module frames,
    // drops (fault knob) and ends (shutdown, client gone) the stream. A
    // subscriber 4096 events behind is cut, as Marathon drops slow
    // consumers.
    let (tx, rx) = mpsc::unbounded_channel();
    sim.mesos.spawn(async move {
        loop {
            match events.recv().await {
                Ok(event) => {
                    if !filter.is_empty() && !filter.iter().any(|f| *f == event.kind) {
                        continue;
                    }
                    if tx.send(Arc::new(event.data.clone())).is_err() {
                        return;
                    }
                }
                Err(
                    broadcast::error::RecvError::Lagged(_) | broadcast::error::RecvError::Closed,
                ) => {
                    return;
                }
            }
        }
    });
    let stream = EventStream {
        frame: sse,
        first: Vec::new(),
        source: Source::Channel(rx),
        heartbeat: None,
        drops: sim.faults.stream_drops(),
        shutdown: sim.shutdown.subscribe(),
        guard: Some(Box::new(Detach {
            sim: Arc::clone(&sim),
        })),
    };
    let mut response = stream.into_body().into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Frames an event (its JSON carries `eventType`) as SSE.
fn sse(data: &Value) -> Bytes {
    frame(
        data.get("eventType")
            .and_then(Value::as_str)
            .unwrap_or("message"),
        data,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_are_event_then_data() {
        let f = frame("deployment_success", &json!({"id": "x"}));
        assert_eq!(
            &f[..],
            b"event: deployment_success\ndata: {\"id\":\"x\"}\n\n"
        );
    }
}
