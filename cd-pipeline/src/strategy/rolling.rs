//! Rolling: one PUT of the new definition, and Marathon replaces the
//! instances as the template's `upgradeStrategy` paces it
//! (`minimumHealthCapacity`, `maximumOverCapacity`).

use marathon_client::models::{App, Group};
use serde_json::Value;

use super::outcome;
use crate::capacity::{self, rolling_demand};
use crate::deploy::apply::{self, Previous, ensure_unlocked, owned, put_app, running};
use crate::deploy::plan::{app_change, group_change};
use crate::deploy::revert::revert;
use crate::deploy::settle::{Unsettled, settle};
use crate::deploy::{Ctx, DeployOutcome, app_id, to_app};
use crate::error::{Error, Result};
use crate::events::{PipelineEvent, Stage};
use crate::plan::{Action, Plan};
use crate::render::Rendered;

/// The plan for an app.
///
/// # Errors
/// Marathon errors.
pub async fn plan_app(ctx: &Ctx<'_>, rendered: &Rendered) -> Result<Plan> {
    let id = app_id(&rendered.id)?;
    let current = running(ctx, &id).await?;
    let mut plan = Plan::new(Stage::Deploy);
    plan.push(app_change(
        &rendered.id,
        &rendered.definition,
        current.as_ref(),
    ));
    Ok(plan)
}

/// Deploys an app: plan, capacity, lock, record, PUT, settle, roll back.
///
/// # Errors
/// See [`deploy`](crate::deploy::deploy).
pub async fn deploy_app(ctx: &Ctx<'_>, rendered: &Rendered) -> Result<DeployOutcome> {
    let id = app_id(&rendered.id)?;
    let current = running(ctx, &id).await?;
    let change = app_change(&rendered.id, &rendered.definition, current.as_ref());
    let mut plan = Plan::new(Stage::Deploy);
    plan.push(change.clone());
    plan.emit(ctx.events);
    if let (Action::Unchanged, Some(app)) = (change.action, current.as_ref()) {
        return Ok(outcome(app, &rendered.image, None, true));
    }
    if let Some(app) = current.as_ref().filter(|a| !owned(ctx, a)) {
        ctx.events.warn(format!(
            "{} was not created by this pipeline; it is updated in place and will carry its labels",
            app.id
        ));
    }
    ensure_unlocked(ctx, &id).await?;
    let new = to_app(&rendered.definition)?;
    capacity::check(
        ctx.target,
        &[rolling_demand(&rendered.id, &new, current.as_ref())],
    )
    .await?;
    let previous = current.map(|app| Previous {
        version: app.version.clone(),
        app,
    });
    Box::pin(apply_and_settle(
        ctx,
        &id,
        &rendered.definition,
        previous.as_ref(),
        &rendered.image,
    ))
    .await
}

/// PUTs `definition` on app `id`, settles it, and rolls back to `previous`
/// when it does not settle.
///
/// # Errors
/// [`Error::RolledBack`] or [`Error::Gate`] when it did not settle.
pub async fn apply_and_settle(
    ctx: &Ctx<'_>,
    id: &marathon_client::AppId,
    definition: &Value,
    previous: Option<&Previous>,
    image: &str,
) -> Result<DeployOutcome> {
    let applied = put_app(ctx, definition).await?;
    match settle(
        ctx,
        id,
        applied.deployment.as_ref(),
        applied.version.as_ref(),
    )
    .await?
    {
        Ok(app) => Ok(outcome(
            &app,
            image,
            applied.deployment.map(|d| d.as_str().to_owned()),
            false,
        )),
        Err(failure) => Err(Box::pin(revert(
            ctx,
            id,
            previous,
            applied.deployment.as_ref(),
            &failure,
        ))
        .await?),
    }
}

fn group_of(rendered: &Rendered) -> Result<Group> {
    serde_json::from_value(rendered.definition.clone()).map_err(|e| Error::Refused {
        reason: format!("the rendered template is not a Marathon group definition: {e}"),
    })
}

/// Every app of a group definition, at any depth.
fn apps_of(group: &Group) -> Vec<App> {
    let mut apps = group.apps.clone().unwrap_or_default();
    for sub in group.groups.iter().flatten() {
        apps.extend(apps_of(sub));
    }
    apps
}

/// The plan for a group, with Marathon's dry run.
///
/// # Errors
/// Marathon errors.
pub async fn plan_group(ctx: &Ctx<'_>, rendered: &Rendered) -> Result<Plan> {
    let group = group_of(rendered)?;
    let current = ctx.marathon().groups().get_opt(&group.id).await?;
    let mut plan = Plan::new(Stage::Deploy);
    if current.is_some() && group_unchanged(ctx, &group, &rendered.spec_hash).await? {
        plan.push(group_change(
            &rendered.id,
            &rendered.definition,
            current.as_ref(),
            None,
            true,
        ));
        return Ok(plan);
    }
    let steps = match &current {
        Some(_) => Some(ctx.marathon().groups().update(&group).dry_run().await?),
        None => None,
    };
    plan.push(group_change(
        &rendered.id,
        &rendered.definition,
        current.as_ref(),
        steps.as_ref(),
        false,
    ));
    Ok(plan)
}

