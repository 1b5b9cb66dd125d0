//! Retries through the real send path: which calls are resent, and when.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use dcos_auth::{Credentials, Error, Request, RetryPolicy};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn fail_then_succeed(
    server: &MockServer,
    verb: &str,
    failure: ResponseTemplate,
    failures: u64,
) {
    Mock::given(method(verb))
        .and(path("/v2/apps"))
        .respond_with(failure)
        .up_to_n_times(failures)
        .with_priority(1)
        .expect(failures)
        .mount(server)
        .await;
    Mock::given(method(verb))
        .and(path("/v2/apps"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn idempotent_calls_are_retried_on_502_503_504() {
    for status in [502, 503, 504] {
        let server = guarded_server().await;
        fail_then_succeed(&server, "GET", ResponseTemplate::new(status), 2).await;
        let core = cluster(&server, Credentials::None).root();
        let got: serde_json::Value = core.get_json(["v2", "apps"]).await.unwrap();
        assert_eq!(got["ok"], true, "{status}");
    }
}

#[tokio::test]
async fn a_post_is_not_resent_after_a_503() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .expect(1)
        .mount(&server)
        .await;
    let core = cluster(&server, Credentials::None).root();
    let err = core
        .execute(
            Request::post(["v2", "apps"])
                .json(&serde_json::json!({"id": "/a"}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.is_retryable(), "the caller may decide to retry");
}

#[tokio::test]
async fn a_post_marked_idempotent_is_retried() {
    let server = guarded_server().await;
    fail_then_succeed(&server, "POST", ResponseTemplate::new(503), 1).await;
    let core = cluster(&server, Credentials::None).root();
    core.execute(Request::post(["v2", "apps"]).idempotent(true))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_429_is_retried_after_retry_after_even_for_a_post() {
    let server = guarded_server().await;
    fail_then_succeed(
        &server,
        "POST",
        ResponseTemplate::new(429).insert_header("retry-after", "1"),
        1,
    )
    .await;
    let core = cluster(&server, Credentials::None).root();
    let started = Instant::now();
    core.execute(Request::post(["v2", "apps"])).await.unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "Retry-After: 1 must be waited for, waited {:?}",
        started.elapsed()
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_cap_is_returned_not_waited() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "3600"))
        .expect(1)
        .mount(&server)
        .await;
    let core = builder(&server, Credentials::None)
        .retry(fast_retry().max_retry_after(Duration::from_secs(30)))
        .build()
        .unwrap()
        .root();
    let err = core
        .execute(Request::get(["v2", "apps"]))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(429));
}

#[tokio::test]
async fn retries_stop_after_max_attempts() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(ResponseTemplate::new(503))
        .expect(3)
        .mount(&server)
        .await;
    let core = builder(&server, Credentials::None)
        .retry(fast_retry().max_attempts(3))
        .build()
        .unwrap()
        .root();
    let err = core
        .execute(Request::get(["v2", "apps"]))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn client_errors_are_not_retried() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(ResponseTemplate::new(500))
        .expect(1)
        .mount(&server)
        .await;
    let core = cluster(&server, Credentials::None).root();
    assert!(core.execute(Request::get(["v2", "apps"])).await.is_err());
}

#[tokio::test]
async fn a_timed_out_get_is_retried_but_a_timed_out_post_is_not() {
    let server = guarded_server().await;
    let slow = ResponseTemplate::new(200).set_delay(Duration::from_secs(3));
    fail_then_succeed(&server, "GET", slow.clone(), 1).await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .respond_with(slow)
        .expect(1)
        .mount(&server)
        .await;
    let core = builder(&server, Credentials::None)
        .timeout(Duration::from_millis(300))
        .build()
        .unwrap()
        .root();
    core.execute(Request::get(["v2", "apps"])).await.unwrap();
    let err = core
        .execute(Request::post(["v2", "apps"]))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_refused_connection_is_a_retryable_transport_error() {
    // Bind then drop a listener to get a loopback port nobody listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let core = dcos_auth::Cluster::builder(format!("http://127.0.0.1:{port}"))
        .retry(RetryPolicy::never())
        .build()
        .unwrap()
        .root();
    let err = core
        .execute(Request::post(["v2", "apps"]))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Transport { connect: true, .. }),
        "{err:?}"
    );
    assert!(err.is_retryable());
}
