//! `/v2/apps`: every endpoint, with method, path, query, headers and body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{client, guarded_server};
use marathon_client::models::{App, Timestamp};
use marathon_client::{AppEmbed, AppId, Error, Killed, TaskId};
use serde_json::json;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, ResponseTemplate};

fn id(s: &str) -> AppId {
    AppId::new(s).unwrap()
}

fn deployment_answer(dep: &str) -> ResponseTemplate {
    deployment_answer_with(200, dep)
}

fn deployment_answer_with(status: u16, dep: &str) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("Marathon-Deployment-Id", dep)
        .set_body_json(json!({"version": "2024-01-01T00:00:00.000Z", "deploymentId": dep}))
}

#[tokio::test]
async fn list_sends_filters_and_repeated_embeds() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .and(query_param("cmd", "sleep"))
        .and(query_param("id", "web"))
        .and(query_param("label", "team==cd"))
        .and(header("accept", "application/json"))
        .and(header("authorization", "token=tok"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "apps": [{"id": "/prod/web", "instances": 2, "tasksHealthy": 2, "futureField": 1}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let apps = client(&server)
        .apps()
        .list()
        .cmd("sleep")
        .id("web")
        .label("team==cd")
        .embed(AppEmbed::Tasks)
        .embed(AppEmbed::Readiness)
        .send()
        .await
        .unwrap();
    assert_eq!(apps.len(), 1);
    assert_eq!(apps[0].id.as_str(), "/prod/web");
    assert_eq!(apps[0].instances, Some(2));
    assert_eq!(apps[0].extra["futureField"], 1);
    let requests = server.received_requests().await.unwrap();
    let embeds: Vec<String> = requests[0]
        .url
        .query_pairs()
        .filter(|(k, _)| k == "embed")
        .map(|(_, v)| v.into_owned())
        .collect();
    assert_eq!(embeds, ["apps.tasks", "apps.readiness"]);
}

#[tokio::test]
async fn get_and_get_opt() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/prod/web"))
        .and(query_param("embed", "apps.taskStats"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"app": {"id": "/prod/web", "tasks": []}})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/prod/web"))
        .and(query_param_is_missing("embed"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"app": {"id": "/prod/web"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/missing"))
        .respond_with(
            ResponseTemplate::new(404)
                .set_body_json(json!({"message": "App '/missing' does not exist"})),
        )
        .expect(2)
        .mount(&server)
        .await;
    let client = client(&server);
    let app = client
        .apps()
        .get_embed(&id("/prod/web"), &[AppEmbed::TaskStats])
        .await
        .unwrap();
    assert_eq!(app.tasks, Some(vec![]));
    assert_eq!(
        client
            .apps()
            .get(&id("/prod/web"))
            .await
            .unwrap()
            .id
            .as_str(),
        "/prod/web"
    );
    assert_eq!(client.apps().get_opt(&id("/missing")).await.unwrap(), None);
    let err = client.apps().get(&id("/missing")).await.unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert_eq!(err.message(), Some("App '/missing' does not exist"));
}

#[tokio::test]
async fn apps_in_a_group_come_under_star() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/prod/*"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"*": [{"id": "/prod/a"}, {"id": "/prod/b/c"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let apps = client(&server).apps().in_group(&id("/prod")).await.unwrap();
    let ids: Vec<&str> = apps.iter().map(|a| a.id.as_str()).collect();
    assert_eq!(ids, ["/prod/a", "/prod/b/c"]);
}

#[tokio::test]
async fn create_posts_the_definition_and_reads_the_header_first() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .and(header("content-type", "application/json"))
        .and(body_json(
            json!({"id": "/web", "cmd": "sleep 100", "instances": 0}),
        ))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("Location", "http://m/v2/apps/web")
                .insert_header("Marathon-Deployment-Id", "from-header")
                .set_body_json(json!({"id": "/web", "deployments": [{"id": "from-body"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut app = App::new(id("/web"));
    app.cmd = Some("sleep 100".into());
    app.instances = Some(0);
    let created = client(&server).apps().create(&app).await.unwrap();
    assert_eq!(created.deployment_id.unwrap().as_str(), "from-header");
    assert_eq!(created.value.id.as_str(), "/web");
}

#[tokio::test]
async fn create_falls_back_to_the_body_deployment() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_json(json!({"id": "/web", "deployments": [{"id": "from-body"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let created = client(&server)
        .apps()
        .create(&App::new(id("/web")))
        .await
        .unwrap();
    assert_eq!(created.deployment_id.unwrap().as_str(), "from-body");
}

#[tokio::test]
async fn update_puts_with_force_and_partial_update() {
    let server = guarded_server().await;
    Mock::given(method("PUT"))
        .and(path("/v2/apps/prod/web"))
        .and(query_param("force", "true"))
        .and(query_param("partialUpdate", "false"))
        .and(body_json(json!({"id": "/prod/web", "mem": 0.0})))
        .respond_with(deployment_answer_with(201, "d1"))
        .expect(1)
        .mount(&server)
        .await;
    let mut app = App::new(id("/prod/web"));
    app.mem = Some(0.0);
    let result = client(&server)
        .apps()
        .update(&app)
        .force(true)
        .partial_update(false)
        .send()
        .await
        .unwrap();
    assert_eq!(result.deployment_id.unwrap().as_str(), "d1");
    assert_eq!(result.version.unwrap().as_str(), "2024-01-01T00:00:00.000Z");
}

#[tokio::test]
async fn a_no_op_update_with_an_empty_body_has_no_deployment() {
    let server = guarded_server().await;
    Mock::given(method("PUT"))
        .and(path("/v2/apps/web"))
        .and(query_param("force", "false"))
        .and(query_param_is_missing("partialUpdate"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let result = client(&server)
        .apps()
        .update(&App::new(id("/web")))
        .send()
        .await
        .unwrap();
    assert_eq!(result.deployment_id, None);
}

#[tokio::test]
async fn patch_and_the_bulk_changes() {
    let server = guarded_server().await;
    Mock::given(method("PATCH"))
        .and(path("/v2/apps/web"))
        .and(body_json(json!({"id": "/web", "instances": 3})))
        .respond_with(deployment_answer("p1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/apps"))
        .and(query_param("force", "true"))
        .and(body_json(json!([{"id": "/a"}, {"id": "/b"}])))
        .respond_with(deployment_answer("p2"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path("/v2/apps"))
        .and(body_json(json!([{"id": "/a", "cpus": 0.5}])))
        .respond_with(deployment_answer("p3"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut app = App::new(id("/web"));
    app.instances = Some(3);
    let r = client.apps().patch(&id("/web"), &app).send().await.unwrap();
    assert_eq!(r.deployment_id.unwrap().as_str(), "p1");
    let r = client
        .apps()
        .put_many(&[App::new(id("/a")), App::new(id("/b"))])
        .force(true)
        .send()
        .await
        .unwrap();
    assert_eq!(r.deployment_id.unwrap().as_str(), "p2");
    let mut a = App::new(id("/a"));
    a.cpus = Some(0.5);
    let r = client.apps().patch_many(&[a]).send().await.unwrap();
    assert_eq!(r.deployment_id.unwrap().as_str(), "p3");
}

#[tokio::test]
async fn delete_restart_and_scale() {
    let server = guarded_server().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/apps/web"))
        .and(query_param("force", "false"))
        .respond_with(deployment_answer("del"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/apps/web/restart"))
        .and(query_param("force", "true"))
        .respond_with(deployment_answer("re"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/apps/web"))
        .and(body_json(json!({"instances": 0})))
        .respond_with(deployment_answer("sc"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let web = id("/web");
    assert_eq!(
        client
            .apps()
            .delete(&web)
            .send()
            .await
            .unwrap()
            .deployment_id
            .unwrap()
            .as_str(),
        "del"
    );
    assert_eq!(
        client
            .apps()
            .restart(&web)
            .force(true)
            .send()
            .await
            .unwrap()
            .deployment_id
            .unwrap()
            .as_str(),
        "re"
    );
    assert_eq!(
        client
            .apps()
            .scale(&web, 0)
            .send()
            .await
            .unwrap()
            .deployment_id
            .unwrap()
            .as_str(),
        "sc"
    );
}

#[tokio::test]
async fn versions_one_version_and_rollback() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web/versions"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"versions": ["2024-01-02T00:00:00.000Z", "2024-01-01T00:00:00.000Z"]}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web/versions/2024-01-01T00:00:00.000Z"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"id": "/web", "cmd": "old"})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path("/v2/apps/web"))
        .and(body_json(json!({"version": "2024-01-01T00:00:00.000Z"})))
        .and(query_param("force", "true"))
        .respond_with(deployment_answer("rb"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let web = id("/web");
    let versions = client.apps().versions(&web).await.unwrap();
    assert_eq!(versions.len(), 2);
    let old = client.apps().version(&web, &versions[1]).await.unwrap();
    assert_eq!(old.cmd.as_deref(), Some("old"));
    let version = Timestamp::from("2024-01-01T00:00:00.000Z");
    let r = client
        .apps()
        .rollback_to(&web, &version)
        .force(true)
        .send()
        .await
        .unwrap();
    assert_eq!(r.deployment_id.unwrap().as_str(), "rb");
}

#[tokio::test]
async fn tasks_of_an_app_and_their_kills() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web/tasks"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"tasks": [{"id": "web.1", "host": "a1"}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/apps/web/tasks"))
        .and(query_param("host", "a1"))
        .and(query_param("wipe", "true"))
        .and(query_param_is_missing("scale"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"tasks": [{"id": "web.1"}]})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/apps/web/tasks/web.1"))
        .and(query_param("scale", "true"))
        .respond_with(deployment_answer("k1"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v2/apps/web/tasks/web.2"))
        .and(query_param_is_missing("scale"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"task": {"id": "web.2"}})))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let web = id("/web");
    let tasks = client.apps().tasks(&web).await.unwrap();
    assert_eq!(tasks[0].host.as_deref(), Some("a1"));
    match client
        .apps()
        .kill_tasks(&web)
        .host("a1")
        .wipe(true)
        .send()
        .await
        .unwrap()
    {
        Killed::Tasks(t) => assert_eq!(t[0].id.as_str(), "web.1"),
        other => panic!("{other:?}"),
    }
    match client
        .apps()
        .kill_task(&web, &TaskId::from("web.1"))
        .scale(true)
        .send()
        .await
        .unwrap()
    {
        Killed::Deployment(d) => assert_eq!(d.deployment_id.unwrap().as_str(), "k1"),
        other => panic!("{other:?}"),
    }
    match client
        .apps()
        .kill_task(&web, &TaskId::from("web.2"))
        .send()
        .await
        .unwrap()
    {
        Killed::Tasks(t) => assert_eq!(t[0].id.as_str(), "web.2"),
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_kill_is_not_resent_on_a_gateway_error() {
    let server = guarded_server().await;
    Mock::given(method("DELETE"))
        .and(path("/v2/apps/web/tasks"))
        .respond_with(ResponseTemplate::new(504))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .apps()
        .kill_tasks(&id("/web"))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(504));
}

#[tokio::test]
async fn a_locked_app_is_app_locked_with_its_deployments() {
    let server = guarded_server().await;
    Mock::given(method("PUT"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(409).set_body_json(json!({
            "message": "App is locked by one or more deployments. Override with the option '?force=true'.",
            "deployments": [{"id": "97c1"}, {"id": "5cd9"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .apps()
        .scale(&id("/web"), 2)
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::AppLocked {
            deployments,
            message,
            source,
        } => {
            let ids: Vec<&str> = deployments.iter().map(|d| d.as_str()).collect();
            assert_eq!(ids, ["97c1", "5cd9"]);
            assert!(message.starts_with("App is locked"));
            assert_eq!(source.status().unwrap().as_u16(), 409);
        }
        other => panic!("{other:?}"),
    }
    assert!(err.to_string().contains("97c1"), "{err}");
}

#[tokio::test]
async fn a_duplicate_is_a_conflict_and_a_422_keeps_its_details() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .and(body_json(json!({"id": "/dup"})))
        .respond_with(
            ResponseTemplate::new(409)
                .set_body_json(json!({"message": "An app with id [/dup] already exists."})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .and(body_json(json!({"id": "/bad"})))
        .respond_with(ResponseTemplate::new(422).set_body_json(json!({
            "message": "Object is not valid",
            "details": [{"path": "/upgradeStrategy/minimumHealthCapacity", "errors": ["is greater than 1"]}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let err = client
        .apps()
        .create(&App::new(id("/dup")))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Conflict { message, .. } if message.contains("already exists")),
        "{err:?}"
    );
    let err = client
        .apps()
        .create(&App::new(id("/bad")))
        .await
        .unwrap_err();
    match &err {
        Error::Validation {
            status,
            message,
            details: Some(marathon_client::ValidationDetails::Fields(fields)),
            ..
        } => {
            assert_eq!(status.as_u16(), 422);
            assert_eq!(message, "Object is not valid");
            assert_eq!(fields[0].path, "/upgradeStrategy/minimumHealthCapacity");
            assert_eq!(fields[0].errors, ["is greater than 1"]);
        }
        other => panic!("{other:?}"),
    }
    assert!(
        err.to_string()
            .contains("minimumHealthCapacity: is greater than 1"),
        "{err}"
    );
}

#[tokio::test]
async fn a_get_edit_put_round_trip_sends_no_read_only_fields() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"app": {
            "id": "/web", "cmd": "serve", "instances": 1, "futureField": {"x": 1}, "user": null,
            "version": "2024-01-01T00:00:00.000Z",
            "versionInfo": {"lastScalingAt": "2024-01-01T00:00:00.000Z", "lastConfigChangeAt": "2024-01-01T00:00:00.000Z"},
            "tasksStaged": 0, "tasksRunning": 1, "tasksHealthy": 1, "tasksUnhealthy": 0,
            "tasks": [{"id": "web.1"}], "deployments": [], "lastTaskFailure": null
        }})))
        .expect(1)
        .mount(&server)
        .await;
    // Marathon answers 422 to `version` combined with other fields: the
    // body must be the definition only, unknown fields and nulls included.
    Mock::given(method("PUT"))
        .and(path("/v2/apps/web"))
        .and(header("content-type", "application/json"))
        .and(body_json(json!({
            "id": "/web", "cmd": "serve", "instances": 3, "futureField": {"x": 1}, "user": null
        })))
        .respond_with(deployment_answer("rt"))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let mut app = client.apps().get(&id("/web")).await.unwrap();
    app.instances = Some(3);
    let result = client.apps().update(&app).send().await.unwrap();
    assert_eq!(result.deployment_id.unwrap().as_str(), "rt");
}
