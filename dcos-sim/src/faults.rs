//! Fault knobs: the failures a real cluster has, on demand.

use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::Duration;

use tokio::sync::watch;

use crate::marathon::api::Marathon;
use crate::marathon::state::Leadership;
use crate::sim::SimState;

/// A burst of `503`s for requests whose path starts with `prefix`.
#[derive(Debug)]
struct Burst {
    prefix: String,
    remaining: u32,
}

/// The fault knobs' state, shared by the middleware and the streams.
#[derive(Debug)]
pub(crate) struct FaultState {
    bursts: Mutex<Vec<Burst>>,
    latency_ms: AtomicU64,
    /// Bumped to drop every open stream.
    streams: watch::Sender<u64>,
    /// The index of the listener that is the leading Mesos master.
    mesos_leader: AtomicUsize,
}

impl Default for FaultState {
    fn default() -> Self {
        FaultState {
            bursts: Mutex::new(Vec::new()),
            latency_ms: AtomicU64::new(0),
            streams: watch::Sender::new(0),
            mesos_leader: AtomicUsize::new(0),
        }
    }
}

impl FaultState {
    /// Whether a request to `path` must answer `503` now (and counts it).
    pub(crate) fn take_unavailable(&self, path: &str) -> bool {
        let mut bursts = self.bursts.lock().unwrap_or_else(|p| p.into_inner());
        let hit = bursts
            .iter_mut()
            .find(|b| b.remaining > 0 && path.starts_with(&b.prefix));
        let Some(burst) = hit else {
            return false;
        };
        burst.remaining -= 1;
        bursts.retain(|b| b.remaining > 0);
        true
    }

    /// The delay added to every response.
    pub(crate) fn latency(&self) -> Duration {
        Duration::from_millis(self.latency_ms.load(Ordering::Relaxed))
    }

    /// A receiver that changes when every open stream must drop.
    pub(crate) fn stream_drops(&self) -> watch::Receiver<u64> {
        self.streams.subscribe()
    }

    /// Drops every open stream.
    pub(crate) fn drop_streams(&self) {
        self.streams.send_modify(|g| *g += 1);
    }

    /// The listener serving as the leading Mesos master.
    pub(crate) fn mesos_leader(&self) -> usize {
        self.mesos_leader.load(Ordering::SeqCst)
    }
}

/// The fault knobs of a running cluster (see
/// [`SimCluster::faults`](crate::SimCluster::faults)). Cheap to clone.
#[derive(Clone)]
pub struct Faults {
    sim: SimState,
}

impl std::fmt::Debug for Faults {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Faults").finish_non_exhaustive()
    }
}

impl Faults {
    pub(crate) fn new(sim: SimState) -> Self {
        Faults { sim }
    }

    /// Makes every token issued so far invalid, as if they had all expired:
    /// the next request with one gets `401` and the client must log in again.
    pub fn expire_tokens(&self) {
        self.sim.iam.expire_all();
    }

    /// The next `count` requests whose path starts with `path_prefix` (such
    /// as `/mesos/` or `/service/marathon/`; `/` for any) get `503 Service
    /// Temporarily Unavailable` from Admin Router, before authentication.
    /// Bursts add up.
    pub fn unavailable(&self, path_prefix: &str, count: u32) {
        if count == 0 {
            return;
        }
        let mut bursts = self
            .sim
            .faults
            .bursts
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        bursts.push(Burst {
            prefix: path_prefix.to_owned(),
            remaining: count,
        });
    }

    /// Delays every response by `delay` (real time); `Duration::ZERO` turns
    /// it off.
    pub fn set_latency(&self, delay: Duration) {
        let ms = u64::try_from(delay.as_millis()).unwrap_or(u64::MAX);
        self.sim.faults.latency_ms.store(ms, Ordering::Relaxed);
    }

    /// Cuts every open stream (Mesos RecordIO streams, and the streams of
    /// the other simulated services) mid-way: the connection closes without
    /// the end of the chunked body, as when a proxy or the network fails.
    pub fn drop_streams(&self) {
        self.sim.faults.drop_streams();
    }

