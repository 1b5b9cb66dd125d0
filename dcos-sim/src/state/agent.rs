//! Agents.

use super::resources::Resources;

/// One simulated agent.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    pub(crate) id: String,
    pub(crate) hostname: String,
    pub(crate) port: u16,
    pub(crate) total: Resources,
    pub(crate) attributes: Vec<(String, String)>,
    pub(crate) registered_nanos: i64,
    /// Resources used by tasks and executors.
    pub(crate) used: Resources,
    /// Resources in outstanding offers.
    pub(crate) offered: Resources,
    /// False once lost (unreachable).
    pub(crate) reachable: bool,
}

impl Agent {
    /// What is neither used nor offered.
    pub(crate) fn available(&self) -> Resources {
        let mut free = self.total.minus(&self.used);
        free.subtract(&self.offered);
        free
    }

    /// What no task uses (offered resources count as free).
    pub(crate) fn unused(&self) -> Resources {
        self.total.minus(&self.used)
    }

    /// The agent's `pid`, `slave(1)@<ip>:<port>`.
    pub(crate) fn pid(&self) -> String {
        format!("slave(1)@{}:{}", self.hostname, self.port)
    }
}
