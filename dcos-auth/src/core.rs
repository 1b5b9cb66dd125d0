//! [`HttpCore`]: the one place that sends requests, for every client.
//!
//! It attaches credentials (only for allowed hosts), follows redirects by hand,
//! retries by [`RetryPolicy::decide`], refreshes the token once on a 401 and
//! replays the request, and maps failures to [`Error`]. When the cluster has
//! several hosts, it picks the host for each attempt and moves on to the next
//! one when [`rotate`] says so.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, SystemTime};

use bytes::{Bytes, BytesMut};
use reqwest::header::{
    AUTHORIZATION, COOKIE, HeaderMap, LOCATION, PROXY_AUTHORIZATION, RETRY_AFTER, WWW_AUTHENTICATE,
};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use tokio::time::Instant;
use url::Url;

use crate::auth::Authenticator;
use crate::cookies::CookieJar;
use crate::decode::decode_json;
use crate::error::{AuthError, Error, ErrorBody, MAX_ERROR_BODY};
use crate::hosts::{HostSet, HostStatus, Round, host_failed, rotate, same_origin, with_origin};
use crate::redirect::{AllowedHosts, Hop, next_hop};
use crate::request::{Request, sub_folder};
use crate::retry::{Decision, Outcome, RetryPolicy, parse_retry_after};
use crate::stream::ByteStream;

/// What one cluster's cores share: the connection pool, the credentials and
/// token cache, and the policies.
#[derive(Debug)]
pub(crate) struct Shared {
    pub(crate) http: reqwest::Client,
    pub(crate) root: Url,
    pub(crate) auth: Authenticator,
    pub(crate) allowed: AllowedHosts,
    pub(crate) hosts: HostSet,
    pub(crate) retry: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) max_redirects: usize,
}

/// Where a core remembers the leader a redirect led it to.
type LeaderSlot = Arc<Mutex<Option<Url>>>;

/// A client's handle on the cluster, scoped to one base URL such as
/// `https://dcos.example.com/service/marathon/`.
///
/// Cloning is cheap. All cores made from one [`Cluster`](crate::Cluster) share one
/// connection pool and one token cache.
#[derive(Clone)]
pub struct HttpCore {
    shared: Arc<Shared>,
    base: Url,
    leader: Option<LeaderSlot>,
    cookies: Option<Arc<CookieJar>>,
}

impl std::fmt::Debug for HttpCore {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpCore")
            .field("base", &self.base.as_str())
            .field("credentials", self.shared.auth.credentials())
            .field("leader", &self.leader())
            .field("cookies", &self.cookies)
            .finish()
    }
}

/// A complete response. Its `Debug` shows the body's size, not the body,
/// which may hold a token (a login answer).
#[derive(Clone)]
#[non_exhaustive]
pub struct Response {
    /// The request method.
    pub method: Method,
    /// The URL that answered, after redirects.
    pub url: Url,
    /// The status.
    pub status: StatusCode,
    /// The headers.
    pub headers: HeaderMap,
    /// The body. For a status outside 2xx only the first
    /// [`MAX_ERROR_BODY`] + 1 bytes are read.
    pub body: Bytes,
}

impl std::fmt::Debug for Response {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Response")
            .field("method", &self.method)
            .field("url", &self.url.as_str())
            .field("status", &self.status)
            .field("body_bytes", &self.body.len())
            .finish_non_exhaustive()
    }
}

impl Response {
    /// Decodes the body as JSON, naming the failing field on error.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, Error> {
        decode_json(&self.body, || {
            format!(
                "{} {} as {}",
                self.method,
                self.url,
                std::any::type_name::<T>()
            )
        })
    }

    /// A header as text, if present and valid.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name)?.to_str().ok()
    }

    /// Turns a status outside 2xx into [`Error::Api`].
    pub fn error_for_status(self) -> Result<Response, Error> {
        if self.status.is_success() {
            Ok(self)
        } else {
            Err(Error::Api {
                body: ErrorBody::from_bytes(&self.body),
                method: self.method,
                url: Box::new(self.url),
                status: self.status,
            })
        }
    }
}

impl HttpCore {
    pub(crate) fn new(shared: Arc<Shared>, base: Url) -> Self {
        HttpCore {
            shared,
            base,
            leader: None,
            cookies: None,
        }
    }

