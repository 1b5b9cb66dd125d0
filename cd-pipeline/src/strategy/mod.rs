//! How a new version replaces the running one.
//!
//! - [`rolling`]: Marathon's own rolling restart, paced by the template's
//!   `upgradeStrategy`; apps and groups.
//! - [`blue_green`]: a second app, `<id>-blue` or `<id>-green`, with the
//!   marathon-lb deployment-group labels; switch, then clean up; resumable
//!   from its labels.
//! - [`canary`]: the new version on a growing share of instances, as a
//!   `<id>-canary` app beside the stable one, gated at each step.
//!
//! No strategy deletes or scales down an app without the pipeline's
//! [`OWNER_LABEL`](crate::render::OWNER_LABEL), none uses `force=true`
//! unless the spec asks for it, and none rolls back to 0 instances.

pub mod blue_green;
pub mod canary;
pub mod rolling;

use marathon_client::models::App;

use crate::deploy::settle::counts;
use crate::deploy::{Ctx, DeployOutcome};
use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::render::{Rendered, render};
use crate::spec::{Strategy, TemplateKind};

/// Renders and deploys `image` with the spec's strategy.
///
/// # Errors
/// As [`deploy`](crate::deploy::deploy), unwrapped.
pub async fn deploy(ctx: &Ctx<'_>, image: &str) -> Result<DeployOutcome> {
    let rendered = render(ctx.spec, image)?;
    // Boxed: the strategies' futures are large.
    match (&ctx.spec.deploy.strategy, rendered.kind) {
        (Strategy::Rolling, TemplateKind::App) => {
            Box::pin(rolling::deploy_app(ctx, &rendered)).await
        }
        (Strategy::Rolling, TemplateKind::Group) => {
            Box::pin(rolling::deploy_group(ctx, &rendered)).await
        }
        (Strategy::BlueGreen, TemplateKind::App) => {
            Box::pin(blue_green::deploy(ctx, &rendered)).await
        }
        (Strategy::Canary { steps }, TemplateKind::App) => {
            Box::pin(canary::deploy(ctx, &rendered, steps)).await
        }
        (other, TemplateKind::Group) => Err(group_refused(other)),
    }
}

/// The plan of the spec's strategy for `rendered`, with no writes.
///
/// # Errors
/// Marathon errors.
pub async fn plan(ctx: &Ctx<'_>, rendered: &Rendered) -> Result<Plan> {
    match (&ctx.spec.deploy.strategy, rendered.kind) {
        (Strategy::Rolling, TemplateKind::App) => rolling::plan_app(ctx, rendered).await,
        (Strategy::Rolling, TemplateKind::Group) => rolling::plan_group(ctx, rendered).await,
        (Strategy::BlueGreen, TemplateKind::App) => blue_green::plan(ctx, rendered).await,
        (Strategy::Canary { steps }, TemplateKind::App) => canary::plan(ctx, rendered, steps).await,
        (other, TemplateKind::Group) => Err(group_refused(other)),
    }
}

fn group_refused(strategy: &Strategy) -> Error {
    Error::Refused {
        reason: format!(
            "strategy {} needs kind = \"app\"; a group is deployed with strategy = \"rolling\"",
            crate::render::strategy_text(strategy)
        ),
    }
}

/// The outcome for `app` as last read.
pub(crate) fn outcome(
    app: &App,
    image: &str,
    deployment: Option<String>,
    unchanged: bool,
) -> DeployOutcome {
    let (healthy, _, _, instances) = counts(app);
    DeployOutcome {
        app: app.id.as_str().to_owned(),
        image: image.to_owned(),
        deployment_id: deployment,
        version: app.version.as_ref().map(|v| v.as_str().to_owned()),
        healthy,
        instances,
        unchanged,
    }
}

/// The app serving the service now: the live colour for blue-green, the
/// template's app (the stable one) otherwise.
///
/// # Errors
/// Marathon errors.
pub async fn serving_app(ctx: &Ctx<'_>) -> Result<Option<App>> {
    match ctx.spec.deploy.strategy {
        Strategy::BlueGreen => blue_green::live(ctx).await,
        _ => {
            let id = crate::deploy::app_id(ctx.spec.deploy.id())?;
            crate::deploy::apply::running(ctx, &id).await
        }
    }
}
