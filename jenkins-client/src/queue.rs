//! [`BuildQueue`]: the build queue: listing it, reading and cancelling
//! items, and waiting for an item's build to start.

mod wait;

use bytes::Bytes;
use dcos_auth::Request;
use dcos_auth::http::Url;

use crate::builds::{BuildWait, FORM, not_found_as_none};
use crate::client::JenkinsClient;
use crate::error::{Error, Result};
use crate::models::{Queue, QueueItem};
use crate::path::{JobPath, rebase};
use crate::tree::Tree;

pub use wait::{QueueDecision, QueuePoll, WaitReason, decide};

/// The build queue. Made by [`JenkinsClient::queue`].
#[derive(Debug, Clone, Copy)]
pub struct BuildQueue<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// The build queue.
    pub fn queue(&self) -> BuildQueue<'_> {
        BuildQueue { client: self }
    }
}

/// A build that left the queue.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct StartedBuild {
    /// The queue item it came from.
    pub queue_id: u64,
    /// The build number.
    pub number: u64,
    /// The build's URL, rebased onto the client's base (when Jenkins sent
    /// one that could be rebased).
    pub url: Option<Url>,
}

/// The fields of a queue item the client reads.
pub fn queue_item_tree() -> Tree {
    let cause = Tree::new().fields(["_class", "shortDescription", "userId", "userName"]);
    let action = Tree::new().field("_class").nested("causes", cause).nested(
        "parameters",
        Tree::new().fields(["_class", "name", "value"]),
    );
    Tree::new()
        .fields([
            "_class",
            "id",
            "why",
            "inQueueSince",
            "params",
            "blocked",
            "buildable",
            "stuck",
            "pending",
            "url",
            "timestamp",
            "buildableStartMilliseconds",
            "cancelled",
        ])
        .nested(
            "task",
            Tree::new().fields(["_class", "name", "url", "color"]),
        )
        .nested(
            "executable",
            Tree::new().fields(["_class", "number", "url"]),
        )
        .nested("actions", action)
}

impl BuildQueue<'_> {
    /// Every item in the queue (`GET queue/api/json`), of every kind, with
    /// Pipeline `node {}` requests among them (their task has no name).
    pub async fn list(&self) -> Result<Queue> {
        let tree = Tree::new()
            .field("_class")
            .nested_range("items", queue_item_tree(), 0..10_000);
        self.client
            .json(Request::get(["queue", "api", "json"]).query("tree", tree))
            .await
    }

    /// One item: `GET queue/item/<id>/api/json`. An item that left the queue
    /// more than 5 minutes ago is [`Error::NotFound`].
    pub async fn get(&self, id: u64) -> Result<QueueItem> {
        self.client
            .json(
                Request::get(["queue", "item", &id.to_string(), "api", "json"])
                    .query("tree", queue_item_tree()),
            )
            .await
    }

    /// One item, or `None` on 404.
    pub async fn get_opt(&self, id: u64) -> Result<Option<QueueItem>> {
        not_found_as_none(self.get(id).await)
    }

    /// Cancels an item: `POST queue/cancelItem?id=<id>`. The item becomes a
    /// left item with `cancelled: true`. Cancelling an item that already
    /// left the queue does nothing.
    pub async fn cancel(&self, id: u64) -> Result<()> {
        let request = Request::post(["queue", "cancelItem"])
            .query("id", id)
            .body(Bytes::new(), FORM);
        self.client.post(request).await?;
        Ok(())
    }

    /// Waits until queue item `id` becomes a build, and returns it.
    ///
    /// Every kind of item is waited through: the quiet period, blocked,
    /// buildable (also when `stuck`, such as a Pipeline waiting for a Mesos
    /// agent), and a left item still starting its build. A cancelled item
    /// ends the wait at once with [`Error::QueueItemCancelled`]. Left items
    /// expire after 5 minutes and then answer 404: with `job`, the build is
    /// then looked up among the job's recent builds by its `queueId`
    /// (`tree=builds[number,queueId,url]`); without it, or when none has
    /// it, the wait ends with [`Error::QueueItemExpired`]. After
    /// `wait.timeout` it ends with [`Error::Timeout`].
    pub async fn wait_for_start(
        &self,
        id: u64,
        job: Option<&JobPath>,
        wait: &BuildWait,
    ) -> Result<StartedBuild> {
        let started = tokio::time::Instant::now();
        loop {
            let item = self.get_opt(id).await?;
            let poll = match &item {
                Some(item) => QueuePoll::Found(item),
                None => QueuePoll::Gone,
            };
            match decide(poll) {
                QueueDecision::Started { number, url } => {
                    return Ok(self.started(id, number, url.as_deref()));
                }
                QueueDecision::Cancelled { why } => {
                    return Err(Error::QueueItemCancelled { id, why });
                }
                QueueDecision::Expired => {
                    let found = match job {
                        Some(job) => self.client.builds().find_by_queue_id(job, id).await?,
                        None => None,
                    };
                    return match found {
                        Some(build) => Ok(self.started(id, build.number, build.url.as_deref())),
                        None => Err(Error::QueueItemExpired { id }),
                    };
                }
                QueueDecision::KeepWaiting { reason, why } => {
                    tracing::debug!(
                        id,
                        ?reason,
                        why = why.as_deref().unwrap_or_default(),
                        "queue item still waiting"
                    );
                }
            }
            if started.elapsed() + wait.poll > wait.timeout {
                return Err(Error::Timeout {
                    what: format!("queue item {id} to start a build"),
                    after: started.elapsed(),
                });
            }
            tokio::time::sleep(wait.poll).await;
        }
    }

    fn started(&self, queue_id: u64, number: u64, url: Option<&str>) -> StartedBuild {
        StartedBuild {
            queue_id,
            number,
            url: url
                .and_then(|u| rebase(self.client.base(), u).ok())
                .map(|r| r.url),
        }
    }
}
