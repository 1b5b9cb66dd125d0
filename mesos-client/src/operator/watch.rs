//! [`Operator::watch`]: the operator SUBSCRIBE stream, reconnected for
//! ever, with a fresh [`ClusterView`] after every (re)subscription.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use dcos_auth::http::{Method, Url};
use dcos_auth::retry::Reconnect;
use futures_util::stream::BoxStream;
use futures_util::{Stream, StreamExt};
use tokio::time::Instant;

use super::Operator;
use super::subscribe::OperatorEvents;
use crate::error::{Error, Result};
use crate::models::OperatorEvent;
use crate::view::ClusterView;

/// How [`Operator::watch_with`] reconnects and detects a dead connection.
///
/// The wait before resubscribing starts at `min_backoff` and doubles after
/// each failed or short-lived subscription up to `max_backoff` (15 s by
/// default, as Mesos recommends), with jitter: a random wait between half
/// of that and all of it. A subscription that stayed up for 10 s (or
/// `max_backoff`, if shorter) starts the count again.
///
/// Once SUBSCRIBED announces `heartbeat_interval_seconds`, a subscription
/// that sends nothing (not even a HEARTBEAT) for `heartbeat_misses` times
/// that interval is taken as dead: it is closed and the watch resubscribes
/// (`master.proto`, `Event.HEARTBEAT`). Before that, the core's stream idle
/// time-out applies.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WatchOptions {
    /// The first wait before resubscribing.
    pub min_backoff: Duration,
    /// The longest wait before resubscribing.
    pub max_backoff: Duration,
    /// How many heartbeat intervals may pass in silence (5 by default).
    pub heartbeat_misses: u32,
}

impl Default for WatchOptions {
    fn default() -> Self {
        WatchOptions {
            min_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(15),
            heartbeat_misses: 5,
        }
    }
}

impl WatchOptions {
    /// Sets the first and the longest wait before resubscribing.
    #[must_use]
    pub fn backoff(mut self, min: Duration, max: Duration) -> Self {
        self.min_backoff = min;
        self.max_backoff = max.max(min);
        self
    }

    /// Sets how many heartbeat intervals may pass in silence (at least 1).
    #[must_use]
    pub fn heartbeat_misses(mut self, misses: u32) -> Self {
        self.heartbeat_misses = misses.max(1);
        self
    }

    /// The longest wait before resubscribing after `failures` failed or
    /// short-lived subscriptions in a row (0 after a long-lived one); the
    /// wait itself is a random time between half of this and all of it.
    pub fn backoff_cap(&self, failures: u32) -> Duration {
        dcos_auth::retry::reconnect_cap(self.min_backoff, self.max_backoff, failures)
    }

    /// How long a subscription may stay silent before it is taken as dead:
    /// `heartbeat_misses` × the announced interval, or `None` when the
    /// master announced none.
    pub fn silence_limit(&self, heartbeat_interval: Option<Duration>) -> Option<Duration> {
        heartbeat_interval.map(|i| i.saturating_mul(self.heartbeat_misses.max(1)))
    }
}

/// One item of a [`Watch`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum WatchItem {
    /// The first subscription is up: the cluster as SUBSCRIBED described
    /// it. Apply the events that follow with [`ClusterView::apply`].
    Snapshot(ClusterView),
    /// An event after the snapshot (HEARTBEAT included).
    Event(OperatorEvent),
    /// The watch subscribed again after a break, and events may have been
    /// missed: replace your view with this fresh one.
    Resync(ClusterView),
}

/// The master's operator events for ever, from [`Operator::watch`].
///
/// It subscribes, yields [`WatchItem::Snapshot`], then each event; when the
/// connection ends, breaks or stays silent for too long
/// ([`WatchOptions::heartbeat_misses`]), it resubscribes with capped,
/// jittered backoff and yields [`WatchItem::Resync`] with the new snapshot.
///
/// Errors are items. A connection error (refused, 5xx, time-out, a master
/// without a leader) and an event that cannot be decoded are followed by
/// more items; a 4xx other than 408 and 429 (401 and 403 included), or an
/// authentication or configuration failure, ends the stream after its
/// error item, since retrying would not help. A heartbeat time-out is
/// yielded as [`dcos_auth::Error::Timeout`].
///
/// It owns a clone of the operator, so it is `Send + 'static` and can be
/// spawned. Nothing is sent until it is first polled.
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

impl Operator {
    /// Watches the cluster with the default [`WatchOptions`].
    pub fn watch(&self) -> Watch {
        self.watch_with(WatchOptions::default())
    }

    /// Watches the cluster: [`Operator::subscribe`], resubscribed whenever
    /// it ends, with a [`ClusterView`] of each SUBSCRIBED snapshot.
    pub fn watch_with(&self, options: WatchOptions) -> Watch {
        let state = State {
            operator: self.clone(),
            reconnect: Reconnect::new(options.min_backoff, options.max_backoff),
            options,
            phase: Phase::Connect,
            subscribed_before: false,
        };
        Watch {
            inner: futures_util::stream::unfold(state, State::next).boxed(),
        }
    }
}

