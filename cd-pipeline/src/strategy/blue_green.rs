//! Blue-green, as marathon-lb's `zdd.py` does it, with automatic rollback.
//!
//! The service runs as `<id>-blue` or `<id>-green`. A deploy starts the
//! other colour beside the live one, with zdd.py's labels:
//! `HAPROXY_DEPLOYMENT_GROUP` (the template's, else the service name),
//! `HAPROXY_DEPLOYMENT_ALT_PORT` (the template's, if any),
//! `HAPROXY_DEPLOYMENT_COLOUR`, `HAPROXY_DEPLOYMENT_TARGET_INSTANCES`,
//! `HAPROXY_DEPLOYMENT_STARTED_AT` (RFC 3339) and `HAPROXY_APP_ID` (the
//! template's id), so marathon-lb balances the group over both while they
//! overlap. When the new colour is healthy and gated, the switch scales the
//! old colour to 0 and marks it [`PHASE_LABEL`]` = retired`; then the old
//! colour is deleted. If the new colour fails, it is deleted and the old
//! one keeps serving, untouched.
//!
//! Every step is recorded in Marathon, so a run that stops between steps
//! is resumed by the next one: two colours with the newer one carrying the
//! wanted spec hash means "wait for it, then switch"; a retired old colour
//! means "delete it"; a newer colour with another hash is an abandoned
//! attempt, deleted before starting again. Apps without the pipeline's
//! owner label are never scaled down or deleted.

use std::time::SystemTime;

use marathon_client::AppId;
use marathon_client::models::App;
use serde_json::Value;

use super::outcome;
use crate::capacity::{self, Demand, InstanceSize};
use crate::deploy::apply::{self, Previous, delete_owned, ensure_owned, ensure_unlocked, put_app};
use crate::deploy::settle::{Unsettled, settle};
use crate::deploy::{Ctx, DeployOutcome, app_id, to_app};
use crate::error::{Error, Result};
use crate::events::{PipelineEvent, Stage};
use crate::plan::{Action, Change, Plan, ResourceKind};
use crate::render::{Rendered, SPEC_HASH_LABEL, label, set_label};

/// marathon-lb's deployment group label.
pub const GROUP_LABEL: &str = "HAPROXY_DEPLOYMENT_GROUP";
/// marathon-lb's alternate service port label.
pub const ALT_PORT_LABEL: &str = "HAPROXY_DEPLOYMENT_ALT_PORT";
/// The colour label.
pub const COLOUR_LABEL: &str = "HAPROXY_DEPLOYMENT_COLOUR";
/// The instance count the new colour is deployed with.
pub const TARGET_INSTANCES_LABEL: &str = "HAPROXY_DEPLOYMENT_TARGET_INSTANCES";
/// When the colour's deployment started (RFC 3339, UTC).
pub const STARTED_AT_LABEL: &str = "HAPROXY_DEPLOYMENT_STARTED_AT";
/// The template's app id.
pub const APP_ID_LABEL: &str = "HAPROXY_APP_ID";
/// The service port of the deployment group.
pub const PORT_LABEL: &str = "HAPROXY_0_PORT";
/// The pipeline's progress on an old colour: `retired` once switched away.
pub const PHASE_LABEL: &str = "DCOS_CD_BLUE_GREEN_PHASE";

/// A colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Colour {
    /// `blue`.
    Blue,
    /// `green`.
    Green,
}

impl Colour {
    /// `blue` or `green`.
    pub fn name(self) -> &'static str {
        match self {
            Colour::Blue => "blue",
            Colour::Green => "green",
        }
    }

    /// The other colour.
    pub fn other(self) -> Colour {
        match self {
            Colour::Blue => Colour::Green,
            Colour::Green => Colour::Blue,
        }
    }

    /// The colour's app id: `<base>-<colour>`.
    pub fn app_id(self, base: &str) -> String {
        format!("{base}-{}", self.name())
    }
}

/// The colour apps of a service as they run.
#[derive(Debug, Clone, Default)]
pub struct Colours {
    /// The older (serving) colour.
    pub old: Option<App>,
    /// The newer colour, when two exist.
    pub new: Option<App>,
}

