//! The deploy primitive: render, plan, check capacity, apply, wait on the
//! deployment's own signals, gate on health, and roll back by itself.
//!
//! [`deploy`] picks the spec's [strategy](crate::strategy); every strategy
//! is built from the steps here:
//! - [`plan`]: the rendered definition against the running one;
//! - [`apply`]: the lock check, the recorded previous version, the PUT;
//! - [`settle`]: the wait for the deployment (SSE, confirmed by reading
//!   the app, polling as the fallback) with the health-gate timeout and the
//!   no-progress watchdog, then the health and extra [`gate`]s;
//! - [`revert`]: the automatic rollback to the recorded previous version.

pub mod apply;
pub mod gate;
pub mod plan;
pub mod revert;
pub mod settle;

use std::time::{Duration, Instant};

use marathon_client::models::App;
use marathon_client::{AppId, MarathonClient};
use serde::Serialize;
use serde_json::Value;

use crate::cluster::Target;
use crate::error::{Error, Result};
use crate::events::{Events, Outcome, Stage};
use crate::plan::Plan;
use crate::spec::PipelineSpec;

pub use crate::rollback::rollback;
pub use crate::status::{Status, status};

/// What a deploy did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct DeployOutcome {
    /// The app (or group) id serving the service now (`/hello`,
    /// `/hello-green`).
    pub app: String,
    /// The image deployed.
    pub image: String,
    /// The last Marathon deployment id, when a deployment ran.
    pub deployment_id: Option<String>,
    /// The app version now running.
    pub version: Option<String>,
    /// Healthy instances at the end.
    pub healthy: u32,
    /// Wanted instances.
    pub instances: u32,
    /// Whether nothing had to change (the spec hash was already deployed).
    pub unchanged: bool,
}

/// What every step needs: the cluster, the spec and the event handle.
#[derive(Debug, Clone, Copy)]
pub struct Ctx<'a> {
    /// The cluster.
    pub target: &'a Target,
    /// The spec.
    pub spec: &'a PipelineSpec,
    /// Where progress goes.
    pub events: &'a Events,
}

impl<'a> Ctx<'a> {
    /// The Marathon client.
    pub fn marathon(&self) -> &'a MarathonClient {
        self.target.marathon()
    }

    /// How often state is read while waiting: a twentieth of the
    /// no-progress watchdog, between 20 ms and 1 s.
    pub fn poll(&self) -> Duration {
        (self.spec.deploy.no_progress_timeout / 20)
            .clamp(Duration::from_millis(20), Duration::from_secs(1))
    }
}

/// Parses an app id.
pub fn app_id(id: &str) -> Result<AppId> {
    AppId::new(id).map_err(|e| Error::Refused {
        reason: format!("invalid app id {id:?}: {e}"),
    })
}

/// A JSON definition as a typed app (unknown fields kept).
pub fn to_app(definition: &Value) -> Result<App> {
    serde_json::from_value(definition.clone()).map_err(|e| Error::Refused {
        reason: format!("the rendered template is not a Marathon app definition: {e}"),
    })
}

/// Deploys `image` as the spec says: render, plan, capacity, apply, wait,
/// gate, and on failure roll back to the recorded previous version (unless
/// `auto_rollback = false`). A re-run with nothing changed does nothing and
/// says so ([`DeployOutcome::unchanged`]).
///
/// # Errors
/// Wrapped in [`Error::Deploy`]: [`Error::Capacity`] before any change,
/// [`Error::Locked`] when another deployment holds the app (without
/// `force`), [`Error::RolledBack`] after an automatic rollback,
/// [`Error::Gate`] when a gate failed with no rollback, client errors.
pub async fn deploy(
    target: &Target,
    spec: &PipelineSpec,
    image: &str,
    events: &Events,
) -> Result<DeployOutcome> {
    let ctx = Ctx {
        target,
        spec,
        events,
    };
    events.stage_started(Stage::Deploy);
    let started = Instant::now();
    let result = crate::strategy::deploy(&ctx, image)
        .await
        .map_err(|e| Error::deploy(spec.deploy.id(), e));
    finish(events, Stage::Deploy, started, &result, |o| o.unchanged);
    result
}

/// The deploy plan for `image`, with no writes: the rendered definition
/// against the running app (Marathon's `dryRun` for groups).
///
/// # Errors
/// As [`deploy`], before any change.
pub async fn plan_deploy(
    target: &Target,
    spec: &PipelineSpec,
    image: &str,
    events: &Events,
) -> Result<Plan> {
    let ctx = Ctx {
        target,
        spec,
        events,
    };
    async {
        let rendered = crate::render::render(spec, image)?;
        let plan = crate::strategy::plan(&ctx, &rendered).await?;
        plan.emit(events);
        Ok::<Plan, Error>(plan)
    }
    .await
    .map_err(|e| Error::deploy(spec.deploy.id(), e))
}

/// Emits the stage's end.
pub(crate) fn finish<T>(
    events: &Events,
    stage: Stage,
    started: Instant,
    result: &Result<T>,
    unchanged: impl Fn(&T) -> bool,
) {
    let outcome = match result {
        Ok(value) if unchanged(value) => Outcome::Unchanged,
        Ok(_) => Outcome::Succeeded,
        Err(e) => Outcome::Failed { reason: e.chain() },
    };
    events.stage_finished(stage, started.elapsed(), outcome);
}
