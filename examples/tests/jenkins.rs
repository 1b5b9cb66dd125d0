//! Runs the real `jenkins_build` example against a wiremock Jenkins.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{catch_all, run_example};
use serde_json::json;
use wiremock::matchers::{body_string, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// A Jenkins that queues `team/app` as item 5, starts build #3, serves its
/// console in two answers, and ends it with `result`.
async fn jenkins(result: &str) -> MockServer {
    let server = MockServer::start().await;
    catch_all(&server).await;
    // API-token auth: no crumb is fetched.
    Mock::given(method("POST"))
        .and(path("/job/team/job/app/buildWithParameters"))
        .and(query_param("delay", "0sec"))
        .and(header("authorization", "Basic Y2k6dDBr"))
        .and(body_string("TAG=1.2.3"))
        .respond_with(ResponseTemplate::new(201).insert_header(
            "location",
            "http://jenkins.marathon.mesos:10000/queue/item/5/",
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/queue/item/5/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.model.Queue$WaitingItem", "id": 5, "why": "In the quiet period.", "timestamp": 1})))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/queue/item/5/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.model.Queue$LeftItem", "id": 5, "cancelled": false,
            "executable": {"number": 3, "url": "http://jenkins.marathon.mesos:10000/job/team/job/app/3/"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/team/job/app/3/logText/progressiveText"))
        .and(query_param("start", "0"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-text-size", "120")
                .insert_header("x-more-data", "true")
                .set_body_string("Started by user ci\r\n[Pipeline] sh\r\n"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/team/job/app/3/logText/progressiveText"))
        .and(query_param("start", "120"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-text-size", "300")
                .set_body_string(format!("+ docker push\r\nFinished: {result}\r\n")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/team/job/app/3/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "number": 3, "building": false, "result": result,
            "url": "http://jenkins.marathon.mesos:10000/job/team/job/app/3/"})))
        .expect(2)
        .mount(&server)
        .await;
    server
}

fn args(server: &MockServer) -> Vec<String> {
    [
        "--jenkins",
        &server.uri(),
        "--user",
        "ci",
        "--token",
        "t0k",
        "--poll",
        "5ms",
        "team/app",
        "TAG=1.2.3",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[tokio::test]
async fn a_successful_build_streams_its_console_and_exits_0() {
    let server = jenkins("SUCCESS").await;
    let args = args(&server);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_example("jenkins_build", &args, &[]).await;
    let stdout = String::from_utf8_lossy(&out.stdout);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout,
        "Started by user ci\r\n[Pipeline] sh\r\n+ docker push\r\nFinished: SUCCESS\r\n"
    );
    assert!(stderr.contains("queued as item 5"), "{stderr}");
    // The build URL is rebased onto the URL we were given.
    assert!(
        stderr.contains(&format!(
            "build #3 started at {}/job/team/job/app/3/",
            server.uri()
        )),
        "{stderr}"
    );
    assert!(!stderr.contains("t0k"), "{stderr}");
}

#[tokio::test]
async fn a_failed_build_exits_1() {
    let server = jenkins("FAILURE").await;
    let args = args(&server);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = run_example("jenkins_build", &args, &[]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("finished: FAILURE"));
}

#[tokio::test]
async fn a_disabled_job_is_reported() {
    let server = MockServer::start().await;
    catch_all(&server).await;
    Mock::given(method("POST"))
        .and(path("/job/app/build"))
        .respond_with(ResponseTemplate::new(409))
        .expect(1)
        .mount(&server)
        .await;
    let uri = server.uri();
    let out = run_example(
        "jenkins_build",
        &["--jenkins", &uri, "--user", "ci", "--token", "t0k", "app"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("the job is disabled"), "{stderr}");
}

#[tokio::test]
async fn a_bad_command_line_exits_2() {
    let out = run_example(
        "jenkins_build",
        &["--jenkins", "http://127.0.0.1:9", "app"],
        &[],
    )
    .await;
    assert_eq!(out.status.code(), Some(2));
}
