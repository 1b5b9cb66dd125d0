//! The operator API and the legacy endpoints, through mesos-client and
//! with plain HTTP.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use dcos_auth::{Cluster, Credentials};
use dcos_sim::{AgentSpec, TaskSpec, TaskState};
use futures_util::StreamExt;
use mesos_client::MesosClient;
use mesos_client::models::OperatorEvent;
use serde_json::json;

fn mesos(cluster: &dcos_sim::SimCluster) -> MesosClient {
    let su = cluster.superuser();
    let dcos = Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        .build()
        .unwrap();
    MesosClient::new(dcos.path("mesos"))
}

#[tokio::test]
async fn our_client_reads_health_version_master_agents_and_state() {
    let cluster = fast()
        .agents(0)
        .agent(
            AgentSpec::default()
                .cpus(8.0)
                .mem(16384.0)
                .attribute("rack", "r1"),
        )
        .agent(AgentSpec::default().ports([(20000, 20009)]))
        .start()
        .await
        .unwrap();
    let mesos = mesos(&cluster);
    let op = mesos.operator();
    assert!(op.get_health().await.unwrap().healthy);
    let flags = op.get_flags().await.unwrap().flags;
    let heartbeat = flags
        .iter()
        .find(|f| f.name == "heartbeat_interval")
        .unwrap();
    assert_eq!(heartbeat.value.as_deref(), Some("15secs"));
    assert_eq!(
        op.get_version().await.unwrap().version_info.version,
        dcos_sim::MESOS_VERSION
    );
    let master = op.get_master().await.unwrap().master_info.unwrap();
    assert_eq!(
        master.port as u16,
        cluster
            .url()
            .rsplit(':')
            .next()
            .unwrap()
            .parse::<u16>()
            .unwrap()
    );
    let agents = op.get_agents().await.unwrap();
    assert_eq!(agents.agents.len(), 2);
    let summary = mesos_client::resources::summarize(&agents.resources());
    assert_eq!(summary.agents, 2);
    assert_eq!(summary.total.scalar("cpus").to_string(), "12");
    let first = &agents.agents[0];
    assert_eq!(first.version, dcos_sim::MESOS_VERSION);
    // Launch one task through the crate API; GET_STATE shows it.
    let fw = cluster
        .mesos()
        .register_framework("web-scheduler", "slave_public", "web");
    let view = cluster
        .mesos()
        .launch(
            &fw,
            TaskSpec::new("web.1", "web")
                .resources(1.0, 128.0, 0.0)
                .ports(2),
        )
        .unwrap();
    assert_eq!(view.ports, [31000, 31001]);
    let state = op.get_state().await.unwrap();
    assert_eq!(state.get_tasks.tasks.len(), 1);
    // Marathon and Jenkins are registered from the start, as on DC/OS.
    let mut names: Vec<&str> = state
        .get_frameworks
        .frameworks
        .iter()
        .map(|f| f.framework_info.name.as_str())
        .collect();
    names.sort_unstable();
    assert_eq!(names, ["Jenkins Scheduler", "marathon", "web-scheduler"]);
    assert_eq!(state.get_agents.agents.len(), 2);
    let tasks = op.get_tasks().await.unwrap();
    assert_eq!(tasks.tasks[0].task_id.as_str(), "web.1");
    let frameworks = op.get_frameworks().await.unwrap();
    let ours = frameworks
        .frameworks
        .iter()
        .find(|f| f.framework_info.id.as_ref().map(|id| id.as_str()) == Some(fw.as_str()))
        .unwrap();
    assert_eq!(ours.framework_info.name, "web-scheduler");
}

#[tokio::test]
async fn operator_calls_answer_exact_json() {
    let cluster = fast().agents(1).start().await.unwrap();
    let raw = Raw::new(&cluster).await;
    assert_eq!(
        raw.operator("GET_HEALTH").await,
        json!({"type": "GET_HEALTH", "get_health": {"healthy": true}})
    );
    let agents = raw.operator("GET_AGENTS").await;
    let agent = &agents["get_agents"]["agents"][0];
    assert_eq!(agent["active"], true);
    assert_eq!(agent["agent_info"]["port"], 5051);
    let resources = agent["total_resources"].as_array().unwrap();
    let ports = resources.iter().find(|r| r["name"] == "ports").unwrap();
    assert_eq!(ports["type"], "RANGES");
    assert_eq!(
        ports["ranges"]["range"][0],
        json!({"begin": 31000, "end": 32000})
    );
    assert_eq!(ports["role"], "*");
    assert!(agent["registered_time"]["nanoseconds"].is_i64());
    // Empty repeated fields are left out, as protobuf JSON does.
    let tasks = raw.operator("GET_TASKS").await;
    assert_eq!(tasks, json!({"type": "GET_TASKS", "get_tasks": {}}));
}

