//! `/v2/apps`: list, read, create, update, patch, delete, restart, scale,
//! versions, rollback and the tasks of an app.

use dcos_auth::Request;
use serde::Serialize;

use crate::change::ForceChange;
use crate::client::{MarathonClient, WithDeployment};
use crate::error::Result;
use crate::ids::{AppId, GroupId, TaskId};
use crate::kill::{KillAnswer, KillOptions, Killed};
use crate::models::{
    App, AppList, AppSingle, AppVersions, DeploymentResult, Task, TaskList, Timestamp,
};
use crate::path::id_path;

dcos_auth::string_enum! {
    /// What `GET /v2/apps` embeds in each app. Marathon always embeds counts
    /// and deployments in lists, and counts, tasks, deployments and the last
    /// failure in a single app, so only readiness and task stats need asking
    /// for there.
    pub enum AppEmbed {
        /// The app's tasks (also implies deployments).
        Tasks = "apps.tasks",
        /// Task counts by state.
        Counts = "apps.counts",
        /// Running deployments.
        Deployments = "apps.deployments",
        /// Readiness check results, as `readinessCheckResults`.
        Readiness = "apps.readiness",
        /// The last task failure.
        LastTaskFailure = "apps.lastTaskFailure",
        /// Task statistics, as `tasksStats`.
        TaskStats = "apps.taskStats",
    }
}

/// The apps of one Marathon: `client.apps()`.
#[derive(Debug, Clone, Copy)]
pub struct Apps<'a> {
    client: &'a MarathonClient,
}

impl MarathonClient {
    /// The apps handle.
    pub fn apps(&self) -> Apps<'_> {
        Apps { client: self }
    }
}

/// Filters and embeds for `GET /v2/apps`.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct AppListParams {
    /// Only apps whose `cmd` contains this text.
    pub cmd: Option<String>,
    /// Only apps whose id contains this text.
    pub id: Option<String>,
    /// A label selector such as `team==cd,env!=prod`.
    pub label: Option<String>,
    /// What to embed.
    pub embed: Vec<AppEmbed>,
}

impl AppListParams {
    /// Filters by command substring.
    #[must_use]
    pub fn cmd(mut self, cmd: impl Into<String>) -> Self {
        self.cmd = Some(cmd.into());
        self
    }

    /// Filters by id substring.
    #[must_use]
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.id = Some(id.into());
        self
    }

    /// Filters by label selector.
    #[must_use]
    pub fn label(mut self, selector: impl Into<String>) -> Self {
        self.label = Some(selector.into());
        self
    }

    /// Adds an embed.
    #[must_use]
    pub fn embed(mut self, embed: AppEmbed) -> Self {
        self.embed.push(embed);
        self
    }

    /// The request these parameters describe.
    pub fn request(&self) -> Request {
        let mut request = Request::get(["v2", "apps"])
            .query_opt("cmd", self.cmd.as_deref())
            .query_opt("id", self.id.as_deref())
            .query_opt("label", self.label.as_deref());
        for embed in &self.embed {
            request = request.query("embed", embed);
        }
        request
    }
}

/// `GET /v2/apps`, built by [`Apps::list`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to list the apps"]
pub struct ListApps<'a> {
    client: &'a MarathonClient,
    params: AppListParams,
}

impl ListApps<'_> {
    /// Filters by command substring.
    pub fn cmd(mut self, cmd: impl Into<String>) -> Self {
        self.params = self.params.cmd(cmd);
        self
    }

    /// Filters by id substring.
    pub fn id(mut self, id: impl Into<String>) -> Self {
        self.params = self.params.id(id);
        self
    }

    /// Filters by label selector, such as `team==cd`.
    pub fn label(mut self, selector: impl Into<String>) -> Self {
        self.params = self.params.label(selector);
        self
    }

    /// Adds an embed.
    pub fn embed(mut self, embed: AppEmbed) -> Self {
        self.params = self.params.embed(embed);
        self
    }

    /// Sends the request.
    pub async fn send(self) -> Result<Vec<App>> {
        let list: AppList = self.client.json(self.params.request()).await?;
        Ok(list.apps)
    }
}

/// `PUT /v2/apps/{id}` with a definition, built by [`Apps::update`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to apply the change"]
pub struct UpdateApp<'a> {
    change: ForceChange<'a>,
    partial_update: Option<bool>,
}

impl UpdateApp<'_> {
    /// Cancels deployments that lock the app.
    pub fn force(mut self, force: bool) -> Self {
        self.change = self.change.force(force);
        self
    }

    /// Sets `partialUpdate`. The server's default is `true`: fields left out
    /// keep their values. `false` replaces the whole definition.
    pub fn partial_update(mut self, partial: bool) -> Self {
        self.partial_update = Some(partial);
        self
    }

    /// The request, for inspection.
    pub fn request(&self) -> Result<Request> {
        Ok(self
            .change
            .request()?
            .query_opt("partialUpdate", self.partial_update))
    }

    /// Sends the change: 200 when the app existed, 201 when the PUT created
    /// it. A no-op change may start no deployment.
    pub async fn send(self) -> Result<DeploymentResult> {
        let request = self.request()?;
        self.change.send_request(request).await
    }
}

