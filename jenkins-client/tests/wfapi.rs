//! The Pipeline stage view API: describe, runs, nodes, logs, pending inputs
//! with proceed and abort (URLs rebased onto our base), replay.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use jenkins_client::models::{PendingInputAction, StageStatus};
use jenkins_client::{JenkinsAuth, JenkinsClient, JobPath};
use serde_json::json;
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> JenkinsClient {
    direct(server, JenkinsAuth::api_token("ci", "tok"))
}

fn job() -> JobPath {
    JobPath::parse("Test Workflow").unwrap()
}

fn stage(id: &str, name: &str, status: &str) -> serde_json::Value {
    json!({"_links": {"self": {"href": format!("/jenkins/job/Test%20Workflow/16/execution/node/{id}/wfapi/describe")}},
           "id": id, "name": name, "status": status, "startTimeMillis": 1413461275770u64, "durationMillis": 5228})
}

#[tokio::test]
async fn describe_runs_artifacts_and_job() {
    let server = guarded_server().await;
    let run = json!({"id": "16", "name": "#16", "status": "PAUSED_PENDING_INPUT", "durationMillis": 10229,
        "pauseDurationMillis": 4000, "stages": [stage("5", "Build", "SUCCESS"), stage("10", "Deploy", "PAUSED_PENDING_INPUT")]});
    Mock::given(method("GET"))
        .and(path("/job/Test%20Workflow/16/wfapi/describe"))
        .respond_with(ResponseTemplate::new(200).set_body_json(&run))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/Test%20Workflow/wfapi/runs"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([run])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/Test%20Workflow/16/wfapi/artifacts"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "n3", "name": "hello2.jar", "path": "target/hello2.jar",
             "url": "/jenkins/job/Test%20Workflow/16/artifact/target/hello2.jar", "size": 6}])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/Test%20Workflow/wfapi/describe"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"name": "Test Workflow", "runCount": 17})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let pipeline = client(&server);
    let pipeline = pipeline.pipeline();
    let described = pipeline.describe(&job(), 16).await.unwrap();
    assert_eq!(described.status, Some(StageStatus::PausedPendingInput));
    assert_eq!(described.pause_duration_millis, Some(4000));
    let stages = described.stages.unwrap();
    assert_eq!(stages[1].status, Some(StageStatus::PausedPendingInput));
    assert_eq!(stages[0].duration_millis, Some(5228));
    assert_eq!(pipeline.runs(&job()).await.unwrap().len(), 1);
    assert_eq!(pipeline.job(&job()).await.unwrap().run_count, Some(17));
    let artifacts = pipeline.artifacts(&job(), 16).await.unwrap();
    assert_eq!(artifacts[0].path.as_deref(), Some("target/hello2.jar"));
    assert_eq!(artifacts[0].size, Some(6));
}

#[tokio::test]
async fn a_stage_node_and_its_step_logs() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/Test%20Workflow/17/execution/node/8/wfapi/describe"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "8", "name": "Test", "status": "FAILED",
            "stageFlowNodes": [
                {"id": "9", "name": "Shell Script", "status": "FAILED",
                 "error": {"message": "script returned exit code 1", "type": "hudson.AbortException"}, "parentNodes": ["8"]},
                {"id": "11", "name": "Echo", "status": "SUCCESS", "parentNodes": ["9"]}
            ]})))
        .expect(2)
        .mount(&server)
        .await;
    for (id, text) in [("9", "+ make test\n"), ("11", "bye\n")] {
        Mock::given(method("GET"))
            .and(path(format!("/job/Test%20Workflow/17/execution/node/{id}/wfapi/log")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "nodeId": id, "nodeStatus": "FAILED", "length": text.len(), "hasMore": false, "text": text,
                "consoleUrl": format!("/jenkins/job/Test%20Workflow/17/execution/node/{id}/log")})))
            .expect(if id == "9" { 2 } else { 1 })
            .mount(&server)
            .await;
    }
    let jenkins = client(&server);
    let node = jenkins.pipeline().node(&job(), 17, "8").await.unwrap();
    let step = &node.stage_flow_nodes.as_ref().unwrap()[0];
    assert_eq!(
        step.error.as_ref().unwrap().message.as_deref(),
        Some("script returned exit code 1")
    );
    let log = jenkins.pipeline().node_log(&job(), 17, "9").await.unwrap();
    assert_eq!(log.node_status, Some(StageStatus::Failed));
    assert_eq!(
        jenkins.pipeline().stage_log(&job(), 17, "8").await.unwrap(),
        "+ make test\nbye\n"
    );
}

