//! The event stream against wiremock, and the typed events against the
//! upstream fixtures (read at run time from `../shared/upstream`, skipped
//! with a notice when absent).
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;
use std::time::Duration;

use dcos_auth::{Cluster, ClusterBuilder, Credentials, RetryPolicy};
use futures_util::{Stream, StreamExt};
use marathon_client::events::{Event, EventFilter, EventType, WatchItem, WatchOptions};
use marathon_client::{Error, MarathonClient};
use wiremock::matchers::{any, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

// ---------------------------------------------------------------- helpers

/// Answers 599 naming the request, so an unexpected request fails loudly.
struct Unexpected;

impl Respond for Unexpected {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        ResponseTemplate::new(599).set_body_string(format!(
            "unexpected request {} {}",
            request.method, request.url
        ))
    }
}

/// A mock server whose unmatched requests get 599 and fail verification.
async fn guarded_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(Unexpected)
        .with_priority(u8::MAX)
        .named("catch-all: no request should reach this")
        .expect(0)
        .mount(&server)
        .await;
    server
}

fn builder(server: &MockServer) -> ClusterBuilder {
    Cluster::builder(server.uri())
        .retry(RetryPolicy::never())
        .timeout(Duration::from_secs(10))
}

fn client(server: &MockServer) -> MarathonClient {
    MarathonClient::new(builder(server).build().unwrap().root())
}

fn sse(body: impl Into<Vec<u8>>) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_raw(body.into(), "text/event-stream")
}

async fn serve_events(server: &MockServer, body: impl Into<Vec<u8>>) {
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(sse(body))
        .expect(1)
        .mount(server)
        .await;
}

fn upstream_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/marathon")
}

fn upstream(name: &str) -> Option<String> {
    let path = upstream_dir().join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(_) => {
            println!("skipping: upstream fixture {} is absent", path.display());
            None
        }
    }
}

/// Collects a stream, failing the test if it does not end soon.
async fn collect<S: Stream + Unpin>(stream: S) -> Vec<S::Item> {
    tokio::time::timeout(Duration::from_secs(10), stream.collect())
        .await
        .expect("the stream should end")
}

/// The first `n` items of a stream, failing the test if they do not come
/// soon.
async fn take<S: Stream + Unpin>(stream: &mut S, n: usize) -> Vec<S::Item> {
    let mut items = Vec::new();
    while items.len() < n {
        let item = tokio::time::timeout(Duration::from_secs(10), stream.next())
            .await
            .expect("the next item should come")
            .expect("the stream should not end yet");
        items.push(item);
    }
    items
}

fn label(item: &Result<WatchItem, Error>) -> String {
    match item {
        Ok(WatchItem::Connected) => "connected".into(),
        Ok(WatchItem::Reconnected) => "reconnected".into(),
        Ok(WatchItem::Event(e)) => e.type_name().to_owned(),
        Ok(other) => format!("{other:?}"),
        Err(e) => format!("error {}", e.status().map_or(0, |s| s.as_u16())),
    }
}

const STATUS_UPDATE: &str = r#"{"eventType":"status_update_event","timestamp":"2024-05-01T10:00:00.000Z","slaveId":"agent-1","taskId":"web.1","taskStatus":"TASK_RUNNING","message":"","appId":"/web","host":"10.0.0.5","ports":[31000],"version":"2024-05-01T09:59:00.000Z"}"#;
const ATTACHED: &str = r#"{"remoteAddress":"10.0.0.9","eventType":"event_stream_attached","timestamp":"2024-05-01T10:00:00.000Z"}"#;
const DEPLOYMENT_SUCCESS: &str =
    r#"{"eventType":"deployment_success","timestamp":"2024-05-01T10:01:00.000Z","id":"dep-1"}"#;

fn frame(name: &str, data: &str) -> String {
    format!("event: {name}\ndata: {data}\n\n")
}

// ---------------------------------------------------------------- fixtures

