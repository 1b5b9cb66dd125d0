//! `mesos.proto` messages shared by the master and agent operator APIs.

use dcos_auth::{json_model, string_enum};

use crate::dialect::{Base64Bytes, Double, TimeInfo};
use crate::docker::{CommandInfo, ContainerInfo};
use crate::resources::{
    AgentId, Attribute, ExecutorId, FrameworkId, Labels, Resource, TaskId, ValueScalar,
};

string_enum! {
    /// A task's state (`TaskState`).
    pub enum TaskState {
        /// Initial state.
        Staging = "TASK_STAGING",
        /// Being launched by the executor.
        Starting = "TASK_STARTING",
        /// Running.
        Running = "TASK_RUNNING",
        /// Being killed by the executor.
        Killing = "TASK_KILLING",
        /// Terminal: finished successfully.
        Finished = "TASK_FINISHED",
        /// Terminal: failed.
        Failed = "TASK_FAILED",
        /// Terminal: killed.
        Killed = "TASK_KILLED",
        /// Terminal: the task description has an error.
        Error = "TASK_ERROR",
        /// Failed but can be rescheduled (may come back).
        Lost = "TASK_LOST",
        /// Terminal: dropped before it started.
        Dropped = "TASK_DROPPED",
        /// The agent is unreachable; the task may come back.
        Unreachable = "TASK_UNREACHABLE",
        /// Terminal: the agent is gone.
        Gone = "TASK_GONE",
        /// The agent was marked gone by an operator.
        GoneByOperator = "TASK_GONE_BY_OPERATOR",
        /// The master knows nothing of the task (reconciliation).
        TaskUnknown = "TASK_UNKNOWN",
    }
}

impl TaskState {
    /// Whether the state is terminal: the task will never run again.
    pub fn is_terminal(&self) -> bool {
        matches!(
            self,
            TaskState::Finished
                | TaskState::Failed
                | TaskState::Killed
                | TaskState::Error
                | TaskState::Dropped
                | TaskState::Gone
                | TaskState::GoneByOperator
        )
    }
}

json_model! {
    /// A framework's description (`FrameworkInfo`).
    pub struct FrameworkInfo {
        /// The user its executors and tasks run as.
        "user" user: String,
        /// Its name.
        "name" name: String,
        /// Its ID, once registered.
        "id" id: Option<FrameworkId>,
        /// Seconds the master waits for it to fail over before its tasks are
        /// killed. 0 kills them on disconnect.
        "failover_timeout" failover_timeout: Option<Double>,
        /// Whether agents checkpoint its tasks.
        "checkpoint" checkpoint: Option<bool>,
        /// The legacy single role (deprecated).
        "role" role: Option<String>,
        /// Its roles (MULTI_ROLE).
        "roles" roles: Vec<String>,
        /// The scheduler's host.
        "hostname" hostname: Option<String>,
        /// The principal it authenticated as.
        "principal" principal: Option<String>,
        /// Its web UI.
        "webui_url" webui_url: Option<String>,
        /// Its capabilities (`{"type": "MULTI_ROLE"}`…), as sent.
        "capabilities" capabilities: Vec<serde_json::Value>,
        /// Its labels.
        "labels" labels: Option<Labels>,
        /// Per-role settings (`offer_filters`…), as sent.
        "offer_filters" offer_filters: Option<serde_json::Value>,
    }
}

json_model! {
    /// An agent's description (`AgentInfo`).
    pub struct AgentInfo {
        /// Its hostname.
        "hostname" hostname: String,
        /// Its port (5051 when absent).
        "port" port: Option<i32>,
        /// The resources it started with.
        "resources" resources: Vec<Resource>,
        /// Its attributes.
        "attributes" attributes: Vec<Attribute>,
        /// Its ID.
        "id" id: Option<AgentId>,
        /// Its fault domain (`DomainInfo`), as sent.
        "domain" domain: Option<serde_json::Value>,
    }
}

