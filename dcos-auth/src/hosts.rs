//! Several hosts serving one API: which host a request goes to, which hosts are
//! down, and when a request moves on to the next host.
//!
//! Marathon runs as a leader and standbys, Mesos as several masters, and DC/OS
//! as several masters that each run an Admin Router. A
//! [`Cluster`](crate::Cluster) built with
//! [`failover_host`](crate::ClusterBuilder::failover_host) treats them as one
//! host set. The host set holds plain state, and the decisions take the time as
//! an argument, so both are unit-tested here. The core does the sending, and the
//! prober (`probe.rs`) does the probing.

use std::sync::{Mutex, PoisonError};
use std::time::{Duration, Instant};

use reqwest::StatusCode;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
use url::Url;

use crate::error::Error;
use crate::redirect::HostRule;
use crate::request::folder_url;
use crate::retry::Outcome;

/// One configured host as [`HttpCore::hosts`](crate::HttpCore::hosts) reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct HostStatus {
    /// The host's scheme, host and port, such as `http://10.0.0.2:8080/`,
    /// without the base path.
    pub origin: Url,
    /// Whether the host is marked down: requests skip it while another host is
    /// up.
    pub down: bool,
    /// Whether requests go to this host first: host 0 (the cluster URL) unless
    /// a leader header named another one.
    pub current: bool,
}

/// Whether a failed attempt moves on to the next host at once, with no backoff
/// and without using up a retry attempt.
///
/// - A connect failure moves on for every method: nothing was sent.
/// - A 502, a 503, a time-out or a dropped connection moves on only for an
///   idempotent request. A POST may already have been acted on, so it is not
///   resent and its response or error is returned.
///
/// Whatever this says, the host that failed is marked down (see
/// [`host_failed`]).
pub fn rotate(idempotent: bool, outcome: &Outcome) -> bool {
    match outcome {
        Outcome::ConnectFailed => true,
        _ => idempotent && host_failed(outcome),
    }
}

/// Whether an outcome shows the host itself failing, so that it is marked down:
/// it could not be reached, did not answer in time, or answered 502 or 503.
pub fn host_failed(outcome: &Outcome) -> bool {
    match outcome {
        Outcome::ConnectFailed | Outcome::Interrupted => true,
        Outcome::Status { status, .. } => {
            *status == StatusCode::BAD_GATEWAY || *status == StatusCode::SERVICE_UNAVAILABLE
        }
    }
}

/// The request the prober sends to a down host.
#[derive(Debug, Clone)]
pub(crate) struct HealthProbe {
    /// The path below the cluster's base path.
    pub(crate) segments: Vec<String>,
    /// The `Accept` header: Marathon's `/ping` answers 406 to
    /// `application/json` (go-marathon#308).
    pub(crate) accept: HeaderValue,
}

/// What the builder collected about the hosts, checked by [`HostSet::new`].
#[derive(Debug, Clone)]
pub(crate) struct HostsConfig {
    pub(crate) failover: Vec<String>,
    pub(crate) probe: Option<(Vec<String>, String)>,
    pub(crate) probe_interval: Duration,
    pub(crate) leader_header: Option<String>,
}

/// The hosts that serve one cluster's API, host 0 being the cluster URL's.
pub(crate) struct HostSet {
    origins: Vec<Url>,
    probe: Option<HealthProbe>,
    probe_interval: Duration,
    leader_header: Option<HeaderName>,
    state: Mutex<State>,
}

impl std::fmt::Debug for HostSet {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let hosts: Vec<String> = self
            .status()
            .iter()
            .map(|host| {
                let mark = match (host.current, host.down) {
                    (true, true) => " (current, down)",
                    (true, false) => " (current)",
                    (false, true) => " (down)",
                    (false, false) => "",
                };
                format!("{}{mark}", host.origin.as_str())
            })
            .collect();
        f.debug_struct("HostSet")
            .field("hosts", &hosts)
            .field("probe", &self.probe.as_ref().map(|p| p.segments.join("/")))
            .field("probe_interval", &self.probe_interval)
            .field("leader_header", &self.leader_header)
            .finish()
    }
}

