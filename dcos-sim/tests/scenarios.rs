//! The [`Scenario`] presets take effect on a started cluster.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use base64::Engine;
use dcos_sim::{Scenario, SimCluster};
use jenkins_client::config_xml::PipelineConfig;
use jenkins_client::models::BuildResult;
use jenkins_client::{BuildWait, JenkinsAuth, JenkinsClient, JobPath};

async fn eventually(what: &str, mut check: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while !check() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "{what} never happened"
        );
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

#[tokio::test]
async fn small_cluster_has_one_small_agent_and_later_knobs_override() {
    let cluster = common::fast()
        .scenario(Scenario::SmallCluster)
        .start()
        .await
        .unwrap();
    let agents = cluster.mesos().agents();
    assert_eq!(agents.len(), 1);
    assert_eq!(agents[0].total.cpus, 1.0);
    assert_eq!(agents[0].total.mem, 1024.0);
    cluster.shutdown().await;
    let cluster = common::fast()
        .scenario(Scenario::SmallCluster)
        .agents(2)
        .start()
        .await
        .unwrap();
    assert_eq!(cluster.mesos().agents().len(), 2);
    cluster.shutdown().await;
}

#[tokio::test]
async fn flaky_marathon_answers_503_in_bursts() {
    let cluster = common::fast()
        .speed(20.0)
        .scenario(Scenario::FlakyMarathon)
        .start()
        .await
        .unwrap();
    let token = common::superuser_token(&cluster).await;
    let info = format!("{}/service/marathon/v2/info", cluster.url());
    let get = || {
        common::http()
            .get(&info)
            .header("Authorization", format!("token={token}"))
            .send()
    };
    assert_eq!(get().await.unwrap().status(), 503);
    let mut statuses = Vec::new();
    for _ in 0..20 {
        let status = get().await.unwrap().status();
        statuses.push(status.as_u16());
        if status == 200 {
            break;
        }
    }
    assert_eq!(statuses.last(), Some(&200), "{statuses:?}");
    // Mesos is not affected.
    let r = common::http()
        .get(format!("{}/mesos/master/state-summary", cluster.url()))
        .header("Authorization", format!("token={token}"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    cluster.shutdown().await;
}

#[tokio::test]
async fn leader_change_and_agent_loss_happen_on_the_simulated_clock() {
    let cluster = common::fast()
        .speed(400.0)
        .scenario(Scenario::LeaderChange)
        .scenario(Scenario::AgentLoss)
        .start()
        .await
        .unwrap();
    let first = cluster.faults().mesos_leader_url();
    assert_eq!(first, cluster.url());
    let faults = cluster.faults();
    eventually("the leader change", || {
        faults.mesos_leader_url() == cluster.second_master_url()
    })
    .await;
    let mesos = cluster.mesos();
    eventually("the agent loss", || {
        mesos.agents().last().is_some_and(|a| !a.reachable)
    })
    .await;
    assert!(mesos.agents()[0].reachable);
    assert!(cluster.clock().elapsed() >= dcos_sim::AGENT_LOSS_AFTER);
    cluster.shutdown().await;
}

#[tokio::test]
async fn failing_builds_fail_the_first_builds_only() {
    let cluster = common::fast()
        .scenario(Scenario::FailingBuilds)
        .start()
        .await
        .unwrap();
    let j = cluster.jenkins();
    let jenkins =
        JenkinsClient::direct(&j.url(), JenkinsAuth::api_token(j.user(), j.api_token())).unwrap();
    let job = JobPath::parse("app").unwrap();
    let xml = PipelineConfig::script("node('linux') { sh 'make' }")
        .to_xml()
        .unwrap();
    jenkins.jobs().create(&job, xml).await.unwrap();
    let wait = BuildWait::default()
        .poll(Duration::from_millis(20))
        .timeout(Duration::from_secs(20));
    let mut results = Vec::new();
    for _ in 0..=dcos_sim::FAILING_BUILDS {
        let id = jenkins.builds().trigger(&job).send().await.unwrap();
        let started = jenkins
            .queue()
            .wait_for_start(id, Some(&job), &wait)
            .await
            .unwrap();
        let build = jenkins
            .builds()
            .wait_for_completion(&job, started.number, &wait)
            .await
            .unwrap();
        results.push(build.result.unwrap());
    }
    assert_eq!(
        results,
        vec![
            BuildResult::Failure,
            BuildResult::Failure,
            BuildResult::Failure,
            BuildResult::Success
        ]
    );
    cluster.shutdown().await;
}

#[tokio::test]
async fn short_tokens_expire_soon() {
    let cluster = common::fast()
        .scenario(Scenario::ShortTokens)
        .start()
        .await
        .unwrap();
    let token = common::superuser_token(&cluster).await;
    let payload = token.split('.').nth(1).unwrap();
    let claims: serde_json::Value = serde_json::from_slice(
        &base64::engine::general_purpose::URL_SAFE_NO_PAD
            .decode(payload)
            .unwrap(),
    )
    .unwrap();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let left = claims["exp"].as_u64().unwrap() - now;
    let lifetime = dcos_sim::SHORT_TOKEN_LIFETIME.as_secs();
    assert!(left <= lifetime && left + 5 >= lifetime, "{left}");
    cluster.shutdown().await;
}

#[test]
fn simcluster_builder_keeps_one_of_each_scenario() {
    let debug = format!(
        "{:?}",
        SimCluster::builder()
            .scenario(Scenario::FailingBuilds)
            .scenario(Scenario::FailingBuilds)
    );
    assert_eq!(debug.matches("FailingBuilds").count(), 1, "{debug}");
}
