//! The master's operator calls (`mesos.v1.master.Call`).

use std::time::Duration;

use dcos_auth::HttpCore;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

use super::call::{Api, Call};
use crate::dialect::{DurationInfo, ProtoDuration};
use crate::error::Result;
use crate::models::{
    GetAgents, GetExecutors, GetFlags, GetFrameworks, GetHealth, GetLoggingLevel,
    GetMaintenanceSchedule, GetMaintenanceStatus, GetMaster, GetMetrics, GetOperations, GetQuota,
    GetRoles, GetState, GetTasks, GetVersion, GetWeights, ListFiles, MachineId,
    MaintenanceSchedule, ReadFile, WeightInfo,
};
use crate::resources::{AgentId, FrameworkId, Resource, ValueScalar};

/// The master's v1 operator API, from [`MesosClient::operator`](crate::MesosClient::operator).
///
/// Read calls decode their typed response. Calls that change the cluster
/// answer an empty `200 OK` (`202 Accepted` for some) and return `()`; a
/// refusal is an [`Error`](crate::Error) with the master's message.
#[derive(Debug, Clone)]
pub struct Operator {
    api: Api,
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<Value> {
    serde_json::to_value(value).map_err(|e| {
        crate::Error::Http(dcos_auth::Error::Config {
            message: "an operator call cannot be serialised".into(),
            source: Some(std::sync::Arc::new(e)),
        })
    })
}

impl Operator {
    pub(crate) fn new(core: HttpCore) -> Self {
        Operator { api: Api { core } }
    }

    pub(crate) fn core(&self) -> &HttpCore {
        &self.api.core
    }

    /// Sends any call and decodes the payload under its lower-cased type:
    /// the escape hatch for calls with no typed method.
    pub async fn send<T: DeserializeOwned>(&self, call: Call) -> Result<T> {
        self.api.call(call).await
    }

    /// Sends any call that answers with an empty body.
    pub async fn send_empty(&self, call: Call) -> Result<()> {
        self.api.call_empty(call).await
    }

    /// GET_HEALTH: whether the master is healthy.
    pub async fn get_health(&self) -> Result<GetHealth> {
        self.api.call(Call::new("GET_HEALTH")).await
    }

    /// GET_FLAGS: the master's flags.
    pub async fn get_flags(&self) -> Result<GetFlags> {
        self.api.call(Call::new("GET_FLAGS")).await
    }

    /// GET_VERSION: the master's version.
    pub async fn get_version(&self) -> Result<GetVersion> {
        self.api.call(Call::new("GET_VERSION")).await
    }

    /// GET_METRICS: a snapshot of the metrics; with `timeout`, metrics that
    /// take longer are left out.
    pub async fn get_metrics(&self, timeout: Option<Duration>) -> Result<GetMetrics> {
        let call = match timeout {
            Some(t) => Call::with(
                "GET_METRICS",
                json!({ "timeout": to_value(&DurationInfo::from_std(t))? }),
            ),
            None => Call::new("GET_METRICS"),
        };
        self.api.call(call).await
    }

    /// GET_LOGGING_LEVEL: the glog verbosity.
    pub async fn get_logging_level(&self) -> Result<GetLoggingLevel> {
        self.api.call(Call::new("GET_LOGGING_LEVEL")).await
    }

    /// SET_LOGGING_LEVEL: sets the glog verbosity to `level` for `duration`.
    pub async fn set_logging_level(&self, level: u32, duration: Duration) -> Result<()> {
        let payload = json!({
            "level": level,
            "duration": to_value(&DurationInfo::from_std(duration))?,
        });
        self.api
            .call_empty(Call::with("SET_LOGGING_LEVEL", payload))
            .await
    }

    /// LIST_FILES: the files under a virtual path, such as `/master/log`.
    pub async fn list_files(&self, path: &str) -> Result<ListFiles> {
        self.api
            .call(Call::with("LIST_FILES", json!({ "path": path })))
            .await
    }

    /// READ_FILE: up to `length` bytes of `path` from `offset` (the rest of
    /// the file when `None`).
    pub async fn read_file(
        &self,
        path: &str,
        offset: u64,
        length: Option<u64>,
    ) -> Result<ReadFile> {
        let mut payload = json!({ "path": path, "offset": offset });
        if let (Some(length), Some(map)) = (length, payload.as_object_mut()) {
            map.insert("length".into(), length.into());
        }
        self.api.call(Call::with("READ_FILE", payload)).await
    }

    /// GET_STATE: tasks, executors, frameworks and agents in one answer.
    pub async fn get_state(&self) -> Result<GetState> {
        self.api.call(Call::new("GET_STATE")).await
    }