    /// A core for a service that is not behind DC/OS, such as plain Marathon on
    /// `:8080` or Jenkins with an API token. Credentials go only to `url`'s host.
    pub fn direct(url: &str, credentials: impl Into<crate::Credentials>) -> Result<Self, Error> {
        Ok(crate::Cluster::builder(url)
            .auth(credentials)
            .build()?
            .root())
    }

    /// The base URL; it always ends in `/`.
    pub fn base(&self) -> &Url {
        &self.base
    }

    /// A core scoped to `segments` below this one's base, sharing everything else.
    pub fn scoped<'a>(&self, segments: impl IntoIterator<Item = &'a str>) -> HttpCore {
        let segments: Vec<&str> = segments.into_iter().collect();
        HttpCore {
            shared: self.shared.clone(),
            base: sub_folder(&self.base, &segments),
            leader: self.leader.clone(),
            cookies: self.cookies.clone(),
        }
    }

    /// Opts in to remembering the leader: after a redirect to another host (a
    /// Mesos master or Marathon standby pointing at the leader), later calls on
    /// this core and its clones go straight to that host, keeping the base path.
    /// A connection failure there forgets it again.
    #[must_use]
    pub fn remember_leader(mut self) -> Self {
        self.leader.get_or_insert_with(LeaderSlot::default);
        self
    }

    /// Opts in to a cookie store: this core, its clones and the cores
    /// [scoped](Self::scoped) from it keep the cookies the cluster's own hosts
    /// set and send them back, such as the `JSESSIONID.<hash>` session that
    /// Jenkins pairs with its CSRF crumb. Each call starts a new, empty store,
    /// so cookies never leak from one service to another.
    ///
    /// Cookies are kept only from hosts that may receive credentials (the
    /// cluster's, [failover](crate::ClusterBuilder::failover_host) and
    /// [allowed](crate::ClusterBuilder::allow_host) hosts), and each one goes
    /// back only to the host and port that set it, on its path; a `Secure`
    /// one only over HTTPS. `Max-Age` and `Expires` are honoured. Values never
    /// show in `Debug` output or logs.
    #[must_use]
    pub fn with_cookie_store(mut self) -> Self {
        self.cookies = Some(Arc::default());
        self
    }

    /// Whether this core keeps cookies ([`with_cookie_store`](Self::with_cookie_store)).
    pub fn has_cookie_store(&self) -> bool {
        self.cookies.is_some()
    }

    /// Forgets every cookie of this core's store, so that the next request
    /// starts a new session. Does nothing without a store.
    pub fn clear_cookies(&self) {
        if let Some(jar) = &self.cookies {
            jar.clear();
        }
    }

    /// The names of the cookies this core holds (never their values).
    pub fn cookie_names(&self) -> Vec<String> {
        self.cookies
            .as_ref()
            .map(|jar| jar.names())
            .unwrap_or_default()
    }

    /// The leader this core remembers, if any.
    pub fn leader(&self) -> Option<Url> {
        self.leader.as_ref().and_then(|slot| lock(slot).clone())
    }

    /// The cluster's hosts: each host's origin, whether it is marked down, and
    /// which one requests go to first. A cluster without
    /// [failover hosts](crate::ClusterBuilder::failover_host) has one.
    pub fn hosts(&self) -> Vec<HostStatus> {
        self.shared.hosts.status()
    }

    /// The URL `request` would be sent to now.
    pub fn url(&self, request: &Request) -> Result<Url, Error> {
        let round = Round::new(self.shared.hosts.origins().len());
        let target = self
            .shared
            .target_base(&self.base, self.leader.as_ref(), || {
                self.shared.hosts.pick(&round)
            });
        request.url(&target)
    }

    /// Sends `request` and returns the response whatever its status, after
    /// redirects, retries and any token refresh.
    pub async fn send(&self, request: Request) -> Result<Response, Error> {
        match self.run(&request, Mode::Full).await? {
            Answer::Full(response) => Ok(response),
            Answer::Stream(..) => Err(Error::config("internal: a full read returned a stream")),
        }
    }

    /// Sends `request` and returns the response if its status is 2xx, or else
    /// [`Error::Api`] with the status and body.
    pub async fn execute(&self, request: Request) -> Result<Response, Error> {
        self.send(request).await?.error_for_status()
    }

    /// Sends `request` and decodes a 2xx JSON response.
    pub async fn json<T: DeserializeOwned>(&self, request: Request) -> Result<T, Error> {
        self.execute(request).await?.json()
    }

    /// GETs `segments` and decodes the JSON response: the escape hatch for
    /// endpoints the typed clients do not model yet.
    pub async fn get_json<T, I, S>(&self, segments: I) -> Result<T, Error>
    where
        T: DeserializeOwned,
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.json(Request::get(segments).accept("application/json"))
            .await
    }

    /// Sends `request` and returns its body as a stream of chunks, once the status
    /// is known to be 2xx. A stream has no total time-out, only an idle time-out:
    /// it fails with [`Error::Timeout`] when no bytes arrive for that long.
    pub async fn stream(&self, request: Request) -> Result<ByteStream, Error> {
        match self.run(&request, Mode::Stream).await? {
            Answer::Stream(response, url) => Ok(ByteStream::new(
                response,
                request.method.clone(),
                url,
                self.shared.idle_timeout,
            )),
            Answer::Full(response) => Err(response
                .error_for_status()
                .err()
                .unwrap_or_else(|| Error::config("internal: a stream returned a full body"))),
        }
    }

    async fn run(&self, request: &Request, mode: Mode) -> Result<Answer, Error> {
        self.shared
            .run(
                &self.base,
                self.leader.as_ref(),
                self.cookies.as_deref(),
                request,
                mode,
                true,
            )
            .await
    }
}

