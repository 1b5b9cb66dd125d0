//! The automatic rollback: back to the version recorded before the change,
//! then wait and gate again.
//!
//! While the failed deployment still runs, it is cancelled without `force`
//! (`DELETE /v2/deployments/{id}`), which makes Marathon start a rollback
//! deployment to the app's definition before it. Once it has ended, the
//! recorded previous definition is PUT back. Either way the rollback is
//! waited on and gated like a deploy. Rolling back never leaves 0
//! instances: a previous definition with 0 instances is restored with the
//! instance count it ran with, and an app a cancelled deployment left at 0
//! (Marathon #4046) is scaled back.

use std::time::Duration;

use marathon_client::models::Timestamp;
use marathon_client::{AppId, DeploymentId};

use super::Ctx;
use super::apply::{Previous, deployments_on, put_app};
use super::settle::{Unsettled, counts, settle};
use crate::error::{Error, Result};
use crate::events::PipelineEvent;

/// Reports `failure` and, with auto-rollback on, rolls app `id` back to
/// `previous`. Returns the error the deploy ends with:
/// [`Error::RolledBack`], or [`Error::Gate`] when there is no rollback.
///
/// # Errors
/// Cluster errors during the rollback itself.
pub async fn revert(
    ctx: &Ctx<'_>,
    id: &AppId,
    previous: Option<&Previous>,
    deployment: Option<&DeploymentId>,
    failure: &Unsettled,
) -> Result<Error> {
    ctx.events.emit(PipelineEvent::GateResult {
        gate: failure.gate.clone(),
        passed: false,
        detail: failure.detail.clone(),
    });
    let gate_error = || Error::Gate {
        gate: failure.gate.clone(),
        detail: failure.detail.clone(),
    };
    if !ctx.spec.deploy.auto_rollback {
        ctx.events
            .warn(format!("auto_rollback is off: {id} is left as it is"));
        return Ok(gate_error());
    }
    let Some(previous) = previous else {
        ctx.events.warn(format!(
            "{id} had no previous version to roll back to (first deploy); it is left as it is"
        ));
        return Ok(gate_error());
    };
    let to_version = previous.version_text();
    ctx.events.emit(PipelineEvent::RollbackStarted {
        app: id.as_str().to_owned(),
        to_version: to_version.clone(),
        reason: failure.reason(),
    });
    let (rollback, version) = restore(ctx, id, previous, deployment).await?;
    let settled = settle(ctx, id, rollback.as_ref(), version.as_ref()).await?;
    let settled = match settled {
        Ok(app) if app.instances_or_default() > 0 => Ok(app),
        Ok(app) => {
            // Never 0 instances: scale back to what ran before.
            let wanted = previous.app.instances_or_default().max(1);
            ctx.events.warn(format!(
                "the rollback left {id} at 0 instances; scaling to {wanted}"
            ));
            let scaled = super::apply::scale(ctx, &app, wanted).await?;
            settle(ctx, id, scaled.deployment.as_ref(), None).await?
        }
        Err(e) => Err(e),
    };
    let healthy = settled.is_ok();
    ctx.events.emit(PipelineEvent::RollbackFinished {
        app: id.as_str().to_owned(),
        to_version: to_version.clone(),
        healthy,
    });
    let reason = match &settled {
        Ok(app) => {
            let (h, _, _, t) = counts(app);
            format!("{} (rolled back: {h}/{t} healthy)", failure.reason())
        }
        Err(again) => format!(
            "{}; the rollback did not settle either: {}",
            failure.reason(),
            again.reason()
        ),
    };
    Ok(Error::RolledBack { reason, to_version })
}

/// Starts the rollback and returns its deployment and version.
async fn restore(
    ctx: &Ctx<'_>,
    id: &AppId,
    previous: &Previous,
    deployment: Option<&DeploymentId>,
) -> Result<(Option<DeploymentId>, Option<Timestamp>)> {
    if let Some(deployment) = deployment {
        for attempt in 1..=super::apply::PUT_ATTEMPTS {
            if !deployments_on(ctx, id).await?.contains(deployment) {
                break;
            }
            match ctx.marathon().deployments().cancel(deployment).await {
                Ok(result) => return Ok((result.deployment_id, result.version)),
                Err(e) if e.is_not_found() => break,
                Err(e) if e.is_retryable() => {
                    tokio::time::sleep(Duration::from_millis(100 * u64::from(attempt))).await;
                }
                Err(e) => return Err(e.into()),
            }
        }
    }
    let mut definition = previous.app.definition();
    if definition.instances_or_default() == 0 {
        let ran = previous.app.tasks_running.unwrap_or(0).max(1);
        ctx.events.warn(format!(
            "the previous definition of {id} has 0 instances; restoring it with {ran}"
        ));
        definition.instances = Some(ran);
    }
    let value = serde_json::to_value(&definition).map_err(|e| Error::Refused {
        reason: format!("cannot write the previous definition of {id}: {e}"),
    })?;
    let applied = put_app(ctx, &value).await?;
    Ok((applied.deployment, applied.version))
}
