//! Canary: the new version on a growing share of the instances, gated at
//! each step, rolled back at the first failed gate.
//!
//! Marathon runs one version per app, so the share is realised with a
//! second app, `<id>-canary`, made from the same rendered template (so it
//! carries the same service labels, `HAPROXY_GROUP`, `HAPROXY_0_VHOST`…,
//! and a load balancer spreads traffic over both apps by instance count;
//! its service ports are left to Marathon, since two apps cannot share
//! one). With `N` wanted instances and steps such as `[10, 50, 100]`:
//!
//! - each step below 100 % scales the canary to `ceil(N × p / 100)` and,
//!   once its instances are healthy and pass the gates, scales the stable
//!   app down by as many (never below 1);
//! - the 100 % step PUTs the new definition on the stable app (a rolling
//!   restart, gated and rolled back like a rolling deploy), then deletes
//!   the canary;
//! - a failed gate deletes the canary and scales the stable app back to
//!   its instance count, so it never goes to 0.
//!
//! With no stable app yet there is nothing to compare with: the first
//! deploy is a rolling one.

use marathon_client::models::App;
use serde_json::Value;

use super::outcome;
use crate::capacity::{self, Demand, InstanceSize};
use crate::deploy::apply::{self, Previous, delete_owned, ensure_owned, ensure_unlocked, put_app};
use crate::deploy::plan::app_change;
use crate::deploy::settle::{Unsettled, settle};
use crate::deploy::{Ctx, DeployOutcome, app_id, to_app};
use crate::error::{Error, Result};
use crate::events::{PipelineEvent, Stage};
use crate::plan::{Action, Change, Plan, ResourceKind};
use crate::render::{Rendered, SPEC_HASH_LABEL};

/// The canary app's id: `<base>-canary`.
pub fn canary_id(base: &str) -> String {
    format!("{base}-canary")
}

/// The canary's instance count at `percent` of `wanted` (at least 1).
pub fn share(wanted: u32, percent: u8) -> u32 {
    let n = (u64::from(wanted) * u64::from(percent)).div_ceil(100);
    u32::try_from(n).unwrap_or(u32::MAX).clamp(1, wanted.max(1))
}

/// The canary definition: the rendered one under the canary id, with
/// `instances` and service ports left to Marathon.
pub fn canary_definition(rendered: &Rendered, instances: u32) -> Value {
    let mut def = rendered.definition.clone();
    def["id"] = Value::from(canary_id(&rendered.id));
    def["instances"] = Value::from(instances);
    if let Some(ports) = def.get_mut("portDefinitions").and_then(Value::as_array_mut) {
        for port in ports {
            if port.get("port").is_some() {
                port["port"] = Value::from(0);
            }
        }
    }
    def
}

/// The canary plan.
///
/// # Errors
/// Marathon errors.
pub async fn plan(ctx: &Ctx<'_>, rendered: &Rendered, steps: &[u8]) -> Result<Plan> {
    let stable = apply::running(ctx, &app_id(&rendered.id)?).await?;
    let mut plan = Plan::new(Stage::Deploy);
    let change = app_change(&rendered.id, &rendered.definition, stable.as_ref());
    if stable.is_none() || change.action == Action::Unchanged {
        plan.push(change);
        return Ok(plan);
    }
    let wanted = rendered
        .definition
        .get("instances")
        .and_then(Value::as_u64)
        .unwrap_or(1);
    let wanted = u32::try_from(wanted).unwrap_or(u32::MAX);
    let shares: Vec<String> = steps
        .iter()
        .map(|p| format!("{p}% = {} instance(s)", share(wanted, *p)))
        .collect();
    plan.push(
        Change::new(
            Action::Create,
            ResourceKind::MarathonApp,
            canary_id(&rendered.id),
        )
        .reason(format!("canary steps: {}", shares.join(", "))),
    );
    plan.push(change);
    plan.push(
        Change::new(
            Action::Delete,
            ResourceKind::MarathonApp,
            canary_id(&rendered.id),
        )
        .reason("after the 100% step"),
    );
    Ok(plan)
}

