//! Waiting for a change to settle: the deployment's end, then the health
//! gate, then the extra gates, under the health-gate timeout and the
//! no-progress watchdog.
//!
//! The end of the deployment comes from marathon-client's
//! [`wait_for_deployment_with`](marathon_client::MarathonClient::wait_for_deployment_with):
//! the SSE `deployment_success` / `deployment_failed` events of this
//! deployment id, confirmed by reading the app, with polling when the stream
//! is not there. Beside it, the app and the deployment are read every
//! [`Ctx::poll`] to report [`PipelineEvent::InstanceCounts`] and
//! [`PipelineEvent::DeploymentStep`], and to notice when nothing moves.

use std::time::Duration;

use marathon_client::models::{App, Timestamp};
use marathon_client::{
    AppEmbed, AppId, DeploymentId, DeploymentOutcome, WaitOptions, app_converged,
};
use tokio::time::Instant;

use super::{Ctx, gate};
use crate::error::Result;
use crate::events::PipelineEvent;

/// Why a change did not settle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unsettled {
    /// The gate that failed (`deployment`, `health`, `no-progress`, `http /health`).
    pub gate: String,
    /// What was observed.
    pub detail: String,
}

impl Unsettled {
    fn new(gate: &str, detail: impl Into<String>) -> Self {
        Unsettled {
            gate: gate.to_owned(),
            detail: detail.into(),
        }
    }

    /// `gate: detail`.
    pub fn reason(&self) -> String {
        format!("{}: {}", self.gate, self.detail)
    }
}

/// What is watched for progress.
#[derive(Debug, Default, PartialEq, Eq, Clone)]
struct Seen {
    counts: Option<(u32, u32, u32, u32)>,
    step: Option<String>,
}

/// A watch on one app: counts, steps, and the no-progress watchdog.
struct Monitor<'c, 'a> {
    ctx: &'c Ctx<'a>,
    id: &'c AppId,
    deployment: Option<&'c DeploymentId>,
    seen: Seen,
    last_progress: Instant,
}

impl Monitor<'_, '_> {
    /// Reads the app (and the deployment), emits what changed, and says
    /// whether the watchdog fired.
    async fn tick(&mut self) -> Option<Unsettled> {
        let mut now = self.seen.clone();
        if let Ok(Some(app)) = self.ctx.marathon().apps().get_opt(self.id).await {
            let counts = counts(&app);
            if self.seen.counts != Some(counts) {
                self.ctx.events.emit(PipelineEvent::InstanceCounts {
                    app: self.id.as_str().to_owned(),
                    healthy: counts.0,
                    running: counts.1,
                    staged: counts.2,
                    target: counts.3,
                });
            }
            now.counts = Some(counts);
        }
        if let Some(deployment) = self.deployment {
            if let Ok(list) = self.ctx.marathon().deployments().list().await {
                if let Some(d) = list.iter().find(|d| &d.id == deployment) {
                    let step = describe_step(d);
                    if self.seen.step.as_ref() != Some(&step) {
                        self.ctx.events.emit(PipelineEvent::DeploymentStep {
                            deployment_id: deployment.as_str().to_owned(),
                            step: step.clone(),
                        });
                    }
                    now.step = Some(step);
                }
            }
        }
        if now != self.seen {
            self.seen = now;
            self.last_progress = Instant::now();
            return None;
        }
        let quiet = self.last_progress.elapsed();
        (quiet >= self.ctx.spec.deploy.no_progress_timeout).then(|| {
            Unsettled::new(
                "no-progress",
                format!(
                    "nothing moved for {} ({})",
                    humantime::format_duration(round(quiet)),
                    self.seen
                        .counts
                        .map(|(h, r, s, t)| format!("{h} healthy, {r} running, {s} staged of {t}"))
                        .unwrap_or_else(|| "app not readable".into())
                ),
            )
        })
    }
}

