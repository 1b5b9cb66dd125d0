//! Runs the real Marathon example binaries against a wiremock Marathon.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::PathBuf;

use common::{catch_all, run_example};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn upstream(file: &str) -> Option<PathBuf> {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/upstream/marathon")
        .join(file);
    if path.is_file() {
        Some(path)
    } else {
        eprintln!("skipping: {} not found", path.display());
        None
    }
}

async fn guarded() -> MockServer {
    let server = MockServer::start().await;
    catch_all(&server).await;
    server
}

#[tokio::test]
async fn marathon_apps_lists_the_upstream_app_list() {
    let Some(file) = upstream("apps_list.json") else {
        return;
    };
    let server = guarded().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(std::fs::read(file).unwrap(), "application/json"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let out = run_example("marathon_apps", &["--marathon", &server.uri()], &[]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("ID"), "{stdout}");
    let myapp = lines
        .iter()
        .find(|l| l.starts_with("/myapp "))
        .expect("the app is listed");
    let fields: Vec<&str> = myapp.split_whitespace().collect();
    assert_eq!(fields[1], "3", "instances: {myapp}");
    assert_eq!(fields[2], "0", "running (no health checks): {myapp}");
    assert_eq!(fields[3], "2015-09-25T15:13:48.343Z", "{myapp}");
    assert_eq!(fields[4..].join(" "), "cmd: env && sleep 60", "{myapp}");
}

#[tokio::test]
async fn marathon_apps_fails_over_and_reports_errors() {
    let server = guarded().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"apps": [{"id": "/web", "instances": 1}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let dead = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://127.0.0.1:{}", l.local_addr().unwrap().port())
    };
    let out = run_example(
        "marathon_apps",
        &["--marathon", &dead, "--marathon", &server.uri()],
        &[],
    )
    .await;
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(String::from_utf8_lossy(&out.stdout).contains("/web"));

    let out = run_example("marathon_apps", &["--marathon", &dead], &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("could not connect"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );

    let out = run_example("marathon_apps", &["--bogus"], &[]).await;
    assert_eq!(out.status.code(), Some(2));
}

#[tokio::test]
async fn marathon_deploy_puts_the_file_and_waits() {
    let server = guarded().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("app.json");
    std::fs::write(
        &file,
        r#"{"id": "/web", "cmd": "sleep 1000", "instances": 1, "futureField": true}"#,
    )
    .unwrap();
    const V: &str = "2024-01-02T00:00:00.000Z";
    Mock::given(method("PUT"))
        .and(path("/v2/apps/web"))
        .and(body_json(
            json!({"id": "/web", "cmd": "sleep 1000", "instances": 1, "futureField": true}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Marathon-Deployment-Id", "d1")
                .set_body_json(json!({"deploymentId": "d1", "version": V})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let success =
        "event: deployment_success\ndata: {\"eventType\":\"deployment_success\",\"id\":\"d1\"}\n\n";
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .and(header("accept", "text/event-stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(success.as_bytes().to_vec(), "text/event-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!([{"id": "d1", "version": V, "affectedApps": ["/web"]}])),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"app": {
            "id": "/web", "instances": 1, "version": V, "tasksRunning": 1, "tasksHealthy": 0,
            "tasks": [{"id": "web.1", "state": "TASK_RUNNING", "version": V}], "deployments": []
        }})))
        .mount(&server)
        .await;
    let out = run_example(
        "marathon_deploy",
        &["--marathon", &server.uri(), file.to_str().unwrap()],
        &[],
    )
    .await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("deployment d1 started"), "{stdout}");
    assert!(stdout.contains("Succeeded"), "{stdout}");
}

#[tokio::test]
async fn marathon_events_tails_the_stream_until_a_fatal_error() {
    let server = guarded().await;
    let frames = "event: deployment_success\n\
                  data: {\"eventType\":\"deployment_success\",\"timestamp\":\"2024-01-01T00:00:00.000Z\",\"id\":\"d1\"}\n\n\
                  event: status_update_event\n\
                  data: {\"eventType\":\"status_update_event\",\"timestamp\":\"2024-01-01T00:00:01.000Z\",\"appId\":\"/web\",\"taskId\":\"web.1\",\"taskStatus\":\"TASK_RUNNING\"}\n\n";
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .and(header("accept", "text/event-stream"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(frames.as_bytes().to_vec(), "text/event-stream"),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"message": "Not Authorized to perform this action!"})),
        )
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let out = run_example("marathon_events", &["--marathon", &server.uri()], &[]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stdout}\n{stderr}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(
        lines,
        [
            "-- connected",
            "2024-01-01T00:00:00.000Z deployment_success deployment=d1",
            "2024-01-01T00:00:01.000Z status_update_event app=/web",
        ],
        "{stdout}"
    );
    assert!(stderr.contains("403"), "{stderr}");
}