#[test]
fn every_upstream_event_fixture_decodes_into_its_typed_variant() {
    let Ok(dir) = std::fs::read_dir(upstream_dir()) else {
        println!("skipping: {} is absent", upstream_dir().display());
        return;
    };
    let mut names: Vec<String> = dir
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|n| n.starts_with("events_") && n.ends_with(".json"))
        .collect();
    names.sort();
    assert!(names.len() >= 28, "{names:?}");
    for name in names {
        let text = upstream(&name).unwrap();
        let json: serde_json::Value = serde_json::from_str(&text).unwrap();
        let event_type = json["eventType"].as_str().unwrap();
        // By SSE name, and by `eventType` as older servers need.
        for sse_name in [Some(event_type), None] {
            let event = Event::parse(sse_name, &text).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert!(
                !matches!(event, Event::Unknown { .. }),
                "{name} decoded as Unknown"
            );
            assert_eq!(event.type_name(), event_type, "{name}");
            assert_eq!(event.event_type(), EventType::from(event_type), "{name}");
            assert_eq!(
                event.timestamp().map(|t| t.as_str()),
                json["timestamp"].as_str(),
                "{name}"
            );
            // Nothing is lost: known fields, unknown fields and nulls. (A
            // step action's old name `type` is written as `action`.)
            assert_eq!(
                serde_json::to_value(&event).unwrap(),
                with_action_for_type(json.clone()),
                "{name}"
            );
            // The helpers read the documented fields.
            let app = json["appId"]
                .as_str()
                .or(json["runSpecId"].as_str())
                .or(json["appDefinition"]["id"].as_str());
            assert_eq!(event.app_id().map(|a| a.as_str()), app, "{name}");
            let deployment = json["id"].as_str().or(json["plan"]["id"].as_str());
            let is_deployment = event_type.starts_with("deployment_");
            assert_eq!(
                event.deployment_id().map(|d| d.as_str()),
                deployment.filter(|_| is_deployment),
                "{name}"
            );
            spot_check(&event, &json, &name);
        }
    }
}

/// `json` with `currentStep.actions[].type` renamed `action`.
fn with_action_for_type(mut json: serde_json::Value) -> serde_json::Value {
    if let Some(actions) = json
        .pointer_mut("/currentStep/actions")
        .and_then(|a| a.as_array_mut())
    {
        for action in actions.iter_mut().filter_map(|a| a.as_object_mut()) {
            if let Some(value) = action.remove("type") {
                action.insert("action".into(), value);
            }
        }
    }
    json
}