    /// GET_AGENTS: the registered and recovered agents.
    pub async fn get_agents(&self) -> Result<GetAgents> {
        self.api.call(Call::new("GET_AGENTS")).await
    }

    /// GET_FRAMEWORKS: the frameworks.
    pub async fn get_frameworks(&self) -> Result<GetFrameworks> {
        self.api.call(Call::new("GET_FRAMEWORKS")).await
    }

    /// GET_EXECUTORS: the executors.
    pub async fn get_executors(&self) -> Result<GetExecutors> {
        self.api.call(Call::new("GET_EXECUTORS")).await
    }

    /// GET_TASKS: the tasks.
    pub async fn get_tasks(&self) -> Result<GetTasks> {
        self.api.call(Call::new("GET_TASKS")).await
    }

    /// GET_ROLES: the roles with their weights and frameworks.
    pub async fn get_roles(&self) -> Result<GetRoles> {
        self.api.call(Call::new("GET_ROLES")).await
    }

    /// GET_WEIGHTS: the role weights.
    pub async fn get_weights(&self) -> Result<GetWeights> {
        self.api.call(Call::new("GET_WEIGHTS")).await
    }

    /// UPDATE_WEIGHTS: sets role weights.
    pub async fn update_weights(&self, weights: &[WeightInfo]) -> Result<()> {
        let payload = json!({ "weight_infos": to_value(&weights)? });
        self.api
            .call_empty(Call::with("UPDATE_WEIGHTS", payload))
            .await
    }

    /// GET_MASTER: the leading master's description.
    pub async fn get_master(&self) -> Result<GetMaster> {
        self.api.call(Call::new("GET_MASTER")).await
    }

    /// GET_OPERATIONS: the offer operations the master knows.
    pub async fn get_operations(&self) -> Result<GetOperations> {
        self.api.call(Call::new("GET_OPERATIONS")).await
    }

    /// RESERVE_RESOURCES: dynamically reserves `resources` (each carrying
    /// its `reservations`) on an agent. With a non-empty `source`, the
    /// reservation is changed from `source` to `resources`.
    pub async fn reserve_resources(
        &self,
        agent_id: &AgentId,
        source: &[Resource],
        resources: &[Resource],
    ) -> Result<()> {
        let mut payload = json!({ "agent_id": to_value(agent_id)? });
        if let Some(map) = payload.as_object_mut() {
            if !source.is_empty() {
                map.insert("source".into(), to_value(&source)?);
            }
            map.insert("resources".into(), to_value(&resources)?);
        }
        self.api
            .call_empty(Call::with("RESERVE_RESOURCES", payload))
            .await
    }

    /// UNRESERVE_RESOURCES: releases dynamically reserved resources.
    pub async fn unreserve_resources(
        &self,
        agent_id: &AgentId,
        resources: &[Resource],
    ) -> Result<()> {
        let payload = json!({
            "agent_id": to_value(agent_id)?,
            "resources": to_value(&resources)?,
        });
        self.api
            .call_empty(Call::with("UNRESERVE_RESOURCES", payload))
            .await
    }

    /// CREATE_VOLUMES: creates persistent volumes on reserved disk.
    pub async fn create_volumes(&self, agent_id: &AgentId, volumes: &[Resource]) -> Result<()> {
        let payload = json!({ "agent_id": to_value(agent_id)?, "volumes": to_value(&volumes)? });
        self.api
            .call_empty(Call::with("CREATE_VOLUMES", payload))
            .await
    }

    /// DESTROY_VOLUMES: destroys persistent volumes.
    pub async fn destroy_volumes(&self, agent_id: &AgentId, volumes: &[Resource]) -> Result<()> {
        let payload = json!({ "agent_id": to_value(agent_id)?, "volumes": to_value(&volumes)? });
        self.api
            .call_empty(Call::with("DESTROY_VOLUMES", payload))
            .await
    }

    /// GROW_VOLUME: grows `volume` by `addition` (disk of the same kind).
    pub async fn grow_volume(
        &self,
        agent_id: &AgentId,
        volume: &Resource,
        addition: &Resource,
    ) -> Result<()> {
        let payload = json!({
            "agent_id": to_value(agent_id)?,
            "volume": to_value(volume)?,
            "addition": to_value(addition)?,
        });
        self.api
            .call_empty(Call::with("GROW_VOLUME", payload))
            .await
    }

    /// SHRINK_VOLUME: shrinks `volume` by `subtract` megabytes.
    pub async fn shrink_volume(
        &self,
        agent_id: &AgentId,
        volume: &Resource,
        subtract: f64,
    ) -> Result<()> {
        let scalar = ValueScalar {
            value: subtract,
            ..ValueScalar::default()
        };
        let payload = json!({
            "agent_id": to_value(agent_id)?,
            "volume": to_value(volume)?,
            "subtract": to_value(&scalar)?,
        });
        self.api
            .call_empty(Call::with("SHRINK_VOLUME", payload))
            .await
    }

