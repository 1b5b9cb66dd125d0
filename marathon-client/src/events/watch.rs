//! [`Watch`]: the event stream, reconnected for ever.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use dcos_auth::retry::Reconnect;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use tokio::time::Instant;

use super::{Event, EventFilter, EventStream};
use crate::client::MarathonClient;
use crate::error::{Error, Result};

/// How [`MarathonClient::watch_with`] reconnects.
///
/// The wait before reconnecting starts at `min_backoff` and doubles after
/// each failed or short-lived connection up to `max_backoff`, with jitter (a
/// random wait between half of that and all of it). A connection that stayed
/// up for 10 s (or `max_backoff`, if shorter) starts the count again, so a
/// server that accepts and at once closes is not hammered, while one that
/// drops the stream now and then is rejoined quickly.
///
/// There is no idle time-out here: the core's stream idle time-out
/// ([`ClusterBuilder::stream_idle_timeout`](dcos_auth::ClusterBuilder::stream_idle_timeout),
/// 90 s by default) ends a silent connection with an error, and the watch
/// reconnects. Marathon sends nothing while nothing happens, so on a quiet
/// cluster raise it to avoid needless reconnects.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WatchOptions {
    /// The first wait before reconnecting.
    pub min_backoff: Duration,
    /// The longest wait before reconnecting.
    pub max_backoff: Duration,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
        }
    }
}

impl WatchOptions {
    /// Sets the first and the longest wait before reconnecting.
    #[must_use]
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_backoff = min;
        self.max_backoff = max.max(min);
        self
    }

    /// The longest wait before reconnecting after `failures` failed or
    /// short-lived connections in a row (0 after a long-lived one); the wait
    /// itself is a random time between half of this and all of it.
    pub fn backoff_cap(&self, failures: u32) -> Duration {
        dcos_auth::retry::reconnect_cap(self.min_backoff, self.max_backoff, failures)
    }
}

/// One item of a [`Watch`].
// Nearly every item is an event: boxing it would cost an allocation per event
// to shrink the rare `Connected` and `Reconnected`.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WatchItem {
    /// The first connection is up: read the state you watch now, then apply
    /// the events that follow.
    Connected,
    /// The stream connected again after a break. Events may have been missed:
    /// read the state again.
    Reconnected,
    /// An event.
    Event(Event),
}

/// Marathon's events for ever, from [`MarathonClient::watch`]: it reconnects
/// whenever the connection ends, and says so with
/// [`WatchItem::Reconnected`].
///
/// Errors are items. A connection error (a refused connection, a 5xx, the
/// idle time-out) and a frame that cannot be decoded are followed by more
/// items; a 4xx other than 408 and 429, or an authentication failure, ends
/// the stream after its error item, since retrying would not help.
///
/// It owns a clone of the client, so it is `Send + 'static` and can be
/// spawned.
pub struct Watch {
    inner: BoxStream<'static, Result<WatchItem>>,
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").finish_non_exhaustive()
    }
}