/// One typed field per kind of payload, compared with the JSON.
fn spot_check(event: &Event, json: &serde_json::Value, name: &str) {
    match event {
        Event::StatusUpdate(e) => {
            assert_eq!(e.task_status.as_deref(), json["taskStatus"].as_str());
            assert_eq!(
                e.ports.as_ref().unwrap()[0],
                json["ports"][0].as_u64().unwrap() as u32
            );
        }
        Event::ApiPost(e) => {
            let app = e.app_definition.as_ref().unwrap();
            assert_eq!(
                app.instances.map(u64::from),
                json["appDefinition"]["instances"].as_u64()
            );
        }
        Event::AddHealthCheck(e) | Event::RemoveHealthCheck(e) | Event::FailedHealthCheck(e) => {
            let check = e.health_check.as_ref().unwrap();
            assert_eq!(
                check.protocol.as_ref().map(|p| p.as_str()),
                json["healthCheck"]["protocol"].as_str()
            );
        }
        Event::DeploymentInfo(e)
        | Event::DeploymentStepSuccess(e)
        | Event::DeploymentStepFailure(e) => {
            let actions = &e.current_step.as_ref().unwrap().actions;
            assert_eq!(
                actions[0].action.as_ref().map(|a| a.as_str()),
                json["currentStep"]["actions"][0]["type"].as_str(),
                "{name}: `type` is read as the action"
            );
        }
        Event::InstanceChanged(e) => {
            assert_eq!(
                e.condition.as_ref().map(|c| c.as_str()),
                json["condition"].as_str()
            );
        }
        Event::InstanceHealthChanged(e) => assert_eq!(e.healthy, json["healthy"].as_bool()),
        Event::HealthStatusChanged(e) => assert_eq!(e.alive, json["alive"].as_bool()),
        Event::UnhealthyTaskKill(e) | Event::UnhealthyInstanceKill(e) => {
            assert_eq!(e.reason.as_deref(), json["reason"].as_str());
        }
        Event::GroupChangeSuccess(e) | Event::GroupChangeFailed(e) => {
            assert_eq!(
                e.group_id.as_ref().map(|g| g.as_str()),
                json["groupId"].as_str()
            );
        }
        Event::PodCreated(e) | Event::PodUpdated(e) | Event::PodDeleted(e) => {
            assert_eq!(e.uri.as_deref(), json["uri"].as_str());
        }
        Event::FrameworkMessage(e) => assert_eq!(e.message.as_deref(), json["message"].as_str()),
        Event::Subscribe(e) | Event::Unsubscribe(e) => {
            assert_eq!(e.callback_url.as_deref(), json["callbackUrl"].as_str());
        }
        Event::EventStreamAttached(e) | Event::EventStreamDetached(e) => {
            assert_eq!(e.client_ip.as_deref(), json["clientIp"].as_str());
        }
        _ => {}
    }
}

#[tokio::test]
async fn the_upstream_sse_streams_decode_into_typed_events() {
    for (name, expected) in [
        (
            "events_sse_stream.txt",
            &[
                EventType::EventStreamAttached,
                EventType::StatusUpdate,
                EventType::StatusUpdate,
            ][..],
        ),
        (
            "events_sse_data_only_legacy.txt",
            &[
                EventType::EventStreamAttached,
                EventType::GroupChangeSuccess,
            ],
        ),
    ] {
        let Some(mut body) = upstream(name) else {
            continue;
        };
        if !body.ends_with("\n\n") {
            // The docs snippet stops before the blank line a server sends.
            body.push('\n');
        }
        let server = guarded_server().await;
        serve_events(&server, body).await;
        let events = client(&server).events(EventFilter::all()).await.unwrap();
        let items = collect(events).await;
        let types: Vec<EventType> = items
            .iter()
            .map(|i| i.as_ref().unwrap().event_type())
            .collect();
        assert_eq!(types, expected, "{name}");
        for item in &items {
            if let Ok(Event::StatusUpdate(e)) = item {
                assert!(e.app_id.is_some() && e.task_id.is_some() && e.host.is_some());
            }
        }
    }
}

// ---------------------------------------------------------------- events()

#[tokio::test]
async fn repeated_event_type_params_and_the_accept_header_are_sent() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .and(header("accept", "text/event-stream"))
        .and(query_param("event_type", "deployment_success"))
        .and(query_param("event_type", "deployment_failed"))
        .and(query_param("plan-format", "light"))
        .respond_with(sse(frame("deployment_success", DEPLOYMENT_SUCCESS)))
        .expect(1)
        .mount(&server)
        .await;
    let filter = EventFilter::types([EventType::DeploymentSuccess, EventType::DeploymentFailed])
        .light_plans(true);
    let events = client(&server).events(filter).await.unwrap();
    let items = collect(events).await;
    assert_eq!(items.len(), 1);
    let event = items[0].as_ref().unwrap();
    assert_eq!(event.deployment_id().unwrap().as_str(), "dep-1");
    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        requests[0].url.query(),
        Some("event_type=deployment_success&event_type=deployment_failed&plan-format=light")
    );
}

