//! The scheduler API: through mesos-client's Scheduler, and with plain HTTP
//! for exact statuses, headers and the RecordIO stream.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use dcos_auth::{Cluster, Credentials};
use futures_util::StreamExt;
use mesos_client::docker::{CommandInfo, TaskInfoBuilder};
use mesos_client::resources::Resource;
use mesos_client::scheduler::{Event, FrameworkInfoBuilder, Scheduler};
use serde_json::{Value, json};

fn client(cluster: &dcos_sim::SimCluster) -> Cluster {
    let su = cluster.superuser();
    Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        .build()
        .unwrap()
}

async fn next_event(events: &mut mesos_client::scheduler::EventStream, want: &str) -> Event {
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let event = events.next().await.unwrap().unwrap();
            let name = match &event {
                Event::Subscribed(_) => "SUBSCRIBED",
                Event::Offers(_) => "OFFERS",
                Event::Update(_) => "UPDATE",
                Event::Heartbeat => "HEARTBEAT",
                Event::Rescind(_) => "RESCIND",
                Event::Error(_) => "ERROR",
                _ => "OTHER",
            };
            if name == want {
                return event;
            }
        }
    })
    .await
    .unwrap_or_else(|_| panic!("no {want} within 5 s"))
}

#[tokio::test]
async fn our_scheduler_subscribes_launches_acknowledges_and_kills() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let dcos = client(&cluster);
    let scheduler = Scheduler::new(dcos.path("mesos"));
    let info = FrameworkInfoBuilder::new("root", "sim-test").build();
    let (handle, mut events) = scheduler.subscribe(info).await.unwrap();
    let Event::Subscribed(subscribed) = next_event(&mut events, "SUBSCRIBED").await else {
        unreachable!()
    };
    assert_eq!(subscribed.heartbeat_interval_seconds.unwrap().0, 15.0);
    assert!(handle.stream_id().is_some());
    let Event::Offers(offers) = next_event(&mut events, "OFFERS").await else {
        unreachable!()
    };
    let offer = &offers[0];
    assert_eq!(
        offer.resources.iter().filter(|r| r.name == "cpus").count(),
        1
    );
    let task = TaskInfoBuilder::new("web", "web-1", offer.agent_id.as_str())
        .resources(vec![
            Resource::scalar("cpus", 1.0),
            Resource::scalar("mem", 128.0),
        ])
        .command(CommandInfo::shell("python3 -m http.server"))
        .build();
    handle.launch(offer, vec![task]).await.unwrap();
    let mut seen = Vec::new();
    while seen.last().map(String::as_str) != Some("TASK_RUNNING") {
        let Event::Update(status) = next_event(&mut events, "UPDATE").await else {
            unreachable!()
        };
        assert_eq!(status.task_id.as_str(), "web-1");
        assert!(status.uuid.is_some(), "updates carry a uuid");
        assert!(handle.acknowledge(&status).await.unwrap());
        seen.push(
            serde_json::to_value(&status.state)
                .unwrap()
                .as_str()
                .unwrap()
                .to_owned(),
        );
    }
    assert_eq!(seen, ["TASK_STARTING", "TASK_RUNNING"]);
    // The task's acknowledged: GET_TASKS shows no pending uuid.
    let raw = Raw::new(&cluster).await;
    let tasks = raw.operator("GET_TASKS").await;
    let t = &tasks["get_tasks"]["tasks"][0];
    assert_eq!(t["state"], "TASK_RUNNING");
    handle
        .kill(mesos_client::resources::TaskId::new("web-1"), None)
        .await
        .unwrap();
    let Event::Update(status) = next_event(&mut events, "UPDATE").await else {
        unreachable!()
    };
    assert_eq!(
        serde_json::to_value(&status.state).unwrap(),
        json!("TASK_KILLED")
    );
    handle.acknowledge(&status).await.unwrap();
    let tasks = raw.operator("GET_TASKS").await;
    assert_eq!(
        tasks["get_tasks"]["completed_tasks"][0]["state"],
        "TASK_KILLED"
    );
    assert!(tasks["get_tasks"].get("tasks").is_none());
}