/// Whether the apps of the group running now are exactly the wanted ones,
/// each with the wanted spec hash.
async fn group_unchanged(ctx: &Ctx<'_>, group: &Group, hash: &str) -> Result<bool> {
    let running = ctx.marathon().apps().in_group(&group.id).await?;
    let wanted = apps_of(group);
    let mut have: Vec<&str> = running.iter().map(|a| a.id.as_str()).collect();
    let mut want: Vec<&str> = wanted.iter().map(|a| a.id.as_str()).collect();
    have.sort_unstable();
    want.sort_unstable();
    Ok(have == want
        && running
            .iter()
            .all(|a| a.label(crate::render::SPEC_HASH_LABEL) == Some(hash)))
}

/// Deploys a group: Marathon's dry run as the plan, capacity for each of
/// its apps, one PUT, every app settled, and on failure the group rolled
/// back to its recorded version.
///
/// # Errors
/// See [`deploy`](crate::deploy::deploy).
pub async fn deploy_group(ctx: &Ctx<'_>, rendered: &Rendered) -> Result<DeployOutcome> {
    let plan = plan_group(ctx, rendered).await?;
    plan.emit(ctx.events);
    let group = group_of(rendered)?;
    let current = ctx.marathon().groups().get_opt(&group.id).await?;
    let apps = apps_of(&group);
    let mut demands = Vec::new();
    let mut previous_apps = Vec::new();
    for app in &apps {
        let running = running(ctx, &app.id).await?;
        demands.push(rolling_demand(app.id.as_str(), app, running.as_ref()));
        previous_apps.push(running);
    }
    let unchanged = plan.is_noop() && current.is_some();
    if unchanged {
        let first = previous_apps.iter().flatten().next().cloned();
        let healthy = previous_apps
            .iter()
            .flatten()
            .map(|a| super::counts(a).0)
            .sum();
        let instances = previous_apps
            .iter()
            .flatten()
            .map(App::instances_or_default)
            .sum();
        return Ok(DeployOutcome {
            app: rendered.id.clone(),
            image: rendered.image.clone(),
            deployment_id: None,
            version: first.and_then(|a| a.version).map(|v| v.as_str().to_owned()),
            healthy,
            instances,
            unchanged: true,
        });
    }
    for app in &apps {
        ensure_unlocked(ctx, &app.id).await?;
    }
    capacity::check(ctx.target, &demands).await?;
    let result = ctx
        .marathon()
        .groups()
        .update(&group)
        .force(ctx.spec.deploy.force)
        .send()
        .await
        .map_err(|e| match e {
            marathon_client::Error::AppLocked { deployments, .. } => Error::Locked {
                deployments: deployments.iter().map(|d| d.as_str().to_owned()).collect(),
            },
            other => other.into(),
        })?;
    let mut failure: Option<(marathon_client::AppId, Unsettled)> = None;
    let mut healthy = 0;
    let mut instances = 0;
    for (n, app) in apps.iter().enumerate() {
        let deployment = if n == 0 {
            result.deployment_id.as_ref()
        } else {
            None
        };
        match settle(ctx, &app.id, deployment, None).await? {
            Ok(settled) => {
                let (h, _, _, t) = super::counts(&settled);
                healthy += h;
                instances += t;
            }
            Err(why) => {
                failure = Some((app.id.clone(), why));
                break;
            }
        }
    }
    let Some((failed_app, why)) = failure else {
        return Ok(DeployOutcome {
            app: rendered.id.clone(),
            image: rendered.image.clone(),
            deployment_id: result.deployment_id.map(|d| d.as_str().to_owned()),
            version: result.version.map(|v| v.as_str().to_owned()),
            healthy,
            instances,
            unchanged: false,
        });
    };
    ctx.events.emit(PipelineEvent::GateResult {
        gate: why.gate.clone(),
        passed: false,
        detail: format!("{failed_app}: {}", why.detail),
    });
    let Some(previous) = current
        .and_then(|g| g.version)
        .filter(|_| ctx.spec.deploy.auto_rollback)
    else {
        return Err(Error::Gate {
            gate: why.gate,
            detail: format!("{failed_app}: {}", why.detail),
        });
    };
    ctx.events.emit(PipelineEvent::RollbackStarted {
        app: rendered.id.clone(),
        to_version: previous.as_str().to_owned(),
        reason: why.reason(),
    });
    if let Some(d) = &result.deployment_id {
        if apply::deployments_on(ctx, &failed_app).await?.contains(d) {
            let _ = ctx.marathon().deployments().cancel(d).await;
        }
    }
    let back = ctx
        .marathon()
        .groups()
        .rollback_to(&group.id, &previous)
        .force(ctx.spec.deploy.force)
        .send()
        .await;
    let mut healthy_again = true;
    let deployment = back.ok().and_then(|b| b.deployment_id);
    for (n, app) in apps.iter().enumerate() {
        let d = if n == 0 { deployment.as_ref() } else { None };
        if ctx.marathon().apps().get_opt(&app.id).await?.is_some() {
            healthy_again &= settle(ctx, &app.id, d, None).await?.is_ok();
        }
    }
    ctx.events.emit(PipelineEvent::RollbackFinished {
        app: rendered.id.clone(),
        to_version: previous.as_str().to_owned(),
        healthy: healthy_again,
    });
    Err(Error::RolledBack {
        reason: format!("{failed_app}: {}", why.reason()),
        to_version: previous.as_str().to_owned(),
    })
}