impl Shared {
    /// Sends `request` to the absolute `url` without credentials, with retries
    /// and redirects: used for logging in.
    pub(crate) fn send_unauthenticated<'a>(
        self: &'a Arc<Self>,
        url: &'a Url,
        request: &'a Request,
    ) -> Pin<Box<dyn Future<Output = Result<Response, Error>> + Send + 'a>> {
        // Boxed: logging in happens inside a send, so the futures would nest.
        Box::pin(async move {
            match self
                .run(url, None, None, request, Mode::Full, false)
                .await?
            {
                Answer::Full(response) => Ok(response),
                Answer::Stream(..) => Err(Error::config("internal: a full read returned a stream")),
            }
        })
    }

    /// Sends `request` under `base` until it succeeds or the retry policy stops:
    /// redirects, the one token refresh on a 401, failover, retries and leader
    /// memory.
    ///
    /// With several hosts, attempts go round them: when [`rotate`] says so the
    /// next host that is up is tried at once, and only once every host has been
    /// tried does the retry policy decide, with its backoff, about the next
    /// round.
    async fn run(
        self: &Arc<Self>,
        base: &Url,
        leader: Option<&LeaderSlot>,
        cookies: Option<&CookieJar>,
        request: &Request,
        mode: Mode,
        with_auth: bool,
    ) -> Result<Answer, Error> {
        let idempotent = request.is_idempotent();
        let failover = self.hosts.serves(base);
        let mut round = Round::new(self.hosts.origins().len());
        let mut next_host = None;
        let mut attempt = 0;
        let mut replayed_401 = false;
        loop {
            attempt += 1;
            let chosen = next_host.take();
            let target = self.target_base(base, leader, || {
                chosen.unwrap_or_else(|| self.hosts.pick(&round))
            });
            let url = request.url(&target)?;
            let host = if failover {
                self.hosts.index_of(&url)
            } else {
                None
            };
            let result = match self.attempt(&url, request, cookies, mode, with_auth).await {
                // The login has its own retries; its failure ends this request.
                Err(AttemptError::Login(err)) => return Err(err),
                Err(AttemptError::Send(err)) => Err(err),
                Ok(sent) => {
                    if failover {
                        self.follow_leader_header(&sent);
                    }
                    let status = sent.response.status();
                    if status == StatusCode::UNAUTHORIZED {
                        match sent.auth_sent {
                            Some(Some(generation))
                                if !replayed_401 && is_dcos_challenge(sent.response.headers()) =>
                            {
                                tracing::debug!(url = %sent.url, "401: refreshing the token and replaying");
                                self.auth.invalidate(generation);
                                replayed_401 = true;
                                attempt -= 1;
                                continue;
                            }
                            Some(_) => return Err(self.unauthorized(request, sent).await),
                            None => {}
                        }
                    }
                    let usable = status != StatusCode::UNAUTHORIZED
                        && !status.is_server_error()
                        && (sent.auth_sent.is_some() || !self.auth.credentials().sends_auth());
                    if usable {
                        remember_leader(leader, &url, &sent.url);
                    }
                    self.finish(request, sent, mode).await
                }
            };
            let outcome = match &result {
                Ok(answer) => answer.outcome(),
                Err(Error::Transport { connect: true, .. }) => {
                    forget_leader(leader);
                    Outcome::ConnectFailed
                }
                Err(Error::Transport { .. } | Error::Timeout { .. }) => Outcome::Interrupted,
                Err(_) => return result,
            };
            if let Some(i) = host {
                // After a redirect, the host that answered or failed may be
                // another one; a host that is not configured is not tracked.
                if let Some(j) = answered_by(&result).and_then(|url| self.hosts.index_of(url)) {
                    self.record(j, &outcome);
                }
                round.tried(i);
                if rotate(idempotent, &outcome) {
                    if let Some(next) = self.hosts.next_up(&round) {
                        tracing::info!(
                            method = %request.method,
                            from = %self.hosts.name(i),
                            to = %self.hosts.name(next),
                            ?outcome,
                            "failing over to the next host"
                        );
                        forget_leader(leader);
                        next_host = Some(next);
                        // Moving on within a round uses up no retry attempt.
                        attempt -= 1;
                        continue;
                    }
                }
                round.clear();
            }
            match self.retry.decide(attempt, idempotent, &outcome) {
                Decision::Stop => return result,
                Decision::Retry(delay) => {
                    let wait = delay.with_jitter(fastrand::f64());
                    tracing::debug!(method = %request.method, %url, attempt, ?outcome, ?wait, "retrying");
                    drop(result);
                    tokio::time::sleep(wait).await;
                }
            }
        }
    }

    /// The base to send to: the remembered leader's origin if there is one;
    /// else, when `base` fails over, the origin of the host `pick` chooses;
    /// else `base` itself.
    fn target_base(
        &self,
        base: &Url,
        leader: Option<&LeaderSlot>,
        pick: impl FnOnce() -> usize,
    ) -> Url {
        if let Some(leader) = leader.and_then(|slot| lock(slot).clone()) {
            with_origin(base, &leader)
        } else if self.hosts.serves(base) {
            with_origin(base, self.hosts.origin(pick()))
        } else {
            base.clone()
        }
    }

    /// Records how host `i` did: marked down (starting the prober if needed)
    /// when it failed, up when it answered.
    fn record(self: &Arc<Self>, i: usize, outcome: &Outcome) {
        if host_failed(outcome) {
            tracing::debug!(host = %self.hosts.name(i), ?outcome, "marking the host down");
            if self.hosts.mark_down(i) {
                crate::probe::start(self);
            }
        } else if self.hosts.mark_up(i) {
            tracing::info!(host = %self.hosts.name(i), "the host answered again: marking it up");
        }
    }

    /// Sends later requests to the host a response's leader header names, if
    /// the response came from a configured host and names another one.
    fn follow_leader_header(&self, sent: &Sent) {
        if self.hosts.index_of(&sent.url).is_none() {
            return;
        }
        if let Some(leader) = self.hosts.follow_leader(sent.response.headers()) {
            tracing::info!(leader = %self.hosts.name(leader), "the leader header names another host: sending there first");
        }
    }

    /// One attempt: sends the request and follows redirects by hand, attaching
    /// credentials and sensitive headers only for allowed hosts. A unary attempt,
    /// redirects included, shares one deadline.
    async fn attempt(
        self: &Arc<Self>,
        first: &Url,
        request: &Request,
        cookies: Option<&CookieJar>,
        mode: Mode,
        with_auth: bool,
    ) -> Result<Sent, AttemptError> {
        let deadline = Instant::now() + self.timeout;
        let mut url = first.clone();
        let mut method = request.method.clone();
        for hop in 0..=self.max_redirects {
            let permitted = self.allowed.permits(&url);
            if hop > 0 && !permitted && request.credential_body {
                return Err(AttemptError::Send(Error::RedirectNotAllowed {
                    location: url.to_string(),
                    reason: "the request body holds credentials and the host may not receive them",
                }));
            }
            let header = if with_auth && permitted {
                self.auth.header(self).await.map_err(AttemptError::Login)?
            } else {
                None
            };
            let mut headers = if permitted {
                request.headers.clone()
            } else {
                without_sensitive_headers(&request.headers)
            };
            let jar = cookies.filter(|_| permitted);
            if let Some(cookie) = jar.and_then(|jar| jar.header_for(&url, SystemTime::now())) {
                add_cookie(&mut headers, cookie);
            }
            let mut builder = self
                .http
                .request(method.clone(), url.clone())
                .headers(headers);
            let auth_sent = match header {
                Some(h) => {
                    builder = builder.header(AUTHORIZATION, h.value);
                    Some(h.generation)
                }
                None => None,
            };
            if let Some(body) = &request.body {
                builder = builder.body(body.clone());
            }
            let timed_out = || Error::Timeout {
                method: method.clone(),
                url: Box::new(url.clone()),
                after: match mode {
                    Mode::Full => self.timeout,
                    Mode::Stream => self.idle_timeout,
                },
            };
            let response = match mode {
                Mode::Full => {
                    let left = deadline.saturating_duration_since(Instant::now());
                    if left.is_zero() {
                        return Err(AttemptError::Send(timed_out()));
                    }
                    builder.timeout(left).send().await
                }
                Mode::Stream => tokio::time::timeout(self.idle_timeout, builder.send())
                    .await
                    .map_err(|_| AttemptError::Send(timed_out()))?,
            }
            .map_err(|e| AttemptError::Send(self.map_reqwest(&method, &url, e)))?;
            if let Some(jar) = jar {
                jar.store(&url, response.headers(), SystemTime::now());
            }
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok());
            let hop = if request.follow_redirects {
                next_hop(&url, &method, response.status(), location).map_err(AttemptError::Send)?
            } else {
                Hop::Stay
            };
            match hop {
                Hop::Stay => {
                    return Ok(Sent {
                        response,
                        url,
                        method,
                        auth_sent,
                    });
                }
                Hop::Follow {
                    url: next,
                    method: m,
                } => {
                    tracing::debug!(from = %url, to = %next, status = %response.status(), "following redirect");
                    url = next;
                    method = m;
                }
            }
        }
        Err(AttemptError::Send(Error::TooManyRedirects {
            method: request.method.clone(),
            url: Box::new(first.clone()),
            max: self.max_redirects,
        }))
    }

    /// Reads what the mode needs of an answered request.
    async fn finish(&self, request: &Request, sent: Sent, mode: Mode) -> Result<Answer, Error> {
        let status = sent.response.status();
        if mode == Mode::Stream && status.is_success() {
            return Ok(Answer::Stream(sent.response, sent.url));
        }
        let headers = sent.response.headers().clone();
        let body = if status.is_success() {
            sent.response.bytes().await
        } else {
            read_capped(sent.response, self.idle_timeout).await
        }
        .map_err(|e| self.map_reqwest(&request.method, &sent.url, e))?;
        Ok(Answer::Full(Response {
            method: sent.method,
            url: sent.url,
            status,
            headers,
            body,
        }))
    }

    async fn unauthorized(&self, request: &Request, sent: Sent) -> Error {
        let challenge = sent
            .response
            .headers()
            .get(WWW_AUTHENTICATE)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned);
        let status = sent.response.status();
        let body = read_capped(sent.response, self.idle_timeout)
            .await
            .unwrap_or_default();
        AuthError::Unauthorized {
            method: request.method.clone(),
            url: Box::new(sent.url),
            status,
            challenge,
            body: ErrorBody::from_bytes(&body),
        }
        .into()
    }

    fn map_reqwest(&self, method: &Method, url: &Url, err: reqwest::Error) -> Error {
        // A connect time-out is a connect failure: nothing was sent, so even a
        // POST may be resent.
        if !err.is_connect() && err.is_timeout() {
            Error::Timeout {
                method: method.clone(),
                url: Box::new(url.clone()),
                after: self.timeout,
            }
        } else {
            Error::transport(method, url, err.without_url())
        }
    }
}

