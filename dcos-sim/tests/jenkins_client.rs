//! The simulated Jenkins through jenkins-client: direct with a password
//! (crumb and session cookie) or an API token, and through Admin Router
//! with the DC/OS token.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use dcos_auth::{Cluster, Credentials};
use dcos_sim::SimCluster;
use futures_util::StreamExt;
use jenkins_client::config_xml::{ParameterDefinition, PipelineConfig};
use jenkins_client::console::FollowOptions;
use jenkins_client::models::{BuildResult, StageStatus};
use jenkins_client::{BuildParams, BuildWait, Error, JenkinsAuth, JenkinsClient, JobPath};

fn wait() -> BuildWait {
    BuildWait::default()
        .poll(Duration::from_millis(20))
        .timeout(Duration::from_secs(20))
}

fn direct_password(cluster: &SimCluster) -> JenkinsClient {
    let j = cluster.jenkins();
    JenkinsClient::direct(&j.url(), JenkinsAuth::password(j.user(), j.password())).unwrap()
}

fn direct_token(cluster: &SimCluster) -> JenkinsClient {
    let j = cluster.jenkins();
    JenkinsClient::direct(&j.url(), JenkinsAuth::api_token(j.user(), j.api_token())).unwrap()
}

fn admin_router(cluster: &SimCluster) -> JenkinsClient {
    let su = cluster.superuser();
    let dcos = Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        .build()
        .unwrap();
    JenkinsClient::new(dcos.service("jenkins"))
}

async fn create(jenkins: &JenkinsClient, name: &str, config: PipelineConfig) -> JobPath {
    let path = JobPath::parse(name).unwrap();
    jenkins
        .jobs()
        .create(&path, config.to_xml().unwrap())
        .await
        .unwrap();
    path
}

#[tokio::test]
async fn a_parameterized_pipeline_runs_with_password_auth() {
    let cluster = common::fast().speed(100.0).start().await.unwrap();
    let jenkins = direct_password(&cluster);
    let script = "node('linux') {\n stage('Build') { sh 'make' }\n stage('Wait') { sh 'sleep 120' }\n stage('Push') { echo \"tag ${params.TAG}\" }\n}";
    let config = PipelineConfig::script(script)
        .description("through jenkins-client")
        .parameter(ParameterDefinition::string("TAG", "latest"));
    let job = create(&jenkins, "app", config).await;
    assert!(jenkins.jobs().exists(&job).await.unwrap());

    let params = BuildParams::new().string("TAG", "1.2.3");
    let id = jenkins
        .builds()
        .trigger(&job)
        .params(params)
        .send()
        .await
        .unwrap();
    let started = jenkins
        .queue()
        .wait_for_start(id, Some(&job), &wait())
        .await
        .unwrap();
    assert_eq!(started.number, 1);

    // The ephemeral Mesos agent is listed while the build runs.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    let agent = loop {
        let nodes = jenkins.nodes().list().await.unwrap();
        if let Some(agent) = nodes
            .computer
            .iter()
            .find(|c| c.display_name.starts_with("jenkins-agent-linux-"))
        {
            break agent.clone();
        }
        assert!(tokio::time::Instant::now() < deadline, "no agent appeared");
        tokio::time::sleep(Duration::from_millis(10)).await;
    };
    assert!(!agent.is_built_in());
    assert_eq!(agent.jnlp_agent, Some(true));

    // The console arrives in growing chunks until the build is over.
    let options = FollowOptions::default().poll(Duration::from_millis(10));
    let chunks: Vec<_> = jenkins
        .console()
        .follow(&job, started.number, options)
        .collect()
        .await;
    let chunks: Vec<_> = chunks.into_iter().map(Result::unwrap).collect();
    let with_text = chunks.iter().filter(|c| !c.text.is_empty()).count();
    assert!(with_text >= 2, "{} chunks with text", with_text);
    assert!(chunks.windows(2).all(|w| w[1].start == w[0].next));
    let text: Vec<u8> = chunks.iter().flat_map(|c| c.text.to_vec()).collect();
    let text = String::from_utf8(text).unwrap();
    assert!(text.contains("tag 1.2.3"), "{text}");
    assert!(text.ends_with("Finished: SUCCESS\n"), "{text}");

    let build = jenkins
        .builds()
        .wait_for_success(&job, started.number, &wait())
        .await
        .unwrap();
    assert_eq!(build.result, Some(BuildResult::Success));
    let run = jenkins.pipeline().describe(&job, 1).await.unwrap();
    assert_eq!(run.status, Some(StageStatus::Success));
    let stages: Vec<_> = run
        .stages
        .unwrap()
        .into_iter()
        .map(|s| (s.name.unwrap(), s.status.unwrap()))
        .collect();
    assert_eq!(
        stages,
        vec![
            ("Build".to_owned(), StageStatus::Success),
            ("Wait".to_owned(), StageStatus::Success),
            ("Push".to_owned(), StageStatus::Success),
        ]
    );
    // The agent is gone with the build.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while jenkins
        .nodes()
        .get_opt(&agent.display_name)
        .await
        .unwrap()
        .is_some()
    {
        assert!(tokio::time::Instant::now() < deadline, "the agent stayed");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    cluster.shutdown().await;
}

