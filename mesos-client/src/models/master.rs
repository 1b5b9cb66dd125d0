//! Responses of the master's operator API (`mesos.v1.master.Response`).

use dcos_auth::json_model;

use super::common::{AgentInfo, ExecutorInfo, FrameworkInfo, Task};
use crate::dialect::{Base64Bytes, Double, TimeInfo, Uint64};
use crate::resources::{AgentId, FrameworkId, Offer, Resource};

json_model! {
    /// GET_HEALTH.
    pub struct GetHealth {
        /// Whether the master is healthy.
        "healthy" healthy: bool,
    }
}

json_model! {
    /// A flag (`Flag`).
    pub struct Flag {
        /// Its name.
        "name" name: String,
        /// Its value, as text.
        "value" value: Option<String>,
    }
}

json_model! {
    /// GET_FLAGS.
    pub struct GetFlags {
        /// The flags.
        "flags" flags: Vec<Flag>,
    }
}

json_model! {
    /// A build's version (`VersionInfo`).
    pub struct VersionInfo {
        /// The version, such as `1.11.0`.
        "version" version: String,
        /// When it was built, as text.
        "build_date" build_date: Option<String>,
        /// When it was built, in seconds since the epoch.
        "build_time" build_time: Option<Double>,
        /// Who built it.
        "build_user" build_user: Option<String>,
        /// The commit.
        "git_sha" git_sha: Option<String>,
        /// The branch.
        "git_branch" git_branch: Option<String>,
        /// The tag.
        "git_tag" git_tag: Option<String>,
    }
}

json_model! {
    /// GET_VERSION.
    pub struct GetVersion {
        /// The version.
        "version_info" version_info: VersionInfo,
    }
}

json_model! {
    /// A metric (`Metric`).
    pub struct Metric {
        /// Its name, such as `master/uptime_secs`.
        "name" name: String,
        /// Its value.
        "value" value: Option<Double>,
    }
}

json_model! {
    /// GET_METRICS.
    pub struct GetMetrics {
        /// The metrics.
        "metrics" metrics: Vec<Metric>,
    }
}

json_model! {
    /// GET_LOGGING_LEVEL.
    pub struct GetLoggingLevel {
        /// The glog verbosity level.
        "level" level: u32,
    }
}

json_model! {
    /// A file in a sandbox or log directory (`FileInfo`).
    pub struct FileInfo {
        /// Its absolute path.
        "path" path: String,
        /// Its number of hard links.
        "nlink" nlink: Option<i32>,
        /// Its size in bytes.
        "size" size: Option<Uint64>,
        /// Its modification time.
        "mtime" mtime: Option<TimeInfo>,
        /// Its mode bits.
        "mode" mode: Option<u32>,
        /// Its owner.
        "uid" uid: Option<String>,
        /// Its group.
        "gid" gid: Option<String>,
    }
}

json_model! {
    /// LIST_FILES.
    pub struct ListFiles {
        /// The files.
        "file_infos" file_infos: Vec<FileInfo>,
    }
}

json_model! {
    /// READ_FILE: a slice of a file.
    pub struct ReadFile {
        /// The file's whole size.
        "size" size: Uint64,
        /// The bytes read.
        "data" data: Base64Bytes,
    }
}

json_model! {
    /// An agent registered with the master (`GetAgents.Agent`).
    pub struct Agent {
        /// Its description.
        "agent_info" agent_info: AgentInfo,
        /// Whether it is connected and not deactivated.
        "active" active: bool,
        /// Whether an operator deactivated it (or it is draining).
        "deactivated" deactivated: Option<bool>,
        /// Its Mesos version.
        "version" version: String,
        /// Its libprocess PID (`slave(1)@10.0.0.1:5051`).
        "pid" pid: Option<String>,
        /// When it registered.
        "registered_time" registered_time: Option<TimeInfo>,
        /// When it last re-registered.
        "reregistered_time" reregistered_time: Option<TimeInfo>,
        /// Everything it has.
        "total_resources" total_resources: Vec<Resource>,
        /// What tasks and executors hold.
        "allocated_resources" allocated_resources: Vec<Resource>,
        /// What is offered.
        "offered_resources" offered_resources: Vec<Resource>,
        /// Its capabilities (`{"type": "MULTI_ROLE"}`…), as sent.
        "capabilities" capabilities: Vec<serde_json::Value>,
        /// Its resource providers, as sent.
        "resource_providers" resource_providers: Vec<serde_json::Value>,
        /// Its draining state (`DrainInfo`), as sent.
        "drain_info" drain_info: Option<serde_json::Value>,
        /// When draining is expected to start.
        "estimated_drain_start_time" estimated_drain_start_time: Option<TimeInfo>,
    }
}

