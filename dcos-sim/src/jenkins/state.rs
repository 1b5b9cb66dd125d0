//! The simulated Jenkins's state: items, builds, the queue, Mesos agents
//! and web sessions.

use std::collections::{BTreeMap, HashMap};

use super::config::{Config, Kind, ParamDef};

/// A parameter value of a queue item or build.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ParamValue {
    /// The value class, such as `hudson.model.StringParameterValue`.
    pub(crate) class: String,
    /// The name.
    pub(crate) name: String,
    /// The value, as sent.
    pub(crate) value: String,
}

/// A build's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum BuildResult {
    Success,
    Failure,
    Aborted,
}

impl BuildResult {
    /// As Jenkins writes it.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            BuildResult::Success => "SUCCESS",
            BuildResult::Failure => "FAILURE",
            BuildResult::Aborted => "ABORTED",
        }
    }

    /// The stage-view status of a stage that ended with this result.
    pub(crate) fn stage_status(self) -> &'static str {
        match self {
            BuildResult::Success => "SUCCESS",
            BuildResult::Failure => "FAILED",
            BuildResult::Aborted => "ABORTED",
        }
    }

    /// The ball colour of a job whose last build has this result.
    pub(crate) fn color(self) -> &'static str {
        match self {
            BuildResult::Success => "blue",
            BuildResult::Failure => "red",
            BuildResult::Aborted => "aborted",
        }
    }
}

/// One stage of a Pipeline build, for the stage view.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct StageRun {
    /// The flow node id.
    pub(crate) id: u64,
    /// The stage name.
    pub(crate) name: String,
    /// `IN_PROGRESS`, `SUCCESS`, `FAILED`, `ABORTED`.
    pub(crate) status: &'static str,
    /// Simulated Unix milliseconds.
    pub(crate) start_ms: i64,
    /// Simulated milliseconds.
    pub(crate) duration_ms: i64,
}

/// A build.
#[derive(Debug, Clone)]
pub(crate) struct Build {
    pub(crate) number: u64,
    pub(crate) queue_id: u64,
    pub(crate) params: Vec<ParamValue>,
    pub(crate) user: String,
    /// Simulated Unix milliseconds when it started.
    pub(crate) timestamp_ms: i64,
    /// When it entered the queue.
    pub(crate) queued_ms: i64,
    pub(crate) duration_ms: i64,
    pub(crate) result: Option<BuildResult>,
    pub(crate) building: bool,
    /// The console, as written so far.
    pub(crate) log: String,
    pub(crate) stages: Vec<StageRun>,
    /// The agent it runs (or ran) on.
    pub(crate) node: Option<String>,
    /// Set by `stop`.
    pub(crate) abort_requested: bool,
}

/// A job or folder.
#[derive(Debug, Clone)]
pub(crate) struct Item {
    /// The config.xml, verbatim.
    pub(crate) xml: String,
    /// What was read from it.
    pub(crate) config: Config,
    pub(crate) next_build: u64,
    pub(crate) builds: BTreeMap<u64, Build>,
}

impl Item {
    /// A new item from its config.
    pub(crate) fn new(xml: String, config: Config) -> Self {
        Item {
            xml,
            config,
            next_build: 1,
            builds: BTreeMap::new(),
        }
    }

    /// Whether it can build.
    pub(crate) fn buildable(&self) -> bool {
        self.config.kind != Kind::Folder && !self.config.disabled
    }

    /// The parameters with their values from `given`, defaults otherwise.
    pub(crate) fn param_values(&self, given: &[(String, String)]) -> Vec<ParamValue> {
        let defs: &[ParamDef] = &self.config.params;
        defs.iter()
            .map(|d| {
                let value = given
                    .iter()
                    .rev()
                    .find(|(k, _)| *k == d.name)
                    .map(|(_, v)| v.clone())
                    .unwrap_or_else(|| d.default.clone());
                ParamValue {
                    class: d.value_class(),
                    name: d.name.clone(),
                    value,
                }
            })
            .collect()
    }
}

/// What a queue item will run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Task {
    /// A job's build.
    Job(String),
    /// A Pipeline `node` block of a running build, waiting for an agent.
    Placeholder {
        /// The job's full name.
        job: String,
        /// The build number.
        number: u64,
        /// The label asked for.
        label: Option<String>,
    },
}

/// Where a queue item is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Stage {
    /// In the quiet period.
    Waiting,
    /// Waiting for an executor since then.
    Buildable { since_ms: i64 },
    /// Gone: started (with the build number) or cancelled.
    Left {
        left_ms: i64,
        executable: Option<u64>,
        cancelled: bool,
    },
}

/// A queue item.
#[derive(Debug, Clone)]
pub(crate) struct QueueItem {
    pub(crate) id: u64,
    pub(crate) task: Task,
    pub(crate) params: Vec<ParamValue>,
    pub(crate) user: String,
    pub(crate) in_queue_since_ms: i64,
    /// The end of the quiet period.
    pub(crate) quiet_until_ms: i64,
    pub(crate) stage: Stage,
    /// The agent provisioned for it, while it starts.
    pub(crate) agent: Option<String>,
    /// Why it waits.
    pub(crate) why: Option<String>,
    /// No agent can ever run it.
    pub(crate) stuck: bool,
}

/// A Mesos agent of the cloud: a Jenkins node while its task lives.
#[derive(Debug, Clone)]
pub(crate) struct Agent {
    /// The node name, also the Mesos task id.
    pub(crate) name: String,
    pub(crate) label: String,
    /// Connected (its task is TASK_RUNNING).
    pub(crate) online: bool,
    /// The build it runs.
    pub(crate) busy: Option<(String, u64)>,
}

/// The whole state.
#[derive(Debug)]
pub(crate) struct JenkinsState {
    /// Items by full name (`folder/job`).
    pub(crate) items: BTreeMap<String, Item>,
    pub(crate) queue: BTreeMap<u64, QueueItem>,
    pub(crate) next_queue_id: u64,
    /// Agents by node name.
    pub(crate) agents: BTreeMap<String, Agent>,
    /// Web sessions: id → user.
    pub(crate) sessions: HashMap<String, String>,
    /// The Mesos framework, once registered.
    pub(crate) framework_id: Option<String>,
    pub(crate) rng: fastrand::Rng,
}

impl JenkinsState {
    /// An empty Jenkins.
    pub(crate) fn new(seed: u64) -> Self {
        JenkinsState {
            items: BTreeMap::new(),
            queue: BTreeMap::new(),
            next_queue_id: 1,
            agents: BTreeMap::new(),
            sessions: HashMap::new(),
            framework_id: None,
            rng: fastrand::Rng::with_seed(seed ^ 0x006a_656e_6b69_6e73),
        }
    }

    /// `n` random lowercase hex digits.
    pub(crate) fn hex(&mut self, n: usize) -> String {
        (0..n)
            .map(|_| char::from_digit(self.rng.u32(0..16), 16).unwrap_or('0'))
            .collect()
    }

    /// The parent folder's full name of `full_name` (`""` for the root).
    pub(crate) fn parent(full_name: &str) -> &str {
        full_name.rsplit_once('/').map_or("", |(p, _)| p)
    }

    /// Direct children of folder `parent` (`""` for the root), in order.
    pub(crate) fn children(&self, parent: &str) -> Vec<(&String, &Item)> {
        self.items
            .iter()
            .filter(|(name, _)| Self::parent(name) == parent)
            .collect()
    }
}
