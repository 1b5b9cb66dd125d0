//! The scheduler `Call` (`scheduler.proto`), as the master reads it.

use dcos_auth::{json_model, string_enum};

use crate::dialect::{Base64Bytes, Double};
use crate::docker::TaskInfo;
use crate::models::FrameworkInfo;
use crate::resources::{AgentId, ExecutorId, OfferId, Resource, TaskId};

string_enum! {
    /// A scheduler call's type (`Call.Type`).
    pub enum CallType {
        /// Subscribe; answered by the event stream.
        Subscribe = "SUBSCRIBE",
        /// Remove the framework and kill all its tasks.
        Teardown = "TEARDOWN",
        /// Use offers.
        Accept = "ACCEPT",
        /// Refuse offers.
        Decline = "DECLINE",
        /// Accept inverse offers.
        AcceptInverseOffers = "ACCEPT_INVERSE_OFFERS",
        /// Decline inverse offers.
        DeclineInverseOffers = "DECLINE_INVERSE_OFFERS",
        /// Remove filters and ask for offers again.
        Revive = "REVIVE",
        /// Kill a task.
        Kill = "KILL",
        /// Shut an executor down.
        Shutdown = "SHUTDOWN",
        /// Acknowledge a status update.
        Acknowledge = "ACKNOWLEDGE",
        /// Acknowledge an operation status update.
        AcknowledgeOperationStatus = "ACKNOWLEDGE_OPERATION_STATUS",
        /// Ask for the latest state of tasks.
        Reconcile = "RECONCILE",
        /// Ask for the latest state of operations.
        ReconcileOperations = "RECONCILE_OPERATIONS",
        /// Send a message to an executor.
        Message = "MESSAGE",
        /// Ask for resources (unused by the built-in allocator).
        Request = "REQUEST",
        /// Stop receiving offers.
        Suppress = "SUPPRESS",
        /// Change the `FrameworkInfo`.
        UpdateFramework = "UPDATE_FRAMEWORK",
    }
}

impl Default for CallType {
    fn default() -> Self {
        CallType::Unknown(String::new())
    }
}

json_model! {
    /// A call to `POST api/v1/scheduler` (`Call`): its type, the framework
    /// (every call but the first SUBSCRIBE) and the payload of its type.
    pub struct Call {
        /// The framework, once known.
        "framework_id" framework_id: Option<crate::resources::FrameworkId>,
        /// The call's type.
        "type" kind: CallType,
        /// SUBSCRIBE.
        "subscribe" subscribe: Option<Subscribe>,
        /// ACCEPT.
        "accept" accept: Option<Accept>,
        /// DECLINE.
        "decline" decline: Option<Decline>,
        /// ACCEPT_INVERSE_OFFERS (`inverse_offer_ids`, `filters`), as sent.
        "accept_inverse_offers" accept_inverse_offers: Option<serde_json::Value>,
        /// DECLINE_INVERSE_OFFERS (`inverse_offer_ids`, `filters`), as sent.
        "decline_inverse_offers" decline_inverse_offers: Option<serde_json::Value>,
        /// REVIVE.
        "revive" revive: Option<Roles>,
        /// KILL.
        "kill" kill: Option<Kill>,
        /// SHUTDOWN.
        "shutdown" shutdown: Option<Shutdown>,
        /// ACKNOWLEDGE.
        "acknowledge" acknowledge: Option<Acknowledge>,
        /// ACKNOWLEDGE_OPERATION_STATUS (`agent_id`, `resource_provider_id`,
        /// `uuid`, `operation_id`), as sent.
        "acknowledge_operation_status" acknowledge_operation_status: Option<serde_json::Value>,
        /// RECONCILE.
        "reconcile" reconcile: Option<Reconcile>,
        /// RECONCILE_OPERATIONS (`operations`), as sent.
        "reconcile_operations" reconcile_operations: Option<serde_json::Value>,
        /// MESSAGE.
        "message" message: Option<Message>,
        /// REQUEST (`requests`), as sent.
        "request" request: Option<serde_json::Value>,
        /// SUPPRESS.
        "suppress" suppress: Option<Roles>,
        /// UPDATE_FRAMEWORK.
        "update_framework" update_framework: Option<Subscribe>,
    }
}

impl Call {
    /// A call of `kind` with no payload and no framework id.
    pub fn new(kind: CallType) -> Self {
        Call {
            kind,
            ..Call::default()
        }
    }
}