impl Agent {
    /// The agent's ID (empty when absent).
    pub fn id(&self) -> &str {
        self.agent_info.id.as_ref().map_or("", |id| id.as_str())
    }

    /// The input of [`summarize`](crate::resources::summarize) for this agent.
    pub fn resources(&self) -> crate::resources::AgentResources {
        crate::resources::AgentResources::new(
            self.id(),
            self.agent_info.hostname.clone(),
            self.total_resources.clone(),
        )
        .with_allocated(self.allocated_resources.clone())
        .with_offered(self.offered_resources.clone())
    }
}

json_model! {
    /// GET_AGENTS.
    pub struct GetAgents {
        /// Registered agents.
        "agents" agents: Vec<Agent>,
        /// Agents known from the registry that have not re-registered since
        /// the master failed over.
        "recovered_agents" recovered_agents: Vec<AgentInfo>,
    }
}

impl GetAgents {
    /// The input of [`summarize`](crate::resources::summarize).
    pub fn resources(&self) -> Vec<crate::resources::AgentResources> {
        self.agents.iter().map(Agent::resources).collect()
    }
}

json_model! {
    /// A framework known to the master (`GetFrameworks.Framework`).
    pub struct Framework {
        /// Its description.
        "framework_info" framework_info: FrameworkInfo,
        /// Whether it is active (connected and not deactivated).
        "active" active: bool,
        /// Whether its scheduler is connected.
        "connected" connected: bool,
        /// Whether it was recovered from agents after a master failover and
        /// has not re-subscribed yet. Required by the proto, but absent from
        /// some documented examples, so it defaults to `false`.
        "recovered" recovered: bool,
        /// When it registered.
        "registered_time" registered_time: Option<TimeInfo>,
        /// When it last re-registered.
        "reregistered_time" reregistered_time: Option<TimeInfo>,
        /// When it unregistered.
        "unregistered_time" unregistered_time: Option<TimeInfo>,
        /// Its outstanding offers.
        "offers" offers: Vec<Offer>,
        /// Its outstanding inverse offers, as sent.
        "inverse_offers" inverse_offers: Vec<serde_json::Value>,
        /// What its tasks and executors hold.
        "allocated_resources" allocated_resources: Vec<Resource>,
        /// What it is offered.
        "offered_resources" offered_resources: Vec<Resource>,
        /// Its offer constraints, as sent.
        "offer_constraints" offer_constraints: Option<serde_json::Value>,
    }
}

json_model! {
    /// GET_FRAMEWORKS.
    pub struct GetFrameworks {
        /// Frameworks that are registered or recovered.
        "frameworks" frameworks: Vec<Framework>,
        /// Frameworks that were torn down or removed.
        "completed_frameworks" completed_frameworks: Vec<Framework>,
        /// Deprecated: recovered frameworks' descriptions.
        "recovered_frameworks" recovered_frameworks: Vec<FrameworkInfo>,
    }
}

json_model! {
    /// An executor and its agent (`GetExecutors.Executor`).
    pub struct Executor {
        /// Its description.
        "executor_info" executor_info: ExecutorInfo,
        /// Its agent.
        "agent_id" agent_id: AgentId,
    }
}

json_model! {
    /// GET_EXECUTORS.
    pub struct GetExecutors {
        /// The executors.
        "executors" executors: Vec<Executor>,
        /// Deprecated: executors of unknown frameworks.
        "orphan_executors" orphan_executors: Vec<Executor>,
    }
}

