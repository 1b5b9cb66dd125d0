//! Waiting for deployments and apps: the signals Marathon gives, confirmed by
//! reading state.
//!
//! A deployment leaves `/v2/deployments` whether it succeeded, failed or was
//! cancelled, so its disappearance alone says nothing. The waits here listen
//! for `deployment_success` / `deployment_failed` on the event stream when it
//! is available, confirm by reading the affected apps, and fall back to
//! polling when there is no event stream.

use std::time::Duration;

use futures_util::StreamExt;
use tokio::time::Instant;

use crate::client::MarathonClient;
use crate::error::{Error, Result};
use crate::events::{Event, EventFilter, EventType};
use crate::ids::{AppId, DeploymentId};
use crate::models::{App, Deployment, Task, Timestamp};

/// How a deployment ended.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum DeploymentOutcome {
    /// It completed: every affected app reached its target.
    Succeeded,
    /// Marathon reported it failed, or it ended without its apps reaching the
    /// target.
    Failed {
        /// What was observed.
        reason: String,
    },
    /// It was cancelled or superseded: another deployment (a rollback or a
    /// forced change) now owns its apps, or they were changed to another
    /// version.
    Cancelled {
        /// The deployment that took over, when known.
        superseded_by: Option<DeploymentId>,
    },
    /// It ended but how cannot be told: it was gone before the wait saw it
    /// or its apps, and no event said. Read the apps, or pass them with
    /// [`WaitOptions::apps`] next time.
    Unknown {
        /// What was observed.
        reason: String,
    },
}

/// How the waits poll, and what the caller already knows.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WaitOptions {
    /// Between two reads of state. Default 1 s; at least 1 ms.
    pub poll_interval: Duration,
    /// The apps the deployment changes, when the caller knows them (from
    /// the change it made). They let the wait confirm a deployment that
    /// ended before it could be observed.
    pub apps: Vec<AppId>,
    /// The version the change produced (its `DeploymentResult::version`).
    pub version: Option<Timestamp>,
}

impl Default for WaitOptions {
    fn default() -> Self {
        WaitOptions {
            poll_interval: Duration::from_secs(1),
            apps: Vec::new(),
            version: None,
        }
    }
}

impl WaitOptions {
    /// Sets the poll interval (at least 1 ms).
    #[must_use]
    pub fn poll_interval(mut self, interval: Duration) -> Self {
        self.poll_interval = interval.max(Duration::from_millis(1));
        self
    }

    /// Names the apps the deployment changes.
    #[must_use]
    pub fn apps(mut self, apps: impl IntoIterator<Item = AppId>) -> Self {
        self.apps = apps.into_iter().collect();
        self
    }

    /// Names the version the change produced.
    #[must_use]
    pub fn version(mut self, version: Timestamp) -> Self {
        self.version = Some(version);
        self
    }

    fn interval(&self) -> Duration {
        self.poll_interval.max(Duration::from_millis(1))
    }
}

/// `now + timeout`, or a far future for a timeout too long to add.
fn deadline_after(timeout: Duration) -> Instant {
    let now = Instant::now();
    now.checked_add(timeout)
        .unwrap_or_else(|| now + Duration::from_secs(100 * 365 * 86_400))
}

/// What a deployment was known to change, read while it ran.
#[derive(Debug, Clone, Default)]
pub(crate) struct Known {
    pub(crate) apps: Vec<AppId>,
    pub(crate) version: Option<Timestamp>,
}

impl Known {
    fn learn(&mut self, deployment: &Deployment) {
        if let Some(apps) = &deployment.affected_apps {
            self.apps.clone_from(apps);
        } else if let Some(steps) = &deployment.steps {
            // Plans in events name their apps only in the steps.
            for app in steps
                .iter()
                .flat_map(|s| &s.actions)
                .filter_map(|a| a.app.as_ref())
            {
                if !self.apps.contains(app) {
                    self.apps.push(app.clone());
                }
            }
        }
        if deployment.version.is_some() {
            self.version.clone_from(&deployment.version);
        }
    }
}

