//! The deploy side's local work, with no cluster: rendering a template
//! (typed substitutions, spec hash), the plan diff against a running app,
//! and placing instances on agents for the capacity check.
//!
//! Run: `cargo bench -p cd-pipeline --bench deploy_plan -- --warm-up-time 1 --measurement-time 3`.

// `criterion_group!` declares an undocumented `pub fn`.
#![allow(missing_docs, clippy::expect_used)]

use std::hint::black_box;

use cd_pipeline::PipelineSpec;
use cd_pipeline::capacity::{Demand, FreeAgent, InstanceSize, place};
use cd_pipeline::deploy::plan::app_change;
use cd_pipeline::render::render;
use criterion::{Criterion, criterion_group, criterion_main};
use marathon_client::models::App;
use mesos_client::resources::{Resource, Resources};
use serde_json::json;

/// A spec whose template has 50 env vars, 10 labels and a health check.
fn spec() -> PipelineSpec {
    let env: serde_json::Map<String, serde_json::Value> = (0..50)
        .map(|i| (format!("VAR_{i}"), json!(format!("value-{i}"))))
        .collect();
    let labels: serde_json::Map<String, serde_json::Value> = (0..10)
        .map(|i| (format!("LABEL_{i}"), json!(format!("l{i}"))))
        .collect();
    let template = json!({"id": "/bench/web", "instances": 10, "cpus": 0.5, "mem": 256,
        "container": {"type": "DOCKER", "docker": {"image": "x"},
            "portMappings": [{"containerPort": 8080, "hostPort": 0}]},
        "networks": [{"mode": "container/bridge"}],
        "env": env, "labels": labels,
        "healthChecks": [{"protocol": "MESOS_HTTP", "path": "/health", "portIndex": 0}],
        "upgradeStrategy": {"minimumHealthCapacity": 0.5, "maximumOverCapacity": 0.2}});
    let text = format!(
        "service = \"web\"\n[build]\njob = \"cd/web\"\nagent_label = \"dind\"\nimage = \"r/web\"\n\
         tag = \"{{build_number}}\"\njenkinsfile = {{ inline = \"pipeline {{ }}\" }}\n[deploy]\n\
         template_inline = '''{template}'''\n[deploy.set]\n\"container.docker.image\" = \"{{image}}\"\n\
         \"env.TAG\" = \"{{tag}}\"\n"
    );
    PipelineSpec::parse(&text, "pipeline.toml").expect("the bench spec is valid")
}

fn agents(n: usize) -> Vec<FreeAgent> {
    (0..n)
        .map(|i| FreeAgent {
            id: format!("agent-{i}"),
            hostname: format!("10.0.{}.{}", i / 250, i % 250),
            free: Resources::from_resources(
                [
                    Resource::scalar("cpus", 4.0),
                    Resource::scalar("mem", 16_384.0),
                    Resource::scalar("disk", 100_000.0),
                    Resource::ranges("ports", [(31_000, 32_000)]),
                ]
                .iter(),
            )
            .expect("valid resources"),
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    let spec = spec();
    c.bench_function("render 50-var template + spec hash", |b| {
        b.iter(|| render(black_box(&spec), black_box("r/web:1234")))
    });
    let old = render(&spec, "r/web:1233").expect("renders");
    let running: App = serde_json::from_value(old.definition).expect("an app");
    let new = render(&spec, "r/web:1234").expect("renders");
    c.bench_function("plan diff against the running app", |b| {
        b.iter(|| {
            app_change(
                "/bench/web",
                black_box(&new.definition),
                Some(black_box(&running)),
            )
        })
    });
    let free = agents(1_000);
    let demand = Demand {
        app: "/bench/web".into(),
        size: InstanceSize {
            cpus: 0.5,
            mem: 256.0,
            disk: 0.0,
            ports: 1,
        },
        instances: 2_000,
        released: Vec::new(),
    };
    c.bench_function("place 2,000 instances on 1,000 agents", |b| {
        b.iter(|| place(black_box(free.clone()), std::slice::from_ref(&demand)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
