//! Helpers shared by the wiremock tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use dcos_auth::{Cluster, Credentials, RetryPolicy};
use marathon_client::MarathonClient;
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers 599 with a body naming the request, so an unexpected request is
/// obvious both in the failing assertion and in the verification report.
struct NameTheRequest;

impl Respond for NameTheRequest {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        ResponseTemplate::new(599).set_body_string(format!(
            "unexpected request: {} {}",
            request.method, request.url
        ))
    }
}

/// A mock server with a lowest-priority catch-all that fails verification
/// (naming the request) if anything unmatched arrives.
pub async fn guarded_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(NameTheRequest)
        .with_priority(u8::MAX)
        .named("catch-all: an unexpected request")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// A client straight on the mock server, with fast retries and a static token.
pub fn client(server: &MockServer) -> MarathonClient {
    let cluster = Cluster::builder(server.uri())
        .auth(Credentials::token("tok"))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap();
    MarathonClient::new(cluster.root())
}

/// The JSON body of the only request matching `method` and `path`.
pub async fn body_of(server: &MockServer, method: &str, path: &str) -> serde_json::Value {
    let requests = server.received_requests().await.unwrap();
    let matching: Vec<_> = requests
        .iter()
        .filter(|r| r.method.as_str() == method && r.url.path() == path)
        .collect();
    assert_eq!(matching.len(), 1, "{method} {path}: {matching:?}");
    serde_json::from_slice(&matching[0].body).unwrap()
}