/// `DELETE /v2/apps/{id}/tasks[/{task}]`, built by [`Apps::kill_tasks`] and
/// [`Apps::kill_task`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to kill the tasks"]
pub struct KillTasks<'a> {
    client: &'a MarathonClient,
    request: Request,
    answer: KillAnswer,
    options: KillOptions,
    host: Option<String>,
}

impl KillTasks<'_> {
    /// Lowers the instance count instead of replacing the killed tasks.
    pub fn scale(mut self, scale: bool) -> Self {
        self.options.scale = scale;
        self
    }

    /// Also forgets the tasks' reservations and persistent volumes.
    pub fn wipe(mut self, wipe: bool) -> Self {
        self.options.wipe = wipe;
        self
    }

    /// Cancels deployments that lock the app (with `scale`).
    pub fn force(mut self, force: bool) -> Self {
        self.options.force = force;
        self
    }

    /// Sets every kill option at once.
    pub fn options(mut self, options: KillOptions) -> Self {
        self.options = options;
        self
    }

    /// Kills only the tasks on this agent host (all tasks of the app only).
    pub fn host(mut self, host: impl Into<String>) -> Self {
        self.host = Some(host.into());
        self
    }

    /// The request, for inspection; an error for options Marathon refuses.
    pub fn request(&self) -> Result<Request> {
        let request = match self.answer {
            KillAnswer::List => self.request.clone().query_opt("host", self.host.as_deref()),
            KillAnswer::Single => self.request.clone(),
        };
        self.options.apply(request)
    }

    /// Sends the kill. Never resent when its outcome is unknown: a second kill
    /// would hit the replacements.
    pub async fn send(self) -> Result<Killed> {
        let request = self.request()?;
        self.options.send(self.client, request, self.answer).await
    }
}

