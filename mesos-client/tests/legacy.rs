//! The legacy endpoints: paths, decoding, leader discovery and no leader.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use mesos_client::legacy::legacy_resources;
use mesos_client::{AgentClient, Error, MesosClient};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

#[tokio::test]
async fn legacy_state_summary_and_frameworks_decode() {
    let server = common::guarded_server().await;
    let state = common::upstream_file("legacy_master_state_response.json")
        .map(|t| serde_json::from_str(&t).unwrap())
        .unwrap_or_else(|| {
            json!({"start_time": 1.5, "slaves": [{"id": "S0", "hostname": "h",
                "resources": {"cpus": 8, "ports": "[31000-32000]"}}]})
        });
    Mock::given(method("GET"))
        .and(path("/master/state"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(state))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/master/state-summary"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "hostname": "m1", "slaves": [{"id": "S0", "hostname": "h",
            "resources": {"cpus": 4.5, "ports": "[31000-31009]"}, "TASK_RUNNING": 3}],
            "frameworks": [{"id": "F0", "name": "marathon", "TASK_RUNNING": 3}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/master/frameworks"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "frameworks": [{"id": "F0", "name": "marathon", "registered_time": 1_455_647_422.88,
            "tasks": [{"id": "t", "name": "t", "framework_id": "F0", "slave_id": "S0",
            "state": "TASK_RUNNING", "resources": {"cpus": 0.1},
            "statuses": [{"state": "TASK_RUNNING", "timestamp": 1_455_647_423.5}]}]}]})))
        .expect(1)
        .mount(&server)
        .await;
    let mesos = MesosClient::new(common::core(&server));
    let state = mesos.legacy().state().await.unwrap();
    assert!(state.start_time.is_some());
    let summary = mesos.legacy().state_summary().await.unwrap();
    let agent = &summary.slaves[0];
    assert_eq!(agent.extra["TASK_RUNNING"], 3);
    let resources = legacy_resources(&agent.resources).unwrap();
    assert_eq!(resources.ranges("ports").count(), 10);
    let frameworks = mesos.legacy().frameworks().await.unwrap();
    let task = &frameworks.frameworks[0].tasks[0];
    assert_eq!(task.statuses[0].timestamp.unwrap().get(), 1_455_647_423.5);
    server.verify().await;
}

#[tokio::test]
async fn redirect_names_the_leader_without_contacting_it() {
    let standby = common::guarded_server().await;
    // The leader is never asked: its catch-all fails any request.
    let leader = common::guarded_server().await;
    let port = leader.address().port();
    Mock::given(method("GET"))
        .and(path("/master/redirect"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("//127.0.0.1:{port}").as_str()),
        )
        .expect(1)
        .mount(&standby)
        .await;
    let mesos = MesosClient::new(common::core(&standby));
    let url = mesos.legacy().leader().await.unwrap();
    assert_eq!(url.as_str(), format!("http://127.0.0.1:{port}/"));
    standby.verify().await;
    assert!(leader.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn redirect_to_an_unreachable_leader_still_names_it() {
    let server = common::guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/master/redirect"))
        .respond_with(ResponseTemplate::new(307).insert_header("location", "//leader.invalid:5050"))
        .expect(1)
        .mount(&server)
        .await;
    let mesos = MesosClient::new(common::core(&server));
    let url = mesos.legacy().leader().await.unwrap();
    assert_eq!(url.as_str(), "http://leader.invalid:5050/");
}

#[tokio::test]
async fn redirect_without_a_location_is_an_error_with_its_status() {
    let server = common::guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/master/redirect"))
        .respond_with(ResponseTemplate::new(307))
        .expect(1)
        .mount(&server)
        .await;
    let mesos = MesosClient::new(common::core(&server));
    let err = mesos.legacy().leader().await.unwrap_err();
    assert_eq!(
        err.http().and_then(|e| e.status()).map(|s| s.as_u16()),
        Some(307),
        "{err:?}"
    );
}

#[tokio::test]
async fn redirect_without_a_leader_is_no_leader() {
    let server = common::guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/master/redirect"))
        .respond_with(ResponseTemplate::new(503).set_body_string("No leader elected"))
        .expect(1..)
        .mount(&server)
        .await;
    let mesos = MesosClient::new(common::core(&server));
    let err = mesos.legacy().leader().await.unwrap_err();
    assert!(matches!(err, Error::NoLeader { .. }), "{err:?}");
}

#[tokio::test]
async fn agent_legacy_state_decodes() {
    let server = common::guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/slave(1)/state"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "version": "1.11.0", "id": "S0", "hostname": "a1", "start_time": 1.5,
            "resources": {"cpus": 32, "ports": "[31000-32000]"}, "frameworks": []})))
        .expect(1)
        .mount(&server)
        .await;
    let agent = AgentClient::new(common::core(&server));
    let state = agent.legacy_state().await.unwrap();
    assert_eq!(state.hostname.as_deref(), Some("a1"));
    server.verify().await;
}