/// Whether an app has converged on `target`: the wanted version, every task
/// running a configuration at least as new as the last config change,
/// enough of them healthy (or running, for an app without health checks),
/// readiness checks passed and no deployment left on it.
pub fn app_converged(app: &App, target: Option<&Timestamp>) -> std::result::Result<(), String> {
    if let (Some(target), Some(version)) = (target, &app.version) {
        if !at_or_after(version, target) {
            return Err(format!("version is {version}, waiting for {target}"));
        }
    }
    let instances = app.instances.unwrap_or(1);
    let config = last_config_change(app).and_then(|t| t.to_system_time());
    let tasks = app.tasks.as_deref().unwrap_or_default();
    let current = tasks
        .iter()
        .filter(|t| task_running(t))
        .filter(|t| {
            match (
                config,
                t.version.as_ref().and_then(Timestamp::to_system_time),
            ) {
                (Some(config), Some(task)) => task >= config,
                _ => true,
            }
        })
        .count();
    let stale = tasks.len() - current;
    let has_health = app.health_checks.as_ref().is_some_and(|h| !h.is_empty());
    let ready = if has_health {
        app.tasks_healthy.unwrap_or(0)
    } else {
        app.tasks_running.unwrap_or(0)
    };
    if app.tasks.is_some() && (current as u64) < u64::from(instances) {
        return Err(format!(
            "{current}/{instances} tasks running the current configuration"
        ));
    }
    if stale > 0 {
        return Err(format!(
            "{stale} task(s) still on an older configuration or not running"
        ));
    }
    if ready < instances {
        let what = if has_health { "healthy" } else { "running" };
        return Err(format!("{ready}/{instances} {what}"));
    }
    if let Some(results) = &app.readiness_check_results {
        let waiting = results.iter().filter(|r| r.ready != Some(true)).count();
        if waiting > 0 {
            return Err(format!("{waiting} readiness check(s) not ready"));
        }
    }
    if let Some(deployments) = app.deployments.as_ref().filter(|d| !d.is_empty()) {
        return Err(format!("deployment {} still running", deployments[0].id));
    }
    Ok(())
}

impl MarathonClient {
    /// Waits until app `id` runs `version` (or, with `None`, whatever version
    /// it has) with every task on the current configuration, as many tasks
    /// healthy as instances (running, for an app without health checks;
    /// Marathon reports `tasksHealthy: 0` then) and readiness checks passed.
    /// Returns the app as last read.
    pub async fn wait_for_app(
        &self,
        id: &AppId,
        version: Option<&Timestamp>,
        timeout: Duration,
    ) -> Result<App> {
        self.wait_for_app_with(id, version, timeout, WaitOptions::default())
            .await
    }

    /// [`wait_for_app`](Self::wait_for_app) with options.
    pub async fn wait_for_app_with(
        &self,
        id: &AppId,
        version: Option<&Timestamp>,
        timeout: Duration,
        options: WaitOptions,
    ) -> Result<App> {
        let deadline = deadline_after(timeout);
        let embed = [crate::AppEmbed::Readiness];
        loop {
            let app = self.apps().get_embed(id, &embed).await?;
            let why = match app_converged(&app, version) {
                Ok(()) => return Ok(app),
                Err(why) => why,
            };
            if Instant::now() + options.interval() > deadline {
                return Err(Error::Timeout {
                    what: format!("app {id} to converge ({why})"),
                    after: timeout,
                });
            }
            tracing::debug!(app = %id, %why, "waiting for app");
            tokio::time::sleep(options.interval()).await;
        }
    }

    /// Waits for deployment `id` to end and says how: see the module docs.
    pub async fn wait_for_deployment(
        &self,
        id: &DeploymentId,
        timeout: Duration,
    ) -> Result<DeploymentOutcome> {
        self.wait_for_deployment_with(id, timeout, WaitOptions::default())
            .await
    }

    /// [`wait_for_deployment`](Self::wait_for_deployment) with options.
    pub async fn wait_for_deployment_with(
        &self,
        id: &DeploymentId,
        timeout: Duration,
        options: WaitOptions,
    ) -> Result<DeploymentOutcome> {
        let deadline = deadline_after(timeout);
        let timed_out = || Error::Timeout {
            what: format!("deployment {id}"),
            after: timeout,
        };
        let mut known = Known {
            apps: options.apps.clone(),
            version: options.version.clone(),
        };
        let signal = match tokio::time::timeout_at(
            deadline,
            self.deployment_signal(id, &mut known, &options),
        )
        .await
        {
            Ok(signal) => signal?,
            Err(_) => return Err(timed_out()),
        };
        tokio::time::timeout_at(deadline, self.confirm(id, signal, &known, &options))
            .await
            .map_err(|_| timed_out())?
    }

