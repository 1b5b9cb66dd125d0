//! `/v2/groups`: the tree, one group, create, update (with dry run), delete,
//! scale and versions.

use dcos_auth::Request;
use serde::Serialize;

use crate::change::ForceChange;
use crate::client::MarathonClient;
use crate::error::Result;
use crate::ids::GroupId;
use crate::models::{DeploymentResult, DeploymentSteps, Group, Timestamp};
use crate::path::id_path;

dcos_auth::string_enum! {
    /// What `GET /v2/groups` embeds. Without any, Marathon embeds apps,
    /// pods and subgroups.
    pub enum GroupEmbed {
        /// Subgroups.
        Groups = "group.groups",
        /// Apps.
        Apps = "group.apps",
        /// Pods.
        Pods = "group.pods",
        /// Each app's tasks.
        AppTasks = "group.apps.tasks",
        /// Each app's task counts.
        AppCounts = "group.apps.counts",
        /// Each app's deployments.
        AppDeployments = "group.apps.deployments",
        /// Each app's last task failure.
        AppLastTaskFailure = "group.apps.lastTaskFailure",
        /// Each app's readiness results.
        AppReadiness = "group.apps.readiness",
        /// Each app's task stats.
        AppTaskStats = "group.apps.taskStats",
    }
}

/// The group tree: `client.groups()`.
#[derive(Debug, Clone, Copy)]
pub struct Groups<'a> {
    client: &'a MarathonClient,
}

impl MarathonClient {
    /// The groups handle.
    pub fn groups(&self) -> Groups<'_> {
        Groups { client: self }
    }
}

/// `PUT`/`POST`/`DELETE` on a group, with `force`; an update can also be a
/// dry run.
#[derive(Debug, Clone)]
#[must_use = "call .send() (or .dry_run() for an update) to apply the change"]
pub struct GroupChange<'a> {
    change: ForceChange<'a>,
}

impl GroupChange<'_> {
    /// Cancels deployments that lock the group.
    pub fn force(mut self, force: bool) -> Self {
        self.change = self.change.force(force);
        self
    }

    /// The request, for inspection.
    pub fn request(&self) -> Result<Request> {
        self.change.request()
    }

    /// Applies the change and returns the deployment it started.
    pub async fn send(self) -> Result<DeploymentResult> {
        self.change.send().await
    }

    /// For an update: `dryRun=true`. Nothing changes; the answer is the
    /// steps the deployment would take.
    pub async fn dry_run(self) -> Result<DeploymentSteps> {
        let request = self.change.request()?.query("dryRun", true);
        self.change.send_json(request).await
    }
}

impl<'a> Groups<'a> {
    /// `GET /v2/groups`: the whole tree, from the root group `/`.
    pub async fn tree(&self) -> Result<Group> {
        self.get_embed(&GroupId::root(), &[]).await
    }

    /// `GET /v2/groups/{id}`.
    pub async fn get(&self, id: &GroupId) -> Result<Group> {
        self.get_embed(id, &[]).await
    }

    /// `GET /v2/groups/{id}` with embeds.
    pub async fn get_embed(&self, id: &GroupId, embed: &[GroupEmbed]) -> Result<Group> {
        let mut request = Request::get(id_path(&["v2", "groups"], id, None));
        for e in embed {
            request = request.query("embed", e);
        }
        self.client.json(request).await
    }

    /// Like [`get`](Self::get), but a missing group is `Ok(None)`.
    pub async fn get_opt(&self, id: &GroupId) -> Result<Option<Group>> {
        match self.get(id).await {
            Ok(group) => Ok(Some(group)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// `POST /v2/groups`: creates a group with its apps and subgroups. An
    /// existing group is [`Error::Conflict`](crate::Error::Conflict). Ids
    /// inside are relative to the group or absolute below it.
    pub fn create(&self, group: &Group) -> GroupChange<'a> {
        self.change(Request::post(["v2", "groups"]).json(&group.definition()))
    }

    /// `PUT /v2/groups/{id}`: creates or updates the group. Use
    /// [`GroupChange::dry_run`] to see the steps first.
    pub fn update(&self, group: &Group) -> GroupChange<'a> {
        self.change(
            Request::put(id_path(&["v2", "groups"], &group.id, None)).json(&group.definition()),
        )
    }

    /// `DELETE /v2/groups/{id}`: deletes the group and everything in it.
    pub fn delete(&self, id: &GroupId) -> GroupChange<'a> {
        self.change(Ok(Request::delete(id_path(&["v2", "groups"], id, None))))
    }

    /// Scales every app in the group by `factor`: `PUT {"scaleBy": factor}`.
    pub fn scale_by(&self, id: &GroupId, factor: f64) -> GroupChange<'a> {
        #[derive(Serialize)]
        #[serde(rename_all = "camelCase")]
        struct ScaleBy {
            scale_by: f64,
        }
        self.change(
            Request::put(id_path(&["v2", "groups"], id, None)).json(&ScaleBy { scale_by: factor }),
        )
    }

    /// Rolls the group back to `version`: `PUT {"version": …}`.
    pub fn rollback_to(&self, id: &GroupId, version: &Timestamp) -> GroupChange<'a> {
        #[derive(Serialize)]
        struct Rollback<'v> {
            version: &'v Timestamp,
        }
        self.change(Request::put(id_path(&["v2", "groups"], id, None)).json(&Rollback { version }))
    }

    /// `GET /v2/groups/{id}/versions`: a bare array of versions.
    pub async fn versions(&self, id: &GroupId) -> Result<Vec<Timestamp>> {
        let request = Request::get(id_path(&["v2", "groups"], id, Some("versions")));
        self.client.json(request).await
    }

    /// `GET /v2/groups/{id}/versions/{version}`.
    pub async fn version(&self, id: &GroupId, version: &Timestamp) -> Result<Group> {
        let mut segments = id_path(&["v2", "groups"], id, Some("versions"));
        segments.push(version.as_str().to_owned());
        self.client.json(Request::get(segments)).await
    }

    fn change(&self, request: dcos_auth::Result<Request>) -> GroupChange<'a> {
        GroupChange {
            change: ForceChange::new(self.client, request),
        }
    }
}
