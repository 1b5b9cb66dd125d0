//! [`JenkinsClient`]: the entry point, and what every handle shares: the
//! core with its cookie store, the crumb cache and the server version.

use std::sync::{Arc, Mutex, PoisonError};

use dcos_auth::http::{StatusCode, Url};
use dcos_auth::{ClusterBuilder, Credentials, ErrorBody, HttpCore, Request, Response, Secret};
use serde::de::DeserializeOwned;

use crate::crumb::{Crumb, CrumbPolicy, Crumbs};
use crate::error::{Error, Result, is_crumb_rejection};
use crate::path::{Rebased, rebase};

/// The header Jenkins puts its version in, on every response.
pub const VERSION_HEADER: &str = "X-Jenkins";

/// How to log in to a Jenkins reached directly (not through Admin Router).
///
/// Secrets print as `***` in `Debug` output.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum JenkinsAuth {
    /// No credentials.
    Anonymous,
    /// A user and an API token (from the user's *Configure* page). API-token
    /// requests are exempt from CSRF, so no crumb is fetched. Preferred.
    ApiToken {
        /// The user id.
        user: String,
        /// The API token.
        token: Secret,
    },
    /// A user and a password. Jenkins then wants a CSRF crumb with every
    /// POST, paired with the session cookie of the request that fetched it.
    Password {
        /// The user id.
        user: String,
        /// The password.
        password: Secret,
    },
}

impl JenkinsAuth {
    /// A user and an API token.
    pub fn api_token(user: impl Into<String>, token: impl Into<Secret>) -> Self {
        JenkinsAuth::ApiToken {
            user: user.into(),
            token: token.into(),
        }
    }

    /// A user and a password.
    pub fn password(user: impl Into<String>, password: impl Into<Secret>) -> Self {
        JenkinsAuth::Password {
            user: user.into(),
            password: password.into(),
        }
    }

    /// The HTTP credentials: Basic auth with the token or the password.
    fn credentials(&self) -> Credentials {
        match self {
            JenkinsAuth::Anonymous => Credentials::None,
            JenkinsAuth::ApiToken { user, token } => Credentials::basic(user, token.expose()),
            JenkinsAuth::Password { user, password } => Credentials::basic(user, password.expose()),
        }
    }

    /// Whether crumbs are needed: not with an API token.
    fn crumb_policy(&self) -> CrumbPolicy {
        match self {
            JenkinsAuth::ApiToken { .. } => CrumbPolicy::Skip,
            _ => CrumbPolicy::Fetch,
        }
    }
}

/// A Jenkins client on a shared [`HttpCore`].
///
/// Cloning is cheap; clones share the connection pool, the cookie store (the
/// Jenkins session) and the crumb.
#[derive(Clone)]
pub struct JenkinsClient {
    core: HttpCore,
    shared: Arc<Shared>,
}

/// What clones share.
#[derive(Debug)]
struct Shared {
    crumbs: Crumbs,
    version: Mutex<Option<String>>,
}

impl std::fmt::Debug for JenkinsClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JenkinsClient")
            .field("core", &self.core)
            .field("crumbs", &self.shared.crumbs.policy)
            .field("version", &self.version())
            .finish()
    }
}

impl JenkinsClient {
    /// A client for Jenkins behind Admin Router, on
    /// `cluster.service("jenkins")` (or `"dev/jenkins"`…): requests carry the
    /// cluster's DC/OS token, and Admin Router passes them to Jenkins under
    /// the `/service/jenkins` prefix, which is kept on every path. Jenkins'
    /// own Basic auth cannot pass Admin Router (it reads `Authorization` as
    /// the DC/OS token); use [`direct`](Self::direct) for that.
    ///
    /// The client gives `core` a cookie store of its own (see
    /// [`HttpCore::with_cookie_store`]) and fetches crumbs
    /// ([`CrumbPolicy::Fetch`]).
    pub fn new(core: HttpCore) -> Self {
        Self::with_policy(core, CrumbPolicy::Fetch)
    }

    /// A client for a Jenkins reached directly at `url` (such as
    /// `https://jenkins.example.com/` or a marathon-lb vhost), with Jenkins'
    /// own credentials. The path of `url` is kept as a prefix.
    pub fn direct(url: &str, auth: JenkinsAuth) -> Result<Self> {
        Self::direct_from(dcos_auth::Cluster::builder(url), auth)
    }

    /// Like [`direct`](Self::direct), from a builder that holds the URL and
    /// other settings (CA, time-outs, retries); its credentials are replaced
    /// by `auth`'s.
    pub fn direct_from(builder: ClusterBuilder, auth: JenkinsAuth) -> Result<Self> {
        let core = builder.auth(auth.credentials()).build()?.root();
        Ok(Self::with_policy(core, auth.crumb_policy()))
    }

    /// A client on `core` with an explicit crumb policy, such as
    /// [`CrumbPolicy::Skip`] for a core that already carries an API token.
    pub fn with_policy(core: HttpCore, policy: CrumbPolicy) -> Self {
        JenkinsClient {
            core: core.with_cookie_store(),
            shared: Arc::new(Shared {
                crumbs: Crumbs::new(policy),
                version: Mutex::new(None),
            }),
        }
    }

    /// The core, for endpoints this crate does not model yet:
    /// `client.core().get_json::<serde_json::Value>(["manage", "api", "json"])`.
    /// POSTs sent through it carry no crumb.
    pub fn core(&self) -> &HttpCore {
        &self.core
    }

