//! `mesos_build_agents` end to end against a fake master on loopback that
//! streams events (the streaming server of mesos-client's tests): offers in,
//! two agents launched and running, the spare offer declined, offers
//! suppressed, the agents killed and the framework torn down.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "../../mesos-client/tests/common/stream_server.rs"]
mod stream_server;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use base64::Engine as _;
use dcos_examples::mesos_agents::{AgentsArgs, parse_args, run_framework};
use mesos_client::scheduler::Scheduler;
use serde_json::{Value, json};
use stream_server::{Recorded, Reply, StreamServer};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

fn scalar(name: &str, value: f64) -> Value {
    json!({"name": name, "type": "SCALAR", "scalar": {"value": value}})
}

fn update(task: &Value, agent: &Value, state: &str, n: usize) -> String {
    json!({"type": "UPDATE", "update": {"status": {
        "task_id": task, "agent_id": agent, "state": state,
        "uuid": base64::engine::general_purpose::STANDARD.encode([n as u8; 16])
    }}})
    .to_string()
}

#[tokio::test]
async fn launches_runs_kills_and_tears_down() {
    let stream: Arc<Mutex<Option<UnboundedSender<String>>>> = Arc::default();
    let counter = Arc::new(Mutex::new(0usize));
    let master = {
        let stream = Arc::clone(&stream);
        StreamServer::start(move |r: &Recorded| {
            let body = r.json();
            let tx = stream.lock().unwrap().clone();
            let mut n = counter.lock().unwrap();
            match body["type"].as_str().unwrap() {
                "SUBSCRIBE" => {
                    let (tx, rx) = unbounded_channel();
                    tx.send(json!({"type": "SUBSCRIBED", "subscribed": {
                        "framework_id": {"value": "fw-1"}, "heartbeat_interval_seconds": 15}})
                        .to_string())
                        .unwrap();
                    let offer = |id: &str, cpus: f64| json!({
                        "id": {"value": id}, "framework_id": {"value": "fw-1"},
                        "agent_id": {"value": format!("agent-{id}")}, "hostname": "h",
                        "resources": [scalar("cpus", cpus), scalar("mem", 16384.0), scalar("disk", 100000.0)]});
                    tx.send(json!({"type": "OFFERS", "offers": {"offers": [offer("big", 4.0), offer("tiny", 0.5)]}}).to_string())
                        .unwrap();
                    *stream.lock().unwrap() = Some(tx);
                    Reply::Stream {
                        headers: vec![("Mesos-Stream-Id".into(), "sid-1".into())],
                        records: rx,
                    }
                }
                "ACCEPT" => {
                    for op in body["accept"]["operations"].as_array().unwrap() {
                        for task in op["launch"]["task_infos"].as_array().unwrap() {
                            *n += 1;
                            tx.as_ref().unwrap()
                                .send(update(&task["task_id"], &task["agent_id"], "TASK_RUNNING", *n))
                                .unwrap();
                        }
                    }
                    Reply::status(202, "")
                }
                "KILL" => {
                    *n += 1;
                    let kill = &body["kill"];
                    tx.as_ref().unwrap()
                        .send(update(&kill["task_id"], &kill["agent_id"], "TASK_KILLED", *n))
                        .unwrap();
                    Reply::status(202, "")
                }
                _ => Reply::status(202, ""),
            }
        })
        .await
    };
    let core = dcos_auth::HttpCore::direct(&master.url, dcos_auth::Credentials::None).unwrap();
    let mut args: AgentsArgs = parse_args(["--agents", "2", "--hold", "0"]).unwrap();
    args.master = Some(master.url.clone());
    let mut out = Vec::new();
    tokio::time::timeout(
        Duration::from_secs(10),
        run_framework(&Scheduler::new(core), &args, &mut out),
    )
    .await
    .expect("the framework did not finish")
    .unwrap();
    let out = String::from_utf8(out).unwrap();
    assert!(out.contains("subscribed as fw-1"), "{out}");
    assert!(out.contains("torn down"), "{out}");

    let requests = master.requests();
    let kinds: Vec<String> = requests
        .iter()
        .map(|r| r.json()["type"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(kinds.first().map(String::as_str), Some("SUBSCRIBE"));
    assert_eq!(kinds.last().map(String::as_str), Some("TEARDOWN"));
    let count = |k: &str| kinds.iter().filter(|x| *x == k).count();
    assert_eq!(count("ACCEPT"), 1, "{kinds:?}");
    assert_eq!(count("DECLINE"), 1, "{kinds:?}");
    assert_eq!(count("SUPPRESS"), 1, "{kinds:?}");
    assert_eq!(count("KILL"), 2, "{kinds:?}");
    assert_eq!(count("ACKNOWLEDGE"), 4, "{kinds:?}");
    let accept = requests
        .iter()
        .find(|r| r.json()["type"] == "ACCEPT")
        .unwrap()
        .json();
    let tasks = accept["accept"]["operations"][0]["launch"]["task_infos"]
        .as_array()
        .unwrap();
    assert_eq!(tasks.len(), 2);
    for task in tasks {
        assert_eq!(task["container"]["docker"]["privileged"], true);
        assert!(!task.to_string().contains("docker.sock"));
    }
    let decline = requests
        .iter()
        .find(|r| r.json()["type"] == "DECLINE")
        .unwrap()
        .json();
    assert_eq!(decline["decline"]["offer_ids"], json!([{"value": "tiny"}]));
    assert_eq!(decline["decline"]["filters"]["refuse_seconds"], 3600.0);
    for r in &requests[1..] {
        assert_eq!(r.header("mesos-stream-id"), Some("sid-1"));
        assert_eq!(r.json()["framework_id"], json!({"value": "fw-1"}));
    }
}