#[tokio::test]
async fn offers_shrink_as_tasks_launch_and_grow_back_when_they_end() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("shrink")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    assert_eq!(offered(offer, "cpus"), 4.0);
    let agent = offer["agent_id"]["value"].as_str().unwrap().to_owned();
    let accept = |offer: &Value, tasks: Vec<Value>| {
        json!({
            "framework_id": { "value": fid },
            "type": "ACCEPT",
            "accept": {
                "offer_ids": [offer["id"]],
                "operations": [{ "type": "LAUNCH", "launch": { "task_infos": tasks } }],
                "filters": { "refuse_seconds": 0.0 },
            },
        })
    };
    let r = raw
        .call(
            &sid,
            accept(offer, vec![task("a", &agent, 1.5, 256.0, "sleep 3600")]),
        )
        .await;
    assert_eq!(r.status(), 202);
    assert_eq!(r.text().await.unwrap(), "");
    // The next offer has what is left.
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    assert_eq!(offered(offer, "cpus"), 2.5);
    assert_eq!(offered(offer, "mem"), 8192.0 - 256.0);
    let r = raw
        .call(
            &sid,
            accept(offer, vec![task("b", &agent, 2.5, 256.0, "sleep 1000")]),
        )
        .await;
    assert_eq!(r.status(), 202);
    let agents = raw.operator("GET_AGENTS").await;
    let allocated = &agents["get_agents"]["agents"][0]["allocated_resources"];
    let cpus: f64 = allocated
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == "cpus")
        .map(|r| r["scalar"]["value"].as_f64().unwrap())
        .sum();
    assert_eq!(cpus, 4.0);
    // Killing `a` gives its cpus back.
    let r = raw
        .call(
            &sid,
            json!({ "framework_id": { "value": fid }, "type": "KILL", "kill": { "task_id": { "value": "a" } } }),
        )
        .await;
    assert_eq!(r.status(), 202);
    loop {
        let update = stream.next_of("UPDATE").await;
        if update["update"]["status"]["task_id"]["value"] == "a"
            && update["update"]["status"]["state"] == "TASK_KILLED"
        {
            break;
        }
    }
    let offers = stream.next_of("OFFERS").await;
    assert_eq!(offered(&offers["offers"]["offers"][0], "cpus"), 1.5);
}

#[tokio::test]
async fn a_sleep_command_finishes_on_the_clock_and_frees_its_resources() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("sleeper")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    let agent = offer["agent_id"]["value"].as_str().unwrap();
    raw.call(
        &sid,
        json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
            "offer_ids": [offer["id"]],
            "operations": [{ "type": "LAUNCH", "launch": { "task_infos": [task("nap", agent, 1.0, 64.0, "sleep 2")] } }],
        }}),
    )
    .await;
    let mut states = Vec::new();
    while states.last().map(String::as_str) != Some("TASK_FINISHED") {
        let u = stream.next_of("UPDATE").await;
        states.push(u["update"]["status"]["state"].as_str().unwrap().to_owned());
    }
    assert_eq!(states, ["TASK_STARTING", "TASK_RUNNING", "TASK_FINISHED"]);
    let agents = raw.operator("GET_AGENTS").await;
    assert!(
        agents["get_agents"]["agents"][0]
            .get("allocated_resources")
            .is_none()
    );
}