fn started_at(app: &App) -> String {
    app.label(STARTED_AT_LABEL).unwrap_or_default().to_owned()
}

/// Reads both colours of `base`, older first.
///
/// # Errors
/// Marathon errors.
pub async fn colours(ctx: &Ctx<'_>, base: &str) -> Result<Colours> {
    let blue = apply::running(ctx, &app_id(&Colour::Blue.app_id(base))?).await?;
    let green = apply::running(ctx, &app_id(&Colour::Green.app_id(base))?).await?;
    Ok(match (blue, green) {
        (Some(a), Some(b)) => {
            let (old, new) = if started_at(&a) <= started_at(&b) {
                (a, b)
            } else {
                (b, a)
            };
            Colours {
                old: Some(old),
                new: Some(new),
            }
        }
        (one, other) => Colours {
            old: one.or(other),
            new: None,
        },
    })
}

fn retired(app: &App) -> bool {
    app.label(PHASE_LABEL) == Some("retired")
}

/// The colour serving now: the newer one once the older is retired,
/// else the older.
///
/// # Errors
/// Marathon errors.
pub async fn live(ctx: &Ctx<'_>) -> Result<Option<App>> {
    let colours = colours(ctx, ctx.spec.deploy.id()).await?;
    Ok(match colours {
        Colours {
            old: Some(old),
            new: Some(new),
        } if retired(&old) => Some(new),
        Colours { old, .. } => old,
    })
}

fn colour_of(app: &App) -> Colour {
    if app.label(COLOUR_LABEL) == Some("green") || app.id.as_str().ends_with("-green") {
        Colour::Green
    } else {
        Colour::Blue
    }
}

/// Where an app definition keeps its first service port:
/// `portDefinitions[0].port`, else the first container port mapping's
/// `servicePort`.
const SERVICE_PORT_AT: [&str; 3] = [
    "/portDefinitions/0/port",
    "/container/portMappings/0/servicePort",
    "/container/docker/portMappings/0/servicePort",
];

fn service_port(def: &Value) -> Option<(&'static str, u64)> {
    SERVICE_PORT_AT.iter().find_map(|at| {
        def.pointer(at)
            .and_then(Value::as_u64)
            .map(|port| (*at, port))
    })
}

/// Where the first service port goes in `def`: where it is, else in the
/// first port definition or container port mapping.
fn service_port_slot(def: &Value) -> Option<&'static str> {
    if let Some((at, _)) = service_port(def) {
        return Some(at);
    }
    if def.pointer("/portDefinitions/0").is_some() {
        return Some(SERVICE_PORT_AT[0]);
    }
    if def.pointer("/container/portMappings/0").is_some() {
        return Some(SERVICE_PORT_AT[1]);
    }
    if def.pointer("/container/docker/portMappings/0").is_some() {
        return Some(SERVICE_PORT_AT[2]);
    }
    None
}

