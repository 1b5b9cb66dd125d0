//! [`AgentClient`]: the agent's v1 operator API.

use dcos_auth::HttpCore;
use serde_json::json;

use crate::error::Result;
use crate::legacy::{AgentLegacy, LegacyAgentState};
use crate::models::{
    AgentGetExecutors, AgentGetFrameworks, AgentGetState, AgentGetTasks, ContainerId,
    GetContainers, WaitContainer,
};
use crate::operator::{Api, Call};

/// A client of one Mesos agent (`http://agent:5051/`, or
/// `cluster.path("agent")`-style paths behind Admin Router). Calls are
/// `POST api/v1` on the agent.
#[derive(Debug, Clone)]
pub struct AgentClient {
    api: Api,
}

impl AgentClient {
    /// A client on `core`, whose base is the agent.
    pub fn new(core: HttpCore) -> Self {
        AgentClient { api: Api { core } }
    }

    /// The core, for endpoints not modelled here.
    pub fn core(&self) -> &HttpCore {
        &self.api.core
    }

    /// GET_STATE: the agent's tasks, executors and frameworks.
    pub async fn get_state(&self) -> Result<AgentGetState> {
        self.api.call(Call::new("GET_STATE")).await
    }

    /// GET_CONTAINERS: the containers, with nested and standalone ones when
    /// asked.
    pub async fn get_containers(
        &self,
        show_nested: bool,
        show_standalone: bool,
    ) -> Result<GetContainers> {
        let call = if show_nested || show_standalone {
            Call::with(
                "GET_CONTAINERS",
                json!({ "show_nested": show_nested, "show_standalone": show_standalone }),
            )
        } else {
            Call::new("GET_CONTAINERS")
        };
        self.api.call(call).await
    }

    /// GET_FRAMEWORKS: the frameworks with work on the agent.
    pub async fn get_frameworks(&self) -> Result<AgentGetFrameworks> {
        self.api.call(Call::new("GET_FRAMEWORKS")).await
    }

    /// GET_EXECUTORS: the executors.
    pub async fn get_executors(&self) -> Result<AgentGetExecutors> {
        self.api.call(Call::new("GET_EXECUTORS")).await
    }

    /// GET_TASKS: the tasks.
    pub async fn get_tasks(&self) -> Result<AgentGetTasks> {
        self.api.call(Call::new("GET_TASKS")).await
    }

    /// WAIT_CONTAINER: waits until a standalone container ends, and says how.
    pub async fn wait_container(&self, container_id: &ContainerId) -> Result<WaitContainer> {
        let payload = json!({ "container_id": container_json(container_id)? });
        self.api.call(Call::with("WAIT_CONTAINER", payload)).await
    }

    /// KILL_CONTAINER: sends `signal` (SIGKILL when `None`) to a standalone
    /// container.
    pub async fn kill_container(
        &self,
        container_id: &ContainerId,
        signal: Option<i32>,
    ) -> Result<()> {
        let mut payload = json!({ "container_id": container_json(container_id)? });
        if let (Some(signal), Some(map)) = (signal, payload.as_object_mut()) {
            map.insert("signal".into(), signal.into());
        }
        self.api
            .call_empty(Call::with("KILL_CONTAINER", payload))
            .await
    }

    /// The legacy `slave(1)/state` endpoint.
    pub async fn legacy_state(&self) -> Result<LegacyAgentState> {
        AgentLegacy::new(&self.api.core).state().await
    }
}

fn container_json(id: &ContainerId) -> Result<serde_json::Value> {
    serde_json::to_value(id).map_err(|e| {
        crate::Error::Http(dcos_auth::Error::Config {
            message: "a container ID cannot be serialised".into(),
            source: Some(std::sync::Arc::new(e)),
        })
    })
}
