//! The scheduler flow against a streaming server on loopback: subscribe,
//! offers, accept with launch, update, acknowledge; heartbeat loss and a
//! `403 Framework is not subscribed` leading to a resubscription with the
//! same framework id; a `307` to another master; the stream id on every
//! call; a stale stream id; a removed framework. Intervals are tiny so the
//! whole file runs in well under 5 s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "common/stream_server.rs"]
mod stream_server;

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use dcos_auth::{Cluster, HttpCore, RetryPolicy};
use futures_util::StreamExt;
use mesos_client::Error;
use mesos_client::docker::{CommandInfo, ContainerInfo, TaskInfoBuilder};
use mesos_client::scheduler::{
    DriverEvent, Event, FrameworkInfoBuilder, Scheduler, SchedulerDriver,
};
use serde_json::json;
use stream_server::{Recorded, Reply, StreamServer};
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

const FW: &str = "fw-0001";

/// A fake master: every SUBSCRIBE opens a stream (`sid-1`, `sid-2`…) whose
/// records the test pushes; calls answer the queued replies, then 202.
#[derive(Clone, Default)]
struct Master {
    streams: Arc<Mutex<Vec<UnboundedSender<String>>>>,
    call_replies: Arc<Mutex<VecDeque<(u16, String)>>>,
    /// Prefixed to the stream ids, to tell masters apart.
    prefix: String,
}

impl Master {
    async fn start(&self) -> StreamServer {
        let master = self.clone();
        StreamServer::start(move |r| master.answer(r)).await
    }

    fn answer(&self, request: &Recorded) -> Reply {
        if request.json()["type"] == "SUBSCRIBE" {
            let (tx, rx) = unbounded_channel();
            let mut streams = self.streams.lock().unwrap();
            streams.push(tx);
            return Reply::Stream {
                headers: vec![(
                    "Mesos-Stream-Id".into(),
                    format!("{}sid-{}", self.prefix, streams.len()),
                )],
                records: rx,
            };
        }
        match self.call_replies.lock().unwrap().pop_front() {
            Some((status, body)) => Reply::status(status, &body),
            None => Reply::status(202, ""),
        }
    }

    /// The sender of the `n`th stream (1-based), once it is open.
    async fn stream(&self, n: usize) -> UnboundedSender<String> {
        for _ in 0..200 {
            if let Some(tx) = self.streams.lock().unwrap().get(n - 1) {
                return tx.clone();
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("no subscription #{n}");
    }

    fn reply_next_call(&self, status: u16, body: &str) {
        self.call_replies
            .lock()
            .unwrap()
            .push_back((status, body.to_owned()));
    }
}

fn core(url: &str) -> HttpCore {
    Cluster::builder(url)
        .retry(RetryPolicy::default().backoff(Duration::from_millis(1), Duration::from_millis(5)))
        .timeout(Duration::from_secs(5))
        .allow_host("127.0.0.1")
        .build()
        .unwrap()
        .root()
}

fn subscribed(interval: f64) -> String {
    json!({"type": "SUBSCRIBED", "subscribed": {
        "framework_id": {"value": FW}, "heartbeat_interval_seconds": interval}})
    .to_string()
}

fn offers() -> String {
    json!({"type": "OFFERS", "offers": {"offers": [{
    "id": {"value": "o-1"}, "framework_id": {"value": FW},
    "agent_id": {"value": "a-1"}, "hostname": "agent1",
    "resources": [
        {"name": "cpus", "type": "SCALAR", "scalar": {"value": 4}},
        {"name": "mem", "type": "SCALAR", "scalar": {"value": 8192}}
    ]}]}})
    .to_string()
}

fn update(uuid: Option<&str>) -> String {
    let mut status = json!({"task_id": {"value": "t-1"}, "state": "TASK_RUNNING",
        "agent_id": {"value": "a-1"}});
    if let Some(u) = uuid {
        status["uuid"] = json!(u);
    }
    json!({"type": "UPDATE", "update": {"status": status}}).to_string()
}

fn calls(server: &StreamServer) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.json()["type"] != "SUBSCRIBE")
        .collect()
}

fn subscribes(server: &StreamServer) -> Vec<Recorded> {
    server
        .requests()
        .into_iter()
        .filter(|r| r.json()["type"] == "SUBSCRIBE")
        .collect()
}

