//! [`Nodes`]: the built-in node and agents, including Mesos cloud agents
//! that come and go: list, get, mark offline or online, disconnect, delete.

use bytes::Bytes;
use dcos_auth::Request;

use crate::builds::{FORM, not_found_as_none};
use crate::client::JenkinsClient;
use crate::error::Result;
use crate::models::{Computer, ComputerSet, Label};
use crate::tree::Tree;

/// The URL name of the built-in node since Jenkins 2.307.
pub const BUILT_IN_NODE: &str = "(built-in)";
/// The URL name of the built-in node before Jenkins 2.307.
pub const LEGACY_MASTER_NODE: &str = "(master)";

/// Nodes (computers). Made by [`JenkinsClient::nodes`].
///
/// Mesos cloud agents are single-use and vanish after their build: a node
/// that is gone is [`Error::NotFound`](crate::Error::NotFound), and
/// [`get_opt`](Self::get_opt) makes that `None`.
#[derive(Debug, Clone, Copy)]
pub struct Nodes<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// Nodes: list, get, offline and online, disconnect, delete.
    pub fn nodes(&self) -> Nodes<'_> {
        Nodes { client: self }
    }
}

/// The fields of a node the client reads.
pub fn computer_tree() -> Tree {
    let executor = Tree::new()
        .fields(["_class", "number", "idle", "likelyStuck", "progress"])
        .nested(
            "currentExecutable",
            Tree::new().fields(["_class", "number", "url"]),
        );
    Tree::new()
        .fields([
            "_class",
            "displayName",
            "description",
            "offline",
            "temporarilyOffline",
            "offlineCauseReason",
            "idle",
            "numExecutors",
            "jnlpAgent",
            "launchSupported",
            "manualLaunchAllowed",
            "absoluteRemotePath",
            "icon",
        ])
        .nested("assignedLabels", Tree::new().field("name"))
        .nested_range("executors", executor.clone(), 0..1000)
        .nested_range("oneOffExecutors", executor, 0..1000)
}

impl Nodes<'_> {
    /// Every node: `GET computer/api/json` with executors and labels.
    pub async fn list(&self) -> Result<ComputerSet> {
        let tree = Tree::new()
            .fields(["_class", "busyExecutors", "totalExecutors", "displayName"])
            .nested_range("computer", computer_tree(), 0..10_000);
        self.client
            .json(Request::get(["computer", "api", "json"]).query("tree", tree))
            .await
    }

    /// One node by name: `GET computer/<name>/api/json`. The built-in node
    /// is [`BUILT_IN_NODE`]; see [`built_in`](Self::built_in).
    pub async fn get(&self, name: &str) -> Result<Computer> {
        self.client
            .json(Request::get(["computer", name, "api", "json"]).query("tree", computer_tree()))
            .await
    }

    /// One node, or `None` when it is gone (an ephemeral agent) or not
    /// visible.
    pub async fn get_opt(&self, name: &str) -> Result<Option<Computer>> {
        not_found_as_none(self.get(name).await)
    }

    /// The built-in node: `(built-in)`, or `(master)` on Jenkins before
    /// 2.307.
    pub async fn built_in(&self) -> Result<Computer> {
        match self.get(BUILT_IN_NODE).await {
            Err(e) if e.is_not_found() => self.get(LEGACY_MASTER_NODE).await,
            other => other,
        }
    }

    /// A label and its nodes: `GET label/<name>/api/json`.
    pub async fn label(&self, name: &str) -> Result<Label> {
        let tree = Tree::new()
            .fields([
                "_class",
                "name",
                "description",
                "busyExecutors",
                "idleExecutors",
                "totalExecutors",
                "offline",
            ])
            .nested_range(
                "nodes",
                Tree::new().fields(["_class", "nodeName"]),
                0..10_000,
            );
        self.client
            .json(Request::get(["label", name, "api", "json"]).query("tree", tree))
            .await
    }

    /// Marks a node offline with `message`, so it takes no new builds
    /// (running ones go on). Jenkins only has a toggle
    /// (`POST computer/<name>/toggleOffline?offlineMessage=…`), so the node
    /// is read first and left alone when a user already marked it offline.
    /// Returns whether it was toggled.
    pub async fn mark_offline(&self, name: &str, message: &str) -> Result<bool> {
        let node = self.get(name).await?;
        if node.temporarily_offline == Some(true) {
            return Ok(false);
        }
        self.toggle(name, Some(message)).await?;
        Ok(true)
    }

    /// Brings a node marked offline back online (the same toggle). Returns
    /// whether it was toggled: not when it was not marked offline.
    pub async fn mark_online(&self, name: &str) -> Result<bool> {
        let node = self.get(name).await?;
        if node.temporarily_offline != Some(true) {
            return Ok(false);
        }
        self.toggle(name, None).await?;
        Ok(true)
    }

    async fn toggle(&self, name: &str, message: Option<&str>) -> Result<()> {
        let request = Request::post(["computer", name, "toggleOffline"])
            .query_opt("offlineMessage", message)
            .body(Bytes::new(), FORM);
        self.client.post(request).await?;
        Ok(())
    }

    /// Disconnects an agent (`POST computer/<name>/doDisconnect?offlineMessage=…`):
    /// its channel is closed and running builds fail.
    pub async fn disconnect(&self, name: &str, message: &str) -> Result<()> {
        let request = Request::post(["computer", name, "doDisconnect"])
            .query("offlineMessage", message)
            .body(Bytes::new(), FORM);
        self.client.post(request).await?;
        Ok(())
    }

    /// Deletes an agent: `POST computer/<name>/doDelete`. An agent that is
    /// already gone is [`Error::NotFound`](crate::Error::NotFound).
    pub async fn delete(&self, name: &str) -> Result<()> {
        let request = Request::post(["computer", name, "doDelete"]).body(Bytes::new(), FORM);
        self.client.post(request).await?;
        Ok(())
    }
}