    /// GET_MAINTENANCE_STATUS: machines draining or down.
    pub async fn get_maintenance_status(&self) -> Result<GetMaintenanceStatus> {
        self.api.call(Call::new("GET_MAINTENANCE_STATUS")).await
    }

    /// GET_MAINTENANCE_SCHEDULE: the maintenance windows.
    pub async fn get_maintenance_schedule(&self) -> Result<GetMaintenanceSchedule> {
        self.api.call(Call::new("GET_MAINTENANCE_SCHEDULE")).await
    }

    /// UPDATE_MAINTENANCE_SCHEDULE: replaces the maintenance schedule.
    pub async fn update_maintenance_schedule(&self, schedule: &MaintenanceSchedule) -> Result<()> {
        let payload = json!({ "schedule": to_value(schedule)? });
        self.api
            .call_empty(Call::with("UPDATE_MAINTENANCE_SCHEDULE", payload))
            .await
    }

    /// START_MAINTENANCE: takes `machines` down.
    pub async fn start_maintenance(&self, machines: &[MachineId]) -> Result<()> {
        let payload = json!({ "machines": to_value(&machines)? });
        self.api
            .call_empty(Call::with("START_MAINTENANCE", payload))
            .await
    }

    /// STOP_MAINTENANCE: brings `machines` back up.
    pub async fn stop_maintenance(&self, machines: &[MachineId]) -> Result<()> {
        let payload = json!({ "machines": to_value(&machines)? });
        self.api
            .call_empty(Call::with("STOP_MAINTENANCE", payload))
            .await
    }

    /// DRAIN_AGENT: kills the agent's tasks (giving each at most
    /// `max_grace_period` when set) and, with `mark_gone`, marks the agent
    /// gone once drained.
    pub async fn drain_agent(
        &self,
        agent_id: &AgentId,
        max_grace_period: Option<Duration>,
        mark_gone: bool,
    ) -> Result<()> {
        let mut payload = json!({ "agent_id": to_value(agent_id)? });
        if let Some(map) = payload.as_object_mut() {
            if let Some(grace) = max_grace_period {
                // google.protobuf.Duration, written as an object by Mesos.
                map.insert(
                    "max_grace_period".into(),
                    to_value(&ProtoDuration::from_std(grace))?,
                );
            }
            if mark_gone {
                map.insert("mark_gone".into(), true.into());
            }
        }
        self.api
            .call_empty(Call::with("DRAIN_AGENT", payload))
            .await
    }

    /// DEACTIVATE_AGENT: stops offering the agent's resources.
    pub async fn deactivate_agent(&self, agent_id: &AgentId) -> Result<()> {
        let payload = json!({ "agent_id": to_value(agent_id)? });
        self.api
            .call_empty(Call::with("DEACTIVATE_AGENT", payload))
            .await
    }

    /// REACTIVATE_AGENT: offers the agent's resources again.
    pub async fn reactivate_agent(&self, agent_id: &AgentId) -> Result<()> {
        let payload = json!({ "agent_id": to_value(agent_id)? });
        self.api
            .call_empty(Call::with("REACTIVATE_AGENT", payload))
            .await
    }

    /// GET_QUOTA: the quota status.
    pub async fn get_quota(&self) -> Result<GetQuota> {
        self.api.call(Call::new("GET_QUOTA")).await
    }

    /// UPDATE_QUOTA: sets quota configurations (`quota.QuotaConfig`:
    /// `role`, `guarantees`, `limits`); with `force`, even when the cluster
    /// cannot satisfy them.
    pub async fn update_quota(&self, force: bool, quota_configs: &[Value]) -> Result<()> {
        let mut payload = json!({ "quota_configs": quota_configs });
        if force {
            if let Some(map) = payload.as_object_mut() {
                map.insert("force".into(), true.into());
            }
        }
        self.api
            .call_empty(Call::with("UPDATE_QUOTA", payload))
            .await
    }

    /// MARK_AGENT_GONE: the agent will never come back; its tasks are gone.
    pub async fn mark_agent_gone(&self, agent_id: &AgentId) -> Result<()> {
        let payload = json!({ "agent_id": to_value(agent_id)? });
        self.api
            .call_empty(Call::with("MARK_AGENT_GONE", payload))
            .await
    }

    /// TEARDOWN: removes a framework and kills its tasks.
    pub async fn teardown(&self, framework_id: &FrameworkId) -> Result<()> {
        let payload = json!({ "framework_id": to_value(framework_id)? });
        self.api.call_empty(Call::with("TEARDOWN", payload)).await
    }
}