fn fast_driver(url: &str) -> SchedulerDriver {
    Scheduler::new(core(url))
        .driver(FrameworkInfoBuilder::new("root", "test").build())
        .heartbeat_misses(3)
        .initial_heartbeat_interval(Duration::from_millis(300))
        .backoff(Duration::from_millis(10), Duration::from_millis(50))
}

async fn next(driver: &mut SchedulerDriver) -> DriverEvent {
    tokio::time::timeout(Duration::from_secs(3), driver.next())
        .await
        .expect("the driver stalled")
        .expect("the driver ended")
        .expect("the driver failed")
}

#[tokio::test]
async fn subscribe_offers_launch_update_acknowledge() {
    let master = Master::default();
    let server = master.start().await;
    let scheduler = Scheduler::new(core(&server.url));
    let info = FrameworkInfoBuilder::new("root", "build-agents").build();
    let (handle, mut events) = scheduler.subscribe(info).await.unwrap();
    assert_eq!(handle.stream_id().as_deref(), Some("sid-1"));

    let sub = &subscribes(&server)[0];
    assert_eq!(sub.method, "POST");
    assert_eq!(sub.path, "/api/v1/scheduler");
    assert_eq!(sub.header("content-type"), Some("application/json"));
    assert_eq!(sub.header("accept"), Some("application/json"));
    assert_eq!(sub.header("mesos-stream-id"), None);
    assert_eq!(
        sub.json(),
        json!({"type": "SUBSCRIBE", "subscribe": {"framework_info": {
            "user": "root", "name": "build-agents",
            "failover_timeout": 604800.0, "checkpoint": true, "roles": [], "capabilities": []}}})
    );

    let stream = master.stream(1).await;
    stream.send(subscribed(1.0)).unwrap();
    let Event::Subscribed(s) = events.next().await.unwrap().unwrap() else {
        panic!()
    };
    assert_eq!(s.framework_id.as_str(), FW);
    assert_eq!(handle.framework_id().unwrap().as_str(), FW);

    stream.send(offers()).unwrap();
    let Event::Offers(offers) = events.next().await.unwrap().unwrap() else {
        panic!()
    };
    let offer = &offers[0];
    let task = TaskInfoBuilder::new("agent-1", "t-1", offer.agent_id.as_str())
        .resources(offer.resources.clone())
        .container(ContainerInfo::docker_in_docker("jenkins/inbound-agent"))
        .command(CommandInfo::entrypoint(Vec::<String>::new()))
        .build();
    handle.launch(offer, vec![task.clone()]).await.unwrap();
    let accept = &calls(&server)[0];
    assert_eq!(accept.path, "/api/v1/scheduler");
    assert_eq!(accept.header("mesos-stream-id"), Some("sid-1"));
    assert_eq!(accept.header("content-type"), Some("application/json"));
    assert_eq!(
        accept.json(),
        json!({
            "framework_id": {"value": FW},
            "type": "ACCEPT",
            "accept": {
                "offer_ids": [{"value": "o-1"}],
                "operations": [{"type": "LAUNCH", "launch": {
                    "task_infos": [serde_json::to_value(&task).unwrap()]}}]
            }
        })
    );

    // An update with a uuid is acknowledged; one without is not.
    stream
        .send(update(Some("AAECAwQFBgcICQoLDA0ODw==")))
        .unwrap();
    stream.send(update(None)).unwrap();
    for expected in [true, false] {
        let Event::Update(status) = events.next().await.unwrap().unwrap() else {
            panic!()
        };
        assert_eq!(handle.acknowledge(&status).await.unwrap(), expected);
    }
    let sent = calls(&server);
    assert_eq!(sent.len(), 2, "only the update with a uuid is acknowledged");
    assert_eq!(sent[1].header("mesos-stream-id"), Some("sid-1"));
    assert_eq!(
        sent[1].json(),
        json!({"framework_id": {"value": FW}, "type": "ACKNOWLEDGE", "acknowledge": {
            "agent_id": {"value": "a-1"}, "task_id": {"value": "t-1"},
            "uuid": "AAECAwQFBgcICQoLDA0ODw=="}})
    );

    // The other calls, each with the stream id and the framework id.
    handle
        .decline(vec![offer.id.clone()], Some(3600.0))
        .await
        .unwrap();
    handle.suppress(vec![]).await.unwrap();
    handle.revive(vec!["ci".into()]).await.unwrap();
    handle.reconcile(vec![]).await.unwrap();
    handle
        .kill(task.task_id.clone(), Some(task.agent_id.clone()))
        .await
        .unwrap();
    handle.teardown().await.unwrap();
    let sent = calls(&server);
    let bodies: Vec<_> = sent[2..].iter().map(Recorded::json).collect();
    assert_eq!(
        bodies,
        vec![
            json!({"framework_id": {"value": FW}, "type": "DECLINE", "decline": {
                "offer_ids": [{"value": "o-1"}], "filters": {"refuse_seconds": 3600.0}}}),
            json!({"framework_id": {"value": FW}, "type": "SUPPRESS", "suppress": {"roles": []}}),
            json!({"framework_id": {"value": FW}, "type": "REVIVE", "revive": {"roles": ["ci"]}}),
            json!({"framework_id": {"value": FW}, "type": "RECONCILE", "reconcile": {"tasks": []}}),
            json!({"framework_id": {"value": FW}, "type": "KILL", "kill": {
                "task_id": {"value": "t-1"}, "agent_id": {"value": "a-1"}}}),
            json!({"framework_id": {"value": FW}, "type": "TEARDOWN"}),
        ]
    );
    assert!(
        sent.iter()
            .all(|r| r.header("mesos-stream-id") == Some("sid-1"))
    );
}