/// The definition of `colour` for `rendered`, beside `live`, started at
/// `started_at`: the colour id and zdd.py's labels.
///
/// The group's service port is the template's first service port, else its
/// `HAPROXY_0_PORT` label; it is written to `HAPROXY_0_PORT`, which
/// marathon-lb binds. With an `HAPROXY_DEPLOYMENT_ALT_PORT` label the new
/// colour's own first service port alternates between that port and the
/// alternate one (the one the live colour does not hold), as zdd.py does;
/// without, it is left to Marathon (0), since two apps cannot share a
/// service port.
pub fn colour_definition(
    rendered: &Rendered,
    service: &str,
    colour: Colour,
    live: Option<&App>,
    started_at: &str,
) -> Value {
    let mut def = rendered.definition.clone();
    let base = rendered.id.clone();
    def["id"] = Value::from(colour.app_id(&base));
    let instances = def.get("instances").and_then(Value::as_u64).unwrap_or(1);
    let group = label(&def, GROUP_LABEL).unwrap_or(service).to_owned();
    let port = service_port(&def)
        .map(|(_, p)| p)
        .filter(|p| *p > 0)
        .or_else(|| label(&def, PORT_LABEL).and_then(|p| p.parse().ok()));
    let alt_port = label(&def, ALT_PORT_LABEL).and_then(|p| p.parse::<u64>().ok());
    set_label(&mut def, GROUP_LABEL, &group);
    set_label(&mut def, COLOUR_LABEL, colour.name());
    set_label(&mut def, TARGET_INSTANCES_LABEL, &instances.to_string());
    set_label(&mut def, STARTED_AT_LABEL, started_at);
    set_label(&mut def, APP_ID_LABEL, &base);
    if let Some(port) = port {
        set_label(&mut def, PORT_LABEL, &port.to_string());
    }
    let live_port = live
        .and_then(|l| serde_json::to_value(l).ok())
        .and_then(|l| service_port(&l).map(|(_, p)| p));
    let next = match (port, alt_port) {
        (Some(port), Some(alt)) if live_port == Some(port) => alt,
        (Some(port), Some(_)) => port,
        _ => 0,
    };
    if let Some(slot) = service_port_slot(&def) {
        if let Some(parent) = slot.rsplit_once('/').and_then(|(p, _)| def.pointer_mut(p)) {
            if let Some(object) = parent.as_object_mut() {
                let key = slot.rsplit('/').next().unwrap_or_default().to_owned();
                object.insert(key, Value::from(next));
            }
        }
    }
    def
}

/// The blue-green plan.
///
/// # Errors
/// Marathon errors.
pub async fn plan(ctx: &Ctx<'_>, rendered: &Rendered) -> Result<Plan> {
    let colours = colours(ctx, &rendered.id).await?;
    let mut plan = Plan::new(Stage::Deploy);
    let live = colours.old.as_ref();
    match (&colours.old, &colours.new) {
        (Some(old), None) if old.label(SPEC_HASH_LABEL) == Some(rendered.spec_hash.as_str()) => {
            plan.push(
                Change::new(
                    Action::Unchanged,
                    ResourceKind::MarathonApp,
                    old.id.as_str(),
                )
                .reason("spec hash unchanged"),
            );
        }
        (_, Some(new)) => {
            plan.push(
                Change::new(Action::Update, ResourceKind::MarathonApp, new.id.as_str())
                    .reason("resume: an earlier run stopped between steps"),
            );
        }
        _ => {
            let colour = live.map(|l| colour_of(l).other()).unwrap_or(Colour::Blue);
            let now = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
            let def = colour_definition(rendered, &ctx.spec.service, colour, live, &now);
            let mut change = Change::new(
                Action::Create,
                ResourceKind::MarathonApp,
                colour.app_id(&rendered.id),
            )
            .reason(format!("new colour {}", colour.name()));
            if let Some(live) = live {
                let current = serde_json::to_value(live.definition()).unwrap_or_default();
                change = change.diff(crate::plan::json_diff(
                    &crate::deploy::plan::project(&current, &def),
                    &def,
                ));
            }
            plan.push(change);
            if let Some(live) = live {
                plan.push(
                    Change::new(Action::Delete, ResourceKind::MarathonApp, live.id.as_str())
                        .reason("old colour, after the switch"),
                );
            }
        }
    }
    Ok(plan)
}

