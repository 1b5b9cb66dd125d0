//! Long-lived event streams, shared by the simulated services: events sent
//! as they happen, each framed by the service's wire format (RecordIO for
//! Mesos; SSE for Marathon), with heartbeats, ending when the cluster stops,
//! and cut mid-way by the drop-streams fault knob.

use std::collections::VecDeque;
use std::sync::Arc;
use std::time::Duration;

use axum::body::Body;
use bytes::Bytes;
use serde_json::Value;
use tokio::sync::{broadcast, mpsc, watch};

/// Frames one Mesos RecordIO record: `<size>\n<json>`.
pub(crate) fn recordio(event: &Value) -> Bytes {
    let json = event.to_string();
    Bytes::from(format!("{}\n{json}", json.len()))
}

/// The shortest real time between heartbeats, however fast the clock.
const MIN_HEARTBEAT: Duration = Duration::from_millis(5);

/// Where a stream's events come from.
pub(crate) enum Source {
    /// One subscriber's channel (a scheduler): the stream ends when the
    /// sender is dropped.
    Channel(mpsc::UnboundedReceiver<Arc<Value>>),
    /// The operator event bus: a subscriber that falls too far behind is
    /// cut, and must subscribe again.
    Broadcast(broadcast::Receiver<Arc<Value>>),
}

enum Next {
    Event(Arc<Value>),
    Closed,
    Lagged,
}

impl Source {
    async fn next(&mut self) -> Next {
        match self {
            Source::Channel(rx) => rx.recv().await.map_or(Next::Closed, Next::Event),
            Source::Broadcast(rx) => match rx.recv().await {
                Ok(e) => Next::Event(e),
                Err(broadcast::error::RecvError::Closed) => Next::Closed,
                Err(broadcast::error::RecvError::Lagged(_)) => Next::Lagged,
            },
        }
    }
}

/// What a stream is made of.
pub(crate) struct EventStream {
    /// How each event is written on the wire.
    pub(crate) frame: fn(&Value) -> Bytes,
    /// Sent first, in order.
    pub(crate) first: Vec<Arc<Value>>,
    /// Then these.
    pub(crate) source: Source,
    /// A HEARTBEAT event sent every real interval.
    pub(crate) heartbeat: Option<(Duration, Arc<Value>)>,
    /// Changes when every stream must drop.
    pub(crate) drops: watch::Receiver<u64>,
    /// Turns true when the cluster stops.
    pub(crate) shutdown: watch::Receiver<bool>,
    /// Dropped when the stream ends, however it ends.
    pub(crate) guard: Option<Box<dyn Send + Sync>>,
}

struct State {
    frame: fn(&Value) -> Bytes,
    first: VecDeque<Arc<Value>>,
    source: Source,
    heartbeat: Option<(tokio::time::Interval, Arc<Value>)>,
    drops: watch::Receiver<u64>,
    shutdown: watch::Receiver<bool>,
    _guard: Option<Box<dyn Send + Sync>>,
    done: bool,
}

async fn tick(heartbeat: &mut Option<(tokio::time::Interval, Arc<Value>)>) -> Arc<Value> {
    match heartbeat {
        Some((interval, event)) => {
            interval.tick().await;
            Arc::clone(event)
        }
        None => std::future::pending().await,
    }
}

impl EventStream {
    /// The chunked response body.
    pub(crate) fn into_body(self) -> Body {
        let heartbeat = self.heartbeat.map(|(every, event)| {
            let every = every.max(MIN_HEARTBEAT);
            let interval = tokio::time::interval_at(tokio::time::Instant::now() + every, every);
            (interval, event)
        });
        let mut drops = self.drops;
        drops.mark_unchanged();
        let state = State {
            frame: self.frame,
            first: self.first.into(),
            source: self.source,
            heartbeat,
            drops,
            shutdown: self.shutdown,
            _guard: self.guard,
            done: false,
        };
        let stream = futures_util::stream::unfold(state, |mut st| async move {
            if st.done {
                return None;
            }
            let frame = st.frame;
            if let Some(event) = st.first.pop_front() {
                return Some((Ok(frame(&event)), st));
            }
            let item = tokio::select! {
                biased;
                _ = st.drops.changed() => Err(std::io::Error::other("stream dropped by a fault knob")),
                _ = st.shutdown.wait_for(|stopped| *stopped) => return None,
                next = st.source.next() => match next {
                    Next::Event(event) => Ok(frame(&event)),
                    Next::Closed => return None,
                    Next::Lagged => Err(std::io::Error::other("the subscriber fell behind")),
                },
                event = tick(&mut st.heartbeat) => Ok(frame(&event)),
            };
            st.done = item.is_err();
            Some((item, st))
        });
        Body::from_stream(stream)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_are_size_newline_json() {
        let f = recordio(&serde_json::json!({"type": "HEARTBEAT"}));
        assert_eq!(&f[..], b"20\n{\"type\":\"HEARTBEAT\"}");
    }
}