/// Why an attempt ended without a response.
enum AttemptError {
    /// Getting a token failed; the login already applied its own retries.
    Login(Error),
    /// Sending failed; the retry policy decides.
    Send(Error),
}

/// Whether a 401 is DC/OS's: Admin Router and the IAM challenge with `acsjwt`
/// (Enterprise) or `oauthjwt` (Open), or send no challenge. A 401 with another
/// challenge (`Basic realm="Jenkins"`) is the service's own and no new token
/// would fix it.
fn is_dcos_challenge(headers: &HeaderMap) -> bool {
    let mut challenges = headers
        .get_all(WWW_AUTHENTICATE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .peekable();
    if challenges.peek().is_none() {
        return true;
    }
    challenges.any(|c| {
        let scheme = c.split([' ', ',']).next().unwrap_or_default();
        scheme.eq_ignore_ascii_case("acsjwt") || scheme.eq_ignore_ascii_case("oauthjwt")
    })
}

/// Adds the store's cookies to a request's headers, after any `Cookie` the
/// caller set, as one header line.
fn add_cookie(headers: &mut HeaderMap, stored: reqwest::header::HeaderValue) {
    let merged = match headers.get(COOKIE).and_then(|v| v.to_str().ok()) {
        Some(own) => reqwest::header::HeaderValue::from_str(&format!(
            "{own}; {}",
            stored.to_str().unwrap_or_default()
        ))
        .ok()
        .map(|mut v| {
            v.set_sensitive(true);
            v
        }),
        None => Some(stored),
    };
    if let Some(value) = merged {
        headers.insert(COOKIE, value);
    }
}

/// The headers minus cookies, proxy credentials and anything marked sensitive,
/// for a host that may not receive credentials.
fn without_sensitive_headers(headers: &HeaderMap) -> HeaderMap {
    let mut kept = HeaderMap::with_capacity(headers.len());
    for (name, value) in headers {
        if value.is_sensitive() || *name == COOKIE || *name == PROXY_AUTHORIZATION {
            continue;
        }
        kept.append(name.clone(), value.clone());
    }
    kept
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Full,
    Stream,
}

/// A response whose status is known and whose body is still unread.
struct Sent {
    response: reqwest::Response,
    url: Url,
    method: Method,
    /// `None`: no credentials were sent. `Some(None)`: credentials that cannot be
    /// refreshed. `Some(Some(g))`: the token of generation `g`.
    auth_sent: Option<Option<u64>>,
}

enum Answer {
    Full(Response),
    Stream(reqwest::Response, Url),
}

impl Answer {
    fn outcome(&self) -> Outcome {
        let (status, headers) = match self {
            Answer::Full(r) => (r.status, &r.headers),
            Answer::Stream(r, _) => (r.status(), r.headers()),
        };
        Outcome::Status {
            status,
            retry_after: headers
                .get(RETRY_AFTER)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| parse_retry_after(v, SystemTime::now())),
        }
    }
}

