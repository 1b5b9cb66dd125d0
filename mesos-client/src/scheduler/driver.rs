//! [`SchedulerDriver`]: a subscription kept alive across heartbeat loss,
//! master failovers and leader changes.

use std::sync::Arc;
use std::time::Duration;

use dcos_auth::retry::Reconnect;
use futures_util::StreamExt;
use tokio::time::Instant;

use super::client::{EventStream, Scheduler, SchedulerHandle, Session};
use super::event::{Event, Subscribed};
use crate::error::{Error, Result};
use crate::models::FrameworkInfo;

/// The master's default heartbeat interval, used until SUBSCRIBED says.
pub const DEFAULT_HEARTBEAT_INTERVAL: Duration = Duration::from_secs(15);

/// What a [`SchedulerDriver`] yields.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DriverEvent {
    /// An event of the current subscription. The first subscription's
    /// SUBSCRIBED arrives as `Event(Event::Subscribed(…))`.
    Event(Event),
    /// The driver subscribed again (after heartbeat loss, a closed stream,
    /// or a call answered `Framework is not subscribed`), with the same
    /// framework id: offers made before are void, and task states should
    /// be reconciled.
    Resubscribed(Subscribed),
}

/// Keeps a scheduler subscribed.
///
/// - It keeps the framework id of SUBSCRIBED and subscribes again with it,
///   so the tasks survive (given a non-zero `failover_timeout`).
/// - It counts a connection dead after no event (heartbeats included) for
///   `heartbeat_misses` (5) × the `heartbeat_interval_seconds` of SUBSCRIBED
///   (15 s until then), closes it and subscribes again.
/// - It subscribes again when the stream ends or breaks, and when a call of
///   its [`SchedulerHandle`] was answered `403 Framework is not subscribed`
///   or with a stale stream id.
/// - Before subscribing again it waits, with the backoff every stream of
///   this workspace uses ([`dcos_auth::retry::Reconnect`]): 0.5 s doubling
///   to 15 s, each wait a random time between half of that and all of it.
///   The count starts again once a subscription has lasted 10 s, so a
///   master that accepts and at once drops the connection is not hammered.
///   Failed subscriptions (503 no leader or recovering, connection refused)
///   are yielded as error items; a `307` to the leader is followed by the
///   core.
/// - An ERROR event `Framework has been removed`, or such an answer, ends it
///   with [`Error::FrameworkRemoved`]; so do errors that cannot be fixed by
///   trying again (401, 400 other than the stream id).
///
/// ```no_run
/// # async fn run(core: dcos_auth::HttpCore) -> mesos_client::Result<()> {
/// use mesos_client::scheduler::{DriverEvent, Event, FrameworkInfoBuilder, Scheduler};
/// let mut driver = Scheduler::new(core).driver(FrameworkInfoBuilder::new("root", "demo").build());
/// let handle = driver.handle();
/// while let Some(item) = driver.next().await {
///     match item {
///         Ok(DriverEvent::Event(Event::Offers(offers))) => {
///             let ids = offers.into_iter().map(|o| o.id).collect();
///             handle.decline(ids, Some(3600.0)).await?;
///         }
///         Ok(DriverEvent::Event(Event::Update(status))) => {
///             handle.acknowledge(&status).await?;
///         }
///         Ok(DriverEvent::Resubscribed(_)) => handle.reconcile(vec![]).await?,
///         Ok(_) => {}
///         Err(e) => eprintln!("{e}"),
///     }
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
pub struct SchedulerDriver {
    scheduler: Scheduler,
    framework: FrameworkInfo,
    session: Arc<Session>,
    events: Option<EventStream>,
    subscribed_once: bool,
    /// When the current subscription started.
    since: Option<Instant>,
    /// Failed or short-lived subscriptions in a row.
    reconnect: Reconnect,
    /// Whether the next subscription waits first (not the first one).
    resubscribing: bool,
    /// The wait drawn for the next subscription, kept if a caller cancels
    /// [`SchedulerDriver::next`] while it runs.
    pending_wait: Option<Duration>,
    interval: Duration,
    misses: u32,
    done: bool,
}