/// Whether `err`, met while subscribing, ends a watch: retrying cannot help.
pub(crate) fn ends_watch(err: &Error) -> bool {
    if let Some(status) = err.status() {
        return status.is_client_error() && !matches!(status.as_u16(), 408 | 429);
    }
    matches!(
        err,
        Error::Http(
            dcos_auth::Error::Auth(_)
                | dcos_auth::Error::Config { .. }
                | dcos_auth::Error::RedirectNotAllowed { .. }
        )
    )
}

/// The error a silent subscription ends with.
fn silence(url: &Url, after: Duration) -> Error {
    Error::Http(dcos_auth::Error::Timeout {
        method: Method::POST,
        url: Box::new(url.clone()),
        after,
    })
}

struct State {
    operator: Operator,
    options: WatchOptions,
    phase: Phase,
    /// Failed or short-lived subscriptions in a row.
    reconnect: Reconnect,
    subscribed_before: bool,
}

enum Phase {
    Connect,
    Connected {
        events: Box<OperatorEvents>,
        since: Instant,
        /// The silence limit, once SUBSCRIBED announced a heartbeat.
        limit: Option<Duration>,
    },
    Wait,
    Done,
}

impl State {
    fn ended(&mut self, since: Instant) {
        self.reconnect.ended_after(since.elapsed());
        self.phase = Phase::Wait;
    }

    async fn next(mut self) -> Option<(Result<WatchItem>, State)> {
        loop {
            match std::mem::replace(&mut self.phase, Phase::Done) {
                Phase::Done => return None,
                Phase::Wait => {
                    let wait = self.reconnect.next_wait();
                    tokio::time::sleep(wait).await;
                    self.phase = Phase::Connect;
                }
                Phase::Connect => match self.operator.subscribe().await {
                    Ok(events) => {
                        self.phase = Phase::Connected {
                            events: Box::new(events),
                            since: Instant::now(),
                            limit: None,
                        };
                    }
                    Err(err) => {
                        if !ends_watch(&err) {
                            self.phase = Phase::Wait;
                        }
                        return Some((Err(err), self));
                    }
                },
                Phase::Connected {
                    mut events,
                    since,
                    limit,
                } => {
                    let next = match limit {
                        Some(limit) => match tokio::time::timeout(limit, events.next()).await {
                            Ok(next) => next,
                            Err(_) => {
                                let err = silence(events.url(), limit);
                                self.ended(since);
                                return Some((Err(err), self));
                            }
                        },
                        None => events.next().await,
                    };
                    match next {
                        Some(Ok(OperatorEvent::Subscribed(subscribed))) => {
                            let view = ClusterView::from_subscribed(*subscribed);
                            let limit = self.options.silence_limit(view.heartbeat_interval());
                            self.phase = Phase::Connected {
                                events,
                                since,
                                limit,
                            };
                            let item = if self.subscribed_before {
                                WatchItem::Resync(view)
                            } else {
                                WatchItem::Snapshot(view)
                            };
                            self.subscribed_before = true;
                            return Some((Ok(item), self));
                        }
                        Some(item) => {
                            self.phase = Phase::Connected {
                                events,
                                since,
                                limit,
                            };
                            return Some((item.map(WatchItem::Event), self));
                        }
                        None => self.ended(since),
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use dcos_auth::ErrorBody;
    use dcos_auth::http::StatusCode;

    fn api(status: u16) -> Error {
        Error::from_http(dcos_auth::Error::Api {
            method: Method::POST,
            url: Box::new(Url::parse("http://m/api/v1").unwrap()),
            status: StatusCode::from_u16(status).unwrap(),
            body: ErrorBody::from_bytes(b"nope"),
        })
    }

    #[test]
    fn which_errors_end_a_watch() {
        for status in [400, 401, 403, 404, 405, 406, 415] {
            assert!(ends_watch(&api(status)), "{status}");
        }
        for status in [408, 429, 500, 502, 503, 504] {
            assert!(!ends_watch(&api(status)), "{status}");
        }
        let url = Url::parse("http://m/api/v1").unwrap();
        assert!(!ends_watch(&silence(&url, Duration::from_secs(75))));
        assert!(!ends_watch(&Error::SubscriptionEnded));
    }

    #[test]
    fn backoff_doubles_up_to_the_cap() {
        let options =
            WatchOptions::default().backoff(Duration::from_millis(100), Duration::from_secs(1));
        let caps: Vec<u128> = (0..6).map(|n| options.backoff_cap(n).as_millis()).collect();
        assert_eq!(caps, [100, 200, 400, 800, 1000, 1000]);
        assert_eq!(options.backoff_cap(u32::MAX), Duration::from_secs(1));
        assert_eq!(
            WatchOptions::default().backoff_cap(10),
            Duration::from_secs(15)
        );
    }

    #[test]
    fn silence_limit_is_five_heartbeats() {
        let options = WatchOptions::default();
        assert_eq!(options.silence_limit(None), None);
        assert_eq!(
            options.silence_limit(Some(Duration::from_secs(15))),
            Some(Duration::from_secs(75))
        );
        let one = options.heartbeat_misses(0);
        assert_eq!(
            one.silence_limit(Some(Duration::from_secs(2))),
            Some(Duration::from_secs(2))
        );
    }

    #[test]
    fn a_watch_is_send_and_static() {
        fn check<T: Send + 'static>() {}
        check::<Watch>();
        check::<OperatorEvents>();
    }
}