impl HostSet {
    /// The host set of a cluster at `root`. Every failover host must have
    /// `root`'s base path: only the scheme, host and port may differ.
    pub(crate) fn new(root: &Url, config: &HostsConfig) -> Result<Self, Error> {
        let mut origins = vec![origin(root)];
        for spec in &config.failover {
            let url = folder_url(spec)?;
            if url.path() != root.path() {
                return Err(Error::config(format!(
                    "the failover host {} has the base path `{}` but the cluster URL has `{}`: \
                     hosts of one API may differ only in scheme, host and port",
                    origin(&url),
                    url.path(),
                    root.path()
                )));
            }
            let url = origin(&url);
            if origins.iter().any(|known| same_origin(known, &url)) {
                return Err(Error::config(format!("the host {url} is listed twice")));
            }
            origins.push(url);
        }
        let probe = match &config.probe {
            None => None,
            Some((segments, accept)) => Some(HealthProbe {
                segments: segments.clone(),
                accept: HeaderValue::from_str(accept).map_err(|e| {
                    Error::config_with(
                        format!(
                            "the health probe's Accept value `{accept}` is not a valid header value"
                        ),
                        e,
                    )
                })?,
            }),
        };
        if config.probe_interval.is_zero() {
            return Err(Error::config("the probe interval must be longer than zero"));
        }
        let leader_header = match &config.leader_header {
            None => None,
            Some(name) => Some(HeaderName::from_bytes(name.as_bytes()).map_err(|e| {
                Error::config_with(format!("`{name}` is not a valid header name"), e)
            })?),
        };
        let state = State {
            current: 0,
            down_since: vec![None; origins.len()],
            prober: false,
        };
        Ok(HostSet {
            origins,
            probe,
            probe_interval: config.probe_interval,
            leader_header,
            state: Mutex::new(state),
        })
    }

    /// Each host's origin, in the order they were configured.
    pub(crate) fn origins(&self) -> &[Url] {
        &self.origins
    }

    /// The origin of host `i`, or host 0's for an index out of range.
    pub(crate) fn origin(&self, i: usize) -> &Url {
        // `origins` always holds host 0, the cluster URL's.
        self.origins.get(i).unwrap_or(&self.origins[0])
    }

    /// Host `i` as logs show it: `http://10.0.0.2:8080`.
    pub(crate) fn name(&self, i: usize) -> String {
        self.origin(i).origin().ascii_serialization()
    }

    /// The health probe, if one is configured.
    pub(crate) fn probe(&self) -> Option<&HealthProbe> {
        self.probe.as_ref()
    }

    /// How often the prober runs; without a probe, how long a down mark lasts.
    pub(crate) fn probe_interval(&self) -> Duration {
        self.probe_interval
    }

    /// Whether requests under `base` fail over: there are several hosts and
    /// `base` is on one of them.
    pub(crate) fn serves(&self, base: &Url) -> bool {
        self.origins.len() > 1 && self.index_of(base).is_some()
    }

    /// The host `url` is on, if it is a configured one.
    pub(crate) fn index_of(&self, url: &Url) -> Option<usize> {
        self.origins.iter().position(|o| same_origin(o, url))
    }

    /// The host to send to next within `round`; see [`State::pick`].
    pub(crate) fn pick(&self, round: &Round) -> usize {
        self.lock().pick(round, Instant::now(), self.expiry())
    }

    /// The next host that is up and not yet tried in `round`, if any.
    pub(crate) fn next_up(&self, round: &Round) -> Option<usize> {
        self.lock().next_up(round, Instant::now(), self.expiry())
    }

    /// Marks host `i` down. Returns whether a prober must be started: there is a
    /// health probe and no prober runs yet.
    pub(crate) fn mark_down(&self, i: usize) -> bool {
        let mut state = self.lock();
        let Some(slot) = state.down_since.get_mut(i) else {
            return false;
        };
        *slot = Some(Instant::now());
        if self.probe.is_some() && !state.prober {
            state.prober = true;
            return true;
        }
        false
    }

    /// Marks host `i` up. Returns whether it was down.
    pub(crate) fn mark_up(&self, i: usize) -> bool {
        let mut state = self.lock();
        state.down_since.get_mut(i).and_then(Option::take).is_some()
    }

    /// The hosts to probe now. When none is down the prober stops, and this
    /// records that it did, so that the next failure starts a new one.
    pub(crate) fn down_or_stop_probing(&self) -> Vec<usize> {
        let mut state = self.lock();
        let down: Vec<usize> = (0..self.origins.len())
            .filter(|&i| state.down_since[i].is_some())
            .collect();
        if down.is_empty() {
            state.prober = false;
        }
        down
    }