impl Scheduler {
    /// A driver subscribing as `framework` on the first
    /// [`SchedulerDriver::next`], and again whenever needed.
    pub fn driver(&self, framework: FrameworkInfo) -> SchedulerDriver {
        SchedulerDriver {
            scheduler: self.clone(),
            framework,
            session: Arc::new(Session::default()),
            events: None,
            subscribed_once: false,
            since: None,
            reconnect: Reconnect::new(Duration::from_millis(500), Duration::from_secs(15)),
            resubscribing: false,
            pending_wait: None,
            interval: DEFAULT_HEARTBEAT_INTERVAL,
            misses: 5,
            done: false,
        }
    }
}

impl SchedulerDriver {
    /// How many heartbeat intervals without an event count the connection
    /// as dead (5 by default; at least 1).
    #[must_use]
    pub fn heartbeat_misses(mut self, misses: u32) -> Self {
        self.misses = misses.max(1);
        self
    }

    /// The heartbeat interval assumed until SUBSCRIBED gives one (15 s).
    #[must_use]
    pub fn initial_heartbeat_interval(mut self, interval: Duration) -> Self {
        self.interval = interval;
        self
    }

    /// The resubscription backoff: from `base`, doubling, capped at `cap`
    /// (0.5 s to 15 s by default), with jitter.
    #[must_use]
    pub fn backoff(mut self, base: Duration, cap: Duration) -> Self {
        self.reconnect = Reconnect::new(base, cap);
        self
    }

    /// A handle for calls; it follows the driver's resubscriptions.
    pub fn handle(&self) -> SchedulerHandle {
        self.scheduler.handle_for(Arc::clone(&self.session))
    }

    /// The framework id, once subscribed.
    pub fn framework_id(&self) -> Option<crate::resources::FrameworkId> {
        self.session.framework_id()
    }

    /// How long without an event counts the connection as dead.
    pub fn heartbeat_timeout(&self) -> Duration {
        self.interval.saturating_mul(self.misses)
    }

    /// The next event, subscribing first when needed. `None` once a fatal
    /// error has been yielded.
    ///
    /// Cancel-safe: dropping the future (in a `select!` or a timeout) loses
    /// no event; a SUBSCRIBE in flight is simply sent again next time.
    pub async fn next(&mut self) -> Option<Result<DriverEvent>> {
        loop {
            if self.done {
                return None;
            }
            let Some(events) = self.events.as_mut() else {
                if let Err(err) = self.subscribe().await {
                    if is_fatal(&err) {
                        self.done = true;
                    }
                    return Some(Err(err));
                }
                continue;
            };
            let timeout = self.interval.saturating_mul(self.misses);
            let item = tokio::select! {
                item = tokio::time::timeout(timeout, events.next()) => item,
                () = self.session.resubscribe.notified() => {
                    if self.session.take_stale_is_current() {
                        self.ended();
                    }
                    continue;
                }
            };
            match item {
                // Heartbeat loss: drop the connection and subscribe again.
                Err(_) | Ok(None) => self.ended(),
                // One record that does not decode: the framing is intact,
                // so the subscription goes on.
                Ok(Some(Err(err @ Error::Http(dcos_auth::Error::Decode { .. })))) => {
                    return Some(Err(err));
                }
                Ok(Some(Err(err))) => {
                    self.ended();
                    if is_fatal(&err) {
                        self.done = true;
                    }
                    return Some(Err(err));
                }
                Ok(Some(Ok(event))) => return self.on_event(event),
            }
        }
    }