/// Deploys with canary steps.
///
/// # Errors
/// See [`deploy`](crate::deploy::deploy).
pub async fn deploy(ctx: &Ctx<'_>, rendered: &Rendered, steps: &[u8]) -> Result<DeployOutcome> {
    let stable_id = app_id(&rendered.id)?;
    let canary = app_id(&canary_id(&rendered.id))?;
    let Some(stable) = apply::running(ctx, &stable_id).await? else {
        ctx.events.warn(format!(
            "{stable_id} is not deployed yet: the first deploy is a rolling one"
        ));
        return Box::pin(super::rolling::deploy_app(ctx, rendered)).await;
    };
    plan(ctx, rendered, steps).await?.emit(ctx.events);
    let leftover = apply::running(ctx, &canary).await?;
    if let Some(left) = &leftover {
        ensure_owned(ctx, left)?;
    }
    if stable.label(SPEC_HASH_LABEL) == Some(rendered.spec_hash.as_str()) {
        if let Some(left) = &leftover {
            ctx.events.warn(format!(
                "resuming: removing {} left by an earlier run",
                left.id
            ));
            remove_canary(ctx, left).await?;
        }
        return Ok(outcome(&stable, &rendered.image, None, true));
    }
    if let Some(left) = leftover
        .as_ref()
        .filter(|l| l.label(SPEC_HASH_LABEL) != Some(rendered.spec_hash.as_str()))
    {
        ctx.events.warn(format!(
            "{} is a canary of another spec; removing it",
            left.id
        ));
        remove_canary(ctx, left).await?;
    }
    // The stable app is scaled down while the canary grows.
    ensure_owned(ctx, &stable)?;
    ensure_unlocked(ctx, &stable_id).await?;
    let stable_instances = stable.instances_or_default();
    let wanted = to_app(&rendered.definition)?.instances_or_default();
    let previous = Previous {
        version: stable.version.clone(),
        app: stable.clone(),
    };
    let mut stable_now = stable.clone();
    let mut last_deployment = None;
    for &percent in steps {
        if percent >= 100 {
            break;
        }
        let count = share(wanted, percent);
        let def = canary_definition(rendered, count);
        let current = apply::running(ctx, &canary).await?;
        if current
            .as_ref()
            .is_some_and(|c| c.instances_or_default() >= count)
        {
            continue; // resumed past this step
        }
        let started = current.as_ref().map_or(0, App::instances_or_default);
        capacity::check(
            ctx.target,
            &[Demand {
                app: canary.as_str().to_owned(),
                size: InstanceSize::of(&to_app(&def)?),
                instances: count - started,
                released: Vec::new(),
            }],
        )
        .await?;
        let gate = format!("canary {percent}%");
        ctx.events.emit(PipelineEvent::DeploymentStep {
            deployment_id: String::new(),
            step: format!("{gate}: {count} of {wanted} instance(s) on the new version"),
        });
        let applied = put_app(ctx, &def).await?;
        last_deployment = applied.deployment.clone();
        match settle(
            ctx,
            &canary,
            applied.deployment.as_ref(),
            applied.version.as_ref(),
        )
        .await?
        {
            Ok(_) => ctx.events.emit(PipelineEvent::GateResult {
                gate: gate.clone(),
                passed: true,
                detail: format!("{count} canary instance(s) healthy"),
            }),
            Err(failure) => {
                let failure = Unsettled {
                    gate: format!("{gate} {}", failure.gate),
                    detail: failure.detail,
                };
                return Err(
                    Box::pin(abort(ctx, &previous, &canary, stable_instances, &failure)).await?,
                );
            }
        }
        let keep = stable_instances.saturating_sub(count).max(1);
        if stable_now.instances_or_default() > keep {
            let scaled = apply::scale(ctx, &stable_now, keep).await?;
            if let Err(failure) = settle(ctx, &stable_id, scaled.deployment.as_ref(), None).await? {
                return Err(
                    Box::pin(abort(ctx, &previous, &canary, stable_instances, &failure)).await?,
                );
            }
            stable_now = apply::running(ctx, &stable_id).await?.unwrap_or(stable_now);
        }
    }
    // 100 %: the stable app takes the new definition, then the canary goes.
    ctx.events.emit(PipelineEvent::DeploymentStep {
        deployment_id: last_deployment
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default(),
        step: format!("canary 100%: {stable_id} takes the new version"),
    });
    let result = Box::pin(super::rolling::apply_and_settle(
        ctx,
        &stable_id,
        &rendered.definition,
        Some(&previous),
        &rendered.image,
    ))
    .await;
    if let Some(left) = apply::running(ctx, &canary).await? {
        remove_canary(ctx, &left).await?;
    }
    result
}

