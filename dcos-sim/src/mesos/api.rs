//! The crate API other simulated services use to run tasks on the
//! simulated agents (Marathon instances, Jenkins build agents), with the
//! same resource accounting as scheduler-API tasks.

use std::collections::HashMap;
use std::time::Duration;

use serde_json::{Value, json};
use tokio::sync::broadcast;

use crate::sim::SimState;
use crate::state::framework::Framework;
use crate::state::resources::Resources;
use crate::state::task::{Exit, TaskState};
use crate::state::{NewTask, TaskUpdate};

/// A snapshot of one agent.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AgentView {
    /// The agent id.
    pub id: String,
    /// Its hostname (a 127.0.1.x address).
    pub hostname: String,
    /// Whether it is reachable.
    pub reachable: bool,
    /// Its total resources.
    pub total: Amounts,
    /// What no task uses.
    pub free: Amounts,
    /// Its attributes.
    pub attributes: Vec<(String, String)>,
}

/// Resource amounts: scalars, and a count of ports.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
#[non_exhaustive]
pub struct Amounts {
    /// CPUs.
    pub cpus: f64,
    /// Memory, MB.
    pub mem: f64,
    /// Disk, MB.
    pub disk: f64,
    /// Ports.
    pub ports: u64,
}

impl Amounts {
    fn of(r: &Resources) -> Self {
        Amounts {
            cpus: r.scalar("cpus"),
            mem: r.scalar("mem"),
            disk: r.scalar("disk"),
            ports: r.range_count("ports"),
        }
    }
}

/// A snapshot of one active task.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct TaskView {
    /// The framework.
    pub framework_id: String,
    /// The task id.
    pub task_id: String,
    /// The task name.
    pub name: String,
    /// The agent.
    pub agent_id: String,
    /// The agent's hostname.
    pub hostname: String,
    /// The state.
    pub state: TaskState,
    /// The ports it holds.
    pub ports: Vec<u64>,
}

/// A task to launch through [`Mesos::launch`].
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct TaskSpec {
    pub(crate) task_id: String,
    pub(crate) name: String,
    pub(crate) cpus: f64,
    pub(crate) mem: f64,
    pub(crate) disk: f64,
    pub(crate) ports: u64,
    pub(crate) agent_id: Option<String>,
    pub(crate) run_for: Option<(Duration, TaskState)>,
    pub(crate) labels: Vec<(String, String)>,
    pub(crate) image: Option<String>,
}

impl TaskSpec {
    /// A task with this id and name, using nothing yet.
    pub fn new(task_id: impl Into<String>, name: impl Into<String>) -> Self {
        TaskSpec {
            task_id: task_id.into(),
            name: name.into(),
            cpus: 0.0,
            mem: 0.0,
            disk: 0.0,
            ports: 0,
            agent_id: None,
            run_for: None,
            labels: Vec::new(),
            image: None,
        }
    }

    /// CPUs, memory (MB) and disk (MB).
    pub fn resources(mut self, cpus: f64, mem: f64, disk: f64) -> Self {
        self.cpus = cpus;
        self.mem = mem;
        self.disk = disk;
        self
    }

    /// How many host ports it needs (the lowest free ones are taken).
    pub fn ports(mut self, count: u64) -> Self {
        self.ports = count;
        self
    }

    /// Launches on this agent only.
    pub fn on_agent(mut self, agent_id: impl Into<String>) -> Self {
        self.agent_id = Some(agent_id.into());
        self
    }

    /// Ends on its own after running this long (simulated), in `state`
    /// (TASK_FINISHED or TASK_FAILED). Without it, it runs until killed or
    /// [`finished`](Mesos::finish).
    pub fn run_for(mut self, duration: Duration, state: TaskState) -> Self {
        self.run_for = Some((duration, state));
        self
    }

    /// Adds a label, shown in the task's `labels`.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.labels.push((key.into(), value.into()));
        self
    }

    /// The Docker image, shown in the task's `container`.
    pub fn image(mut self, image: impl Into<String>) -> Self {
        self.image = Some(image.into());
        self
    }
}