    fn on_event(&mut self, event: Event) -> Option<Result<DriverEvent>> {
        match event {
            Event::Subscribed(subscribed) => {
                self.framework.id = Some(subscribed.framework_id.clone());
                if let Some(secs) = subscribed.heartbeat_interval_seconds {
                    if let Ok(interval) = Duration::try_from_secs_f64(secs.0) {
                        if !interval.is_zero() {
                            self.interval = interval;
                        }
                    }
                }
                if std::mem::replace(&mut self.subscribed_once, true) {
                    Some(Ok(DriverEvent::Resubscribed(subscribed)))
                } else {
                    Some(Ok(DriverEvent::Event(Event::Subscribed(subscribed))))
                }
            }
            Event::Error(message) => {
                // The master closes the subscription after an ERROR.
                self.ended();
                if message.to_ascii_lowercase().contains("has been removed") {
                    self.done = true;
                    return Some(Err(Error::FrameworkRemoved {
                        message,
                        source: None,
                    }));
                }
                Some(Ok(DriverEvent::Event(Event::Error(message))))
            }
            other => Some(Ok(DriverEvent::Event(other))),
        }
    }

    /// The subscription is over: the next one waits, and the backoff starts
    /// again if this one lasted.
    fn ended(&mut self) {
        self.events = None;
        if let Some(since) = self.since.take() {
            self.reconnect.ended_after(since.elapsed());
        }
    }

    async fn subscribe(&mut self) -> Result<()> {
        if self.resubscribing {
            let reconnect = &mut self.reconnect;
            let wait = *self
                .pending_wait
                .get_or_insert_with(|| reconnect.next_wait());
            tokio::time::sleep(wait).await;
            self.pending_wait = None;
        }
        self.resubscribing = true;
        if let Some(id) = self.session.framework_id() {
            self.framework.id = Some(id);
        }
        let events = self
            .scheduler
            .subscribe_session(self.framework.clone(), &self.session)
            .await?;
        self.events = Some(events);
        self.since = Some(Instant::now());
        Ok(())
    }
}

/// Whether trying again cannot help.
fn is_fatal(err: &Error) -> bool {
    if matches!(err, Error::FrameworkRemoved { .. }) {
        return true;
    }
    if err.is_retryable() || err.needs_resubscribe() {
        return false;
    }
    matches!(
        err.status().map(|s| s.as_u16()),
        Some(400 | 401 | 403 | 404)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn driver() -> SchedulerDriver {
        let core = dcos_auth::HttpCore::direct("http://127.0.0.1:9/", dcos_auth::Credentials::None)
            .unwrap();
        Scheduler::new(core).driver(FrameworkInfo::default())
    }

    #[test]
    fn the_backoff_doubles_to_about_15_s_by_default() {
        let mut d = driver();
        let caps: Vec<u64> = (0..8)
            .map(|_| {
                let cap = d.reconnect.cap();
                let wait = d.reconnect.next_wait();
                assert!(wait <= cap && wait >= cap / 2, "{wait:?} within {cap:?}");
                cap.as_millis() as u64
            })
            .collect();
        assert_eq!(caps, [500, 1000, 2000, 4000, 8000, 15000, 15000, 15000]);
        let d = driver().backoff(Duration::from_millis(10), Duration::from_millis(50));
        assert_eq!(d.reconnect.cap(), Duration::from_millis(10));
    }

    #[tokio::test]
    async fn a_lasting_subscription_starts_the_backoff_again() {
        let mut d = driver();
        for _ in 0..3 {
            d.reconnect.next_wait();
        }
        d.since = Some(Instant::now());
        d.ended();
        assert_eq!(
            d.reconnect.failures(),
            3,
            "a short subscription keeps the count"
        );
        d.since = Instant::now().checked_sub(Duration::from_secs(11));
        d.ended();
        assert_eq!(d.reconnect.failures(), 0);
        assert!(d.events.is_none());
    }

    #[test]
    fn removal_and_bad_requests_are_fatal() {
        assert!(is_fatal(&Error::FrameworkRemoved {
            message: "Framework has been removed".into(),
            source: None
        }));
        assert!(!is_fatal(&Error::SubscriptionEnded));
    }
}
