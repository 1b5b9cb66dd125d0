//! The `status` primitive: what runs now for a spec.

use std::time::Instant;

use serde::Serialize;

use crate::cluster::Target;
use crate::deploy::settle::counts;
use crate::deploy::{Ctx, app_id, finish};
use crate::error::{Error, Result};
use crate::events::{Events, Stage};
use crate::render::SPEC_HASH_LABEL;
use crate::spec::{PipelineSpec, TemplateKind};

/// What runs now for a spec: the app serving the service (for blue-green,
/// the live colour; for a group, its apps summed).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Status {
    /// The app (or group) id.
    pub app: String,
    /// Whether it exists.
    pub exists: bool,
    /// Its version.
    pub version: Option<String>,
    /// Its image.
    pub image: Option<String>,
    /// Wanted instances.
    pub instances: u32,
    /// Healthy instances (running ones for an app with no health checks).
    pub healthy: u32,
    /// Running instances.
    pub running: u32,
    /// Staged instances.
    pub staged: u32,
    /// The deployments in progress on it.
    pub deployments: Vec<String>,
    /// The spec hash it was deployed from, when the pipeline deployed it.
    pub spec_hash: Option<String>,
}

impl Status {
    fn missing(app: &str) -> Self {
        Status {
            app: app.to_owned(),
            exists: false,
            version: None,
            image: None,
            instances: 0,
            healthy: 0,
            running: 0,
            staged: 0,
            deployments: Vec::new(),
            spec_hash: None,
        }
    }
}

/// Reads what runs now for `spec`. Writes nothing.
///
/// # Errors
/// Marathon errors, wrapped in [`Error::Deploy`].
pub async fn status(target: &Target, spec: &PipelineSpec, events: &Events) -> Result<Status> {
    let ctx = Ctx {
        target,
        spec,
        events,
    };
    events.stage_started(Stage::Status);
    let started = Instant::now();
    let result = read(&ctx)
        .await
        .map_err(|e| Error::deploy(spec.deploy.id(), e));
    finish(events, Stage::Status, started, &result, |_| false);
    result
}

async fn read(ctx: &Ctx<'_>) -> Result<Status> {
    let base = ctx.spec.deploy.id().to_owned();
    let deployments = ctx.marathon().deployments().list().await?;
    if ctx.spec.deploy.kind == TemplateKind::Group {
        let id = app_id(&base)?;
        if ctx.marathon().groups().get_opt(&id).await?.is_none() {
            return Ok(Status::missing(&base));
        }
        let apps = ctx.marathon().apps().in_group(&id).await?;
        let mut status = Status::missing(&base);
        status.exists = true;
        for app in &apps {
            let (h, r, s, t) = counts(app);
            status.healthy += h;
            status.running += r;
            status.staged += s;
            status.instances += t;
            status.version = status
                .version
                .or(app.version.as_ref().map(|v| v.as_str().to_owned()));
            status.image = status.image.or(app.image().map(str::to_owned));
            status.spec_hash = status
                .spec_hash
                .or(app.label(SPEC_HASH_LABEL).map(str::to_owned));
            for d in deployments.iter().filter(|d| d.affects(&app.id)) {
                if !status.deployments.contains(&d.id.as_str().to_owned()) {
                    status.deployments.push(d.id.as_str().to_owned());
                }
            }
        }
        return Ok(status);
    }
    let Some(app) = crate::strategy::serving_app(ctx).await? else {
        return Ok(Status::missing(&base));
    };
    let (healthy, running, staged, instances) = counts(&app);
    Ok(Status {
        app: app.id.as_str().to_owned(),
        exists: true,
        version: app.version.as_ref().map(|v| v.as_str().to_owned()),
        image: app.image().map(str::to_owned),
        instances,
        healthy,
        running,
        staged,
        deployments: deployments
            .iter()
            .filter(|d| d.affects(&app.id))
            .map(|d| d.id.as_str().to_owned())
            .collect(),
        spec_hash: app.label(SPEC_HASH_LABEL).map(str::to_owned),
    })
}
