//! Waiting for deployments and apps, by polling (no event stream).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::{client, guarded_server};
use marathon_client::models::Timestamp;
use marathon_client::{AppId, DeploymentId, DeploymentOutcome, Error, WaitOptions};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const V: &str = "2024-01-02T00:00:00.000Z";
const OLD: &str = "2024-01-01T00:00:00.000Z";

fn fast() -> WaitOptions {
    WaitOptions::default().poll_interval(Duration::from_millis(10))
}

fn app(running: u32, healthy: u32, task_versions: &[&str], health: bool) -> Value {
    let tasks: Vec<Value> = task_versions
        .iter()
        .enumerate()
        .map(|(i, v)| json!({"id": format!("web.{i}"), "state": "TASK_RUNNING", "version": v}))
        .collect();
    json!({"app": {
        "id": "/web", "instances": 2, "version": V,
        "versionInfo": {"lastConfigChangeAt": V, "lastScalingAt": V},
        "healthChecks": if health { json!([{"protocol": "HTTP"}]) } else { json!([]) },
        "tasksRunning": running, "tasksHealthy": healthy, "tasks": tasks, "deployments": []
    }})
}

async fn deployments_then(server: &MockServer, first: Value, times: u64, then: Value) {
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(first))
        .up_to_n_times(times)
        .with_priority(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(then))
        .with_priority(2)
        .mount(server)
        .await;
}

/// A server with no event stream: the wait falls back to polling.
async fn no_event_stream(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .respond_with(ResponseTemplate::new(405).set_body_string("<html>HTTP ERROR: 405</html>"))
        .expect(1)
        .mount(server)
        .await;
}

/// An event stream that sends `frames` and then stays quiet long enough.
async fn event_stream(server: &MockServer, frames: &str) {
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .and(header("accept", "text/event-stream"))
        .and(query_param("plan-format", "light"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_raw(frames.as_bytes().to_vec(), "text/event-stream"),
        )
        .expect(1)
        .mount(server)
        .await;
}

fn running(id: &str, app: &str) -> Value {
    json!([{"id": id, "version": V, "affectedApps": [app], "currentStep": 1, "totalSteps": 1}])
}

#[tokio::test]
async fn a_deployment_that_converges_succeeded() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    deployments_then(&server, running("d1", "/web"), 2, json!([])).await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 2, &[V, V], true)))
        .expect(1)
        .mount(&server)
        .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    assert_eq!(outcome, DeploymentOutcome::Succeeded);
}

#[tokio::test]
async fn a_deployment_replaced_by_another_was_cancelled() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    deployments_then(
        &server,
        running("d1", "/web"),
        1,
        running("rollback", "/web"),
    )
    .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    assert_eq!(
        outcome,
        DeploymentOutcome::Cancelled {
            superseded_by: Some(DeploymentId::from("rollback"))
        }
    );
}

#[tokio::test]
async fn a_deployment_that_ends_short_of_its_target_failed() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    deployments_then(&server, running("d1", "/web"), 1, json!([])).await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(1, 1, &[V], true)))
        .expect(3)
        .mount(&server)
        .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    match outcome {
        DeploymentOutcome::Failed { reason } => assert!(reason.contains("1/2"), "{reason}"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_deployment_that_never_ends_times_out() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(running("d1", "/web")))
        .mount(&server)
        .await;
    let err = client(&server)
        .wait_for_deployment_with(
            &DeploymentId::from("d1"),
            Duration::from_millis(100),
            fast(),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn wait_for_app_waits_for_health_and_the_new_configuration() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 1, &[V, OLD], true)))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 2, &[V, V], true)))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let app = client(&server)
        .wait_for_app_with(
            &AppId::new("/web").unwrap(),
            Some(&Timestamp::from(V)),
            Duration::from_secs(5),
            fast(),
        )
        .await
        .unwrap();
    assert_eq!(app.tasks_healthy, Some(2));
}