/// Deploys with blue-green, resuming an earlier run that stopped.
///
/// # Errors
/// See [`deploy`](crate::deploy::deploy).
pub async fn deploy(ctx: &Ctx<'_>, rendered: &Rendered) -> Result<DeployOutcome> {
    plan(ctx, rendered).await?.emit(ctx.events);
    let mut colours = colours(ctx, &rendered.id).await?;
    // Resume what an earlier run left.
    if let (Some(old), Some(new)) = (colours.old.clone(), colours.new.clone()) {
        ensure_owned(ctx, &old)?;
        ensure_owned(ctx, &new)?;
        if retired(&old) {
            ctx.events.warn(format!(
                "resuming: {} was switched away from but not deleted; deleting it",
                old.id
            ));
            remove(ctx, &old).await?;
            colours = Colours {
                old: Some(new),
                new: None,
            };
        } else if new.label(SPEC_HASH_LABEL) == Some(rendered.spec_hash.as_str()) {
            ctx.events.warn(format!(
                "resuming: {} (this spec) was started beside {} by an earlier run",
                new.id, old.id
            ));
            let deployment = apply::deployments_on(ctx, &new.id)
                .await?
                .into_iter()
                .next();
            return finish_switch(ctx, rendered, &old, &new.id, deployment, None).await;
        } else {
            ctx.events.warn(format!(
                "{} is an abandoned attempt of another spec; deleting it",
                new.id
            ));
            remove(ctx, &new).await?;
            colours.new = None;
        }
    }
    let live = colours.old;
    if let Some(live) = &live {
        if live.label(SPEC_HASH_LABEL) == Some(rendered.spec_hash.as_str()) {
            return Ok(outcome(live, &rendered.image, None, true));
        }
        ensure_owned(ctx, live)?;
        ensure_unlocked(ctx, &live.id).await?;
    }
    let colour = live
        .as_ref()
        .map(|l| colour_of(l).other())
        .unwrap_or(Colour::Blue);
    let now = humantime::format_rfc3339_millis(SystemTime::now()).to_string();
    let def = colour_definition(rendered, &ctx.spec.service, colour, live.as_ref(), &now);
    let new_app = to_app(&def)?;
    capacity::check(
        ctx.target,
        &[Demand {
            app: colour.app_id(&rendered.id),
            size: InstanceSize::of(&new_app),
            instances: new_app.instances_or_default(),
            released: Vec::new(),
        }],
    )
    .await?;
    let applied = put_app(ctx, &def).await?;
    let new_id = app_id(&colour.app_id(&rendered.id))?;
    match live {
        Some(live) => {
            finish_switch(
                ctx,
                rendered,
                &live,
                &new_id,
                applied.deployment,
                applied.version,
            )
            .await
        }
        None => match settle(
            ctx,
            &new_id,
            applied.deployment.as_ref(),
            applied.version.as_ref(),
        )
        .await?
        {
            Ok(app) => Ok(outcome(
                &app,
                &rendered.image,
                applied.deployment.map(|d| d.as_str().to_owned()),
                false,
            )),
            Err(failure) => Err(crate::deploy::revert::revert(
                ctx,
                &new_id,
                None,
                applied.deployment.as_ref(),
                &failure,
            )
            .await?),
        },
    }
}

/// Waits for the new colour, then switches and cleans up; on failure
/// deletes the new colour and leaves the old one serving.
async fn finish_switch(
    ctx: &Ctx<'_>,
    rendered: &Rendered,
    old: &App,
    new_id: &AppId,
    deployment: Option<marathon_client::DeploymentId>,
    version: Option<marathon_client::models::Timestamp>,
) -> Result<DeployOutcome> {
    let settled = settle(ctx, new_id, deployment.as_ref(), version.as_ref()).await?;
    let new = match settled {
        Ok(app) => app,
        Err(failure) => return Err(abandon(ctx, old, new_id, &failure).await?),
    };
    ctx.events.emit(PipelineEvent::DeploymentStep {
        deployment_id: deployment
            .as_ref()
            .map(|d| d.as_str().to_owned())
            .unwrap_or_default(),
        step: format!("switch: {} is healthy; retiring {}", new.id, old.id),
    });
    // The switch: the old colour drains to 0, recorded in its labels.
    let mut retire = serde_json::to_value(old.definition()).map_err(|e| Error::Refused {
        reason: format!("cannot write app {}: {e}", old.id),
    })?;
    retire["instances"] = Value::from(0);
    set_label(&mut retire, PHASE_LABEL, "retired");
    let drained = put_app(ctx, &retire).await?;
    wait_quietly(ctx, &old.id, drained.deployment.as_ref()).await;
    let old_now = apply::running(ctx, &old.id)
        .await?
        .unwrap_or_else(|| old.clone());
    remove(ctx, &old_now).await?;
    Ok(outcome(
        &new,
        &rendered.image,
        deployment.map(|d| d.as_str().to_owned()),
        false,
    ))
}

