//! Marathon's state: apps with their versions and instances, explicit
//! groups, running deployments, and the event bus every change feeds.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::{Notify, broadcast};

use super::app;
use super::deployment::{Action, ActionKind, Deployment};
use super::time;
use crate::clock::SimClock;
use crate::state::task::TaskState;

/// One event on the bus: its type and its JSON (with `eventType` and
/// `timestamp`).
#[derive(Debug)]
pub(crate) struct BusEvent {
    pub(crate) kind: String,
    pub(crate) data: Value,
}

/// Who answers on the Marathon routes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Leadership {
    /// The cluster's Marathon leads (the default).
    Elected,
    /// The cluster's Marathon is a standby; the second address leads.
    Standby,
    /// No leader: every Marathon route answers `502`.
    Unknown,
}

/// The knobs of the simulated Marathon.
#[derive(Debug, Clone)]
pub(crate) struct Settings {
    pub(crate) deployment_timeout: Duration,
    pub(crate) leadership: Leadership,
    pub(crate) never_healthy: bool,
    pub(crate) health_delay: Duration,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            deployment_timeout: Duration::from_secs(600),
            leadership: Leadership::Elected,
            never_healthy: false,
            health_delay: Duration::from_secs(1),
        }
    }
}

/// One instance of an app: one Mesos task.
#[derive(Debug, Clone)]
pub(crate) struct Instance {
    pub(crate) instance_id: String,
    pub(crate) task_id: String,
    pub(crate) agent_id: String,
    pub(crate) host: String,
    pub(crate) ports: Vec<u64>,
    /// The app version it was launched with.
    pub(crate) version: String,
    /// The app's `lastConfigChangeAt` when it was launched.
    pub(crate) config_version: String,
    pub(crate) state: TaskState,
    pub(crate) staged_at: String,
    pub(crate) started_at: Option<String>,
    /// Simulated time since start-up when it reached TASK_RUNNING.
    pub(crate) running_since: Option<Duration>,
    /// The health check result: `None` until the first one.
    pub(crate) healthy: Option<bool>,
    pub(crate) health_changed_at: Option<String>,
    /// Marathon asked to kill it.
    pub(crate) killing: bool,
    /// Simulated time since start-up when it was launched.
    pub(crate) launched: Duration,
}

impl Instance {
    /// Running, and healthy when the app has health checks.
    pub(crate) fn ready(&self, health_checks: bool) -> bool {
        self.state == TaskState::Running && (!health_checks || self.healthy == Some(true))
    }
}

/// An app and everything Marathon keeps about it.
#[derive(Debug, Clone)]
pub(crate) struct AppRecord {
    /// The current definition, with `version` and `versionInfo`.
    pub(crate) def: Value,
    /// Every version, oldest first.
    pub(crate) versions: Vec<(String, Value)>,
    pub(crate) instances: Vec<Instance>,
    /// Failed launches in a row, for the backoff.
    pub(crate) failures: u32,
    /// No launch before this simulated time since start-up.
    pub(crate) delay_until: Option<Duration>,
    /// When instances started waiting to launch.
    pub(crate) queued_since: Option<String>,
    pub(crate) launch_attempts: u64,
    pub(crate) launch_refusals: u64,
    pub(crate) last_task_failure: Option<Value>,
    /// Being stopped by a deployment.
    pub(crate) removing: bool,
}

impl AppRecord {
    /// The app's current version.
    pub(crate) fn version(&self) -> &str {
        self.def
            .get("version")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }

    /// The app's `lastConfigChangeAt`.
    pub(crate) fn config_version(&self) -> &str {
        self.def
            .pointer("/versionInfo/lastConfigChangeAt")
            .and_then(Value::as_str)
            .unwrap_or_else(|| self.version())
    }

    /// Instances Marathon is not killing, that have not ended and are not
    /// unreachable (those are replaced; one that comes back is an extra).
    pub(crate) fn active(&self) -> impl Iterator<Item = &Instance> {
        self.instances
            .iter()
            .filter(|i| !i.killing && !i.state.is_terminal() && i.state != TaskState::Unreachable)
    }
}

/// A change to one app, as a deployment applies it.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    pub(crate) id: String,
    /// The new definition (defaults filled, no version), or `None` to remove.
    pub(crate) def: Option<Value>,
    /// Replace the tasks even if the configuration is the same (restart).
    pub(crate) restart: bool,
}

/// A refused change: the deployments that lock it.
#[derive(Debug)]
pub(crate) struct Locked(pub(crate) Vec<String>);

/// How many versions of an app (and of the root group) are kept, as
/// Marathon's `zk_max_versions` default.
const MAX_VERSIONS: usize = 50;

