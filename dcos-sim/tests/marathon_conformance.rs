//! The simulated Marathon's answers and events have the top-level keys and
//! JSON types of the upstream examples under ../shared/upstream/marathon
//! (skipped with a notice when absent). For list answers the first item is
//! compared too. A key that is `null` upstream may be absent here; the
//! simulator may add keys.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod marathon_support;

use std::time::Duration;

use serde_json::{Value, json};

use common::kind;
use marathon_support::{Api, app, healthy_app};

/// Keys of an upstream example the simulator leaves out on purpose.
const KNOWN_DIFFERENCES: &[(&str, &str)] = &[
    // Legacy app fields (Marathon 0.x): the simulator writes `fetch` and
    // `portDefinitions` instead, as Marathon 1.x does.
    ("apps_list.json", "apps[0].uris"),
    ("apps_list.json", "apps[0].ports"),
    // Simulated agents have no fault domain, so tasks have no region/zone.
    ("tasks_list.json", "tasks[0].region"),
    ("tasks_list.json", "tasks[0].zone"),
    ("app_tasks_list.json", "tasks[0].region"),
    ("app_tasks_list.json", "tasks[0].zone"),
];

fn fixture(dir: &std::path::Path, file: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

/// Compares the keys and types of `expected` (an object) with `got`, and
/// the first item of every array of objects one level down.
fn shape(file: &str, expected: &Value, got: &Value, path: &str, errors: &mut Vec<String>) {
    let (Some(e), Some(g)) = (expected.as_object(), got.as_object()) else {
        if kind(expected) != kind(got) {
            errors.push(format!(
                "{file}: {path}: {} upstream, {} here",
                kind(expected),
                kind(got)
            ));
        }
        if let (Some(e), Some(g)) = (expected.as_array(), got.as_array()) {
            if let (Some(ev), Some(gv)) = (e.first(), g.first()) {
                shape(file, ev, gv, &format!("{path}[0]"), errors);
            }
        }
        return;
    };
    for (key, ev) in e {
        let p = if path.is_empty() {
            key.clone()
        } else {
            format!("{path}.{key}")
        };
        if KNOWN_DIFFERENCES.contains(&(file, p.as_str())) {
            continue;
        }
        match g.get(key) {
            None if ev.is_null() => {}
            None => errors.push(format!("{file}: {p} is missing here")),
            Some(gv) if ev.is_null() || gv.is_null() => {}
            Some(gv) if kind(ev) != kind(gv) => {
                errors.push(format!(
                    "{file}: {p}: {} upstream, {} here",
                    kind(ev),
                    kind(gv)
                ));
            }
            Some(gv) => {
                if let (Some(ea), Some(ga)) = (ev.as_array(), gv.as_array()) {
                    if let (Some(e0 @ Value::Object(_)), Some(g0)) = (ea.first(), ga.first()) {
                        if path.is_empty() {
                            shape(file, e0, g0, &format!("{p}[0]"), errors);
                        }
                    }
                }
            }
        }
    }
}

async fn body(response: reqwest::Response) -> Value {
    response.json().await.unwrap()
}

#[tokio::test]
async fn answers_and_events_have_the_upstream_shapes() {
    let Some(dir) = common::upstream("marathon") else {
        return;
    };
    let cluster = common::fast()
        .agents_like(1, dcos_sim::AgentSpec::default().cpus(2.0))
        .marathon_deployment_timeout(Duration::from_secs(3000))
        .start()
        .await
        .unwrap();
    let api = Api::new(&cluster).await;
    let mut sse = api.events("").await;
    let (name, attached) = sse.event().await;
    assert_eq!(name, "event_stream_attached");
    let mut got: Vec<(&str, Value)> = Vec::new();

    let response = api.post("/v2/apps", &healthy_app("web", 1)).await;
    assert_eq!(response.status(), 201);
    api.settle().await;
    got.push(("apps_list.json", api.get_json("/v2/apps").await));
    got.push((
        "app_versions_list.json",
        api.get_json("/v2/apps/web/versions").await,
    ));
    got.push(("tasks_list.json", api.get_json("/v2/tasks").await));
    got.push((
        "app_tasks_list.json",
        api.get_json("/v2/apps/web/tasks").await,
    ));
    let response = api.put("/v2/apps/web", &json!({ "instances": 2 })).await;
    let result = body(response).await;
    got.push(("deployment_result.json", result.clone()));
    got.push(("app_put_response.json", result));
    api.settle().await;
    got.push(("info.json", api.get_json("/v2/info").await));
    got.push(("leader.json", api.get_json("/v2/leader").await));
    let group = json!({ "id": "/tools", "apps": [app("oauth", 1)] });
    got.push((
        "group_dry_run_steps.json",
        body(api.put("/v2/groups/tools?dryRun=true", &group).await).await,
    ));
    got.push((
        "group_update_response.json",
        body(api.post("/v2/groups", &group).await).await,
    ));
    api.settle().await;
    got.push(("groups_root_nested.json", api.get_json("/v2/groups").await));
    got.push((
        "group_versions_list.json",
        api.get_json("/v2/groups/tools/versions").await,
    ));

    // A deployment that stays: a broken app, and one that does not fit.
    let mut stuck = healthy_app("stuck", 1);
    stuck["env"] = json!({ "SIM_BROKEN": "true" });
    api.post("/v2/apps", &stuck).await;
    let mut big = app("big", 1);
    big["cpus"] = json!(1.5);
    api.post("/v2/apps", &big).await;
    tokio::time::sleep(Duration::from_millis(100)).await;
    got.push((
        "deployments_list.json",
        api.get_json("/v2/deployments").await,
    ));
    got.push(("queue.json", api.get_json("/v2/queue").await));
    got.push((
        "error_409_app_locked.json",
        body(api.put("/v2/apps/stuck", &json!({ "cpus": 0.1 })).await).await,
    ));
    got.push((
        "error_409_app_exists.json",
        body(api.post("/v2/apps", &app("web", 1)).await).await,
    ));
    got.push((
        "error_409_group_exists.json",
        body(api.post("/v2/groups", &json!({ "id": "/tools" })).await).await,
    ));
    got.push((
        "error_422_object_not_valid.json",
        body(api.post("/v2/apps", &json!({ "id": "/x", "cmd": "c", "upgradeStrategy": { "minimumHealthCapacity": 3 } })).await).await,
    ));
    got.push((
        "error_422_group_id_not_child.json",
        body(
            api.put(
                "/v2/groups/tools",
                &json!({ "apps": [app("/elsewhere", 1)] }),
            )
            .await,
        )
        .await,
    ));
    got.push((
        "error_400_invalid_json.json",
        body(api.post("/v2/apps", &json!({ "id": 5 })).await).await,
    ));
    got.push((
        "error_404_app_not_found.json",
        body(api.get("/v2/apps/nope").await).await,
    ));
    got.push((
        "error_404_deployment_not_found.json",
        body(api.delete("/v2/deployments/nope").await).await,
    ));
    got.push((
        "error_404_task_not_found.json",
        body(api.delete("/v2/apps/web/tasks/nope").await).await,
    ));
    got.push((
        "error_400_tasks_delete_unknown_id.json",
        body(
            api.post("/v2/tasks/delete", &json!({ "ids": ["nope"] }))
                .await,
        )
        .await,
    ));
    let response = api.delete("/v2/apps/web").await;
    got.push(("app_delete_response.json", body(response).await));
    api.delete("/v2/apps/stuck").await;
    tokio::time::sleep(Duration::from_millis(100)).await;

    // The events seen so far, first of each type.
    let wanted = [
        "status_update_event",
        "deployment_info",
        "deployment_step_success",
        "deployment_success",
        "deployment_failed",
        "deployment_step_failure",
        "health_status_changed_event",
        "instance_changed_event",
        "instance_health_changed_event",
        "failed_health_check_event",
        "api_post_event",
        "app_terminated_event",
        "group_change_success",
    ];
    let mut events: Vec<(String, Value)> = Vec::new();
    while events.len() < wanted.len() {
        let (name, data) = tokio::time::timeout(Duration::from_secs(5), sse.event())
            .await
            .unwrap_or_else(|_| {
                let seen: Vec<&String> = events.iter().map(|(n, _)| n).collect();
                panic!("missing events; saw {seen:?}")
            });
        if wanted.contains(&name.as_str()) && !events.iter().any(|(n, _)| *n == name) {
            events.push((name, data));
        }
    }
    let files: Vec<String> = events
        .iter()
        .map(|(n, _)| format!("events_{n}.json"))
        .collect();
    for ((_, data), file) in events.iter().zip(&files) {
        got.push((file.as_str(), data.clone()));
    }

    let mut errors = Vec::new();
    for (file, value) in &got {
        shape(file, &fixture(&dir, file), value, "", &mut errors);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
    assert_eq!(got.len(), 25 + wanted.len());

    // The attach frame has the keys of the upstream SSE capture's.
    let capture = std::fs::read_to_string(dir.join("events_sse_stream.txt")).unwrap();
    let mut lines = capture.lines();
    assert_eq!(lines.next(), Some("event: event_stream_attached"));
    let data: Value =
        serde_json::from_str(lines.next().unwrap().strip_prefix("data: ").unwrap()).unwrap();
    let mut errors = Vec::new();
    shape("events_sse_stream.txt", &data, &attached, "", &mut errors);
    assert!(errors.is_empty(), "{errors:?}");

    // The comparison itself catches a missing key and a wrong type.
    let mut probe = Vec::new();
    shape(
        "info.json",
        &fixture(&dir, "info.json"),
        &json!({ "name": 1 }),
        "",
        &mut probe,
    );
    assert!(
        probe
            .iter()
            .any(|e| e.contains("name: string upstream, number here"))
    );
    assert!(probe.iter().any(|e| e.contains("elected is missing")));
}
