//! The legacy (v0) JSON endpoints: `master/state`, `master/state-summary`,
//! `master/frameworks`, `master/redirect` and the agent's `slave(1)/state`.
//!
//! Their dialect is not the v1 one: ids are plain strings, resources are
//! flat maps (`{"cpus": 8, "ports": "[31000-32000]"}`, read them with
//! [`Resources::from_legacy_map`](crate::resources::Resources::from_legacy_map)),
//! and times are float seconds since the epoch. The models keep these shapes
//! and keep every field they do not name in `extra`. Prefer the v1
//! [`Operator`](crate::operator::Operator) API for new code.

use std::collections::BTreeMap;

use dcos_auth::http::{StatusCode, Url};
use dcos_auth::redirect::{Hop, next_hop};
use dcos_auth::{ErrorBody, HttpCore, Request, json_model};
use serde_json::{Map, Value};

use crate::dialect::Double;
use crate::error::{Error, Result};
use crate::models::TaskState;
use crate::resources::{ResourceError, Resources};

/// A flat legacy resource map.
pub type LegacyResources = BTreeMap<String, Value>;

/// Reads a legacy flat resource map into [`Resources`], unreserved.
///
/// # Errors
/// A value that is no number, `[a-b,…]` range or `{x,y}` set.
pub fn legacy_resources(map: &LegacyResources) -> Result<Resources, ResourceError> {
    let map: Map<String, Value> = map.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
    Resources::from_legacy_map(&map, None)
}

json_model! {
    /// A task status in the legacy dialect.
    pub struct LegacyTaskStatus {
        /// The state.
        "state" state: Option<TaskState>,
        /// When, in seconds since the epoch.
        "timestamp" timestamp: Option<Double>,
        /// The container's status, as sent.
        "container_status" container_status: Option<Value>,
    }
}

json_model! {
    /// A task in the legacy dialect.
    pub struct LegacyTask {
        /// Its ID.
        "id" id: String,
        /// Its name.
        "name" name: String,
        /// Its framework's ID.
        "framework_id" framework_id: String,
        /// Its executor's ID (empty for command tasks).
        "executor_id" executor_id: Option<String>,
        /// Its agent's ID.
        "slave_id" slave_id: String,
        /// Its state.
        "state" state: Option<TaskState>,
        /// Its resources, as a flat map.
        "resources" resources: LegacyResources,
        /// Its status updates.
        "statuses" statuses: Vec<LegacyTaskStatus>,
        /// Its labels (`[{"key", "value"}]`), as sent.
        "labels" labels: Vec<Value>,
        /// Service discovery, as sent.
        "discovery" discovery: Option<Value>,
        /// Its container, as sent.
        "container" container: Option<Value>,
    }
}

json_model! {
    /// A framework in the legacy dialect.
    pub struct LegacyFramework {
        /// Its ID.
        "id" id: String,
        /// Its name.
        "name" name: String,
        /// Its scheduler's libprocess PID (absent for HTTP schedulers).
        "pid" pid: Option<String>,
        /// Its scheduler's host.
        "hostname" hostname: Option<String>,
        /// The user its tasks run as.
        "user" user: Option<String>,
        /// Its (legacy) role.
        "role" role: Option<String>,
        /// Its roles.
        "roles" roles: Vec<String>,
        /// Whether it is active.
        "active" active: Option<bool>,
        /// Whether it is connected.
        "connected" connected: Option<bool>,
        /// Whether it checkpoints.
        "checkpoint" checkpoint: Option<bool>,
        /// Its failover timeout in seconds.
        "failover_timeout" failover_timeout: Option<Double>,
        /// Its principal.
        "principal" principal: Option<String>,
        /// Its web UI.
        "webui_url" webui_url: Option<String>,
        /// When it registered, in seconds since the epoch.
        "registered_time" registered_time: Option<Double>,
        /// When it re-registered.
        "reregistered_time" reregistered_time: Option<Double>,
        /// When it unregistered (0 when it has not).
        "unregistered_time" unregistered_time: Option<Double>,
        /// What it holds plus what it is offered, as a flat map.
        "resources" resources: LegacyResources,
        /// What its tasks and executors hold.
        "used_resources" used_resources: LegacyResources,
        /// What it is offered.
        "offered_resources" offered_resources: LegacyResources,
        /// Its running tasks.
        "tasks" tasks: Vec<LegacyTask>,
        /// Its completed tasks.
        "completed_tasks" completed_tasks: Vec<LegacyTask>,
        /// Its outstanding offers, as sent.
        "offers" offers: Vec<Value>,
        /// Its executors, as sent.
        "executors" executors: Vec<Value>,
        /// Its capabilities, as sent.
        "capabilities" capabilities: Vec<Value>,
    }
}