json_model! {
    /// SUBSCRIBE and UPDATE_FRAMEWORK (`Call.Subscribe`, `Call.UpdateFramework`).
    pub struct Subscribe {
        /// The framework; set `id` to resubscribe after a failover.
        "framework_info" framework_info: FrameworkInfo,
        /// Roles that start suppressed.
        "suppressed_roles" suppressed_roles: Option<Vec<String>>,
        /// Offer constraints (`OfferConstraints`), as sent.
        "offer_constraints" offer_constraints: Option<serde_json::Value>,
    }
}

json_model! {
    /// Filters on declined or unused resources (`Filters`).
    pub struct Filters {
        /// Seconds before the same resources are offered again (master
        /// default 5).
        "refuse_seconds" refuse_seconds: Option<Double>,
    }
}

impl Filters {
    /// Filters refusing the resources for `seconds`.
    pub fn refuse(seconds: f64) -> Self {
        Filters {
            refuse_seconds: Some(Double(seconds)),
            ..Filters::default()
        }
    }
}

json_model! {
    /// ACCEPT (`Call.Accept`).
    pub struct Accept {
        /// The offers, all on one agent.
        "offer_ids" offer_ids: Vec<OfferId>,
        /// What to do with them, in order.
        "operations" operations: Vec<Operation>,
        /// Filters on what is left unused.
        "filters" filters: Option<Filters>,
    }
}

json_model! {
    /// DECLINE (`Call.Decline`).
    pub struct Decline {
        /// The offers.
        "offer_ids" offer_ids: Vec<OfferId>,
        /// How long not to offer them again.
        "filters" filters: Option<Filters>,
    }
}

json_model! {
    /// REVIVE and SUPPRESS: the roles (all the framework's when empty).
    pub struct Roles {
        /// The roles.
        "roles" roles: Vec<String>,
    }
}

json_model! {
    /// KILL (`Call.Kill`).
    pub struct Kill {
        /// The task.
        "task_id" task_id: TaskId,
        /// Its agent, when known.
        "agent_id" agent_id: Option<AgentId>,
        /// A kill policy (`KillPolicy`), as sent.
        "kill_policy" kill_policy: Option<serde_json::Value>,
    }
}

json_model! {
    /// SHUTDOWN (`Call.Shutdown`).
    pub struct Shutdown {
        /// The executor.
        "executor_id" executor_id: ExecutorId,
        /// Its agent.
        "agent_id" agent_id: AgentId,
    }
}

json_model! {
    /// ACKNOWLEDGE (`Call.Acknowledge`).
    pub struct Acknowledge {
        /// The agent of the update.
        "agent_id" agent_id: AgentId,
        /// The task.
        "task_id" task_id: TaskId,
        /// The update's UUID, base64.
        "uuid" uuid: Base64Bytes,
    }
}

json_model! {
    /// One task of an explicit RECONCILE (`Call.Reconcile.Task`).
    pub struct ReconcileTask {
        /// The task.
        "task_id" task_id: TaskId,
        /// Its agent, when known.
        "agent_id" agent_id: Option<AgentId>,
    }
}

json_model! {
    /// RECONCILE (`Call.Reconcile`): no tasks asks for all (implicit).
    pub struct Reconcile {
        /// The tasks.
        "tasks" tasks: Vec<ReconcileTask>,
    }
}

json_model! {
    /// MESSAGE (`Call.Message`).
    pub struct Message {
        /// The agent.
        "agent_id" agent_id: AgentId,
        /// The executor.
        "executor_id" executor_id: ExecutorId,
        /// The data, base64.
        "data" data: Base64Bytes,
    }
}

string_enum! {
    /// An offer operation's type (`Offer.Operation.Type`).
    pub enum OperationType {
        /// Launch tasks.
        Launch = "LAUNCH",
        /// Launch a task group.
        LaunchGroup = "LAUNCH_GROUP",
        /// Reserve resources.
        Reserve = "RESERVE",
        /// Unreserve resources.
        Unreserve = "UNRESERVE",
        /// Create persistent volumes.
        Create = "CREATE",
        /// Destroy persistent volumes.
        Destroy = "DESTROY",
        /// Grow a volume.
        GrowVolume = "GROW_VOLUME",
        /// Shrink a volume.
        ShrinkVolume = "SHRINK_VOLUME",
        /// Create a disk.
        CreateDisk = "CREATE_DISK",
        /// Destroy a disk.
        DestroyDisk = "DESTROY_DISK",
    }
}

