//! Applying a definition: the lock check, the recorded previous version,
//! the ownership check, and a PUT that survives an unknown outcome.
//!
//! A PUT is not idempotent for Marathon (a resend of an applied change
//! answers 409, locked by the deployment it started; with `force` it would
//! cancel that deployment), so the HTTP core never resends it. When the
//! answer is lost or is a 502/503/504, the app is read back instead: if it
//! carries the spec hash just sent, the change was applied and its
//! deployment is looked up; otherwise the PUT is sent again.

use std::time::Duration;

use marathon_client::models::{App, Timestamp};
use marathon_client::{AppId, DeploymentId};
use serde_json::Value;

use super::{Ctx, to_app};
use crate::error::{Error, Result};
use crate::render::{OWNER_LABEL, SPEC_HASH_LABEL, label};

/// How many times a PUT with an unknown outcome is tried.
pub const PUT_ATTEMPTS: u32 = 6;

/// What ran before a change, to roll back to.
#[derive(Debug, Clone, PartialEq)]
pub struct Previous {
    /// The app as it ran (status fields included).
    pub app: App,
    /// Its version.
    pub version: Option<Timestamp>,
}

impl Previous {
    /// The version as text, for events and errors.
    pub fn version_text(&self) -> String {
        self.version
            .as_ref()
            .map(|v| v.as_str().to_owned())
            .unwrap_or_else(|| "the previous version".into())
    }
}

