//! Helpers shared by the wiremock tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use dcos_auth::{Cluster, ClusterBuilder, Credentials, RetryPolicy};
use wiremock::matchers::{any, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

pub const LOGIN: &str = "/acs/api/v1/auth/login";

pub const PKCS8: &str = include_str!("../fixtures/test-service-account.pkcs8.pem");
pub const PKCS1: &str = include_str!("../fixtures/test-service-account.pkcs1.pem");
pub const PUBLIC: &str = include_str!("../fixtures/test-service-account.pub.pem");

pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// A JWT-shaped ACS token for `uid` expiring `exp_in` seconds from now. The
/// signature is junk: clients never verify ACS tokens.
pub fn acs_token(uid: &str, exp_in: i64, tag: &str) -> String {
    let header = URL_SAFE_NO_PAD.encode(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = URL_SAFE_NO_PAD.encode(format!(
        r#"{{"uid":"{uid}","exp":{},"tag":"{tag}"}}"#,
        now_secs() + exp_in
    ));
    format!("{header}.{payload}.c2lnbmF0dXJl")
}

pub fn token_header(token: &str) -> String {
    format!("token={token}")
}

/// Retries without real waiting.
pub fn fast_retry() -> RetryPolicy {
    RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

pub fn builder(server: &MockServer, credentials: Credentials) -> ClusterBuilder {
    Cluster::builder(server.uri())
        .auth(credentials)
        .retry(fast_retry())
        .timeout(Duration::from_secs(10))
}

pub fn cluster(server: &MockServer, credentials: Credentials) -> Cluster {
    builder(server, credentials).build().unwrap()
}

/// A lowest-priority mock that matches anything nothing else matched, and fails
/// verification (naming the request) if it is ever hit.
pub async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(ResponseTemplate::new(418).set_body_string("unexpected request"))
        .with_priority(u8::MAX)
        .named("catch-all: no request should reach this")
        .expect(0)
        .mount(server)
        .await;
}

/// A mock server whose unmatched requests fail verification (see [`catch_all`]).
pub async fn guarded_server() -> MockServer {
    let server = MockServer::start().await;
    catch_all(&server).await;
    server
}

/// The Authorization headers of every request the server received.
pub async fn authorization_headers(server: &MockServer) -> Vec<Option<String>> {
    server
        .received_requests()
        .await
        .unwrap_or_default()
        .iter()
        .map(|r| {
            r.headers
                .get("authorization")
                .map(|v| v.to_str().unwrap().to_owned())
        })
        .collect()
}

/// The IAM answers every login to this server with `token`, `times` times,
/// after `delay`.
pub async fn login_returns(server: &MockServer, token: &str, times: u64, delay: Duration) {
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "token": token }))
                .set_delay(delay),
        )
        .expect(times)
        .mount(server)
        .await;
}
