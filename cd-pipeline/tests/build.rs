//! `build` against the simulated Jenkins: the image, the console, failures,
//! a cancelled queue item and a token that expires mid-build.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod build_support;

use std::time::Duration;

use build_support::{console, params, spec, spec_with};
use cd_pipeline::{Error, Events, Outcome, PipelineEvent, Stage, build, configure};
use jenkins_client::JobPath;

/// The error inside the stage's [`Error::Build`].
fn inner(error: Error) -> Error {
    assert_eq!(error.stage(), Some(Stage::Build), "{}", error.chain());
    match error {
        Error::Build { source, .. } => *source,
        other => panic!("not wrapped in Error::Build: {other:?}"),
    }
}

#[tokio::test]
async fn a_build_gives_the_pushed_image_its_number_and_the_console() {
    let target = build_support::target().await;
    let spec = spec("hello");
    configure(&target, &spec, &Events::none()).await.unwrap();

    let (events, mut stream) = Events::channel();
    let outcome = build(&target, &spec, &params(), &events).await.unwrap();
    assert_eq!(outcome.build_number, 1);
    assert_eq!(outcome.tag, "0a1b2c3-1");
    assert_eq!(outcome.image, "registry.example.com/team/hello:0a1b2c3-1");
    assert_eq!(outcome.result, "SUCCESS");
    assert!(
        outcome.url.starts_with(target.cluster().url().as_str())
            && outcome
                .url
                .ends_with("/service/jenkins/job/cd/job/hello/1/"),
        "{}",
        outcome.url
    );
    let sim = target.sim().unwrap();
    assert!(sim.registry().contains(&outcome.image));

    let emitted = stream.drain();
    assert_eq!(
        emitted.first(),
        Some(&PipelineEvent::StageStarted {
            stage: Stage::Build
        })
    );
    assert!(matches!(
        emitted.last(),
        Some(PipelineEvent::StageFinished {
            stage: Stage::Build,
            outcome: Outcome::Succeeded,
            ..
        })
    ));
    let lines = console(&emitted);
    assert!(
        lines.iter().any(|l| l.starts_with("+ docker push")
            && l.contains("registry.example.com/team/hello:0a1b2c3-1")),
        "{lines:#?}"
    );
    assert_eq!(lines.last().map(String::as_str), Some("Finished: SUCCESS"));
    assert!(emitted.iter().all(|e| match e {
        PipelineEvent::ConsoleLine { build_number, .. } => *build_number == 1,
        _ => true,
    }));

    // The next build gets the next number, and a declared parameter.
    let next = build(
        &target,
        &spec,
        &params().parameter("GREETING", "hi"),
        &Events::none(),
    )
    .await
    .unwrap();
    assert_eq!(next.build_number, 2);
    assert_eq!(next.tag, "0a1b2c3-2");
    target.shutdown().await;
}

#[tokio::test]
async fn a_failing_build_is_build_failed_with_its_stage_and_pushes_nothing() {
    let target = build_support::target().await;
    let spec = spec("broken");
    configure(&target, &spec, &Events::none()).await.unwrap();
    let sim = target.sim().unwrap();
    // The documented rule: the next build fails at its first `sh` step.
    sim.faults().fail_builds(1);

    let (events, mut stream) = Events::channel();
    let error = build(&target, &spec, &params(), &events).await.unwrap_err();
    assert!(
        error
            .chain()
            .starts_with("build of cd/broken failed: build #1 ended FAILURE in stage 'Build': "),
        "{}",
        error.chain()
    );
    match inner(error) {
        Error::BuildFailed {
            result,
            url,
            build_number,
            stage,
        } => {
            assert_eq!(result, "FAILURE");
            assert_eq!(build_number, 1);
            assert_eq!(stage.as_deref(), Some("Build"));
            assert!(url.ends_with("/job/cd/job/broken/1/"), "{url}");
        }
        other => panic!("{other:?}"),
    }
    assert!(sim.registry().images().is_empty());
    let emitted = stream.drain();
    assert!(console(&emitted).iter().any(|l| l == "Finished: FAILURE"));
    assert!(matches!(
        emitted.last(),
        Some(PipelineEvent::StageFinished { stage: Stage::Build, outcome: Outcome::Failed { reason }, .. })
            if reason.contains("FAILURE")
    ));
    // Nothing reached Marathon.
    assert!(
        target
            .marathon()
            .apps()
            .list()
            .send()
            .await
            .unwrap()
            .is_empty()
    );
    target.shutdown().await;
}

