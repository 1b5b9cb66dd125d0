//! [`Cluster`]: one connection to one DC/OS cluster, and its builder.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use url::Url;

use crate::auth::Authenticator;
use crate::core::{HttpCore, Shared};
use crate::credentials::Credentials;
use crate::error::Error;
use crate::hosts::{HostSet, HostStatus, HostsConfig};
use crate::iam::Iam;
use crate::jwt::TokenClaims;
use crate::redirect::{AllowedHosts, HostRule};
use crate::request::{folder_url, sub_folder};
use crate::retry::RetryPolicy;
use crate::secret::Secret;

/// The path of the IAM login endpoint below the cluster URL.
pub const LOGIN_PATH: &str = "acs/api/v1/auth/login";

/// One DC/OS cluster: its URL, credentials, token cache, TLS settings and
/// connection pool, shared by every client made from it.
///
/// ```no_run
/// # async fn run() -> Result<(), dcos_auth::Error> {
/// use dcos_auth::{Cluster, Credentials};
///
/// let cluster = Cluster::builder("https://dcos.example.com")
///     .auth(Credentials::login("alice", "s3cret"))
///     .build()?;
/// let marathon = cluster.service("marathon"); // https://dcos.example.com/service/marathon/
/// let info: serde_json::Value = marathon.get_json(["v2", "info"]).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Cluster {
    shared: Arc<Shared>,
}

impl std::fmt::Debug for Cluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let s = &self.shared;
        f.debug_struct("Cluster")
            .field("url", &s.root.as_str())
            .field("credentials", s.auth.credentials())
            .field("login_url", &s.auth.login_url().as_str())
            .field("allowed_hosts", &s.allowed)
            .field("hosts", &s.hosts)
            .field("retry", &s.retry)
            .field("timeout", &s.timeout)
            .field("connect_timeout", &s.connect_timeout)
            .field("idle_timeout", &s.idle_timeout)
            .field("max_redirects", &s.max_redirects)
            .finish()
    }
}

impl Cluster {
    /// Starts configuring a cluster at `url`, such as `https://dcos.example.com`.
    pub fn builder(url: impl Into<String>) -> ClusterBuilder {
        ClusterBuilder::new(url)
    }

    /// A cluster configured from `DCOS_URL`, `DCOS_ACS_TOKEN`, `DCOS_UID` with
    /// `DCOS_PASSWORD`, `DCOS_SERVICE_ACCOUNT_CREDENTIAL` and `DCOS_SSL_VERIFY`.
    /// See [`ClusterBuilder::from_env`].
    pub fn from_env() -> Result<Self, Error> {
        ClusterBuilder::from_env()?.build()
    }

    /// The cluster the DC/OS CLI is attached to. See
    /// [`ClusterBuilder::from_dcos_cli`].
    pub fn from_dcos_cli() -> Result<Self, Error> {
        ClusterBuilder::from_dcos_cli()?.build()
    }

    /// The cluster URL; it ends in `/`.
    pub fn url(&self) -> &Url {
        &self.shared.root
    }

    /// The credentials in use.
    pub fn credentials(&self) -> &Credentials {
        self.shared.auth.credentials()
    }

    /// The hosts serving the cluster's API: each host's origin, whether it is
    /// marked down, and which one requests go to first. Host 0 is the cluster
    /// URL's; the [failover hosts](ClusterBuilder::failover_host) follow.
    pub fn hosts(&self) -> Vec<HostStatus> {
        self.shared.hosts.status()
    }

    /// A core for a DC/OS service behind Admin Router: `<url>/service/<id>/`.
    /// A nested service id such as `dev/jenkins` gives `/service/dev/jenkins/`.
    pub fn service(&self, id: &str) -> HttpCore {
        let mut segments = vec!["service"];
        segments.extend(id.split('/').filter(|s| !s.is_empty()));
        HttpCore::new(
            self.shared.clone(),
            sub_folder(&self.shared.root, &segments),
        )
    }

    /// A core for a path below the cluster URL, such as `mesos` for
    /// `<url>/mesos/`.
    pub fn path(&self, path: &str) -> HttpCore {
        let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
        HttpCore::new(
            self.shared.clone(),
            sub_folder(&self.shared.root, &segments),
        )
    }

    /// A core for the cluster URL itself.
    pub fn root(&self) -> HttpCore {
        HttpCore::new(self.shared.clone(), self.shared.root.clone())
    }

    /// The DC/OS IAM (`<url>/acs/api/v1/`).
    pub fn iam(&self) -> Iam {
        Iam::new(self.path("acs/api/v1"))
    }