    /// The base URL, such as `https://dcos.example.com/service/jenkins/`.
    pub fn base(&self) -> &Url {
        self.core.base()
    }

    /// The crumb policy.
    pub fn crumb_policy(&self) -> CrumbPolicy {
        self.shared.crumbs.policy
    }

    /// The Jenkins version from the `X-Jenkins` header of the last response
    /// that had one, if any was seen yet. See
    /// [`fetch_version`](Self::fetch_version).
    pub fn version(&self) -> Option<String> {
        lock(&self.shared.version).clone()
    }

    /// Asks the server for its version: the `X-Jenkins` header of
    /// `GET /api/json?tree=mode`. Jenkins sends the header even on a 403, so
    /// a user who may not read the root still learns the version.
    pub async fn fetch_version(&self) -> Result<String> {
        let response = self
            .send(
                Request::get(["api", "json"])
                    .query("tree", "mode")
                    .accept("application/json"),
            )
            .await?;
        match response.header(VERSION_HEADER) {
            Some(version) => Ok(version.trim().to_owned()),
            None => match response.error_for_status() {
                Err(err) => Err(Error::from_http(err)),
                Ok(_) => Err(Error::Protocol(format!(
                    "the server sent no {VERSION_HEADER} header: is it Jenkins?"
                ))),
            },
        }
    }

    /// Moves a URL from a payload onto this client's base URL: see
    /// [`rebase`](crate::path::rebase). Never follow payload URLs as given:
    /// they come from Jenkins' configured root URL, which on DC/OS is
    /// cluster-internal.
    pub fn rebase(&self, payload_url: &str) -> Result<Rebased> {
        rebase(self.base(), payload_url)
    }

    /// Sends `request` and returns the response whatever its status,
    /// remembering the server version.
    pub(crate) async fn send(&self, request: Request) -> Result<Response> {
        let response = self.core.send(request).await?;
        if let Some(version) = response.header(VERSION_HEADER) {
            let version = version.trim();
            let mut slot = lock(&self.shared.version);
            if slot.as_deref() != Some(version) {
                *slot = Some(version.to_owned());
            }
        }
        Ok(response)
    }

    /// Sends `request`; a status outside 2xx becomes a named [`Error`].
    pub(crate) async fn execute(&self, request: Request) -> Result<Response> {
        self.send(request)
            .await?
            .error_for_status()
            .map_err(Error::from_http)
    }

    /// Sends `request` and decodes the 2xx JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        Ok(self
            .execute(request.accept("application/json"))
            .await?
            .json()?)
    }

    /// Sends a POST with the crumb, and accepts 2xx and 3xx: Jenkins answers
    /// most form posts (`doDelete`, `disable`, `doRename`…) with a redirect
    /// to the page it would show, which the client does not follow. Any
    /// other status becomes a named [`Error`].
    pub(crate) async fn post(&self, request: Request) -> Result<Response> {
        let response = self.post_raw(request).await?;
        if response.status.is_success() || response.status.is_redirection() {
            Ok(response)
        } else {
            Err(Error::from_http(api_error(response)))
        }
    }

    /// Sends a POST with the crumb and returns the response whatever its
    /// status, for calls that read statuses themselves (a build trigger's
    /// 201, 302 or 409).
    ///
    /// Every POST of the crate goes through here. The crumb is fetched once
    /// per session (not under [`CrumbPolicy::Skip`]); on a 403 "No valid
    /// crumb" the session cookie and the crumb are dropped, fetched again,
    /// and the request is sent once more. A second rejection is
    /// [`Error::CrumbRejected`]. Resending is safe: Jenkins checks the crumb
    /// before it acts.
    pub(crate) async fn post_raw(&self, request: Request) -> Result<Response> {
        let mut retried = false;
        loop {
            let (generation, crumb) = self.shared.crumbs.current(|| self.fetch_crumb()).await?;
            let mut attempt = request.clone();
            if let Some(crumb) = &crumb {
                attempt = attempt.header(crumb.field.clone(), crumb.header_value()?);
            }
            let response = self.send(attempt).await?;
            let rejected = response.status == StatusCode::FORBIDDEN
                && is_crumb_rejection(Some(&ErrorBody::from_bytes(&response.body)));
            if !rejected {
                return Ok(response);
            }
            if retried {
                return Err(Error::CrumbRejected {
                    source: Box::new(api_error(response)),
                });
            }
            tracing::debug!(url = %response.url, "no valid crumb: starting a new session and retrying once");
            if self.shared.crumbs.invalidate(generation).await {
                self.core.clear_cookies();
            }
            retried = true;
        }
    }

    /// `GET /crumbIssuer/api/json`: the crumb, or `None` on a 404 (CSRF
    /// protection is off). The response's session cookie lands in the core's
    /// cookie store, which is what pairs it with the crumb.
    async fn fetch_crumb(&self) -> Result<Option<Crumb>> {
        match self
            .json(Request::get(["crumbIssuer", "api", "json"]))
            .await
        {
            Err(err) if err.is_not_found() => {
                tracing::debug!("the crumb issuer answered 404: CSRF protection is off");
                Ok(None)
            }
            result => result.map(Some),
        }
    }
}

/// The [`dcos_auth::Error::Api`] of a response outside 2xx.
pub(crate) fn api_error(response: Response) -> dcos_auth::Error {
    match response.error_for_status() {
        Err(err) => err,
        Ok(response) => dcos_auth::Error::Api {
            method: response.method,
            url: Box::new(response.url),
            status: response.status,
            body: ErrorBody::from_bytes(&response.body),
        },
    }
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}