/// The state behind the lock.
#[derive(Debug)]
pub(crate) struct MarathonState {
    pub(crate) clock: SimClock,
    pub(crate) apps: BTreeMap<String, AppRecord>,
    /// Groups created explicitly (others exist because apps are in them).
    pub(crate) groups: BTreeSet<String>,
    pub(crate) deployments: Vec<Deployment>,
    /// Every version of the root group, oldest first.
    pub(crate) root_versions: Vec<String>,
    last_version_millis: i64,
    rng: fastrand::Rng,
    next_service_port: u64,
    bus: broadcast::Sender<Arc<BusEvent>>,
}

impl MarathonState {
    /// The simulated time, as Marathon writes it.
    pub(crate) fn now(&self) -> String {
        time::format_millis(time::millis(self.clock.now()))
    }

    /// A new version timestamp, later than every one before.
    pub(crate) fn new_version(&mut self) -> String {
        let now = time::millis(self.clock.now()).max(self.last_version_millis + 1);
        self.last_version_millis = now;
        let version = time::format_millis(now);
        self.root_versions.push(version.clone());
        if self.root_versions.len() > MAX_VERSIONS {
            self.root_versions.remove(0);
        }
        version
    }

    /// A random uuid.
    pub(crate) fn uuid(&mut self) -> String {
        let b: [u8; 16] = std::array::from_fn(|_| self.rng.u8(..));
        let h: String = b.iter().map(|x| format!("{x:02x}")).collect();
        format!(
            "{}-{}-4{}-a{}-{}",
            &h[0..8],
            &h[8..12],
            &h[13..16],
            &h[17..20],
            &h[20..32]
        )
    }

    /// Publishes an event: adds `eventType` and `timestamp`.
    pub(crate) fn publish(&self, kind: &str, mut data: Value) {
        if let Some(map) = data.as_object_mut() {
            map.insert("eventType".into(), json!(kind));
            map.insert("timestamp".into(), json!(self.now()));
        }
        let _ = self.bus.send(Arc::new(BusEvent {
            kind: kind.to_owned(),
            data,
        }));
    }

    /// Whether a group exists (explicitly, or because apps are in it).
    pub(crate) fn group_exists(&self, id: &str) -> bool {
        id == "/"
            || self.groups.iter().any(|g| app::is_under(g, id))
            || self.apps.keys().any(|a| a != id && app::is_under(a, id))
    }

    /// The deployments that affect any of `ids`.
    pub(crate) fn locking(&self, ids: &[String]) -> Vec<String> {
        self.deployments
            .iter()
            .filter(|d| d.affected.iter().any(|a| ids.contains(a)))
            .map(|d| d.id.clone())
            .collect()
    }

    /// Ends deployment `id` as failed (cancelled, or past its deadline).
    pub(crate) fn fail_deployment(&mut self, id: &str) -> Option<Deployment> {
        let index = self.deployments.iter().position(|d| d.id == id)?;
        let deployment = self.deployments.remove(index);
        let plan = deployment.plan_json();
        self.publish(
            "deployment_step_failure",
            json!({ "plan": plan, "currentStep": deployment.current_step_json() }),
        );
        self.publish(
            "deployment_failed",
            json!({ "id": deployment.id, "plan": plan }),
        );
        // Apps left half-stopped keep running at their current definition.
        for id in &deployment.affected {
            if let Some(record) = self.apps.get_mut(id) {
                record.removing = false;
            }
        }
        Some(deployment)
    }

    /// The steps a set of changes takes, and the apps they affect.
    pub(crate) fn plan(&self, changes: &[Change]) -> (Vec<Vec<Action>>, Vec<String>) {
        let mut stops = Vec::new();
        let mut starts = Vec::new();
        let mut rest = Vec::new();
        for change in changes {
            let existing = self.apps.get(&change.id);
            match (&change.def, existing) {
                (None, Some(_)) => stops.push(Action::new(ActionKind::StopApplication, &change.id)),
                (None, None) => {}
                (Some(_), None) => {
                    starts.push(Action::new(ActionKind::StartApplication, &change.id));
                    rest.push(Action::new(ActionKind::ScaleApplication, &change.id));
                }
                (Some(def), Some(record)) => {
                    let kind = if change.restart || app::config_differs(def, &record.def) {
                        ActionKind::RestartApplication
                    } else {
                        ActionKind::ScaleApplication
                    };
                    rest.push(Action::new(kind, &change.id));
                }
            }
        }
        let affected = changes.iter().map(|c| c.id.clone()).collect();
        let steps = [stops, starts, rest]
            .into_iter()
            .filter(|s| !s.is_empty())
            .collect();
        (steps, affected)
    }

