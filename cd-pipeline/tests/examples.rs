//! The worked example's specs load, and use what the embedded dcos-sim
//! supports: the `linux` DinD label, no HTTP gate (the simulator runs no
//! processes), an image tag that does not end in `broken`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use cd_pipeline::PipelineSpec;
use cd_pipeline::spec::{Jenkinsfile, Placeholder, Strategy, TemplateKind};

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/hello-service")
        .join(name)
}

#[test]
fn the_rolling_example_loads_with_the_simulator_defaults() {
    let spec = PipelineSpec::load(example("pipeline.toml")).unwrap();
    assert_eq!(spec.service, "hello-service");
    assert_eq!(spec.cluster, None, "no cluster: the embedded dcos-sim");
    assert_eq!(spec.build.agent_label, dcos_sim::AGENT_LABEL);
    assert_eq!(spec.build.job.to_string(), "cd/hello-service");
    match &spec.build.jenkinsfile {
        Jenkinsfile::Inline { script, file } => {
            assert!(file.as_ref().unwrap().ends_with("Jenkinsfile"));
            assert!(script.contains("docker build"), "{script}");
            assert!(script.contains("docker push \"$IMAGE:$TAG\""), "{script}");
            assert!(script.contains("label 'linux'"), "{script}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(spec.deploy.kind, TemplateKind::App);
    assert_eq!(spec.deploy.id(), "/hello-service");
    assert_eq!(spec.deploy.strategy, Strategy::Rolling);
    assert!(spec.deploy.auto_rollback && !spec.deploy.force);
    assert!(spec.deploy.gates.is_empty());
    assert!(spec.deploy.template["healthChecks"].is_array());

    // The image lands where Marathon reads it.
    let image = spec
        .deploy
        .set
        .iter()
        .find(|s| s.path.as_str() == "container.docker.image")
        .unwrap();
    let rendered = image
        .render(&|p| (p == Placeholder::Image).then(|| "r/hello-service:abc-1".to_owned()))
        .unwrap();
    let mut app = spec.deploy.template.clone();
    image.path.set(&mut app, rendered).unwrap();
    assert_eq!(app["container"]["docker"]["image"], "r/hello-service:abc-1");
    let tag = spec
        .build
        .tag
        .render(|p| match p {
            Placeholder::GitSha => Some("abc".into()),
            Placeholder::BuildNumber => Some("1".into()),
            _ => None,
        })
        .unwrap();
    assert!(!tag.ends_with("broken"));
}

#[test]
fn the_blue_green_example_loads() {
    let spec = PipelineSpec::load(example("pipeline-blue-green.toml")).unwrap();
    assert_eq!(spec.deploy.strategy, Strategy::BlueGreen);
    let paths: Vec<&str> = spec.deploy.set.iter().map(|s| s.path.as_str()).collect();
    assert!(
        paths.contains(&"labels.HAPROXY_DEPLOYMENT_GROUP"),
        "{paths:?}"
    );
}
