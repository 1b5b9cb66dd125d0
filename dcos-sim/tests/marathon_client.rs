//! The simulated Marathon through marathon-client: the flows a real
//! client runs against a real Marathon.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod marathon_support;

use std::time::Duration;

use futures_util::StreamExt;
use marathon_client::events::{Event, EventFilter, EventType};
use marathon_client::models::App;
use marathon_client::{AppId, DeploymentOutcome, Error, ValidationDetails};
use serde_json::json;

use marathon_support::{app, client, healthy_app};

fn model(value: serde_json::Value) -> App {
    serde_json::from_value(value).unwrap()
}

const WAIT: Duration = Duration::from_secs(20);

#[tokio::test]
async fn create_then_wait_for_the_deployment_to_succeed() {
    let cluster = common::start().await;
    let marathon = client(&cluster);
    let created = marathon
        .apps()
        .create(&model(healthy_app("/team/web", 2)))
        .await
        .unwrap();
    assert_eq!(created.value.id, AppId::new("/team/web").unwrap());
    let deployment = created.deployment_id.expect("a deployment id");
    let outcome = marathon
        .wait_for_deployment(&deployment, WAIT)
        .await
        .unwrap();
    assert_eq!(outcome, DeploymentOutcome::Succeeded);
    let app = marathon
        .apps()
        .get(&AppId::new("/team/web").unwrap())
        .await
        .unwrap();
    assert_eq!(app.tasks_healthy, Some(2));
    assert!(marathon_client::app_converged(&app, None).is_ok());
    let tasks = marathon.apps().tasks(&app.id).await.unwrap();
    assert_eq!(tasks.len(), 2);
    assert!(tasks.iter().all(|t| t.is_running() && t.is_healthy()));
}

#[tokio::test]
async fn a_broken_app_ends_in_a_failed_deployment() {
    let cluster = common::fast()
        .marathon_deployment_timeout(Duration::from_secs(30))
        .start()
        .await
        .unwrap();
    let marathon = client(&cluster);
    let mut broken = healthy_app("/broken", 1);
    broken["env"] = json!({ "SIM_BROKEN": "true" });
    let created = marathon.apps().create(&model(broken)).await.unwrap();
    let outcome = marathon
        .wait_for_deployment(&created.deployment_id.unwrap(), WAIT)
        .await
        .unwrap();
    assert!(
        matches!(outcome, DeploymentOutcome::Failed { .. }),
        "{outcome:?}"
    );
}

#[tokio::test]
async fn a_locked_app_is_app_locked_until_forced() {
    let cluster = common::start().await;
    let marathon = client(&cluster);
    let mut broken = healthy_app("/locked", 1);
    broken["env"] = json!({ "SIM_BROKEN": "true" });
    let created = marathon.apps().create(&model(broken)).await.unwrap();
    let blocking = created.deployment_id.unwrap();
    let id = AppId::new("/locked").unwrap();
    let error = marathon.apps().scale(&id, 2).send().await.unwrap_err();
    match &error {
        Error::AppLocked {
            deployments,
            message,
            ..
        } => {
            assert_eq!(deployments, &vec![blocking.clone()]);
            assert!(message.starts_with("App is locked by one or more deployments."));
        }
        other => panic!("expected AppLocked, got {other:?}"),
    }
    let forced = marathon
        .apps()
        .scale(&id, 2)
        .force(true)
        .send()
        .await
        .unwrap();
    assert!(forced.deployment_id.is_some());
    assert!(!marathon.deployments().is_running(&blocking).await.unwrap());
}

#[tokio::test]
async fn an_invalid_app_is_a_validation_error_with_details() {
    let cluster = common::start().await;
    let marathon = client(&cluster);
    let mut bad = app("/bad", 1);
    bad["upgradeStrategy"] = json!({ "minimumHealthCapacity": 2.0 });
    let error = marathon.apps().create(&model(bad)).await.unwrap_err();
    match error {
        Error::Validation {
            status,
            message,
            details,
            ..
        } => {
            assert_eq!(status.as_u16(), 422);
            assert_eq!(message, "Object is not valid");
            let Some(ValidationDetails::Fields(fields)) = details else {
                panic!("field details expected");
            };
            assert_eq!(fields[0].path, "/upgradeStrategy/minimumHealthCapacity");
            assert_eq!(fields[0].errors, vec!["is greater than 1".to_owned()]);
        }
        other => panic!("expected Validation, got {other:?}"),
    }
}

