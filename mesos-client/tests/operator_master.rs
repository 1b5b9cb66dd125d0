//! Every master operator call: method, path, headers and the exact body, and
//! the decoded answer; leader redirects and 503s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use mesos_client::models::{MachineId, MaintenanceSchedule, TaskState, WeightInfo};
use mesos_client::resources::{AgentId, FrameworkId, Resource};
use mesos_client::{Error, MesosClient};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Mounts one `POST /api/v1` answering `status` with `answer` for exactly
/// `body`, expected once.
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

/// The upstream response fixture, or `inline` when it is absent.
fn fixture(name: &str, inline: Value) -> Value {
    common::upstream_file(name)
        .map(|text| serde_json::from_str(&text).unwrap())
        .unwrap_or(inline)
}

#[tokio::test]
async fn read_calls_send_their_exact_body_and_decode_the_answer() {
    let server = common::guarded_server().await;
    let mesos = MesosClient::new(common::core(&server));
    let op = mesos.operator();

    let health = fixture(
        "operator_get_health_response.json",
        json!({"type": "GET_HEALTH", "get_health": {"healthy": true}}),
    );
    expect_call(&server, json!({"type": "GET_HEALTH"}), 200, Some(health)).await;
    assert!(op.get_health().await.unwrap().healthy);

    let flags = fixture(
        "operator_get_flags_response.json",
        json!({"type": "GET_FLAGS", "get_flags": {"flags": [{"name": "acls", "value": ""}]}}),
    );
    expect_call(&server, json!({"type": "GET_FLAGS"}), 200, Some(flags)).await;
    assert!(!op.get_flags().await.unwrap().flags.is_empty());

    let version = fixture(
        "operator_get_version_response.json",
        json!({"type": "GET_VERSION", "get_version": {"version_info": {"version": "1.11.0"}}}),
    );
    expect_call(&server, json!({"type": "GET_VERSION"}), 200, Some(version)).await;
    assert!(
        !op.get_version()
            .await
            .unwrap()
            .version_info
            .version
            .is_empty()
    );

    let metrics = fixture(
        "operator_get_metrics_response.json",
        json!({"type": "GET_METRICS", "get_metrics": {"metrics": [{"name": "m", "value": 1.0}]}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_METRICS", "get_metrics": {"timeout": {"nanoseconds": 5_000_000_000_i64}}}),
        200,
        Some(metrics),
    )
    .await;
    assert!(
        !op.get_metrics(Some(Duration::from_secs(5)))
            .await
            .unwrap()
            .metrics
            .is_empty()
    );

    let level = fixture(
        "operator_get_logging_level_response.json",
        json!({"type": "GET_LOGGING_LEVEL", "get_logging_level": {"level": 0}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_LOGGING_LEVEL"}),
        200,
        Some(level),
    )
    .await;
    op.get_logging_level().await.unwrap();

    let files = fixture(
        "operator_list_files_response.json",
        json!({"type": "LIST_FILES", "list_files": {"file_infos": [{"path": "one"}]}}),
    );
    expect_call(
        &server,
        json!({"type": "LIST_FILES", "list_files": {"path": "one/"}}),
        200,
        Some(files),
    )
    .await;
    assert!(!op.list_files("one/").await.unwrap().file_infos.is_empty());

    expect_call(
        &server,
        json!({"type": "READ_FILE", "read_file": {"path": "myname", "offset": 1, "length": 6}}),
        200,
        Some(json!({"type": "READ_FILE", "read_file": {"size": 7, "data": "bmFtZTog"}})),
    )
    .await;
    let read = op.read_file("myname", 1, Some(6)).await.unwrap();
    assert_eq!(read.data.as_bytes(), b"name: ");
    assert_eq!(read.size.get(), 7);

    let state = fixture(
        "operator_get_state_response.json",
        json!({"type": "GET_STATE", "get_state": {"get_tasks": {"tasks": [{
            "name": "t", "task_id": {"value": "t1"}, "framework_id": {"value": "f"},
            "agent_id": {"value": "a"}, "state": "TASK_FINISHED"}]}}}),
    );
    expect_call(&server, json!({"type": "GET_STATE"}), 200, Some(state)).await;
    let state = op.get_state().await.unwrap();
    assert!(
        state
            .get_tasks
            .all()
            .any(|t| t.state == Some(TaskState::Finished))
    );

    let agents = json!({"type": "GET_AGENTS", "get_agents": {"agents": [{
        "agent_info": {"hostname": "h", "id": {"value": "a1"}},
        "active": true, "version": "1.11.0", "pid": "slave(1)@1.2.3.4:5051",
        "registered_time": {"nanoseconds": 1_470_820_172_046_531_840_i64},
        "total_resources": [{"name": "cpus", "type": "SCALAR", "scalar": {"value": 2.0}}]}]}});
    expect_call(&server, json!({"type": "GET_AGENTS"}), 200, Some(agents)).await;
    let agents = op.get_agents().await.unwrap();
    assert_eq!(agents.agents[0].id(), "a1");
    assert_eq!(
        agents.agents[0]
            .registered_time
            .as_ref()
            .unwrap()
            .nanoseconds(),
        1_470_820_172_046_531_840
    );

    let frameworks = fixture(
        "operator_get_frameworks_response.json",
        json!({"type": "GET_FRAMEWORKS", "get_frameworks": {"frameworks": [{
            "framework_info": {"user": "u", "name": "n"}, "active": true, "connected": true}]}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_FRAMEWORKS"}),
        200,
        Some(frameworks),
    )
    .await;
    assert!(!op.get_frameworks().await.unwrap().frameworks.is_empty());

    let executors = fixture(
        "operator_get_executors_response.json",
        json!({"type": "GET_EXECUTORS", "get_executors": {"executors": [{
            "executor_info": {"executor_id": {"value": "e"}}, "agent_id": {"value": "a"}}]}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_EXECUTORS"}),
        200,
        Some(executors),
    )
    .await;
    assert!(!op.get_executors().await.unwrap().executors.is_empty());

    let tasks = fixture(
        "operator_get_tasks_response.json",
        json!({"type": "GET_TASKS", "get_tasks": {"completed_tasks": [{
            "name": "t", "task_id": {"value": "t1"}, "framework_id": {"value": "f"},
            "agent_id": {"value": "a"}}]}}),
    );
    expect_call(&server, json!({"type": "GET_TASKS"}), 200, Some(tasks)).await;
    assert!(op.get_tasks().await.unwrap().all().count() > 0);

    let roles = fixture(
        "operator_get_roles_response.json",
        json!({"type": "GET_ROLES", "get_roles": {"roles": [{"name": "*", "weight": 1.0}]}}),
    );
    expect_call(&server, json!({"type": "GET_ROLES"}), 200, Some(roles)).await;
    assert!(!op.get_roles().await.unwrap().roles.is_empty());

    let weights = fixture(
        "operator_get_weights_response.json",
        json!({"type": "GET_WEIGHTS", "get_weights": {"weight_infos": [{"role": "r", "weight": 2.0}]}}),
    );
    expect_call(&server, json!({"type": "GET_WEIGHTS"}), 200, Some(weights)).await;
    assert!(!op.get_weights().await.unwrap().weight_infos.is_empty());

    let master = fixture(
        "operator_get_master_response.json",
        json!({"type": "GET_MASTER", "get_master": {"master_info": {"id": "m", "ip": 1, "port": 5050}}}),
    );
    expect_call(&server, json!({"type": "GET_MASTER"}), 200, Some(master)).await;
    assert!(op.get_master().await.unwrap().master_info.is_some());

    expect_call(
        &server,
        json!({"type": "GET_OPERATIONS"}),
        200,
        Some(json!({"type": "GET_OPERATIONS", "get_operations": {"operations": [{}]}})),
    )
    .await;
    assert_eq!(op.get_operations().await.unwrap().operations.len(), 1);

    let status = fixture(
        "operator_get_maintenance_status_response.json",
        json!({"type": "GET_MAINTENANCE_STATUS", "get_maintenance_status": {"status": {}}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_MAINTENANCE_STATUS"}),
        200,
        Some(status),
    )
    .await;
    op.get_maintenance_status().await.unwrap();

    let schedule = fixture(
        "operator_get_maintenance_schedule_response.json",
        json!({"type": "GET_MAINTENANCE_SCHEDULE", "get_maintenance_schedule": {"schedule": {"windows": [{}]}}}),
    );
    expect_call(
        &server,
        json!({"type": "GET_MAINTENANCE_SCHEDULE"}),
        200,
        Some(schedule),
    )
    .await;
    assert!(
        !op.get_maintenance_schedule()
            .await
            .unwrap()
            .schedule
            .windows
            .is_empty()
    );

    let quota = fixture(
        "operator_get_quota_response.json",
        json!({"type": "GET_QUOTA", "get_quota": {"status": {}}}),
    );
    expect_call(&server, json!({"type": "GET_QUOTA"}), 200, Some(quota)).await;
    op.get_quota().await.unwrap();

    server.verify().await;
}

#[tokio::test]
async fn write_calls_send_their_exact_body_and_accept_an_empty_answer() {
    let server = common::guarded_server().await;
    let mesos = MesosClient::new(common::core(&server));
    let op = mesos.operator();
    let agent = AgentId::new("a1");
    let cpus = Resource::scalar("cpus", 1.0);
    let cpus_json = serde_json::to_value(&cpus).unwrap();
    let disk = Resource::scalar("disk", 64.0);
    let disk_json = serde_json::to_value(&disk).unwrap();

    expect_call(
        &server,
        json!({"type": "SET_LOGGING_LEVEL", "set_logging_level": {"level": 1, "duration": {"nanoseconds": 60_000_000_000_i64}}}),
        200,
        None,
    )
    .await;
    op.set_logging_level(1, Duration::from_secs(60))
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "UPDATE_WEIGHTS", "update_weights": {"weight_infos": [{"weight": 2.5, "role": "ops"}]}}),
        200,
        None,
    )
    .await;
    op.update_weights(&[WeightInfo::new("ops", 2.5)])
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "RESERVE_RESOURCES", "reserve_resources": {"agent_id": {"value": "a1"}, "resources": [cpus_json]}}),
        202,
        None,
    )
    .await;
    op.reserve_resources(&agent, &[], std::slice::from_ref(&cpus))
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "UNRESERVE_RESOURCES", "unreserve_resources": {"agent_id": {"value": "a1"}, "resources": [cpus_json]}}),
        202,
        None,
    )
    .await;
    op.unreserve_resources(&agent, std::slice::from_ref(&cpus))
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "CREATE_VOLUMES", "create_volumes": {"agent_id": {"value": "a1"}, "volumes": [disk_json]}}),
        202,
        None,
    )
    .await;
    op.create_volumes(&agent, std::slice::from_ref(&disk))
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "DESTROY_VOLUMES", "destroy_volumes": {"agent_id": {"value": "a1"}, "volumes": [disk_json]}}),
        202,
        None,
    )
    .await;
    op.destroy_volumes(&agent, std::slice::from_ref(&disk))
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "GROW_VOLUME", "grow_volume": {"agent_id": {"value": "a1"}, "volume": disk_json, "addition": disk_json}}),
        202,
        None,
    )
    .await;
    op.grow_volume(&agent, &disk, &disk).await.unwrap();

    expect_call(
        &server,
        json!({"type": "SHRINK_VOLUME", "shrink_volume": {"agent_id": {"value": "a1"}, "volume": disk_json, "subtract": {"value": 32.0}}}),
        202,
        None,
    )
    .await;
    op.shrink_volume(&agent, &disk, 32.0).await.unwrap();

    let schedule: MaintenanceSchedule = serde_json::from_value(json!({"windows": [
        {"machine_ids": [{"hostname": "h1"}], "unavailability": {"start": {"nanoseconds": 1}}}]}))
    .unwrap();
    expect_call(
        &server,
        json!({"type": "UPDATE_MAINTENANCE_SCHEDULE", "update_maintenance_schedule": {"schedule": {"windows": [
            {"machine_ids": [{"hostname": "h1"}], "unavailability": {"start": {"nanoseconds": 1}}}]}}}),
        200,
        None,
    )
    .await;
    op.update_maintenance_schedule(&schedule).await.unwrap();

    let machine: MachineId =
        serde_json::from_value(json!({"hostname": "h1", "ip": "10.0.0.1"})).unwrap();
    expect_call(
        &server,
        json!({"type": "START_MAINTENANCE", "start_maintenance": {"machines": [{"hostname": "h1", "ip": "10.0.0.1"}]}}),
        200,
        None,
    )
    .await;
    op.start_maintenance(std::slice::from_ref(&machine))
        .await
        .unwrap();
    expect_call(
        &server,
        json!({"type": "STOP_MAINTENANCE", "stop_maintenance": {"machines": [{"hostname": "h1", "ip": "10.0.0.1"}]}}),
        200,
        None,
    )
    .await;
    op.stop_maintenance(std::slice::from_ref(&machine))
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "DRAIN_AGENT", "drain_agent": {"agent_id": {"value": "a1"}, "max_grace_period": {"seconds": 600}, "mark_gone": true}}),
        200,
        None,
    )
    .await;
    op.drain_agent(&agent, Some(Duration::from_secs(600)), true)
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "DEACTIVATE_AGENT", "deactivate_agent": {"agent_id": {"value": "a1"}}}),
        200,
        None,
    )
    .await;
    op.deactivate_agent(&agent).await.unwrap();
    expect_call(
        &server,
        json!({"type": "REACTIVATE_AGENT", "reactivate_agent": {"agent_id": {"value": "a1"}}}),
        200,
        None,
    )
    .await;
    op.reactivate_agent(&agent).await.unwrap();

    let config = json!({"role": "dev", "guarantees": {"cpus": {"value": 1}}, "limits": {"cpus": {"value": 2}}});
    expect_call(
        &server,
        json!({"type": "UPDATE_QUOTA", "update_quota": {"force": true, "quota_configs": [config]}}),
        200,
        None,
    )
    .await;
    op.update_quota(true, std::slice::from_ref(&config))
        .await
        .unwrap();

    expect_call(
        &server,
        json!({"type": "MARK_AGENT_GONE", "mark_agent_gone": {"agent_id": {"value": "a1"}}}),
        200,
        None,
    )
    .await;
    op.mark_agent_gone(&agent).await.unwrap();

    expect_call(
        &server,
        json!({"type": "TEARDOWN", "teardown": {"framework_id": {"value": "f1"}}}),
        200,
        None,
    )
    .await;
    op.teardown(&FrameworkId::new("f1")).await.unwrap();

    server.verify().await;
}

