//! [`SimCluster`]: a running simulated cluster.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use serde_json::json;
use tokio::net::TcpListener;
use tokio::sync::watch;
use tokio::task::JoinHandle;

use crate::admin_router;
use crate::builder::SimClusterBuilder;
use crate::clock::SimClock;
use crate::faults::{FaultState, Faults};
use crate::iam::{Iam, LOGIN_PATH};
use crate::jenkins::{self, Jenkins, JenkinsSim};
use crate::keys;
use crate::marathon;
use crate::marathon::api::Marathon;
use crate::mesos::api::Mesos;
use crate::registry::Registry;
use crate::sim::{Sim, SimState};
use crate::state::Master;

/// Why a cluster could not start.
#[derive(Debug)]
#[non_exhaustive]
pub enum StartError {
    /// A listener could not be bound.
    Bind(std::io::Error),
    /// An embedded key was rejected (a build problem).
    Key(String),
}

impl std::fmt::Display for StartError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            StartError::Bind(_) => f.write_str("cannot bind the simulated cluster's listener"),
            StartError::Key(reason) => write!(f, "an embedded simulator key is invalid: {reason}"),
        }
    }
}

impl std::error::Error for StartError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            StartError::Bind(e) => Some(e),
            StartError::Key(_) => None,
        }
    }
}

/// The superuser's uid and password.
#[derive(Clone, PartialEq, Eq)]
pub struct Superuser {
    /// The uid (`bootstrapuser` by default).
    pub uid: String,
    /// The password.
    pub password: String,
}

impl std::fmt::Debug for Superuser {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Superuser")
            .field("uid", &self.uid)
            .field("password", &"***")
            .finish()
    }
}

/// The simulated service account, with its private key.
#[derive(Clone, PartialEq, Eq)]
pub struct ServiceAccount {
    uid: String,
    login_endpoint: String,
    private_key: String,
}

impl std::fmt::Debug for ServiceAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceAccount")
            .field("uid", &self.uid)
            .field("login_endpoint", &self.login_endpoint)
            .field("private_key", &"***")
            .finish()
    }
}

impl ServiceAccount {
    /// The account's uid.
    pub fn uid(&self) -> &str {
        &self.uid
    }

    /// The full URL of the login endpoint.
    pub fn login_endpoint(&self) -> &str {
        &self.login_endpoint
    }

    /// The PKCS#8 PEM private key (a simulator-only key: it is public).
    pub fn private_key_pem(&self) -> &str {
        &self.private_key
    }

    /// The credential in DC/OS's own JSON format, as found in
    /// `DCOS_SERVICE_ACCOUNT_CREDENTIAL`:
    /// `{"uid","private_key","login_endpoint","scheme":"RS256"}`.
    pub fn credential_json(&self) -> String {
        json!({
            "uid": self.uid,
            "private_key": self.private_key,
            "login_endpoint": self.login_endpoint,
            "scheme": "RS256",
        })
        .to_string()
    }
}

/// A running simulated DC/OS cluster. It stops when [`shutdown`]
/// (`SimCluster::shutdown`) is awaited or when it is dropped.
///
/// [`shutdown`]: SimCluster::shutdown
pub struct SimCluster {
    sim: SimState,
    url: String,
    superuser: Superuser,
    service_account: ServiceAccount,
    servers: Vec<JoinHandle<()>>,
}

impl std::fmt::Debug for SimCluster {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimCluster")
            .field("url", &self.url)
            .field("superuser", &self.superuser)
            .field("service_account", &self.service_account)
            .finish_non_exhaustive()
    }
}

impl SimCluster {
    /// The knobs, with their defaults.
    pub fn builder() -> SimClusterBuilder {
        SimClusterBuilder::default()
    }