/// Deletes the failed new colour; the old one keeps serving.
async fn abandon(ctx: &Ctx<'_>, old: &App, new_id: &AppId, failure: &Unsettled) -> Result<Error> {
    ctx.events.emit(PipelineEvent::GateResult {
        gate: failure.gate.clone(),
        passed: false,
        detail: failure.detail.clone(),
    });
    let previous = Previous {
        app: old.clone(),
        version: old.version.clone(),
    };
    if !ctx.spec.deploy.auto_rollback {
        return Ok(Error::Gate {
            gate: failure.gate.clone(),
            detail: failure.detail.clone(),
        });
    }
    ctx.events.emit(PipelineEvent::RollbackStarted {
        app: new_id.as_str().to_owned(),
        to_version: previous.version_text(),
        reason: failure.reason(),
    });
    if let Some(new) = apply::running(ctx, new_id).await? {
        // A deployment still starting the new colour is cancelled first
        // (no force), so the delete is not refused as locked.
        for d in apply::deployments_on(ctx, new_id).await? {
            let _ = ctx.marathon().deployments().cancel(&d).await;
        }
        wait_gone_deployments(ctx, new_id).await;
        if let Some(still) = apply::running(ctx, new_id).await? {
            remove(ctx, &still).await?;
        } else {
            let _ = new;
        }
    }
    let old_state = settle(ctx, &old.id, None, None).await?;
    ctx.events.emit(PipelineEvent::RollbackFinished {
        app: old.id.as_str().to_owned(),
        to_version: previous.version_text(),
        healthy: old_state.is_ok(),
    });
    Ok(Error::RolledBack {
        reason: format!(
            "{} (the new colour {new_id} was removed; {} kept serving)",
            failure.reason(),
            old.id
        ),
        to_version: previous.version_text(),
    })
}

/// Deletes an owned app and waits until it is gone.
async fn remove(ctx: &Ctx<'_>, app: &App) -> Result<()> {
    let deployment = delete_owned(ctx, app).await?;
    wait_quietly(ctx, &app.id, deployment.as_ref()).await;
    let deadline = tokio::time::Instant::now() + ctx.spec.deploy.health_timeout;
    while apply::running(ctx, &app.id).await?.is_some() {
        if tokio::time::Instant::now() > deadline {
            return Err(Error::Gate {
                gate: "cleanup".into(),
                detail: format!("{} was not removed within the health timeout", app.id),
            });
        }
        tokio::time::sleep(ctx.poll()).await;
    }
    Ok(())
}

/// Waits for a deployment to end, whatever its outcome.
async fn wait_quietly(
    ctx: &Ctx<'_>,
    id: &AppId,
    deployment: Option<&marathon_client::DeploymentId>,
) {
    if let Some(d) = deployment {
        let options = marathon_client::WaitOptions::default()
            .poll_interval(ctx.poll())
            .apps([id.clone()]);
        let _ = ctx
            .marathon()
            .wait_for_deployment_with(d, ctx.spec.deploy.health_timeout, options)
            .await;
    }
}

