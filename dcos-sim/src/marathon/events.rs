//! `GET /v2/events`: the event bus as Server-Sent Events
//! (`event: <type>\ndata: <json>\n\n`), filtered by repeated `event_type=`.

use std::sync::Arc;

use axum::body::Body;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use bytes::Bytes;
use serde_json::{Value, json};
use tokio::sync::{broadcast, watch};

use super::apps::Params;
use super::reply;
use super::state::{BusEvent, Service};
use crate::sim::SimState;

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

struct Stream {
    filter: Vec<String>,
    events: broadcast::Receiver<Arc<BusEvent>>,
    drops: watch::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
    done: bool,
    _detach: Detach,
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
    let events = service.bus.subscribe();
    service.lock().publish(
        "event_stream_attached",
        json!({ "remoteAddress": "127.0.0.1" }),
    );
    let mut drops = sim.faults.stream_drops();
    drops.mark_unchanged();
    let state = Stream {
        filter,
        events,
        drops,
        shutdown: sim.shutdown.subscribe(),
        done: false,
        _detach: Detach {
            sim: Arc::clone(&sim),
        },
    };
    let body = futures_util::stream::unfold(state, |mut st| async move {
        if st.done {
            return None;
        }
        loop {
            let item: Result<Bytes, std::io::Error> = tokio::select! {
                biased;
                _ = st.drops.changed() => Err(std::io::Error::other("stream dropped by a fault knob")),
                _ = st.shutdown.wait_for(|stopped| *stopped) => return None,
                event = st.events.recv() => match event {
                    Ok(event) => {
                        if !st.filter.is_empty() && !st.filter.iter().any(|f| *f == event.kind) {
                            continue;
                        }
                        Ok(frame(&event.kind, &event.data))
                    }
                    Err(broadcast::error::RecvError::Closed) => return None,
                    Err(broadcast::error::RecvError::Lagged(_)) => {
                        Err(std::io::Error::other("slow consumer dropped"))
                    }
                },
            };
            st.done = item.is_err();
            return Some((item, st));
        }
    });
    let mut response = Body::from_stream(body).into_response();
    let headers = response.headers_mut();
    headers.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("text/event-stream"),
    );
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
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
