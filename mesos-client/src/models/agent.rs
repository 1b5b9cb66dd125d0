//! Responses of the agent's operator API (`mesos.v1.agent.Response`).

use dcos_auth::json_model;

use super::common::{ContainerId, ExecutorInfo, FrameworkInfo, Task, TaskState};
use crate::resources::{ExecutorId, FrameworkId};

json_model! {
    /// A framework on an agent (`GetFrameworks.Framework`).
    pub struct AgentFramework {
        /// Its description.
        "framework_info" framework_info: FrameworkInfo,
    }
}

json_model! {
    /// The agent's GET_FRAMEWORKS.
    pub struct AgentGetFrameworks {
        /// Frameworks with work on the agent.
        "frameworks" frameworks: Vec<AgentFramework>,
        /// Frameworks whose work there is done.
        "completed_frameworks" completed_frameworks: Vec<AgentFramework>,
    }
}

json_model! {
    /// An executor on an agent (`GetExecutors.Executor`).
    pub struct AgentExecutor {
        /// Its description.
        "executor_info" executor_info: ExecutorInfo,
    }
}

json_model! {
    /// The agent's GET_EXECUTORS.
    pub struct AgentGetExecutors {
        /// Running executors.
        "executors" executors: Vec<AgentExecutor>,
        /// Terminated executors.
        "completed_executors" completed_executors: Vec<AgentExecutor>,
    }
}

json_model! {
    /// The agent's GET_TASKS.
    pub struct AgentGetTasks {
        /// Tasks waiting for their executor to register.
        "pending_tasks" pending_tasks: Vec<Task>,
        /// Tasks queued at their executor.
        "queued_tasks" queued_tasks: Vec<Task>,
        /// Launched tasks.
        "launched_tasks" launched_tasks: Vec<Task>,
        /// Terminated tasks not yet acknowledged.
        "terminated_tasks" terminated_tasks: Vec<Task>,
        /// Completed tasks.
        "completed_tasks" completed_tasks: Vec<Task>,
    }
}

json_model! {
    /// The agent's GET_STATE.
    pub struct AgentGetState {
        /// The tasks.
        "get_tasks" get_tasks: AgentGetTasks,
        /// The executors.
        "get_executors" get_executors: AgentGetExecutors,
        /// The frameworks.
        "get_frameworks" get_frameworks: AgentGetFrameworks,
    }
}

json_model! {
    /// A container on an agent (`GetContainers.Container`).
    pub struct Container {
        /// Its framework.
        "framework_id" framework_id: Option<FrameworkId>,
        /// Its executor.
        "executor_id" executor_id: Option<ExecutorId>,
        /// Its executor's name.
        "executor_name" executor_name: Option<String>,
        /// Its ID.
        "container_id" container_id: ContainerId,
        /// Its status (`ContainerStatus`), as sent.
        "container_status" container_status: Option<serde_json::Value>,
        /// Its usage (`ResourceStatistics`), as sent.
        "resource_statistics" resource_statistics: Option<serde_json::Value>,
    }
}

json_model! {
    /// GET_CONTAINERS.
    pub struct GetContainers {
        /// The containers.
        "containers" containers: Vec<Container>,
    }
}

json_model! {
    /// WAIT_CONTAINER: how a container ended.
    pub struct WaitContainer {
        /// Its exit status, as `wait(2)` reports it.
        "exit_status" exit_status: Option<i32>,
        /// The state of its task, when it ran one.
        "state" state: Option<TaskState>,
        /// Why it ended (`TaskStatus.Reason`).
        "reason" reason: Option<String>,
        /// The resource limit it hit, as sent.
        "limitation" limitation: Option<serde_json::Value>,
        /// A message.
        "message" message: Option<String>,
    }
}
