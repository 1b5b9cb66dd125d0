//! [`build`]: trigger the Jenkins job, follow it from the queue to its end
//! with its console as events, and name the image it pushed.
//!
//! # The image tag and the build number
//!
//! The Jenkinsfile pushes `"$IMAGE:$TAG"` (see
//! [`desired_job`](crate::configure::desired_job)), so the tag must be
//! known when the build is triggered. A template with `{build_number}` is
//! rendered with the number Jenkins says the next build gets
//! (`nextBuildNumber`), read just before the trigger. Jenkins cannot reserve
//! a number, so when the build starts its number is checked: if another
//! trigger took the number first, the build is stopped before it can push
//! a tag naming another build, and the stage fails with
//! [`Error::BuildNumberTaken`] (run it again). The image is
//! `<build.image>:<tag>` and is what [`BuildOutcome::image`] says.
//!
//! # Results
//!
//! `SUCCESS` passes. `UNSTABLE` fails unless [`BuildParams::accept_unstable`];
//! `FAILURE`, `ABORTED`, `NOT_BUILT` always fail with
//! [`Error::BuildFailed`] naming the failed Pipeline stage (from
//! `wfapi/describe`), and a cancelled queue item with
//! [`Error::QueueCancelled`]. Every error is wrapped in [`Error::Build`]
//! with the job. On the embedded simulator, whose registry records pushes,
//! a successful build that pushed nothing fails with
//! [`Error::ImageNotPushed`]; a real cluster's registry is not asked.

mod tag;

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use jenkins_client::console::FollowOptions;
use jenkins_client::models::{Build, BuildResult, StageStatus};
use jenkins_client::{BuildWait, JobPath, Tree};
use serde::{Deserialize, Serialize};

pub use self::tag::{
    TagValues, is_docker_tag, needs_build_number, render as render_tag, timestamp,
};
use crate::cluster::Target;
use crate::configure::{PARAM_AGENT_LABEL, PARAM_GIT_SHA, PARAM_IMAGE, PARAM_TAG};
use crate::error::{Error, Result};
use crate::events::{Events, Outcome, PipelineEvent, Stage};
use crate::spec::PipelineSpec;

/// What a build is run with, beyond the spec.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BuildParams {
    /// The commit being built: `{git_sha}` in the tag, and the `GIT_SHA`
    /// parameter.
    pub git_sha: Option<String>,
    /// Values for parameters declared in `build.parameters`, overriding
    /// their defaults. Names not declared there are refused (Jenkins would
    /// drop them silently).
    pub parameters: BTreeMap<String, String>,
    /// Whether an `UNSTABLE` result (tests failed) passes, with a warning.
    /// `false` by default.
    pub accept_unstable: bool,
    /// The Jenkins quiet period before the build starts; none by default.
    pub quiet_period: Duration,
    /// The pause between polls of the queue, the console and the build;
    /// 1 s by default.
    pub poll: Duration,
    /// The longest wait for the build to start, and then to end; one hour
    /// by default.
    pub timeout: Duration,
}

impl Default for BuildParams {
    fn default() -> Self {
        BuildParams {
            git_sha: None,
            parameters: BTreeMap::new(),
            accept_unstable: false,
            quiet_period: Duration::ZERO,
            poll: Duration::from_secs(1),
            timeout: Duration::from_secs(3600),
        }
    }
}

impl BuildParams {
    /// Builds commit `sha`.
    #[must_use]
    pub fn git_sha(mut self, sha: impl Into<String>) -> Self {
        self.git_sha = Some(sha.into());
        self
    }

    /// Sets the declared parameter `name` to `value`.
    #[must_use]
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.insert(name.into(), value.into());
        self
    }

    /// Lets an `UNSTABLE` build pass.
    #[must_use]
    pub fn accept_unstable(mut self, accept: bool) -> Self {
        self.accept_unstable = accept;
        self
    }

    /// Waits `period` in the Jenkins queue before the build starts.
    #[must_use]
    pub fn quiet_period(mut self, period: Duration) -> Self {
        self.quiet_period = period;
        self
    }

    /// Polls every `poll` (at least 1 ms).
    #[must_use]
    pub fn poll(mut self, poll: Duration) -> Self {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    /// Gives up waiting after `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// What a successful build produced.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BuildOutcome {
    /// The image pushed: `<build.image>:<tag>`.
    pub image: String,
    /// Its tag.
    pub tag: String,
    /// The Jenkins build number.
    pub build_number: u64,
    /// The Jenkins result (`SUCCESS`, or `UNSTABLE` when accepted).
    pub result: String,
    /// The build's URL, on the cluster the pipeline talks to.
    pub url: String,
}

