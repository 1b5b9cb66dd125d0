//! The simulated Marathon's event stream: real SSE, in order, filtered by
//! `event_type=`, for deployments that succeed and deployments that fail.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod marathon_support;

use std::time::Duration;

use serde_json::{Value, json};

use marathon_support::{Api, app, healthy_app};

/// Events until (and with) the first of `last`, as `(name, data)`.
async fn until(sse: &mut marathon_support::Sse, last: &str) -> Vec<(String, Value)> {
    let mut seen = Vec::new();
    loop {
        let (name, data) = sse.event().await;
        assert_eq!(
            data["eventType"],
            name.as_str(),
            "the SSE name is the eventType"
        );
        assert!(data["timestamp"].as_str().unwrap().ends_with('Z'));
        let done = name == last;
        if std::env::var("SSE_DEBUG").is_ok() {
            eprintln!("{name} {data}");
        }
        seen.push((name, data));
        if done {
            return seen;
        }
    }
}

fn position(events: &[(String, Value)], pred: impl Fn(&(String, Value)) -> bool) -> usize {
    events.iter().position(pred).expect("an expected event")
}

#[tokio::test]
async fn a_deployment_streams_its_events_in_order_and_ends_in_success() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut sse = api.events("").await;
    assert_eq!(
        sse.response.headers().get("Content-Type").unwrap(),
        "text/event-stream"
    );
    let (name, attached) = sse.event().await;
    assert_eq!(name, "event_stream_attached");
    assert_eq!(attached["remoteAddress"], "127.0.0.1");

    let response = api.post("/v2/apps", &healthy_app("web", 1)).await;
    let deployment = response.headers()["Marathon-Deployment-Id"]
        .to_str()
        .unwrap()
        .to_owned();
    let events = until(&mut sse, "deployment_success").await;
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    let post = position(&events, |(n, _)| n == "api_post_event");
    let info = position(&events, |(n, _)| n == "deployment_info");
    let running = position(&events, |(n, d)| {
        n == "status_update_event" && d["taskStatus"] == "TASK_RUNNING"
    });
    let healthy = position(&events, |(n, d)| {
        n == "health_status_changed_event" && d["alive"] == true
    });
    let last_step = events
        .iter()
        .rposition(|(n, _)| n == "deployment_step_success")
        .unwrap();
    assert!(
        post < info && info < running && running < healthy && healthy < last_step,
        "{names:?}"
    );
    assert_eq!(names.last(), Some(&"deployment_success"));

    let (_, post) = &events[post];
    assert_eq!(post["uri"], "/v2/apps");
    assert_eq!(post["appDefinition"]["id"], "/web");
    let (_, info) = &events[info];
    assert_eq!(info["plan"]["id"], deployment.as_str());
    assert_eq!(
        info["plan"]["steps"],
        json!([
            { "actions": [{ "action": "StartApplication", "app": "/web" }] },
            { "actions": [{ "action": "ScaleApplication", "app": "/web" }] },
        ])
    );
    assert_eq!(
        info["currentStep"],
        json!({ "actions": [{ "action": "StartApplication", "app": "/web" }] })
    );
    let (_, status) = &events[running];
    assert_eq!(status["appId"], "/web");
    assert!(
        status["taskId"]
            .as_str()
            .unwrap()
            .starts_with("web.instance-")
    );
    assert_eq!(status["ports"].as_array().unwrap().len(), 1);
    assert_eq!(status["version"], info["plan"]["version"]);
    let (_, success) = events.last().unwrap();
    assert_eq!(success["id"], deployment.as_str());
    assert!(names.contains(&"instance_changed_event"));
    assert!(names.contains(&"instance_health_changed_event"));
}

#[tokio::test]
async fn repeated_event_type_filters_let_only_those_types_through() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut sse = api
        .events("?event_type=deployment_info&event_type=deployment_success")
        .await;
    api.post("/v2/apps", &app("f", 1)).await;
    let events = until(&mut sse, "deployment_success").await;
    let names: Vec<&str> = events.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(
        names,
        vec!["deployment_info", "deployment_info", "deployment_success"]
    );
}

