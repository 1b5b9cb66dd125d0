//! The state every simulated service shares: the clock, IAM, the fault
//! knobs, the Mesos master with the cluster state, the cluster's addresses
//! and the shutdown signal.
//!
//! Adding a simulated service (Marathon, Jenkins):
//! - one module, `src/<service>/`, with `router(sim) -> Router<SimState>`,
//!   nested in [`crate::admin_router::router`] under `/service/<name>`;
//!   Admin Router's token check and the fault middleware already apply;
//! - its state in a field of [`Sim`], built in `SimCluster::start`, its
//!   knobs in `SimClusterBuilder`;
//! - its processes run on [`Sim::clock`] and are spawned with
//!   `Master::spawn`, which stops them at shutdown;
//! - its instances are tasks: register a framework and launch tasks through
//!   [`crate::Mesos`] (same resource accounting, same events), and follow
//!   them with `Mesos::task_updates`;
//! - its streams use [`crate::stream::EventStream`] with its own framing,
//!   so heartbeats, shutdown and the drop-streams fault come for free.

use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};

use tokio::sync::watch;

use crate::clock::SimClock;
use crate::faults::FaultState;
use crate::iam::Iam;
use crate::jenkins::JenkinsSim;
use crate::marathon::state::Service as MarathonService;
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
    /// The simulated Marathon.
    pub(crate) marathon: MarathonService,
    /// The simulated Jenkins.
    pub(crate) jenkins: JenkinsSim,
    /// The images pushed by builds, which Marathon may require.
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
