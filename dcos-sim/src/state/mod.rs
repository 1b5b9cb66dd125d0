//! The cluster state the simulated services share: Mesos agents and their
//! resources, frameworks, tasks and offers, with the events every change
//! emits. Marathon instances and Jenkins build agents become tasks here.

pub(crate) mod agent;
pub(crate) mod framework;
pub(crate) mod resources;
pub(crate) mod task;

use std::collections::{BTreeMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration;

use base64::Engine;
use base64::engine::general_purpose::STANDARD;
use serde_json::{Value, json};
use tokio::sync::{Notify, broadcast, watch};

use crate::agent_spec::AgentSpec;
use crate::clock::SimClock;
use crate::mesos::render;
use agent::Agent;
use framework::Framework;
use resources::Resources;
use task::{Exit, Task, TaskState};

/// How many completed tasks the master keeps (the Mesos default per
/// framework; here for the whole cluster).
const MAX_COMPLETED_TASKS: usize = 1000;
/// How many removed frameworks the master keeps (the Mesos default).
const MAX_COMPLETED_FRAMEWORKS: usize = 50;

/// A task status change, as the other simulated services read it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaskUpdate {
    /// The task's framework.
    pub framework_id: String,
    /// The task.
    pub task_id: String,
    /// The agent it runs on.
    pub agent_id: String,
    /// The new state.
    pub state: TaskState,
    /// The reason (`REASON_…`), when there is one.
    pub reason: Option<String>,
    /// A human-readable message, when there is one.
    pub message: Option<String>,
    /// Simulated Unix time of the change, in seconds.
    pub timestamp: f64,
}

/// An outstanding offer.
#[derive(Debug, Clone)]
pub(crate) struct Offer {
    pub(crate) id: String,
    pub(crate) framework_id: String,
    pub(crate) agent_id: String,
    pub(crate) resources: Resources,
    pub(crate) role: String,
}

/// An executor started by LAUNCH_GROUP, with the resources it holds.
#[derive(Debug, Clone)]
pub(crate) struct Executor {
    pub(crate) id: String,
    pub(crate) framework_id: String,
    pub(crate) agent_id: String,
    pub(crate) info: Value,
    pub(crate) resources: Resources,
}

/// Where a status update comes from.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Source {
    Master,
    Executor,
}

impl Source {
    fn as_str(self) -> &'static str {
        match self {
            Source::Master => "SOURCE_MASTER",
            Source::Executor => "SOURCE_EXECUTOR",
        }
    }
}

/// Where change notifications go.
#[derive(Debug, Clone)]
pub(crate) struct Events {
    /// Operator `Event`s (TASK_ADDED…), for operator SUBSCRIBE streams.
    pub(crate) operator: broadcast::Sender<Arc<Value>>,
    /// Task status changes, for the crate API.
    pub(crate) tasks: broadcast::Sender<TaskUpdate>,
    /// Wakes the allocator.
    pub(crate) allocate: Arc<Notify>,
}

impl Events {
    fn operator(&self, event: Value) {
        let _ = self.operator.send(Arc::new(event));
    }
}

/// The cluster state. Every method is synchronous: callers hold the lock
/// briefly and never across an await.
#[derive(Debug)]
pub(crate) struct ClusterState {
    pub(crate) master_id: String,
    rng: fastrand::Rng,
    pub(crate) agents: Vec<Agent>,
    pub(crate) frameworks: BTreeMap<String, Framework>,
    pub(crate) completed_frameworks: VecDeque<Framework>,
    /// Active tasks by (framework id, task id).
    pub(crate) tasks: BTreeMap<(String, String), Task>,
    pub(crate) completed_tasks: VecDeque<Task>,
    pub(crate) executors: Vec<Executor>,
    pub(crate) offers: BTreeMap<String, Offer>,
    next_framework: u64,
    next_offer: u64,
    pub(crate) events: Events,
}

/// The key of an active task.
pub(crate) type TaskKey = (String, String);