/// Why a task could not launch.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum LaunchError {
    /// No such framework.
    UnknownFramework(String),
    /// The framework already has an active task with this id.
    DuplicateTask(String),
    /// No reachable agent (or not the one asked for) has the resources free.
    NoResources {
        /// What was asked, in words.
        wanted: String,
    },
}

impl std::fmt::Display for LaunchError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LaunchError::UnknownFramework(id) => write!(f, "no framework {id}"),
            LaunchError::DuplicateTask(id) => write!(f, "task {id} already exists"),
            LaunchError::NoResources { wanted } => write!(f, "no agent has {wanted} free"),
        }
    }
}

impl std::error::Error for LaunchError {}

/// The simulated Mesos master, for the other simulated services (see
/// [`SimCluster::mesos`](crate::SimCluster::mesos)). Cheap to clone.
///
/// Tasks launched here are real tasks of the master: they use agent
/// resources (so scheduler-API frameworks see smaller offers), go through
/// TASK_STAGING, TASK_STARTING and TASK_RUNNING on the clock, appear in
/// GET_STATE and the operator event stream, and free their resources when
/// they end.
#[derive(Clone)]
pub struct Mesos {
    sim: SimState,
}

impl std::fmt::Debug for Mesos {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mesos").finish_non_exhaustive()
    }
}

impl Mesos {
    pub(crate) fn new(sim: SimState) -> Self {
        Mesos { sim }
    }

    /// Registers a framework run by a simulated service (Marathon,
    /// Jenkins): connected, getting no offers. Returns its id.
    pub fn register_framework(&self, name: &str, role: &str, principal: &str) -> String {
        let now = self.sim.clock.unix_nanos();
        let mut state = self.sim.mesos.lock();
        let id = state.new_framework_id();
        let info = json!({
            "id": { "value": id },
            "name": name,
            "user": "root",
            "hostname": "127.0.0.1",
            "role": role,
            "principal": principal,
            "failover_timeout": 604800.0,
            "checkpoint": true,
            "capabilities": [{ "type": "TASK_KILLING_STATE" }, { "type": "PARTITION_AWARE" }],
        });
        state.add_framework(Framework {
            id: id.clone(),
            info,
            role: role.to_owned(),
            active: true,
            registered_nanos: now,
            reregistered_nanos: now,
            subscriber: None,
            last_stream_id: None,
            internal: true,
            suppressed: true,
            filters: HashMap::new(),
            partition_aware: true,
            failover_timeout: 604_800.0,
        });
        id
    }