#[tokio::test]
async fn a_307_to_the_leader_is_followed_and_remembered() {
    let standby = common::guarded_server().await;
    let leader = common::guarded_server().await;
    let port = leader.address().port();
    Mock::given(method("POST"))
        .and(path("/api/v1"))
        .respond_with(
            ResponseTemplate::new(307)
                .insert_header("location", format!("//127.0.0.1:{port}/api/v1").as_str()),
        )
        .expect(1)
        .mount(&standby)
        .await;
    expect_call(
        &leader,
        json!({"type": "GET_HEALTH"}),
        200,
        Some(json!({"type": "GET_HEALTH", "get_health": {"healthy": true}})),
    )
    .await;
    expect_call(
        &leader,
        json!({"type": "GET_VERSION"}),
        200,
        Some(
            json!({"type": "GET_VERSION", "get_version": {"version_info": {"version": "1.11.0"}}}),
        ),
    )
    .await;
    let mesos = MesosClient::new(common::core(&standby));
    assert!(mesos.operator().get_health().await.unwrap().healthy);
    assert_eq!(
        mesos.core().leader().unwrap().port(),
        Some(port),
        "the leader is remembered"
    );
    // The second call goes straight to the leader: the standby expects one.
    mesos.operator().get_version().await.unwrap();
    standby.verify().await;
    leader.verify().await;
}

#[tokio::test]
async fn a_503_is_no_leader() {
    let server = common::guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1"))
        .respond_with(ResponseTemplate::new(503).set_body_string("No leader elected"))
        .expect(1..)
        .mount(&server)
        .await;
    let mesos = MesosClient::new(common::core(&server));
    let err = mesos.operator().get_state().await.unwrap_err();
    assert!(matches!(err, Error::NoLeader { .. }), "{err:?}");
    assert_eq!(err.message(), Some("No leader elected"));
}

#[tokio::test]
async fn a_bad_answer_names_the_failing_field() {
    let server = common::guarded_server().await;
    expect_call(
        &server,
        json!({"type": "GET_HEALTH"}),
        200,
        Some(json!({"type": "GET_HEALTH", "get_health": {"healthy": "yes"}})),
    )
    .await;
    let mesos = MesosClient::new(common::core(&server));
    let err = mesos.operator().get_health().await.unwrap_err();
    let text = format!("{err:?}");
    assert!(text.contains("healthy"), "{text}");
}