impl Stream for Watch {
    type Item = Result<WatchItem>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl MarathonClient {
    /// Watches the event stream with the default [`WatchOptions`].
    pub fn watch(&self, filter: EventFilter) -> Watch {
        self.watch_with(filter, WatchOptions::default())
    }

    /// Watches the event stream: [`MarathonClient::events`], reconnected
    /// with capped, jittered backoff whenever it ends. Nothing is sent until
    /// the stream is first polled.
    pub fn watch_with(&self, filter: EventFilter, options: WatchOptions) -> Watch {
        let state = State {
            client: self.clone(),
            filter,
            reconnect: Reconnect::new(options.min_backoff, options.max_backoff),
            phase: Phase::Connect,
            connected_before: false,
        };
        Watch {
            inner: futures_util::stream::unfold(state, State::next).boxed(),
        }
    }
}

/// Whether `err`, met while connecting, ends a watch: retrying cannot help.
pub(crate) fn ends_watch(err: &Error) -> bool {
    if let Some(status) = err.status() {
        return status.is_client_error() && !matches!(status.as_u16(), 408 | 429);
    }
    matches!(
        err,
        Error::InvalidId { .. }
            | Error::Http(
                dcos_auth::Error::Auth(_)
                    | dcos_auth::Error::Config { .. }
                    | dcos_auth::Error::RedirectNotAllowed { .. }
            )
    )
}

struct State {
    client: MarathonClient,
    filter: EventFilter,
    phase: Phase,
    /// The backoff, counting failed or short-lived connections in a row.
    reconnect: Reconnect,
    connected_before: bool,
}

// One per watch: the size of the idle variants does not matter.
#[allow(clippy::large_enum_variant)]
enum Phase {
    Connect,
    Connected { events: EventStream, since: Instant },
    Wait,
    Done,
}

impl State {
    async fn next(mut self) -> Option<(Result<WatchItem>, State)> {
        loop {
            match std::mem::replace(&mut self.phase, Phase::Done) {
                Phase::Done => return None,
                Phase::Wait => {
                    let wait = self.reconnect.next_wait();
                    tokio::time::sleep(wait).await;
                    self.phase = Phase::Connect;
                }
                Phase::Connect => match self.client.events(self.filter.clone()).await {
                    Ok(events) => {
                        tracing::debug!(url = %events.url(), "event stream connected");
                        self.phase = Phase::Connected {
                            events,
                            since: Instant::now(),
                        };
                        let item = if self.connected_before {
                            WatchItem::Reconnected
                        } else {
                            WatchItem::Connected
                        };
                        self.connected_before = true;
                        return Some((Ok(item), self));
                    }
                    Err(err) => {
                        if ends_watch(&err) {
                            tracing::warn!(error = %err, "event stream refused; not reconnecting");
                        } else {
                            tracing::debug!(error = %err, failures = self.reconnect.failures(), "event stream connection failed");
                            self.phase = Phase::Wait;
                        }
                        return Some((Err(err), self));
                    }
                },
                Phase::Connected { mut events, since } => match events.next().await {
                    Some(item) => {
                        self.phase = Phase::Connected { events, since };
                        return Some((item.map(WatchItem::Event), self));
                    }
                    None => {
                        tracing::debug!(url = %events.url(), "event stream ended; reconnecting");
                        self.reconnect.ended_after(since.elapsed());
                        self.phase = Phase::Wait;
                    }
                },
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcos_auth::ErrorBody;
    use dcos_auth::http::{Method, StatusCode, Url};

    fn api(status: u16) -> Error {
        Error::from_http(dcos_auth::Error::Api {
            method: Method::GET,
            url: Box::new(Url::parse("http://m/v2/events").unwrap()),
            status: StatusCode::from_u16(status).unwrap(),
            body: ErrorBody::from_bytes(b"{\"message\":\"x\"}"),
        })
    }

    #[test]
    fn which_errors_end_a_watch() {
        for status in [400, 401, 403, 404, 405, 406] {
            assert!(ends_watch(&api(status)), "{status}");
        }
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(!ends_watch(&api(status)), "{status}");
        }
        assert!(!ends_watch(&Error::Protocol("cut".into())));
        let timeout = Error::Http(dcos_auth::Error::Timeout {
            method: Method::GET,
            url: Box::new(Url::parse("http://m/").unwrap()),
            after: Duration::from_secs(1),
        });
        assert!(!ends_watch(&timeout));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let options =
            WatchOptions::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        let caps: Vec<u128> = (0..6).map(|n| options.backoff_cap(n).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(options.backoff_cap(u32::MAX), Duration::from_secs(1));
        let odd = WatchOptions::default().backoff(Duration::from_secs(2), Duration::from_secs(1));
        assert_eq!(odd.max_backoff, Duration::from_secs(2));
    }

    #[test]
    fn a_watch_is_send_and_static() {
        fn check<T: Send + 'static>() {}
        check::<Watch>();
        check::<EventStream>();
    }
}
