//! Several Marathon instances: failover, no resent POSTs, the leader header
//! and the standby's redirect.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::guarded_server;
use dcos_auth::Credentials;
use marathon_client::models::App;
use marathon_client::{AppId, Error, MarathonClient};
use serde_json::json;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

fn dead_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}

fn apps_answer() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({"apps": [{"id": "/web"}]}))
}

#[tokio::test]
async fn a_dead_instance_is_skipped() {
    let live = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .and(header("authorization", "token=tok"))
        .respond_with(apps_answer())
        .expect(2)
        .mount(&live)
        .await;
    let client =
        MarathonClient::direct([dead_url(), live.uri()], Credentials::token("tok")).unwrap();
    for _ in 0..2 {
        let apps = client.apps().list().send().await.unwrap();
        assert_eq!(apps[0].id.as_str(), "/web");
    }
    let hosts = client.core().hosts();
    assert!(hosts[0].down, "{hosts:?}");
}

#[tokio::test]
async fn a_standby_without_a_leader_sends_reads_to_the_next_instance() {
    let standby = guarded_server().await;
    let other = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(
            ResponseTemplate::new(502).set_body_string("Could not determine the current leader"),
        )
        .expect(1)
        .mount(&standby)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(apps_answer())
        .expect(1)
        .mount(&other)
        .await;
    let client = MarathonClient::direct([standby.uri(), other.uri()], Credentials::None).unwrap();
    assert_eq!(client.apps().list().send().await.unwrap().len(), 1);
}

#[tokio::test]
async fn a_post_answered_503_is_not_resent_elsewhere() {
    let first = guarded_server().await;
    let second = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"message": "Too many requests"})),
        )
        .expect(1)
        .mount(&first)
        .await;
    let client = MarathonClient::direct([first.uri(), second.uri()], Credentials::None).unwrap();
    let err = client
        .apps()
        .create(&App::new(AppId::new("/web").unwrap()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::NoLeader { .. }), "{err:?}");
}

#[tokio::test]
async fn the_leader_header_moves_later_requests_to_the_leader() {
    let standby = guarded_server().await;
    let leader = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Marathon-Leader", leader.uri().as_str())
                .set_body_json(json!({"name": "marathon"})),
        )
        .expect(1)
        .mount(&standby)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(apps_answer())
        .expect(1)
        .mount(&leader)
        .await;
    let client = MarathonClient::direct([standby.uri(), leader.uri()], Credentials::None).unwrap();
    client.info().await.unwrap();
    client.apps().list().send().await.unwrap();
}

#[tokio::test]
async fn the_standby_redirect_to_the_leader_keeps_auth() {
    let standby = guarded_server().await;
    let leader = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("Location", format!("{}/v2/deployments", leader.uri())),
        )
        .expect(1)
        .mount(&standby)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .and(header("authorization", "token=tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&leader)
        .await;
    let client =
        MarathonClient::direct([standby.uri(), leader.uri()], Credentials::token("tok")).unwrap();
    assert!(client.deployments().list().await.unwrap().is_empty());
}

#[test]
fn no_url_is_an_error() {
    let err = MarathonClient::direct(Vec::<String>::new(), Credentials::None).unwrap_err();
    assert!(err.to_string().contains("no Marathon URL"), "{err}");
}
