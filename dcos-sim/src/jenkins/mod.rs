//! The simulated Jenkins on Mesos: the DC/OS Jenkins package with its
//! Mesos cloud of Docker-in-Docker agents. Served under `/service/jenkins/`
//! behind Admin Router and on a direct listener with Jenkins auth.

mod auth;
mod cloud;
mod config;
mod render;
mod routes;
mod runner;
mod scheduler;
mod script;
mod state;
mod tree;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use tokio::sync::Notify;

use crate::sim::SimState;
pub(crate) use routes::{admin_router_routes, direct_router};
use state::JenkinsState;

/// The Jenkins version in `X-Jenkins` (an LTS release).
pub const JENKINS_VERSION: &str = "2.319.3";

/// The label of the Mesos cloud's Docker-in-Docker agent template.
pub const AGENT_LABEL: &str = "linux";
/// The Docker image of the agent template.
pub const AGENT_IMAGE: &str = "mesosphere/jenkins-dind:0.9.0";
/// CPUs of one agent.
pub const AGENT_CPUS: f64 = 0.1;
/// Memory (MB) of one agent.
pub const AGENT_MEM: f64 = 512.0;

/// The user of the simulated Jenkins.
pub(crate) const USER: &str = "admin";

/// The simulated Jenkins inside the cluster state.
#[derive(Debug)]
pub(crate) struct JenkinsSim {
    state: Mutex<JenkinsState>,
    /// Wakes the scheduler.
    pub(crate) wake: Notify,
    /// Builds still to fail (the "a build fails" fault).
    pub(crate) fail_next: AtomicU32,
    /// The direct listener.
    pub(crate) addr: OnceLock<SocketAddr>,
    /// The user's password and API token.
    pub(crate) password: String,
    pub(crate) api_token: String,
    /// The salt of crumbs, and the suffix of the session cookie's name.
    pub(crate) salt: String,
    pub(crate) cookie_name: String,
}

impl JenkinsSim {
    /// A Jenkins with no jobs.
    pub(crate) fn new(seed: u64) -> Self {
        let mut state = JenkinsState::new(seed);
        let api_token = format!("11{}", state.hex(32));
        let salt = state.hex(32);
        let cookie_name = format!("JSESSIONID.{}", state.hex(8));
        JenkinsSim {
            state: Mutex::new(state),
            wake: Notify::new(),
            fail_next: AtomicU32::new(0),
            addr: OnceLock::new(),
            password: "admin".to_owned(),
            api_token,
            salt,
            cookie_name,
        }
    }

    /// The state, locked. Never hold it across an await.
    pub(crate) fn lock(&self) -> MutexGuard<'_, JenkinsState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes one pending "a build fails" fault.
    pub(crate) fn take_failure(&self) -> bool {
        self.fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// Starts the scheduler of a cluster's Jenkins.
pub(crate) fn start(sim: &SimState) {
    scheduler::start(sim);
}

/// The simulated Jenkins of a running cluster (see
/// [`SimCluster::jenkins`](crate::SimCluster::jenkins)). Cheap to clone.
#[derive(Clone)]
pub struct Jenkins {
    sim: SimState,
}

impl std::fmt::Debug for Jenkins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jenkins")
            .field("url", &self.url())
            .field("user", &USER)
            .field("password", &"***")
            .field("api_token", &"***")
            .finish()
    }
}

impl Jenkins {
    pub(crate) fn new(sim: SimState) -> Self {
        Jenkins { sim }
    }

    /// The direct listener's root URL, `http://127.0.0.1:<port>/`, where
    /// Jenkins auth (Basic with a password or an API token) applies.
    pub fn url(&self) -> String {
        match self.sim.jenkins.addr.get() {
            Some(addr) => format!("http://{addr}/"),
            None => "http://127.0.0.1/".to_owned(),
        }
    }

    /// The URL through Admin Router, `<cluster>/service/jenkins/`, where
    /// the DC/OS token applies.
    pub fn service_url(&self) -> String {
        format!("{}/service/jenkins/", self.sim.origin(0))
    }

    /// The Jenkins user (`admin`).
    pub fn user(&self) -> &str {
        USER
    }

    /// The user's password: password-auth POSTs need a crumb.
    pub fn password(&self) -> &str {
        &self.sim.jenkins.password
    }

    /// The user's API token: API-token requests need no crumb.
    pub fn api_token(&self) -> &str {
        &self.sim.jenkins.api_token
    }

    /// The Mesos tasks of the agents alive now (node names).
    pub fn agents(&self) -> Vec<String> {
        self.sim.jenkins.lock().agents.keys().cloned().collect()
    }
}