/// The URL that answered, or failed to, in an attempt's result.
fn answered_by(result: &Result<Answer, Error>) -> Option<&Url> {
    match result {
        Ok(Answer::Full(response)) => Some(&response.url),
        Ok(Answer::Stream(_, url)) => Some(url),
        Err(Error::Transport { url, .. } | Error::Timeout { url, .. }) => Some(url),
        Err(_) => None,
    }
}

/// Reads at most [`MAX_ERROR_BODY`] + 1 bytes, so that the error can say it was
/// cut, with an idle limit between chunks.
async fn read_capped(mut response: reqwest::Response, idle: Duration) -> reqwest::Result<Bytes> {
    let mut buf = BytesMut::new();
    while buf.len() <= MAX_ERROR_BODY {
        let Ok(chunk) = tokio::time::timeout(idle, response.chunk()).await else {
            break;
        };
        let Some(chunk) = chunk? else {
            break;
        };
        let room = MAX_ERROR_BODY + 1 - buf.len();
        buf.extend_from_slice(&chunk[..chunk.len().min(room)]);
    }
    Ok(buf.freeze())
}

/// Remembers where a redirect led, if this core follows the leader. Only a
/// redirect to the same path on another host is a leader redirect (Mesos
/// masters, Marathon standbys); one to another path, such as an artifact
/// download sent to a blob store, is not remembered.
fn remember_leader(leader: Option<&LeaderSlot>, requested: &Url, answered: &Url) {
    if let Some(slot) = leader {
        if !same_origin(requested, answered) && requested.path() == answered.path() {
            tracing::info!(leader = %answered.origin().ascii_serialization(), "following the leader");
            *lock(slot) = Some(answered.clone());
        }
    }
}

fn forget_leader(leader: Option<&LeaderSlot>) {
    if let Some(slot) = leader {
        lock(slot).take();
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
