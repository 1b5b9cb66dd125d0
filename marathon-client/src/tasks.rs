//! `/v2/tasks`: every task, and the batch kill.

use dcos_auth::Request;
use serde::Serialize;

use crate::client::MarathonClient;
use crate::error::Result;
use crate::ids::TaskId;
use crate::kill::{KillAnswer, KillOptions, Killed};
use crate::models::{Task, TaskList};

dcos_auth::string_enum! {
    /// The `status` filter of `GET /v2/tasks`.
    pub enum TaskStatus {
        /// Running tasks.
        Running = "running",
        /// Tasks being staged.
        Staging = "staging",
    }
}

/// Every task of every app: `client.tasks()`.
#[derive(Debug, Clone, Copy)]
pub struct Tasks<'a> {
    client: &'a MarathonClient,
}

impl MarathonClient {
    /// The tasks handle.
    pub fn tasks(&self) -> Tasks<'_> {
        Tasks { client: self }
    }
}

/// `POST /v2/tasks/delete`, built by [`Tasks::kill`].
#[derive(Debug, Clone)]
#[must_use = "call .send() to kill the tasks"]
pub struct KillTaskBatch<'a> {
    client: &'a MarathonClient,
    ids: Vec<TaskId>,
    options: KillOptions,
}

impl KillTaskBatch<'_> {
    /// Lowers the instance counts instead of replacing the tasks.
    pub fn scale(mut self, scale: bool) -> Self {
        self.options.scale = scale;
        self
    }

    /// Also forgets reservations and persistent volumes.
    pub fn wipe(mut self, wipe: bool) -> Self {
        self.options.wipe = wipe;
        self
    }

    /// Cancels deployments that lock the apps (with `scale`).
    pub fn force(mut self, force: bool) -> Self {
        self.options.force = force;
        self
    }

    /// Sets every kill option at once.
    pub fn options(mut self, options: KillOptions) -> Self {
        self.options = options;
        self
    }

    /// The request, for inspection.
    pub fn request(&self) -> Result<Request> {
        #[derive(Serialize)]
        struct Ids<'i> {
            ids: &'i [TaskId],
        }
        let request = Request::post(["v2", "tasks", "delete"]).json(&Ids { ids: &self.ids })?;
        self.options.apply(request)
    }

    /// Sends the kill. An unknown task id is a 400
    /// ([`Error::Validation`](crate::Error::Validation)).
    pub async fn send(self) -> Result<Killed> {
        let request = self.request()?;
        self.options
            .send(self.client, request, KillAnswer::List)
            .await
    }
}

impl<'a> Tasks<'a> {
    /// `GET /v2/tasks`: every task.
    pub async fn list(&self) -> Result<Vec<Task>> {
        self.list_status(&[]).await
    }

    /// `GET /v2/tasks?status=…`: tasks in the given states.
    pub async fn list_status(&self, status: &[TaskStatus]) -> Result<Vec<Task>> {
        let mut request = Request::get(["v2", "tasks"]);
        for s in status {
            request = request.query("status", s);
        }
        let list: TaskList = self.client.json(request).await?;
        Ok(list.tasks)
    }

    /// `POST /v2/tasks/delete {"ids": […]}`: kills tasks of any apps.
    pub fn kill<I>(&self, ids: I) -> KillTaskBatch<'a>
    where
        I: IntoIterator,
        I::Item: Into<TaskId>,
    {
        KillTaskBatch {
            client: self.client,
            ids: ids.into_iter().map(Into::into).collect(),
            options: KillOptions::default(),
        }
    }
}