    /// What the current token says (its uid and expiry), logging in first if
    /// there is no valid token yet. `None` for credentials that use no token.
    ///
    /// A static token is only read locally: whether the IAM still accepts it
    /// shows at the next request ([`AuthError::Unauthorized`](crate::AuthError::Unauthorized)),
    /// or before it if its `exp` has passed ([`AuthError::TokenExpired`](crate::AuthError::TokenExpired)).
    pub async fn token_claims(&self) -> Result<Option<TokenClaims>, Error> {
        self.shared.auth.claims(&self.shared).await
    }
}

/// Configures a [`Cluster`].
#[derive(Debug, Clone)]
#[must_use]
pub struct ClusterBuilder {
    pub(crate) url: String,
    pub(crate) credentials: Credentials,
    pub(crate) seed_token: Option<Secret>,
    pub(crate) ca_pems: Vec<Vec<u8>>,
    pub(crate) ca_files: Vec<PathBuf>,
    pub(crate) accept_invalid_certs: bool,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    pub(crate) idle_timeout: Duration,
    pub(crate) retry: RetryPolicy,
    pub(crate) user_agent: String,
    pub(crate) allowed_hosts: Vec<String>,
    pub(crate) max_redirects: usize,
    pub(crate) hosts: HostsConfig,
}

impl ClusterBuilder {
    /// The default total time-out of a unary call.
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(60);
    /// The default time-out for opening a connection.
    pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
    /// The default idle time-out of a stream.
    pub const DEFAULT_IDLE_TIMEOUT: Duration = Duration::from_secs(90);
    /// The longest time-out accepted; longer ones (such as `Duration::MAX`, to
    /// mean "no limit") are cut to this.
    pub const MAX_TIMEOUT: Duration = Duration::from_secs(365 * 24 * 3600);
    /// The default number of redirects followed.
    pub const DEFAULT_MAX_REDIRECTS: usize = 5;
    /// The default time between two health probes of a down host.
    pub const DEFAULT_PROBE_INTERVAL: Duration = Duration::from_secs(5);

    fn new(url: impl Into<String>) -> Self {
        ClusterBuilder {
            url: url.into(),
            credentials: Credentials::None,
            seed_token: None,
            ca_pems: Vec::new(),
            ca_files: Vec::new(),
            accept_invalid_certs: false,
            timeout: Self::DEFAULT_TIMEOUT,
            connect_timeout: Self::DEFAULT_CONNECT_TIMEOUT,
            idle_timeout: Self::DEFAULT_IDLE_TIMEOUT,
            retry: RetryPolicy::default(),
            user_agent: concat!("dcos-rs/", env!("CARGO_PKG_VERSION")).to_owned(),
            allowed_hosts: Vec::new(),
            max_redirects: Self::DEFAULT_MAX_REDIRECTS,
            hosts: HostsConfig {
                failover: Vec::new(),
                probe: None,
                probe_interval: Self::DEFAULT_PROBE_INTERVAL,
                leader_header: None,
            },
        }
    }

    /// The cluster URL.
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Sets the credentials.
    pub fn auth(mut self, credentials: impl Into<Credentials>) -> Self {
        self.credentials = credentials.into();
        self
    }

    /// Starts with this token for refreshable credentials (a login or service
    /// account), so the first request needs no login. It is replaced when it
    /// nears expiry or is rejected.
    pub fn initial_token(mut self, token: impl Into<Secret>) -> Self {
        self.seed_token = Some(token.into());
        self
    }

    /// Trusts the CA certificates in this PEM bundle, such as the cluster's
    /// `dcos-ca.crt`. Once a CA is given, only the given CAs are trusted.
    pub fn ca_pem(mut self, pem: impl Into<Vec<u8>>) -> Self {
        self.ca_pems.push(pem.into());
        self
    }

    /// Trusts the CA certificates in this PEM file, read when the cluster is built.
    pub fn ca_file(mut self, path: impl Into<PathBuf>) -> Self {
        self.ca_files.push(path.into());
        self
    }

    /// Turns off TLS certificate verification. Anyone on the network path can then
    /// read the credentials; a warning is logged when the cluster is built.
    pub fn danger_accept_invalid_certs(mut self) -> Self {
        self.accept_invalid_certs = true;
        self
    }

