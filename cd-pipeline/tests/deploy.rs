//! The deploy side end to end against dcos-sim: rolling, automatic
//! rollback, blue-green (switch, clean-up, resume), canary, idempotency,
//! capacity, and faults mid-deploy. Simulated time runs 100 times faster.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use cd_pipeline::strategy::blue_green::{self, Colour};
use cd_pipeline::{Error, Events, PipelineEvent, PipelineSpec, Target, deploy, rollback, status};
use dcos_sim::{AgentSpec, SimCluster};

const SPEED: f64 = 100.0;

/// A spec for `/hello` with `instances` instances and the given strategy.
fn spec(strategy: &str, instances: u32, cpus: f64) -> PipelineSpec {
    let text = format!(
        r#"service = "hello"
[build]
job = "cd/hello"
agent_label = "dind"
image = "registry.example.com/hello"
tag = "{{build_number}}"
jenkinsfile = {{ inline = "pipeline {{ }}" }}
[deploy]
strategy = {strategy}
health_timeout = "4s"
no_progress_timeout = "3s"
template_inline = '''{{"id": "/hello", "instances": 1, "cpus": 0.1, "mem": 32,
  "container": {{"type": "DOCKER", "docker": {{"image": "placeholder"}}}},
  "healthChecks": [{{"protocol": "MESOS_HTTP", "path": "/health", "gracePeriodSeconds": 5,
    "intervalSeconds": 2, "maxConsecutiveFailures": 3}}],
  "labels": {{"HAPROXY_GROUP": "external"}}}}'''
[deploy.set]
"container.docker.image" = "{{image}}"
instances = {instances}
cpus = {cpus}
"#
    );
    PipelineSpec::parse(&text, "pipeline.toml").unwrap()
}

async fn sim() -> SimCluster {
    SimCluster::builder()
        .speed(SPEED)
        .agents(2)
        .start()
        .await
        .unwrap()
}

/// A target on `sim` whose credentials may follow a Mesos redirect to the
/// simulator's second master (a leader change), as `allow_host` permits.
fn target_following_leaders(sim: &SimCluster) -> Target {
    let account =
        dcos_auth::ServiceAccount::from_json(&sim.service_account().credential_json()).unwrap();
    let second = url::Url::parse(&sim.second_master_url()).unwrap();
    let host = format!("{}:{}", second.host_str().unwrap(), second.port().unwrap());
    let cluster = dcos_auth::Cluster::builder(sim.url())
        .auth(account)
        .allow_host(host)
        .build()
        .unwrap();
    Target::from_cluster(cluster, cd_pipeline::Choice::Embedded)
}

fn image(tag: &str) -> String {
    format!("registry.example.com/hello:{tag}")
}

