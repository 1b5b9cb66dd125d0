//! Helpers shared by the wiremock tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use dcos_auth::{Cluster, Credentials, HttpCore, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

/// Answers 599 with a body naming the request, so an unexpected request is
/// obvious both in the failing assertion and in the verification report.
struct NameTheRequest;

impl Respond for NameTheRequest {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        ResponseTemplate::new(599).set_body_string(format!(
            "unexpected request: {} {} {}",
            request.method,
            request.url,
            String::from_utf8_lossy(&request.body)
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

/// A core straight on the mock server, with fast retries and a static token.
pub fn core(server: &MockServer) -> HttpCore {
    Cluster::builder(server.uri())
        .auth(Credentials::token("tok"))
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .timeout(Duration::from_secs(10))
        .allow_host("127.0.0.1")
        .build()
        .unwrap()
        .root()
}

/// `<workspace root>/../shared/upstream/mesos`, or `None` (with a notice)
/// when it is absent.
pub fn upstream() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/mesos");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("NOTICE: {} is absent; skipping", dir.display());
        None
    }
}

/// An upstream file's text, or `None` when the folder is absent.
pub fn upstream_file(name: &str) -> Option<String> {
    let path = upstream()?.join(name);
    Some(std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display())))
}
