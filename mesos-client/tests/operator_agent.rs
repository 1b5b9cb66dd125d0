//! Every agent operator call: method, path, headers, exact body and answer.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use mesos_client::AgentClient;
use mesos_client::models::ContainerId;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn expect_call(server: &MockServer, body: Value, status: u16, answer: Option<Value>) {
    let mut template = ResponseTemplate::new(status);
    if let Some(answer) = answer {
        template = template.set_body_json(answer);
    }
    Mock::given(method("POST"))
        .and(path("/api/v1"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(body_json(body.clone()))
        .respond_with(template)
        .expect(1)
        .named(body.to_string())
        .mount(server)
        .await;
}

fn fixture(name: &str, inline: Value) -> Value {
    common::upstream_file(name)
        .map(|text| serde_json::from_str(&text).unwrap())
        .unwrap_or(inline)
}

#[tokio::test]
async fn agent_calls_send_their_exact_body_and_decode_the_answer() {
    let server = common::guarded_server().await;
    let agent = AgentClient::new(common::core(&server));

    let state = fixture(
        "operator_agent_get_state_response.json",
        json!({"type": "GET_STATE", "get_state": {"get_frameworks": {"frameworks": [
            {"framework_info": {"user": "u", "name": "n"}}]}}}),
    );
    expect_call(&server, json!({"type": "GET_STATE"}), 200, Some(state)).await;
    let state = agent.get_state().await.unwrap();
    assert!(!state.get_frameworks.frameworks.is_empty());

    let containers = fixture(
        "operator_agent_get_containers_response.json",
        json!({"type": "GET_CONTAINERS", "get_containers": {"containers": [
            {"container_id": {"value": "c"}}]}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_CONTAINERS", "get_containers": {"show_nested": true, "show_standalone": false}}),
        200,
        Some(containers),
    )
    .await;
    assert!(
        !agent
            .get_containers(true, false)
            .await
            .unwrap()
            .containers
            .is_empty()
    );

    let frameworks = fixture(
        "operator_agent_get_frameworks_response.json",
        json!({"type": "GET_FRAMEWORKS", "get_frameworks": {"frameworks": [
            {"framework_info": {"user": "u", "name": "n"}}]}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_FRAMEWORKS"}),
        200,
        Some(frameworks),
    )
    .await;
    assert!(!agent.get_frameworks().await.unwrap().frameworks.is_empty());

    let executors = fixture(
        "operator_agent_get_executors_response.json",
        json!({"type": "GET_EXECUTORS", "get_executors": {"executors": [
            {"executor_info": {"executor_id": {"value": "e"}}}]}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_EXECUTORS"}),
        200,
        Some(executors),
    )
    .await;
    assert!(!agent.get_executors().await.unwrap().executors.is_empty());

    let tasks = fixture(
        "operator_agent_get_tasks_response.json",
        json!({"type": "GET_TASKS", "get_tasks": {"launched_tasks": [{
            "name": "t", "task_id": {"value": "t1"}, "framework_id": {"value": "f"},
            "agent_id": {"value": "a"}}]}}),
    );
    expect_call(&server, json!({"type": "GET_TASKS"}), 200, Some(tasks)).await;
    agent.get_tasks().await.unwrap();

    let wait = fixture(
        "operator_agent_wait_container_response.json",
        json!({"type": "WAIT_CONTAINER", "wait_container": {"exit_status": 0}}),
    );
    expect_call(
        &server,
        json!({"type": "WAIT_CONTAINER", "wait_container": {"container_id": {"value": "c1"}}}),
        200,
        Some(wait),
    )
    .await;
    agent.wait_container(&ContainerId::new("c1")).await.unwrap();

    expect_call(
        &server,
        json!({"type": "KILL_CONTAINER", "kill_container": {"container_id": {"value": "c1"}, "signal": 15}}),
        200,
        None,
    )
    .await;
    agent
        .kill_container(&ContainerId::new("c1"), Some(15))
        .await
        .unwrap();

    server.verify().await;
}