#[tokio::test]
async fn scale_and_roll_back() {
    let cluster = common::start().await;
    let marathon = client(&cluster);
    let created = marathon.apps().create(&model(app("/sc", 1))).await.unwrap();
    marathon
        .wait_for_deployment(&created.deployment_id.unwrap(), WAIT)
        .await
        .unwrap();
    let id = AppId::new("/sc").unwrap();
    let first = marathon.apps().get(&id).await.unwrap().version.unwrap();

    let scaled = marathon.apps().scale(&id, 3).send().await.unwrap();
    let outcome = marathon
        .wait_for_deployment(&scaled.deployment_id.unwrap(), WAIT)
        .await
        .unwrap();
    assert_eq!(outcome, DeploymentOutcome::Succeeded);
    let app = marathon
        .wait_for_app(&id, scaled.version.as_ref(), WAIT)
        .await
        .unwrap();
    assert_eq!(app.tasks_running, Some(3));
    assert_eq!(marathon.apps().versions(&id).await.unwrap().len(), 2);

    let back = marathon
        .apps()
        .rollback_to(&id, &first)
        .send()
        .await
        .unwrap();
    marathon
        .wait_for_deployment(&back.deployment_id.unwrap(), WAIT)
        .await
        .unwrap();
    let app = marathon.apps().get(&id).await.unwrap();
    assert_eq!(app.instances, Some(1));
    assert_eq!(app.tasks_running, Some(1));

    // Cancelling a stuck deployment rolls it back.
    let stuck = marathon
        .apps()
        .patch(
            &id,
            &model(json!({ "id": "/sc", "env": { "SIM_BROKEN": "true" } })),
        )
        .send()
        .await
        .unwrap();
    let rollback = marathon
        .deployments()
        .cancel(&stuck.deployment_id.unwrap())
        .await
        .unwrap();
    let outcome = marathon
        .wait_for_deployment(&rollback.deployment_id.unwrap(), WAIT)
        .await
        .unwrap();
    assert_eq!(outcome, DeploymentOutcome::Succeeded);
    let app = marathon.apps().get(&id).await.unwrap();
    assert!(
        app.env
            .as_ref()
            .is_none_or(|e| e.get("SIM_BROKEN").is_none()),
        "{:?}",
        app.env
    );
}

#[tokio::test]
async fn events_arrive_typed_and_in_order() {
    let cluster = common::start().await;
    let marathon = client(&cluster);
    let filter = EventFilter::types([
        EventType::DeploymentInfo,
        EventType::StatusUpdate,
        EventType::DeploymentStepSuccess,
        EventType::DeploymentSuccess,
    ]);
    let mut events = marathon.events(filter).await.unwrap();
    let created = marathon.apps().create(&model(app("/ev", 1))).await.unwrap();
    let wanted = created.deployment_id.unwrap();
    let mut kinds = Vec::new();
    loop {
        let event = tokio::time::timeout(WAIT, events.next())
            .await
            .unwrap()
            .unwrap()
            .unwrap();
        kinds.push(event.type_name().to_owned());
        if let Event::DeploymentSuccess(end) = &event {
            assert_eq!(end.id.as_ref(), Some(&wanted));
            break;
        }
    }
    assert_eq!(kinds.first().map(String::as_str), Some("deployment_info"));
    let running = kinds
        .iter()
        .position(|k| k == "status_update_event")
        .unwrap();
    let step = kinds
        .iter()
        .rposition(|k| k == "deployment_step_success")
        .unwrap();
    assert!(running < step, "{kinds:?}");
}
