//! Helpers of the configure and build tests: specs and a fast simulator.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use cd_pipeline::{BuildParams, PipelineEvent, PipelineSpec, Target};
use dcos_sim::SimCluster;

/// A Jenkinsfile that follows the pipeline's contract: it runs on
/// `params.AGENT_LABEL` and pushes `"$IMAGE:$TAG"`.
pub const JENKINSFILE: &str = "node(params.AGENT_LABEL) {\n    stage('Build') {\n        sh 'docker build --tag \"$IMAGE:$TAG\" .'\n    }\n    stage('Push') {\n        sh 'docker push \"$IMAGE:$TAG\"'\n    }\n}\n";

/// A spec for `service` with the job `job`, this Jenkinsfile and tag
/// template, and the app `/shop/<service>`.
pub fn spec_with(service: &str, job: &str, jenkinsfile: &str, tag: &str) -> PipelineSpec {
    let text = format!(
        r#"service = "{service}"

[build]
job = "{job}"
image = "registry.example.com/team/{service}"
tag = "{tag}"
agent_label = "linux"
jenkinsfile = {{ inline = '''{jenkinsfile}''' }}
parameters = {{ GREETING = "hello" }}

[deploy]
template_inline = '''{{"id": "/shop/{service}", "instances": 1, "cmd": "serve",
  "container": {{"type": "DOCKER", "docker": {{"image": "placeholder"}}}}}}'''
"#
    );
    PipelineSpec::parse(&text, "pipeline.toml").unwrap()
}

/// The usual spec: job `cd/<service>`, tag `{git_sha}-{build_number}`.
pub fn spec(service: &str) -> PipelineSpec {
    spec_with(
        service,
        &format!("cd/{service}"),
        JENKINSFILE,
        "{git_sha}-{build_number}",
    )
}

/// A simulator where a build takes well under a second.
pub async fn sim() -> SimCluster {
    SimCluster::builder()
        .speed(200.0)
        .seed(11)
        .start()
        .await
        .unwrap()
}

/// A target owning a fast simulator (so that the registry check applies).
pub async fn target() -> Target {
    Target::embedded(SimCluster::builder().speed(200.0).seed(11))
        .await
        .unwrap()
}

/// Build parameters that poll fast.
pub fn params() -> BuildParams {
    BuildParams::default()
        .git_sha("0a1b2c3")
        .poll(Duration::from_millis(20))
        .timeout(Duration::from_secs(30))
}

/// The console lines among `events`.
pub fn console(events: &[PipelineEvent]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match e {
            PipelineEvent::ConsoleLine { line, .. } => Some(line.clone()),
            _ => None,
        })
        .collect()
}