#[tokio::test]
async fn an_app_without_health_checks_counts_running_tasks() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 0, &[V, V], false)))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .wait_for_app_with(
            &AppId::new("/web").unwrap(),
            None,
            Duration::from_secs(5),
            fast(),
        )
        .await
        .unwrap();
}

#[tokio::test]
async fn wait_for_app_times_out_saying_why() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 1, &[V, V], true)))
        .mount(&server)
        .await;
    let err = client(&server)
        .wait_for_app_with(
            &AppId::new("/web").unwrap(),
            None,
            Duration::from_millis(100),
            fast(),
        )
        .await
        .unwrap_err();
    assert!(err.to_string().contains("1/2 healthy"), "{err}");
}

#[tokio::test]
async fn a_success_event_confirmed_by_the_app_succeeded() {
    let server = guarded_server().await;
    event_stream(
        &server,
        "event: deployment_info\ndata: {\"eventType\":\"deployment_info\",\"plan\":{\"id\":\"d1\",\"version\":\"2024-01-02T00:00:00.000Z\",\"affectedApps\":[\"/web\"]}}\n\n\
         event: deployment_success\ndata: {\"eventType\":\"deployment_success\",\"id\":\"other\"}\n\n\
         event: deployment_success\ndata: {\"eventType\":\"deployment_success\",\"id\":\"d1\"}\n\n",
    )
    .await;
    // The list never lets the deployment go: only the event can end the wait.
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(running("d1", "/web")))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 2, &[V, V], true)))
        .expect(1)
        .mount(&server)
        .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    assert_eq!(outcome, DeploymentOutcome::Succeeded);
}

#[tokio::test]
async fn a_failure_event_is_failed() {
    let server = guarded_server().await;
    event_stream(
        &server,
        "data: {\"eventType\":\"deployment_failed\",\"id\":\"d1\"}\n\n",
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(running("d1", "/web")))
        .mount(&server)
        .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    assert!(
        matches!(outcome, DeploymentOutcome::Failed { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_deployment_gone_before_it_was_seen_is_unknown_not_succeeded() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    assert!(
        matches!(outcome, DeploymentOutcome::Unknown { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn with_the_app_known_a_deployment_gone_before_it_was_seen_is_confirmed() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 2, &[V, V], true)))
        .expect(1)
        .mount(&server)
        .await;
    let hints = fast()
        .apps([AppId::new("/web").unwrap()])
        .version(Timestamp::from(V));
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), hints)
        .await
        .unwrap();
    assert_eq!(outcome, DeploymentOutcome::Succeeded);
}

#[tokio::test]
async fn a_rollback_that_already_finished_is_cancelled_not_succeeded() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    deployments_then(&server, running("d1", "/web"), 1, json!([])).await;
    // The rollback left the app at a newer version than d1's target.
    let mut rolled_back = app(2, 2, &["2024-01-03T00:00:00.000Z"; 2], true);
    rolled_back["app"]["version"] = json!("2024-01-03T00:00:00.000Z");
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(rolled_back))
        .expect(1)
        .mount(&server)
        .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    assert_eq!(
        outcome,
        DeploymentOutcome::Cancelled {
            superseded_by: None
        }
    );
}

#[tokio::test]
async fn a_503_while_polling_is_waited_out() {
    let server = guarded_server().await;
    no_event_stream(&server).await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(
            ResponseTemplate::new(503).set_body_json(json!({"message": "leader election"})),
        )
        .up_to_n_times(4)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(running("d1", "/web")))
        .up_to_n_times(1)
        .with_priority(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .with_priority(3)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(app(2, 2, &[V, V], true)))
        .mount(&server)
        .await;
    let outcome = client(&server)
        .wait_for_deployment_with(&DeploymentId::from("d1"), Duration::from_secs(5), fast())
        .await
        .unwrap();
    assert_eq!(outcome, DeploymentOutcome::Succeeded);
}

#[test]
fn a_zero_poll_interval_and_an_endless_timeout_do_not_panic() {
    let options = WaitOptions::default().poll_interval(Duration::ZERO);
    assert_eq!(options.poll_interval, Duration::from_millis(1));
}