    /// Sets the total time-out of one attempt of a unary call, redirects
    /// included.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.min(Self::MAX_TIMEOUT);
        self
    }

    /// Sets the time-out for opening a connection.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout.min(Self::MAX_TIMEOUT);
        self
    }

    /// Sets how long a stream may go without receiving bytes.
    pub fn stream_idle_timeout(mut self, timeout: Duration) -> Self {
        self.idle_timeout = timeout.min(Self::MAX_TIMEOUT);
        self
    }

    /// Sets the retry policy.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Sets the `User-Agent`.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = user_agent.into();
        self
    }

    /// Allows credentials to go to another host, `host` or `host:port`, when a
    /// redirect leads there: for example the other Mesos masters.
    pub fn allow_host(mut self, host: impl Into<String>) -> Self {
        self.allowed_hosts.push(host.into());
        self
    }

    /// Sets how many redirects one request follows.
    pub fn max_redirects(mut self, max: usize) -> Self {
        self.max_redirects = max;
        self
    }

    /// Adds another host serving the same API, such as a Marathon standby or
    /// another DC/OS master: `http://10.0.0.2:8080`. The cluster URL is host 0
    /// and failover hosts follow in the order added.
    ///
    /// A failover host must have the cluster URL's base path (only the scheme,
    /// host and port may differ), or [`build`](Self::build) fails with
    /// [`Error::Config`]. It may receive credentials, like an
    /// [`allow_host`](Self::allow_host).
    ///
    /// Requests go to the current host. One that cannot connect is marked down
    /// and the request moves on to the next host at once, whatever its method;
    /// on a 502, a 503 or a time-out only an idempotent request moves on (see
    /// [`rotate`](crate::hosts::rotate)). Once every host has been tried, the
    /// [retry policy](Self::retry) decides about another round.
    pub fn failover_host(mut self, url: impl Into<String>) -> Self {
        self.hosts.failover.push(url.into());
        self
    }

    /// Adds several [failover hosts](Self::failover_host).
    pub fn failover_hosts<I, S>(mut self, urls: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.hosts.failover.extend(urls.into_iter().map(Into::into));
        self
    }

    /// Sets the health probe that tells whether a down host is back: a GET of
    /// `segments` below the base path with this `Accept` header, such as
    /// `.health_probe(["ping"], "*/*")` for Marathon (whose `/ping` answers 406
    /// to `Accept: application/json`).
    ///
    /// While a host is down, a background task probes it every
    /// [probe interval](Self::probe_interval), once, with the connect time-out
    /// as its time limit and the credentials if they are at hand (it never
    /// logs in), and marks it up on a 2xx. Without a probe, a down host is
    /// simply tried again once the probe interval has passed.
    pub fn health_probe<I, S>(mut self, segments: I, accept: &str) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let segments = segments.into_iter().map(Into::into).collect();
        self.hosts.probe = Some((segments, accept.to_owned()));
        self
    }

    /// Sets how often down hosts are probed, or without a
    /// [health probe](Self::health_probe), how long a host stays marked down.
    /// The default is [`DEFAULT_PROBE_INTERVAL`](Self::DEFAULT_PROBE_INTERVAL).
    pub fn probe_interval(mut self, interval: Duration) -> Self {
        self.hosts.probe_interval = interval.min(Self::MAX_TIMEOUT);
        self
    }

    /// Names a response header that tells which host leads, such as
    /// `X-Marathon-Leader`. When a response from a configured host carries it
    /// and its value (`http://10.0.0.2:8080`, or `10.0.0.2:8080`) names one of
    /// the configured hosts, later requests go to that host first. A host that
    /// is not configured is never added.
    pub fn leader_header(mut self, name: impl Into<String>) -> Self {
        self.hosts.leader_header = Some(name.into());
        self
    }

    /// Builds the cluster. Nothing is sent yet: logging in happens on the first
    /// request that needs a token.
    pub fn build(self) -> Result<Cluster, Error> {
        let root = folder_url(&self.url)?;
        let login_url = login_url(&root, &self.credentials)?;

        let mut allowed = AllowedHosts::default();
        if let Some(rule) = HostRule::exact(&root) {
            allowed.push(rule);
        }
        for host in &self.allowed_hosts {
            allowed.push(HostRule::parse(host)?);
        }
        let hosts = HostSet::new(&root, &self.hosts)?;
        for origin in hosts.origins() {
            if let Some(rule) = HostRule::exact(origin) {
                allowed.push(rule);
            }
        }

        let mut http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .connect_timeout(self.connect_timeout)
            .user_agent(self.user_agent.clone());
        let mut pems = self.ca_pems.clone();
        for path in &self.ca_files {
            let pem = std::fs::read(path).map_err(|e| {
                Error::config_with(format!("cannot read the CA bundle {}", path.display()), e)
            })?;
            pems.push(pem);
        }
        if !pems.is_empty() {
            http = http.tls_built_in_root_certs(false);
            for pem in &pems {
                let certs = reqwest::Certificate::from_pem_bundle(pem)
                    .map_err(|e| Error::config_with("the CA bundle is not valid PEM", e))?;
                if certs.is_empty() {
                    return Err(Error::config("the CA bundle holds no certificate"));
                }
                for cert in certs {
                    http = http.add_root_certificate(cert);
                }
            }
        }
        if self.accept_invalid_certs {
            tracing::warn!(url = %root, "TLS certificate verification is OFF for this cluster");
            http = http.danger_accept_invalid_certs(true);
        }
        let http = http
            .build()
            .map_err(|e| Error::config_with("the HTTP client could not be built", e))?;

        let seed = self.seed_token.filter(|token| {
            let token_uid = TokenClaims::decode_unverified(token.expose()).uid;
            match (self.credentials.uid(), token_uid.as_deref()) {
                (Some(ours), Some(theirs)) if ours != theirs => {
                    tracing::warn!(
                        credentials_uid = ours,
                        token_uid = theirs,
                        "ignoring the initial token: it belongs to another uid"
                    );
                    false
                }
                _ => true,
            }
        });
        let auth = Authenticator::new(self.credentials, login_url, seed);
        Ok(Cluster {
            shared: Arc::new(Shared {
                http,
                root,
                auth,
                allowed,
                hosts,
                retry: self.retry,
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                idle_timeout: self.idle_timeout,
                max_redirects: self.max_redirects,
            }),
        })
    }
}

