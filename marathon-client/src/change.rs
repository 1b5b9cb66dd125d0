//! [`ForceChange`]: a change that starts a deployment and takes `force`.

use dcos_auth::Request;

use crate::client::MarathonClient;
use crate::error::Result;
use crate::models::DeploymentResult;

/// A change that starts a deployment and takes `force`: delete, restart,
/// patch and the bulk changes. `force=` is always sent explicitly.
#[derive(Debug, Clone)]
#[must_use = "call .send() to apply the change"]
pub struct ForceChange<'a> {
    client: &'a MarathonClient,
    request: Result<Request>,
    force: bool,
}

impl<'a> ForceChange<'a> {
    pub(crate) fn new(client: &'a MarathonClient, request: dcos_auth::Result<Request>) -> Self {
        ForceChange {
            client,
            request: request.map_err(Into::into),
            force: false,
        }
    }

    /// Cancels deployments that lock the target. Old and new tasks may be
    /// left mixed.
    pub fn force(mut self, force: bool) -> Self {
        self.force = force;
        self
    }

    /// The request, for inspection; an error if the body could not be built.
    pub fn request(&self) -> Result<Request> {
        let request = self.request.as_ref().map_err(Clone::clone)?.clone();
        // A change is never resent when its outcome is unknown: a resend of
        // an applied change answers 409 (locked by the deployment it
        // started), or with `force` cancels that deployment.
        Ok(request.query("force", self.force).idempotent(false))
    }

    /// Sends the change and returns the deployment it started.
    pub async fn send(self) -> Result<DeploymentResult> {
        let request = self.request()?;
        self.send_request(request).await
    }

    /// Sends `request`, built from this change, as a change.
    pub(crate) async fn send_request(&self, request: Request) -> Result<DeploymentResult> {
        self.client.change(request).await
    }

    /// Sends `request`, built from this change, and decodes its answer.
    pub(crate) async fn send_json<T: serde::de::DeserializeOwned>(
        &self,
        request: Request,
    ) -> Result<T> {
        self.client.json(request).await
    }
}