/// A task to add.
pub(crate) struct NewTask {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) framework_id: String,
    pub(crate) agent_id: String,
    pub(crate) executor_id: Option<String>,
    pub(crate) resources: Resources,
    pub(crate) role: String,
    pub(crate) info: Value,
    pub(crate) exit: Exit,
}

impl ClusterState {
    /// A cluster with one agent per spec.
    pub(crate) fn new(specs: &[AgentSpec], seed: u64, now_nanos: i64, events: Events) -> Self {
        let mut rng = fastrand::Rng::with_seed(seed);
        let master_id = uuid(&mut rng);
        let agents = specs
            .iter()
            .enumerate()
            .map(|(i, spec)| Agent {
                id: format!("{master_id}-S{i}"),
                hostname: format!("127.0.1.{}", i + 1),
                port: 5051,
                total: Resources::default()
                    .with_scalar("cpus", spec.cpus)
                    .with_scalar("mem", spec.mem)
                    .with_scalar("disk", spec.disk)
                    .with_ranges("ports", &spec.ports),
                attributes: spec.attributes.clone(),
                registered_nanos: now_nanos,
                used: Resources::default(),
                offered: Resources::default(),
                reachable: true,
            })
            .collect();
        ClusterState {
            master_id,
            rng,
            agents,
            frameworks: BTreeMap::new(),
            completed_frameworks: VecDeque::new(),
            tasks: BTreeMap::new(),
            completed_tasks: VecDeque::new(),
            executors: Vec::new(),
            offers: BTreeMap::new(),
            next_framework: 0,
            next_offer: 0,
            events,
        }
    }

    /// A random RFC 4122-looking id.
    pub(crate) fn uuid(&mut self) -> String {
        uuid(&mut self.rng)
    }

    /// A new framework id, `<master id>-0000`.
    pub(crate) fn new_framework_id(&mut self) -> String {
        let id = format!("{}-{:04}", self.master_id, self.next_framework);
        self.next_framework += 1;
        id
    }

    fn new_offer_id(&mut self) -> String {
        let id = format!("{}-O{}", self.master_id, self.next_offer);
        self.next_offer += 1;
        id
    }

    /// A reachable agent by id.
    pub(crate) fn agent_mut(&mut self, id: &str) -> Option<&mut Agent> {
        self.agents.iter_mut().find(|a| a.id == id && a.reachable)
    }

    /// A reachable agent by id.
    pub(crate) fn agent(&self, id: &str) -> Option<&Agent> {
        self.agents.iter().find(|a| a.id == id && a.reachable)
    }

    /// Adds a framework and announces it.
    pub(crate) fn add_framework(&mut self, framework: Framework) {
        self.events.operator(json!({
            "type": "FRAMEWORK_ADDED",
            "framework_added": { "framework": render::framework(self, &framework) },
        }));
        self.frameworks.insert(framework.id.clone(), framework);
        self.events.allocate.notify_one();
    }

    /// Announces a framework's change.
    pub(crate) fn framework_updated(&self, id: &str) {
        if let Some(f) = self.frameworks.get(id) {
            self.events.operator(json!({
                "type": "FRAMEWORK_UPDATED",
                "framework_updated": { "framework": render::framework(self, f) },
            }));
        }
    }

    /// Adds a task in TASK_STAGING and takes its resources.
    pub(crate) fn add_task(&mut self, new: NewTask) -> TaskKey {
        if let Some(agent) = self.agent_mut(&new.agent_id) {
            agent.used.add(&new.resources);
        }
        let task = Task {
            id: new.id,
            name: new.name,
            framework_id: new.framework_id,
            agent_id: new.agent_id,
            executor_id: new.executor_id,
            resources: new.resources,
            role: new.role,
            state: TaskState::Staging,
            statuses: Vec::new(),
            status_update_uuid: None,
            info: new.info,
            exit: new.exit,
        };
        self.events.operator(json!({
            "type": "TASK_ADDED",
            "task_added": { "task": render::task(&task) },
        }));
        let key = (task.framework_id.clone(), task.id.clone());
        self.tasks.insert(key.clone(), task);
        key
    }