#[tokio::test]
async fn stream_ids_are_enforced() {
    let cluster = start().await;
    let raw = Raw::new(&cluster).await;
    let (sid, fid, _stream) = raw.subscribe(framework("ids")).await;
    let revive = json!({ "framework_id": { "value": fid }, "type": "REVIVE" });
    // Missing header: 400.
    let r = raw
        .post("/mesos/api/v1/scheduler", &revive)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.text().await.unwrap(),
        "All non-subscribe calls should include the 'Mesos-Stream-Id' header"
    );
    // Wrong header: 400.
    let r = raw.call("not-the-id", revive.clone()).await;
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .contains("didn't match the stream ID")
    );
    // The right one: 202.
    assert_eq!(raw.call(&sid, revive.clone()).await.status(), 202);
    // SUBSCRIBE with a stream id: 400.
    let r = raw
        .call(
            &sid,
            json!({ "type": "SUBSCRIBE", "subscribe": { "framework_info": framework("x") } }),
        )
        .await;
    assert_eq!(r.status(), 400);
    // No framework id: 400; an unknown one: 400.
    let r = raw.call(&sid, json!({ "type": "REVIVE" })).await;
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("'framework_id'"));
    let r = raw
        .call(
            &sid,
            json!({ "framework_id": { "value": "nope" }, "type": "REVIVE" }),
        )
        .await;
    assert_eq!(r.status(), 400);
    assert_eq!(r.text().await.unwrap(), "Framework cannot be found");
    // Not subscribed any more (the stream closed): 403.
    drop(_stream);
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let r = raw.call(&sid, revive.clone()).await;
            if r.status() == 403 {
                assert_eq!(r.text().await.unwrap(), "Framework is not subscribed");
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn bad_requests_get_the_masters_answers() {
    let cluster = start().await;
    let raw = Raw::new(&cluster).await;
    let url = format!("{}/mesos/api/v1/scheduler", cluster.url());
    let auth = format!("token={}", raw.token);
    let r = http()
        .post(&url)
        .header("Authorization", &auth)
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.text().await.unwrap(),
        "Expecting 'Content-Type' to be present"
    );
    let r = http()
        .post(&url)
        .header("Authorization", &auth)
        .header("Content-Type", "application/x-protobuf")
        .body("x")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 415);
    let r = raw
        .post("/mesos/api/v1/scheduler", &json!({"type": "SUBSCRIBE"}))
        .header("Accept", "text/html")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 406);
    let r = http()
        .post(&url)
        .header("Authorization", &auth)
        .header("Content-Type", "application/json")
        .body("{nope")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(
        r.text()
            .await
            .unwrap()
            .starts_with("Failed to parse body into JSON")
    );
    let r = raw
        .post("/mesos/api/v1/scheduler", &json!({}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    let r = raw
        .post(
            "/mesos/api/v1/scheduler",
            &json!({"type": "SUBSCRIBE", "subscribe": {"framework_info": {"name": "no-user"}}}),
        )
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert!(r.text().await.unwrap().contains("framework_info.user"));
    let r = http()
        .get(&url)
        .header("Authorization", &auth)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 405);
}

#[tokio::test]
async fn decline_filters_are_honoured_and_revive_clears_them() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("decline")).await;
    let offers = stream.next_of("OFFERS").await;
    let id = offers["offers"]["offers"][0]["id"].clone();
    let r = raw
        .call(
            &sid,
            json!({
                "framework_id": { "value": fid },
                "type": "DECLINE",
                "decline": { "offer_ids": [id], "filters": { "refuse_seconds": 3600.0 } },
            }),
        )
        .await;
    assert_eq!(r.status(), 202);
    // An hour of simulated time is 18 s here: 20 allocation intervals
    // (100 ms) bring no offer, only heartbeats.
    let quiet = tokio::time::timeout(Duration::from_millis(100), stream.next_of("OFFERS")).await;
    assert!(
        quiet.is_err(),
        "a declined agent was offered again: {quiet:?}"
    );
    let r = raw
        .call(
            &sid,
            json!({ "framework_id": { "value": fid }, "type": "REVIVE" }),
        )
        .await;
    assert_eq!(r.status(), 202);
    let offers = stream.next_of("OFFERS").await;
    assert_eq!(offered(&offers["offers"]["offers"][0], "cpus"), 4.0);
    // Declined with the default 5 s filter, it comes back by itself.
    let id = offers["offers"]["offers"][0]["id"].clone();
    raw.call(
        &sid,
        json!({ "framework_id": { "value": fid }, "type": "DECLINE", "decline": { "offer_ids": [id] } }),
    )
    .await;
    stream.next_of("OFFERS").await;
}