/// GET_TASKS.
///
/// Decoded by hand rather than by `json_model!`: each task releases the
/// spare capacity of its lists ([`Task::shrink_to_fit`]) as soon as it is
/// decoded, which keeps a large GET_STATE small in memory.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct GetTasks {
    /// Deprecated: tasks not yet launched.
    pub pending_tasks: Vec<Task>,
    /// Tasks that are not terminal.
    pub tasks: Vec<Task>,
    /// Tasks on unreachable agents.
    pub unreachable_tasks: Vec<Task>,
    /// Terminal tasks the master still remembers.
    pub completed_tasks: Vec<Task>,
    /// Deprecated: tasks of unknown frameworks.
    pub orphan_tasks: Vec<Task>,
    /// Fields this version of the model does not know, written back
    /// unchanged.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl dcos_auth::model::Field for GetTasks {
    fn is_unset(&self) -> bool {
        false
    }
}

impl GetTasks {
    const FIELDS: [&'static str; 5] = [
        "pending_tasks",
        "tasks",
        "unreachable_tasks",
        "completed_tasks",
        "orphan_tasks",
    ];

    fn lists(&self) -> [&Vec<Task>; 5] {
        [
            &self.pending_tasks,
            &self.tasks,
            &self.unreachable_tasks,
            &self.completed_tasks,
            &self.orphan_tasks,
        ]
    }
}

impl serde::Serialize for GetTasks {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap as _;
        let mut map = serializer.serialize_map(None)?;
        for (key, list) in GetTasks::FIELDS.iter().zip(self.lists()) {
            map.serialize_entry(key, list)?;
        }
        for (key, value) in &self.extra {
            if !GetTasks::FIELDS.contains(&key.as_str()) {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

/// A list of tasks, each shrunk as soon as it is decoded.
struct ShrunkTasks;

impl<'de> serde::de::DeserializeSeed<'de> for ShrunkTasks {
    type Value = Vec<Task>;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> Result<Vec<Task>, D::Error> {
        d.deserialize_seq(self)
    }
}

impl<'de> serde::de::Visitor<'de> for ShrunkTasks {
    type Value = Vec<Task>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a list of tasks")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Vec<Task>, A::Error> {
        let mut out = Vec::new();
        while let Some(mut task) = seq.next_element::<Task>()? {
            task.shrink_to_fit();
            out.push(task);
        }
        out.shrink_to_fit();
        Ok(out)
    }
}

impl<'de> serde::Deserialize<'de> for GetTasks {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct TasksVisitor;
        impl<'de> serde::de::Visitor<'de> for TasksVisitor {
            type Value = GetTasks;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("a GetTasks object")
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                mut map: A,
            ) -> Result<GetTasks, A::Error> {
                let mut out = GetTasks::default();
                while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
                    let slot = match &*key {
                        "pending_tasks" => &mut out.pending_tasks,
                        "tasks" => &mut out.tasks,
                        "unreachable_tasks" => &mut out.unreachable_tasks,
                        "completed_tasks" => &mut out.completed_tasks,
                        "orphan_tasks" => &mut out.orphan_tasks,
                        _ => {
                            let value = map.next_value()?;
                            out.extra.insert(key.into_owned(), value);
                            continue;
                        }
                    };
                    *slot = map.next_value_seed(ShrunkTasks)?;
                }
                Ok(out)
            }
        }
        d.deserialize_map(TasksVisitor)
    }
}

impl GetTasks {
    /// Every task, in every list.
    pub fn all(&self) -> impl Iterator<Item = &Task> {
        self.pending_tasks
            .iter()
            .chain(&self.tasks)
            .chain(&self.unreachable_tasks)
            .chain(&self.completed_tasks)
            .chain(&self.orphan_tasks)
    }
}

json_model! {
    /// GET_STATE: tasks, executors, frameworks and agents in one answer.
    pub struct GetState {
        /// The tasks.
        "get_tasks" get_tasks: GetTasks,
        /// The executors.
        "get_executors" get_executors: GetExecutors,
        /// The frameworks.
        "get_frameworks" get_frameworks: GetFrameworks,
        /// The agents.
        "get_agents" get_agents: GetAgents,
    }
}