/// The IAM login endpoint: the service account's own if it names one (absolute,
/// or resolved against the cluster URL), else `<url>/acs/api/v1/auth/login`.
fn login_url(root: &Url, credentials: &Credentials) -> Result<Url, Error> {
    let join = |endpoint: &str| {
        root.join(endpoint).map_err(|e| {
            Error::config_with(
                format!("the login endpoint `{endpoint}` is not a valid URL"),
                e,
            )
        })
    };
    let default = join(LOGIN_PATH)?;
    let Credentials::ServiceAccount(sa) = credentials else {
        return Ok(default);
    };
    let Some(endpoint) = sa.login_endpoint() else {
        return Ok(default);
    };
    let named = join(endpoint)?;
    let mut own_host = AllowedHosts::default();
    if let Some(rule) = HostRule::exact(root) {
        own_host.push(rule);
    }
    if sa.login_endpoint_chosen() || own_host.permits(&named) {
        Ok(named)
    } else {
        tracing::info!(
            credential_endpoint = %named,
            using = %default,
            "the credential's login endpoint is not on the cluster's host; using the cluster's own"
        );
        Ok(default)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn services_and_paths_keep_the_base_path() {
        let c = Cluster::builder("https://dcos.example.com/prefix")
            .build()
            .unwrap();
        assert_eq!(
            c.service("marathon").base().as_str(),
            "https://dcos.example.com/prefix/service/marathon/"
        );
        assert_eq!(
            c.service("/dev/jenkins").base().as_str(),
            "https://dcos.example.com/prefix/service/dev/jenkins/"
        );
        assert_eq!(
            c.path("mesos").base().as_str(),
            "https://dcos.example.com/prefix/mesos/"
        );
        assert_eq!(c.root().base().as_str(), "https://dcos.example.com/prefix/");
    }

    #[test]
    fn login_url_defaults_to_the_cluster_iam() {
        let root = Url::parse("https://dcos.example.com/").unwrap();
        assert_eq!(
            login_url(&root, &Credentials::login("a", "b"))
                .unwrap()
                .as_str(),
            "https://dcos.example.com/acs/api/v1/auth/login"
        );
    }

    #[test]
    fn a_credential_login_endpoint_counts_only_on_the_cluster_host() {
        let root = Url::parse("https://dcos.example.com/").unwrap();
        let pem = include_str!("../tests/fixtures/test-service-account.pkcs8.pem");
        let from_json = |endpoint: &str| {
            let json = serde_json::json!({
                "scheme": "RS256", "uid": "bot", "login_endpoint": endpoint, "private_key": pem,
            });
            Credentials::from(crate::ServiceAccount::from_json(&json.to_string()).unwrap())
        };
        let url = |c: &Credentials| login_url(&root, c).unwrap().to_string();
        assert_eq!(
            url(&from_json("https://leader.mesos/acs/api/v1/auth/login")),
            "https://dcos.example.com/acs/api/v1/auth/login",
            "an in-cluster endpoint is not used from outside"
        );
        assert_eq!(
            url(&from_json("/custom/login")),
            "https://dcos.example.com/custom/login"
        );
        assert_eq!(
            url(&from_json("https://DCOS.example.com:443/iam/login")),
            "https://dcos.example.com/iam/login"
        );
        let chosen = crate::ServiceAccount::from_pem("bot", pem)
            .unwrap()
            .with_login_endpoint("https://iam.example.com/login");
        assert_eq!(url(&chosen.into()), "https://iam.example.com/login");
    }

    #[test]
    fn bad_ca_bundles_are_config_errors() {
        let err = Cluster::builder("https://a.example.com")
            .ca_pem(b"nothing here".to_vec())
            .build()
            .unwrap_err();
        assert!(matches!(err, Error::Config { .. }), "{err:?}");
        let err = Cluster::builder("https://a.example.com")
            .ca_file("/nonexistent/dcos-ca.crt")
            .build()
            .unwrap_err();
        assert!(
            err.to_string().contains("/nonexistent/dcos-ca.crt"),
            "{err}"
        );
    }
}
