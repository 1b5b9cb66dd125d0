//! The operator SUBSCRIBE stream: events decoded from the upstream
//! fixtures, `subscribe()` against a mock master, and `watch()`: snapshot,
//! events, resync after the stream ends, fatal errors, heartbeat loss.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use bytes::BytesMut;
use futures_util::StreamExt;
use mesos_client::models::{OperatorEvent, OperatorEventType, TaskState};
use mesos_client::operator::{WatchItem, WatchOptions};
use mesos_client::recordio::encode_record;
use mesos_client::resources::FrameworkId;
use mesos_client::view::ClusterView;
use mesos_client::{Error, MesosClient};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

/// Drops a comma that closes an object or array (`, }`), as the `.txt`
/// fixtures have one.
fn drop_trailing_commas(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let chars: Vec<char> = text.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c == ',' {
            let next = chars[i + 1..].iter().find(|c| !c.is_whitespace());
            if matches!(next, Some('}') | Some(']')) {
                continue;
            }
        }
        out.push(c);
    }
    out
}

#[test]
fn upstream_event_fixtures_decode() {
    let Some(dir) = common::upstream() else {
        return;
    };
    let read = |name: &str| std::fs::read_to_string(dir.join(name)).unwrap();
    let strict = |name: &str| -> OperatorEvent { serde_json::from_str(&read(name)).unwrap() };
    // Not strict JSON upstream (SOURCES.md): a trailing comma; fixed here.
    let lenient = |name: &str| -> OperatorEvent {
        let text = read(name);
        assert!(serde_json::from_str::<Value>(&text).is_err(), "{name}");
        serde_json::from_str(&drop_trailing_commas(&text)).unwrap()
    };

    let e = lenient("operator_event_heartbeat.txt");
    assert_eq!(e, OperatorEvent::Heartbeat);

    let OperatorEvent::AgentAdded(p) = lenient("operator_event_agent_added.txt") else {
        panic!()
    };
    assert_eq!(p.agent.id(), "c3946a13-75b4-4d3c-9d0e-fc10038dca85-S3");
    assert!(p.agent.active);

    let OperatorEvent::AgentRemoved(p) = strict("operator_event_agent_removed.json") else {
        panic!()
    };
    assert!(p.agent_id.as_str().ends_with("-S3"));

    for (name, kind) in [
        (
            "operator_event_framework_added.json",
            OperatorEventType::FrameworkAdded,
        ),
        (
            "operator_event_framework_updated.json",
            OperatorEventType::FrameworkUpdated,
        ),
    ] {
        let e = strict(name);
        assert_eq!(e.kind(), kind);
        let (OperatorEvent::FrameworkAdded(p) | OperatorEvent::FrameworkUpdated(p)) = e else {
            panic!()
        };
        assert_eq!(
            p.framework.framework_info.name,
            "inverse-offer-example-framework"
        );
    }

    let OperatorEvent::FrameworkRemoved(p) = strict("operator_event_framework_removed.json") else {
        panic!()
    };
    assert_eq!(
        p.framework_info.id.as_ref().unwrap().as_str(),
        "a9ba2984-99c4-4183-8cd1-f7313426e21c-0147"
    );

    // Doc bug (SOURCES.md): `Task` has no `command`; it is kept in `extra`.
    let OperatorEvent::TaskAdded(p) = strict("operator_event_task_added.json") else {
        panic!()
    };
    assert_eq!(p.task.name, "dummy-task");
    assert!(p.task.extra.contains_key("command"));

    // Outdated doc (SOURCES.md): TaskUpdated has framework_id, status and
    // state; the doc's task_id, agent_id and executor_id land in `extra`.
    let OperatorEvent::TaskUpdated(p) = strict("operator_event_task_updated.json") else {
        panic!()
    };
    assert_eq!(p.state, Some(TaskState::Running));
    assert_eq!(
        p.framework_id.as_str(),
        "49154f1b-8cf6-4421-bf13-8bd11dccd1f1"
    );
    for key in ["task_id", "agent_id", "executor_id"] {
        assert!(p.extra.contains_key(key), "{key}");
    }

    // The doc elides the snapshot as `{...}`.
    let text = read("operator_subscribe_response_first_event.txt");
    assert!(serde_json::from_str::<Value>(&text).is_err());
    let e: OperatorEvent = serde_json::from_str(&text.replace("{...}", "{}")).unwrap();
    let OperatorEvent::Subscribed(s) = e else {
        panic!()
    };
    assert!(s.get_state.is_some());
}

#[test]
fn upstream_get_state_builds_a_view() {
    let Some(text) = common::upstream_file("operator_get_state_response.json") else {
        return;
    };
    let mut value: Value = serde_json::from_str(&text).unwrap();
    let state = value["get_state"].take();
    let event: OperatorEvent = serde_json::from_value(json!({
        "type": "SUBSCRIBED",
        "subscribed": {"get_state": state, "heartbeat_interval_seconds": 15}
    }))
    .unwrap();
    let mut view = ClusterView::new();
    view.apply(&event);
    let summary = view.summary();
    assert!(summary.agents > 0 && summary.frameworks > 0, "{summary:?}");
    assert_eq!(
        summary.tasks_by_state.values().sum::<usize>(),
        summary.tasks
    );
}

