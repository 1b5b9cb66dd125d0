//! Server endpoints: `/v2/info`, `/v2/leader`, `/ping` and `/metrics`.

use dcos_auth::Request;

use crate::client::MarathonClient;
use crate::error::{Error, Result};
use crate::models::{Info, Leader, Message};

impl MarathonClient {
    /// `GET /v2/info`: version, leader, framework id and configuration.
    pub async fn info(&self) -> Result<Info> {
        self.json(Request::get(["v2", "info"])).await
    }

    /// `GET /v2/leader`: the leader's `host:port`. A 404 there means there is
    /// no leader: [`Error::NoLeader`].
    pub async fn leader(&self) -> Result<Leader> {
        self.json(Request::get(["v2", "leader"]))
            .await
            .map_err(|e| match e {
                // Marathon says "There is no leader"; another 404 (Admin
                // Router's, when Marathon is not installed) stays NotFound.
                Error::NotFound { message, source }
                    if message.to_ascii_lowercase().contains("leader") =>
                {
                    Error::NoLeader { message, source }
                }
                other => other,
            })
    }

    /// `DELETE /v2/leader`: makes the leader step down so another instance
    /// is elected. Never resent: a resend would depose the new leader.
    pub async fn abdicate(&self) -> Result<Message> {
        self.abdicate_with(None, None).await
    }

    /// `DELETE /v2/leader?backup=…&restore=…`: abdicates, backing up or
    /// restoring state from the given URLs (`file://…` or `s3://…`).
    pub async fn abdicate_with(
        &self,
        backup: Option<&str>,
        restore: Option<&str>,
    ) -> Result<Message> {
        let request = Request::delete(["v2", "leader"])
            .query_opt("backup", backup)
            .query_opt("restore", restore)
            .idempotent(false);
        self.json(request).await
    }

    /// `GET /ping` with `Accept: */*` (with `application/json` some versions
    /// answer 406): `pong` from a live instance.
    pub async fn ping(&self) -> Result<String> {
        let response = self.execute(Request::get(["ping"]).accept("*/*")).await?;
        Ok(String::from_utf8_lossy(&response.body).trim().to_owned())
    }

    /// `GET /metrics`: Dropwizard-style (before 1.7) or Kamon-style metrics,
    /// kept as JSON because their names vary by version and plugin.
    pub async fn metrics(&self) -> Result<serde_json::Value> {
        self.json(Request::get(["metrics"])).await
    }
}