impl Default for OperationType {
    fn default() -> Self {
        OperationType::Unknown(String::new())
    }
}

json_model! {
    /// LAUNCH (`Offer.Operation.Launch`).
    pub struct Launch {
        /// The tasks.
        "task_infos" task_infos: Vec<TaskInfo>,
    }
}

json_model! {
    /// LAUNCH_GROUP (`Offer.Operation.LaunchGroup`).
    pub struct LaunchGroup {
        /// The executor (`ExecutorInfo`), as sent.
        "executor" executor: serde_json::Value,
        /// The task group: `{"tasks": [TaskInfo…]}`.
        "task_group" task_group: TaskGroup,
    }
}

json_model! {
    /// A task group (`TaskGroupInfo`).
    pub struct TaskGroup {
        /// The tasks.
        "tasks" tasks: Vec<TaskInfo>,
    }
}

json_model! {
    /// Resources of RESERVE, UNRESERVE, CREATE and DESTROY.
    pub struct OperationResources {
        /// RESERVE: what to reserve from (refined reservations).
        "source" source: Option<Vec<Resource>>,
        /// RESERVE and UNRESERVE.
        "resources" resources: Option<Vec<Resource>>,
        /// CREATE and DESTROY.
        "volumes" volumes: Option<Vec<Resource>>,
    }
}

json_model! {
    /// One operation of an ACCEPT (`Offer.Operation`).
    pub struct Operation {
        /// Its type.
        "type" kind: OperationType,
        /// An operation id, for operation feedback.
        "id" id: Option<serde_json::Value>,
        /// LAUNCH.
        "launch" launch: Option<Launch>,
        /// LAUNCH_GROUP.
        "launch_group" launch_group: Option<LaunchGroup>,
        /// RESERVE.
        "reserve" reserve: Option<OperationResources>,
        /// UNRESERVE.
        "unreserve" unreserve: Option<OperationResources>,
        /// CREATE.
        "create" create: Option<OperationResources>,
        /// DESTROY.
        "destroy" destroy: Option<OperationResources>,
        /// GROW_VOLUME, as sent.
        "grow_volume" grow_volume: Option<serde_json::Value>,
        /// SHRINK_VOLUME, as sent.
        "shrink_volume" shrink_volume: Option<serde_json::Value>,
    }
}

impl Operation {
    /// LAUNCH `tasks`.
    pub fn launch(tasks: Vec<TaskInfo>) -> Self {
        Operation {
            kind: OperationType::Launch,
            launch: Some(Launch {
                task_infos: tasks,
                ..Launch::default()
            }),
            ..Operation::default()
        }
    }

    /// LAUNCH_GROUP `tasks` under `executor` (`ExecutorInfo`).
    pub fn launch_group(executor: serde_json::Value, tasks: Vec<TaskInfo>) -> Self {
        Operation {
            kind: OperationType::LaunchGroup,
            launch_group: Some(LaunchGroup {
                executor,
                task_group: TaskGroup {
                    tasks,
                    ..TaskGroup::default()
                },
                ..LaunchGroup::default()
            }),
            ..Operation::default()
        }
    }

    /// RESERVE `resources` (carrying their reservations).
    pub fn reserve(resources: Vec<Resource>) -> Self {
        Operation {
            kind: OperationType::Reserve,
            reserve: Some(OperationResources {
                resources: Some(resources),
                ..OperationResources::default()
            }),
            ..Operation::default()
        }
    }

    /// UNRESERVE `resources`.
    pub fn unreserve(resources: Vec<Resource>) -> Self {
        Operation {
            kind: OperationType::Unreserve,
            unreserve: Some(OperationResources {
                resources: Some(resources),
                ..OperationResources::default()
            }),
            ..Operation::default()
        }
    }

    /// CREATE persistent `volumes`.
    pub fn create(volumes: Vec<Resource>) -> Self {
        Operation {
            kind: OperationType::Create,
            create: Some(OperationResources {
                volumes: Some(volumes),
                ..OperationResources::default()
            }),
            ..Operation::default()
        }
    }

    /// DESTROY persistent `volumes`.
    pub fn destroy(volumes: Vec<Resource>) -> Self {
        Operation {
            kind: OperationType::Destroy,
            destroy: Some(OperationResources {
                volumes: Some(volumes),
                ..OperationResources::default()
            }),
            ..Operation::default()
        }
    }
}
