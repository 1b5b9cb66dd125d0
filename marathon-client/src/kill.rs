//! What task kills share: the `scale`, `wipe` and `force` options and the two
//! shapes of the answer.

use dcos_auth::Request;

use crate::client::MarathonClient;
use crate::error::{Error, Result};
use crate::models::{DeploymentResult, Task, TaskList, TaskSingle};

/// What killing tasks returned: the killed tasks, or with `scale=true` the
/// deployment that lowers the instance count.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Killed {
    /// The tasks that were killed; Marathon starts replacements.
    Tasks(Vec<Task>),
    /// The deployment that scales the app down.
    Deployment(DeploymentResult),
}

/// The options of every task kill.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct KillOptions {
    /// Lower the instance count instead of replacing the killed tasks.
    pub scale: bool,
    /// Also forget the tasks' reservations and persistent volumes.
    pub wipe: bool,
    /// Cancel deployments that lock the app (with `scale`).
    pub force: bool,
}

/// How a kill without `scale` answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum KillAnswer {
    /// `{"task": …}`: one task was killed.
    Single,
    /// `{"tasks": […]}`.
    List,
}

impl KillOptions {
    /// `request` with the options as query parameters. A kill is never
    /// resent when its outcome is unknown: a second kill would hit the
    /// replacements.
    ///
    /// `scale` with `wipe` is refused here, as Marathon refuses it ("You
    /// cannot use scale and wipe at the same time").
    pub(crate) fn apply(&self, request: Request) -> Result<Request> {
        if self.scale && self.wipe {
            return Err(Error::InvalidRequest(
                "a kill cannot both scale and wipe".to_owned(),
            ));
        }
        let mut request = request.idempotent(false);
        if self.scale {
            request = request.query("scale", true);
        }
        if self.wipe {
            request = request.query("wipe", true);
        }
        Ok(request.query("force", self.force))
    }

    /// Sends the kill built with [`apply`](Self::apply) and reads its answer.
    pub(crate) async fn send(
        &self,
        client: &MarathonClient,
        request: Request,
        answer: KillAnswer,
    ) -> Result<Killed> {
        if self.scale {
            return Ok(Killed::Deployment(client.change(request).await?));
        }
        Ok(Killed::Tasks(match answer {
            KillAnswer::Single => {
                let single: TaskSingle = client.json(request).await?;
                single.task.into_iter().collect()
            }
            KillAnswer::List => client.json::<TaskList>(request).await?.tasks,
        }))
    }
}