json_model! {
    /// An agent in the legacy dialect.
    pub struct LegacyAgent {
        /// Its ID.
        "id" id: String,
        /// Its libprocess PID.
        "pid" pid: Option<String>,
        /// Its hostname.
        "hostname" hostname: String,
        /// When it registered, in seconds since the epoch.
        "registered_time" registered_time: Option<Double>,
        /// When it re-registered.
        "reregistered_time" reregistered_time: Option<Double>,
        /// Everything it has, as a flat map.
        "resources" resources: LegacyResources,
        /// What tasks and executors hold.
        "used_resources" used_resources: LegacyResources,
        /// What is offered.
        "offered_resources" offered_resources: LegacyResources,
        /// Reserved resources by role.
        "reserved_resources" reserved_resources: BTreeMap<String, Value>,
        /// Unreserved resources.
        "unreserved_resources" unreserved_resources: LegacyResources,
        /// Its attributes, as a flat map.
        "attributes" attributes: BTreeMap<String, Value>,
        /// Whether it is active.
        "active" active: Option<bool>,
        /// Its Mesos version.
        "version" version: Option<String>,
    }
}

json_model! {
    /// `GET master/state`.
    pub struct LegacyMasterState {
        /// The master's version.
        "version" version: Option<String>,
        /// The commit it was built from.
        "git_sha" git_sha: Option<String>,
        /// When it was built, as text.
        "build_date" build_date: Option<String>,
        /// When it was built, in seconds since the epoch.
        "build_time" build_time: Option<Double>,
        /// Who built it.
        "build_user" build_user: Option<String>,
        /// When it started.
        "start_time" start_time: Option<Double>,
        /// When it was elected.
        "elected_time" elected_time: Option<Double>,
        /// Its ID.
        "id" id: Option<String>,
        /// Its libprocess PID.
        "pid" pid: Option<String>,
        /// Its hostname.
        "hostname" hostname: Option<String>,
        /// The leader's libprocess PID.
        "leader" leader: Option<String>,
        /// The cluster's name.
        "cluster" cluster: Option<String>,
        /// How many agents are active.
        "activated_slaves" activated_slaves: Option<Double>,
        /// How many agents are deactivated.
        "deactivated_slaves" deactivated_slaves: Option<Double>,
        /// The master's flags.
        "flags" flags: BTreeMap<String, Value>,
        /// The agents.
        "slaves" slaves: Vec<LegacyAgent>,
        /// The frameworks.
        "frameworks" frameworks: Vec<LegacyFramework>,
        /// The completed frameworks.
        "completed_frameworks" completed_frameworks: Vec<LegacyFramework>,
        /// Tasks of unknown frameworks (old masters).
        "orphan_tasks" orphan_tasks: Vec<LegacyTask>,
        /// IDs of frameworks that have not re-registered (old masters).
        "unregistered_frameworks" unregistered_frameworks: Vec<Value>,
    }
}

json_model! {
    /// `GET master/state-summary`: agents and frameworks without tasks.
    pub struct LegacyStateSummary {
        /// The master's hostname.
        "hostname" hostname: Option<String>,
        /// The cluster's name.
        "cluster" cluster: Option<String>,
        /// The agents, with task counts by state in `extra`.
        "slaves" slaves: Vec<LegacyAgent>,
        /// The frameworks, with task counts by state in `extra`.
        "frameworks" frameworks: Vec<LegacyFramework>,
    }
}

json_model! {
    /// `GET master/frameworks`.
    pub struct LegacyFrameworks {
        /// The frameworks.
        "frameworks" frameworks: Vec<LegacyFramework>,
        /// The completed frameworks.
        "completed_frameworks" completed_frameworks: Vec<LegacyFramework>,
        /// IDs of frameworks that have not re-registered (old masters).
        "unregistered_frameworks" unregistered_frameworks: Vec<Value>,
    }
}