#[tokio::test]
async fn a_cancelled_queue_item_is_queue_cancelled() {
    let target = build_support::target().await;
    let spec = spec("waits");
    configure(&target, &spec, &Events::none()).await.unwrap();
    let jenkins = target.jenkins().clone();
    let canceller = async {
        // The item waits its quiet period (60 simulated seconds): cancel it.
        loop {
            let queue = jenkins.queue().list().await.unwrap();
            if let Some(id) = queue.items.first().map(|i| i.id()) {
                jenkins.queue().cancel(id).await.unwrap();
                return id;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    };
    let waiting = params().quiet_period(Duration::from_secs(60));
    let none = Events::none();
    let run = build(&target, &spec, &waiting, &none);
    let (result, _) = tokio::join!(run, canceller);
    match inner(result.unwrap_err()) {
        Error::QueueCancelled { job } => assert_eq!(job, "cd/waits"),
        other => panic!("{other:?}"),
    }
    let job = JobPath::parse("cd/waits").unwrap();
    assert!(
        target
            .jenkins()
            .builds()
            .last(&job)
            .await
            .unwrap()
            .is_none()
    );
    target.shutdown().await;
}

#[tokio::test]
async fn a_token_that_expires_mid_build_is_renewed_and_the_build_completes() {
    let target = build_support::target().await;
    // A build long enough to expire the tokens while it runs.
    let jenkinsfile = build_support::JENKINSFILE.replace(
        "stage('Push') {\n",
        "stage('Push') {\n        sh 'sleep 30'\n",
    );
    let spec = spec_with("slow", "slow", &jenkinsfile, "{service}-{build_number}");
    configure(&target, &spec, &Events::none()).await.unwrap();
    let (events, mut stream) = Events::channel();
    let sim = target.sim().unwrap();
    let expire = async {
        while let Some(event) = stream.next_event().await {
            if matches!(event, PipelineEvent::ConsoleLine { .. }) {
                sim.faults().expire_tokens();
                return true;
            }
        }
        false
    };
    let run = async {
        let outcome = build(&target, &spec, &params(), &events).await;
        drop(events);
        outcome
    };
    let (outcome, expired) = tokio::join!(run, expire);
    assert!(expired, "no console line came");
    let outcome = outcome.unwrap();
    assert_eq!(outcome.image, "registry.example.com/team/slow:slow-1");
    assert!(sim.registry().contains(&outcome.image));
    target.shutdown().await;
}

#[tokio::test]
async fn undeclared_parameters_and_a_missing_sha_fail_before_any_trigger() {
    let target = build_support::target().await;
    let spec = spec("strict");
    configure(&target, &spec, &Events::none()).await.unwrap();
    let error = build(
        &target,
        &spec,
        &params().parameter("NOPE", "1"),
        &Events::none(),
    )
    .await
    .unwrap_err();
    assert_eq!(error.exit_code(), 2);
    assert!(
        error.chain().contains("NOPE is not declared"),
        "{}",
        error.chain()
    );
    let mut no_sha = params();
    no_sha.git_sha = None;
    let error = build(&target, &spec, &no_sha, &Events::none())
        .await
        .unwrap_err();
    assert!(
        error.chain().contains("needs {git_sha}"),
        "{}",
        error.chain()
    );
    let job = JobPath::parse("cd/strict").unwrap();
    assert!(
        target
            .jenkins()
            .builds()
            .last(&job)
            .await
            .unwrap()
            .is_none()
    );
    target.shutdown().await;
}

#[tokio::test]
async fn a_build_that_pushes_nothing_is_image_not_pushed_on_the_simulator() {
    let target = build_support::target().await;
    let spec = spec_with(
        "nopush",
        "nopush",
        "node(params.AGENT_LABEL) {\n    stage('Build') {\n        sh 'docker build --tag \"$IMAGE:$TAG\" .'\n    }\n}\n",
        "{git_sha}",
    );
    configure(&target, &spec, &Events::none()).await.unwrap();
    let error = build(&target, &spec, &params(), &Events::none())
        .await
        .unwrap_err();
    match inner(error) {
        Error::ImageNotPushed {
            image,
            build_number,
        } => {
            assert_eq!(image, "registry.example.com/team/nopush:0a1b2c3");
            assert_eq!(build_number, 1);
        }
        other => panic!("{other:?}"),
    }
    target.shutdown().await;
}

#[tokio::test]
async fn a_build_stopped_mid_way_is_build_failed_aborted() {
    let target = build_support::target().await;
    let jenkinsfile = build_support::JENKINSFILE.replace(
        "stage('Build') {\n",
        "stage('Build') {\n        sh 'sleep 600'\n",
    );
    let spec = spec_with("stopped", "stopped", &jenkinsfile, "{git_sha}");
    configure(&target, &spec, &Events::none()).await.unwrap();
    let (events, mut stream) = Events::channel();
    let job = JobPath::parse("stopped").unwrap();
    let stop = async {
        while let Some(event) = stream.next_event().await {
            if let PipelineEvent::ConsoleLine { build_number, line } = event {
                if line.contains("sleep 600") {
                    target
                        .jenkins()
                        .builds()
                        .stop(&job, build_number)
                        .await
                        .unwrap();
                    return true;
                }
            }
        }
        false
    };
    let run = async {
        let outcome = build(&target, &spec, &params(), &events).await;
        drop(events);
        outcome
    };
    let (outcome, stopped) = tokio::join!(run, stop);
    assert!(stopped);
    match inner(outcome.unwrap_err()) {
        Error::BuildFailed {
            result,
            stage,
            build_number,
            ..
        } => {
            assert_eq!(result, "ABORTED");
            assert_eq!(build_number, 1);
            assert_eq!(stage.as_deref(), Some("Build"));
        }
        other => panic!("{other:?}"),
    }
    assert!(target.sim().unwrap().registry().images().is_empty());
    target.shutdown().await;
}

#[tokio::test]
async fn a_build_number_taken_by_another_trigger_stops_the_build() {
    let target = build_support::target().await;
    let spec = spec("raced");
    configure(&target, &spec, &Events::none()).await.unwrap();
    let jenkins = target.jenkins().clone();
    let job = JobPath::parse("cd/raced").unwrap();
    // While the pipeline's item waits its quiet period (its tag says #1),
    // someone else's build of the job starts and takes #1.
    let other = async {
        loop {
            if !jenkins.queue().list().await.unwrap().items.is_empty() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
        jenkins
            .builds()
            .trigger(&job)
            .params(jenkins_client::BuildParams::new().string("TAG", "manual"))
            .send()
            .await
            .unwrap()
    };
    let waiting = params().quiet_period(Duration::from_secs(20));
    let none = Events::none();
    let run = build(&target, &spec, &waiting, &none);
    let (result, _) = tokio::join!(run, other);
    match inner(result.unwrap_err()) {
        Error::BuildNumberTaken {
            job,
            expected,
            actual,
        } => {
            assert_eq!(job, "cd/raced");
            assert_eq!(expected, 1);
            assert_eq!(actual, 2);
        }
        other => panic!("{other:?}"),
    }
    // The pipeline's build was stopped before it could push `…:0a1b2c3-1`.
    let ours = jenkins
        .builds()
        .wait_for_completion(
            &job,
            2,
            &jenkins_client::BuildWait::default().poll(Duration::from_millis(20)),
        )
        .await
        .unwrap();
    assert_eq!(ours.result.unwrap().to_string(), "ABORTED");
    let sim = target.sim().unwrap();
    assert!(
        !sim.registry()
            .contains("registry.example.com/team/raced:0a1b2c3-1")
    );
    target.shutdown().await;
}

#[tokio::test]
async fn a_burst_of_503_from_jenkins_mid_build_is_ridden_out() {
    let target = build_support::target().await;
    let spec = spec("bursty");
    configure(&target, &spec, &Events::none()).await.unwrap();
    let (events, mut stream) = Events::channel();
    let sim = target.sim().unwrap();
    let burst = async {
        while let Some(event) = stream.next_event().await {
            if matches!(event, PipelineEvent::ConsoleLine { .. }) {
                sim.faults().unavailable("/service/jenkins/", 2);
                return true;
            }
        }
        false
    };
    let run = async {
        let outcome = build(&target, &spec, &params(), &events).await;
        drop(events);
        outcome
    };
    let (outcome, burst) = tokio::join!(run, burst);
    assert!(burst);
    assert_eq!(outcome.unwrap().build_number, 1);
    target.shutdown().await;
}

#[tokio::test]
async fn the_hello_service_example_configures_and_builds() {
    let spec = cd_pipeline::PipelineSpec::load(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../examples/hello-service/pipeline.toml"
    ))
    .unwrap();
    let target = build_support::target().await;
    configure(&target, &spec, &Events::none()).await.unwrap();
    let (events, mut stream) = Events::channel();
    let outcome = build(&target, &spec, &params(), &events).await.unwrap();
    assert_eq!(
        outcome.image,
        "registry.marathon.l4lb.thisdcos.directory:5000/hello-service:1.0.1"
    );
    assert!(target.sim().unwrap().registry().contains(&outcome.image));
    let lines = console(&stream.drain());
    assert!(
        lines
            .iter()
            .any(|l| l.contains("GREETING=") && l.contains("hello")),
        "{lines:#?}"
    );
    target.shutdown().await;
}
