//! The simulator's answers have the keys and JSON types of the upstream
//! examples under ../shared/upstream (skipped with a notice when absent):
//! every key of an example is present with the same type, recursively
//! (first array element); the simulator may add keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::path::Path;
use std::time::Duration;

use common::*;
use serde_json::{Value, json};

/// Keys of an upstream example that the simulator leaves out on purpose.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    // The doc example names TaskStatus's `data` field `bytes` (REPORT §7).
    ("scheduler_event_update.json", ".update.status.bytes"),
    // Protobuf JSON leaves empty repeated fields out; the doc example
    // writes them as `[]`.
    (
        "operator_event_framework_added.json",
        ".framework_added.framework.allocated_resources",
    ),
    (
        "operator_event_framework_added.json",
        ".framework_added.framework.inverse_offers",
    ),
];

fn compare(file: &str, expected: &Value, got: &Value, path: &str, errors: &mut Vec<String>) {
    if KNOWN_DIFFERENCES.contains(&(file, path)) {
        return;
    }
    if kind(expected) != kind(got) {
        errors.push(format!(
            "{file}: {path}: {} upstream, {} here",
            kind(expected),
            kind(got)
        ));
        return;
    }
    match (expected, got) {
        (Value::Object(e), Value::Object(g)) => {
            for (k, ev) in e {
                let p = format!("{path}.{k}");
                if KNOWN_DIFFERENCES.contains(&(file, p.as_str())) {
                    continue;
                }
                match g.get(k) {
                    Some(gv) => compare(file, ev, gv, &p, errors),
                    None => errors.push(format!("{file}: {p} is missing here")),
                }
            }
        }
        (Value::Array(e), Value::Array(g)) => {
            if let (Some(ev), Some(gv)) = (e.first(), g.first()) {
                compare(file, ev, gv, &format!("{path}[0]"), errors);
            }
        }
        _ => {}
    }
}

fn read(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join(file)).unwrap())
        .unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// A cluster with a framework, an executor, a running and a completed task.
async fn populated() -> (dcos_sim::SimCluster, Raw, Vec<Value>) {
    let cluster = fast().agents(1).start().await.unwrap();
    let raw = Raw::new(&cluster).await;
    let info = json!({
        "user": "root", "name": "default", "hostname": "myhost", "principal": "my-principal",
        "role": "*", "checkpoint": false, "failover_timeout": 3600.0,
    });
    let (sid, fid, mut stream) = raw.subscribe(info).await;
    let mut events = Vec::new();
    let offers = stream.next_of("OFFERS").await;
    events.push(offers.clone());
    let offer = &offers["offers"]["offers"][0];
    let agent = offer["agent_id"]["value"].as_str().unwrap();
    let executor = json!({
        "type": "DEFAULT",
        "executor_id": { "value": "default" },
        "framework_id": { "value": fid },
        "command": { "shell": true, "value": "" },
        "resources": [{ "name": "cpus", "type": "SCALAR", "scalar": { "value": 0.1 } }],
    });
    let mut tasks = vec![
        task("test-task", agent, 0.5, 64.0, "serve"),
        task("test", agent, 0.5, 64.0, "serve"),
    ];
    for t in &mut tasks {
        t.as_object_mut().unwrap().remove("command");
    }
    let r = raw
        .call(
            &sid,
            json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
                "offer_ids": [offer["id"]],
                "operations": [{ "type": "LAUNCH_GROUP", "launch_group": {
                    "executor": executor, "task_group": { "tasks": tasks } } }],
            }}),
        )
        .await;
    assert_eq!(r.status(), 202);
    let update = stream.next_of("UPDATE").await;
    events.push(update);
    let fw = json!({ "value": fid });
    raw.call(
        &sid,
        json!({ "framework_id": fw, "type": "KILL", "kill": { "task_id": { "value": "test-task" } } }),
    )
    .await;
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let u = stream.next_of("UPDATE").await;
            if u["update"]["status"]["state"] == "TASK_KILLED" {
                return;
            }
        }
    })
    .await
    .unwrap();
    // Let the other task reach TASK_RUNNING.
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let t = raw.operator("GET_TASKS").await;
            if t["get_tasks"]["tasks"][0]["state"] == "TASK_RUNNING" {
                return;
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap();
    // Keep the scheduler connected while the test reads.
    tokio::spawn(async move { while let Ok(Some(_)) = stream.next().await {} });
    (cluster, raw, events)
}

