//! Deployments, groups, tasks, the queue, pods and the server endpoints:
//! method, path, query, headers and body of each.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{body_of, client, guarded_server};
use marathon_client::models::{Group, Pod, Timestamp};
use marathon_client::{
    DeploymentId, Error, GroupEmbed, GroupId, Killed, PathId, TaskId, TaskStatus,
};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

fn pid(s: &str) -> PathId {
    PathId::new(s).unwrap()
}

fn deployment_answer(dep: &str) -> ResponseTemplate {
    ResponseTemplate::new(200)
        .insert_header("Marathon-Deployment-Id", dep)
        .set_body_json(json!({"version": "2024-01-01T00:00:00.000Z", "deploymentId": dep}))
}

#[tokio::test]
async fn deployments_list_cancel_and_force_cancel() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([
            {"id": "d1", "affectedApps": ["/web"], "currentStep": 1, "totalSteps": 2}
        ])))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/deployments/d1"))
        .and(query_param("force", "false"))
        .respond_with(deployment_answer("rollback-1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/deployments/d2"))
        .and(query_param("force", "true"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let list = client.deployments().list().await.unwrap();
    assert_eq!(list[0].id.as_str(), "d1");
    assert_eq!(list[0].total_steps, Some(2));
    assert!(
        client
            .deployments()
            .is_running(&DeploymentId::from("d1"))
            .await
            .unwrap()
    );
    let rollback = client
        .deployments()
        .cancel(&DeploymentId::from("d1"))
        .await
        .unwrap();
    assert_eq!(rollback.deployment_id.unwrap().as_str(), "rollback-1");
    client
        .deployments()
        .force_cancel(&DeploymentId::from("d2"))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_missing_deployment_is_not_found() {
    let server = guarded_server().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/deployments/nope"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "DeploymentPlan nope does not exist"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .deployments()
        .cancel(&DeploymentId::from("nope"))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    assert_eq!(err.message(), Some("DeploymentPlan nope does not exist"));
}

#[tokio::test]
async fn groups_tree_get_embed_and_versions() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/groups"))
        .and(query_param_is_missing("embed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "/", "apps": [], "groups": [{"id": "/prod", "apps": [{"id": "/prod/web"}]}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/groups/prod"))
        .and(query_param("embed", "group.apps"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "/prod", "apps": [{"id": "/prod/web"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/groups/prod/versions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["2024-01-01T00:00:00.000Z"])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/groups/prod/versions/2024-01-01T00:00:00.000Z"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "/prod"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/groups/gone"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "Group '/gone' does not exist"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let tree = client.groups().tree().await.unwrap();
    assert_eq!(
        tree.groups.as_ref().unwrap()[0].apps.as_ref().unwrap()[0]
            .id
            .as_str(),
        "/prod/web"
    );
    let prod = client
        .groups()
        .get_embed(&pid("/prod"), &[GroupEmbed::Apps])
        .await
        .unwrap();
    assert_eq!(prod.id.as_str(), "/prod");
    let versions = client.groups().versions(&pid("/prod")).await.unwrap();
    assert_eq!(versions, [Timestamp::from("2024-01-01T00:00:00.000Z")]);
    client
        .groups()
        .version(&pid("/prod"), &versions[0])
        .await
        .unwrap();
    assert_eq!(client.groups().get_opt(&pid("/gone")).await.unwrap(), None);
}

#[tokio::test]
async fn group_changes_and_the_dry_run() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/groups"))
        .and(query_param("force", "false"))
        .and(body_json(
            json!({"id": "/prod", "apps": [{"id": "web", "instances": 1}]}),
        ))
        .respond_with(
            deployment_answer("g1").set_body_json(json!({"version": "v", "deploymentId": "g1"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/groups/prod"))
        .and(query_param("dryRun", "true"))
        .and(body_json(
            json!({"id": "/prod", "apps": [{"id": "web", "instances": 1}]}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"steps": [{"actions": [{"action": "StartApplication", "app": "/prod/web"}]}]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/groups/prod"))
        .and(query_param_is_missing("dryRun"))
        .and(query_param("force", "true"))
        .and(body_json(json!({"scaleBy": 1.5})))
        .respond_with(deployment_answer("g2"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/groups/prod"))
        .and(body_json(json!({"version": "2024-01-01T00:00:00.000Z"})))
        .respond_with(deployment_answer("g3"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/groups/prod"))
        .and(query_param("force", "true"))
        .respond_with(deployment_answer("g4"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut web = marathon_client::models::App::new(pid("web"));
    web.instances = Some(1);
    let mut group = Group::default();
    group.id = pid("/prod");
    group.apps = Some(vec![web]);
    let dep = |r: marathon_client::models::DeploymentResult| r.deployment_id.unwrap().0;
    assert_eq!(
        dep(client.groups().create(&group).send().await.unwrap()),
        "g1"
    );
    let steps = client.groups().update(&group).dry_run().await.unwrap();
    assert_eq!(steps.steps.len(), 1);
    assert_eq!(
        dep(client
            .groups()
            .scale_by(&pid("/prod"), 1.5)
            .force(true)
            .send()
            .await
            .unwrap()),
        "g2"
    );
    let v = Timestamp::from("2024-01-01T00:00:00.000Z");
    assert_eq!(
        dep(client
            .groups()
            .rollback_to(&pid("/prod"), &v)
            .send()
            .await
            .unwrap()),
        "g3"
    );
    assert_eq!(
        dep(client
            .groups()
            .delete(&pid("/prod"))
            .force(true)
            .send()
            .await
            .unwrap()),
        "g4"
    );
}

#[tokio::test]
async fn tasks_list_with_status_and_the_batch_kill() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/tasks"))
        .and(query_param("status", "running"))
        .and(header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"tasks": [{"id": "a.1", "appId": "/a"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/tasks/delete"))
        .and(query_param("scale", "true"))
        .and(query_param_is_missing("wipe"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({"ids": ["a.1", "b.2"]})))
        .respond_with(deployment_answer("t1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/tasks/delete"))
        .and(query_param_is_missing("scale"))
        .and(body_json(json!({"ids": ["c.3"]})))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tasks": [{"id": "c.3"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/tasks/delete"))
        .and(body_json(json!({"ids": ["not_known"]})))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_json(json!({"message": "Invalid task id not_known"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let tasks = client
        .tasks()
        .list_status(&[TaskStatus::Running])
        .await
        .unwrap();
    assert_eq!(tasks[0].app_id.as_ref().unwrap().as_str(), "/a");
    match client
        .tasks()
        .kill(["a.1", "b.2"])
        .scale(true)
        .send()
        .await
        .unwrap()
    {
        Killed::Deployment(d) => assert_eq!(d.deployment_id.unwrap().as_str(), "t1"),
        other => panic!("{other:?}"),
    }
    match client
        .tasks()
        .kill([TaskId::from("c.3")])
        .send()
        .await
        .unwrap()
    {
        Killed::Tasks(t) => assert_eq!(t.len(), 1),
        other => panic!("{other:?}"),
    }
    // Marathon refuses scale with wipe; so does the client, before sending.
    let err = client
        .tasks()
        .kill(["a.1"])
        .scale(true)
        .wipe(true)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::InvalidRequest(_)), "{err:?}");
    let err = client.tasks().kill(["not_known"]).send().await.unwrap_err();
    assert!(
        matches!(&err, Error::Validation { status, .. } if status.as_u16() == 400),
        "{err:?}"
    );
}

#[tokio::test]
async fn queue_list_offers_and_delay_reset() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/queue"))
        .and(query_param_is_missing("embed"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"queue": [{"count": 2, "app": {"id": "/web"}}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/queue"))
        .and(query_param("embed", "lastUnusedOffers"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"queue": [{"count": 1, "lastUnusedOffers": []}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/queue/prod/web/delay"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    assert_eq!(client.queue().list().await.unwrap()[0].count, Some(2));
    assert_eq!(client.queue().list_with_offers().await.unwrap().len(), 1);
    client.queue().reset_delay(&pid("/prod/web")).await.unwrap();
}

#[tokio::test]
async fn pods_crud_status_versions_and_instance_kills() {
    let server = guarded_server().await;
    let pod_json = json!({"id": "/db", "containers": [{"name": "c1"}]});
    Mock::given(method("HEAD"))
        .and(path("/v2/pods"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/pods"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([pod_json.clone()])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/pods"))
        .and(query_param("force", "false"))
        .and(body_json(pod_json.clone()))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Marathon-Deployment-Id", "pd1")
                .set_body_json(pod_json.clone()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/pods/db"))
        .and(query_param("force", "true"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("Marathon-Deployment-Id", "pd2")
                .set_body_json(pod_json.clone()),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/pods/db"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pod_json.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/pods/db"))
        .respond_with(ResponseTemplate::new(202).insert_header("Marathon-Deployment-Id", "pd3"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/pods/db::status"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"id": "/db", "status": "STABLE"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/pods/::status"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!([{"id": "/db", "status": "DEGRADED"}])),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/pods/db::versions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!(["2024-01-01T00:00:00.000Z"])))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/pods/db::versions/2024-01-01T00:00:00.000Z"))
        .respond_with(ResponseTemplate::new(200).set_body_json(pod_json.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/pods/db::instances/db.instance-1"))
        .and(query_param("wipe", "true"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"instanceId": {"idString": "db.instance-1"}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/pods/db::instances"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!(["db.instance-2", "db.instance-3"])))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([{"instanceId": {"idString": "db.instance-2"}}, {"instanceId": {"idString": "db.instance-3"}}])))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let db = pid("/db");
    assert!(client.pods().supported().await.unwrap());
    assert_eq!(client.pods().list().await.unwrap().len(), 1);
    let mut pod = Pod::default();
    pod.id = db.clone();
    pod.containers = Some(serde_json::from_value(json!([{"name": "c1"}])).unwrap());
    let created = client.pods().create(&pod, false).await.unwrap();
    assert_eq!(created.deployment_id.unwrap().as_str(), "pd1");
    let updated = client.pods().update(&pod, true).await.unwrap();
    assert_eq!(updated.deployment_id.unwrap().as_str(), "pd2");
    assert_eq!(client.pods().get(&db).await.unwrap(), pod);
    assert_eq!(
        client
            .pods()
            .delete(&db, false)
            .await
            .unwrap()
            .unwrap()
            .as_str(),
        "pd3"
    );
    assert_eq!(client.pods().status(&db).await.unwrap().id, db);
    assert_eq!(client.pods().status_all().await.unwrap().len(), 1);
    let versions = client.pods().versions(&db).await.unwrap();
    client.pods().version(&db, &versions[0]).await.unwrap();
    client
        .pods()
        .kill_instance(&db, &TaskId::from("db.instance-1"), true)
        .await
        .unwrap();
    let killed = client
        .pods()
        .kill_instances(
            &db,
            &[TaskId::from("db.instance-2"), TaskId::from("db.instance-3")],
            false,
        )
        .await
        .unwrap();
    assert_eq!(killed.len(), 2);
    let _ = body_of(&server, "POST", "/v2/pods").await;
}

#[tokio::test]
async fn info_leader_abdicate_ping_and_metrics() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"name": "marathon", "version": "1.11.0", "leader": "m1:8080", "frameworkId": "fw"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/leader"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"leader": "m1:8080"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/leader"))
        .and(query_param("backup", "file:///tmp/b"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"message": "Leadership abdicated"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/ping"))
        .and(header("accept", "*/*"))
        .respond_with(ResponseTemplate::new(200).set_body_string("pong\n"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/metrics"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"version": "3.0.0", "gauges": {}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let info = client.info().await.unwrap();
    assert_eq!(info.version.as_deref(), Some("1.11.0"));
    assert_eq!(info.framework_id.as_deref(), Some("fw"));
    assert_eq!(
        client.leader().await.unwrap().leader.as_deref(),
        Some("m1:8080")
    );
    let message = client
        .abdicate_with(Some("file:///tmp/b"), None)
        .await
        .unwrap();
    assert_eq!(message.message.as_deref(), Some("Leadership abdicated"));
    assert_eq!(client.ping().await.unwrap(), "pong");
    assert_eq!(client.metrics().await.unwrap()["version"], "3.0.0");
}

#[tokio::test]
async fn no_leader_in_its_three_forms() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/leader"))
        .respond_with(
            ResponseTemplate::new(404).set_body_json(json!({"message": "There is no leader"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(
            ResponseTemplate::new(502).set_body_string("Could not determine the current leader"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/deployments"))
        .respond_with(
            ResponseTemplate::new(503)
                .set_body_json(json!({"message": "Too many concurrent requests"})),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client.leader().await.unwrap_err();
    assert!(
        matches!(&err, Error::NoLeader { message, .. } if message == "There is no leader"),
        "{err:?}"
    );
    let err = client.info().await.unwrap_err();
    assert!(
        matches!(&err, Error::NoLeader { message, .. } if message.contains("Could not determine")),
        "{err:?}"
    );
    assert!(err.is_retryable());
    let err = client.deployments().list().await.unwrap_err();
    assert!(matches!(&err, Error::NoLeader { .. }), "{err:?}");
    assert_eq!(err.status().unwrap().as_u16(), 503);
}

#[tokio::test]
async fn a_non_json_error_keeps_status_and_text() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/info"))
        .respond_with(ResponseTemplate::new(500).set_body_string("<html>boom</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).info().await.unwrap_err();
    assert_eq!(err.status().unwrap().as_u16(), 500);
    assert!(matches!(&err, Error::Http(_)));
    assert!(err.to_string().contains("boom"), "{err}");
}

#[tokio::test]
async fn a_malformed_body_is_a_decode_error_naming_the_field() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"{"apps":[{"id":"/a","instances":"three"}]}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).apps().list().send().await.unwrap_err();
    let text = err.to_string();
    assert!(text.contains("apps[0].instances"), "{text}");
    assert!(matches!(err, Error::Http(dcos_auth::Error::Decode { .. })));
}

#[test]
fn group_ids_validate() {
    assert!(GroupId::new("/Bad_Group").is_err());
}

#[tokio::test]
async fn a_group_update_sends_no_version_so_nothing_is_rolled_back() {
    let server = guarded_server().await;
    Mock::given(method("PUT"))
        .and(path("/v2/groups/prod"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"id": "/prod", "apps": [{"id": "/prod/web", "instances": 2}]}),
        ))
        .respond_with(deployment_answer("g"))
        .expect(1)
        .mount(&server)
        .await;
    let group: Group = serde_json::from_value(json!({
        "id": "/prod", "version": "2024-01-01T00:00:00.000Z",
        "apps": [{"id": "/prod/web", "instances": 2, "version": "2024-01-01T00:00:00.000Z", "tasksRunning": 2}]
    }))
    .unwrap();
    let r = client(&server)
        .groups()
        .update(&group)
        .send()
        .await
        .unwrap();
    assert_eq!(r.deployment_id.unwrap().as_str(), "g");
}
