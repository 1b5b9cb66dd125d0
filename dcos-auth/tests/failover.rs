//! Several hosts for one API: failover, marking hosts down and bringing them
//! back, the leader header, and where credentials go.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::net::TcpListener;
use std::time::{Duration, Instant};

use common::*;
use dcos_auth::{ClusterBuilder, Credentials, Error, HttpCore, Request, RetryPolicy};
use futures_util::StreamExt;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A loopback port nothing listens on: bound, read, and released.
fn closed_port() -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn url_of(port: u16) -> String {
    format!("http://127.0.0.1:{port}")
}

/// A cluster at `main` with `others` as failover hosts and fast retries.
fn hosts(main: &str, others: &[&MockServer]) -> ClusterBuilder {
    dcos_auth::Cluster::builder(main)
        .retry(fast_retry())
        .timeout(Duration::from_secs(5))
        .failover_hosts(others.iter().map(|s| s.uri()))
}

async fn answer(server: &MockServer, verb: &str, at: &str, status: u16, times: u64) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(status).set_body_json(serde_json::json!({"at": at})))
        .expect(times)
        .mount(server)
        .await;
}

fn down(core: &HttpCore) -> Vec<bool> {
    core.hosts().iter().map(|h| h.down).collect()
}

/// Waits, up to a second, until `done` holds.
async fn eventually(what: &str, mut done: impl AsyncFnMut() -> bool) {
    let deadline = Instant::now() + Duration::from_secs(1);
    while !done().await {
        assert!(Instant::now() < deadline, "timed out waiting until {what}");
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

async fn pings(server: &MockServer) -> Vec<wiremock::Request> {
    server
        .received_requests()
        .await
        .unwrap()
        .into_iter()
        .filter(|r| r.url.path() == "/ping")
        .collect()
}

#[tokio::test]
async fn a_get_fails_over_from_a_dead_host_which_the_next_request_skips() {
    let port = closed_port();
    let live = guarded_server().await;
    answer(&live, "GET", "/v2/info", 200, 2).await;
    // A backoff this long would show: failing over must not wait for it.
    let patient = RetryPolicy::default().backoff(Duration::from_secs(10), Duration::from_secs(10));
    let core = hosts(&url_of(port), &[&live])
        .retry(patient)
        .build()
        .unwrap()
        .root();

    let started = Instant::now();
    core.execute(Request::get(["v2", "info"])).await.unwrap();
    assert!(
        started.elapsed() < Duration::from_secs(1),
        "no backoff before failing over"
    );
    assert_eq!(down(&core), [true, false]);

    // Host 0 comes back on its port, but it is marked down (for the probe
    // interval, 5 s by default), so the next request must not reach it.
    let revived = MockServer::builder()
        .listener(TcpListener::bind(("127.0.0.1", port)).unwrap())
        .start()
        .await;
    catch_all(&revived).await;
    core.execute(Request::get(["v2", "info"])).await.unwrap();
}

#[tokio::test]
async fn a_get_moves_on_after_a_503_or_a_502() {
    for status in [503, 502] {
        let h0 = guarded_server().await;
        let h1 = guarded_server().await;
        answer(&h0, "GET", "/v2/apps", status, 1).await;
        answer(&h1, "GET", "/v2/apps", 200, 1).await;
        let core = hosts(&h0.uri(), &[&h1]).build().unwrap().root();
        let response = core.execute(Request::get(["v2", "apps"])).await.unwrap();
        assert_eq!(response.url.port(), Some(h1.address().port()), "{status}");
        assert_eq!(down(&core), [true, false], "{status}");
    }
}

#[tokio::test]
async fn a_post_is_not_resent_to_another_host_after_a_503() {
    let h0 = guarded_server().await;
    let h1 = guarded_server().await;
    answer(&h0, "POST", "/v2/apps", 503, 1).await;
    let core = hosts(&h0.uri(), &[&h1]).build().unwrap().root();
    let err = core
        .execute(
            Request::post(["v2", "apps"])
                .json(&serde_json::json!({"id": "/a"}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        down(&core),
        [true, false],
        "the host failed, so the next request goes elsewhere"
    );
}

#[tokio::test]
async fn a_post_moves_on_when_it_could_not_connect() {
    let live = guarded_server().await;
    answer(&live, "POST", "/v2/apps", 201, 1).await;
    let core = hosts(&url_of(closed_port()), &[&live])
        .retry(RetryPolicy::never())
        .build()
        .unwrap()
        .root();
    let response = core
        .execute(
            Request::post(["v2", "apps"])
                .json(&serde_json::json!({"id": "/a"}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 201);
}

#[tokio::test]
async fn when_every_host_is_down_requests_still_go_out_and_return_the_last_error() {
    let core = dcos_auth::Cluster::builder(url_of(closed_port()))
        .retry(fast_retry())
        .failover_host(url_of(closed_port()))
        .build()
        .unwrap()
        .root();
    for _ in 0..2 {
        let started = Instant::now();
        let err = core
            .execute(Request::get(["v2", "info"]))
            .await
            .unwrap_err();
        assert!(
            matches!(err, Error::Transport { connect: true, .. }),
            "{err:?}"
        );
        assert!(started.elapsed() < Duration::from_secs(1), "no hang");
        assert_eq!(down(&core), [true, true]);
    }
}

#[tokio::test]
async fn rounds_alternate_between_hosts_that_are_all_failing() {
    let h0 = guarded_server().await;
    let h1 = guarded_server().await;
    // Round 1 tries both hosts and uses one attempt; rounds 2 and 3 find every
    // host down and each go to the one down longest.
    answer(&h0, "GET", "/v2/info", 503, 2).await;
    answer(&h1, "GET", "/v2/info", 503, 2).await;
    let core = hosts(&h0.uri(), &[&h1])
        .retry(fast_retry().max_attempts(3))
        .build()
        .unwrap()
        .root();
    let err = core
        .execute(Request::get(["v2", "info"]))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn without_a_probe_a_down_host_is_tried_again_after_the_interval() {
    let h0 = guarded_server().await;
    let h1 = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&h0)
        .await;
    answer(&h0, "GET", "/v2/info", 200, 1).await;
    answer(&h1, "GET", "/v2/info", 200, 2).await;
    let core = hosts(&h0.uri(), &[&h1])
        .probe_interval(Duration::from_millis(200))
        .build()
        .unwrap()
        .root();
    core.execute(Request::get(["v2", "info"])).await.unwrap(); // h0 503, h1
    core.execute(Request::get(["v2", "info"])).await.unwrap(); // h1: h0 is down
    tokio::time::sleep(Duration::from_millis(250)).await;
    assert_eq!(down(&core), [false, false], "the mark expired");
    let response = core.execute(Request::get(["v2", "info"])).await.unwrap();
    assert_eq!(response.url.port(), Some(h0.address().port()));
}

#[tokio::test]
async fn the_health_probe_brings_a_host_back() {
    let h0 = MockServer::start().await;
    let h1 = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h0)
        .await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h0)
        .await;
    answer(&h1, "GET", "/v2/info", 200, 1).await;
    let core = hosts(&h0.uri(), &[&h1])
        .health_probe(["ping"], "*/*")
        .probe_interval(Duration::from_millis(20))
        .build()
        .unwrap()
        .root();
    core.execute(Request::get(["v2", "info"])).await.unwrap(); // h0 503, h1

    eventually("host 0 is probed twice", async || {
        pings(&h0).await.len() >= 2
    })
    .await;
    let probe = &pings(&h0).await[0];
    assert_eq!(probe.headers["accept"], "*/*");
    assert_eq!(down(&core), [true, false], "a failed probe keeps it down");

    // Host 0 recovers.
    h0.reset().await;
    catch_all(&h0).await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .and(header("accept", "*/*"))
        .respond_with(ResponseTemplate::new(200).set_body_string("pong"))
        .expect(1..)
        .mount(&h0)
        .await;
    answer(&h0, "GET", "/v2/info", 200, 1).await;
    eventually("host 0 is up", async || down(&core) == [false, false]).await;
    let response = core.execute(Request::get(["v2", "info"])).await.unwrap();
    assert_eq!(response.url.port(), Some(h0.address().port()));
}

#[tokio::test]
async fn the_prober_ends_with_the_cluster() {
    let h0 = MockServer::start().await;
    let h1 = guarded_server().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&h0)
        .await;
    answer(&h1, "GET", "/v2/info", 200, 1).await;
    let cluster = hosts(&h0.uri(), &[&h1])
        .health_probe(["ping"], "*/*")
        .probe_interval(Duration::from_millis(10))
        .build()
        .unwrap();
    let core = cluster.root();
    core.execute(Request::get(["v2", "info"])).await.unwrap();
    eventually("host 0 is probed", async || !pings(&h0).await.is_empty()).await;
    drop(core);
    drop(cluster);
    // A probe already under way may still land.
    tokio::time::sleep(Duration::from_millis(100)).await;
    let before = pings(&h0).await.len();
    tokio::time::sleep(Duration::from_millis(100)).await;
    assert_eq!(pings(&h0).await.len(), before, "no probes after the drop");
}

#[tokio::test]
async fn the_leader_header_moves_later_requests_to_the_leader() {
    let h0 = guarded_server().await;
    let h1 = guarded_server().await;
    let leader = format!("http://127.0.0.1:{}", h1.address().port());
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("X-Marathon-Leader", leader.as_str())
                .set_body_json(serde_json::json!({"apps": []})),
        )
        .expect(1)
        .mount(&h0)
        .await;
    answer(&h1, "GET", "/v2/apps", 200, 1).await;
    let core = hosts(&h0.uri(), &[&h1])
        .leader_header("X-Marathon-Leader")
        .build()
        .unwrap()
        .root();
    core.execute(Request::get(["v2", "apps"])).await.unwrap();
    let current: Vec<bool> = core.hosts().iter().map(|h| h.current).collect();
    assert_eq!(current, [false, true]);
    let response = core.execute(Request::get(["v2", "apps"])).await.unwrap();
    assert_eq!(response.url.port(), Some(h1.address().port()));
}

#[tokio::test]
async fn a_leader_header_naming_an_unknown_host_is_ignored() {
    let h0 = guarded_server().await;
    let h1 = guarded_server().await;
    let stranger = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(
            ResponseTemplate::new(200).insert_header("X-Marathon-Leader", stranger.uri().as_str()),
        )
        .expect(2)
        .mount(&h0)
        .await;
    let core = hosts(&h0.uri(), &[&h1])
        .leader_header("X-Marathon-Leader")
        .build()
        .unwrap()
        .root();
    for _ in 0..2 {
        core.execute(Request::get(["v2", "apps"])).await.unwrap();
    }
    assert_eq!(core.hosts().len(), 2, "no host is added");
    assert!(core.hosts()[0].current);
}

#[tokio::test]
async fn credentials_go_to_every_configured_host_and_only_there() {
    let token = acs_token("alice", 3600, "t");
    let h0 = guarded_server().await;
    let h1 = guarded_server().await;
    let stranger = guarded_server().await;
    // The standby redirects the event stream to the leader, and an artifact
    // to a host outside the cluster.
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(
            ResponseTemplate::new(302).insert_header("location", format!("{}/v2/events", h1.uri())),
        )
        .expect(1)
        .mount(&h0)
        .await;
    Mock::given(method("GET"))
        .and(path("/artifact"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/artifact", stranger.uri())),
        )
        .expect(1)
        .mount(&h0)
        .await;
    answer(&h1, "GET", "/v2/events", 200, 1).await;
    answer(&stranger, "GET", "/artifact", 200, 1).await;
    let cluster = hosts(&h0.uri(), &[&h1])
        .auth(Credentials::token(token.clone()))
        .build()
        .unwrap();
    let core = cluster.root();
    core.execute(Request::get(["v2", "events"])).await.unwrap();
    core.execute(Request::get(["artifact"])).await.unwrap();
    let sent = Some(token_header(&token));
    assert_eq!(
        authorization_headers(&h0).await,
        [sent.clone(), sent.clone()]
    );
    assert_eq!(authorization_headers(&h1).await, [sent]);
    assert_eq!(authorization_headers(&stranger).await, [None]);

    let shown = format!("{cluster:?} {core:?} {:?}", cluster.hosts());
    assert!(!shown.contains(&token), "{shown}");
    assert!(shown.contains(&h1.uri()), "{shown}");
}

#[tokio::test]
async fn a_failover_host_gets_the_credentials() {
    let token = acs_token("alice", 3600, "t");
    let live = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .and(header("authorization", token_header(&token).as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&live)
        .await;
    let core = hosts(&url_of(closed_port()), &[&live])
        .auth(Credentials::token(token))
        .build()
        .unwrap()
        .root();
    core.execute(Request::get(["v2", "info"])).await.unwrap();
}

#[tokio::test]
async fn a_stream_fails_over_before_its_body_starts() {
    let live = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "text/event-stream")
                .set_body_string("event: ping\ndata: {}\n\n"),
        )
        .expect(1)
        .mount(&live)
        .await;
    let core = hosts(&url_of(closed_port()), &[&live])
        .build()
        .unwrap()
        .root();
    let mut stream = core
        .stream(Request::get(["v2", "events"]).accept("text/event-stream"))
        .await
        .unwrap();
    assert_eq!(stream.url().port(), Some(live.address().port()));
    let chunk = stream.next().await.unwrap().unwrap();
    assert!(chunk.starts_with(b"event: ping"));
}

#[tokio::test]
async fn failover_hosts_must_share_the_base_path() {
    let err = dcos_auth::Cluster::builder("http://m1:8080/marathon")
        .failover_host("http://m2:8080/other")
        .build()
        .unwrap_err();
    match &err {
        Error::Config { message, .. } => {
            assert!(message.contains("http://m2:8080/"), "{message}");
            assert!(message.contains("base path"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let ok = dcos_auth::Cluster::builder("http://m1:8080/marathon")
        .failover_host("https://m2:8443/marathon/")
        .build()
        .unwrap();
    let origins: Vec<String> = ok.hosts().iter().map(|h| h.origin.to_string()).collect();
    assert_eq!(origins, ["http://m1:8080/", "https://m2:8443/"]);
}

#[tokio::test]
async fn the_login_fails_over_too() {
    let token = acs_token("alice", 3600, "t");
    let live = guarded_server().await;
    login_returns(&live, &token, 1, Duration::ZERO).await;
    Mock::given(method("GET"))
        .and(path("/service/marathon/v2/info"))
        .and(header("authorization", token_header(&token).as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&live)
        .await;
    let cluster = hosts(&url_of(closed_port()), &[&live])
        .auth(Credentials::login("alice", "pa55word"))
        .build()
        .unwrap();
    cluster
        .service("marathon")
        .execute(Request::get(["v2", "info"]))
        .await
        .unwrap();
}