#[tokio::test]
async fn bad_operator_requests_get_the_masters_answers() {
    let cluster = start().await;
    let raw = Raw::new(&cluster).await;
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "NOPE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "GET_QUOTA"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 501);
    assert!(r.text().await.unwrap().contains("GET_QUOTA"));
    let r = raw.post("/mesos/api/v1", &json!({})).send().await.unwrap();
    assert_eq!(r.status(), 400);
    let r = http()
        .post(format!("{}/mesos/api/v1", cluster.url()))
        .header("Authorization", format!("token={}", raw.token))
        .body("{\"type\":\"GET_HEALTH\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400, "no Content-Type");
    // Without a token, Admin Router answers first.
    let r = http()
        .post(format!("{}/mesos/api/v1", cluster.url()))
        .header("Content-Type", "application/json")
        .body("{\"type\":\"GET_HEALTH\"}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 401);
    // TEARDOWN of an unknown framework.
    let r = raw
        .post(
            "/mesos/api/v1",
            &json!({"type": "TEARDOWN", "teardown": {"framework_id": {"value": "x"}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
}

#[tokio::test]
async fn our_client_subscribes_to_operator_events() {
    let cluster = fast().agents(1).start().await.unwrap();
    let mesos = mesos(&cluster);
    let mut events = mesos.operator().subscribe().await.unwrap();
    let Some(Ok(OperatorEvent::Subscribed(subscribed))) = events.next().await else {
        panic!("SUBSCRIBED first")
    };
    assert_eq!(subscribed.get_state.unwrap().get_agents.agents.len(), 1);
    let api = cluster.mesos();
    let fw = api.register_framework("jenkins", "*", "jenkins");
    api.launch(
        &fw,
        TaskSpec::new("agent-1", "jenkins-agent").resources(0.5, 512.0, 0.0),
    )
    .unwrap();
    let mut kinds = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while kinds.iter().filter(|k| **k == "TASK_UPDATED").count() < 2 {
            match events.next().await.unwrap().unwrap() {
                OperatorEvent::Heartbeat => kinds.push("HEARTBEAT"),
                OperatorEvent::FrameworkAdded(_) => kinds.push("FRAMEWORK_ADDED"),
                OperatorEvent::TaskAdded(added) => {
                    assert_eq!(added.task.task_id.as_str(), "agent-1");
                    kinds.push("TASK_ADDED")
                }
                OperatorEvent::TaskUpdated(_) => kinds.push("TASK_UPDATED"),
                _ => kinds.push("OTHER"),
            }
        }
    })
    .await
    .unwrap();
    let order: Vec<&str> = kinds.into_iter().filter(|k| *k != "HEARTBEAT").collect();
    assert_eq!(
        order,
        [
            "FRAMEWORK_ADDED",
            "TASK_ADDED",
            "TASK_UPDATED",
            "TASK_UPDATED"
        ]
    );
}

#[tokio::test]
async fn the_operator_stream_is_recordio_with_heartbeats() {
    let cluster = fast().agents(1).start().await.unwrap();
    let raw = Raw::new(&cluster).await;
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "SUBSCRIBE"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/json");
    assert_eq!(r.headers()["transfer-encoding"], "chunked");
    let mut stream = RawStream::new(r);
    let first = stream.next().await.unwrap().unwrap();
    assert_eq!(first["type"], "SUBSCRIBED");
    assert_eq!(first["subscribed"]["heartbeat_interval_seconds"], 15.0);
    assert!(first["subscribed"]["get_state"]["get_agents"]["agents"].is_array());
    assert_eq!(
        stream.next().await.unwrap().unwrap(),
        json!({"type": "HEARTBEAT"})
    );
    // 15 simulated seconds are 75 ms here.
    stream.next_of("HEARTBEAT").await;
    let lost = cluster.mesos().agents()[0].id.clone();
    assert!(cluster.faults().agent_lost(&lost));
    let removed = stream.next_of("AGENT_REMOVED").await;
    assert_eq!(removed["agent_removed"]["agent_id"]["value"], lost.as_str());
}

#[tokio::test]
async fn streams_honour_accept_recordio_and_message_accept() {
    let cluster = start().await;
    let raw = Raw::new(&cluster).await;
    let subscribe = json!({"type": "SUBSCRIBE"});
    let r = raw
        .post("/mesos/api/v1", &subscribe)
        .header("Accept", "application/recordio")
        .header("Message-Accept", "application/json")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["content-type"], "application/recordio");
    assert_eq!(r.headers()["message-content-type"], "application/json");
    assert_eq!(
        RawStream::new(r).next().await.unwrap().unwrap()["type"],
        "SUBSCRIBED"
    );
    let r = raw
        .post("/mesos/api/v1", &subscribe)
        .header("Accept", "application/recordio")
        .header("Message-Accept", "application/x-protobuf")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
    // A call that does not stream cannot be RecordIO.
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "GET_HEALTH"}))
        .header("Accept", "application/recordio")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
}

