//! The payload of each event type, as Marathon writes it.
//!
//! Every field is optional: fields came and went between versions (the event
//! docs show `clientIp` on `event_stream_attached`, servers send
//! `remoteAddress`), and every payload keeps what it does not know in `extra`,
//! `eventType` aside.

use dcos_auth::{json_model, string_enum};

use crate::ids::{AppId, DeploymentId, GroupId, PathId, TaskId};
use crate::models::{App, Deployment, DeploymentStep, HealthCheck, Timestamp};

json_model! {
    /// `api_post_event`: an API request changed an app.
    pub struct ApiPostEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The address of the client that made the request.
        "clientIp" client_ip: Option<String>,
        /// The request path, such as `/v2/apps/my-app`.
        "uri" uri: Option<String>,
        /// The app definition after the change (boxed: it is large).
        "appDefinition" app_definition: Option<Box<App>>,
    }
}

json_model! {
    /// `status_update_event`: Mesos reported a new state for a task.
    pub struct StatusUpdateEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The agent running the task.
        "slaveId" slave_id: Option<String>,
        /// The task.
        "taskId" task_id: Option<TaskId>,
        /// The new Mesos state, such as `TASK_RUNNING` or `TASK_FAILED`.
        "taskStatus" task_status: Option<String>,
        /// Mesos' message, such as why a launch failed; often empty.
        "message" message: Option<String>,
        /// The app the task belongs to.
        "appId" app_id: Option<AppId>,
        /// The agent's host name.
        "host" host: Option<String>,
        /// The task's IP addresses, when Mesos reported them.
        "ipAddresses" ip_addresses: Option<Vec<IpAddress>>,
        /// The host ports the task was given.
        "ports" ports: Option<Vec<u32>>,
        /// The app version the task runs.
        "version" version: Option<Timestamp>,
    }
}

json_model! {
    /// One IP address of a task.
    pub struct IpAddress {
        /// The address.
        "ipAddress" ip_address: Option<String>,
        /// `IPv4` or `IPv6`.
        "protocol" protocol: Option<String>,
    }
}

json_model! {
    /// `framework_message_event`: an executor sent Marathon a message.
    pub struct FrameworkMessageEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The agent the executor runs on.
        "slaveId" slave_id: Option<String>,
        /// The executor.
        "executorId" executor_id: Option<String>,
        /// The message, base64-encoded.
        "message" message: Option<String>,
    }
}

json_model! {
    /// `subscribe_event` and `unsubscribe_event`: an HTTP callback subscriber
    /// was added or removed (callbacks were removed in Marathon 1.6).
    pub struct SubscriptionEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The address of the client that asked.
        "clientIp" client_ip: Option<String>,
        /// The callback URL.
        "callbackUrl" callback_url: Option<String>,
    }
}

json_model! {
    /// `event_stream_attached` and `event_stream_detached`: an event stream
    /// client (perhaps this one) connected or went away.
    pub struct EventStreamEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The client's address, as servers send it.
        "remoteAddress" remote_address: Option<String>,
        /// The client's address, as the event docs show it.
        "clientIp" client_ip: Option<String>,
        /// The callback URL, as the event docs show it.
        "callbackUrl" callback_url: Option<String>,
    }
}

json_model! {
    /// `add_health_check_event`, `remove_health_check_event` and
    /// `failed_health_check_event`.
    pub struct HealthCheckEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The app.
        "appId" app_id: Option<AppId>,
        /// The task whose check failed (`failed_health_check_event`).
        "taskId" task_id: Option<TaskId>,
        /// The instance whose check failed, on newer servers.
        "instanceId" instance_id: Option<TaskId>,
        /// The app version.
        "version" version: Option<Timestamp>,
        /// The health check.
        "healthCheck" health_check: Option<HealthCheck>,
    }
}

json_model! {
    /// `health_status_changed_event`: a task became healthy or unhealthy.
    pub struct HealthStatusChangedEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The app.
        "appId" app_id: Option<AppId>,
        /// The task, on servers before 1.4.
        "taskId" task_id: Option<TaskId>,
        /// The instance, on 1.4 and later.
        "instanceId" instance_id: Option<TaskId>,
        /// The app version.
        "version" version: Option<Timestamp>,
        /// Whether the task is now healthy.
        "alive" alive: Option<bool>,
    }
}

json_model! {
    /// `unhealthy_task_kill_event` and `unhealthy_instance_kill_event`:
    /// Marathon killed a task that failed its health checks.
    pub struct UnhealthyKillEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The app.
        "appId" app_id: Option<AppId>,
        /// The task killed.
        "taskId" task_id: Option<TaskId>,
        /// The instance killed (`unhealthy_instance_kill_event`).
        "instanceId" instance_id: Option<TaskId>,
        /// The app version.
        "version" version: Option<Timestamp>,
        /// Why, such as the failing check's answer.
        "reason" reason: Option<String>,
        /// The agent's host name.
        "host" host: Option<String>,
        /// The agent.
        "slaveId" slave_id: Option<String>,
    }
}