#[tokio::test]
async fn a_broken_app_never_gets_healthy_and_its_deployment_fails_at_the_deadline() {
    let cluster = common::fast()
        .marathon_deployment_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let api = Api::new(&cluster).await;
    let mut sse = api.events("").await;
    let mut broken = healthy_app("broken", 1);
    broken["container"] =
        json!({ "type": "DOCKER", "docker": { "image": "registry.local/shop:broken" } });
    let response = api.post("/v2/apps", &broken).await;
    let deployment = response.headers()["Marathon-Deployment-Id"]
        .to_str()
        .unwrap()
        .to_owned();
    let events = until(&mut sse, "deployment_failed").await;
    let unhealthy = position(&events, |(n, d)| {
        n == "health_status_changed_event" && d["alive"] == false
    });
    let failed_check = position(&events, |(n, _)| n == "failed_health_check_event");
    let step_failure = position(&events, |(n, _)| n == "deployment_step_failure");
    assert!(failed_check < unhealthy && unhealthy < step_failure);
    assert_eq!(events.last().unwrap().1["id"], deployment.as_str());
    assert!(!events.iter().any(|(n, _)| n == "deployment_success"));
    let app = api.get_json("/v2/apps/broken").await["app"].clone();
    assert_eq!(app["tasksUnhealthy"], 1);
    assert_eq!(app["tasks"][0]["healthCheckResults"][0]["alive"], false);
    assert_eq!(api.get_json("/v2/deployments").await, json!([]));
}

#[tokio::test]
async fn the_never_healthy_knob_fails_any_deployment() {
    let cluster = common::fast()
        .marathon_deployment_timeout(Duration::from_secs(20))
        .start()
        .await
        .unwrap();
    cluster.faults().marathon_never_healthy(true);
    let api = Api::new(&cluster).await;
    let mut sse = api.events("?event_type=deployment_failed&event_type=deployment_success&event_type=status_update_event").await;
    api.post("/v2/apps", &app("fine", 1)).await;
    let events = until(&mut sse, "deployment_failed").await;
    // Without health checks a broken app crashes: TASK_FAILED, relaunched.
    assert!(
        events
            .iter()
            .any(|(n, d)| n == "status_update_event" && d["taskStatus"] == "TASK_FAILED")
    );
    cluster.faults().marathon_never_healthy(false);
    api.put("/v2/apps/fine", &json!({ "cpus": 0.2 })).await;
    let events = until(&mut sse, "deployment_success").await;
    assert!(!events.iter().any(|(n, _)| n == "deployment_failed"));
}

#[tokio::test]
async fn an_image_nobody_pushed_fails_with_image_not_found_when_the_registry_is_required() {
    let cluster = common::fast()
        .require_pushed_images(true)
        .start()
        .await
        .unwrap();
    let api = Api::new(&cluster).await;
    let mut sse = api
        .events("?event_type=status_update_event&event_type=deployment_success")
        .await;
    let mut def = app("img", 1);
    def["container"] = json!({ "type": "DOCKER", "docker": { "image": "registry.local/shop:42" } });
    api.post("/v2/apps", &def).await;
    let failed = sse.next_of("status_update_event").await;
    assert_eq!(failed["taskStatus"], "TASK_FAILED");
    assert_eq!(failed["message"], "image not found: registry.local/shop:42");
    cluster.registry().push("registry.local/shop:42");
    assert!(cluster.registry().contains("registry.local/shop:42"));
    assert_eq!(api.delete("/v2/queue/img/delay").await.status(), 204);
    let events = until(&mut sse, "deployment_success").await;
    assert!(
        events
            .iter()
            .any(|(_, d)| d["taskStatus"] == "TASK_RUNNING")
    );
}

#[tokio::test]
async fn the_event_stream_needs_the_event_stream_accept_header() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let response = api.get("/v2/events").await;
    assert_eq!(response.status(), 405);
    assert!(
        response.headers()["Content-Type"]
            .to_str()
            .unwrap()
            .starts_with("text/html")
    );
    assert!(response.text().await.unwrap().contains("HTTP ERROR 405"));
}

#[tokio::test]
async fn other_streams_see_a_client_attach_and_detach() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut watcher = api
        .events("?event_type=event_stream_attached&event_type=event_stream_detached")
        .await;
    let (name, _) = watcher.event().await;
    assert_eq!(name, "event_stream_attached", "its own attach");
    let other = api.events("").await;
    let (name, data) = watcher.event().await;
    assert_eq!(name, "event_stream_attached");
    assert_eq!(data["remoteAddress"], "127.0.0.1");
    drop(other);
    let (name, _) = watcher.event().await;
    assert_eq!(name, "event_stream_detached");
}