impl<'a> Apps<'a> {
    /// `GET /v2/apps`, with filters and embeds.
    pub fn list(&self) -> ListApps<'a> {
        self.list_with(AppListParams::default())
    }

    /// `GET /v2/apps` from a params struct.
    pub fn list_with(&self, params: AppListParams) -> ListApps<'a> {
        ListApps {
            client: self.client,
            params,
        }
    }

    /// `GET /v2/apps/{id}`; a missing app is [`Error::NotFound`](crate::Error::NotFound).
    pub async fn get(&self, id: &AppId) -> Result<App> {
        self.get_embed(id, &[]).await
    }

    /// `GET /v2/apps/{id}` with extra embeds, such as
    /// [`AppEmbed::Readiness`] or [`AppEmbed::TaskStats`].
    pub async fn get_embed(&self, id: &AppId, embed: &[AppEmbed]) -> Result<App> {
        let mut request = Request::get(id_path(&["v2", "apps"], id, None));
        for e in embed {
            request = request.query("embed", e);
        }
        let single: AppSingle = self.client.json(request).await?;
        Ok(single.app)
    }

    /// Like [`get`](Self::get), but a missing app is `Ok(None)`.
    pub async fn get_opt(&self, id: &AppId) -> Result<Option<App>> {
        match self.get(id).await {
            Ok(app) => Ok(Some(app)),
            Err(e) if e.is_not_found() => Ok(None),
            Err(e) => Err(e),
        }
    }

    /// The apps anywhere under `group`: `GET /v2/apps/{group}/*`, which answers
    /// `{"*": [...]}`.
    pub async fn in_group(&self, group: &GroupId) -> Result<Vec<App>> {
        let request = Request::get(id_path(&["v2", "apps"], group, Some("*")));
        let list: AppList = self.client.json(request).await?;
        Ok(list.apps)
    }

    /// `POST /v2/apps`: creates an app (201). The answer is the app with its
    /// deployment. An existing id is [`Error::Conflict`](crate::Error::Conflict).
    pub async fn create(&self, app: &App) -> Result<WithDeployment<App>> {
        let request = Request::post(["v2", "apps"]).json(&app.definition())?;
        self.client
            .change_entity(request, |app: &App| app.deployments.as_ref())
            .await
    }

    /// `PUT /v2/apps/{id}` with the definition: creates or updates.
    pub fn update(&self, app: &App) -> UpdateApp<'a> {
        self.put(Request::put(id_path(&["v2", "apps"], &app.id, None)).json(&app.definition()))
    }

    /// `PATCH /v2/apps/{id}`: changes only the fields `app` sets. The server
    /// ignores the body's id.
    pub fn patch(&self, id: &AppId, app: &App) -> ForceChange<'a> {
        let request = Request::patch(id_path(&["v2", "apps"], id, None)).json(&app.definition());
        ForceChange::new(self.client, request)
    }

    /// `PUT /v2/apps`: creates or updates several apps in one deployment.
    pub fn put_many(&self, apps: &[App]) -> ForceChange<'a> {
        let apps: Vec<App> = apps.iter().map(App::definition).collect();
        ForceChange::new(self.client, Request::put(["v2", "apps"]).json(&apps))
    }

    /// `PATCH /v2/apps`: patches several apps in one deployment.
    pub fn patch_many(&self, apps: &[App]) -> ForceChange<'a> {
        let apps: Vec<App> = apps.iter().map(App::definition).collect();
        ForceChange::new(self.client, Request::patch(["v2", "apps"]).json(&apps))
    }

    /// `DELETE /v2/apps/{id}`. Marathon's own default for `force` here is
    /// `true`; this sends `force=false` unless [`ForceChange::force`] is set,
    /// so a locked app answers [`Error::AppLocked`](crate::Error::AppLocked)
    /// instead of silently cancelling its deployment.
    pub fn delete(&self, id: &AppId) -> ForceChange<'a> {
        ForceChange::new(
            self.client,
            Ok(Request::delete(id_path(&["v2", "apps"], id, None))),
        )
    }

    /// `POST /v2/apps/{id}/restart`: replaces every task, by the upgrade strategy.
    pub fn restart(&self, id: &AppId) -> ForceChange<'a> {
        ForceChange::new(
            self.client,
            Ok(Request::post(id_path(&["v2", "apps"], id, Some("restart")))),
        )
    }

    /// Scales to `instances`: a partial `PUT {"instances": n}`.
    pub fn scale(&self, id: &AppId, instances: u32) -> ForceChange<'a> {
        #[derive(Serialize)]
        struct Scale {
            instances: u32,
        }
        let request = Request::put(id_path(&["v2", "apps"], id, None)).json(&Scale { instances });
        ForceChange::new(self.client, request)
    }

    /// `GET /v2/apps/{id}/versions`: the versions, newest first.
    pub async fn versions(&self, id: &AppId) -> Result<Vec<Timestamp>> {
        let request = Request::get(id_path(&["v2", "apps"], id, Some("versions")));
        let versions: AppVersions = self.client.json(request).await?;
        Ok(versions.versions)
    }

    /// `GET /v2/apps/{id}/versions/{version}`: the definition at a version.
    pub async fn version(&self, id: &AppId, version: &Timestamp) -> Result<App> {
        let mut segments = id_path(&["v2", "apps"], id, Some("versions"));
        segments.push(version.as_str().to_owned());
        self.client.json(Request::get(segments)).await
    }

    /// Rolls back to `version`: `PUT /v2/apps/{id} {"version": …}`.
    pub fn rollback_to(&self, id: &AppId, version: &Timestamp) -> ForceChange<'a> {
        #[derive(Serialize)]
        struct Rollback<'v> {
            version: &'v Timestamp,
        }
        let request = Request::put(id_path(&["v2", "apps"], id, None)).json(&Rollback { version });
        ForceChange::new(self.client, request)
    }

    /// `GET /v2/apps/{id}/tasks`.
    pub async fn tasks(&self, id: &AppId) -> Result<Vec<Task>> {
        let request = Request::get(id_path(&["v2", "apps"], id, Some("tasks")));
        let list: TaskList = self.client.json(request).await?;
        Ok(list.tasks)
    }

    /// `DELETE /v2/apps/{id}/tasks`: kills the app's tasks, optionally only
    /// on one host, with `scale` and `wipe`.
    pub fn kill_tasks(&self, id: &AppId) -> KillTasks<'a> {
        self.kill(
            Request::delete(id_path(&["v2", "apps"], id, Some("tasks"))),
            KillAnswer::List,
        )
    }

    /// `DELETE /v2/apps/{id}/tasks/{task}`: kills one task.
    pub fn kill_task(&self, id: &AppId, task: &TaskId) -> KillTasks<'a> {
        let mut segments = id_path(&["v2", "apps"], id, Some("tasks"));
        segments.push(task.as_str().to_owned());
        self.kill(Request::delete(segments), KillAnswer::Single)
    }

    fn put(&self, request: dcos_auth::Result<Request>) -> UpdateApp<'a> {
        UpdateApp {
            change: ForceChange::new(self.client, request),
            partial_update: None,
        }
    }

    fn kill(&self, request: Request, answer: KillAnswer) -> KillTasks<'a> {
        KillTasks {
            client: self.client,
            request,
            answer,
            options: KillOptions::default(),
            host: None,
        }
    }
}