json_model! {
    /// `group_change_success` and `group_change_failed`.
    pub struct GroupChangeEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The group changed.
        "groupId" group_id: Option<GroupId>,
        /// The group version.
        "version" version: Option<Timestamp>,
        /// Why the change failed (`group_change_failed`).
        "reason" reason: Option<String>,
    }
}

json_model! {
    /// `deployment_success` and `deployment_failed`: a deployment ended.
    pub struct DeploymentEndEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The deployment.
        "id" id: Option<DeploymentId>,
        /// The deployment plan, which newer servers add.
        "plan" plan: Option<Deployment>,
    }
}

json_model! {
    /// `deployment_info`, `deployment_step_success` and
    /// `deployment_step_failure`: a deployment step started, succeeded or
    /// failed.
    pub struct DeploymentStepEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The deployment plan (its `id`, `version`, `steps`; with
        /// `plan-format=full`, also `original` and `target`).
        "plan" plan: Option<Deployment>,
        /// The step concerned.
        "currentStep" current_step: Option<DeploymentStep>,
    }
}

json_model! {
    /// `app_terminated_event`: an app was removed and its last task is gone.
    pub struct AppTerminatedEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The app.
        "appId" app_id: Option<AppId>,
    }
}

string_enum! {
    /// The condition of an instance (1.4 and later). Marathon's own `Unknown`
    /// condition reads as `Unknown("Unknown")`.
    pub enum InstanceCondition {
        /// Scheduled, waiting for an offer.
        Scheduled = "Scheduled",
        /// Resources provisioned.
        Provisioned = "Provisioned",
        /// Resources reserved.
        Reserved = "Reserved",
        /// Created.
        Created = "Created",
        /// Staging.
        Staging = "Staging",
        /// Starting.
        Starting = "Starting",
        /// Running.
        Running = "Running",
        /// Being killed.
        Killing = "Killing",
        /// Killed.
        Killed = "Killed",
        /// Failed.
        Failed = "Failed",
        /// Finished.
        Finished = "Finished",
        /// Error.
        Error = "Error",
        /// Gone.
        Gone = "Gone",
        /// Dropped.
        Dropped = "Dropped",
        /// Its agent is unreachable.
        Unreachable = "Unreachable",
        /// Unreachable for longer than the app allows.
        UnreachableInactive = "UnreachableInactive",
    }
}

json_model! {
    /// `instance_changed_event`: an instance of an app or pod changed
    /// condition.
    pub struct InstanceChangedEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The instance.
        "instanceId" instance_id: Option<TaskId>,
        /// Its new condition.
        "condition" condition: Option<InstanceCondition>,
        /// The app or pod.
        "runSpecId" run_spec_id: Option<PathId>,
        /// The agent.
        "agentId" agent_id: Option<String>,
        /// The agent's host name.
        "host" host: Option<String>,
        /// The app or pod version.
        "runSpecVersion" run_spec_version: Option<Timestamp>,
    }
}

json_model! {
    /// `instance_health_changed_event`: an instance became healthy or
    /// unhealthy (1.4 and later).
    pub struct InstanceHealthChangedEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The instance.
        "instanceId" instance_id: Option<TaskId>,
        /// The app or pod.
        "runSpecId" run_spec_id: Option<PathId>,
        /// The app or pod version.
        "runSpecVersion" run_spec_version: Option<Timestamp>,
        /// Whether it is healthy; absent when unknown.
        "healthy" healthy: Option<bool>,
    }
}

json_model! {
    /// `unknown_instance_terminated_event`: Mesos reported the end of an
    /// instance Marathon does not know.
    pub struct UnknownInstanceTerminatedEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The instance.
        "instanceId" instance_id: Option<TaskId>,
        /// The app or pod it claimed.
        "runSpecId" run_spec_id: Option<PathId>,
        /// Its condition.
        "condition" condition: Option<InstanceCondition>,
    }
}

json_model! {
    /// `pod_created_event`, `pod_updated_event` and `pod_deleted_event`.
    pub struct PodEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// The address of the client that made the request.
        "clientIp" client_ip: Option<String>,
        /// The request path, such as `/v2/pods/my-pod`.
        "uri" uri: Option<String>,
    }
}

json_model! {
    /// `scheduler_registered_event`, `scheduler_reregistered_event` and
    /// `scheduler_disconnected_event`: Marathon's link to the Mesos master.
    pub struct SchedulerEvent {
        /// The event type as sent.
        "eventType" event_type: Option<String>,
        /// When it happened.
        "timestamp" timestamp: Option<Timestamp>,
        /// Marathon's framework id (`scheduler_registered_event`).
        "frameworkId" framework_id: Option<String>,
        /// The Mesos master.
        "master" master: Option<String>,
    }
}