    /// A `TaskStatus` for a task that may not exist.
    #[allow(clippy::too_many_arguments)]
    fn status(
        &mut self,
        task_id: &str,
        agent_id: Option<&str>,
        executor_id: Option<&str>,
        state: TaskState,
        reason: Option<&str>,
        message: Option<&str>,
        source: Source,
        with_uuid: bool,
        now: f64,
    ) -> Value {
        let mut status = json!({
            "task_id": { "value": task_id },
            "state": state.as_str(),
            "source": source.as_str(),
            "timestamp": now,
        });
        let Some(map) = status.as_object_mut() else {
            return status;
        };
        if let Some(agent_id) = agent_id {
            map.insert("agent_id".into(), json!({ "value": agent_id }));
        }
        if let Some(executor_id) = executor_id {
            map.insert("executor_id".into(), json!({ "value": executor_id }));
        }
        if let Some(reason) = reason {
            map.insert("reason".into(), json!(reason));
        }
        if let Some(message) = message {
            map.insert("message".into(), json!(message));
        }
        if with_uuid {
            let bytes: [u8; 16] = std::array::from_fn(|_| self.rng.u8(..));
            map.insert("uuid".into(), json!(STANDARD.encode(bytes)));
        }
        if matches!(source, Source::Executor) {
            map.insert(
                "container_status".into(),
                json!({ "network_infos": [{ "ip_addresses": [{ "ip_address": agent_id.and_then(|a| self.agent(a)).map(|a| a.hostname.clone()).unwrap_or_default() }] }] }),
            );
        }
        if state == TaskState::Unreachable {
            map.insert(
                "unreachable_time".into(),
                json!({ "nanoseconds": (now * 1e9) as i64 }),
            );
        }
        status
    }

    /// Moves a task to `state`, records and sends the update (with a uuid,
    /// to be acknowledged), and frees its resources if it ended. Returns
    /// false if there is no such active task.
    pub(crate) fn update_task(
        &mut self,
        key: &TaskKey,
        state: TaskState,
        reason: Option<&str>,
        message: Option<&str>,
        source: Source,
        now: f64,
    ) -> bool {
        let Some(task) = self.tasks.get(key) else {
            return false;
        };
        let (task_id, agent_id, executor_id) = (
            task.id.clone(),
            task.agent_id.clone(),
            task.executor_id.clone(),
        );
        let status = self.status(
            &task_id,
            Some(&agent_id),
            executor_id.as_deref(),
            state,
            reason,
            message,
            source,
            true,
            now,
        );
        let Some(task) = self.tasks.get_mut(key) else {
            return false;
        };
        let was_unreachable = task.state == TaskState::Unreachable;
        task.state = state;
        task.status_update_uuid = status
            .get("uuid")
            .and_then(Value::as_str)
            .map(str::to_owned);
        task.statuses.push(status.clone());
        if let Some(f) = self.frameworks.get(&key.0) {
            f.send(json!({ "type": "UPDATE", "update": { "status": status } }));
        }
        self.events.operator(json!({
            "type": "TASK_UPDATED",
            "task_updated": {
                "framework_id": { "value": key.0 },
                "status": status,
                "state": state.as_str(),
            },
        }));
        let _ = self.events.tasks.send(TaskUpdate {
            framework_id: key.0.clone(),
            task_id,
            agent_id: agent_id.clone(),
            state,
            reason: reason.map(str::to_owned),
            message: message.map(str::to_owned),
            timestamp: now,
        });
        if state.is_terminal() || state == TaskState::Unreachable {
            // An unreachable task's resources went with its agent already.
            self.release(key, state.is_terminal(), !was_unreachable);
        }
        true
    }