#[tokio::test]
async fn events_are_filtered_again_on_the_client() {
    // An old server ignores `event_type` and sends everything.
    let server = guarded_server().await;
    let body = frame("event_stream_attached", ATTACHED)
        + &frame("status_update_event", STATUS_UPDATE)
        + &format!("data: {STATUS_UPDATE}\n\n")
        + &frame("deployment_success", DEPLOYMENT_SUCCESS);
    serve_events(&server, body).await;
    let events = client(&server)
        .events(EventFilter::types(["status_update_event"]))
        .await
        .unwrap();
    let items = collect(events).await;
    let types: Vec<String> = items
        .iter()
        .map(|i| i.as_ref().unwrap().type_name().to_owned())
        .collect();
    assert_eq!(types, ["status_update_event", "status_update_event"]);
}

#[tokio::test]
async fn unknown_types_are_kept_and_bad_frames_are_error_items() {
    let server = guarded_server().await;
    let body = frame("event_stream_attached", ATTACHED)
        + &frame(
            "quantum_event",
            r#"{"eventType":"quantum_event","spin":"up"}"#,
        )
        + &frame("status_update_event", r#"{"appId":"/web","ports":"#)
        + ": proxy keep-alive\n\n"
        + &frame("status_update_event", STATUS_UPDATE);
    serve_events(&server, body).await;
    let events = client(&server).events(EventFilter::all()).await.unwrap();
    let items = collect(events).await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(matches!(items[0], Ok(Event::EventStreamAttached(_))));
    match &items[1] {
        Ok(Event::Unknown { event_type, raw }) => {
            assert_eq!(event_type, "quantum_event");
            assert_eq!(raw["spin"], "up");
        }
        other => panic!("{other:?}"),
    }
    let err = items[2].as_ref().unwrap_err();
    let Error::Http(dcos_auth::Error::Decode { what, .. }) = err else {
        panic!("{err:?}");
    };
    assert!(what.contains("status_update_event"), "{what}");
    assert!(!what.contains("appId"), "event data is not quoted: {what}");
    let Ok(Event::StatusUpdate(update)) = &items[3] else {
        panic!("{:?}", items[3]);
    };
    assert_eq!(update.task_status.as_deref(), Some("TASK_RUNNING"));
}

#[tokio::test]
async fn a_standby_redirect_is_followed_with_credentials() {
    let standby = guarded_server().await;
    let leader = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(ResponseTemplate::new(302).insert_header(
            "location",
            format!("{}/v2/events?event_type=deployment_success", leader.uri()),
        ))
        .expect(1)
        .mount(&standby)
        .await;
    let basic = "Basic Y2QtYm90OnMzY3JldA=="; // cd-bot:s3cret
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .and(query_param("event_type", "deployment_success"))
        .and(header("accept", "text/event-stream"))
        .and(header("authorization", basic))
        .respond_with(sse(frame("deployment_success", DEPLOYMENT_SUCCESS)))
        .expect(1)
        .mount(&leader)
        .await;
    let cluster = builder(&standby)
        .auth(Credentials::basic("cd-bot", "s3cret"))
        .allow_host(leader.address().to_string())
        .build()
        .unwrap();
    let client = MarathonClient::new(cluster.root());
    let events = client
        .events(EventFilter::types([EventType::DeploymentSuccess]))
        .await
        .unwrap();
    assert_eq!(events.url().port(), Some(leader.address().port()));
    let items = collect(events).await;
    assert!(
        matches!(items[..], [Ok(Event::DeploymentSuccess(_))]),
        "{items:?}"
    );
    let standby_auth = standby.received_requests().await.unwrap()[0]
        .headers
        .get("authorization")
        .map(|v| v.to_str().unwrap().to_owned());
    assert_eq!(standby_auth.as_deref(), Some(basic));
}

#[tokio::test]
async fn a_405_html_answer_is_an_error_keeping_the_status_and_body() {
    let html = upstream("error_405_events_wrong_accept.html").unwrap_or_else(|| {
        "<html><body><h2>HTTP ERROR: 405</h2><p>Method not allowed</p></body></html>".into()
    });
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(ResponseTemplate::new(405).set_body_raw(html.clone(), "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .events(EventFilter::all())
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(405), "{err:?}");
    let body = err.http().unwrap().body().unwrap().text();
    assert!(body.contains("405"), "{body}");
    assert!(err.to_string().contains("405"), "{err}");
}

#[tokio::test]
async fn a_200_that_is_not_an_event_stream_is_refused() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("<html>login</html>", "text/html"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .events(EventFilter::all())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Protocol(_)), "{err:?}");
    assert!(err.to_string().contains("text/html"), "{err}");
}