json_model! {
    /// `GET slave(1)/state` on an agent.
    pub struct LegacyAgentState {
        /// The agent's version.
        "version" version: Option<String>,
        /// The commit it was built from.
        "git_sha" git_sha: Option<String>,
        /// When it was built, in seconds since the epoch.
        "build_time" build_time: Option<Double>,
        /// When it started.
        "start_time" start_time: Option<Double>,
        /// Its ID.
        "id" id: Option<String>,
        /// Its libprocess PID.
        "pid" pid: Option<String>,
        /// Its hostname.
        "hostname" hostname: Option<String>,
        /// Its resources, as a flat map.
        "resources" resources: LegacyResources,
        /// Its attributes.
        "attributes" attributes: BTreeMap<String, Value>,
        /// Its master's hostname.
        "master_hostname" master_hostname: Option<String>,
        /// Its flags.
        "flags" flags: BTreeMap<String, Value>,
        /// The frameworks with work on it, as sent (with executors and
        /// their tasks).
        "frameworks" frameworks: Vec<Value>,
        /// The completed frameworks, as sent.
        "completed_frameworks" completed_frameworks: Vec<Value>,
    }
}

/// The master's legacy endpoints, from
/// [`MesosClient::legacy`](crate::MesosClient::legacy).
#[derive(Debug, Clone, Copy)]
pub struct Legacy<'a> {
    core: &'a HttpCore,
}

impl<'a> Legacy<'a> {
    pub(crate) fn new(core: &'a HttpCore) -> Self {
        Legacy { core }
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, segments: &[&str]) -> Result<T> {
        self.core
            .json(Request::get(segments.iter().copied()).accept("application/json"))
            .await
            .map_err(Error::from_http)
    }

    /// `GET master/state`: everything, in the legacy dialect.
    pub async fn state(&self) -> Result<LegacyMasterState> {
        self.get(&["master", "state"]).await
    }

    /// `GET master/state-summary`.
    pub async fn state_summary(&self) -> Result<LegacyStateSummary> {
        self.get(&["master", "state-summary"]).await
    }

    /// `GET master/frameworks`.
    pub async fn frameworks(&self) -> Result<LegacyFrameworks> {
        self.get(&["master", "frameworks"]).await
    }

    /// `GET master/redirect`: the leading master's URL (`http://host:port/`,
    /// keeping the scheme the request used), without contacting the leader.
    ///
    /// The master answers `307` with `Location: //leader:port`. The redirect
    /// is not followed ([`Request::follow_redirects`]): the leader is read
    /// from `Location`, resolved against the master that answered, so a
    /// leader that is unreachable from here is still named. `503` (`No
    /// leader elected`), once the core's retries are spent, is
    /// [`Error::NoLeader`]; any other answer, or a `307` without a usable
    /// `Location`, is [`Error::Http`] with its status and body.
    pub async fn leader(&self) -> Result<Url> {
        let request = Request::get(["master", "redirect"]).follow_redirects(false);
        let response = self.core.send(request).await.map_err(Error::from_http)?;
        if response.status == StatusCode::TEMPORARY_REDIRECT {
            let location = response.header("location");
            if let Hop::Follow { mut url, .. } =
                next_hop(&response.url, &response.method, response.status, location)?
            {
                url.set_path("/");
                url.set_query(None);
                url.set_fragment(None);
                return Ok(url);
            }
        }
        Err(Error::from_http(dcos_auth::Error::Api {
            method: response.method,
            url: Box::new(response.url),
            status: response.status,
            body: ErrorBody::from_bytes(&response.body),
        }))
    }
}

/// The agent's legacy endpoints.
#[derive(Debug, Clone, Copy)]
pub(crate) struct AgentLegacy<'a> {
    core: &'a HttpCore,
}

impl<'a> AgentLegacy<'a> {
    pub(crate) fn new(core: &'a HttpCore) -> Self {
        AgentLegacy { core }
    }

    /// `GET slave(1)/state`.
    pub(crate) async fn state(&self) -> Result<LegacyAgentState> {
        self.core
            .json(Request::get(["slave(1)", "state"]).accept("application/json"))
            .await
            .map_err(Error::from_http)
    }
}