    /// Frees a task's resources; a terminal task moves to the completed
    /// list, and an executor with no task left frees its own.
    fn release(&mut self, key: &TaskKey, completed: bool, free: bool) {
        let Some(task) = self.tasks.get(key) else {
            return;
        };
        let (agent_id, resources, executor_id) = (
            task.agent_id.clone(),
            task.resources.clone(),
            task.executor_id.clone(),
        );
        if free {
            if let Some(agent) = self.agents.iter_mut().find(|a| a.id == agent_id) {
                agent.used.subtract(&resources);
            }
        }
        if completed {
            if let Some(task) = self.tasks.remove(key) {
                self.completed_tasks.push_back(task);
                while self.completed_tasks.len() > MAX_COMPLETED_TASKS {
                    self.completed_tasks.pop_front();
                }
            }
        }
        if let Some(executor_id) = executor_id {
            let busy = self.tasks.values().any(|t| {
                t.framework_id == key.0
                    && t.executor_id.as_deref() == Some(executor_id.as_str())
                    && !t.state.is_terminal()
                    && t.state != TaskState::Unreachable
            });
            if !busy {
                if let Some(i) = self
                    .executors
                    .iter()
                    .position(|e| e.framework_id == key.0 && e.id == executor_id)
                {
                    let executor = self.executors.remove(i);
                    if let Some(agent) = self.agents.iter_mut().find(|a| a.id == executor.agent_id)
                    {
                        agent.used.subtract(&executor.resources);
                    }
                }
            }
        }
        self.events.allocate.notify_one();
    }

