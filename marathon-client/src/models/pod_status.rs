//! Pod status (`/v2/pods/{id}::status`) and stored pod instances.

use dcos_auth::{json_model, string_enum};

use super::{LocalVolume, Pod, Resources, TaskState, Timestamp};
use crate::ids::PodId;

string_enum! {
    /// The state of a pod as a whole.
    pub enum PodState {
        /// Fewer stable instances than wanted.
        Degraded = "DEGRADED",
        /// All instances started and, with health checks, healthy.
        Stable = "STABLE",
        /// Being torn down.
        Terminal = "TERMINAL",
    }
}

string_enum! {
    /// The state of one pod instance.
    pub enum PodInstanceState {
        /// Queued for launch.
        Pending = "PENDING",
        /// Launched, not yet running.
        Staging = "STAGING",
        /// Running and, with health checks, healthy.
        Stable = "STABLE",
        /// Running, but not stable.
        Degraded = "DEGRADED",
        /// Shutting down.
        Terminal = "TERMINAL",
    }
}

json_model! {
    /// The status of a pod (`GET /v2/pods/{id}::status`; `GET
    /// /v2/pods/::status` answers a bare array of these).
    pub struct PodStatus {
        /// The pod id.
        "id" id: PodId,
        /// The pod definition.
        "spec" spec: Option<Pod>,
        /// `DEGRADED`, `STABLE` or `TERMINAL`.
        "status" status: Option<PodState>,
        /// Since when the status holds.
        "statusSince" status_since: Option<Timestamp>,
        /// Why, in words.
        "message" message: Option<String>,
        /// The instances.
        "instances" instances: Option<Vec<PodInstanceStatus>>,
        /// Recent instance terminations.
        "terminationHistory" termination_history: Option<Vec<TerminationHistory>>,
        /// When the status was last checked.
        "lastUpdated" last_updated: Option<Timestamp>,
        /// When the status last changed.
        "lastChanged" last_changed: Option<Timestamp>,
    }
}

impl PodStatus {
    /// Whether the pod is `STABLE`.
    pub fn is_stable(&self) -> bool {
        self.status == Some(PodState::Stable)
    }

    /// The instances; empty when there are none.
    pub fn instances(&self) -> &[PodInstanceStatus] {
        self.instances.as_deref().unwrap_or_default()
    }
}

json_model! {
    /// The status of one pod instance.
    pub struct PodInstanceStatus {
        /// The instance id.
        "id" id: Option<String>,
        /// Its state.
        "status" status: Option<PodInstanceState>,
        /// Since when the state holds.
        "statusSince" status_since: Option<Timestamp>,
        /// Why, in words.
        "message" message: Option<String>,
        /// Conditions that apply.
        "conditions" conditions: Option<Vec<StatusCondition>>,
        /// The agent's host name.
        "agentHostname" agent_hostname: Option<String>,
        /// The agent's id.
        "agentId" agent_id: Option<String>,
        /// The agent's fault domain region.
        "agentRegion" agent_region: Option<String>,
        /// The agent's fault domain zone.
        "agentZone" agent_zone: Option<String>,
        /// All resources of the instance, the executor's included.
        "resources" resources: Option<Resources>,
        /// Its networks.
        "networks" networks: Option<Vec<NetworkStatus>>,
        /// Its containers.
        "containers" containers: Option<Vec<ContainerStatus>>,
        /// The definition it runs, such as
        /// `/v2/pods/p::versions/2017-07-13T21:33:07.389Z`.
        "specReference" spec_reference: Option<String>,
        /// Its local persistent volumes.
        "localVolumes" local_volumes: Option<Vec<LocalVolume>>,
        /// The role of its resources.
        "role" role: Option<String>,
        /// When the status was last checked.
        "lastUpdated" last_updated: Option<Timestamp>,
        /// When the status last changed.
        "lastChanged" last_changed: Option<Timestamp>,
    }
}

json_model! {
    /// The status of one container of a pod instance.
    pub struct ContainerStatus {
        /// The container's name in the pod.
        "name" name: Option<String>,
        /// The Mesos task state, such as `TASK_RUNNING`.
        "status" status: Option<TaskState>,
        /// Since when the state holds.
        "statusSince" status_since: Option<Timestamp>,
        /// Why, in words.
        "message" message: Option<String>,
        /// Conditions that apply.
        "conditions" conditions: Option<Vec<StatusCondition>>,
        /// The Mesos task id.
        "containerId" container_id: Option<String>,
        /// Its endpoints.
        "endpoints" endpoints: Option<Vec<ContainerEndpointStatus>>,
        /// Its resources.
        "resources" resources: Option<Resources>,
        /// How it ended.
        "termination" termination: Option<ContainerTermination>,
        /// When the status was last checked.
        "lastUpdated" last_updated: Option<Timestamp>,
        /// When the status last changed.
        "lastChanged" last_changed: Option<Timestamp>,
    }
}

