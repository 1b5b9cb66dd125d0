//! `mesos_state`, run as a real binary against a mock master answering
//! GET_STATE with the upstream example.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn mesos_state_prints_the_summary_of_the_upstream_example() {
    let file = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/upstream/mesos/operator_get_state_response.json");
    let Ok(text) = std::fs::read_to_string(&file) else {
        eprintln!("NOTICE: {} is absent; skipping", file.display());
        return;
    };
    let answer: serde_json::Value = serde_json::from_str(&text).unwrap();
    let server = MockServer::start().await;
    common::catch_all(&server).await;
    Mock::given(method("POST"))
        .and(path("/api/v1"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_json(json!({"type": "GET_STATE"})))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer))
        .expect(1)
        .mount(&server)
        .await;
    let output = common::run_example("mesos_state", &["--master", &server.uri()], &[]).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    println!("{stdout}");
    for line in EXPECTED {
        assert!(stdout.contains(line), "missing `{line}` in:\n{stdout}");
    }
    server.verify().await;
}

const EXPECTED: &[&str] = &[
    "agents: 1 (1 active)",
    "resources: total cpus 2 mem 1024 disk 1024; used cpus 0 mem 0 disk 0; free cpus 2 mem 1024 disk 1024",
    "role *: total cpus 2 mem 1024; used cpus 0 mem 0; free cpus 2 mem 1024",
    "frameworks: 1 (0 completed)",
    "  628984d0-4213-4140-bcb0-99d7ef46b1df-0000 default",
    "tasks: 1",
    "  TASK_FINISHED: 1",
];
