//! Helpers shared by the wiremock tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use dcos_auth::{Cluster, ClusterBuilder, Credentials, RetryPolicy};
use jenkins_client::{JenkinsAuth, JenkinsClient};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// The session cookie the mock Jenkins hands out.
pub const SESSION: &str = "JSESSIONID.4f3e2d1c=node01abc";

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

/// A builder on the mock server under `prefix` with fast retries.
pub fn builder(server: &MockServer, prefix: &str) -> ClusterBuilder {
    Cluster::builder(format!("{}{prefix}", server.uri()))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .timeout(Duration::from_secs(10))
}

/// A direct client on the mock server's root.
pub fn direct(server: &MockServer, auth: JenkinsAuth) -> JenkinsClient {
    JenkinsClient::direct_from(builder(server, ""), auth).unwrap()
}

/// A client through "Admin Router" (the mock server) at /service/jenkins,
/// with a static DC/OS token.
pub fn admin_router(server: &MockServer) -> JenkinsClient {
    let cluster = builder(server, "")
        .auth(Credentials::token("dcos-tok"))
        .build()
        .unwrap();
    JenkinsClient::new(cluster.service("jenkins"))
}

/// `{"crumb": crumb, "crumbRequestField": "Jenkins-Crumb"}` with a session
/// cookie on `path`.
pub fn crumb_response(crumb: &str, cookie: &str, path: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("x-jenkins", "2.452.3")
        .insert_header(
            "set-cookie",
            format!("{cookie}; Path={path}; HttpOnly").as_str(),
        )
        .set_body_json(serde_json::json!({
            "_class": "hudson.security.csrf.DefaultCrumbIssuer",
            "crumb": crumb,
            "crumbRequestField": "Jenkins-Crumb",
        }))
}

/// A header of a received request, as text.
pub fn header(request: &Request, name: &str) -> Option<String> {
    request
        .headers
        .get(name)
        .map(|v| v.to_str().unwrap().to_owned())
}

/// The requests the server received, as `METHOD path`.
pub async fn requests(server: &MockServer) -> Vec<String> {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .map(|r| format!("{} {}", r.method, r.url.path()))
        .collect()
}
