//! [`SimClusterBuilder`]: the knobs of a simulated cluster.

use std::time::Duration;

use crate::agent_spec::AgentSpec;
use crate::cluster::{SimCluster, StartError};
use crate::iam::DEFAULT_TOKEN_LIFETIME;
use crate::scenario::Scenario;

/// Builds and starts a [`SimCluster`]. Every knob has a default:
/// three [default agents](AgentSpec::default), speed 1, auth on, 5-day
/// tokens, an ephemeral port.
#[derive(Clone)]
#[must_use]
pub struct SimClusterBuilder {
    pub(crate) agents: Vec<AgentSpec>,
    pub(crate) token_lifetime: Duration,
    pub(crate) auth: bool,
    pub(crate) speed: f64,
    pub(crate) seed: u64,
    pub(crate) port: u16,
    pub(crate) superuser_uid: String,
    pub(crate) superuser_password: String,
    pub(crate) service_account_uid: String,
    pub(crate) heartbeat_interval: Duration,
    pub(crate) task_startup: Duration,
    pub(crate) marathon_deployment_timeout: Duration,
    pub(crate) require_pushed_images: bool,
    pub(crate) register_frameworks: bool,
    pub(crate) scenarios: Vec<Scenario>,
}

/// The superuser's password prints as `***`.
impl std::fmt::Debug for SimClusterBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SimClusterBuilder")
            .field("agents", &self.agents)
            .field("token_lifetime", &self.token_lifetime)
            .field("auth", &self.auth)
            .field("speed", &self.speed)
            .field("seed", &self.seed)
            .field("port", &self.port)
            .field("superuser_uid", &self.superuser_uid)
            .field("superuser_password", &"***")
            .field("service_account_uid", &self.service_account_uid)
            .field("heartbeat_interval", &self.heartbeat_interval)
            .field("task_startup", &self.task_startup)
            .field(
                "marathon_deployment_timeout",
                &self.marathon_deployment_timeout,
            )
            .field("require_pushed_images", &self.require_pushed_images)
            .field("register_frameworks", &self.register_frameworks)
            .field("scenarios", &self.scenarios)
            .finish()
    }
}

impl Default for SimClusterBuilder {
    fn default() -> Self {
        SimClusterBuilder {
            agents: vec![AgentSpec::default(); 3],
            token_lifetime: DEFAULT_TOKEN_LIFETIME,
            auth: true,
            speed: 1.0,
            seed: 0,
            port: 0,
            superuser_uid: "bootstrapuser".into(),
            superuser_password: "deleteme".into(),
            service_account_uid: "dcos-sim-service".into(),
            heartbeat_interval: Duration::from_secs(15),
            task_startup: Duration::from_secs(2),
            marathon_deployment_timeout: Duration::from_secs(600),
            require_pushed_images: false,
            register_frameworks: true,
            scenarios: Vec::new(),
        }
    }
}

impl SimClusterBuilder {
    /// `n` agents of the [default shape](AgentSpec::default), replacing any
    /// agents set before.
    pub fn agents(mut self, n: usize) -> Self {
        self.agents = vec![AgentSpec::default(); n];
        self
    }

    /// `n` agents shaped like `spec`, replacing any agents set before.
    pub fn agents_like(mut self, n: usize, spec: AgentSpec) -> Self {
        self.agents = vec![spec; n];
        self
    }

    /// Adds one agent.
    pub fn agent(mut self, spec: AgentSpec) -> Self {
        self.agents.push(spec);
        self
    }

    /// The lifetime of the ACS tokens IAM issues (5 days, as DC/OS, by
    /// default). Tokens live in real time, not simulated time.
    pub fn token_lifetime(mut self, lifetime: Duration) -> Self {
        self.token_lifetime = lifetime;
        self
    }

    /// Turns Admin Router's token checks on (the default) or off.
    pub fn auth(mut self, enabled: bool) -> Self {
        self.auth = enabled;
        self
    }

    /// How many times faster than real time the simulation runs (see
    /// [`SimClock`](crate::SimClock)). Tests use 50 to 500; a demo uses 1.
    pub fn speed(mut self, speed: f64) -> Self {
        self.speed = speed;
        self
    }

    /// The seed of every random choice (ids, uuids, ports), so runs repeat.
    pub fn seed(mut self, seed: u64) -> Self {
        self.seed = seed;
        self
    }

    /// The port of the cluster URL on 127.0.0.1 (0, the default, picks a
    /// free one). The second Mesos master address always gets a free port.
    pub fn port(mut self, port: u16) -> Self {
        self.port = port;
        self
    }

    /// The superuser's uid and password (`bootstrapuser`/`deleteme` by
    /// default, as a DC/OS test cluster).
    pub fn superuser(mut self, uid: impl Into<String>, password: impl Into<String>) -> Self {
        self.superuser_uid = uid.into();
        self.superuser_password = password.into();
        self
    }

    /// The uid of the service account (`dcos-sim-service` by default).
    pub fn service_account(mut self, uid: impl Into<String>) -> Self {
        self.service_account_uid = uid.into();
        self
    }

    /// The Mesos `heartbeat_interval_seconds` (15 s, the Mesos default, by
    /// default): simulated time, so HEARTBEATs come `speed` times more often
    /// in real time than announced, which clients accept.
    pub fn heartbeat_interval(mut self, interval: Duration) -> Self {
        self.heartbeat_interval = interval;
        self
    }

    /// How long (simulated) a task takes from TASK_STAGING to TASK_RUNNING,
    /// half of it to TASK_STARTING (2 s by default).
    pub fn task_startup(mut self, startup: Duration) -> Self {
        self.task_startup = startup;
        self
    }

    /// How long (simulated) a Marathon deployment may run before it fails
    /// with `deployment_failed` (600 s by default).
    pub fn marathon_deployment_timeout(mut self, timeout: Duration) -> Self {
        self.marathon_deployment_timeout = timeout;
        self
    }

    /// Whether Marathon runs only Docker images a build pushed to the
    /// [`Registry`](crate::Registry) (off by default).
    pub fn require_pushed_images(mut self, required: bool) -> Self {
        self.require_pushed_images = required;
        self
    }

    /// Whether Marathon and Jenkins register their Mesos frameworks when the
    /// cluster starts, as on DC/OS, so that GET_FRAMEWORKS and
    /// `/master/state` list them (on by default). Off, each registers on
    /// first use, which leaves the master to a test's own scheduler.
    pub fn register_frameworks(mut self, register: bool) -> Self {
        self.register_frameworks = register;
        self
    }

    /// Adds a [`Scenario`]: its size part (agents, token lifetime) applies
    /// now, so knobs set after it override it; its fault part is armed when
    /// the cluster starts. Adding the same scenario twice arms it once.
    pub fn scenario(mut self, scenario: Scenario) -> Self {
        if self.scenarios.contains(&scenario) {
            return self;
        }
        self.scenarios.push(scenario);
        scenario.configure(self)
    }

    /// Starts the cluster on 127.0.0.1.
    pub async fn start(self) -> Result<SimCluster, StartError> {
        SimCluster::start(self).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_hides_the_superuser_password() {
        let builder = SimClusterBuilder::default().superuser("alice", "s3cret-pw");
        let debug = format!("{builder:?}");
        assert!(debug.contains("alice"), "{debug}");
        assert!(!debug.contains("s3cret-pw"), "{debug}");
    }
}
