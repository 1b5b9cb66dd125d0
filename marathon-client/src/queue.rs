//! `/v2/queue`: the launch queue and the delay reset.

use dcos_auth::Request;
use dcos_auth::http::StatusCode;

use crate::client::MarathonClient;
use crate::error::Result;
use crate::ids::PathId;
use crate::models::{Queue, QueueItem};
use crate::path::id_path;

/// The launch queue: `client.queue()`.
#[derive(Debug, Clone, Copy)]
pub struct LaunchQueue<'a> {
    client: &'a MarathonClient,
}

impl MarathonClient {
    /// The launch queue handle.
    pub fn queue(&self) -> LaunchQueue<'_> {
        LaunchQueue { client: self }
    }
}

impl LaunchQueue<'_> {
    /// `GET /v2/queue`: apps and pods waiting to launch.
    pub async fn list(&self) -> Result<Vec<QueueItem>> {
        let queue: Queue = self.client.json(Request::get(["v2", "queue"])).await?;
        Ok(queue.queue)
    }

    /// `GET /v2/queue?embed=lastUnusedOffers`: with the offers that were
    /// declined and why, to debug a launch that does not happen.
    pub async fn list_with_offers(&self) -> Result<Vec<QueueItem>> {
        let request = Request::get(["v2", "queue"]).query("embed", "lastUnusedOffers");
        let queue: Queue = self.client.json(request).await?;
        Ok(queue.queue)
    }

    /// `DELETE /v2/queue/{id}/delay`: launches again now instead of waiting
    /// out the backoff. Answers 204.
    pub async fn reset_delay(&self, id: &PathId) -> Result<()> {
        let request = Request::delete(id_path(&["v2", "queue"], id, Some("delay")));
        self.client
            .change_no_body(request, StatusCode::NO_CONTENT)
            .await?;
        Ok(())
    }
}