    /// Polls `/v2/deployments` until `id` is gone, learning what it changes.
    pub(crate) async fn poll_until_gone(
        &self,
        id: &DeploymentId,
        known: &mut Known,
        options: &WaitOptions,
    ) -> Result<()> {
        // Just after the change, a deployment may be missing from the list
        // for a moment (MARATHON-8566): one never seen must be missing from a
        // few reads in a row before it counts as gone.
        let mut seen = false;
        let mut missing = 0;
        loop {
            if let Some(list) = self.read_deployments().await? {
                match list.iter().find(|d| &d.id == id) {
                    Some(deployment) => {
                        seen = true;
                        known.learn(deployment);
                    }
                    None if seen || missing >= 2 => return Ok(()),
                    None => missing += 1,
                }
            }
            tokio::time::sleep(options.interval()).await;
        }
    }

    /// The running deployments, or `None` after a failure worth waiting
    /// out (no leader during an election, a 503, a dropped connection).
    async fn read_deployments(&self) -> Result<Option<Vec<Deployment>>> {
        match self.deployments().list().await {
            Ok(list) => Ok(Some(list)),
            Err(e) if e.is_retryable() => {
                tracing::debug!(error = %e, "reading the deployments failed; trying again");
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }

    /// Confirms what `signal` said by reading the affected apps.
    async fn confirm(
        &self,
        id: &DeploymentId,
        signal: Signal,
        known: &Known,
        options: &WaitOptions,
    ) -> Result<DeploymentOutcome> {
        // A deployment that just ended may take a moment to show in the apps
        // (MARATHON-8566); read them a few times before calling it failed.
        let mut outcome = self.classify(id, signal, known).await?;
        for _ in 0..2 {
            if !matches!(outcome, DeploymentOutcome::Failed { .. }) || signal == Signal::Failed {
                break;
            }
            tokio::time::sleep(options.interval()).await;
            outcome = self.classify(id, signal, known).await?;
        }
        Ok(outcome)
    }

    async fn classify(
        &self,
        id: &DeploymentId,
        signal: Signal,
        known: &Known,
    ) -> Result<DeploymentOutcome> {
        if signal == Signal::Succeeded {
            // The server said so; a later deployment does not undo it. The
            // apps only have to be at the target version or a newer one.
            for app_id in &known.apps {
                if let Some(app) = self.apps().get_opt(app_id).await? {
                    if let (Some(target), Some(version)) = (&known.version, &app.version) {
                        if !at_or_after(version, target) {
                            return Ok(DeploymentOutcome::Unknown {
                                reason: format!(
                                    "Marathon reported deployment {id} succeeded, but app \
                                     {app_id} is at version {version}, before {target}"
                                ),
                            });
                        }
                    }
                }
            }
            return Ok(DeploymentOutcome::Succeeded);
        }
        let running = self.read_deployments().await?.unwrap_or_default();
        if let Some(other) = running
            .iter()
            .find(|d| &d.id != id && overlaps(d, &known.apps))
        {
            return Ok(DeploymentOutcome::Cancelled {
                superseded_by: Some(other.id.clone()),
            });
        }
        if signal == Signal::Failed {
            return Ok(DeploymentOutcome::Failed {
                reason: format!("Marathon reported deployment {id} failed"),
            });
        }
        if known.apps.is_empty() {
            return Ok(DeploymentOutcome::Unknown {
                reason: format!(
                    "deployment {id} ended before its apps could be learnt, and no event said how"
                ),
            });
        }
        for app_id in &known.apps {
            let Some(app) = self.apps().get_opt(app_id).await? else {
                // Removed apps: a deployment that stops them succeeds by
                // removing them.
                continue;
            };
            // Only the exact target counts here: a newer version means a
            // rollback or another change replaced this deployment.
            if let (Some(target), Some(version)) = (&known.version, &app.version) {
                if version != target {
                    return Ok(DeploymentOutcome::Cancelled {
                        superseded_by: None,
                    });
                }
            }
            if let Err(why) = app_converged(&app, known.version.as_ref()) {
                return Ok(DeploymentOutcome::Failed {
                    reason: format!(
                        "deployment {id} ended but app {app_id} did not converge: {why}"
                    ),
                });
            }
        }
        Ok(DeploymentOutcome::Succeeded)
    }
}

/// Whether `version` is `target` or a later one.
fn at_or_after(version: &Timestamp, target: &Timestamp) -> bool {
    version == target
        || matches!(
            (version.to_system_time(), target.to_system_time()),
            (Some(v), Some(t)) if v >= t
        )
}

/// What ended the wait for a deployment.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Signal {
    /// `deployment_success`.
    Succeeded,
    /// `deployment_failed`.
    Failed,
    /// It left `/v2/deployments` (polling).
    Gone,
}

fn overlaps(deployment: &Deployment, apps: &[AppId]) -> bool {
    deployment
        .affected_apps
        .as_deref()
        .unwrap_or_default()
        .iter()
        .any(|a| apps.contains(a))
}

/// When the app's configuration last changed (`versionInfo.lastConfigChangeAt`),
/// falling back to its version.
fn last_config_change(app: &App) -> Option<Timestamp> {
    app.version_info
        .as_ref()
        .and_then(|v| v.last_config_change_at.clone())
        .or_else(|| app.version.clone())
}

/// A task counts as running when Marathon says so, or says nothing.
fn task_running(task: &Task) -> bool {
    task.state.is_none() || task.is_running()
}

impl MarathonClient {
    /// Waits for the first sign that deployment `id` ended: its
    /// `deployment_success` or `deployment_failed` event, or its leaving
    /// `/v2/deployments`. The event stream is opened before the list is read,
    /// so an end between the two is not missed; without a stream, or when it
    /// breaks, the list is polled.
    async fn deployment_signal(
        &self,
        id: &DeploymentId,
        known: &mut Known,
        options: &WaitOptions,
    ) -> Result<Signal> {
        let filter = EventFilter::types([
            EventType::DeploymentSuccess,
            EventType::DeploymentFailed,
            EventType::DeploymentInfo,
        ])
        .light_plans(true);
        let mut events = match self.events(filter).await {
            Ok(events) => events,
            Err(e) => {
                tracing::debug!(error = %e, "no event stream; polling the deployments");
                self.poll_until_gone(id, known, options).await?;
                return Ok(Signal::Gone);
            }
        };
        // While the stream is up, the list is read less often, as a safety net.
        let mut check = tokio::time::interval(options.interval().saturating_mul(5));
        let mut seen = false;
        let mut missing = 0;
        loop {
            tokio::select! {
                item = events.next() => match item {
                    Some(Ok(event)) if event.deployment_id() == Some(id) => match event {
                        Event::DeploymentSuccess(end) => {
                            if let Some(plan) = &end.plan {
                                known.learn(plan);
                            }
                            return Ok(Signal::Succeeded);
                        }
                        Event::DeploymentFailed(end) => {
                            if let Some(plan) = &end.plan {
                                known.learn(plan);
                            }
                            return Ok(Signal::Failed);
                        }
                        Event::DeploymentInfo(info) => {
                            if let Some(plan) = &info.plan {
                                known.learn(plan);
                            }
                        }
                        _ => {}
                    },
                    Some(Ok(_)) => {}
                    Some(Err(e)) => tracing::debug!(error = %e, "skipping a bad event"),
                    None => {
                        tracing::debug!("the event stream ended; polling the deployments");
                        self.poll_until_gone(id, known, options).await?;
                        return Ok(Signal::Gone);
                    }
                },
                _ = check.tick() => {
                    let Some(list) = self.read_deployments().await? else {
                        continue;
                    };
                    match list.iter().find(|d| &d.id == id) {
                        Some(deployment) => {
                            seen = true;
                            known.learn(deployment);
                        }
                        None if seen || missing >= 2 => return Ok(Signal::Gone),
                        None => missing += 1,
                    }
                }
            }
        }
    }
}
