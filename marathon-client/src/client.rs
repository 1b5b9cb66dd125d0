//! [`MarathonClient`]: the entry point, and what every handle shares.

use dcos_auth::http::StatusCode;
use dcos_auth::{HttpCore, Request, Response};
use serde::de::DeserializeOwned;

use crate::error::{Error, Result};
use crate::ids::DeploymentId;
use crate::models::{DeploymentRef, DeploymentResult};

/// The header Marathon sets on every change that starts a deployment.
pub const DEPLOYMENT_ID_HEADER: &str = "Marathon-Deployment-Id";

/// A Marathon client on a shared [`HttpCore`].
///
/// Cloning is cheap; clones share the connection pool and token cache.
#[derive(Debug, Clone)]
pub struct MarathonClient {
    core: HttpCore,
}

/// A server answer together with the deployment it started, if any.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WithDeployment<T> {
    /// The decoded body.
    pub value: T,
    /// The deployment, from `Marathon-Deployment-Id` or else the body.
    pub deployment_id: Option<DeploymentId>,
}

impl MarathonClient {
    /// A client on `core`, such as `cluster.service("marathon")` for Marathon
    /// behind Admin Router, or [`HttpCore::direct`] for a plain Marathon.
    pub fn new(core: HttpCore) -> Self {
        MarathonClient { core }
    }

    /// The core, for endpoints this crate does not model yet:
    /// `client.core().get_json::<serde_json::Value>(["v2", "plugins"])`.
    pub fn core(&self) -> &HttpCore {
        &self.core
    }

    /// Sends `request`; a status outside 2xx becomes a named [`Error`].
    pub(crate) async fn execute(&self, request: Request) -> Result<Response> {
        let response = self.core.send(request).await?;
        response.error_for_status().map_err(Error::from_http)
    }

    /// Sends `request` and decodes the 2xx JSON answer.
    pub(crate) async fn json<T: DeserializeOwned>(&self, request: Request) -> Result<T> {
        Ok(self
            .execute(request.accept("application/json"))
            .await?
            .json()?)
    }

    /// Sends a change and reads the deployment it started: the
    /// `Marathon-Deployment-Id` header first, then the body's `deploymentId`.
    /// An empty body (older servers) or a no-op change gives no id.
    pub(crate) async fn change(&self, request: Request) -> Result<DeploymentResult> {
        let response = self.execute(request.accept("application/json")).await?;
        let mut result = if response.body.iter().all(u8::is_ascii_whitespace) {
            DeploymentResult::default()
        } else {
            response.json::<DeploymentResult>()?
        };
        if let Some(id) = header_deployment_id(&response) {
            result.deployment_id = Some(id);
        }
        Ok(result)
    }

    /// Sends a change whose answer is an entity (a created app, a pod) and
    /// reads the deployment it started: the header first, then
    /// `deployments[0].id` in the body.
    pub(crate) async fn change_entity<T: DeserializeOwned>(
        &self,
        request: Request,
        deployments: impl FnOnce(&T) -> Option<&Vec<DeploymentRef>>,
    ) -> Result<WithDeployment<T>> {
        let response = self.execute(request.accept("application/json")).await?;
        let value: T = response.json()?;
        let deployment_id = header_deployment_id(&response).or_else(|| {
            deployments(&value)
                .and_then(|d| d.first())
                .map(|d| d.id.clone())
        });
        Ok(WithDeployment {
            value,
            deployment_id,
        })
    }

    /// Sends a change answered with no body (202 or 204), returning the
    /// deployment id from the header when there is one.
    pub(crate) async fn change_no_body(
        &self,
        request: Request,
        expected: StatusCode,
    ) -> Result<Option<DeploymentId>> {
        let response = self.execute(request).await?;
        if response.status != expected {
            tracing::debug!(status = %response.status, %expected, url = %response.url, "unexpected success status");
        }
        Ok(header_deployment_id(&response))
    }
}

fn header_deployment_id(response: &Response) -> Option<DeploymentId> {
    response
        .header(DEPLOYMENT_ID_HEADER)
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(DeploymentId::from)
}

impl MarathonClient {
    /// A client for a Marathon outside DC/OS, on one or more instances of it
    /// (`http://m1:8080`, `http://m2:8080`, …): requests go to one instance
    /// and move to the next on connect errors, and on 502 or 503 for requests
    /// that are safe to resend. A POST whose outcome is unknown is never
    /// resent. A down instance is probed with `GET /ping` (`Accept: */*`)
    /// until it answers, and `X-Marathon-Leader` sends later requests straight
    /// to the leader when it is one of the instances. Credentials go to these
    /// instances only.
    pub fn direct<I, S>(urls: I, credentials: impl Into<dcos_auth::Credentials>) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut urls = urls.into_iter().map(Into::into);
        let first = urls
            .next()
            .ok_or_else(|| Error::InvalidRequest("no Marathon URL given".to_owned()))?;
        let builder = dcos_auth::Cluster::builder(first).auth(credentials);
        Self::direct_from(builder, urls)
    }

    /// Like [`direct`](Self::direct), from a builder that already holds the
    /// first URL and the settings (credentials, CA, timeouts), plus more
    /// instances.
    pub fn direct_from<I, S>(builder: dcos_auth::ClusterBuilder, more: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let cluster = builder
            .failover_hosts(more)
            .health_probe(["ping"], "*/*")
            .leader_header(LEADER_HEADER)
            .build()?;
        Ok(MarathonClient::new(cluster.root()))
    }
}

/// The header Marathon sets to name the leader on every proxied answer.
pub const LEADER_HEADER: &str = "X-Marathon-Leader";