#[tokio::test]
async fn suppress_stops_offers_until_revive() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("suppress")).await;
    let offers = stream.next_of("OFFERS").await;
    let id = offers["offers"]["offers"][0]["id"].clone();
    let fw = json!({ "value": fid });
    assert_eq!(
        raw.call(&sid, json!({ "framework_id": fw, "type": "SUPPRESS" }))
            .await
            .status(),
        202
    );
    raw.call(
        &sid,
        json!({ "framework_id": fw, "type": "DECLINE", "decline": { "offer_ids": [id], "filters": { "refuse_seconds": 0.0 } } }),
    )
    .await;
    let quiet = tokio::time::timeout(Duration::from_millis(100), stream.next_of("OFFERS")).await;
    assert!(quiet.is_err());
    raw.call(&sid, json!({ "framework_id": fw, "type": "REVIVE" }))
        .await;
    stream.next_of("OFFERS").await;
}

#[tokio::test]
async fn reconcile_answers_known_and_unknown_tasks() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("reconcile")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    let agent = offer["agent_id"]["value"].as_str().unwrap();
    raw.call(
        &sid,
        json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
            "offer_ids": [offer["id"]],
            "operations": [{ "type": "LAUNCH", "launch": { "task_infos": [task("t1", agent, 1.0, 64.0, "serve")] } }],
        }}),
    )
    .await;
    loop {
        let u = stream.next_of("UPDATE").await;
        if u["update"]["status"]["state"] == "TASK_RUNNING" {
            break;
        }
    }
    // Implicit: every task.
    let r = raw
        .call(
            &sid,
            json!({ "framework_id": { "value": fid }, "type": "RECONCILE", "reconcile": {} }),
        )
        .await;
    assert_eq!(r.status(), 202);
    let u = stream.next_of("UPDATE").await;
    let status = &u["update"]["status"];
    assert_eq!(status["task_id"]["value"], "t1");
    assert_eq!(status["state"], "TASK_RUNNING");
    assert_eq!(status["reason"], "REASON_RECONCILIATION");
    assert!(
        status.get("uuid").is_none(),
        "reconciliation updates need no ack"
    );
    // Explicit, unknown: TASK_LOST for a framework that is not PARTITION_AWARE.
    raw.call(
        &sid,
        json!({ "framework_id": { "value": fid }, "type": "RECONCILE", "reconcile": { "tasks": [{ "task_id": { "value": "ghost" } }] } }),
    )
    .await;
    let u = stream.next_of("UPDATE").await;
    assert_eq!(u["update"]["status"]["task_id"]["value"], "ghost");
    assert_eq!(u["update"]["status"]["state"], "TASK_LOST");
}

#[tokio::test]
async fn launch_group_uses_executor_and_task_resources() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("pods")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    let agent = offer["agent_id"]["value"].as_str().unwrap();
    let executor = json!({
        "type": "DEFAULT",
        "executor_id": { "value": "pod-1" },
        "framework_id": { "value": fid },
        "resources": [
            { "name": "cpus", "type": "SCALAR", "scalar": { "value": 0.1 } },
            { "name": "mem", "type": "SCALAR", "scalar": { "value": 32.0 } },
        ],
    });
    let mut t1 = task("pod-1.a", agent, 0.5, 64.0, "serve");
    let mut t2 = task("pod-1.b", agent, 0.5, 64.0, "serve");
    t1.as_object_mut().unwrap().remove("command");
    t2.as_object_mut().unwrap().remove("command");
    let r = raw
        .call(
            &sid,
            json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
                "offer_ids": [offer["id"]],
                "operations": [{ "type": "LAUNCH_GROUP", "launch_group": {
                    "executor": executor, "task_group": { "tasks": [t1, t2] } } }],
                "filters": { "refuse_seconds": 0.0 },
            }}),
        )
        .await;
    assert_eq!(r.status(), 202);
    let offers = stream.next_of("OFFERS").await;
    assert_eq!(offered(&offers["offers"]["offers"][0], "cpus"), 4.0 - 1.1);
    assert_eq!(
        offers["offers"]["offers"][0]["executor_ids"][0]["value"],
        "pod-1"
    );
    let state = raw.operator("GET_STATE").await;
    let executors = &state["get_state"]["get_executors"]["executors"];
    assert_eq!(
        executors[0]["executor_info"]["executor_id"]["value"],
        "pod-1"
    );
    let tasks = state["get_state"]["get_tasks"]["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert!(tasks.iter().all(|t| t["executor_id"]["value"] == "pod-1"));
}