/// Deletes the canary and scales the stable app back.
async fn abort(
    ctx: &Ctx<'_>,
    previous: &Previous,
    canary: &marathon_client::AppId,
    stable_instances: u32,
    failure: &Unsettled,
) -> Result<Error> {
    ctx.events.emit(PipelineEvent::GateResult {
        gate: failure.gate.clone(),
        passed: false,
        detail: failure.detail.clone(),
    });
    if !ctx.spec.deploy.auto_rollback {
        return Ok(Error::Gate {
            gate: failure.gate.clone(),
            detail: failure.detail.clone(),
        });
    }
    let stable_id = previous.app.id.clone();
    ctx.events.emit(PipelineEvent::RollbackStarted {
        app: stable_id.as_str().to_owned(),
        to_version: previous.version_text(),
        reason: failure.reason(),
    });
    // The stable app first back to its count, so serving never shrinks.
    let mut healthy = true;
    if let Some(stable) = apply::running(ctx, &stable_id).await? {
        if stable.instances_or_default() < stable_instances {
            let scaled = apply::scale(ctx, &stable, stable_instances.max(1)).await?;
            healthy &= settle(ctx, &stable_id, scaled.deployment.as_ref(), None)
                .await?
                .is_ok();
        }
    }
    if let Some(app) = apply::running(ctx, canary).await? {
        for d in apply::deployments_on(ctx, canary).await? {
            let _ = ctx.marathon().deployments().cancel(&d).await;
        }
        remove_canary(ctx, &app).await?;
    }
    healthy &= settle(ctx, &stable_id, None, None).await?.is_ok();
    ctx.events.emit(PipelineEvent::RollbackFinished {
        app: stable_id.as_str().to_owned(),
        to_version: previous.version_text(),
        healthy,
    });
    Ok(Error::RolledBack {
        reason: format!("{} (canary {canary} removed)", failure.reason()),
        to_version: previous.version_text(),
    })
}

/// Deletes the canary (cancelled deployments first) and waits until it and
/// its deployments are gone.
async fn remove_canary(ctx: &Ctx<'_>, app: &App) -> Result<()> {
    let deadline = tokio::time::Instant::now() + ctx.spec.deploy.health_timeout;
    loop {
        let current = apply::running(ctx, &app.id).await?;
        let busy = !apply::deployments_on(ctx, &app.id).await?.is_empty();
        match current {
            None if !busy => return Ok(()),
            Some(current) if !busy => {
                delete_owned(ctx, &current).await?;
            }
            _ => {}
        }
        if tokio::time::Instant::now() > deadline {
            return Err(Error::Gate {
                gate: "cleanup".into(),
                detail: format!("{} was not removed within the health timeout", app.id),
            });
        }
        tokio::time::sleep(ctx.poll()).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_round_up_and_stay_between_one_and_all() {
        assert_eq!(share(4, 25), 1);
        assert_eq!(share(4, 50), 2);
        assert_eq!(share(10, 10), 1);
        assert_eq!(share(3, 10), 1);
        assert_eq!(share(3, 50), 2);
        assert_eq!(share(4, 100), 4);
        assert_eq!(share(0, 50), 1);
    }

    #[test]
    fn the_canary_takes_the_template_with_its_own_id_count_and_free_service_ports() {
        let spec = crate::spec::PipelineSpec::parse(
            r#"service = "hello"
[build]
job = "cd/hello"
agent_label = "dind"
image = "r/hello"
tag = "{build_number}"
jenkinsfile = { inline = "pipeline { }" }
[deploy]
template_inline = '{"id": "/hello", "cmd": "serve", "instances": 4, "portDefinitions": [{"port": 10001}], "labels": {"HAPROXY_GROUP": "external"}}'
"#,
            "pipeline.toml",
        )
        .unwrap();
        let rendered = crate::render::render(&spec, "r/hello:2").unwrap();
        let def = canary_definition(&rendered, 1);
        assert_eq!(def["id"], "/hello-canary");
        assert_eq!(def["instances"], 1);
        assert_eq!(def["portDefinitions"][0]["port"], 0);
        assert_eq!(def["labels"]["HAPROXY_GROUP"], "external");
        assert_eq!(def["labels"][SPEC_HASH_LABEL], rendered.spec_hash.as_str());
    }
}
