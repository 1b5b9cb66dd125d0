//! Every fault knob: 503 bursts, slow responses, streams dropped mid-way,
//! a Mesos leader change, an agent lost (token expiry is in iam.rs).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::{Duration, Instant};

use common::*;
use dcos_auth::{Cluster, Credentials};
use dcos_sim::{TaskSpec, TaskState};
use futures_util::StreamExt;
use mesos_client::MesosClient;
use mesos_client::models::OperatorEvent;
use serde_json::json;

fn client(cluster: &dcos_sim::SimCluster) -> Cluster {
    let su = cluster.superuser();
    Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        // The second master is another port of the same host.
        .allow_host("127.0.0.1")
        .build()
        .unwrap()
}

#[tokio::test]
async fn bursts_of_503_hit_only_their_prefix_and_end() {
    let cluster = start().await;
    let raw = Raw::new(&cluster).await;
    cluster.faults().unavailable("/mesos/", 2);
    let users = format!("{}/acs/api/v1/users/bootstrapuser", cluster.url());
    let r = http()
        .get(&users)
        .header("Authorization", format!("token={}", raw.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200, "other prefixes are untouched");
    for _ in 0..2 {
        let r = raw
            .post("/mesos/api/v1", &json!({"type": "GET_HEALTH"}))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 503);
        assert!(
            r.headers()["content-type"]
                .to_str()
                .unwrap()
                .starts_with("text/html")
        );
        assert!(r.text().await.unwrap().contains("503 Service Unavailable"));
    }
    raw.operator("GET_HEALTH").await;
    // Our client retries an idempotent call through a burst.
    cluster.faults().unavailable("/mesos/", 2);
    let mesos = MesosClient::new(client(&cluster).path("mesos"));
    assert!(mesos.operator().get_health().await.unwrap().healthy);
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "GET_HEALTH"}))
        .send()
        .await
        .unwrap();
    assert_eq!(
        r.status(),
        200,
        "the burst was used up by the client's attempts"
    );
}

#[tokio::test]
async fn slow_responses_are_slow_until_turned_off() {
    let cluster = start().await;
    let url = format!("{}/dcos-metadata/dcos-version.json", cluster.url());
    cluster.faults().set_latency(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(http().get(&url).send().await.unwrap().status(), 200);
    assert!(started.elapsed() >= Duration::from_millis(300));
    cluster.faults().set_latency(Duration::ZERO);
    let started = Instant::now();
    http().get(&url).send().await.unwrap();
    assert!(started.elapsed() < Duration::from_millis(300));
}

#[tokio::test]
async fn dropped_streams_break_mid_way_and_schedulers_can_resubscribe() {
    let cluster = fast().agents(1).start().await.unwrap();
    let raw = Raw::new(&cluster).await;
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "SUBSCRIBE"}))
        .send()
        .await
        .unwrap();
    let mut operator = RawStream::new(r);
    operator.next_of("SUBSCRIBED").await;
    let (sid, fid, mut scheduler) = raw.subscribe(framework("dropped")).await;
    scheduler.next_of("OFFERS").await;
    cluster.faults().drop_streams();
    // Both connections break: an error, not a clean end.
    let broken = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match operator.next().await {
                Ok(Some(_)) => continue,
                other => return other,
            }
        }
    })
    .await
    .unwrap();
    assert!(broken.is_err(), "{broken:?}");
    let broken = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match scheduler.next().await {
                Ok(Some(_)) => continue,
                other => return other,
            }
        }
    })
    .await
    .unwrap();
    assert!(broken.is_err(), "{broken:?}");
    // The framework is disconnected but kept (failover timeout), and its
    // old stream id is refused.
    let fw = json!({ "value": fid });
    tokio::time::timeout(Duration::from_secs(5), async {
        while raw
            .call(&sid, json!({ "framework_id": fw, "type": "REVIVE" }))
            .await
            .status()
            != 403
        {
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    })
    .await
    .unwrap();
    let mut info = framework("dropped");
    info["id"] = fw.clone();
    let (_sid, again, mut stream) = raw.subscribe(info).await;
    assert_eq!(again, fid);
    stream.next_of("OFFERS").await;
}