#[tokio::test]
async fn launch_with_a_custom_executor_accounts_its_resources() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("custom")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    let agent = offer["agent_id"]["value"].as_str().unwrap();
    let mut t = task("job-1", agent, 1.0, 64.0, "unused");
    let t = t.as_object_mut().unwrap();
    t.remove("command");
    t.insert(
        "executor".into(),
        json!({
            "executor_id": { "value": "my-executor" },
            "command": { "value": "./executor" },
            "resources": [{ "name": "cpus", "type": "SCALAR", "scalar": { "value": 0.5 } }],
        }),
    );
    raw.call(
        &sid,
        json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
            "offer_ids": [offer["id"]],
            "operations": [{ "type": "LAUNCH", "launch": { "task_infos": [t] } }],
            "filters": { "refuse_seconds": 0.0 },
        }}),
    )
    .await;
    let offers = stream.next_of("OFFERS").await;
    assert_eq!(offered(&offers["offers"]["offers"][0], "cpus"), 2.5);
    let tasks = raw.operator("GET_TASKS").await;
    assert_eq!(
        tasks["get_tasks"]["tasks"][0]["executor_id"]["value"],
        "my-executor"
    );
    let executors = raw.operator("GET_EXECUTORS").await;
    assert_eq!(
        executors["get_executors"]["executors"][0]["executor_info"]["framework_id"]["value"],
        fid.as_str()
    );
}

#[tokio::test]
async fn invalid_launches_get_task_error_or_task_lost() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("invalid")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = offers["offers"]["offers"][0].clone();
    let agent = offer["agent_id"]["value"].as_str().unwrap().to_owned();
    let launch = |offer_id: Value, t: Value| {
        json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
            "offer_ids": [offer_id],
            "operations": [{ "type": "LAUNCH", "launch": { "task_infos": [t] } }],
            "filters": { "refuse_seconds": 0.0 },
        }})
    };
    // More than offered: TASK_ERROR.
    raw.call(
        &sid,
        launch(offer["id"].clone(), task("big", &agent, 64.0, 64.0, "x")),
    )
    .await;
    let u = stream.next_of("UPDATE").await;
    assert_eq!(u["update"]["status"]["state"], "TASK_ERROR");
    assert_eq!(u["update"]["status"]["reason"], "REASON_TASK_INVALID");
    assert_eq!(u["update"]["status"]["source"], "SOURCE_MASTER");
    // A used offer: TASK_LOST, REASON_INVALID_OFFERS.
    raw.call(
        &sid,
        launch(offer["id"].clone(), task("late", &agent, 1.0, 64.0, "x")),
    )
    .await;
    let u = stream.next_of("UPDATE").await;
    assert_eq!(u["update"]["status"]["task_id"]["value"], "late");
    assert_eq!(u["update"]["status"]["state"], "TASK_LOST");
    assert_eq!(u["update"]["status"]["reason"], "REASON_INVALID_OFFERS");
    // A failing command: TASK_FAILED after running. The outstanding offer
    // (sent while the updates were read) is in GET_FRAMEWORKS.
    let offer = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let f = raw.operator("GET_FRAMEWORKS").await;
            let offer = &f["get_frameworks"]["frameworks"][0]["offers"][0];
            if !offer.is_null() {
                return offer.clone();
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap();
    raw.call(
        &sid,
        launch(
            offer["id"].clone(),
            task("bad", &agent, 1.0, 64.0, "exit 2"),
        ),
    )
    .await;
    loop {
        let u = stream.next_of("UPDATE").await;
        let s = u["update"]["status"]["state"].as_str().unwrap().to_owned();
        assert_ne!(s, "TASK_FINISHED");
        if s == "TASK_FAILED" {
            assert_eq!(u["update"]["status"]["source"], "SOURCE_EXECUTOR");
            break;
        }
    }
}