#[tokio::test]
async fn a_subscribe_answer_without_a_stream_id_is_refused() {
    let server = StreamServer::start(|_| {
        let (_tx, rx) = unbounded_channel();
        Reply::Stream {
            headers: vec![],
            records: rx,
        }
    })
    .await;
    let err = Scheduler::new(core(&server.url))
        .subscribe(FrameworkInfoBuilder::new("root", "t").build())
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("Mesos-Stream-Id")
            || format!("{err:?}").contains("Mesos-Stream-Id"),
        "{err:?}"
    );
}

#[tokio::test]
async fn heartbeat_loss_resubscribes_with_the_same_framework_id() {
    let master = Master::default();
    let server = master.start().await;
    let mut driver = fast_driver(&server.url);
    let handle = driver.handle();
    let first = tokio::spawn(async move {
        let ev = next(&mut driver).await;
        (driver, ev)
    });
    master.stream(1).await.send(subscribed(0.1)).unwrap();
    let (mut driver, ev) = first.await.unwrap();
    assert!(
        matches!(ev, DriverEvent::Event(Event::Subscribed(_))),
        "{ev:?}"
    );
    assert_eq!(driver.heartbeat_timeout(), Duration::from_millis(300));

    // The master goes silent; the driver resubscribes after 3 × 0.1 s.
    let started = std::time::Instant::now();
    let waiting = tokio::spawn(async move {
        let ev = next(&mut driver).await;
        (driver, ev)
    });
    let second = master.stream(2).await;
    assert!(started.elapsed() >= Duration::from_millis(250));
    second.send(subscribed(0.1)).unwrap();
    let (_driver, ev) = waiting.await.unwrap();
    let DriverEvent::Resubscribed(s) = ev else {
        panic!("{ev:?}")
    };
    assert_eq!(s.framework_id.as_str(), FW);
    let subs = subscribes(&server);
    assert_eq!(subs.len(), 2);
    assert_eq!(subs[1].json()["framework_id"], json!({"value": FW}));
    assert_eq!(
        subs[1].json()["subscribe"]["framework_info"]["id"],
        json!({"value": FW})
    );
    // Calls now carry the new stream id.
    assert_eq!(handle.stream_id().as_deref(), Some("sid-2"));
    handle.suppress(vec![]).await.unwrap();
    assert_eq!(calls(&server)[0].header("mesos-stream-id"), Some("sid-2"));
}

/// Runs the driver on its own task, forwarding what it yields.
fn spawn_driver(
    mut driver: SchedulerDriver,
) -> tokio::sync::mpsc::UnboundedReceiver<mesos_client::Result<DriverEvent>> {
    let (tx, rx) = unbounded_channel();
    tokio::spawn(async move {
        while let Some(item) = driver.next().await {
            if tx.send(item).is_err() {
                return;
            }
        }
    });
    rx
}

async fn recv(
    rx: &mut tokio::sync::mpsc::UnboundedReceiver<mesos_client::Result<DriverEvent>>,
) -> Option<mesos_client::Result<DriverEvent>> {
    tokio::time::timeout(Duration::from_secs(3), rx.recv())
        .await
        .expect("the driver stalled")
}