json_model! {
    /// The status of a container endpoint.
    pub struct ContainerEndpointStatus {
        /// The endpoint's name.
        "name" name: Option<String>,
        /// The host port it got.
        "allocatedHostPort" allocated_host_port: Option<u32>,
        /// Whether its health check passes, when it has one.
        "healthy" healthy: Option<bool>,
    }
}

json_model! {
    /// How a container ended.
    pub struct ContainerTermination {
        /// The exit code.
        "exitCode" exit_code: Option<i32>,
        /// Why, in words.
        "message" message: Option<String>,
    }
}

json_model! {
    /// A status condition of an instance or container.
    pub struct StatusCondition {
        /// The condition's name.
        "name" name: Option<String>,
        /// Its value.
        "value" value: Option<String>,
        /// Why.
        "reason" reason: Option<String>,
        /// When it was last checked.
        "lastUpdated" last_updated: Option<Timestamp>,
        /// When it last changed.
        "lastChanged" last_changed: Option<Timestamp>,
    }
}

json_model! {
    /// A network of a pod instance.
    pub struct NetworkStatus {
        /// The network's name.
        "name" name: Option<String>,
        /// The instance's addresses on it.
        "addresses" addresses: Option<Vec<String>>,
    }
}

json_model! {
    /// A terminated pod instance.
    pub struct TerminationHistory {
        /// The instance id.
        "instanceID" instance_id: Option<String>,
        /// When it started.
        "startedAt" started_at: Option<Timestamp>,
        /// When it ended.
        "terminatedAt" terminated_at: Option<Timestamp>,
        /// Why, in words.
        "message" message: Option<String>,
        /// How its containers ended.
        "containers" containers: Option<Vec<serde_json::Value>>,
    }
}

json_model! {
    /// An instance id as Marathon stores it.
    pub struct InstanceIdRef {
        /// The id.
        "idString" id_string: Option<String>,
    }
}

json_model! {
    /// The agent of a stored instance.
    pub struct AgentInfo {
        /// Its host name.
        "host" host: Option<String>,
        /// Its id.
        "agentId" agent_id: Option<String>,
        /// Its fault domain region.
        "region" region: Option<String>,
        /// Its fault domain zone.
        "zone" zone: Option<String>,
        /// Its attributes (base64 Mesos protobufs).
        "attributes" attributes: Option<Vec<serde_json::Value>>,
    }
}

json_model! {
    /// The state of a stored instance.
    pub struct InstanceState {
        /// `{"str": "running"}`.
        "condition" condition: Option<InstanceCondition>,
        /// Since when.
        "since" since: Option<Timestamp>,
        /// Since when it has been active.
        "activeSince" active_since: Option<Timestamp>,
        /// Whether it is healthy.
        "healthy" healthy: Option<bool>,
    }
}

json_model! {
    /// The condition of a stored instance.
    pub struct InstanceCondition {
        /// Such as `running`.
        "str" name: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_with_instances_and_unknown_state() {
        let s: PodStatus = serde_json::from_str(
            r#"{"id":"/p","status":"STABLE","instances":[{"id":"p.instance-1","status":"STAGING",
                "containers":[{"name":"c","status":"TASK_RUNNING","endpoints":[{"name":"http","allocatedHostPort":31000,"healthy":true}]}]}],
                "terminationHistory":[{"instanceID":"p.instance-0","message":"gone"}]}"#,
        )
        .unwrap();
        assert!(s.is_stable());
        let i = &s.instances()[0];
        assert_eq!(i.status, Some(PodInstanceState::Staging));
        let c = &i.containers.as_ref().unwrap()[0];
        assert_eq!(c.status, Some(TaskState::TaskRunning));
        assert_eq!(
            c.endpoints.as_ref().unwrap()[0].allocated_host_port,
            Some(31000)
        );
        assert_eq!(
            s.termination_history.unwrap()[0].instance_id.as_deref(),
            Some("p.instance-0")
        );
        let s: PodStatus = serde_json::from_str(r#"{"id":"/p","status":"WOBBLY"}"#).unwrap();
        assert_eq!(s.status, Some(PodState::Unknown("WOBBLY".into())));
    }
}