#[tokio::test]
async fn teardown_kills_the_tasks_and_removes_the_framework() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid, fid, mut stream) = raw.subscribe(framework("teardown")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    let agent = offer["agent_id"]["value"].as_str().unwrap();
    raw.call(
        &sid,
        json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
            "offer_ids": [offer["id"]],
            "operations": [{ "type": "LAUNCH", "launch": { "task_infos": [task("t", agent, 1.0, 64.0, "serve")] } }],
        }}),
    )
    .await;
    stream.next_of("UPDATE").await;
    let fw = json!({ "value": fid });
    assert_eq!(
        raw.call(&sid, json!({ "framework_id": fw, "type": "TEARDOWN" }))
            .await
            .status(),
        202
    );
    // The stream ends with ERROR.
    let error = stream.next_of("ERROR").await;
    assert_eq!(error["error"]["message"], "Framework has been removed");
    let tasks = raw.operator("GET_TASKS").await;
    assert_eq!(
        tasks["get_tasks"]["completed_tasks"][0]["state"],
        "TASK_KILLED"
    );
    let frameworks = raw.operator("GET_FRAMEWORKS").await;
    assert!(frameworks["get_frameworks"].get("frameworks").is_none());
    assert_eq!(
        frameworks["get_frameworks"]["completed_frameworks"][0]["framework_info"]["id"]["value"],
        fid.as_str()
    );
    let r = raw
        .call(&sid, json!({ "framework_id": fw, "type": "REVIVE" }))
        .await;
    assert_eq!(r.status(), 403);
    assert_eq!(r.text().await.unwrap(), "Framework has been removed");
    // Resubscribing with the removed id is refused too.
    let mut info = framework("teardown");
    info["id"] = fw.clone();
    let r = raw
        .post("/mesos/api/v1/scheduler", &json!({ "type": "SUBSCRIBE", "framework_id": fw, "subscribe": { "framework_info": info } }))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 403);
}

#[tokio::test]
async fn a_zero_failover_timeout_removes_a_disconnected_framework() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let mut info = framework("ephemeral");
    info["failover_timeout"] = json!(0.0);
    let (_sid, fid, stream) = raw.subscribe(info).await;
    drop(stream);
    tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let f = raw.operator("GET_FRAMEWORKS").await;
            if f["get_frameworks"]["completed_frameworks"][0]["framework_info"]["id"]["value"]
                == fid.as_str()
            {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
    })
    .await
    .unwrap();
}

#[tokio::test]
async fn resubscribing_fails_over_with_the_same_framework_id() {
    let cluster = fast()
        .register_frameworks(false)
        .agents(1)
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (sid1, fid, mut first) = raw.subscribe(framework("failover")).await;
    let mut info = framework("failover");
    info["id"] = json!({ "value": fid });
    let (sid2, fid2, _second) = raw.subscribe(info).await;
    assert_eq!(fid, fid2);
    assert_ne!(sid1, sid2);
    let error = first.next_of("ERROR").await;
    assert_eq!(error["error"]["message"], "Framework failed over");
    assert_eq!(first.next().await.unwrap(), None, "the old stream ends");
    let fw = json!({ "value": fid });
    assert_eq!(
        raw.call(&sid1, json!({ "framework_id": fw, "type": "REVIVE" }))
            .await
            .status(),
        400
    );
    assert_eq!(
        raw.call(&sid2, json!({ "framework_id": fw, "type": "REVIVE" }))
            .await
            .status(),
        202
    );
}

#[tokio::test]
async fn heartbeats_flow_on_the_clock() {
    let cluster = fast()
        .register_frameworks(false)
        .heartbeat_interval(Duration::from_secs(2))
        .start()
        .await
        .unwrap();
    let raw = Raw::new(&cluster).await;
    let (_sid, _fid, mut stream) = raw.subscribe(framework("beat")).await;
    // 2 simulated seconds are 10 ms here.
    for _ in 0..3 {
        stream.next_of("HEARTBEAT").await;
    }
}