// ---------------------------------------------------------------- watch()

fn fast() -> WatchOptions {
    WatchOptions::default().backoff(Duration::from_millis(1), Duration::from_millis(5))
}

#[tokio::test]
async fn watch_reconnects_when_the_stream_ends_and_says_so() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(sse(
            frame("event_stream_attached", ATTACHED) + &frame("status_update_event", STATUS_UPDATE)
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(sse(frame("deployment_success", DEPLOYMENT_SUCCESS)))
        .expect(2..)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut watch = client.watch_with(EventFilter::all(), fast());
    drop(client); // the watch owns its own clone
    let items = take(&mut watch, 7).await;
    let labels: Vec<String> = items.iter().map(label).collect();
    assert_eq!(
        labels,
        [
            "connected",
            "event_stream_attached",
            "status_update_event",
            "reconnected",
            "deployment_success",
            "reconnected",
            "deployment_success",
        ]
    );
}

#[tokio::test]
async fn watch_yields_connection_errors_and_keeps_going() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(ResponseTemplate::new(503).set_body_string("no leader yet"))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(sse(frame("deployment_success", DEPLOYMENT_SUCCESS)))
        .expect(1..)
        .mount(&server)
        .await;
    let mut watch = client(&server).watch_with(EventFilter::all(), fast());
    let items = take(&mut watch, 4).await;
    let labels: Vec<String> = items.iter().map(label).collect();
    assert_eq!(
        labels,
        ["error 503", "error 503", "connected", "deployment_success"]
    );
    assert!(matches!(items[0], Err(Error::NoLeader { .. })));
}

#[tokio::test]
async fn watch_yields_an_idle_time_out_and_reconnects() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(
            sse(frame("deployment_success", DEPLOYMENT_SUCCESS)).set_delay(Duration::from_secs(2)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(sse(frame("deployment_success", DEPLOYMENT_SUCCESS)))
        .expect(1..)
        .mount(&server)
        .await;
    let cluster = builder(&server)
        .stream_idle_timeout(Duration::from_millis(200))
        .build()
        .unwrap();
    let mut watch = MarathonClient::new(cluster.root()).watch_with(EventFilter::all(), fast());
    let items = take(&mut watch, 3).await;
    assert!(
        matches!(items[0], Err(Error::Http(dcos_auth::Error::Timeout { .. }))),
        "{:?}",
        items[0]
    );
    let labels: Vec<String> = items[1..].iter().map(label).collect();
    assert_eq!(labels, ["connected", "deployment_success"]);
}

#[tokio::test]
async fn watch_ends_after_a_403() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(serde_json::json!({"message": "Access Denied"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let watch = client(&server).watch_with(EventFilter::all(), fast());
    let items = collect(watch).await;
    let labels: Vec<String> = items.iter().map(label).collect();
    assert_eq!(labels, ["error 403"]);
}

#[tokio::test]
async fn a_watch_can_be_spawned() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(ResponseTemplate::new(401))
        .expect(1)
        .mount(&server)
        .await;
    let watch = client(&server).watch(EventFilter::all());
    let items = tokio::spawn(collect(watch)).await.unwrap();
    assert_eq!(items.len(), 1);
    assert_eq!(
        items[0].as_ref().unwrap_err().status().unwrap().as_u16(),
        401
    );
}
