//! [`Server`]: who the client is, the server's version and settings, its
//! plugins, and quiet-down.

use bytes::Bytes;
use dcos_auth::Request;

use crate::client::JenkinsClient;
use crate::error::Result;
use crate::models::{JenkinsInfo, Plugin, PluginList, User, WhoAmI};
use crate::tree::Tree;

/// The server as a whole. Made by [`JenkinsClient::server`].
#[derive(Debug, Clone, Copy)]
pub struct Server<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// The server as a whole: whoAmI, version, plugins, quiet-down.
    pub fn server(&self) -> Server<'_> {
        Server { client: self }
    }
}

/// The fields of the root [`Server::info`] asks for; no jobs (list them with
/// [`Jobs::list`](crate::Jobs::list)).
fn info_tree() -> Tree {
    let view = || Tree::new().fields(["_class", "name", "url"]);
    Tree::new()
        .fields([
            "_class",
            "mode",
            "nodeName",
            "nodeDescription",
            "numExecutors",
            "description",
            "quietingDown",
            "useSecurity",
            "useCrumbs",
            "slaveAgentPort",
        ])
        .nested("views", view())
        .nested("primaryView", view())
}

impl Server<'_> {
    /// How Jenkins sees the caller: `GET whoAmI/api/json`. Anonymous callers
    /// get `name: "anonymous"` and `authenticated: false`, not an error.
    pub async fn who_am_i(&self) -> Result<WhoAmI> {
        let tree = Tree::new().fields([
            "_class",
            "name",
            "authenticated",
            "anonymous",
            "authorities",
        ]);
        self.client
            .json(Request::get(["whoAmI", "api", "json"]).query("tree", tree))
            .await
    }

    /// The logged-in user: `GET me/api/json`. Anonymous callers get a 403
    /// ([`Error::Forbidden`](crate::Error::Forbidden)).
    pub async fn me(&self) -> Result<User> {
        let tree = Tree::new().fields(["_class", "id", "fullName", "description", "absoluteUrl"]);
        self.client
            .json(Request::get(["me", "api", "json"]).query("tree", tree))
            .await
    }

    /// The server's version, from the `X-Jenkins` header: see
    /// [`JenkinsClient::fetch_version`].
    pub async fn version(&self) -> Result<String> {
        self.client.fetch_version().await
    }

    /// The root's settings: mode, executors of the built-in node, views,
    /// whether it is quieting down: `GET api/json?tree=…` (no jobs).
    pub async fn info(&self) -> Result<JenkinsInfo> {
        self.client
            .json(Request::get(["api", "json"]).query("tree", info_tree()))
            .await
    }

    /// The installed plugins with version, active and enabled:
    /// `GET pluginManager/api/json?tree=plugins[…]`.
    pub async fn plugins(&self) -> Result<Vec<Plugin>> {
        let tree = Tree::new().field("_class").nested(
            "plugins",
            Tree::new()
                .fields([
                    "shortName",
                    "longName",
                    "version",
                    "active",
                    "enabled",
                    "hasUpdate",
                    "bundled",
                    "pinned",
                    "deleted",
                    "requiredCoreVersion",
                    "url",
                ])
                .nested(
                    "dependencies",
                    Tree::new().fields(["shortName", "version", "optional"]),
                ),
        );
        let list: PluginList = self
            .client
            .json(Request::get(["pluginManager", "api", "json"]).query("tree", tree))
            .await?;
        Ok(list.plugins)
    }

    /// Stops new builds from starting (running ones finish), as before a
    /// restart: `POST quietDown`. Needs `Overall/Manage` or
    /// `Overall/Administer`.
    pub async fn quiet_down(&self) -> Result<()> {
        self.post(["quietDown"]).await
    }

    /// Lets builds start again: `POST cancelQuietDown`.
    pub async fn cancel_quiet_down(&self) -> Result<()> {
        self.post(["cancelQuietDown"]).await
    }

    async fn post<const N: usize>(&self, segments: [&str; N]) -> Result<()> {
        let request =
            Request::post(segments).body(Bytes::new(), "application/x-www-form-urlencoded");
        self.client.post(request).await?;
        Ok(())
    }
}