fn record_body(events: &[Value]) -> Vec<u8> {
    let mut buf = BytesMut::new();
    for e in events {
        encode_record(&serde_json::to_vec(e).unwrap(), &mut buf);
    }
    buf.to_vec()
}

fn subscribed(agents: &[&str], heartbeat: f64) -> Value {
    let agents: Vec<Value> = agents
        .iter()
        .map(|id| json!({"agent_info": {"hostname": id, "id": {"value": id}}, "active": true, "version": "1.11.0"}))
        .collect();
    json!({"type": "SUBSCRIBED", "subscribed": {
        "heartbeat_interval_seconds": heartbeat,
        "get_state": {
            "get_agents": {"agents": agents},
            "get_frameworks": {"frameworks": [{"framework_info": {"user": "root", "name": "jenkins", "id": {"value": "F1"}}, "active": true, "connected": true}]},
            "get_tasks": {"tasks": [{"name": "t1", "task_id": {"value": "t1"}, "framework_id": {"value": "F1"}, "agent_id": {"value": "S1"}, "state": "TASK_RUNNING"}]}
        }
    }})
}

fn task_added(id: &str) -> Value {
    json!({"type": "TASK_ADDED", "task_added": {"task": {"name": id, "task_id": {"value": id},
        "framework_id": {"value": "F1"}, "agent_id": {"value": "S1"}, "state": "TASK_STAGING"}}})
}

fn task_updated(id: &str, state: &str) -> Value {
    json!({"type": "TASK_UPDATED", "task_updated": {"framework_id": {"value": "F1"},
        "status": {"task_id": {"value": id}, "state": state}, "state": state}})
}

/// Mounts a SUBSCRIBE answered with `body`, at most `times` times (all
/// times when `None`), checking the request's headers and body.
async fn mount_subscribe(server: &MockServer, body: Vec<u8>, times: Option<u64>, priority: u8) {
    let mock = Mock::given(method("POST"))
        .and(path("/api/v1"))
        .and(header("content-type", "application/json"))
        .and(header("accept", "application/json"))
        .and(header("authorization", "token=tok"))
        .and(body_json(json!({"type": "SUBSCRIBE"})))
        .respond_with(ResponseTemplate::new(200).set_body_raw(body, "application/json"))
        .with_priority(priority);
    let mock = match times {
        Some(n) => mock.up_to_n_times(n).expect(n),
        None => mock,
    };
    mock.mount(server).await;
}