/// Runs the read `call` again while it fails in a way worth waiting out
/// (a 503 burst longer than the HTTP core's retries, a leader election),
/// for up to the no-progress watchdog.
///
/// # Errors
/// The last error, when it is not worth waiting out or the time is up.
pub async fn read<T, F, Fut>(ctx: &Ctx<'_>, mut call: F) -> Result<T>
where
    F: FnMut() -> Fut,
    Fut: std::future::Future<Output = marathon_client::Result<T>>,
{
    let deadline = tokio::time::Instant::now() + ctx.spec.deploy.no_progress_timeout;
    let mut delay = Duration::from_millis(50);
    loop {
        match call().await {
            Ok(value) => return Ok(value),
            Err(e)
                if e.is_retryable()
                    && !matches!(e, marathon_client::Error::AppLocked { .. })
                    && tokio::time::Instant::now() + delay < deadline =>
            {
                tracing::debug!(error = %e, "a Marathon read failed; trying again");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(1));
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// The app `id` as it runs, or `None`.
///
/// # Errors
/// Marathon errors not worth waiting out.
pub async fn running(ctx: &Ctx<'_>, id: &AppId) -> Result<Option<App>> {
    read(
        ctx,
        || async move { ctx.marathon().apps().get_opt(id).await },
    )
    .await
}

/// The deployments in progress on `id`.
pub async fn deployments_on(ctx: &Ctx<'_>, id: &AppId) -> Result<Vec<DeploymentId>> {
    Ok(read(
        ctx,
        || async move { ctx.marathon().deployments().list().await },
    )
    .await?
    .into_iter()
    .filter(|d| d.affects(id))
    .map(|d| d.id)
    .collect())
}

/// Refuses while another deployment holds `id`, unless the spec (or the
/// user's `--force`) says `force`.
///
/// # Errors
/// [`Error::Locked`] naming the deployments.
pub async fn ensure_unlocked(ctx: &Ctx<'_>, id: &AppId) -> Result<()> {
    let deployments = deployments_on(ctx, id).await?;
    if deployments.is_empty() || ctx.spec.deploy.force {
        return Ok(());
    }
    Err(Error::Locked {
        deployments: deployments.iter().map(|d| d.as_str().to_owned()).collect(),
    })
}

/// Whether `app` was created by this pipeline (its owner label names the
/// spec's service).
pub fn owned(ctx: &Ctx<'_>, app: &App) -> bool {
    app.label(OWNER_LABEL) == Some(ctx.spec.service.as_str())
}

/// Refuses to delete or scale down an app this pipeline did not create.
///
/// # Errors
/// [`Error::Refused`].
pub fn ensure_owned(ctx: &Ctx<'_>, app: &App) -> Result<()> {
    if owned(ctx, app) {
        return Ok(());
    }
    Err(Error::Refused {
        reason: format!(
            "app {} was not created by pipeline {:?} (label {OWNER_LABEL} is {:?}); it is left alone",
            app.id,
            ctx.spec.service,
            app.label(OWNER_LABEL)
        ),
    })
}

/// What a change started.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Applied {
    /// The deployment, when one started.
    pub deployment: Option<DeploymentId>,
    /// The new version, when Marathon said.
    pub version: Option<Timestamp>,
}

/// PUTs the app `definition` (the whole definition: `partialUpdate=false`)
/// and returns the deployment it started, if any. `force=true` only when
/// the spec says so.
///
/// # Errors
/// [`Error::Locked`] on a 409 with the blocking deployments; Marathon's
/// error after [`PUT_ATTEMPTS`] unknown outcomes; validation errors at once.
pub async fn put_app(ctx: &Ctx<'_>, definition: &Value) -> Result<Applied> {
    let app = to_app(definition)?;
    let hash = label(definition, SPEC_HASH_LABEL).map(str::to_owned);
    let mut delay = Duration::from_millis(100);
    let mut attempt = 0;
    loop {
        attempt += 1;
        let sent = ctx
            .marathon()
            .apps()
            .update(&app)
            .partial_update(false)
            .force(ctx.spec.deploy.force)
            .send()
            .await;
        match sent {
            Ok(result) => {
                return Ok(Applied {
                    deployment: result.deployment_id,
                    version: result.version,
                });
            }
            Err(marathon_client::Error::AppLocked { deployments, .. }) => {
                return Err(Error::Locked {
                    deployments: deployments.iter().map(|d| d.as_str().to_owned()).collect(),
                });
            }
            Err(e) if e.is_retryable() && attempt < PUT_ATTEMPTS => {
                ctx.events.warn(format!(
                    "PUT {} had no clear answer ({e}); checking whether it applied",
                    app.id
                ));
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(2));
                if let Some(deployment) = applied(ctx, &app.id, hash.as_deref()).await {
                    return Ok(Applied {
                        deployment,
                        version: None,
                    });
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}

/// `Some(deployment)` when app `id` already carries `hash` (the PUT was
/// applied), `None` when it does not or cannot be read now.
async fn applied(ctx: &Ctx<'_>, id: &AppId, hash: Option<&str>) -> Option<Option<DeploymentId>> {
    let hash = hash?;
    let app = ctx.marathon().apps().get_opt(id).await.ok()??;
    if app.label(SPEC_HASH_LABEL) != Some(hash) {
        return None;
    }
    let deployments = deployments_on(ctx, id).await.ok()?;
    Some(deployments.into_iter().next())
}

/// Scales app `id` to `instances` (a PUT of the instance count: no restart)
/// and returns the deployment, if any.
///
/// # Errors
/// As [`put_app`].
pub async fn scale(ctx: &Ctx<'_>, app: &App, instances: u32) -> Result<Applied> {
    let mut definition = serde_json::to_value(app.definition()).map_err(|e| Error::Refused {
        reason: format!("cannot write app {}: {e}", app.id),
    })?;
    definition["instances"] = Value::from(instances);
    put_app(ctx, &definition).await
}

/// Deletes app `id`, which must be owned by this pipeline, and returns the
/// deployment.
///
/// # Errors
/// [`Error::Refused`] for an app the pipeline did not create; Marathon's.
pub async fn delete_owned(ctx: &Ctx<'_>, app: &App) -> Result<Option<DeploymentId>> {
    ensure_owned(ctx, app)?;
    let mut attempt = 0;
    loop {
        attempt += 1;
        match ctx
            .marathon()
            .apps()
            .delete(&app.id)
            .force(ctx.spec.deploy.force)
            .send()
            .await
        {
            Ok(result) => return Ok(result.deployment_id),
            Err(e) if e.is_not_found() => return Ok(None),
            Err(marathon_client::Error::AppLocked { deployments, .. }) => {
                return Err(Error::Locked {
                    deployments: deployments.iter().map(|d| d.as_str().to_owned()).collect(),
                });
            }
            Err(e) if e.is_retryable() && attempt < PUT_ATTEMPTS => {
                tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                if ctx
                    .marathon()
                    .apps()
                    .get_opt(&app.id)
                    .await
                    .ok()
                    .flatten()
                    .is_none()
                {
                    return Ok(None);
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
}
