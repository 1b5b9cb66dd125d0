//! The DC/OS cluster connection shared by the Marathon, Mesos and Jenkins clients.
//!
//! Marathon, Mesos and Jenkins on DC/OS sit behind one Admin Router and share one
//! token, one CA and one set of failure modes. This crate handles them once:
//!
//! - **Credentials**: none, HTTP basic, a static ACS token, a user login, or a
//!   service account that signs an RS256 login token
//!   ([`Credentials`], [`ServiceAccount`]).
//! - **Tokens** are read from the login response body, sent as
//!   `Authorization: token=<jwt>`, refreshed 30 s before their `exp`, and
//!   refreshed once on a 401 before the request is replayed. However many requests
//!   wait, one login runs.
//! - **Retries** follow a pure decision, [`RetryPolicy::decide`]: idempotent calls
//!   on connect errors, 502, 503 and 504; 429 honouring `Retry-After`; never a
//!   POST whose outcome is unknown.
//! - **Redirects** are followed by hand for a bounded number of hops, with
//!   credentials only for the cluster's own hosts ([`ClusterBuilder::allow_host`]).
//! - **Failover** across several hosts of one API
//!   ([`ClusterBuilder::failover_host`]): see below.
//! - **Errors** keep method, URL, status and body ([`Error`]).
//! - **Secrets** print as `***` everywhere ([`Secret`]).
//! - **Cookies**, opt-in per core ([`HttpCore::with_cookie_store`]): kept from
//!   and sent back to the cluster's own hosts only, for services such as
//!   Jenkins that pair a CSRF crumb with a session cookie.
//!
//! # Quick start
//!
//! ```no_run
//! use dcos_auth::{Cluster, Request};
//!
//! # async fn run() -> Result<(), dcos_auth::Error> {
//! // DCOS_URL plus DCOS_ACS_TOKEN, DCOS_UID/DCOS_PASSWORD or
//! // DCOS_SERVICE_ACCOUNT_CREDENTIAL.
//! let cluster = Cluster::from_env()?;
//!
//! // One core per service; all share the pool and the token cache.
//! let marathon = cluster.service("marathon"); // <url>/service/marathon/
//! let mesos = cluster.path("mesos"); // <url>/mesos/
//!
//! let info: serde_json::Value = marathon.get_json(["v2", "info"]).await?;
//! let flags = mesos
//!     .execute(Request::get(["master", "flags"]).accept("application/json"))
//!     .await?;
//! println!("{} {}", info["version"], flags.status);
//!
//! let claims = cluster.token_claims().await?;
//! # let _ = claims;
//! # Ok(()) }
//! ```
//!
//! A service outside DC/OS, such as Jenkins with an API token:
//!
//! ```no_run
//! # fn run() -> Result<(), dcos_auth::Error> {
//! use dcos_auth::{Credentials, HttpCore};
//! let jenkins = HttpCore::direct(
//!     "https://jenkins.example.com/",
//!     Credentials::basic("ci", "api-token"),
//! )?;
//! # let _ = jenkins; Ok(()) }
//! ```
//!
//! # Several hosts for one API
//!
//! Marathon runs as a leader and standbys, Mesos as several masters, and DC/OS
//! as several masters that each run an Admin Router. Give the other hosts with
//! [`ClusterBuilder::failover_host`]; they must have the cluster URL's base
//! path, and they may receive the credentials. Requests go to the current host.
//! One that cannot connect is marked down and the request moves on to the next
//! host at once, whatever its method; on a 502, a 503 or a time-out only an
//! idempotent request moves on ([`hosts::rotate`]). Once every host has been
//! tried, the retry policy decides, with its backoff, about another round. If
//! every host is down, requests still go out. A
//! [health probe](ClusterBuilder::health_probe) brings down hosts back, and a
//! [leader header](ClusterBuilder::leader_header) sends requests to the
//! leader first. [`HttpCore::hosts`] shows the state.
//!
//! ```no_run
//! # async fn run() -> Result<(), dcos_auth::Error> {
//! use dcos_auth::{Cluster, Credentials};
//!
//! let marathon = Cluster::builder("http://10.0.0.1:8080")
//!     .failover_hosts(["http://10.0.0.2:8080", "http://10.0.0.3:8080"])
//!     .health_probe(["ping"], "*/*") // /ping answers 406 to application/json
//!     .leader_header("X-Marathon-Leader")
//!     .auth(Credentials::basic("ci", "api-token"))
//!     .build()?
//!     .root();
//! let info: serde_json::Value = marathon.get_json(["v2", "info"]).await?;
//! for host in marathon.hosts() {
//!     println!("{} down={} current={}", host.origin, host.down, host.current);
//! }
//! # let _ = info; Ok(()) }
//! ```

mod auth;
mod cluster;
mod config;
mod cookies;
mod core;
mod credentials;
mod decode;
mod error;
pub mod hosts;
pub mod iam;
mod jwt;
pub mod model;
mod probe;
pub mod redirect;
mod request;
pub mod retry;
mod secret;
mod stream;
mod token;

pub use crate::cluster::{Cluster, ClusterBuilder, LOGIN_PATH};
pub use crate::core::{HttpCore, Response};
pub use crate::credentials::{Credentials, ServiceAccount, TokenSource};
pub use crate::decode::decode_json;
pub use crate::error::{AuthError, Error, ErrorBody, MAX_ERROR_BODY, Result};
pub use crate::hosts::HostStatus;
pub use crate::jwt::{LOGIN_TOKEN_LIFETIME, TokenClaims};
pub use crate::request::Request;
pub use crate::retry::RetryPolicy;
pub use crate::secret::Secret;
pub use crate::stream::ByteStream;
pub use crate::token::REFRESH_MARGIN;

/// The HTTP types the API uses, re-exported so that clients need no direct
/// `reqwest` dependency.
pub mod http {
    pub use reqwest::header::{self, HeaderMap, HeaderName, HeaderValue};
    pub use reqwest::{Method, StatusCode};
    pub use url::Url;
}