#[tokio::test]
async fn legacy_state_and_redirect() {
    let cluster = fast().agents(2).start().await.unwrap();
    let mesos = mesos(&cluster);
    let fw = cluster
        .mesos()
        .register_framework("marathon", "*", "marathon");
    cluster
        .mesos()
        .launch(
            &fw,
            TaskSpec::new("a.1", "a").resources(1.0, 64.0, 0.0).ports(1),
        )
        .unwrap();
    let state = mesos.legacy().state().await.unwrap();
    assert_eq!(state.slaves.len(), 2);
    let ours = state.frameworks.iter().find(|f| f.id == fw).unwrap();
    assert_eq!(ours.tasks[0].id, "a.1");
    let raw = Raw::new(&cluster).await;
    let body: serde_json::Value = http()
        .get(format!("{}/mesos/master/state", cluster.url()))
        .header("Authorization", format!("token={}", raw.token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(body["slaves"][0]["resources"]["ports"], "[31000-32000]");
    let ours = body["frameworks"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["id"] == fw.as_str())
        .unwrap();
    assert_eq!(ours["tasks"][0]["resources"]["ports"], "[31000-31000]");
    assert_eq!(ours["tasks"][0]["slave_id"], body["slaves"][0]["id"]);
    let summary = mesos.legacy().state_summary().await.unwrap();
    // Ours, Marathon's and Jenkins's.
    assert_eq!(summary.frameworks.len(), 3);
    assert_eq!(
        mesos.legacy().frameworks().await.unwrap().frameworks.len(),
        3
    );
    // The redirect: 307 to the leader, protocol-relative.
    let r = http()
        .get(format!("{}/mesos/master/redirect", cluster.url()))
        .header("Authorization", format!("token={}", raw.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 307);
    let authority = cluster.url().trim_start_matches("http:");
    assert_eq!(r.headers()["location"], authority);
    let leader = mesos.legacy().leader().await.unwrap();
    assert_eq!(leader.as_str(), format!("{}/", cluster.url()));
}

#[tokio::test]
async fn tasks_of_the_crate_api_run_on_the_clock_and_free_their_resources() {
    let cluster = fast().agents(1).start().await.unwrap();
    let api = cluster.mesos();
    let fw = api.register_framework("jenkins", "*", "jenkins");
    let mut updates = api.task_updates();
    api.launch(
        &fw,
        TaskSpec::new("build-1", "build")
            .resources(2.0, 1024.0, 0.0)
            .run_for(Duration::from_secs(10), TaskState::Finished)
            .image("mesosphere/jenkins-dind:0.9.0")
            .label("ci", "jenkins"),
    )
    .unwrap();
    assert_eq!(api.agents()[0].free.cpus, 2.0);
    let err = api
        .launch(
            &fw,
            TaskSpec::new("build-2", "build").resources(3.0, 1.0, 0.0),
        )
        .unwrap_err();
    assert!(
        matches!(err, dcos_sim::LaunchError::NoResources { .. }),
        "{err}"
    );
    let err = api
        .launch(
            &fw,
            TaskSpec::new("build-1", "build").resources(0.1, 1.0, 0.0),
        )
        .unwrap_err();
    assert_eq!(err, dcos_sim::LaunchError::DuplicateTask("build-1".into()));
    let mut states = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while states.last() != Some(&TaskState::Finished) {
            states.push(updates.recv().await.unwrap().state);
        }
    })
    .await
    .unwrap();
    assert_eq!(
        states,
        [TaskState::Starting, TaskState::Running, TaskState::Finished]
    );
    assert_eq!(api.agents()[0].free.cpus, 4.0);
    assert!(api.tasks().is_empty());
    // Killing goes through TASK_KILLING (the framework has the capability).
    let view = api
        .launch(
            &fw,
            TaskSpec::new("build-3", "build").resources(1.0, 1.0, 0.0),
        )
        .unwrap();
    assert_eq!(view.state, TaskState::Staging);
    assert!(api.kill(&fw, "build-3"));
    let mut states = Vec::new();
    tokio::time::timeout(Duration::from_secs(5), async {
        while states.last() != Some(&TaskState::Killed) {
            states.push(updates.recv().await.unwrap().state);
        }
    })
    .await
    .unwrap();
    assert_eq!(states, [TaskState::Killing, TaskState::Killed]);
    assert!(!api.kill(&fw, "build-3"));
    assert_eq!(api.agents()[0].free.cpus, 4.0);
    // finish() ends a task at once.
    api.launch(
        &fw,
        TaskSpec::new("build-4", "build").resources(1.0, 1.0, 0.0),
    )
    .unwrap();
    assert!(api.finish(&fw, "build-4", TaskState::Failed));
    assert_eq!(api.agents()[0].free.cpus, 4.0);
}
