//! A stateful simulated DC/OS cluster served over real HTTP on loopback:
//! Admin Router and IAM, and a Mesos master, with a shared clock and fault
//! knobs. It starts in milliseconds, so tests and examples run with no
//! cluster at all.
//!
//! # Quick start
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let cluster = dcos_sim::SimCluster::builder()
//!     .agents(2)
//!     .speed(100.0)
//!     .start()
//!     .await?;
//! println!("DC/OS at {}", cluster.url());
//! // A credential in DC/OS's own format, for DCOS_SERVICE_ACCOUNT_CREDENTIAL.
//! let credential = cluster.service_account().credential_json();
//! assert!(credential.contains("\"scheme\":\"RS256\""));
//! cluster.faults().expire_tokens();
//! cluster.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Or from a shell: `cargo run -p dcos-sim -- --port 8080 --agents 3 --speed 10`.
//!
//! # What is simulated
//!
//! - **IAM and Admin Router** ([`iam`](crate::SimCluster::issue_token)):
//!   `POST /acs/api/v1/auth/login` with `{uid,password}` or `{uid,token}`
//!   (an RS256 service login JWT checked against the account's public key),
//!   answering `{token}`, an RS256 JWT with `uid` and `exp`; bad credentials
//!   get `401 {title,description,code:"ERR_INVALID_CREDENTIALS"}`. Every
//!   other route but `/dcos-metadata/dcos-version.json` needs
//!   `Authorization: token=…` (or `Bearer …`, or the `dcos-acs-auth-cookie`
//!   cookie, as Admin Router accepts); a missing, forged, expired or revoked
//!   token gets `401` with `WWW-Authenticate: acsjwt` and an HTML body.
//!   `GET /acs/api/v1/users/<uid>` shows an account.
//! - **The clock** ([`SimClock`]): simulated time runs `speed` times faster.
//! - **Fault knobs** ([`Faults`]): expire every token, bursts of `503`,
//!   slow responses, streams dropped mid-way, a Mesos leader change.
//!
//! # Simplifications
//!
//! - Tokens live in real time (clients compare `exp` with their own clock);
//!   every other duration is simulated time.
//! - IAM knows two accounts, the superuser and one service account; there
//!   are no ACLs: every valid token may do everything (`dcos:superuser`).
//!   OpenID Connect logins (`{token}` with no `uid`) are refused with `400`.
//! - The keys are fixed, simulator-only RSA keys embedded in the crate:
//!   they are public, so nothing they sign proves anything outside a test.
//! - Everything is plain HTTP on 127.0.0.1: no TLS, no CA bundle.

mod admin_router;
mod agent_spec;
mod builder;
mod clock;
mod cluster;
mod faults;
mod iam;
mod jwt;
mod keys;
mod mesos;
mod sim;
mod state;

pub use admin_router::DCOS_VERSION;
pub use agent_spec::AgentSpec;
pub use builder::SimClusterBuilder;
pub use clock::SimClock;
pub use cluster::{ServiceAccount, SimCluster, StartError, Superuser};
pub use faults::Faults;
pub use iam::DEFAULT_TOKEN_LIFETIME;
pub use mesos::api::{AgentView, Amounts, LaunchError, Mesos, TaskSpec, TaskView};
pub use mesos::render::MESOS_VERSION;
pub use state::TaskUpdate;
pub use state::task::TaskState;
