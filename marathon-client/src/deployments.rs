//! `/v2/deployments`: list and cancel.

use dcos_auth::Request;
use dcos_auth::http::StatusCode;

use crate::client::MarathonClient;
use crate::error::Result;
use crate::ids::DeploymentId;
use crate::models::{Deployment, DeploymentResult};

/// The running deployments: `client.deployments()`.
#[derive(Debug, Clone, Copy)]
pub struct Deployments<'a> {
    client: &'a MarathonClient,
}

impl MarathonClient {
    /// The deployments handle.
    pub fn deployments(&self) -> Deployments<'_> {
        Deployments { client: self }
    }
}

impl Deployments<'_> {
    /// `GET /v2/deployments`: the deployments running now. A deployment leaves
    /// this list whether it succeeded, failed or was cancelled; use
    /// [`MarathonClient::wait_for_deployment`] to learn which.
    pub async fn list(&self) -> Result<Vec<Deployment>> {
        self.client.json(Request::get(["v2", "deployments"])).await
    }

    /// Whether deployment `id` is still running.
    pub async fn is_running(&self, id: &DeploymentId) -> Result<bool> {
        Ok(self.list().await?.iter().any(|d| &d.id == id))
    }

    /// `DELETE /v2/deployments/{id}`: cancels the deployment by rolling back.
    /// Answers 200 with the rollback deployment.
    pub async fn cancel(&self, id: &DeploymentId) -> Result<DeploymentResult> {
        let request = Request::delete(["v2", "deployments", id.as_str()])
            .query("force", false)
            .idempotent(false);
        self.client.change(request).await
    }

    /// `DELETE /v2/deployments/{id}?force=true`: stops the deployment where it
    /// is, without rolling back. Answers 202 with no body.
    pub async fn force_cancel(&self, id: &DeploymentId) -> Result<()> {
        let request = Request::delete(["v2", "deployments", id.as_str()])
            .query("force", true)
            .idempotent(false);
        self.client
            .change_no_body(request, StatusCode::ACCEPTED)
            .await?;
        Ok(())
    }
}