    /// Sends a status about a task the master does not track (or a
    /// reconciliation answer): no uuid, nothing recorded.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn send_untracked_status(
        &mut self,
        framework_id: &str,
        task_id: &str,
        agent_id: Option<&str>,
        state: TaskState,
        reason: &str,
        message: Option<&str>,
        now: f64,
    ) {
        let status = self.status(
            task_id,
            agent_id,
            None,
            state,
            Some(reason),
            message,
            Source::Master,
            false,
            now,
        );
        if let Some(f) = self.frameworks.get(framework_id) {
            f.send(json!({ "type": "UPDATE", "update": { "status": status } }));
        }
    }

    /// Removes an offer and returns its resources to the agent.
    pub(crate) fn remove_offer(&mut self, id: &str) -> Option<Offer> {
        let offer = self.offers.remove(id)?;
        if let Some(agent) = self.agents.iter_mut().find(|a| a.id == offer.agent_id) {
            agent.offered.subtract(&offer.resources);
        }
        self.events.allocate.notify_one();
        Some(offer)
    }

    /// Rescinds an offer: removes it and tells its framework.
    pub(crate) fn rescind_offer(&mut self, id: &str) {
        if let Some(offer) = self.remove_offer(id) {
            if let Some(f) = self.frameworks.get(&offer.framework_id) {
                f.send(
                    json!({ "type": "RESCIND", "rescind": { "offer_id": { "value": offer.id } } }),
                );
            }
        }
    }

    /// Rescinds every offer of a framework (it disconnected or suppressed).
    pub(crate) fn rescind_offers_of(&mut self, framework_id: &str) {
        let ids: Vec<String> = self
            .offers
            .values()
            .filter(|o| o.framework_id == framework_id)
            .map(|o| o.id.clone())
            .collect();
        for id in ids {
            self.rescind_offer(&id);
        }
    }

    /// Makes offers of every agent's available resources to every
    /// subscribed, unsuppressed framework whose filters allow it. The first
    /// framework (by id) that wants an agent gets all of it.
    pub(crate) fn allocate(&mut self, clock: &SimClock) {
        let now = clock.now();
        let framework_ids: Vec<String> = self
            .frameworks
            .values()
            .filter(|f| f.active && f.subscriber.is_some() && !f.internal && !f.suppressed)
            .map(|f| f.id.clone())
            .collect();
        for framework_id in framework_ids {
            let mut made = Vec::new();
            for i in 0..self.agents.len() {
                let agent = &self.agents[i];
                let available = agent.available();
                if !agent.reachable || !available.is_allocatable() {
                    continue;
                }
                let agent_id = agent.id.clone();
                let Some(framework) = self.frameworks.get_mut(&framework_id) else {
                    break;
                };
                if framework
                    .filters
                    .get(&agent_id)
                    .is_some_and(|until| *until > now)
                {
                    continue;
                }
                framework.filters.remove(&agent_id);
                let role = framework.role.clone();
                let offer = Offer {
                    id: self.new_offer_id(),
                    framework_id: framework_id.clone(),
                    agent_id,
                    resources: available,
                    role,
                };
                self.agents[i].offered.add(&offer.resources);
                made.push(render::offer(self, &offer));
                self.offers.insert(offer.id.clone(), offer);
            }
            if !made.is_empty() {
                if let Some(f) = self.frameworks.get(&framework_id) {
                    f.send(json!({ "type": "OFFERS", "offers": { "offers": made } }));
                }
            }
        }
    }

    /// Refuses an agent's resources to a framework for `seconds` of
    /// simulated time.
    pub(crate) fn add_filter(
        &mut self,
        framework_id: &str,
        agent_id: &str,
        seconds: f64,
        clock: &SimClock,
    ) {
        if seconds <= 0.0 {
            return;
        }
        let until = clock.now() + Duration::from_secs_f64(seconds.min(31_536_000.0));
        if let Some(f) = self.frameworks.get_mut(framework_id) {
            f.filters.insert(agent_id.to_owned(), until);
        }
    }

    /// Removes a framework: its offers go back, its tasks are killed.
    pub(crate) fn remove_framework(&mut self, framework_id: &str, now: f64) {
        self.rescind_offers_of(framework_id);
        let keys: Vec<TaskKey> = self
            .tasks
            .keys()
            .filter(|k| k.0 == framework_id)
            .cloned()
            .collect();
        for key in keys {
            self.update_task(
                &key,
                TaskState::Killed,
                Some("REASON_FRAMEWORK_REMOVED"),
                Some("Framework removed"),
                Source::Master,
                now,
            );
        }
        if let Some(mut framework) = self.frameworks.remove(framework_id) {
            if let Some(s) = framework.subscriber.take() {
                let _ = s.events.send(Arc::new(json!({
                    "type": "ERROR",
                    "error": { "message": "Framework has been removed" },
                })));
            }
            framework.active = false;
            self.events.operator(json!({
                "type": "FRAMEWORK_REMOVED",
                "framework_removed": { "framework_info": framework.info },
            }));
            self.completed_frameworks.push_back(framework);
            while self.completed_frameworks.len() > MAX_COMPLETED_FRAMEWORKS {
                self.completed_frameworks.pop_front();
            }
        }
    }

    /// Whether a framework id belongs to a removed framework.
    pub(crate) fn was_removed(&self, framework_id: &str) -> bool {
        self.completed_frameworks
            .iter()
            .any(|f| f.id == framework_id)
    }

    /// Marks an agent unreachable: its offers are rescinded, and its tasks
    /// go to TASK_UNREACHABLE (PARTITION_AWARE frameworks) or TASK_LOST.
    pub(crate) fn agent_lost(&mut self, agent_id: &str, now: f64) -> bool {
        if self.agent(agent_id).is_none() {
            return false;
        }
        let offers: Vec<String> = self
            .offers
            .values()
            .filter(|o| o.agent_id == agent_id)
            .map(|o| o.id.clone())
            .collect();
        for id in offers {
            self.rescind_offer(&id);
        }
        let keys: Vec<TaskKey> = self
            .tasks
            .iter()
            .filter(|(_, t)| t.agent_id == agent_id && !t.state.is_terminal())
            .map(|(k, _)| k.clone())
            .collect();
        let message = format!("Agent {agent_id} is unreachable");
        for key in keys {
            let aware = self
                .frameworks
                .get(&key.0)
                .is_some_and(|f| f.partition_aware);
            let state = if aware {
                TaskState::Unreachable
            } else {
                TaskState::Lost
            };
            self.update_task(
                &key,
                state,
                Some("REASON_AGENT_REMOVED"),
                Some(&message),
                Source::Master,
                now,
            );
        }
        if let Some(agent) = self.agents.iter_mut().find(|a| a.id == agent_id) {
            agent.reachable = false;
        }
        self.events.operator(json!({
            "type": "AGENT_REMOVED",
            "agent_removed": { "agent_id": { "value": agent_id } },
        }));
        true
    }
}

