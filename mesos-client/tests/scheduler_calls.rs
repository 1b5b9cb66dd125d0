//! Every scheduler call on wiremock: `POST /api/v1/scheduler` with
//! `Content-Type` and `Accept: application/json`, the subscription's
//! `Mesos-Stream-Id`, and the exact JSON body; `202 Accepted` is success.
//! (The streaming flow, heartbeats and resubscription are in
//! `scheduler_flow.rs`, on a streaming server.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use mesos_client::docker::{CommandInfo, TaskInfoBuilder};
use mesos_client::models::TaskStatus;
use mesos_client::resources::{AgentId, ExecutorId, FrameworkId, OfferId, Resource, TaskId};
use mesos_client::scheduler::{
    FrameworkInfoBuilder, Operation, ReconcileTask, Scheduler, SchedulerHandle,
};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, body_partial_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const FW: &str = "fw-0001";
const SID: &str = "sid-9";

/// Subscribes through a mock whose SUBSCRIBE answer is one SUBSCRIBED record,
/// and returns the handle (it keeps the stream id and the framework id).
async fn handle(server: &MockServer) -> SchedulerHandle {
    let subscribed = json!({"type": "SUBSCRIBED", "subscribed": {
        "framework_id": {"value": FW}, "heartbeat_interval_seconds": 15.0}})
    .to_string();
    Mock::given(method("POST"))
        .and(path("/api/v1/scheduler"))
        .and(body_partial_json(json!({"type": "SUBSCRIBE"})))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("mesos-stream-id", SID)
                .set_body_string(format!("{}\n{subscribed}", subscribed.len())),
        )
        .expect(1)
        .named("SUBSCRIBE")
        .mount(server)
        .await;
    let info = FrameworkInfoBuilder::new("root", "build-agents")
        .id(FrameworkId::new(FW))
        .build();
    let (handle, _events) = Scheduler::new(common::core(server))
        .subscribe(info)
        .await
        .unwrap();
    assert_eq!(handle.stream_id().as_deref(), Some(SID));
    handle
}