#[tokio::test]
async fn a_leader_change_redirects_to_the_second_master_with_the_same_state() {
    let cluster = fast().agents(2).start().await.unwrap();
    let raw = Raw::new(&cluster).await;
    let before = raw.operator("GET_AGENTS").await;
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "SUBSCRIBE"}))
        .send()
        .await
        .unwrap();
    let mut old_stream = RawStream::new(r);
    old_stream.next_of("SUBSCRIBED").await;
    let second = cluster.faults().mesos_leader_change();
    assert_eq!(second, cluster.second_master_url());
    assert_eq!(cluster.faults().mesos_leader_url(), second);
    // The old leader's streams drop.
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            match old_stream.next().await {
                Ok(Some(_)) => continue,
                other => return other,
            }
        }
    })
    .await
    .unwrap();
    assert!(ended.is_err());
    // The old address answers 307 to the new leader, path and query kept.
    let r = raw
        .post("/mesos/api/v1?x=1", &json!({"type": "GET_AGENTS"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 307);
    let authority = second.trim_start_matches("http:");
    assert_eq!(
        r.headers()["location"],
        format!("{authority}/mesos/api/v1?x=1")
    );
    let r = http()
        .get(format!("{}/mesos/master/redirect", cluster.url()))
        .header("Authorization", format!("token={}", raw.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 307);
    assert_eq!(r.headers()["location"], authority);
    // The new leader serves the same state (same token: same IAM).
    let on_second = Raw {
        base: second.clone(),
        token: raw.token.clone(),
    };
    assert_eq!(on_second.operator("GET_AGENTS").await, before);
    // Non-Mesos routes are still served by the cluster URL.
    let r = http()
        .get(format!("{}/acs/api/v1/users/bootstrapuser", cluster.url()))
        .header("Authorization", format!("token={}", raw.token))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    // Our client follows the 307 for calls and streams.
    let mesos = MesosClient::new(client(&cluster).path("mesos"));
    assert_eq!(mesos.operator().get_agents().await.unwrap().agents.len(), 2);
    let mut events = mesos.operator().subscribe().await.unwrap();
    assert!(events.url().as_str().starts_with(&second));
    assert!(matches!(
        events.next().await,
        Some(Ok(OperatorEvent::Subscribed(_)))
    ));
    // And a scheduler subscribes through the redirect, on the new leader.
    let scheduler = mesos_client::scheduler::Scheduler::new(client(&cluster).path("mesos"));
    let info = mesos_client::scheduler::FrameworkInfoBuilder::new("root", "after-failover").build();
    let (handle, mut stream) = scheduler.subscribe(info).await.unwrap();
    assert!(matches!(
        stream.next().await,
        Some(Ok(mesos_client::scheduler::Event::Subscribed(_)))
    ));
    handle.revive(vec![]).await.unwrap();
    // Back again.
    assert_eq!(cluster.faults().mesos_leader_change(), cluster.url());
    raw.operator("GET_HEALTH").await;
}

#[tokio::test]
async fn a_lost_agent_makes_tasks_lost_or_unreachable() {
    let cluster = fast().agents(1).start().await.unwrap();
    let raw = Raw::new(&cluster).await;
    // A scheduler without PARTITION_AWARE, and the crate API's framework
    // (PARTITION_AWARE), each with a task on the one agent.
    let (sid, fid, mut stream) = raw.subscribe(framework("legacy")).await;
    let offers = stream.next_of("OFFERS").await;
    let offer = &offers["offers"]["offers"][0];
    let agent = offer["agent_id"]["value"].as_str().unwrap().to_owned();
    raw.call(
        &sid,
        json!({ "framework_id": { "value": fid }, "type": "ACCEPT", "accept": {
            "offer_ids": [offer["id"]],
            "operations": [{ "type": "LAUNCH", "launch": { "task_infos": [task("t", &agent, 1.0, 64.0, "serve")] } }],
            "filters": { "refuse_seconds": 0.0 },
        }}),
    )
    .await;
    let api = cluster.mesos();
    let marathon = api.register_framework("marathon", "*", "marathon");
    let mut updates = api.task_updates();
    api.launch(
        &marathon,
        TaskSpec::new("app.1", "app").resources(1.0, 64.0, 0.0),
    )
    .unwrap();
    // Wait for an outstanding offer of what is left.
    let offers = stream.next_of("OFFERS").await;
    let outstanding = offers["offers"]["offers"][0]["id"]["value"].clone();
    assert!(cluster.faults().agent_lost(&agent));
    assert!(!cluster.faults().agent_lost(&agent), "already lost");
    let rescind = stream.next_of("RESCIND").await;
    assert_eq!(rescind["rescind"]["offer_id"]["value"], outstanding);
    loop {
        let u = stream.next_of("UPDATE").await;
        if u["update"]["status"]["state"] == "TASK_LOST" {
            assert_eq!(u["update"]["status"]["reason"], "REASON_AGENT_REMOVED");
            assert!(u["update"]["status"]["uuid"].is_string());
            break;
        }
    }
    let unreachable = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let u = updates.recv().await.unwrap();
            if u.task_id == "app.1" && u.state == TaskState::Unreachable {
                return u;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(unreachable.reason.as_deref(), Some("REASON_AGENT_REMOVED"));
    let agents = raw.operator("GET_AGENTS").await;
    assert!(agents["get_agents"].get("agents").is_none());
    let tasks = raw.operator("GET_TASKS").await;
    assert_eq!(
        tasks["get_tasks"]["unreachable_tasks"][0]["task_id"]["value"],
        "app.1"
    );
    assert_eq!(
        tasks["get_tasks"]["completed_tasks"][0]["state"],
        "TASK_LOST"
    );
    assert!(!api.agents()[0].reachable);
    assert!(matches!(
        api.launch(
            &marathon,
            TaskSpec::new("app.2", "app").resources(0.1, 1.0, 0.0)
        ),
        Err(dcos_sim::LaunchError::NoResources { .. })
    ));
    // The agent comes back: the unreachable task runs again and holds its
    // resources; the lost one stays gone; offers resume.
    assert!(cluster.faults().agent_recovered(&agent));
    assert!(
        !cluster.faults().agent_recovered(&agent),
        "not lost any more"
    );
    let running = tokio::time::timeout(Duration::from_secs(5), async {
        loop {
            let u = updates.recv().await.unwrap();
            if u.task_id == "app.1" {
                return u;
            }
        }
    })
    .await
    .unwrap();
    assert_eq!(running.state, TaskState::Running);
    assert_eq!(api.agents()[0].free.cpus, 3.0);
    let offers = stream.next_of("OFFERS").await;
    assert_eq!(offered(&offers["offers"]["offers"][0], "cpus"), 3.0);
    let agents = raw.operator("GET_AGENTS").await;
    assert_eq!(agents["get_agents"]["agents"].as_array().unwrap().len(), 1);
    let tasks = raw.operator("GET_TASKS").await;
    assert_eq!(tasks["get_tasks"]["tasks"][0]["task_id"]["value"], "app.1");
    assert!(tasks["get_tasks"].get("unreachable_tasks").is_none());
}
