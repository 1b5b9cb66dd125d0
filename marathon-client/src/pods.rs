//! `/v2/pods`: create, read, update, delete, status, versions and instance
//! kills. Pod sub-resources use `::status`, `::versions` and `::instances`.

use dcos_auth::Request;
use dcos_auth::http::StatusCode;

use crate::client::{MarathonClient, WithDeployment};
use crate::error::Result;
use crate::ids::{DeploymentId, PodId, TaskId};
use crate::models::{KilledInstance, Pod, PodStatus, Timestamp};
use crate::path::pod_path;

/// The pods: `client.pods()`.
#[derive(Debug, Clone, Copy)]
pub struct Pods<'a> {
    client: &'a MarathonClient,
}

impl MarathonClient {
    /// The pods handle.
    pub fn pods(&self) -> Pods<'_> {
        Pods { client: self }
    }
}

impl Pods<'_> {
    /// `GET /v2/pods`: every pod definition.
    pub async fn list(&self) -> Result<Vec<Pod>> {
        self.client.json(Request::get(["v2", "pods"])).await
    }

    /// `HEAD /v2/pods`: whether this Marathon supports pods (1.4+).
    pub async fn supported(&self) -> Result<bool> {
        let response = self
            .client
            .core()
            .send(Request::head(["v2", "pods"]))
            .await?;
        Ok(response.status.is_success())
    }

    /// `GET /v2/pods/{id}`.
    pub async fn get(&self, id: &PodId) -> Result<Pod> {
        self.client.json(Request::get(pod_path(Some(id), ""))).await
    }

    /// Like [`get`](Self::get), but a missing pod is `Ok(None)`.
    pub async fn get_opt(&self, id: &PodId) -> Result<Option<Pod>> {
        match self.get(id).await {
            Ok(pod) => Ok(Some(pod)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /v2/pods`: creates a pod (201) and returns it with its
    /// deployment.
    pub async fn create(&self, pod: &Pod, force: bool) -> Result<WithDeployment<Pod>> {
        let request = Request::post(["v2", "pods"])
            .json(pod)?
            .query("force", force)
            .idempotent(false);
        self.client.change_entity(request, |_: &Pod| None).await
    }

    /// `PUT /v2/pods/{id}`: creates or updates the pod (200 or 201). The body's
    /// id must match; otherwise the server answers 400.
    pub async fn update(&self, pod: &Pod, force: bool) -> Result<WithDeployment<Pod>> {
        let request = Request::put(pod_path(Some(&pod.id), ""))
            .json(pod)?
            .query("force", force)
            .idempotent(false);
        self.client.change_entity(request, |_: &Pod| None).await
    }

    /// `DELETE /v2/pods/{id}`: answers 202 with no body; returns the
    /// deployment id from the header.
    pub async fn delete(&self, id: &PodId, force: bool) -> Result<Option<DeploymentId>> {
        let request = Request::delete(pod_path(Some(id), ""))
            .query("force", force)
            .idempotent(false);
        self.client
            .change_no_body(request, StatusCode::ACCEPTED)
            .await
    }

    /// `GET /v2/pods/{id}::status`.
    pub async fn status(&self, id: &PodId) -> Result<PodStatus> {
        self.client
            .json(Request::get(pod_path(Some(id), "::status")))
            .await
    }

    /// `GET /v2/pods/::status`: the status of every pod.
    pub async fn status_all(&self) -> Result<Vec<PodStatus>> {
        self.client
            .json(Request::get(pod_path(None, "::status")))
            .await
    }

    /// `GET /v2/pods/{id}::versions`.
    pub async fn versions(&self, id: &PodId) -> Result<Vec<Timestamp>> {
        self.client
            .json(Request::get(pod_path(Some(id), "::versions")))
            .await
    }

    /// `GET /v2/pods/{id}::versions/{version}`.
    pub async fn version(&self, id: &PodId, version: &Timestamp) -> Result<Pod> {
        let mut segments = pod_path(Some(id), "::versions");
        segments.push(version.as_str().to_owned());
        self.client.json(Request::get(segments)).await
    }

    /// `DELETE /v2/pods/{id}::instances/{instance}`: kills one instance;
    /// Marathon starts a replacement.
    pub async fn kill_instance(
        &self,
        id: &PodId,
        instance: &TaskId,
        wipe: bool,
    ) -> Result<KilledInstance> {
        let mut segments = pod_path(Some(id), "::instances");
        segments.push(instance.as_str().to_owned());
        let mut request = Request::delete(segments).idempotent(false);
        if wipe {
            request = request.query("wipe", true);
        }
        self.client.json(request).await
    }

    /// `DELETE /v2/pods/{id}::instances` with a JSON array of instance ids:
    /// kills several instances.
    pub async fn kill_instances(
        &self,
        id: &PodId,
        instances: &[TaskId],
        wipe: bool,
    ) -> Result<Vec<KilledInstance>> {
        let mut request = Request::delete(pod_path(Some(id), "::instances"))
            .json(instances)?
            .idempotent(false);
        if wipe {
            request = request.query("wipe", true);
        }
        self.client.json(request).await
    }
}