    pub(crate) async fn start(config: SimClusterBuilder) -> Result<Self, StartError> {
        let signer = keys::iam_signer().map_err(StartError::Key)?;
        let account_key = keys::service_account_signer().map_err(StartError::Key)?;
        let iam = Iam::new(signer, config.token_lifetime, config.auth);
        iam.add_user(
            &config.superuser_uid,
            &config.superuser_password,
            "The simulated cluster's superuser",
        );
        iam.add_service_account(
            &config.service_account_uid,
            account_key.public_key(),
            keys::SERVICE_ACCOUNT_PUBLIC_KEY_PEM,
            "The simulated cluster's service account",
        );
        let first = TcpListener::bind(("127.0.0.1", config.port))
            .await
            .map_err(StartError::Bind)?;
        let second = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(StartError::Bind)?;
        let jenkins_listener = TcpListener::bind(("127.0.0.1", 0))
            .await
            .map_err(StartError::Bind)?;
        let addrs: [SocketAddr; 2] = [
            first.local_addr().map_err(StartError::Bind)?,
            second.local_addr().map_err(StartError::Bind)?,
        ];
        let clock = SimClock::new(config.speed);
        let shutdown = watch::Sender::new(false);
        let mesos = Arc::new(Master::new(
            &config.agents,
            config.seed,
            clock.clone(),
            config.heartbeat_interval,
            config.task_startup,
            shutdown.subscribe(),
        ));
        mesos.start_allocator();
        let registry = Registry::default();
        registry.set_require_pushed(config.require_pushed_images);
        let sim = Arc::new(Sim {
            marathon: marathon::state::Service::new(
                clock.clone(),
                config.seed,
                marathon::state::Settings {
                    deployment_timeout: config.marathon_deployment_timeout,
                    ..Default::default()
                },
            ),
            registry,
            clock,
            iam,
            faults: FaultState::default(),
            mesos,
            jenkins: JenkinsSim::new(config.seed),
            addrs: OnceLock::new(),
            shutdown,
        });
        let _ = sim.addrs.set(addrs);
        if let Ok(addr) = jenkins_listener.local_addr() {
            let _ = sim.jenkins.addr.set(addr);
        }
        if config.register_frameworks {
            marathon::engine::register(&sim);
            jenkins::register(&sim);
        }
        marathon::engine::start(&sim);
        jenkins::start(&sim);
        let mut servers: Vec<JoinHandle<()>> = [first, second]
            .into_iter()
            .enumerate()
            .map(|(index, listener)| {
                let app = admin_router::router(Arc::clone(&sim), index);
                let sim = Arc::clone(&sim);
                tokio::spawn(async move {
                    let stopped = async move { sim.stopped().await };
                    let _ = axum::serve(listener, app)
                        .with_graceful_shutdown(stopped)
                        .await;
                })
            })
            .collect();
        let jenkins_app = jenkins::direct_router(Arc::clone(&sim));
        let jenkins_sim = Arc::clone(&sim);
        servers.push(tokio::spawn(async move {
            let stopped = async move { jenkins_sim.stopped().await };
            let _ = axum::serve(jenkins_listener, jenkins_app)
                .with_graceful_shutdown(stopped)
                .await;
        }));
        let url = sim.origin(0);
        let last_agent = Mesos::new(Arc::clone(&sim))
            .agents()
            .last()
            .map(|a| a.id.clone());
        for scenario in &config.scenarios {
            scenario.arm(&sim, Faults::new(Arc::clone(&sim)), last_agent.clone());
        }
        Ok(SimCluster {
            superuser: Superuser {
                uid: config.superuser_uid,
                password: config.superuser_password,
            },
            service_account: ServiceAccount {
                uid: config.service_account_uid,
                login_endpoint: format!("{url}{LOGIN_PATH}"),
                private_key: keys::SERVICE_ACCOUNT_PRIVATE_KEY_PEM.to_owned(),
            },
            url,
            sim,
            servers,
        })
    }

    /// The cluster URL, `http://127.0.0.1:<port>` (no trailing slash).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The second Mesos master's address, `http://127.0.0.1:<port>`: it
    /// serves the same routes and state, and leads after
    /// [`Faults::mesos_leader_change`].
    pub fn second_master_url(&self) -> String {
        self.sim.origin(1)
    }

    /// The superuser's uid and password.
    pub fn superuser(&self) -> &Superuser {
        &self.superuser
    }

    /// The service account and its credential.
    pub fn service_account(&self) -> &ServiceAccount {
        &self.service_account
    }

    /// The fault knobs.
    pub fn faults(&self) -> Faults {
        Faults::new(Arc::clone(&self.sim))
    }

    /// The simulated Mesos master, for launching and killing tasks on the
    /// agents from other simulated services (and tests).
    pub fn mesos(&self) -> Mesos {
        Mesos::new(Arc::clone(&self.sim))
    }

    /// The simulated Marathon: its knobs and a view of its apps.
    pub fn marathon(&self) -> Marathon {
        Marathon::new(Arc::clone(&self.sim))
    }

    /// The simulated Jenkins: its direct URL and credentials.
    pub fn jenkins(&self) -> Jenkins {
        Jenkins::new(Arc::clone(&self.sim))
    }

    /// The simulated image registry: what builds pushed, and whether
    /// Marathon runs only pushed images.
    pub fn registry(&self) -> Registry {
        self.sim.registry.clone()
    }

    /// The shared clock.
    pub fn clock(&self) -> &SimClock {
        &self.sim.clock
    }

    /// Mints an ACS token for `uid` as IAM would after a login, for tests
    /// that start with a token (a `dcos.toml`, `DCOS_ACS_TOKEN`).
    pub fn issue_token(&self, uid: &str) -> Option<String> {
        self.sim.iam.issue(uid).ok()
    }

    /// Sets the lifetime of the tokens issued from now on.
    pub fn set_token_lifetime(&self, lifetime: Duration) {
        self.sim.iam.set_token_lifetime(lifetime);
    }

    /// Turns Admin Router's token checks on or off.
    pub fn set_auth(&self, enabled: bool) {
        self.sim.iam.set_enabled(enabled);
    }

    /// Stops serving: open streams end, and this waits (up to 5 s) for the
    /// listeners to close.
    pub async fn shutdown(mut self) {
        self.sim.shutdown.send_replace(true);
        for server in std::mem::take(&mut self.servers) {
            let abort = server.abort_handle();
            if tokio::time::timeout(Duration::from_secs(5), server)
                .await
                .is_err()
            {
                abort.abort();
            }
        }
    }
}

impl Drop for SimCluster {
    fn drop(&mut self) {
        self.sim.shutdown.send_replace(true);
    }
}