impl ClusterState {
    /// Brings a lost agent back: it is offered again (operator subscribers
    /// get AGENT_ADDED), and its TASK_UNREACHABLE tasks report TASK_RUNNING
    /// again and use its resources. Tasks that went TASK_LOST stay gone, as
    /// the real agent kills them when it re-registers.
    pub(crate) fn agent_recovered(&mut self, agent_id: &str, now: f64) -> bool {
        let Some(i) = self
            .agents
            .iter()
            .position(|a| a.id == agent_id && !a.reachable)
        else {
            return false;
        };
        let keys: Vec<TaskKey> = self
            .tasks
            .iter()
            .filter(|(_, t)| t.agent_id == agent_id && t.state == TaskState::Unreachable)
            .map(|(k, _)| k.clone())
            .collect();
        let agent = &mut self.agents[i];
        agent.reachable = true;
        agent.used = Resources::default();
        agent.offered = Resources::default();
        for key in &keys {
            if let Some(t) = self.tasks.get(key) {
                self.agents[i].used.add(&t.resources);
            }
        }
        for e in self.executors.iter().filter(|e| e.agent_id == agent_id) {
            self.agents[i].used.add(&e.resources);
        }
        self.events.operator(json!({
            "type": "AGENT_ADDED",
            "agent_added": { "agent": render::agent(&self.agents[i]) },
        }));
        for key in keys {
            self.update_task(
                &key,
                TaskState::Running,
                Some("REASON_AGENT_REREGISTERED"),
                Some(&format!("Agent {agent_id} re-registered")),
                Source::Master,
                now,
            );
        }
        self.events.allocate.notify_one();
        true
    }
}