    /// Moves Mesos leadership to the other master address: the old one
    /// answers `307` with `Location: //<new leader>/…` for every `/mesos/…`
    /// request, its open Mesos streams drop, and the new one serves the same
    /// state. Calling it again moves leadership back. Returns the new
    /// leader's URL.
    pub fn mesos_leader_change(&self) -> String {
        let faults = &self.sim.faults;
        let new = 1 - faults.mesos_leader();
        faults.mesos_leader.store(new, Ordering::SeqCst);
        faults.drop_streams();
        self.sim.origin(new)
    }

    /// Loses an agent (a network partition): its outstanding offers are
    /// rescinded, it leaves GET_AGENTS (operator subscribers get
    /// AGENT_REMOVED), and its tasks go to TASK_UNREACHABLE for
    /// PARTITION_AWARE frameworks (the simulated services' frameworks are)
    /// or TASK_LOST for the others. False if no reachable agent has this id.
    pub fn agent_lost(&self, agent_id: &str) -> bool {
        let now = self.sim.clock.unix_seconds();
        self.sim.mesos.lock().agent_lost(agent_id, now)
    }

    /// Makes the cluster's Marathon a standby: `/service/marathon/v2/events`
    /// answers `302` with `Location` on the leader (the second address,
    /// which serves the same state), other Marathon routes are proxied
    /// (served, with `X-Marathon-Leader` naming the leader), and open
    /// streams drop. Returns the leader's URL.
    pub fn marathon_standby(&self) -> String {
        Marathon::new(self.sim.clone()).set_leadership(Leadership::Standby);
        self.sim.origin(1)
    }

    /// Marathon loses its leader: every Marathon route answers `502` with
    /// "Could not determine the current leader" until
    /// [`marathon_leader_elected`](Self::marathon_leader_elected).
    pub fn marathon_no_leader(&self) {
        Marathon::new(self.sim.clone()).set_leadership(Leadership::Unknown);
    }

    /// The cluster's Marathon leads again (the default).
    pub fn marathon_leader_elected(&self) {
        Marathon::new(self.sim.clone()).set_leadership(Leadership::Elected);
    }

    /// While on, no Marathon instance ever becomes healthy: every app is
    /// treated as broken (see the crate docs), so deployments fail at their
    /// deadline.
    pub fn marathon_never_healthy(&self, on: bool) {
        Marathon::new(self.sim.clone()).set_never_healthy(on);
    }

    /// Brings a lost agent back: operator subscribers get AGENT_ADDED, its
    /// TASK_UNREACHABLE tasks report TASK_RUNNING again, and its free
    /// resources are offered again. Tasks that went TASK_LOST stay gone.
    /// False if no lost agent has this id.
    pub fn agent_recovered(&self, agent_id: &str) -> bool {
        let now = self.sim.clock.unix_seconds();
        self.sim.mesos.lock().agent_recovered(agent_id, now)
    }

    /// Makes the next `count` Jenkins builds fail: the first `sh` step of
    /// each exits 1 (so nothing is pushed after it), or the build fails at
    /// its end if it has no `sh` step. Counts add up.
    pub fn fail_builds(&self, count: u32) {
        self.sim
            .jenkins
            .fail_next
            .fetch_add(count, Ordering::SeqCst);
    }

    /// The URL of the leading Mesos master's listener (the cluster URL or
    /// the second master address).
    pub fn mesos_leader_url(&self) -> String {
        self.sim.origin(self.sim.faults.mesos_leader())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bursts_count_down_per_prefix() {
        let f = FaultState::default();
        f.bursts.lock().unwrap().push(Burst {
            prefix: "/mesos/".into(),
            remaining: 2,
        });
        assert!(!f.take_unavailable("/service/marathon/v2/apps"));
        assert!(f.take_unavailable("/mesos/api/v1"));
        assert!(f.take_unavailable("/mesos/api/v1"));
        assert!(!f.take_unavailable("/mesos/api/v1"));
    }
}
