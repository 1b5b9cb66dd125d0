//! [`Marathon`]: the simulated Marathon's knobs and a view of its state,
//! for tests and the other simulated services.

use std::time::Duration;

use super::app;
use super::state::Leadership;
use crate::sim::SimState;
use crate::state::task::TaskState;

/// A snapshot of one Marathon instance (one Mesos task).
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct InstanceView {
    /// The app.
    pub app_id: String,
    /// The Mesos task id, `<app>.instance-<uuid>._app.1`.
    pub task_id: String,
    /// The agent it runs on.
    pub agent_id: String,
    /// Its Mesos state.
    pub state: TaskState,
    /// The health check result (`None` before the first, or with no
    /// health checks).
    pub healthy: Option<bool>,
    /// The app version it runs.
    pub version: String,
}

/// The simulated Marathon (see
/// [`SimCluster::marathon`](crate::SimCluster::marathon)). Cheap to clone.
#[derive(Clone)]
pub struct Marathon {
    sim: SimState,
}

impl std::fmt::Debug for Marathon {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Marathon").finish_non_exhaustive()
    }
}

impl Marathon {
    pub(crate) fn new(sim: SimState) -> Self {
        Marathon { sim }
    }

    /// Marathon's Mesos framework id.
    pub fn framework_id(&self) -> String {
        super::engine::framework_id(&self.sim).to_owned()
    }

    /// How long (simulated) a deployment may run before it fails with
    /// `deployment_failed` (600 s by default; also
    /// [`SimClusterBuilder::marathon_deployment_timeout`](crate::SimClusterBuilder::marathon_deployment_timeout)).
    pub fn set_deployment_timeout(&self, timeout: Duration) {
        self.sim
            .marathon
            .update_settings(|s| s.deployment_timeout = timeout);
    }

    /// How long (simulated) after TASK_RUNNING an instance's first health
    /// result comes (1 s by default).
    pub fn set_health_delay(&self, delay: Duration) {
        self.sim
            .marathon
            .update_settings(|s| s.health_delay = delay);
    }

    /// The app ids, sorted.
    pub fn app_ids(&self) -> Vec<String> {
        self.sim.marathon.lock().apps.keys().cloned().collect()
    }

    /// The instances of an app (empty for an unknown app).
    pub fn instances(&self, app_id: &str) -> Vec<InstanceView> {
        let st = self.sim.marathon.lock();
        let id = app::canonical_id(app_id, "/");
        st.apps
            .get(&id)
            .map(|r| {
                r.instances
                    .iter()
                    .map(|i| InstanceView {
                        app_id: id.clone(),
                        task_id: i.task_id.clone(),
                        agent_id: i.agent_id.clone(),
                        state: i.state,
                        healthy: i.healthy,
                        version: i.version.clone(),
                    })
                    .collect()
            })
            .unwrap_or_default()
    }

    /// The ids of the running deployments.
    pub fn deployment_ids(&self) -> Vec<String> {
        self.sim
            .marathon
            .lock()
            .deployments
            .iter()
            .map(|d| d.id.clone())
            .collect()
    }

    pub(crate) fn set_leadership(&self, leadership: Leadership) {
        self.sim
            .marathon
            .update_settings(|s| s.leadership = leadership);
        if leadership != Leadership::Elected {
            // Event streams close when leadership changes.
            self.sim.faults.drop_streams();
        }
    }

    pub(crate) fn set_never_healthy(&self, never: bool) {
        self.sim
            .marathon
            .update_settings(|s| s.never_healthy = never);
    }
}