/// Triggers the spec's job with the rendered tag and parameters, follows
/// the queue item to its build, streams the console as
/// [`PipelineEvent::ConsoleLine`]s, waits for the end and returns the
/// image: see the module docs. Emits the stage events.
pub async fn build(
    target: &Target,
    spec: &PipelineSpec,
    params: &BuildParams,
    events: &Events,
) -> Result<BuildOutcome> {
    let started = Instant::now();
    events.stage_started(Stage::Build);
    let job = &spec.build.job;
    let result = run(target, spec, params, events)
        .await
        .map_err(|e| Error::build(job.full_name(), e));
    let outcome = match &result {
        Ok(_) => Outcome::Succeeded,
        Err(e) => Outcome::Failed { reason: e.chain() },
    };
    events.stage_finished(Stage::Build, started.elapsed(), outcome);
    result
}

/// The job's `nextBuildNumber`.
async fn next_build_number(target: &Target, job: &JobPath) -> Result<u64> {
    #[derive(Deserialize)]
    struct Next {
        #[serde(rename = "nextBuildNumber")]
        next: Option<u64>,
    }
    let next: Next = target
        .jenkins()
        .jobs()
        .get_as(job, &Tree::new().field("nextBuildNumber"))
        .await?;
    next.next.ok_or_else(|| {
        Error::from(jenkins_client::Error::Protocol(format!(
            "{job} has no nextBuildNumber: is it a buildable job? (run configure first)"
        )))
    })
}

/// The Jenkins parameters of one build: the pipeline's own, then the
/// spec's defaults overridden by `params`.
pub fn build_parameters(
    spec: &PipelineSpec,
    params: &BuildParams,
    tag: &str,
) -> Result<jenkins_client::BuildParams> {
    if let Some(name) = params
        .parameters
        .keys()
        .find(|name| !spec.build.parameters.contains_key(*name))
    {
        return Err(Error::Usage(format!(
            "the build parameter {name} is not declared in build.parameters of {}; Jenkins \
             would ignore it",
            spec.file.display()
        )));
    }
    let mut out = jenkins_client::BuildParams::new()
        .string(PARAM_IMAGE, spec.build.image.clone())
        .string(PARAM_TAG, tag)
        .string(PARAM_AGENT_LABEL, spec.build.agent_label.clone())
        .string(PARAM_GIT_SHA, params.git_sha.clone().unwrap_or_default());
    for (name, default) in &spec.build.parameters {
        let value = params.parameters.get(name).unwrap_or(default);
        out = out.string(name.clone(), value.clone());
    }
    Ok(out)
}

async fn run(
    target: &Target,
    spec: &PipelineSpec,
    params: &BuildParams,
    events: &Events,
) -> Result<BuildOutcome> {
    let jenkins = target.jenkins();
    let job = &spec.build.job;
    let expected = if needs_build_number(&spec.build.tag) {
        Some(next_build_number(target, job).await?)
    } else {
        None
    };
    let tag = render_tag(
        &spec.build.tag,
        &TagValues {
            git_sha: params.git_sha.as_deref(),
            build_number: expected,
            service: &spec.service,
            timestamp: timestamp(SystemTime::now()),
        },
    )?;
    let image = format!("{}:{tag}", spec.build.image);
    let parameters = build_parameters(spec, params, &tag)?;

    let queue_id = jenkins
        .builds()
        .trigger(job)
        .params(parameters)
        .quiet_period(params.quiet_period)
        .cause(format!("dcos-cd builds {image}"))
        .send()
        .await?;
    let wait = BuildWait::default()
        .poll(params.poll)
        .timeout(params.timeout);
    let started = match jenkins
        .queue()
        .wait_for_start(queue_id, Some(job), &wait)
        .await
    {
        Ok(started) => started,
        Err(jenkins_client::Error::QueueItemCancelled { .. }) => {
            return Err(Error::QueueCancelled {
                job: job.full_name(),
            });
        }
        Err(e) => return Err(e.into()),
    };
    let number = started.number;
    if let Some(expected) = expected.filter(|n| *n != number) {
        // Best effort: the error below is what matters.
        if let Err(e) = jenkins.builds().stop(job, number).await {
            events.warn(format!("could not stop build #{number} of {job}: {e}"));
        }
        return Err(Error::BuildNumberTaken {
            job: job.full_name(),
            expected,
            actual: number,
        });
    }

    follow_console(target, job, number, params.poll, events).await;
    let build = jenkins
        .builds()
        .wait_for_completion(job, number, &wait)
        .await?;
    let url = build_url(target, &build)
        .or_else(|| started.url.as_ref().map(ToString::to_string))
        .unwrap_or_else(|| format!("{job} #{number}"));
    let result = build
        .result
        .as_ref()
        .map_or_else(|| "no result".to_owned(), ToString::to_string);
    match build.result {
        Some(BuildResult::Success) => {}
        Some(BuildResult::Unstable) if params.accept_unstable => {
            events.warn(format!(
                "build #{number} of {job} is UNSTABLE (accepted): {url}"
            ));
        }
        _ => {
            return Err(Error::BuildFailed {
                stage: failed_stage(target, job, number, events).await,
                result,
                url,
                build_number: number,
            });
        }
    }
    if let Some(sim) = target.sim() {
        if !sim.registry().contains(&image) {
            return Err(Error::ImageNotPushed {
                image,
                build_number: number,
            });
        }
    }
    Ok(BuildOutcome {
        image,
        tag,
        build_number: number,
        result,
        url,
    })
}