json_model! {
    /// An executor's description (`ExecutorInfo`).
    pub struct ExecutorInfo {
        /// `DEFAULT` or `CUSTOM`.
        "type" kind: Option<String>,
        /// Its ID.
        "executor_id" executor_id: ExecutorId,
        /// Its framework.
        "framework_id" framework_id: Option<FrameworkId>,
        /// The command that runs it.
        "command" command: Option<Box<CommandInfo>>,
        /// Its container.
        "container" container: Option<Box<ContainerInfo>>,
        /// Its resources.
        "resources" resources: Vec<Resource>,
        /// Its name.
        "name" name: Option<String>,
        /// Its source (deprecated).
        "source" source: Option<String>,
        /// Opaque data.
        "data" data: Option<Base64Bytes>,
        /// Service discovery (`DiscoveryInfo`), as sent.
        "discovery" discovery: Option<serde_json::Value>,
        /// The grace period to shut it down (`DurationInfo`), as sent.
        "shutdown_grace_period" shutdown_grace_period: Option<serde_json::Value>,
        /// Its labels.
        "labels" labels: Option<Labels>,
    }
}

string_enum! {
    /// Who sent a status update (`TaskStatus.Source`).
    pub enum StatusSource {
        /// The master.
        Master = "SOURCE_MASTER",
        /// The agent.
        Agent = "SOURCE_AGENT",
        /// The executor.
        Executor = "SOURCE_EXECUTOR",
    }
}

json_model! {
    /// A status update of a task (`TaskStatus`).
    pub struct TaskStatus {
        /// The task.
        "task_id" task_id: TaskId,
        /// Its state.
        "state" state: Option<TaskState>,
        /// Why, in words.
        "message" message: Option<String>,
        /// Who sent it.
        "source" source: Option<StatusSource>,
        /// Why, as a `Reason` (`REASON_COMMAND_EXECUTOR_FAILED`…).
        "reason" reason: Option<String>,
        /// Opaque data from the executor (boxed: rarely sent).
        "data" data: Option<Box<Base64Bytes>>,
        /// The agent.
        "agent_id" agent_id: Option<AgentId>,
        /// The executor.
        "executor_id" executor_id: Option<ExecutorId>,
        /// When, in seconds since the epoch.
        "timestamp" timestamp: Option<Double>,
        /// The update's UUID; only updates with one are acknowledged.
        "uuid" uuid: Option<Base64Bytes>,
        /// The health check's verdict.
        "healthy" healthy: Option<bool>,
        /// The check's status (`CheckStatusInfo`), as sent.
        "check_status" check_status: Option<Box<serde_json::Value>>,
        /// Labels.
        "labels" labels: Option<Box<Labels>>,
        /// The container's status: its ID, addresses, cgroup, executor pid.
        "container_status" container_status: Option<Box<ContainerStatus>>,
        /// Unreachable since (`TimeInfo`).
        "unreachable_time" unreachable_time: Option<Box<TimeInfo>>,
        /// The resource limit that was hit (`TaskResourceLimitation`), as sent.
        "limitation" limitation: Option<Box<serde_json::Value>>,
    }
}

json_model! {
    /// A task as the master or agent knows it (`Task`).
    pub struct Task {
        /// Its name.
        "name" name: String,
        /// Its ID.
        "task_id" task_id: TaskId,
        /// Its framework.
        "framework_id" framework_id: FrameworkId,
        /// Its executor.
        "executor_id" executor_id: Option<ExecutorId>,
        /// Its agent.
        "agent_id" agent_id: AgentId,
        /// Its latest state.
        "state" state: Option<TaskState>,
        /// Its resources.
        "resources" resources: Vec<Resource>,
        /// Its status updates, oldest first.
        "statuses" statuses: Vec<TaskStatus>,
        /// The state of the latest update not yet acknowledged.
        "status_update_state" status_update_state: Option<TaskState>,
        /// The UUID of that update.
        "status_update_uuid" status_update_uuid: Option<Box<Base64Bytes>>,
        /// Its labels.
        "labels" labels: Option<Labels>,
        /// Service discovery (`DiscoveryInfo`), as sent.
        "discovery" discovery: Option<Box<serde_json::Value>>,
        /// Its container.
        "container" container: Option<Box<ContainerInfo>>,
        /// Its health check (`HealthCheck`), as sent.
        "health_check" health_check: Option<Box<serde_json::Value>>,
        /// Its kill policy (`KillPolicy`), as sent.
        "kill_policy" kill_policy: Option<Box<serde_json::Value>>,
        /// The user it runs as.
        "user" user: Option<String>,
        /// Resource limits above the request.
        "limits" limits: Option<Box<std::collections::BTreeMap<String, ValueScalar>>>,
    }
}