/// Every image the app's instances run, from the sim's own view.
fn images_running(sim: &SimCluster, app: &str) -> Vec<(String, Option<bool>)> {
    sim.marathon()
        .instances(app)
        .into_iter()
        .map(|i| (i.version, i.healthy))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_rolling_deploy_then_a_rerun_is_a_no_op_and_status_reads_it() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"rolling\"", 2, 0.1);
    let (events, mut stream) = Events::channel();

    let first = deploy(&target, &spec, &image("1"), &events).await.unwrap();
    assert_eq!(first.app, "/hello");
    assert!(!first.unchanged);
    assert_eq!((first.healthy, first.instances), (2, 2));
    assert!(first.deployment_id.is_some());
    let seen = stream.drain();
    assert!(seen.iter().any(|e| matches!(e, PipelineEvent::PlanLine { line, .. } if line.starts_with("+ create marathon app /hello"))), "{seen:?}");
    assert!(seen.iter().any(
        |e| matches!(e, PipelineEvent::GateResult { gate, passed: true, .. } if gate == "health")
    ));
    // The last counts before the health gate show every instance healthy.
    let last_counts = seen.iter().rev().find_map(|e| match e {
        PipelineEvent::InstanceCounts {
            healthy, target, ..
        } => Some((*healthy, *target)),
        _ => None,
    });
    assert_eq!(last_counts, Some((2, 2)), "{seen:?}");

    let second = deploy(&target, &spec, &image("2"), &events).await.unwrap();
    assert!(!second.unchanged);
    assert_eq!(second.healthy, 2);
    let seen = stream.drain();
    let lines: Vec<&str> = seen
        .iter()
        .filter_map(|e| match e {
            PipelineEvent::PlanLine { line, .. } => Some(line.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        lines.iter().any(|l| l.contains("~ container.docker.image")),
        "{lines:?}"
    );
    // Only what the template sets is compared: no Marathon defaults.
    assert!(
        !lines
            .iter()
            .any(|l| l.contains("delaySeconds") || l.contains("mem")),
        "{lines:?}"
    );

    let again = deploy(&target, &spec, &image("2"), &events).await.unwrap();
    assert!(again.unchanged);
    assert_eq!(again.deployment_id, None);
    let seen = stream.drain();
    assert!(seen.iter().any(|e| matches!(e, PipelineEvent::PlanLine { line, .. } if line.contains("spec hash unchanged"))), "{seen:?}");
    assert!(seen.iter().any(|e| matches!(
        e,
        PipelineEvent::StageFinished {
            outcome: cd_pipeline::Outcome::Unchanged,
            ..
        }
    )));

    let now = status(&target, &spec, &events).await.unwrap();
    assert!(now.exists);
    assert_eq!(now.image.as_deref(), Some(image("2").as_str()));
    assert_eq!((now.healthy, now.instances), (2, 2));
    assert!(now.spec_hash.is_some());

    // An explicit rollback goes back to the image before.
    let back = rollback(&target, &spec, &events).await.unwrap();
    assert_eq!(back.image, image("1"));
    assert_eq!(back.healthy, 2);
    let now = status(&target, &spec, &events).await.unwrap();
    assert_eq!(now.image.as_deref(), Some(image("1").as_str()));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unhealthy_version_is_rolled_back_and_the_previous_keeps_serving() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"rolling\"", 3, 0.1);
    let (events, mut stream) = Events::channel();
    let good = deploy(&target, &spec, &image("1"), &events).await.unwrap();
    let good_version = good.version.clone().unwrap();
    stream.drain();

    // The sim's documented rule: a tag ending in `broken` never gets healthy.
    let err = deploy(&target, &spec, &image("2-broken"), &events)
        .await
        .unwrap_err();
    let Error::Deploy { source, .. } = &err else {
        panic!("{err:?}")
    };
    let Error::RolledBack { reason, .. } = source.as_ref() else {
        panic!("{err:?}")
    };
    assert!(reason.contains("rolled back: 3/3 healthy"), "{reason}");
    let seen = stream.drain();
    assert!(
        seen.iter()
            .any(|e| matches!(e, PipelineEvent::GateResult { passed: false, .. })),
        "{seen:?}"
    );
    assert!(
        seen.iter()
            .any(|e| matches!(e, PipelineEvent::RollbackStarted { .. }))
    );
    assert!(
        seen.iter()
            .any(|e| matches!(e, PipelineEvent::RollbackFinished { healthy: true, .. })),
        "{seen:?}"
    );

    let now = status(&target, &spec, &events).await.unwrap();
    assert_eq!(now.image.as_deref(), Some(image("1").as_str()));
    assert_eq!((now.healthy, now.instances), (3, 3));
    let instances = images_running(&sim, "/hello");
    assert_eq!(instances.len(), 3, "{instances:?}");
    assert!(
        instances.iter().all(|(_, healthy)| *healthy == Some(true)),
        "{instances:?}"
    );
    let _ = good_version;
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn not_enough_capacity_fails_before_apply() {
    let sim = SimCluster::builder()
        .speed(SPEED)
        .agents_like(2, AgentSpec::default().cpus(1.0))
        .start()
        .await
        .unwrap();
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"rolling\"", 5, 0.5);
    let err = deploy(&target, &spec, &image("1"), &Events::none())
        .await
        .unwrap_err();
    let Error::Deploy { source, .. } = &err else {
        panic!("{err:?}")
    };
    let Error::Capacity {
        needed,
        free,
        detail,
    } = source.as_ref()
    else {
        panic!("{err:?}")
    };
    assert!(needed.contains("5 × cpus=0.5"), "{needed}");
    assert!(free.contains("cpus=2"), "{free}");
    assert!(detail.contains("4 of 5"), "{detail}");
    assert!(sim.marathon().app_ids().is_empty(), "nothing was applied");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_marathon_503_burst_a_mesos_leader_change_and_an_expired_token_mid_deploy_still_complete()
{
    let sim = sim().await;
    let target = target_following_leaders(&sim);
    let spec = spec("\"rolling\"", 2, 0.1);
    deploy(&target, &spec, &image("1"), &Events::none())
        .await
        .unwrap();
    sim.faults().mesos_leader_change();
    sim.faults().unavailable("/service/marathon/", 4);
    // Another burst once the deployment runs.
    let marathon = sim.marathon();
    let faults = sim.faults();
    let burst = tokio::spawn(async move {
        while marathon.deployment_ids().is_empty() {
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        faults.unavailable("/service/marathon/", 6);
        faults.expire_tokens();
    });
    let done = deploy(&target, &spec, &image("2"), &Events::none())
        .await
        .unwrap();
    burst.await.unwrap();
    assert_eq!(done.healthy, 2);
    let now = status(&target, &spec, &Events::none()).await.unwrap();
    assert_eq!(now.image.as_deref(), Some(image("2").as_str()));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blue_green_switches_cleans_up_and_rolls_back_a_bad_colour() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"blue-green\"", 2, 0.1);
    let events = Events::none();
    let first = deploy(&target, &spec, &image("1"), &events).await.unwrap();
    assert_eq!(first.app, "/hello-blue");
    let second = deploy(&target, &spec, &image("2"), &events).await.unwrap();
    assert_eq!(second.app, "/hello-green");
    assert_eq!(second.healthy, 2);
    assert_eq!(sim.marathon().app_ids(), ["/hello-green"]);
    let green = target
        .marathon()
        .apps()
        .get(&marathon_client::AppId::new("/hello-green").unwrap())
        .await
        .unwrap();
    assert_eq!(green.label(blue_green::COLOUR_LABEL), Some("green"));
    assert_eq!(green.label(blue_green::GROUP_LABEL), Some("hello"));
    assert_eq!(green.label(blue_green::TARGET_INSTANCES_LABEL), Some("2"));
    assert_eq!(green.label(blue_green::APP_ID_LABEL), Some("/hello"));
    assert!(green.label(blue_green::STARTED_AT_LABEL).is_some());

    let again = deploy(&target, &spec, &image("2"), &events).await.unwrap();
    assert!(again.unchanged);

    let err = deploy(&target, &spec, &image("3-broken"), &events)
        .await
        .unwrap_err();
    assert!(err.chain().contains("rolled back"), "{}", err.chain());
    assert_eq!(sim.marathon().app_ids(), ["/hello-green"]);
    let now = status(&target, &spec, &events).await.unwrap();
    assert_eq!(now.app, "/hello-green");
    assert_eq!(now.image.as_deref(), Some(image("2").as_str()));
    assert_eq!(now.healthy, 2);
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blue_green_resumes_after_a_crash_between_steps() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"blue-green\"", 2, 0.1);
    let (events, mut stream) = Events::channel();
    deploy(&target, &spec, &image("1"), &events).await.unwrap();
    // A run that stopped right after starting the new colour: green exists
    // with this spec's labels beside blue.
    let rendered = cd_pipeline::render::render(&spec, &image("2")).unwrap();
    let blue = target
        .marathon()
        .apps()
        .get(&marathon_client::AppId::new("/hello-blue").unwrap())
        .await
        .unwrap();
    let started = "2999-01-01T00:00:00.000Z";
    let green =
        blue_green::colour_definition(&rendered, "hello", Colour::Green, Some(&blue), started);
    let green: marathon_client::models::App = serde_json::from_value(green).unwrap();
    target.marathon().apps().create(&green).await.unwrap();
    stream.drain();

    let resumed = deploy(&target, &spec, &image("2"), &events).await.unwrap();
    assert_eq!(resumed.app, "/hello-green");
    assert_eq!(resumed.healthy, 2);
    assert_eq!(sim.marathon().app_ids(), ["/hello-green"]);
    let seen = stream.drain();
    assert!(
        seen.iter().any(
            |e| matches!(e, PipelineEvent::Warning { message } if message.starts_with("resuming"))
        ),
        "{seen:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_canary_is_aborted_at_its_first_gate() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("{ canary = { steps = [25, 50, 100] } }", 4, 0.1);
    let (events, mut stream) = Events::channel();
    deploy(&target, &spec, &image("1"), &events).await.unwrap();
    stream.drain();
    let err = deploy(&target, &spec, &image("2-broken"), &events)
        .await
        .unwrap_err();
    assert!(err.chain().contains("canary 25%"), "{}", err.chain());
    let seen = stream.drain();
    let gates: Vec<_> = seen
        .iter()
        .filter_map(|e| match e {
            PipelineEvent::GateResult { gate, passed, .. } => Some((gate.clone(), *passed)),
            _ => None,
        })
        .collect();
    assert!(
        gates.iter().any(|(g, p)| g.starts_with("canary 25%") && !p),
        "{gates:?}"
    );
    assert!(
        !gates.iter().any(|(g, _)| g.starts_with("canary 50%")),
        "{gates:?}"
    );
    assert_eq!(sim.marathon().app_ids(), ["/hello"]);
    let now = status(&target, &spec, &events).await.unwrap();
    assert_eq!(now.image.as_deref(), Some(image("1").as_str()));
    assert_eq!((now.healthy, now.instances), (4, 4));

    // A good version goes through every step and ends on the stable app.
    let done = deploy(&target, &spec, &image("3"), &events).await.unwrap();
    assert_eq!(done.app, "/hello");
    assert_eq!(done.healthy, 4);
    assert_eq!(sim.marathon().app_ids(), ["/hello"]);
    let seen = stream.drain();
    assert!(seen.iter().any(|e| matches!(e, PipelineEvent::GateResult { gate, passed: true, .. } if gate == "canary 50%")), "{seen:?}");
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_deploy_is_refused_while_another_deployment_holds_the_app() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"rolling\"", 2, 0.1);
    deploy(&target, &spec, &image("1"), &Events::none())
        .await
        .unwrap();
    // Someone else's change that never finishes.
    let mut app = target
        .marathon()
        .apps()
        .get(&marathon_client::AppId::new("/hello").unwrap())
        .await
        .unwrap()
        .definition();
    app.container = serde_json::from_value(serde_json::json!({"type": "DOCKER", "docker": {"image": "registry.example.com/hello:x-broken"}})).unwrap();
    target.marathon().apps().update(&app).send().await.unwrap();
    let err = deploy(&target, &spec, &image("2"), &Events::none())
        .await
        .unwrap_err();
    let Error::Deploy { source, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(
        matches!(source.as_ref(), Error::Locked { deployments } if deployments.len() == 1),
        "{err:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn blue_green_resumes_the_clean_up_of_a_retired_colour() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"blue-green\"", 2, 0.1);
    deploy(&target, &spec, &image("1"), &Events::none())
        .await
        .unwrap();
    // A run that stopped after the switch: green serves, blue is retired
    // (0 instances, labelled) but not deleted.
    let rendered = cd_pipeline::render::render(&spec, &image("2")).unwrap();
    let blue_id = marathon_client::AppId::new("/hello-blue").unwrap();
    let blue = target.marathon().apps().get(&blue_id).await.unwrap();
    let green = blue_green::colour_definition(
        &rendered,
        "hello",
        Colour::Green,
        Some(&blue),
        "2999-01-01T00:00:00.000Z",
    );
    let green: marathon_client::models::App = serde_json::from_value(green).unwrap();
    target.marathon().apps().create(&green).await.unwrap();
    while !sim.marathon().deployment_ids().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let mut retired = blue.definition();
    retired.instances = Some(0);
    retired
        .labels
        .get_or_insert_with(Default::default)
        .insert(blue_green::PHASE_LABEL.into(), "retired".into());
    target
        .marathon()
        .apps()
        .update(&retired)
        .send()
        .await
        .unwrap();
    while !sim.marathon().deployment_ids().is_empty() {
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    let (events, mut stream) = Events::channel();
    let live = status(&target, &spec, &events).await.unwrap();
    assert_eq!(live.app, "/hello-green");
    let done = deploy(&target, &spec, &image("2"), &events).await.unwrap();
    assert!(done.unchanged, "{done:?}");
    assert_eq!(sim.marathon().app_ids(), ["/hello-green"]);
    let seen = stream.drain();
    assert!(
        seen.iter().any(|e| matches!(e, PipelineEvent::Warning { message } if message.contains("switched away from"))),
        "{seen:?}"
    );
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_app_the_pipeline_did_not_create_is_never_deleted() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = spec("\"blue-green\"", 1, 0.1);
    // Someone else's /hello-blue, without the pipeline's owner label.
    let foreign: marathon_client::models::App = serde_json::from_value(serde_json::json!({
        "id": "/hello-blue", "instances": 1, "cpus": 0.1, "mem": 32, "cmd": "sleep 1000",
        "labels": {"HAPROXY_DEPLOYMENT_COLOUR": "blue"}
    }))
    .unwrap();
    target.marathon().apps().create(&foreign).await.unwrap();
    let err = deploy(&target, &spec, &image("1"), &Events::none())
        .await
        .unwrap_err();
    let Error::Deploy { source, .. } = &err else {
        panic!("{err:?}")
    };
    let Error::Refused { reason } = source.as_ref() else {
        panic!("{err:?}")
    };
    assert!(
        reason.contains("was not created by pipeline \"hello\""),
        "{reason}"
    );
    assert_eq!(sim.marathon().app_ids(), ["/hello-blue"]);
    sim.shutdown().await;
}

const GROUP_SPEC: &str = r#"service = "shop"
[build]
job = "cd/shop"
agent_label = "dind"
image = "registry.example.com/shop"
tag = "{build_number}"
jenkinsfile = { inline = "pipeline { }" }
[deploy]
kind = "group"
health_timeout = "4s"
no_progress_timeout = "3s"
template_inline = '''{"id": "/shop", "apps": [
  {"id": "/shop/web", "instances": 2, "cpus": 0.1, "mem": 32,
   "container": {"type": "DOCKER", "docker": {"image": "placeholder"}}},
  {"id": "/shop/worker", "instances": 1, "cpus": 0.1, "mem": 32, "cmd": "sleep 100000"}]}'''
[deploy.set]
"apps[0].container.docker.image" = "{image}"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_group_is_planned_with_marathons_dry_run_and_deployed() {
    let sim = sim().await;
    let target = Target::on_sim(&sim).unwrap();
    let spec = PipelineSpec::parse(GROUP_SPEC, "pipeline.toml").unwrap();
    let (events, mut stream) = Events::channel();
    let first = deploy(&target, &spec, "registry.example.com/shop:1", &events)
        .await
        .unwrap();
    assert_eq!((first.healthy, first.instances), (3, 3));
    stream.drain();
    let plan = cd_pipeline::plan_deploy(&target, &spec, "registry.example.com/shop:2", &events)
        .await
        .unwrap();
    let lines = plan.lines();
    assert!(
        lines[0].starts_with("~ update marathon group /shop"),
        "{lines:?}"
    );
    assert!(
        lines
            .iter()
            .any(|l| l.contains("dry run step") && l.contains("/shop/web")),
        "{lines:?}"
    );
    let second = deploy(&target, &spec, "registry.example.com/shop:2", &events)
        .await
        .unwrap();
    assert_eq!(second.healthy, 3);
    let again = deploy(&target, &spec, "registry.example.com/shop:2", &events)
        .await
        .unwrap();
    assert!(again.unchanged, "{again:?}");
    let now = status(&target, &spec, &events).await.unwrap();
    assert_eq!((now.healthy, now.instances), (3, 3));
    sim.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_example_specs_deploy_on_the_simulator() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/hello-service");
    for (file, serving) in [
        ("pipeline.toml", ["/hello-service", "/hello-service"]),
        (
            "pipeline-blue-green.toml",
            ["/hello-service-blue", "/hello-service-green"],
        ),
    ] {
        let sim = sim().await;
        let target = Target::on_sim(&sim).unwrap();
        let mut spec = PipelineSpec::load(format!("{examples}/{file}")).unwrap();
        // State is read every twentieth of the watchdog: 2 min would poll
        // every second, slow for a simulator at 100×.
        spec.deploy.no_progress_timeout = Duration::from_secs(3);
        let repo = &spec.build.image;
        for (n, app) in serving.iter().enumerate() {
            let image = format!("{repo}:abc-{n}");
            let done = deploy(&target, &spec, &image, &Events::none())
                .await
                .unwrap();
            assert_eq!(done.app, *app, "{file}");
            assert_eq!((done.healthy, done.instances), (2, 2), "{file}");
            assert_eq!(sim.marathon().app_ids(), [*app], "{file}");
        }
        sim.shutdown().await;
    }
}