/// Expects exactly one call with `body` (the framework id is added), with
/// every header a call must carry, and answers 202.
async fn expect_call(server: &MockServer, mut body: Value) {
    body["framework_id"] = json!({"value": FW});
    Mock::given(method("POST"))
        .and(path("/api/v1/scheduler"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("mesos-stream-id", SID))
        .and(header("authorization", "token=tok"))
        .and(body_json(body.clone()))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .named(body["type"].to_string())
        .mount(server)
        .await;
}

fn reserved_cpus() -> Resource {
    serde_json::from_value(
        json!({"name": "cpus", "type": "SCALAR", "scalar": {"value": 1.0},
        "reservations": [{"type": "DYNAMIC", "role": "ci", "principal": "ops"}]}),
    )
    .unwrap()
}

fn volume() -> Resource {
    serde_json::from_value(
        json!({"name": "disk", "type": "SCALAR", "scalar": {"value": 64.0},
        "reservations": [{"type": "DYNAMIC", "role": "ci"}],
        "disk": {"persistence": {"id": "ws-1"},
                 "volume": {"mode": "RW", "container_path": "workspace"}}}),
    )
    .unwrap()
}

#[tokio::test]
async fn accept_sends_every_offer_operation() {
    let server = common::guarded_server().await;
    let handle = handle(&server).await;
    let task = TaskInfoBuilder::new("agent-1", "t-1", "a-1")
        .resources(vec![Resource::scalar("cpus", 0.5)])
        .command(CommandInfo::shell("sleep 10"))
        .build();
    let task_json = serde_json::to_value(&task).unwrap();
    let executor = json!({"type": "DEFAULT", "executor_id": {"value": "e-1"}});
    let (cpus, volume) = (reserved_cpus(), volume());
    expect_call(
        &server,
        json!({"type": "ACCEPT", "accept": {
            "offer_ids": [{"value": "o-1"}, {"value": "o-2"}],
            "operations": [
                {"type": "RESERVE", "reserve": {"resources": [cpus]}},
                {"type": "CREATE", "create": {"volumes": [volume]}},
                {"type": "LAUNCH", "launch": {"task_infos": [task_json]}},
                {"type": "LAUNCH_GROUP", "launch_group": {
                    "executor": executor, "task_group": {"tasks": [task_json]}}},
                {"type": "DESTROY", "destroy": {"volumes": [volume]}},
                {"type": "UNRESERVE", "unreserve": {"resources": [cpus]}}
            ],
            "filters": {"refuse_seconds": 60.0}}}),
    )
    .await;
    handle
        .accept(
            vec![OfferId::new("o-1"), OfferId::new("o-2")],
            vec![
                Operation::reserve(vec![cpus.clone()]),
                Operation::create(vec![volume.clone()]),
                Operation::launch(vec![task.clone()]),
                Operation::launch_group(executor.clone(), vec![task]),
                Operation::destroy(vec![volume.clone()]),
                Operation::unreserve(vec![cpus.clone()]),
            ],
            Some(mesos_client::scheduler::Filters::refuse(60.0)),
        )
        .await
        .unwrap();
    server.verify().await;
}

#[tokio::test]
async fn every_other_call_sends_its_exact_body() {
    let server = common::guarded_server().await;
    let handle = handle(&server).await;
    let calls = [
        json!({"type": "DECLINE", "decline": {"offer_ids": [{"value": "o-1"}],
            "filters": {"refuse_seconds": 86400.0}}}),
        json!({"type": "REVIVE", "revive": {"roles": ["ci"]}}),
        json!({"type": "SUPPRESS", "suppress": {"roles": []}}),
        json!({"type": "KILL", "kill": {"task_id": {"value": "t-1"}}}),
        json!({"type": "SHUTDOWN", "shutdown": {"executor_id": {"value": "e-1"},
            "agent_id": {"value": "a-1"}}}),
        json!({"type": "ACKNOWLEDGE", "acknowledge": {"agent_id": {"value": "a-1"},
            "task_id": {"value": "t-1"}, "uuid": "AAECAw=="}}),
        json!({"type": "RECONCILE", "reconcile": {"tasks": [
            {"task_id": {"value": "t-1"}, "agent_id": {"value": "a-1"}}]}}),
        json!({"type": "RECONCILE", "reconcile": {"tasks": []}}),
        json!({"type": "MESSAGE", "message": {"agent_id": {"value": "a-1"},
            "executor_id": {"value": "e-1"}, "data": "aGVsbG8="}}),
        json!({"type": "REQUEST", "request": {"requests": [
            {"agent_id": {"value": "a-1"}}]}}),
        json!({"type": "UPDATE_FRAMEWORK", "update_framework": {"framework_info": {
            "user": "root", "name": "build-agents", "id": {"value": FW},
            "failover_timeout": 604800.0, "checkpoint": true,
            "roles": ["ci"], "capabilities": [{"type": "MULTI_ROLE"}]}}}),
        json!({"type": "TEARDOWN"}),
    ];
    for call in calls {
        expect_call(&server, call).await;
    }
    handle
        .decline(vec![OfferId::new("o-1")], Some(86400.0))
        .await
        .unwrap();
    handle.revive(vec!["ci".into()]).await.unwrap();
    handle.suppress(vec![]).await.unwrap();
    handle.kill(TaskId::new("t-1"), None).await.unwrap();
    handle
        .shutdown(ExecutorId::new("e-1"), AgentId::new("a-1"))
        .await
        .unwrap();
    let status: TaskStatus = serde_json::from_value(json!({"task_id": {"value": "t-1"},
        "state": "TASK_RUNNING", "agent_id": {"value": "a-1"}, "uuid": "AAECAw=="}))
    .unwrap();
    assert!(handle.acknowledge(&status).await.unwrap());
    let mut explicit = ReconcileTask::default();
    explicit.task_id = TaskId::new("t-1");
    explicit.agent_id = Some(AgentId::new("a-1"));
    handle.reconcile(vec![explicit]).await.unwrap();
    handle.reconcile(vec![]).await.unwrap();
    handle
        .message(AgentId::new("a-1"), ExecutorId::new("e-1"), &b"hello"[..])
        .await
        .unwrap();
    handle
        .request(vec![json!({"agent_id": {"value": "a-1"}})])
        .await
        .unwrap();
    // The id is filled in from the subscription.
    let info = FrameworkInfoBuilder::new("root", "build-agents")
        .role("ci")
        .build();
    handle.update_framework(info).await.unwrap();
    handle.teardown().await.unwrap();
    server.verify().await;
}

#[tokio::test]
async fn reconcile_operations_returns_the_answer() {
    let server = common::guarded_server().await;
    let handle = handle(&server).await;
    let answer = json!({"operation_statuses": [{"operation_id": {"value": "op-1"},
        "state": "OPERATION_FINISHED"}]});
    Mock::given(method("POST"))
        .and(path("/api/v1/scheduler"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("mesos-stream-id", SID))
        .and(body_json(json!({"framework_id": {"value": FW},
            "type": "RECONCILE_OPERATIONS", "reconcile_operations": {"operations": [
                {"operation_id": {"value": "op-1"}}]}})))
        .respond_with(ResponseTemplate::new(200).set_body_json(answer.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let got = handle
        .reconcile_operations(vec![json!({"operation_id": {"value": "op-1"}})])
        .await
        .unwrap();
    assert_eq!(got, answer);
    server.verify().await;
}

#[tokio::test]
async fn an_update_without_a_uuid_is_not_acknowledged() {
    let server = common::guarded_server().await;
    let handle = handle(&server).await;
    let status: TaskStatus = serde_json::from_value(json!({"task_id": {"value": "t-1"},
        "state": "TASK_RUNNING", "agent_id": {"value": "a-1"}, "source": "SOURCE_MASTER"}))
    .unwrap();
    assert!(!handle.acknowledge(&status).await.unwrap());
    // The catch-all fails verification if anything but SUBSCRIBE was sent.
    server.verify().await;
}