    /// Launches a task for `framework_id` on the first reachable agent
    /// (in order) with the resources free, or on the agent the spec names.
    /// Outstanding offers on that agent are rescinded if they are in the
    /// way.
    pub fn launch(&self, framework_id: &str, spec: TaskSpec) -> Result<TaskView, LaunchError> {
        let mut state = self.sim.mesos.lock();
        let Some(framework) = state.frameworks.get(framework_id) else {
            return Err(LaunchError::UnknownFramework(framework_id.to_owned()));
        };
        let role = framework.role.clone();
        let key = (framework_id.to_owned(), spec.task_id.clone());
        if state.tasks.contains_key(&key) {
            return Err(LaunchError::DuplicateTask(spec.task_id));
        }
        let scalars = Resources::default()
            .with_scalar("cpus", spec.cpus)
            .with_scalar("mem", spec.mem)
            .with_scalar("disk", spec.disk);
        let chosen = state.agents.iter().find_map(|a| {
            if !a.reachable || spec.agent_id.as_ref().is_some_and(|id| *id != a.id) {
                return None;
            }
            let unused = a.unused();
            let ports = unused.take_lowest("ports", spec.ports)?;
            let wanted = scalars.clone().with_ranges("ports", &ports);
            unused
                .contains(&wanted)
                .then(|| (a.id.clone(), a.hostname.clone(), wanted))
        });
        let Some((agent_id, hostname, resources)) = chosen else {
            return Err(LaunchError::NoResources {
                wanted: format!(
                    "cpus {}, mem {}, disk {}, {} ports",
                    spec.cpus, spec.mem, spec.disk, spec.ports
                ),
            });
        };
        // Offers holding what the task needs are taken back.
        let in_the_way: Vec<String> = state
            .offers
            .values()
            .filter(|o| o.agent_id == agent_id)
            .map(|o| o.id.clone())
            .collect();
        if state
            .agent(&agent_id)
            .is_some_and(|a| !a.available().contains(&resources))
        {
            for id in in_the_way {
                state.rescind_offer(&id);
            }
        }
        let ports: Vec<u64> = resources
            .ranges("ports")
            .iter()
            .flat_map(|(b, e)| *b..=*e)
            .collect();
        let mut info = json!({
            "name": spec.name,
            "task_id": { "value": spec.task_id },
            "agent_id": { "value": agent_id },
            "command": { "shell": true },
        });
        if let Some(map) = info.as_object_mut() {
            if !spec.labels.is_empty() {
                let labels: Vec<Value> = spec
                    .labels
                    .iter()
                    .map(|(k, v)| json!({ "key": k, "value": v }))
                    .collect();
                map.insert("labels".into(), json!({ "labels": labels }));
            }
            if let Some(image) = &spec.image {
                map.insert(
                    "container".into(),
                    json!({ "type": "DOCKER", "docker": { "image": image } }),
                );
            }
        }
        let exit = match spec.run_for {
            Some((after, state)) => Exit::After(after, state),
            None => Exit::Never,
        };
        let key = state.add_task(NewTask {
            id: spec.task_id.clone(),
            name: spec.name.clone(),
            framework_id: framework_id.to_owned(),
            agent_id: agent_id.clone(),
            executor_id: None,
            resources,
            role,
            info,
            exit,
        });
        drop(state);
        self.sim.mesos.start_lifecycle(key);
        Ok(TaskView {
            framework_id: framework_id.to_owned(),
            task_id: spec.task_id,
            name: spec.name,
            agent_id,
            hostname,
            state: TaskState::Staging,
            ports,
        })
    }

    /// Kills a task (TASK_KILLING, then TASK_KILLED on the clock). False if
    /// there is no such active task.
    pub fn kill(&self, framework_id: &str, task_id: &str) -> bool {
        self.sim
            .mesos
            .kill((framework_id.to_owned(), task_id.to_owned()))
    }

    /// Ends a running task now in `state` (TASK_FINISHED, TASK_FAILED…),
    /// freeing its resources. False if there is no such active task.
    pub fn finish(&self, framework_id: &str, task_id: &str, state: TaskState) -> bool {
        let now = self.sim.clock.unix_seconds();
        let key = (framework_id.to_owned(), task_id.to_owned());
        let mut cluster = self.sim.mesos.lock();
        if cluster
            .tasks
            .get(&key)
            .is_none_or(|t| t.state.is_terminal())
        {
            return false;
        }
        cluster.update_task(&key, state, None, None, crate::state::Source::Executor, now)
    }

    /// Every task status change from now on, for every framework.
    pub fn task_updates(&self) -> broadcast::Receiver<TaskUpdate> {
        self.sim.mesos.events.tasks.subscribe()
    }

    /// The agents, reachable or not, in order.
    pub fn agents(&self) -> Vec<AgentView> {
        let state = self.sim.mesos.lock();
        state
            .agents
            .iter()
            .map(|a| AgentView {
                id: a.id.clone(),
                hostname: a.hostname.clone(),
                reachable: a.reachable,
                total: Amounts::of(&a.total),
                free: Amounts::of(&a.unused()),
                attributes: a.attributes.clone(),
            })
            .collect()
    }

    /// The active tasks (unreachable ones included), by framework and id.
    pub fn tasks(&self) -> Vec<TaskView> {
        let state = self.sim.mesos.lock();
        state
            .tasks
            .values()
            .map(|t| TaskView {
                framework_id: t.framework_id.clone(),
                task_id: t.id.clone(),
                name: t.name.clone(),
                agent_id: t.agent_id.clone(),
                hostname: state
                    .agents
                    .iter()
                    .find(|a| a.id == t.agent_id)
                    .map(|a| a.hostname.clone())
                    .unwrap_or_default(),
                state: t.state,
                ports: t
                    .resources
                    .ranges("ports")
                    .iter()
                    .flat_map(|(b, e)| *b..=*e)
                    .collect(),
            })
            .collect()
    }
}