fn round(d: Duration) -> Duration {
    Duration::from_millis(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// `(healthy, running, staged, instances)`; an app with no health checks
/// counts its running tasks as healthy.
pub fn counts(app: &App) -> (u32, u32, u32, u32) {
    let running = app.tasks_running.unwrap_or(0);
    let has_health = app.health_checks.as_ref().is_some_and(|h| !h.is_empty());
    let healthy = if has_health {
        app.tasks_healthy.unwrap_or(0)
    } else {
        running
    };
    (
        healthy,
        running,
        app.tasks_staged.unwrap_or(0),
        app.instances_or_default(),
    )
}

fn describe_step(d: &marathon_client::models::Deployment) -> String {
    let actions: Vec<String> = d
        .current_actions
        .iter()
        .flatten()
        .map(|a| {
            format!(
                "{} {}",
                a.action
                    .as_ref()
                    .map(|k| format!("{k:?}"))
                    .unwrap_or_default(),
                a.target().map(|t| t.as_str()).unwrap_or_default()
            )
        })
        .collect();
    format!(
        "step {}/{}: {}",
        d.current_step.unwrap_or(0),
        d.total_steps.unwrap_or(0),
        actions.join(", ")
    )
}

/// Waits until app `id` settles on `version` after `deployment`: the
/// deployment succeeds, `tasksHealthy == instances` with readiness passed,
/// and every extra gate passes. `Ok(Err(_))` says which gate failed;
/// `Err(_)` is a failure to talk to the cluster.
///
/// # Errors
/// Marathon errors that are not worth waiting out.
pub async fn settle(
    ctx: &Ctx<'_>,
    id: &AppId,
    deployment: Option<&DeploymentId>,
    version: Option<&Timestamp>,
) -> Result<std::result::Result<App, Unsettled>> {
    let timeout = ctx.spec.deploy.health_timeout;
    let deadline = Instant::now() + timeout;
    let poll = ctx.poll();
    let mut monitor = Monitor {
        ctx,
        id,
        deployment,
        seen: Seen::default(),
        last_progress: Instant::now(),
    };
    if let Some(deployment) = deployment {
        let mut options = WaitOptions::default()
            .poll_interval(poll)
            .apps([id.clone()]);
        if let Some(version) = version {
            options = options.version(version.clone());
        }
        let wait = ctx
            .marathon()
            .wait_for_deployment_with(deployment, timeout, options);
        tokio::pin!(wait);
        let mut ticker = tokio::time::interval(poll);
        loop {
            tokio::select! {
                outcome = &mut wait => {
                    match outcome {
                        Ok(DeploymentOutcome::Succeeded | DeploymentOutcome::Unknown { .. }) => break,
                        Ok(DeploymentOutcome::Failed { reason }) => {
                            return Ok(Err(Unsettled::new("deployment", reason)));
                        }
                        Ok(DeploymentOutcome::Cancelled { superseded_by }) => {
                            return Ok(Err(Unsettled::new("deployment", format!(
                                "deployment {deployment} was cancelled{}",
                                superseded_by.map(|d| format!(", superseded by {d}")).unwrap_or_default()
                            ))));
                        }
                        Ok(other) => {
                            return Ok(Err(Unsettled::new("deployment", format!("{other:?}"))));
                        }
                        Err(marathon_client::Error::Timeout { .. }) => {
                            return Ok(Err(health_timeout(ctx, id, timeout).await));
                        }
                        // A read that failed for a while: the health gate
                        // below reads the app until the deadline anyway.
                        Err(e) if e.is_retryable() => break,
                        Err(e) => return Err(e.into()),
                    }
                }
                _ = ticker.tick() => {
                    if let Some(stalled) = monitor.tick().await {
                        return Ok(Err(stalled));
                    }
                }
            }
        }
    }
    // The health gate: every instance healthy on the new version.
    let app = loop {
        let read = ctx
            .marathon()
            .apps()
            .get_embed(
                id,
                &[AppEmbed::Tasks, AppEmbed::Readiness, AppEmbed::Deployments],
            )
            .await;
        match read {
            Ok(app) => match app_converged(&app, version) {
                Ok(()) => break app,
                Err(why) => {
                    if Instant::now() + poll > deadline {
                        return Ok(Err(Unsettled::new(
                            "health",
                            format!(
                                "not healthy after {}: {why}",
                                humantime::format_duration(timeout)
                            ),
                        )));
                    }
                }
            },
            Err(e) if e.is_retryable() => {}
            Err(e) => return Err(e.into()),
        }
        if let Some(stalled) = monitor.tick().await {
            return Ok(Err(stalled));
        }
        tokio::time::sleep(poll).await;
    };
    let (healthy, running, staged, instances) = counts(&app);
    if monitor.seen.counts != Some((healthy, running, staged, instances)) {
        ctx.events.emit(PipelineEvent::InstanceCounts {
            app: id.as_str().to_owned(),
            healthy,
            running,
            staged,
            target: instances,
        });
    }
    ctx.events.emit(PipelineEvent::GateResult {
        gate: "health".into(),
        passed: true,
        detail: format!(
            "{healthy}/{instances} healthy on {}",
            version_text(app.version.as_ref())
        ),
    });
    for extra in &ctx.spec.deploy.gates {
        let left = deadline.saturating_duration_since(Instant::now());
        let result = gate::check(extra, &app, left, poll).await;
        ctx.events.emit(PipelineEvent::GateResult {
            gate: extra.name(),
            passed: result.is_ok(),
            detail: match &result {
                Ok(detail) | Err(detail) => detail.clone(),
            },
        });
        if let Err(detail) = result {
            return Ok(Err(Unsettled::new(&extra.name(), detail)));
        }
    }
    Ok(Ok(app))
}

fn version_text(version: Option<&Timestamp>) -> String {
    version
        .map(|v| v.as_str().to_owned())
        .unwrap_or_else(|| "its version".into())
}

async fn health_timeout(ctx: &Ctx<'_>, id: &AppId, timeout: Duration) -> Unsettled {
    let observed = match ctx.marathon().apps().get_opt(id).await {
        Ok(Some(app)) => {
            let (h, r, s, t) = counts(&app);
            let mut text = format!("{h} healthy, {r} running, {s} staged of {t}");
            if let Some(failure) = app
                .last_task_failure
                .as_ref()
                .and_then(|f| f.message.clone())
            {
                text.push_str(&format!("; last task failure: {failure}"));
            }
            text
        }
        _ => "app not readable".into(),
    };
    Unsettled::new(
        "health",
        format!(
            "not healthy after {}: {observed}",
            humantime::format_duration(timeout)
        ),
    )
}