    /// Applies changes and starts their deployment: `(deployment id,
    /// version)`. Deployments on the same apps refuse it unless `force`,
    /// which cancels them.
    pub(crate) fn deploy(
        &mut self,
        changes: Vec<Change>,
        force: bool,
    ) -> Result<(String, String), Locked> {
        let ids: Vec<String> = changes.iter().map(|c| c.id.clone()).collect();
        let locking = self.locking(&ids);
        if !locking.is_empty() {
            if !force {
                return Err(Locked(locking));
            }
            for id in locking {
                self.fail_deployment(&id);
            }
        }
        let (steps, affected) = self.plan(&changes);
        let version = self.new_version();
        let original = changes
            .iter()
            .map(|c| (c.id.clone(), self.apps.get(&c.id).map(|r| r.def.clone())))
            .collect();
        for change in changes {
            self.apply(change, &version);
        }
        let id = self.uuid();
        let deployment = Deployment {
            id: id.clone(),
            version: version.clone(),
            affected,
            steps,
            current: 0,
            started: self.clock.elapsed(),
            announced: false,
            original,
        };
        self.deployments.push(deployment);
        Ok((id, version))
    }

    /// Records the new definition of one app at `version`.
    fn apply(&mut self, change: Change, version: &str) {
        let Some(def) = change.def else {
            if let Some(record) = self.apps.get_mut(&change.id) {
                record.removing = true;
            }
            return;
        };
        let mut def = self.assign_service_ports(def);
        let existing = self.apps.get(&change.id);
        let (scaling, config) = match existing {
            None => (version.to_owned(), version.to_owned()),
            Some(record) => {
                let config = if change.restart || app::config_differs(&def, &record.def) {
                    version.to_owned()
                } else {
                    record.config_version().to_owned()
                };
                (version.to_owned(), config)
            }
        };
        if let Some(map) = def.as_object_mut() {
            map.insert("version".into(), json!(version));
            map.insert(
                "versionInfo".into(),
                json!({ "lastScalingAt": scaling, "lastConfigChangeAt": config }),
            );
        }
        match self.apps.get_mut(&change.id) {
            Some(record) => {
                record.def = def.clone();
                record.versions.push((version.to_owned(), def));
                if record.versions.len() > MAX_VERSIONS {
                    record.versions.remove(0);
                }
                record.removing = false;
                record.failures = 0;
                record.delay_until = None;
            }
            None => {
                self.apps.insert(
                    change.id.clone(),
                    AppRecord {
                        versions: vec![(version.to_owned(), def.clone())],
                        def,
                        instances: Vec::new(),
                        failures: 0,
                        delay_until: None,
                        queued_since: None,
                        launch_attempts: 0,
                        launch_refusals: 0,
                        last_task_failure: None,
                        removing: false,
                    },
                );
            }
        }
    }

    /// Gives each `portDefinitions` entry with port 0 a service port from
    /// 10000 up, as Marathon does.
    fn assign_service_ports(&mut self, mut def: Value) -> Value {
        if let Some(ports) = def.get_mut("portDefinitions").and_then(Value::as_array_mut) {
            for port in ports {
                if let Some(map) = port.as_object_mut() {
                    if map.get("port").and_then(Value::as_u64).unwrap_or(0) == 0 {
                        map.insert("port".into(), json!(self.next_service_port));
                        self.next_service_port += 1;
                    }
                }
            }
        }
        def
    }

    /// An app's definition at a version.
    pub(crate) fn app_version(&self, id: &str, version: &str) -> Option<&Value> {
        self.apps
            .get(id)?
            .versions
            .iter()
            .find(|(v, _)| v == version)
            .map(|(_, def)| def)
    }
}

/// The simulated Marathon's shared part.
#[derive(Debug)]
pub(crate) struct Service {
    state: Mutex<MarathonState>,
    pub(crate) bus: broadcast::Sender<Arc<BusEvent>>,
    /// Wakes the engine.
    pub(crate) wake: Notify,
    /// The Mesos framework id, once registered.
    pub(crate) framework_id: OnceLock<String>,
    settings: Mutex<Settings>,
}

impl Service {
    /// A Marathon with no apps, with `settings`.
    pub(crate) fn new(clock: SimClock, seed: u64, settings: Settings) -> Self {
        let bus = broadcast::channel(4096).0;
        Service {
            state: Mutex::new(MarathonState {
                clock,
                apps: BTreeMap::new(),
                groups: BTreeSet::new(),
                deployments: Vec::new(),
                root_versions: Vec::new(),
                last_version_millis: 0,
                rng: fastrand::Rng::with_seed(seed ^ 0x6d61_7261_7468_6f6e),
                next_service_port: 10_000,
                bus: bus.clone(),
            }),
            bus,
            wake: Notify::new(),
            framework_id: OnceLock::new(),
            settings: Mutex::new(settings),
        }
    }

    /// The state, locked. Never hold it across an await.
    pub(crate) fn lock(&self) -> MutexGuard<'_, MarathonState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// The knobs.
    pub(crate) fn settings(&self) -> Settings {
        self.settings
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .clone()
    }

    /// Changes the knobs.
    pub(crate) fn update_settings(&self, f: impl FnOnce(&mut Settings)) {
        f(&mut self.settings.lock().unwrap_or_else(|p| p.into_inner()));
        self.wake.notify_one();
    }

    /// The framework id (empty before start-up).
    pub(crate) fn framework(&self) -> &str {
        self.framework_id.get().map_or("", String::as_str)
    }
}
