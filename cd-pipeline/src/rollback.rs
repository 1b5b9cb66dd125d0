//! The `rollback` primitive: back to the version deployed before the one
//! running, found by its spec-hash label in the app's versions.
//!
//! The versions are read newest first; the first whose
//! [`SPEC_HASH_LABEL`] differs from the running one's is the previous
//! deploy (scale changes and restarts keep the hash, so they are skipped).
//! Its definition is PUT back, waited on and gated like a deploy; if it
//! does not settle, the running version is restored. For blue-green the
//! live colour is rolled back in place; for a group, the group's previous
//! version.

use std::time::Instant;

use marathon_client::models::App;

use crate::cluster::Target;
use crate::deploy::apply::{Previous, ensure_unlocked};
use crate::deploy::settle::settle;
use crate::deploy::{Ctx, DeployOutcome, app_id, finish};
use crate::error::{Error, Result};
use crate::events::{Events, PipelineEvent, Stage};
use crate::render::SPEC_HASH_LABEL;
use crate::spec::{PipelineSpec, TemplateKind};

/// The most versions read to find the previous deploy.
pub const MAX_VERSIONS_READ: usize = 50;

/// Rolls the service back to the version deployed before the running one.
///
/// # Errors
/// Wrapped in [`Error::Deploy`]: [`Error::Refused`] when nothing was
/// deployed before, [`Error::Locked`], [`Error::RolledBack`] when the old
/// version did not settle and the running one was restored.
pub async fn rollback(
    target: &Target,
    spec: &PipelineSpec,
    events: &Events,
) -> Result<DeployOutcome> {
    let ctx = Ctx {
        target,
        spec,
        events,
    };
    events.stage_started(Stage::Rollback);
    let started = Instant::now();
    let result = run(&ctx)
        .await
        .map_err(|e| Error::deploy(spec.deploy.id(), e));
    finish(events, Stage::Rollback, started, &result, |o| o.unchanged);
    result
}

async fn run(ctx: &Ctx<'_>) -> Result<DeployOutcome> {
    if ctx.spec.deploy.kind == TemplateKind::Group {
        return group(ctx).await;
    }
    let Some(current) = crate::strategy::serving_app(ctx).await? else {
        return Err(Error::Refused {
            reason: format!(
                "{} is not deployed: nothing to roll back",
                ctx.spec.deploy.id()
            ),
        });
    };
    let target = previous_deploy(ctx, &current).await?;
    let to_version = target
        .version
        .as_ref()
        .map(|v| v.as_str().to_owned())
        .unwrap_or_default();
    ensure_unlocked(ctx, &current.id).await?;
    ctx.events.emit(PipelineEvent::RollbackStarted {
        app: current.id.as_str().to_owned(),
        to_version: to_version.clone(),
        reason: "requested".into(),
    });
    let definition = serde_json::to_value(target.definition()).map_err(|e| Error::Refused {
        reason: format!("cannot write version {to_version}: {e}"),
    })?;
    let previous = Previous {
        version: current.version.clone(),
        app: current.clone(),
    };
    let image = target.image().unwrap_or_default().to_owned();
    let result = crate::strategy::rolling::apply_and_settle(
        ctx,
        &current.id,
        &definition,
        Some(&previous),
        &image,
    )
    .await;
    ctx.events.emit(PipelineEvent::RollbackFinished {
        app: current.id.as_str().to_owned(),
        to_version,
        healthy: result.is_ok(),
    });
    result
}

/// The newest version of `current` with another spec hash.
async fn previous_deploy(ctx: &Ctx<'_>, current: &App) -> Result<App> {
    let hash = current.label(SPEC_HASH_LABEL);
    let versions = ctx.marathon().apps().versions(&current.id).await?;
    for version in versions.iter().take(MAX_VERSIONS_READ) {
        if Some(version) == current.version.as_ref() {
            continue;
        }
        let app = ctx.marathon().apps().version(&current.id, version).await?;
        if app.label(SPEC_HASH_LABEL) != hash && app.instances_or_default() > 0 {
            return Ok(app);
        }
    }
    Err(Error::Refused {
        reason: format!(
            "{} has no earlier deploy in its last {} versions to roll back to",
            current.id,
            versions.len().min(MAX_VERSIONS_READ)
        ),
    })
}

async fn group(ctx: &Ctx<'_>) -> Result<DeployOutcome> {
    let id = app_id(ctx.spec.deploy.id())?;
    let versions = ctx.marathon().groups().versions(&id).await?;
    let Some(previous) = versions.get(1) else {
        return Err(Error::Refused {
            reason: format!("group {id} has no earlier version to roll back to"),
        });
    };
    ctx.events.emit(PipelineEvent::RollbackStarted {
        app: id.as_str().to_owned(),
        to_version: previous.as_str().to_owned(),
        reason: "requested".into(),
    });
    let result = ctx
        .marathon()
        .groups()
        .rollback_to(&id, previous)
        .force(ctx.spec.deploy.force)
        .send()
        .await?;
    let apps = ctx.marathon().apps().in_group(&id).await?;
    let mut healthy = 0;
    let mut instances = 0;
    let mut ok = true;
    for (n, app) in apps.iter().enumerate() {
        let d = if n == 0 {
            result.deployment_id.as_ref()
        } else {
            None
        };
        match settle(ctx, &app.id, d, None).await? {
            Ok(app) => {
                let (h, _, _, t) = crate::deploy::settle::counts(&app);
                healthy += h;
                instances += t;
            }
            Err(_) => ok = false,
        }
    }
    ctx.events.emit(PipelineEvent::RollbackFinished {
        app: id.as_str().to_owned(),
        to_version: previous.as_str().to_owned(),
        healthy: ok,
    });
    Ok(DeployOutcome {
        app: id.as_str().to_owned(),
        image: String::new(),
        deployment_id: result.deployment_id.map(|d| d.as_str().to_owned()),
        version: result.version.map(|v| v.as_str().to_owned()),
        healthy,
        instances,
        unchanged: false,
    })
}