/// The build's URL rebased onto the client's base.
fn build_url(target: &Target, build: &Build) -> Option<String> {
    let url = build.url.as_deref()?;
    Some(
        target
            .jenkins()
            .rebase(url)
            .map_or_else(|_| url.to_owned(), |r| r.url.to_string()),
    )
}

/// Streams the console of build `number` as events until the log is
/// complete. The console is progress, not the outcome: an error ends the
/// follow with a warning, and the build is still waited for.
async fn follow_console(
    target: &Target,
    job: &JobPath,
    number: u64,
    poll: Duration,
    events: &Events,
) {
    let mut lines =
        target
            .jenkins()
            .console()
            .follow_lines(job, number, FollowOptions::default().poll(poll));
    while let Some(line) = lines.next().await {
        match line {
            Ok(line) => events.emit(PipelineEvent::ConsoleLine {
                build_number: number,
                line: line.text,
            }),
            Err(e) => {
                events.warn(format!(
                    "the console of build #{number} of {job} stopped: {e}"
                ));
                return;
            }
        }
    }
}

/// The first Pipeline stage that failed or was aborted, from
/// `wfapi/describe`; `None` when Jenkins does not say (no Pipeline Stage
/// View plugin, a freestyle job).
async fn failed_stage(
    target: &Target,
    job: &JobPath,
    number: u64,
    events: &Events,
) -> Option<String> {
    match target.jenkins().pipeline().describe(job, number).await {
        Ok(run) => run
            .stages
            .unwrap_or_default()
            .into_iter()
            .find(|s| matches!(s.status, Some(StageStatus::Failed | StageStatus::Aborted)))
            .and_then(|s| s.name),
        Err(e) => {
            events.warn(format!(
                "cannot tell which stage of build #{number} failed: {e}"
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn spec() -> PipelineSpec {
        let text = "service = \"hello\"\n[build]\njob = \"cd/hello\"\n\
                    image = \"r.example.com/hello\"\ntag = \"{git_sha}\"\n\
                    jenkinsfile = { inline = \"node {}\" }\n\
                    parameters = { GREETING = \"hello\", COLOR = \"blue\" }\n[deploy]\n\
                    template_inline = '''{\"id\": \"/hello\", \"cmd\": \"serve\"}'''\n";
        PipelineSpec::parse(text, "pipeline.toml").unwrap()
    }

    fn pairs(params: &jenkins_client::BuildParams) -> Vec<(String, String)> {
        params
            .iter()
            .map(|(name, value)| match value {
                jenkins_client::ParamValue::String(v) => (name.to_owned(), v.clone()),
                other => panic!("{other:?}"),
            })
            .collect()
    }

    #[test]
    fn every_declared_parameter_is_sent_with_overrides_applied() {
        let params = BuildParams::default()
            .git_sha("abc")
            .parameter("COLOR", "green");
        let sent = build_parameters(&spec(), &params, "abc").unwrap();
        let expected: Vec<(String, String)> = [
            ("IMAGE", "r.example.com/hello"),
            ("TAG", "abc"),
            ("AGENT_LABEL", "linux"),
            ("GIT_SHA", "abc"),
            ("COLOR", "green"),
            ("GREETING", "hello"),
        ]
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
        assert_eq!(pairs(&sent), expected);
    }

    #[test]
    fn an_undeclared_parameter_is_a_usage_error() {
        let params = BuildParams::default().parameter("COLOUR", "green");
        let error = build_parameters(&spec(), &params, "abc").unwrap_err();
        assert_eq!(error.exit_code(), 2);
        assert!(
            error.to_string().contains("COLOUR is not declared"),
            "{error}"
        );
    }

    #[test]
    fn defaults_and_the_poll_floor() {
        let params = BuildParams::default();
        assert_eq!(params.poll, Duration::from_secs(1));
        assert_eq!(params.timeout, Duration::from_secs(3600));
        assert!(!params.accept_unstable);
        assert_eq!(params.quiet_period, Duration::ZERO);
        assert_eq!(
            BuildParams::default().poll(Duration::ZERO).poll,
            Duration::from_millis(1)
        );
    }
}
