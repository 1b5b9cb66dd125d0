//! [`run`]: configure, then build, then deploy, with the time of each stage
//! and a [`PipelineEvent::Summary`] at the end.

use std::time::{Duration, Instant};

use crate::cluster::Target;
use crate::error::Result;
use crate::events::{Events, PipelineEvent, Stage, StageTime};
use crate::plan::Plan;
use crate::spec::PipelineSpec;
use crate::{BuildOutcome, BuildParams, DeployOutcome, build, configure, deploy};

/// What a whole run did.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RunOutcome {
    /// The configure plan (what was created or updated).
    pub configure: Plan,
    /// The build.
    pub build: BuildOutcome,
    /// The deploy.
    pub deploy: DeployOutcome,
    /// The time each stage took, in order.
    pub stage_times: Vec<StageTime>,
}

impl RunOutcome {
    /// The [`PipelineEvent::Summary`] of the run.
    pub fn summary(&self) -> PipelineEvent {
        PipelineEvent::Summary {
            image: Some(self.deploy.image.clone()),
            build_number: Some(self.build.build_number),
            deployment_id: self.deploy.deployment_id.clone(),
            healthy: self.deploy.healthy,
            stage_times: self.stage_times.clone(),
        }
    }
}

/// Times stages as they run.
#[derive(Debug, Default)]
pub struct StageClock {
    times: Vec<StageTime>,
}

impl StageClock {
    /// A clock with no stage yet.
    pub fn new() -> Self {
        StageClock::default()
    }

    /// Runs `stage` and records how long it took, whether it succeeded or not.
    pub async fn time<T>(
        &mut self,
        stage: Stage,
        work: impl std::future::Future<Output = Result<T>>,
    ) -> Result<T> {
        let started = Instant::now();
        let result = work.await;
        self.record(stage, started.elapsed());
        result
    }

    /// Records a duration.
    pub fn record(&mut self, stage: Stage, duration: Duration) {
        self.times.push(StageTime { stage, duration });
    }

    /// The recorded times, in order.
    pub fn times(&self) -> &[StageTime] {
        &self.times
    }
}

/// Configures, builds, then deploys the image the build produced; emits a
/// [`PipelineEvent::Summary`] at the end. Stops at the first failing stage:
/// a failed build never deploys.
pub async fn run(
    target: &Target,
    spec: &PipelineSpec,
    params: &BuildParams,
    events: &Events,
) -> Result<RunOutcome> {
    let mut clock = StageClock::new();
    let configure = clock
        .time(Stage::Configure, configure(target, spec, events))
        .await?;
    let build = clock
        .time(Stage::Build, build(target, spec, params, events))
        .await?;
    let deploy = clock
        .time(Stage::Deploy, deploy(target, spec, &build.image, events))
        .await?;
    let outcome = RunOutcome {
        configure,
        build,
        deploy,
        stage_times: clock.times().to_vec(),
    };
    events.emit(outcome.summary());
    Ok(outcome)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Error;

    #[tokio::test]
    async fn the_clock_records_failures_too() {
        let mut clock = StageClock::new();
        let ok: Result<u8> = clock.time(Stage::Configure, async { Ok(1) }).await;
        assert_eq!(ok.unwrap(), 1);
        let failed: Result<u8> = clock
            .time(Stage::Build, async { Err(Error::cluster("down")) })
            .await;
        assert!(failed.is_err());
        let stages: Vec<Stage> = clock.times().iter().map(|t| t.stage).collect();
        assert_eq!(stages, [Stage::Configure, Stage::Build]);
    }
}