#[tokio::test]
async fn operator_and_scheduler_answers_match_upstream_shapes() {
    let Some(dir) = upstream("mesos") else {
        return;
    };
    let (cluster, raw, events) = populated().await;
    let mut errors = Vec::new();
    for (file, call) in [
        ("operator_get_state_response.json", "GET_STATE"),
        ("operator_get_frameworks_response.json", "GET_FRAMEWORKS"),
        ("operator_get_tasks_response.json", "GET_TASKS"),
        ("operator_get_executors_response.json", "GET_EXECUTORS"),
        ("operator_get_health_response.json", "GET_HEALTH"),
        ("operator_get_version_response.json", "GET_VERSION"),
        ("operator_get_master_response.json", "GET_MASTER"),
    ] {
        let got = raw.operator(call).await;
        compare(file, &read(&dir, file), &got, "", &mut errors);
    }
    // The scheduler's SUBSCRIBED and UPDATE.
    let (_sid, _fid, _stream) = raw.subscribe(framework("shape")).await;
    let r = raw
        .post(
            "/mesos/api/v1/scheduler",
            &json!({ "type": "SUBSCRIBE", "subscribe": { "framework_info": framework("shape2") } }),
        )
        .send()
        .await
        .unwrap();
    let subscribed = RawStream::new(r).next().await.unwrap().unwrap();
    let file = "scheduler_subscribe_response_first_event.json";
    compare(file, &read(&dir, file), &subscribed, "", &mut errors);
    let file = "scheduler_event_update.json";
    compare(file, &read(&dir, file), &events[1], "", &mut errors);
    // The operator stream's first event wraps GET_STATE.
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "SUBSCRIBE"}))
        .send()
        .await
        .unwrap();
    let first = RawStream::new(r).next().await.unwrap().unwrap();
    compare(
        "operator_get_state_response.json (SUBSCRIBED)",
        &read(&dir, "operator_get_state_response.json")["get_state"],
        &first["subscribed"]["get_state"],
        "",
        &mut errors,
    );
    // Legacy /master/state.
    let legacy: Value = http()
        .get(format!("{}/mesos/master/state", cluster.url()))
        .header("Authorization", format!("token={}", raw.token))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let file = "legacy_master_state_response.json";
    compare(file, &read(&dir, file), &legacy, "", &mut errors);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}

#[tokio::test]
async fn operator_events_match_upstream_shapes() {
    let Some(dir) = upstream("mesos") else {
        return;
    };
    let cluster = fast().agents(1).start().await.unwrap();
    let raw = Raw::new(&cluster).await;
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "SUBSCRIBE"}))
        .send()
        .await
        .unwrap();
    let mut stream = RawStream::new(r);
    stream.next_of("SUBSCRIBED").await;
    let api = cluster.mesos();
    let fw = api.register_framework("f", "*", "p");
    api.launch(
        &fw,
        dcos_sim::TaskSpec::new("t", "t").resources(1.0, 1.0, 0.0),
    )
    .unwrap();
    let mut errors = Vec::new();
    for (file, kind) in [
        ("operator_event_framework_added.json", "FRAMEWORK_ADDED"),
        ("operator_event_task_added.json", "TASK_ADDED"),
    ] {
        let got = stream.next_of(kind).await;
        let mut expected = read(&dir, file);
        // The doc example's task carries a `command`, which is optional.
        if let Some(task) = expected.pointer_mut("/task_added/task") {
            task.as_object_mut().unwrap().remove("command");
        }
        compare(file, &expected, &got, "", &mut errors);
    }
    let updated = stream.next_of("TASK_UPDATED").await;
    // The doc example is not `master.proto`'s TaskUpdated (it lacks
    // `status`), so compare only the keys both have.
    let expected = read(&dir, "operator_event_task_updated.json");
    for key in ["framework_id", "state"] {
        compare(
            "operator_event_task_updated.json",
            &expected["task_updated"][key],
            &updated["task_updated"][key],
            &format!(".task_updated.{key}"),
            &mut errors,
        );
    }
    assert!(updated["task_updated"]["status"]["task_id"]["value"].is_string());
    api.kill(&fw, "t");
    let lost = api.agents()[0].id.clone();
    cluster.faults().agent_lost(&lost);
    let removed = stream.next_of("AGENT_REMOVED").await;
    let file = "operator_event_agent_removed.json";
    compare(file, &read(&dir, file), &removed, "", &mut errors);
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