fn fast() -> WatchOptions {
    WatchOptions::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

#[tokio::test]
async fn subscribe_yields_typed_events_and_ends_with_the_body() {
    let server = common::guarded_server().await;
    let body = record_body(&[
        subscribed(&["S1"], 15.0),
        task_added("t2"),
        json!({"type": "HEARTBEAT"}),
        json!({"type": "SOMETHING_NEW", "something_new": {"x": 1}}),
    ]);
    mount_subscribe(&server, body, Some(1), 1).await;
    let mesos = MesosClient::new(common::core(&server));
    let mut events = mesos.operator().subscribe().await.unwrap();
    assert!(events.url().as_str().ends_with("/api/v1"));
    let mut kinds = Vec::new();
    while let Some(event) = events.next().await {
        kinds.push(event.unwrap().kind().to_string());
    }
    assert_eq!(
        kinds,
        ["SUBSCRIBED", "TASK_ADDED", "HEARTBEAT", "SOMETHING_NEW"]
    );
    assert_eq!(events.events_read(), 4);
}

#[tokio::test]
async fn watch_yields_snapshot_events_then_resync() {
    let server = common::guarded_server().await;
    let first = record_body(&[
        subscribed(&["S1"], 15.0),
        task_added("t2"),
        task_updated("t2", "TASK_RUNNING"),
        json!({"type": "HEARTBEAT"}),
    ]);
    let second = record_body(&[
        subscribed(&["S1", "S2"], 15.0),
        task_updated("t1", "TASK_FINISHED"),
    ]);
    mount_subscribe(&server, first, Some(1), 1).await;
    mount_subscribe(&server, second, None, 2).await;
    let mesos = MesosClient::new(common::core(&server));
    let mut watch = mesos.operator().watch_with(fast());

    let mut view = match watch.next().await.unwrap().unwrap() {
        WatchItem::Snapshot(view) => view,
        other => panic!("{other:?}"),
    };
    assert_eq!(view.summary().agents, 1);
    assert_eq!(view.heartbeat_interval(), Some(Duration::from_secs(15)));
    let mut kinds = Vec::new();
    for _ in 0..3 {
        match watch.next().await.unwrap().unwrap() {
            WatchItem::Event(e) => {
                kinds.push(e.kind().to_string());
                view.apply(&e);
            }
            other => panic!("{other:?}"),
        }
    }
    assert_eq!(kinds, ["TASK_ADDED", "TASK_UPDATED", "HEARTBEAT"]);
    let t2 = view.task(&FrameworkId::new("F1"), "t2").unwrap();
    assert_eq!(t2.state, Some(TaskState::Running));
    assert_eq!(view.summary().tasks_by_state["TASK_RUNNING"], 2);

    // The body ended: the watch resubscribes and resyncs.
    let mut view = match watch.next().await.unwrap().unwrap() {
        WatchItem::Resync(view) => view,
        other => panic!("{other:?}"),
    };
    assert_eq!(view.summary().agents, 2);
    match watch.next().await.unwrap().unwrap() {
        WatchItem::Event(e) => view.apply(&e),
        other => panic!("{other:?}"),
    }
    assert_eq!(view.summary().tasks, 0);
    assert_eq!(view.summary().completed_tasks, 1);
    // And again, for ever.
    assert!(matches!(
        watch.next().await.unwrap().unwrap(),
        WatchItem::Resync(_)
    ));
}

#[tokio::test]
async fn watch_retries_a_503_and_stops_on_a_403() {
    let server = common::guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1"))
        .respond_with(ResponseTemplate::new(503).set_body_string("No leader elected"))
        .up_to_n_times(1)
        .expect(1)
        .with_priority(1)
        .mount(&server)
        .await;
    mount_subscribe(
        &server,
        record_body(&[subscribed(&["S1"], 15.0)]),
        Some(1),
        2,
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/api/v1"))
        .respond_with(ResponseTemplate::new(403).set_body_string("Forbidden"))
        .expect(1)
        .with_priority(3)
        .mount(&server)
        .await;
    let mesos = MesosClient::new(common::core(&server));
    // The core retries the 503 itself; the subscription that follows ends
    // with its body, and the next SUBSCRIBE is refused for good.
    let mut watch = mesos.operator().watch_with(fast());
    let mut items = Vec::new();
    while let Some(item) = watch.next().await {
        items.push(item);
    }
    assert_eq!(items.len(), 2, "{items:?}");
    assert!(matches!(items[0], Ok(WatchItem::Snapshot(_))), "{items:?}");
    let last = items.pop().unwrap().unwrap_err();
    assert_eq!(last.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn watch_ends_on_a_401() {
    let server = common::guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/api/v1"))
        .respond_with(ResponseTemplate::new(401).set_body_string("Unauthorized"))
        .expect(1..)
        .with_priority(1)
        .mount(&server)
        .await;
    let mesos = MesosClient::new(common::core(&server));
    let mut watch = mesos.operator().watch_with(fast());
    let err = watch.next().await.unwrap().unwrap_err();
    assert!(!matches!(err, Error::SubscriptionEnded), "{err:?}");
    assert!(watch.next().await.is_none());
}

/// A master that answers every SUBSCRIBE with `first` and then keeps the
/// connection open without sending anything: wiremock cannot stream, so
/// this is a bare HTTP/1.1 server on loopback.
async fn silent_master(first: Vec<u8>) -> (String, tokio::task::JoinHandle<()>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/", listener.local_addr().unwrap());
    let task = tokio::spawn(async move {
        loop {
            let Ok((mut socket, _)) = listener.accept().await else {
                return;
            };
            let first = first.clone();
            tokio::spawn(async move {
                let mut buf = vec![0u8; 4096];
                let mut got = Vec::new();
                while !String::from_utf8_lossy(&got).contains("SUBSCRIBE") {
                    match socket.read(&mut buf).await {
                        Ok(0) | Err(_) => return,
                        Ok(n) => got.extend_from_slice(&buf[..n]),
                    }
                }
                let head = "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\
                            Transfer-Encoding: chunked\r\n\r\n";
                let mut out = head.as_bytes().to_vec();
                out.extend_from_slice(format!("{:x}\r\n", first.len()).as_bytes());
                out.extend_from_slice(&first);
                out.extend_from_slice(b"\r\n");
                if socket.write_all(&out).await.is_err() {
                    return;
                }
                // Silence until the client gives up.
                let _ = socket.read(&mut buf).await;
            });
        }
    });
    (url, task)
}

#[tokio::test]
async fn watch_resubscribes_after_missed_heartbeats() {
    // 20 ms heartbeats: silence for 5 × 20 ms ends the subscription.
    let (url, server) = silent_master(record_body(&[subscribed(&["S1"], 0.02)])).await;
    let core = dcos_auth::HttpCore::direct(&url, dcos_auth::Credentials::None).unwrap();
    let mesos = MesosClient::new(core);
    let mut watch = mesos.operator().watch_with(fast());
    let started = tokio::time::Instant::now();
    assert!(matches!(
        watch.next().await.unwrap().unwrap(),
        WatchItem::Snapshot(_)
    ));
    let err = watch.next().await.unwrap().unwrap_err();
    let waited = started.elapsed();
    match err.http() {
        Some(dcos_auth::Error::Timeout { after, .. }) => {
            assert_eq!(*after, Duration::from_millis(100));
        }
        other => panic!("{other:?}"),
    }
    assert!(waited >= Duration::from_millis(100), "{waited:?}");
    assert!(err.is_retryable());
    assert!(matches!(
        watch.next().await.unwrap().unwrap(),
        WatchItem::Resync(_)
    ));
    server.abort();
}