    /// Records that no prober runs (one could not be started).
    pub(crate) fn prober_stopped(&self) {
        self.lock().prober = false;
    }

    /// Follows the leader header of a response: if it names a configured host
    /// other than the current one, that host becomes current, and its index is
    /// returned. A host that is not configured is never added.
    pub(crate) fn follow_leader(&self, headers: &HeaderMap) -> Option<usize> {
        let name = self.leader_header.as_ref()?;
        let value = headers.get(name)?.to_str().ok()?;
        let leader = leader_index(value, &self.origins)?;
        let mut state = self.lock();
        if state.current == leader {
            return None;
        }
        state.current = leader;
        Some(leader)
    }

    /// Every host's origin and state.
    pub(crate) fn status(&self) -> Vec<HostStatus> {
        let state = self.lock();
        let now = Instant::now();
        self.origins
            .iter()
            .enumerate()
            .map(|(i, origin)| HostStatus {
                origin: origin.clone(),
                down: state.is_down(i, now, self.expiry()),
                current: i == state.current,
            })
            .collect()
    }

    /// How long a down mark lasts: with a health probe, until the probe
    /// succeeds; without one, one probe interval.
    fn expiry(&self) -> Option<Duration> {
        match self.probe {
            Some(_) => None,
            None => Some(self.probe_interval),
        }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, State> {
        // Plain data that no panic can leave half-written.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }
}

/// The hosts one request has tried since its last backoff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Round {
    tried: Vec<bool>,
}

impl Round {
    pub(crate) fn new(hosts: usize) -> Self {
        Round {
            tried: vec![false; hosts],
        }
    }

    pub(crate) fn tried(&mut self, i: usize) {
        if let Some(t) = self.tried.get_mut(i) {
            *t = true;
        }
    }

    pub(crate) fn has_tried(&self, i: usize) -> bool {
        self.tried.get(i).copied().unwrap_or(false)
    }

    /// Starts a new round: every host may be tried again.
    pub(crate) fn clear(&mut self) {
        self.tried.fill(false);
    }
}

/// The mutable part of a host set.
#[derive(Debug, Clone)]
struct State {
    /// The host requests go to first.
    current: usize,
    /// When each host was last marked down, or `None` if it is up.
    down_since: Vec<Option<Instant>>,
    /// Whether a prober task runs.
    prober: bool,
}

impl State {
    /// Whether host `i` counts as down at `now`. A mark with an `expiry` counts
    /// only for that long.
    fn is_down(&self, i: usize, now: Instant, expiry: Option<Duration>) -> bool {
        self.down_since
            .get(i)
            .copied()
            .flatten()
            .is_some_and(|since| expiry.is_none_or(|e| now.saturating_duration_since(since) < e))
    }

    /// The first host, counting from the current one, that is up and not yet
    /// tried in `round`.
    fn next_up(&self, round: &Round, now: Instant, expiry: Option<Duration>) -> Option<usize> {
        let n = self.down_since.len();
        (0..n)
            .map(|k| (self.current + k) % n)
            .find(|&i| !round.has_tried(i) && !self.is_down(i, now, expiry))
    }