fn pending() -> PendingInputAction {
    serde_json::from_value(json!({
        "id": "Ef95dd500ae6ed3b27b89fb852296d12",
        "message": "Is the build okay?",
        "proceedUrl": "/jenkins/job/Test%20Workflow/11/input/Ef95dd500ae6ed3b27b89fb852296d12/proceedEmpty",
        "abortUrl": "/jenkins/job/Test%20Workflow/11/input/Ef95dd500ae6ed3b27b89fb852296d12/abort"
    }))
    .unwrap()
}

#[tokio::test]
async fn pending_inputs_proceed_and_abort_on_our_base() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path(
            "/service/jenkins/job/Test%20Workflow/11/wfapi/pendingInputActions",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([pending()])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/service/jenkins/crumbIssuer/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let input = "/service/jenkins/job/Test%20Workflow/11/input/Ef95dd500ae6ed3b27b89fb852296d12";
    Mock::given(method("POST"))
        .and(path(format!("{input}/proceedEmpty")))
        .and(body_string(
            "json=%7B%22parameter%22%3A%5B%5D%7D&proceed=Proceed",
        ))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{input}/proceed")))
        .and(body_string(
            "json=%7B%22parameter%22%3A%5B%7B%22name%22%3A%22TAG%22%2C%22value%22%3A%22v2%22%7D%5D%7D&proceed=Proceed",
        ))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://j/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("{input}/abort")))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    // Through Admin Router: the payload's `/jenkins/` context is not ours.
    let jenkins = admin_router(&server);
    let inputs = jenkins.pipeline().pending_inputs(&job(), 11).await.unwrap();
    assert_eq!(inputs.len(), 1);
    jenkins.pipeline().proceed(&inputs[0], &[]).await.unwrap();
    jenkins
        .pipeline()
        .proceed(&inputs[0], &[("TAG", json!("v2"))])
        .await
        .unwrap();
    jenkins.pipeline().abort(&inputs[0]).await.unwrap();
}

#[tokio::test]
async fn the_stage_view_input_submit_url_keeps_its_query() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/Workflow/24/wfapi/inputSubmit"))
        .and(query_param("inputId", "Run-test-suites"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let action: PendingInputAction = serde_json::from_value(json!({
        "id": "Run-test-suites", "proceedText": "Okay",
        "proceedUrl": "/jenkins/job/Workflow/24/wfapi/inputSubmit?inputId=Run-test-suites",
        "abortUrl": "/jenkins/job/Workflow/24/input/Run-test-suites/abort"
    }))
    .unwrap();
    client(&server)
        .pipeline()
        .proceed(&action, &[])
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let body = String::from_utf8(received[0].body.clone()).unwrap();
    assert!(body.ends_with("&proceed=Okay"), "{body}");
}

#[tokio::test]
async fn an_input_without_urls_is_a_protocol_error() {
    let server = guarded_server().await;
    let action: PendingInputAction = serde_json::from_value(json!({"id": "x"})).unwrap();
    let err = client(&server).pipeline().abort(&action).await.unwrap_err();
    assert!(
        matches!(err, jenkins_client::Error::Protocol(ref m) if m.contains("abortUrl")),
        "{err:?}"
    );
}

#[tokio::test]
async fn replay_posts_the_new_main_script() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/Test%20Workflow/3/replay/run"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://j/job/x/"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .pipeline()
        .replay(&job(), 3, "node { echo 'a & b' }")
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let body = String::from_utf8(received[0].body.clone()).unwrap();
    let form: Vec<(String, String)> = url::form_urlencoded::parse(body.as_bytes())
        .into_owned()
        .collect();
    assert_eq!(
        form[0],
        ("mainScript".into(), "node { echo 'a & b' }".into())
    );
    let json: serde_json::Value = serde_json::from_str(&form[1].1).unwrap();
    assert_eq!(json["mainScript"], "node { echo 'a & b' }");
}