#[tokio::test]
async fn not_subscribed_resubscribes_and_bad_stream_id_is_named() {
    let master = Master::default();
    let server = master.start().await;
    let driver = fast_driver(&server.url);
    let handle = driver.handle();
    let mut rx = spawn_driver(driver);
    master.stream(1).await.send(subscribed(1.0)).unwrap();
    let ev = recv(&mut rx).await.unwrap().unwrap();
    assert!(
        matches!(ev, DriverEvent::Event(Event::Subscribed(_))),
        "{ev:?}"
    );

    master.reply_next_call(403, "Framework is not subscribed");
    let err = handle.suppress(vec![]).await.unwrap_err();
    assert!(matches!(err, Error::NotSubscribed { .. }), "{err:?}");
    master.stream(2).await.send(subscribed(1.0)).unwrap();
    let ev = recv(&mut rx).await.unwrap().unwrap();
    assert!(matches!(ev, DriverEvent::Resubscribed(_)), "{ev:?}");
    assert_eq!(
        subscribes(&server)[1].json()["subscribe"]["framework_info"]["id"],
        json!({"value": FW})
    );
    assert_eq!(handle.stream_id().as_deref(), Some("sid-2"));

    master.reply_next_call(
        400,
        "The stream ID included in this request didn't match the stream ID \
         currently associated with framework ID 'fw-0001'",
    );
    let err = handle.revive(vec![]).await.unwrap_err();
    assert!(matches!(err, Error::BadStreamId { .. }), "{err:?}");
    assert!(err.needs_resubscribe());
    let sent = calls(&server);
    assert_eq!(sent[0].header("mesos-stream-id"), Some("sid-1"));
    assert_eq!(sent[1].header("mesos-stream-id"), Some("sid-2"));
}

#[tokio::test]
async fn a_503_on_a_call_is_sent_again() {
    let master = Master::default();
    let server = master.start().await;
    let (handle, _events) = Scheduler::new(core(&server.url))
        .subscribe(FrameworkInfoBuilder::new("root", "t").build())
        .await
        .unwrap();
    master.reply_next_call(503, "No leader elected");
    handle.suppress(vec![]).await.unwrap();
    assert_eq!(calls(&server).len(), 2);
}

#[tokio::test]
async fn a_307_is_followed_to_the_leader_for_the_subscription_and_the_calls() {
    let master = Master::default();
    let leader = master.start().await;
    let location = format!("//127.0.0.1:{}/api/v1/scheduler", leader.port);
    let follower = StreamServer::start(move |_| Reply::Plain {
        status: 307,
        headers: vec![("Location".into(), location.clone())],
        body: String::new(),
    })
    .await;
    let (handle, mut events) = Scheduler::new(core(&follower.url))
        .subscribe(FrameworkInfoBuilder::new("root", "t").build())
        .await
        .unwrap();
    master.stream(1).await.send(subscribed(1.0)).unwrap();
    assert!(matches!(
        events.next().await.unwrap().unwrap(),
        Event::Subscribed(_)
    ));
    handle.suppress(vec![]).await.unwrap();
    handle.revive(vec![]).await.unwrap();
    assert_eq!(follower.requests().len(), 1, "later calls go to the leader");
    assert_eq!(subscribes(&leader).len(), 1);
    let sent = calls(&leader);
    assert_eq!(sent.len(), 2);
    assert!(
        sent.iter()
            .all(|r| r.header("mesos-stream-id") == Some("sid-1"))
    );
}

#[tokio::test]
async fn a_removed_framework_ends_the_driver() {
    let master = Master::default();
    let server = master.start().await;
    let mut rx = spawn_driver(fast_driver(&server.url));
    let stream = master.stream(1).await;
    stream.send(subscribed(1.0)).unwrap();
    stream
        .send(
            json!({"type": "ERROR", "error": {"message": "Framework has been removed"}})
                .to_string(),
        )
        .unwrap();
    recv(&mut rx).await.unwrap().unwrap();
    let err = recv(&mut rx).await.unwrap().unwrap_err();
    assert!(matches!(err, Error::FrameworkRemoved { .. }), "{err:?}");
    assert!(recv(&mut rx).await.is_none());
    assert_eq!(subscribes(&server).len(), 1);
}