json_model! {
    /// A role (`Role`).
    pub struct Role {
        /// Its name.
        "name" name: String,
        /// Its weight.
        "weight" weight: Double,
        /// Its frameworks.
        "frameworks" frameworks: Vec<FrameworkId>,
        /// Deprecated: its allocated resources.
        "resources" resources: Vec<Resource>,
        /// Its allocated resource quantities, as sent.
        "allocated" allocated: Vec<serde_json::Value>,
        /// Its offered resource quantities, as sent.
        "offered" offered: Vec<serde_json::Value>,
        /// Its reserved resource quantities, as sent.
        "reserved" reserved: Vec<serde_json::Value>,
        /// Its quota (`QuotaInfo`), as sent.
        "quota" quota: Option<serde_json::Value>,
    }
}

json_model! {
    /// GET_ROLES.
    pub struct GetRoles {
        /// The roles.
        "roles" roles: Vec<Role>,
    }
}

json_model! {
    /// A role's weight (`WeightInfo`).
    pub struct WeightInfo {
        /// The weight.
        "weight" weight: Double,
        /// The role.
        "role" role: Option<String>,
    }
}

impl WeightInfo {
    /// `role` weighs `weight`.
    pub fn new(role: impl Into<String>, weight: f64) -> Self {
        WeightInfo {
            weight: Double(weight),
            role: Some(role.into()),
            ..WeightInfo::default()
        }
    }
}

json_model! {
    /// GET_WEIGHTS.
    pub struct GetWeights {
        /// The weights.
        "weight_infos" weight_infos: Vec<WeightInfo>,
    }
}

json_model! {
    /// A master's description (`MasterInfo`).
    pub struct MasterInfo {
        /// Its ID.
        "id" id: String,
        /// Its IPv4 address as a number (network byte order).
        "ip" ip: u32,
        /// Its port.
        "port" port: u32,
        /// Its libprocess PID.
        "pid" pid: Option<String>,
        /// Its hostname.
        "hostname" hostname: Option<String>,
        /// Its version.
        "version" version: Option<String>,
        /// Its address (`Address`: hostname, ip, port), as sent.
        "address" address: Option<serde_json::Value>,
        /// Its fault domain, as sent.
        "domain" domain: Option<serde_json::Value>,
        /// Its capabilities, as sent.
        "capabilities" capabilities: Vec<serde_json::Value>,
    }
}

json_model! {
    /// GET_MASTER.
    pub struct GetMaster {
        /// The leading master.
        "master_info" master_info: Option<MasterInfo>,
        /// When it started, in seconds since the epoch.
        "start_time" start_time: Option<Double>,
        /// When it was elected, in seconds since the epoch.
        "elected_time" elected_time: Option<Double>,
    }
}

json_model! {
    /// GET_OPERATIONS.
    pub struct GetOperations {
        /// The operations (`Operation`: framework, agent, info, latest
        /// status, statuses, uuid), as sent.
        "operations" operations: Vec<serde_json::Value>,
    }
}

json_model! {
    /// GET_MAINTENANCE_STATUS.
    pub struct GetMaintenanceStatus {
        /// The status (`maintenance.ClusterStatus`: `draining_machines`,
        /// `down_machines`), as sent.
        "status" status: serde_json::Value,
    }
}

json_model! {
    /// GET_MAINTENANCE_SCHEDULE.
    pub struct GetMaintenanceSchedule {
        /// The schedule.
        "schedule" schedule: MaintenanceSchedule,
    }
}

json_model! {
    /// A maintenance schedule (`maintenance.Schedule`).
    pub struct MaintenanceSchedule {
        /// The windows (`maintenance.Window`: `machine_ids`,
        /// `unavailability`), as sent.
        "windows" windows: Vec<serde_json::Value>,
    }
}

json_model! {
    /// GET_QUOTA.
    pub struct GetQuota {
        /// The status (`quota.QuotaStatus`: `infos`, `configs`), as sent.
        "status" status: serde_json::Value,
    }
}