#[tokio::test]
async fn a_failing_script_is_build_failed_with_an_api_token() {
    let cluster = common::start().await;
    let jenkins = direct_token(&cluster);
    assert!(!jenkins.fetch_version().await.unwrap().is_empty());
    let job = create(
        &jenkins,
        "boom",
        PipelineConfig::script(
            "node('linux') { stage('A') { sh 'make' }\n stage('B') { error('boom') } }",
        ),
    )
    .await;
    let id = jenkins.builds().trigger(&job).send().await.unwrap();
    let started = jenkins
        .queue()
        .wait_for_start(id, Some(&job), &wait())
        .await
        .unwrap();
    let build = jenkins
        .builds()
        .wait_for_completion(&job, started.number, &wait())
        .await
        .unwrap();
    assert_eq!(build.result, Some(BuildResult::Failure));
    let err = jenkins_client::require_success(&build, jenkins.base()).unwrap_err();
    match err {
        Error::BuildFailed { result, url } => {
            assert_eq!(result, "FAILURE");
            assert_eq!(url, format!("{}job/boom/1/", jenkins.base()));
        }
        other => panic!("{other:?}"),
    }
    let err = jenkins
        .builds()
        .wait_for_success(&job, started.number, &wait())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::BuildFailed { .. }), "{err:?}");
    let run = jenkins.pipeline().describe(&job, 1).await.unwrap();
    assert_eq!(run.status, Some(StageStatus::Failed));
    cluster.shutdown().await;
}

#[tokio::test]
async fn through_admin_router_a_cancelled_item_is_queue_item_cancelled() {
    let cluster = common::start().await;
    let jenkins = admin_router(&cluster);
    assert!(jenkins.base().as_str().ends_with("/service/jenkins/"));
    let job = create(&jenkins, "slow", PipelineConfig::script("echo 'x'")).await;
    let id = jenkins
        .builds()
        .trigger(&job)
        .quiet_period(Duration::from_secs(3600))
        .send()
        .await
        .unwrap();
    let item = jenkins.queue().get(id).await.unwrap();
    assert_eq!(item.id(), id);
    jenkins.queue().cancel(id).await.unwrap();
    let err = jenkins
        .queue()
        .wait_for_start(id, Some(&job), &wait())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::QueueItemCancelled { id: got, .. } if got == id),
        "{err:?}"
    );
    // And a build through Admin Router (crumb with the DC/OS token).
    let job = create(
        &jenkins,
        "quick",
        PipelineConfig::script("node('linux') { sh 'make' }"),
    )
    .await;
    let build = jenkins.builds().trigger(&job).run(&wait()).await.unwrap();
    assert_eq!(build.result, Some(BuildResult::Success));
    cluster.shutdown().await;
}