#[tokio::test]
async fn a_closed_stream_resubscribes() {
    let master = Master::default();
    let server = master.start().await;
    let mut rx = spawn_driver(fast_driver(&server.url));
    let stream = master.stream(1).await;
    stream.send(subscribed(1.0)).unwrap();
    recv(&mut rx).await.unwrap().unwrap();
    drop(stream);
    master.streams.lock().unwrap().clear();
    master.stream(1).await.send(subscribed(1.0)).unwrap();
    let ev = recv(&mut rx).await.unwrap().unwrap();
    assert!(matches!(ev, DriverEvent::Resubscribed(_)), "{ev:?}");
    assert_eq!(subscribes(&server).len(), 2);
}

#[tokio::test]
async fn an_undecodable_event_is_an_error_item_and_the_stream_goes_on() {
    let master = Master::default();
    let server = master.start().await;
    let mut rx = spawn_driver(fast_driver(&server.url));
    let stream = master.stream(1).await;
    stream.send(subscribed(1.0)).unwrap();
    recv(&mut rx).await.unwrap().unwrap();
    stream
        .send(
            r#"{"type":"UPDATE","update":{"status":{"task_id":{"value":"t"},"uuid":"!!"}}}"#.into(),
        )
        .unwrap();
    stream.send(r#"{"type":"HEARTBEAT"}"#.into()).unwrap();
    let err = recv(&mut rx).await.unwrap().unwrap_err();
    assert!(
        err.to_string().contains("uuid") || format!("{err:?}").contains("uuid"),
        "{err:?}"
    );
    let ev = recv(&mut rx).await.unwrap().unwrap();
    assert_eq!(ev, DriverEvent::Event(Event::Heartbeat));
    assert_eq!(subscribes(&server).len(), 1);
}

#[tokio::test]
async fn a_503_on_subscribe_is_retried() {
    let master = Master::default();
    let refused = Arc::new(Mutex::new(2));
    let server = {
        let master = master.clone();
        let refused = Arc::clone(&refused);
        StreamServer::start(move |r| {
            let mut left = refused.lock().unwrap();
            if *left > 0 {
                *left -= 1;
                return Reply::status(503, "Master has not finished recovery");
            }
            master.answer(r)
        })
        .await
    };
    let mut rx = spawn_driver(fast_driver(&server.url));
    master.stream(1).await.send(subscribed(1.0)).unwrap();
    // Refusals may surface as error items first; the subscription follows.
    loop {
        match recv(&mut rx).await.unwrap() {
            Ok(ev) => {
                assert!(
                    matches!(ev, DriverEvent::Event(Event::Subscribed(_))),
                    "{ev:?}"
                );
                break;
            }
            Err(e) => assert!(matches!(e, Error::NoLeader { .. }), "{e:?}"),
        }
    }
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_leader_change_during_resubscription_is_followed_and_the_new_stream_id_used() {
    use std::sync::atomic::{AtomicBool, Ordering};
    let new_leader = Master {
        prefix: "b-".into(),
        ..Master::default()
    };
    let b = new_leader.start().await;
    let old_leader = Master::default();
    let moved = Arc::new(AtomicBool::new(false));
    let location = format!("//127.0.0.1:{}/api/v1/scheduler", b.port);
    let a = {
        let old_leader = old_leader.clone();
        let moved = Arc::clone(&moved);
        StreamServer::start(move |r| {
            if moved.load(Ordering::SeqCst) {
                Reply::Plain {
                    status: 307,
                    headers: vec![("Location".into(), location.clone())],
                    body: String::new(),
                }
            } else {
                old_leader.answer(r)
            }
        })
        .await
    };
    let driver = fast_driver(&a.url);
    let handle = driver.handle();
    let mut rx = spawn_driver(driver);
    old_leader.stream(1).await.send(subscribed(0.1)).unwrap();
    recv(&mut rx).await.unwrap().unwrap();
    assert_eq!(handle.stream_id().as_deref(), Some("sid-1"));

    // The old leader goes silent and now redirects to the new one.
    moved.store(true, std::sync::atomic::Ordering::SeqCst);
    new_leader.stream(1).await.send(subscribed(0.1)).unwrap();
    let ev = recv(&mut rx).await.unwrap().unwrap();
    assert!(matches!(ev, DriverEvent::Resubscribed(_)), "{ev:?}");
    assert_eq!(handle.stream_id().as_deref(), Some("b-sid-1"));
    assert_eq!(
        subscribes(&b)[0].json()["subscribe"]["framework_info"]["id"],
        json!({"value": FW})
    );
    handle.suppress(vec![]).await.unwrap();
    assert_eq!(calls(&b)[0].header("mesos-stream-id"), Some("b-sid-1"));
    assert!(calls(&a).is_empty());
}