async fn wait_gone_deployments(ctx: &Ctx<'_>, id: &AppId) {
    let deadline = tokio::time::Instant::now() + ctx.spec.deploy.health_timeout;
    while tokio::time::Instant::now() < deadline {
        match apply::deployments_on(ctx, id).await {
            Ok(list) if list.is_empty() => return,
            _ => tokio::time::sleep(ctx.poll()).await,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rendered(labels: &str) -> Rendered {
        let text = format!(
            r#"service = "hello"
[build]
job = "cd/hello"
agent_label = "dind"
image = "r/hello"
tag = "{{build_number}}"
jenkinsfile = {{ inline = "pipeline {{ }}" }}
[deploy]
strategy = "blue-green"
template_inline = '{{"id": "/hello", "cmd": "serve", "instances": 3, "portDefinitions": [{{"port": 10000}}], "labels": {labels}}}'
"#
        );
        let spec = crate::spec::PipelineSpec::parse(&text, "pipeline.toml").unwrap();
        crate::render::render(&spec, "r/hello:2").unwrap()
    }

    fn rendered_mapped() -> Rendered {
        let text = r#"service = "hello"
[build]
job = "cd/hello"
agent_label = "dind"
image = "r/hello"
tag = "{build_number}"
jenkinsfile = { inline = "pipeline { }" }
[deploy]
strategy = "blue-green"
template_inline = '{"id": "/hello", "instances": 1, "container": {"type": "DOCKER", "docker": {"image": "x"}, "portMappings": [{"containerPort": 8080, "hostPort": 0}]}, "labels": {"HAPROXY_0_PORT": "10080", "HAPROXY_DEPLOYMENT_ALT_PORT": "10081"}}'
"#;
        let spec = crate::spec::PipelineSpec::parse(text, "pipeline.toml").unwrap();
        crate::render::render(&spec, "r/hello:2").unwrap()
    }

    fn app(json: serde_json::Value) -> App {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn a_colour_carries_zdd_labels() {
        let r = rendered(
            r#"{"HAPROXY_DEPLOYMENT_GROUP": "web", "HAPROXY_DEPLOYMENT_ALT_PORT": "10001"}"#,
        );
        let def = colour_definition(&r, "hello", Colour::Blue, None, "2026-01-01T00:00:00.000Z");
        assert_eq!(def["id"], "/hello-blue");
        let labels = &def["labels"];
        assert_eq!(labels[GROUP_LABEL], "web");
        assert_eq!(labels[ALT_PORT_LABEL], "10001");
        assert_eq!(labels[COLOUR_LABEL], "blue");
        assert_eq!(labels[TARGET_INSTANCES_LABEL], "3");
        assert_eq!(labels[STARTED_AT_LABEL], "2026-01-01T00:00:00.000Z");
        assert_eq!(labels[APP_ID_LABEL], "/hello");
        assert_eq!(labels[PORT_LABEL], "10000");
        assert_eq!(def["portDefinitions"][0]["port"], 10000);
    }

    #[test]
    fn the_service_port_alternates_with_the_alt_port_as_zdd_does() {
        let r = rendered(r#"{"HAPROXY_DEPLOYMENT_ALT_PORT": "10001"}"#);
        let live =
            app(serde_json::json!({"id": "/hello-blue", "portDefinitions": [{"port": 10000}]}));
        let def = colour_definition(&r, "hello", Colour::Green, Some(&live), "t");
        assert_eq!(def["portDefinitions"][0]["port"], 10001);
        let live =
            app(serde_json::json!({"id": "/hello-green", "portDefinitions": [{"port": 10001}]}));
        let def = colour_definition(&r, "hello", Colour::Blue, Some(&live), "t");
        assert_eq!(def["portDefinitions"][0]["port"], 10000);
        // Container port mappings rotate their servicePort, from HAPROXY_0_PORT.
        let r = rendered_mapped();
        let live = app(
            serde_json::json!({"id": "/hello-blue", "container": {"type": "DOCKER",
            "portMappings": [{"containerPort": 8080, "servicePort": 10080}]}}),
        );
        let def = colour_definition(&r, "hello", Colour::Green, Some(&live), "t");
        assert_eq!(def["container"]["portMappings"][0]["servicePort"], 10081);
        assert_eq!(def["labels"][PORT_LABEL], "10080");
        let def = colour_definition(&r, "hello", Colour::Blue, None, "t");
        assert_eq!(def["container"]["portMappings"][0]["servicePort"], 10080);
        // With no alternate port, Marathon picks one (two apps cannot share it).
        let r = rendered("{}");
        let def = colour_definition(&r, "hello", Colour::Green, Some(&live), "t");
        assert_eq!(def["portDefinitions"][0]["port"], 0);
        assert_eq!(def["labels"][GROUP_LABEL], "hello");
    }

    #[test]
    fn colours_alternate() {
        assert_eq!(Colour::Blue.other(), Colour::Green);
        assert_eq!(Colour::Green.app_id("/a/b"), "/a/b-green");
        let green = app(serde_json::json!({"id": "/x-green", "labels": {COLOUR_LABEL: "green"}}));
        assert_eq!(colour_of(&green), Colour::Green);
    }
}
