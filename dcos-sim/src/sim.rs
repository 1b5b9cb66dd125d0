//! The state every simulated service shares: the clock, IAM, the fault
//! knobs, the cluster's addresses and the shutdown signal.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use tokio::sync::watch;

use crate::clock::SimClock;
use crate::faults::FaultState;
use crate::iam::Iam;
use crate::jenkins::JenkinsSim;
use crate::registry::Registry;
use crate::state::Master;

/// The shared state, as handlers receive it.
pub(crate) type SimState = Arc<Sim>;

/// One simulated cluster.
#[derive(Debug)]
pub(crate) struct Sim {
    /// The shared clock.
    pub(crate) clock: SimClock,
    /// Accounts and tokens.
    pub(crate) iam: Iam,
    /// The fault knobs' state.
    pub(crate) faults: FaultState,
    /// The Mesos master and the cluster state it keeps (agents, tasks…).
    pub(crate) mesos: Arc<Master>,
    /// The simulated Jenkins.
    pub(crate) jenkins: JenkinsSim,
    /// The images pushed by simulated builds.
    pub(crate) registry: Registry,
    /// The listeners: `[0]` is the cluster (Admin Router and the first Mesos
    /// master), `[1]` the second Mesos master address.
    pub(crate) addrs: OnceLock<[SocketAddr; 2]>,
    /// Turns `true` once, when the cluster shuts down.
    pub(crate) shutdown: watch::Sender<bool>,
}

impl Sim {
    /// `http://127.0.0.1:<port>` of listener `index` (no trailing slash).
    pub(crate) fn origin(&self, index: usize) -> String {
        match self.addrs.get().and_then(|a| a.get(index)) {
            Some(addr) => format!("http://{addr}"),
            None => "http://127.0.0.1".to_owned(),
        }
    }

    /// `host:port` of listener `index`.
    pub(crate) fn authority(&self, index: usize) -> String {
        match self.addrs.get().and_then(|a| a.get(index)) {
            Some(addr) => addr.to_string(),
            None => "127.0.0.1".to_owned(),
        }
    }

    /// Resolves when the cluster shuts down.
    pub(crate) async fn stopped(&self) {
        let mut rx = self.shutdown.subscribe();
        let _ = rx.wait_for(|stopped| *stopped).await;
    }
}