impl TaskStatus {
    /// Releases the spare capacity of its lists.
    pub fn shrink_to_fit(&mut self) {
        if let Some(status) = self.container_status.as_deref_mut() {
            status.network_infos.shrink_to_fit();
            for info in &mut status.network_infos {
                info.ip_addresses.shrink_to_fit();
                info.groups.shrink_to_fit();
                if let Some(labels) = info.labels.as_deref_mut() {
                    labels.labels.shrink_to_fit();
                }
            }
        }
        if let Some(labels) = self.labels.as_deref_mut() {
            labels.labels.shrink_to_fit();
        }
    }
}

impl Task {
    /// Releases the spare capacity of its lists (statuses, resources,
    /// labels): a list decoded from JSON grows by doubling, and a task with
    /// two statuses would otherwise hold room for four.
    ///
    /// Its statuses' task, agent and executor IDs, when they are the task's
    /// own, share the task's copy instead of holding their own.
    pub fn shrink_to_fit(&mut self) {
        self.resources.shrink_to_fit();
        for resource in &mut self.resources {
            resource.shrink_to_fit();
        }
        for status in &mut self.statuses {
            status.task_id.share(&self.task_id);
            if let Some(agent_id) = status.agent_id.as_mut() {
                agent_id.share(&self.agent_id);
            }
            if let (Some(mine), Some(task)) = (status.executor_id.as_mut(), &self.executor_id) {
                mine.share(task);
            }
        }
        self.statuses.shrink_to_fit();
        for status in &mut self.statuses {
            status.shrink_to_fit();
        }
        if let Some(labels) = self.labels.as_mut() {
            labels.labels.shrink_to_fit();
        }
    }
}

json_model! {
    /// A container's ID (`ContainerID`); nested containers name their parent.
    pub struct ContainerId {
        /// The ID.
        "value" value: String,
        /// The parent container, for a nested one.
        "parent" parent: Option<Box<ContainerId>>,
    }
}

impl ContainerId {
    /// A top-level container's ID.
    pub fn new(value: impl Into<String>) -> Self {
        ContainerId {
            value: value.into(),
            ..ContainerId::default()
        }
    }
}

json_model! {
    /// A machine (`MachineID`), as maintenance names it.
    pub struct MachineId {
        /// Its hostname.
        "hostname" hostname: Option<String>,
        /// Its IP address.
        "ip" ip: Option<String>,
    }
}

json_model! {
    /// A container's status (`ContainerStatus`), as a task status carries
    /// it.
    pub struct ContainerStatus {
        /// The container.
        "container_id" container_id: Option<ContainerId>,
        /// Its networks and addresses.
        "network_infos" network_infos: Vec<NetworkInfo>,
        /// Its cgroups (`CgroupInfo`), as sent.
        "cgroup_info" cgroup_info: Option<Box<serde_json::Value>>,
        /// The executor's process ID.
        "executor_pid" executor_pid: Option<u32>,
    }
}

json_model! {
    /// A container's network (`NetworkInfo`).
    pub struct NetworkInfo {
        /// Its addresses.
        "ip_addresses" ip_addresses: Vec<IpAddress>,
        /// The network's name (CNI).
        "name" name: Option<String>,
        /// Its groups.
        "groups" groups: Vec<String>,
        /// Its labels (boxed: rarely sent).
        "labels" labels: Option<Box<Labels>>,
        /// Its port mappings (`NetworkInfo.PortMapping`), as sent.
        "port_mappings" port_mappings: Vec<serde_json::Value>,
    }
}

string_enum! {
    /// An IP address's protocol (`NetworkInfo.Protocol`).
    pub enum IpProtocol {
        /// IPv4.
        Ipv4 = "IPv4",
        /// IPv6.
        Ipv6 = "IPv6",
    }
}

json_model! {
    /// An address of a container (`NetworkInfo.IPAddress`).
    pub struct IpAddress {
        /// `IPv4` or `IPv6`; `IPv4` when absent.
        "protocol" protocol: Option<IpProtocol>,
        /// The address.
        "ip_address" ip_address: Option<String>,
    }
}