fn uuid(rng: &mut fastrand::Rng) -> String {
    let b: [u8; 16] = std::array::from_fn(|_| rng.u8(..));
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-4{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[13..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The simulated Mesos master: the state behind a lock, and the clocked
/// processes that move it (task lifecycles, the allocator).
#[derive(Debug)]
pub(crate) struct Master {
    pub(crate) clock: SimClock,
    state: Mutex<ClusterState>,
    pub(crate) events: Events,
    pub(crate) heartbeat_interval: Duration,
    pub(crate) task_startup: Duration,
    /// Simulated Unix time the master started, in seconds.
    pub(crate) start_time: f64,
    shutdown: watch::Receiver<bool>,
}

impl Master {
    /// A master over `specs`.
    pub(crate) fn new(
        specs: &[AgentSpec],
        seed: u64,
        clock: SimClock,
        heartbeat_interval: Duration,
        task_startup: Duration,
        shutdown: watch::Receiver<bool>,
    ) -> Self {
        let events = Events {
            operator: broadcast::channel(4096).0,
            tasks: broadcast::channel(4096).0,
            allocate: Arc::new(Notify::new()),
        };
        let state = ClusterState::new(specs, seed, clock.unix_nanos(), events.clone());
        Master {
            start_time: clock.unix_seconds(),
            clock,
            state: Mutex::new(state),
            events,
            heartbeat_interval,
            task_startup,
            shutdown,
        }
    }

    /// The state, locked. Never hold it across an await.
    pub(crate) fn lock(&self) -> MutexGuard<'_, ClusterState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Runs `future` until it ends or the cluster shuts down.
    pub(crate) fn spawn(&self, future: impl Future<Output = ()> + Send + 'static) {
        let mut shutdown = self.shutdown.clone();
        if let Ok(handle) = tokio::runtime::Handle::try_current() {
            handle.spawn(async move {
                tokio::select! {
                    _ = future => {}
                    _ = shutdown.wait_for(|stopped| *stopped) => {}
                }
            });
        }
    }

    /// Starts the allocator: it makes offers when resources or frameworks
    /// change, and every simulated second (the Mesos allocation interval).
    pub(crate) fn start_allocator(self: &Arc<Self>) {
        let master = Arc::clone(self);
        self.spawn(async move {
            // The Mesos allocation interval, 1 simulated second, but never
            // a busy loop however fast the clock.
            let tick = master
                .clock
                .real(Duration::from_secs(1))
                .max(Duration::from_millis(5));
            loop {
                tokio::select! {
                    _ = master.events.allocate.notified() => {}
                    _ = tokio::time::sleep(tick) => {}
                }
                master.lock().allocate(&master.clock);
            }
        });
    }

    /// Moves a task through TASK_STARTING and TASK_RUNNING on the clock,
    /// then ends it as its exit rule says.
    pub(crate) fn start_lifecycle(self: &Arc<Self>, key: TaskKey) {
        let master = Arc::clone(self);
        self.spawn(async move {
            let step = master.task_startup / 2;
            master.clock.sleep(step).await;
            if !master.advance(&key, TaskState::Staging, TaskState::Starting) {
                return;
            }
            master.clock.sleep(step).await;
            if !master.advance(&key, TaskState::Starting, TaskState::Running) {
                return;
            }
            let exit = master.lock().tasks.get(&key).map(|t| t.exit);
            if let Some(Exit::After(after, state)) = exit {
                master.clock.sleep(after).await;
                master.advance(&key, TaskState::Running, state);
            }
        });
    }

    /// Moves a task from `from` to `to`; false if it is no longer in `from`.
    pub(crate) fn advance(&self, key: &TaskKey, from: TaskState, to: TaskState) -> bool {
        let now = self.clock.unix_seconds();
        let mut state = self.lock();
        if state.tasks.get(key).map(|t| t.state) != Some(from) {
            return false;
        }
        let (reason, message) = match to {
            TaskState::Failed => (
                Some("REASON_COMMAND_EXECUTOR_FAILED"),
                Some("Command exited with status 1"),
            ),
            TaskState::Finished => (None, Some("Command exited with status 0")),
            _ => (None, None),
        };
        state.update_task(key, to, reason, message, Source::Executor, now)
    }

    /// Kills a task: TASK_KILLING at once when the framework has the
    /// TASK_KILLING_STATE capability, then TASK_KILLED after a quarter of
    /// the startup time. False if there is no such active task.
    pub(crate) fn kill(self: &Arc<Self>, key: TaskKey) -> bool {
        let now = self.clock.unix_seconds();
        {
            let mut state = self.lock();
            let Some(task) = state.tasks.get(&key) else {
                return false;
            };
            if task.state.is_terminal() || task.state == TaskState::Killing {
                return true;
            }
            let killing = state.frameworks.get(&key.0).is_some_and(|f| {
                f.internal || Framework::has_capability(&f.info, "TASK_KILLING_STATE")
            });
            if killing {
                state.update_task(&key, TaskState::Killing, None, None, Source::Executor, now);
            }
        }
        let master = Arc::clone(self);
        self.spawn(async move {
            master.clock.sleep(master.task_startup / 4).await;
            let now = master.clock.unix_seconds();
            let mut state = master.lock();
            if state
                .tasks
                .get(&key)
                .is_some_and(|t| !t.state.is_terminal())
            {
                state.update_task(
                    &key,
                    TaskState::Killed,
                    None,
                    Some("Command terminated with signal Killed"),
                    Source::Executor,
                    now,
                );
            }
        });
        true
    }
}