    /// The host to send to: the next one up, or if every untried host is down,
    /// the one that has been down longest, so that a request always goes out
    /// (go-marathon#294); or the current host if all were tried.
    fn pick(&self, round: &Round, now: Instant, expiry: Option<Duration>) -> usize {
        self.next_up(round, now, expiry)
            .or_else(|| {
                (0..self.down_since.len())
                    .filter(|&i| !round.has_tried(i))
                    .min_by_key(|&i| self.down_since[i])
            })
            .unwrap_or(self.current)
    }
}

/// The configured host a leader header names: `http://10.0.0.2:8080` matches
/// scheme, host and port; `10.0.0.2:8080` host and port; `10.0.0.2` the host
/// alone. Only a value that names exactly one configured host counts.
fn leader_index(value: &str, origins: &[Url]) -> Option<usize> {
    let value = value.trim();
    let names: Box<dyn Fn(&Url) -> bool> = if value.contains("://") {
        let leader = Url::parse(value).ok()?;
        Box::new(move |origin| same_origin(origin, &leader))
    } else {
        let rule = HostRule::parse(value).ok()?;
        Box::new(move |origin| rule.matches(origin))
    };
    let mut found = (0..origins.len()).filter(|&i| names(&origins[i]));
    match (found.next(), found.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

/// Whether two URLs have the same scheme, host and port.
pub(crate) fn same_origin(a: &Url, b: &Url) -> bool {
    a.scheme() == b.scheme()
        && a.host_str() == b.host_str()
        && a.port_or_known_default() == b.port_or_known_default()
}

/// `base` moved to the scheme, host and port of `origin`.
pub(crate) fn with_origin(base: &Url, origin: &Url) -> Url {
    let mut url = origin.clone();
    url.set_path(base.path());
    url.set_query(None);
    url.set_fragment(None);
    url
}

/// The scheme, host and port of `url`, with the path `/`.
fn origin(url: &Url) -> Url {
    let mut origin = url.clone();
    origin.set_path("/");
    origin.set_query(None);
    origin.set_fragment(None);
    origin
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).unwrap()
    }

    fn status(code: u16) -> Outcome {
        Outcome::Status {
            status: StatusCode::from_u16(code).unwrap(),
            retry_after: None,
        }
    }

    fn config(failover: &[&str]) -> HostsConfig {
        HostsConfig {
            failover: failover.iter().map(|s| s.to_string()).collect(),
            probe: None,
            probe_interval: Duration::from_secs(5),
            leader_header: None,
        }
    }

    #[test]
    fn connect_failures_rotate_every_method() {
        assert!(rotate(true, &Outcome::ConnectFailed));
        assert!(rotate(false, &Outcome::ConnectFailed));
    }

    #[test]
    fn gateway_failures_and_lost_answers_rotate_only_idempotent_calls() {
        for outcome in [status(502), status(503), Outcome::Interrupted] {
            assert!(rotate(true, &outcome), "{outcome:?}");
            assert!(!rotate(false, &outcome), "{outcome:?}");
            assert!(host_failed(&outcome), "{outcome:?}");
        }
    }

    #[test]
    fn other_answers_stay_on_the_host() {
        for code in [200, 201, 302, 400, 401, 404, 409, 429, 500, 504] {
            assert!(!rotate(true, &status(code)), "{code}");
            assert!(!host_failed(&status(code)), "{code}");
        }
    }

    #[test]
    fn failover_hosts_must_share_the_base_path() {
        let root = folder_url("http://m1:8080/marathon").unwrap();
        let set = HostSet::new(&root, &config(&["http://m2:8080/marathon/", "https://m3"]));
        let err = set.unwrap_err().to_string();
        assert!(err.contains("https://m3/"), "{err}");
        assert!(err.contains("/marathon/"), "{err}");
        let set = HostSet::new(&root, &config(&["https://m2:8443/marathon"])).unwrap();
        assert_eq!(
            set.origins().iter().map(Url::as_str).collect::<Vec<_>>(),
            ["http://m1:8080/", "https://m2:8443/"]
        );
        assert!(HostSet::new(&root, &config(&["http://M1:8080/marathon"])).is_err());
        assert!(HostSet::new(&root, &config(&["m2:8080"])).is_err());
    }

    #[test]
    fn bad_probe_settings_are_config_errors() {
        let root = url("http://m1/");
        let mut c = config(&["http://m2/"]);
        c.probe = Some((vec!["ping".into()], "bad\nvalue".into()));
        assert!(HostSet::new(&root, &c).is_err());
        let mut c = config(&["http://m2/"]);
        c.leader_header = Some("not a header".into());
        assert!(HostSet::new(&root, &c).is_err());
        let mut c = config(&["http://m2/"]);
        c.probe_interval = Duration::ZERO;
        assert!(HostSet::new(&root, &c).is_err());
    }

    #[test]
    fn a_request_goes_to_the_current_host_then_the_next_one_up() {
        let now = Instant::now();
        let mut state = State {
            current: 1,
            down_since: vec![None; 3],
            prober: false,
        };
        let mut round = Round::new(3);
        assert_eq!(state.pick(&round, now, None), 1);
        round.tried(1);
        assert_eq!(state.next_up(&round, now, None), Some(2));
        round.tried(2);
        assert_eq!(state.next_up(&round, now, None), Some(0));
        round.tried(0);
        assert_eq!(state.next_up(&round, now, None), None);

        state.down_since[1] = Some(now);
        round.clear();
        assert_eq!(state.pick(&round, now, None), 2, "a down host is skipped");
    }

    #[test]
    fn when_every_host_is_down_the_one_down_longest_is_used() {
        let now = Instant::now();
        let state = State {
            current: 0,
            down_since: vec![Some(now), Some(now - Duration::from_secs(3)), Some(now)],
            prober: false,
        };
        let mut round = Round::new(3);
        assert_eq!(state.next_up(&round, now, None), None);
        assert_eq!(state.pick(&round, now, None), 1);
        round.tried(1);
        assert_eq!(state.pick(&round, now, None), 0);
        round.tried(0);
        round.tried(2);
        assert_eq!(state.pick(&round, now, None), 0, "the current host");
    }

    #[test]
    fn without_a_probe_a_down_mark_expires() {
        let now = Instant::now();
        let state = State {
            current: 0,
            down_since: vec![Some(now - Duration::from_secs(6)), Some(now)],
            prober: false,
        };
        let five = Some(Duration::from_secs(5));
        assert!(!state.is_down(0, now, five));
        assert!(state.is_down(1, now, five));
        assert!(state.is_down(0, now, None));
    }

    #[test]
    fn the_leader_header_names_a_configured_host() {
        let origins = [
            url("http://10.0.0.1:8080/"),
            url("http://10.0.0.2:8080/"),
            url("https://10.0.0.2:8443/"),
            url("http://m3.example.com/"),
        ];
        assert_eq!(leader_index("http://10.0.0.2:8080", &origins), Some(1));
        assert_eq!(leader_index(" http://10.0.0.2:8080/ ", &origins), Some(1));
        assert_eq!(leader_index("10.0.0.2:8080", &origins), Some(1));
        assert_eq!(leader_index("10.0.0.2:8443", &origins), Some(2));
        assert_eq!(leader_index("10.0.0.1", &origins), Some(0));
        assert_eq!(leader_index("M3.example.com:80", &origins), Some(3));
        assert_eq!(leader_index("10.0.0.2", &origins), None, "ambiguous");
        assert_eq!(leader_index("https://10.0.0.2:8080", &origins), None);
        assert_eq!(leader_index("10.0.0.9:8080", &origins), None);
        assert_eq!(leader_index("", &origins), None);
        assert_eq!(leader_index("not a host/", &origins), None);
    }

    #[test]
    fn following_the_leader_changes_the_current_host_only() {
        let root = url("http://10.0.0.1:8080/");
        let mut c = config(&["http://10.0.0.2:8080"]);
        c.leader_header = Some("X-Marathon-Leader".into());
        let set = HostSet::new(&root, &c).unwrap();
        let mut headers = HeaderMap::new();
        headers.insert(
            "x-marathon-leader",
            HeaderValue::from_static("http://10.0.0.9:8080"),
        );
        assert_eq!(set.follow_leader(&headers), None);
        headers.insert(
            "x-marathon-leader",
            HeaderValue::from_static("http://10.0.0.2:8080"),
        );
        assert_eq!(set.follow_leader(&headers), Some(1));
        assert_eq!(set.follow_leader(&headers), None, "already current");
        assert_eq!(set.origins().len(), 2);
        let current: Vec<bool> = set.status().iter().map(|h| h.current).collect();
        assert_eq!(current, [false, true]);
    }

    #[test]
    fn one_prober_at_a_time_and_only_with_a_probe() {
        let root = url("http://m1/");
        let set = HostSet::new(&root, &config(&["http://m2/"])).unwrap();
        assert!(!set.mark_down(0), "no probe, no prober");
        let mut c = config(&["http://m2/"]);
        c.probe = Some((vec!["ping".into()], "*/*".into()));
        let set = HostSet::new(&root, &c).unwrap();
        assert!(set.mark_down(0));
        assert!(!set.mark_down(1), "one prober is enough");
        assert_eq!(set.down_or_stop_probing(), [0, 1]);
        assert!(set.mark_up(0));
        assert!(!set.mark_up(0));
        assert!(set.mark_up(1));
        assert!(set.down_or_stop_probing().is_empty());
        assert!(set.mark_down(1), "the prober stopped, so a new one starts");
    }

    #[test]
    fn with_origin_keeps_the_base_path() {
        let base = url("http://m1:5050/prefix/");
        let leader = url("http://m2:5051/master/state?x");
        assert_eq!(
            with_origin(&base, &leader).as_str(),
            "http://m2:5051/prefix/"
        );
        assert!(same_origin(&url("https://a/x"), &url("https://a:443/y")));
        assert!(!same_origin(&url("https://a/x"), &url("http://a/x")));
    }
}
