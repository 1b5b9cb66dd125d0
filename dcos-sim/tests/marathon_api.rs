//! The simulated Marathon through plain HTTP: exact status codes, headers
//! and bodies.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod marathon_support;

use reqwest::Method;
use serde_json::{Value, json};

use marathon_support::{Api, app, healthy_app};

#[tokio::test]
async fn create_app_answers_201_with_location_header_and_deployments() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let response = api.post("/v2/apps", &healthy_app("web", 2)).await;
    assert_eq!(response.status(), 201);
    let deployment = response
        .headers()
        .get("Marathon-Deployment-Id")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    let location = response
        .headers()
        .get("Location")
        .unwrap()
        .to_str()
        .unwrap()
        .to_owned();
    assert_eq!(location, format!("{}/v2/apps/web", cluster.url()));
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["id"], "/web");
    assert_eq!(body["deployments"], json!([{ "id": deployment }]));
    assert_eq!(body["instances"], 2);
    assert_eq!(
        body["upgradeStrategy"],
        json!({"minimumHealthCapacity": 1.0, "maximumOverCapacity": 1.0})
    );
    assert_eq!(body["versionInfo"]["lastConfigChangeAt"], body["version"]);
    api.settle().await;
    let app = api.get_json("/v2/apps/web").await["app"].clone();
    assert_eq!(app["tasksRunning"], 2);
    assert_eq!(app["tasksHealthy"], 2);
    assert_eq!(app["deployments"], json!([]));
    let tasks = app["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 2);
    assert_eq!(tasks[0]["state"], "TASK_RUNNING");
    assert_eq!(tasks[0]["healthCheckResults"][0]["alive"], true);
    assert!(
        tasks[0]["id"]
            .as_str()
            .unwrap()
            .starts_with("web.instance-")
    );
    // Each instance is a Mesos task using its agent's resources.
    let framework = cluster.marathon().framework_id();
    let mesos_tasks: Vec<_> = cluster
        .mesos()
        .tasks()
        .into_iter()
        .filter(|t| t.framework_id == framework)
        .collect();
    assert_eq!(mesos_tasks.len(), 2);
    let used: f64 = cluster
        .mesos()
        .agents()
        .iter()
        .map(|a| a.total.cpus - a.free.cpus)
        .sum();
    assert!((used - 1.0).abs() < 1e-9, "used {used}");

    // Deleting the app: it is gone at once, and its tasks end and free
    // their resources.
    let response = api.delete("/v2/apps/web").await;
    assert_eq!(response.status(), 200);
    assert_eq!(api.get("/v2/apps/web").await.status(), 404);
    api.settle().await;
    assert!(cluster.mesos().tasks().is_empty());
    for agent in cluster.mesos().agents() {
        assert_eq!(agent.free, agent.total);
    }
}

fn deployment_id(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("Marathon-Deployment-Id")
        .expect("a Marathon-Deployment-Id header")
        .to_str()
        .unwrap()
        .to_owned()
}

#[tokio::test]
async fn put_creates_with_201_then_updates_with_200_and_keeps_versions() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let response = api.put("/v2/apps/prod/api", &app("/prod/api", 1)).await;
    assert_eq!(response.status(), 201);
    let id = deployment_id(&response);
    let created: Value = response.json().await.unwrap();
    assert_eq!(created["deploymentId"], id.as_str());
    let first_version = created["version"].as_str().unwrap().to_owned();
    api.settle().await;

    let response = api
        .put("/v2/apps/prod/api", &json!({ "instances": 3 }))
        .await;
    assert_eq!(response.status(), 200);
    let id = deployment_id(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body.as_object().unwrap().len(), 2);
    assert_eq!(body["deploymentId"], id.as_str());
    api.settle().await;
    let app = api.get_json("/v2/apps/prod/api").await["app"].clone();
    assert_eq!(app["instances"], 3);
    assert_eq!(app["tasksRunning"], 3);
    assert_eq!(
        app["tasksHealthy"], 0,
        "no health checks: Marathon reports 0 healthy"
    );
    // A scale is not a configuration change.
    assert_eq!(
        app["versionInfo"]["lastConfigChangeAt"],
        first_version.as_str()
    );
    assert_eq!(app["versionInfo"]["lastScalingAt"], body["version"]);

    let versions = api.get_json("/v2/apps/prod/api/versions").await;
    assert_eq!(
        versions["versions"],
        json!([body["version"], first_version])
    );
    let old = api
        .get_json(&format!("/v2/apps/prod/api/versions/{first_version}"))
        .await;
    assert_eq!(old["instances"], 1);
    assert_eq!(old["version"], first_version.as_str());
    let missing = api
        .get("/v2/apps/prod/api/versions/2001-01-01T00:00:00.000Z")
        .await;
    assert_eq!(missing.status(), 404);

    // A rollback: PUT with only a version.
    let response = api
        .put("/v2/apps/prod/api", &json!({ "version": first_version }))
        .await;
    assert_eq!(response.status(), 200);
    api.settle().await;
    let app = api.get_json("/v2/apps/prod/api").await["app"].clone();
    assert_eq!(app["instances"], 1);
    assert_eq!(app["tasksRunning"], 1);

    let gone = api.get("/v2/apps/nope").await;
    assert_eq!(gone.status(), 404);
    let body: Value = gone.json().await.unwrap();
    assert_eq!(body, json!({ "message": "App '/nope' does not exist" }));
}

#[tokio::test]
async fn a_locked_app_answers_409_with_its_deployments_and_force_overrides() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    // A broken app with health checks never gets healthy: its deployment
    // stays until the deadline (600 s simulated by default).
    let mut broken = healthy_app("stuck", 1);
    broken["env"] = json!({ "SIM_BROKEN": "true" });
    let response = api.post("/v2/apps", &broken).await;
    let blocking = deployment_id(&response);

    let response = api.put("/v2/apps/stuck", &json!({ "cpus": 0.25 })).await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({
            "message": "App is locked by one or more deployments. Override with the option '?force=true'. View details at '/v2/deployments/<DEPLOYMENT_ID>'.",
            "deployments": [{ "id": blocking }],
        })
    );
    let response = api
        .put("/v2/apps/stuck?force=true", &json!({ "cpus": 0.25 }))
        .await;
    assert_eq!(response.status(), 200);
    let forced = deployment_id(&response);
    let list = api.get_json("/v2/deployments").await;
    let ids: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, vec![forced.as_str()]);
    assert_eq!(list[0]["affectedApps"], json!(["/stuck"]));
    assert_eq!(
        list[0]["steps"],
        json!([{ "actions": [{ "action": "RestartApplication", "app": "/stuck" }] }])
    );
    assert_eq!(list[0]["currentStep"], 1);
    assert_eq!(list[0]["totalSteps"], 1);
}

#[tokio::test]
async fn invalid_definitions_answer_422_or_400_with_details() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let response = api
        .post(
            "/v2/apps",
            &json!({ "id": "/ok", "cmd": "x", "instances": -1, "upgradeStrategy": { "minimumHealthCapacity": 1.5 } }),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "Object is not valid");
    assert_eq!(
        body["details"],
        json!([
            { "path": "/instances", "errors": ["got -1, expected 0 or more"] },
            { "path": "/upgradeStrategy/minimumHealthCapacity", "errors": ["is greater than 1"] },
        ])
    );
    let response = api
        .post("/v2/apps", &json!({ "id": "/Bad_Id", "cmd": "x" }))
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["details"][0]["path"], "/id");
    let response = api.post("/v2/apps", &json!({ "id": "/nothing" })).await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["details"][0]["path"], "/");

    let response = api
        .post(
            "/v2/apps",
            &json!({ "id": "/t", "cmd": "x", "instances": "two" }),
        )
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "message": "Invalid JSON", "details": [{ "path": "/instances", "errors": ["error.expected.jsnumber"] }] })
    );
    let response = api
        .request(Method::POST, "/v2/apps")
        .header("Content-Type", "application/json")
        .body("{not json")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["message"], "Invalid JSON");
    assert!(body["details"].is_string());
    // Nothing was created, and a duplicate id is a plain 409.
    assert_eq!(api.get_json("/v2/apps").await["apps"], json!([]));
    assert_eq!(api.post("/v2/apps", &app("dup", 0)).await.status(), 201);
    let response = api.post("/v2/apps", &app("dup", 0)).await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "message": "An app with id [/dup] already exists." })
    );
}

#[tokio::test]
async fn deleting_a_deployment_rolls_back_and_force_just_stops_it() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    api.post("/v2/apps", &healthy_app("svc", 1)).await;
    api.settle().await;
    let before = api.get_json("/v2/apps/svc").await["app"].clone();
    let response = api
        .put("/v2/apps/svc", &json!({ "env": { "SIM_BROKEN": "true" } }))
        .await;
    let stuck = deployment_id(&response);

    let response = api.delete(&format!("/v2/deployments/{stuck}")).await;
    assert_eq!(response.status(), 200);
    let rollback = deployment_id(&response);
    assert_ne!(rollback, stuck);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["deploymentId"], rollback.as_str());
    api.settle().await;
    let after = api.get_json("/v2/apps/svc").await["app"].clone();
    assert_eq!(after["env"], before["env"]);
    assert_eq!(after["tasksHealthy"], 1);
    assert_ne!(
        after["version"], before["version"],
        "a rollback is a new version"
    );

    let response = api
        .put("/v2/apps/svc", &json!({ "env": { "SIM_BROKEN": "true" } }))
        .await;
    let stuck = deployment_id(&response);
    let response = api
        .delete(&format!("/v2/deployments/{stuck}?force=true"))
        .await;
    assert_eq!(response.status(), 202);
    assert!(response.bytes().await.unwrap().is_empty());
    assert_eq!(api.get_json("/v2/deployments").await, json!([]));
    let after = api.get_json("/v2/apps/svc").await["app"].clone();
    assert_eq!(
        after["env"]["SIM_BROKEN"], "true",
        "force keeps the new definition"
    );

    let response = api.delete("/v2/deployments/unknown").await;
    assert_eq!(response.status(), 404);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "message": "DeploymentPlan unknown does not exist" })
    );
}

#[tokio::test]
async fn a_restart_replaces_every_task_within_the_upgrade_strategy() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut def = healthy_app("rolling", 4);
    def["upgradeStrategy"] = json!({ "minimumHealthCapacity": 0.5, "maximumOverCapacity": 0.0 });
    api.post("/v2/apps", &def).await;
    api.settle().await;
    let old: Vec<String> = cluster
        .marathon()
        .instances("/rolling")
        .into_iter()
        .map(|i| i.task_id)
        .collect();
    assert_eq!(old.len(), 4);
    let response = api
        .request(Method::POST, "/v2/apps/rolling/restart")
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let _ = deployment_id(&response);
    // Never more than 4 instances (maximumOverCapacity 0), never fewer
    // than 2 healthy old or new (minimumHealthCapacity 0.5).
    loop {
        let instances = cluster.marathon().instances("/rolling");
        let active = instances
            .iter()
            .filter(|i| !matches!(i.state, dcos_sim::TaskState::Killing))
            .count();
        assert!(active <= 4, "{active} instances");
        let healthy = instances
            .iter()
            .filter(|i| i.healthy == Some(true) && i.state == dcos_sim::TaskState::Running)
            .count();
        assert!(healthy >= 2, "{healthy} healthy");
        if cluster.marathon().deployment_ids().is_empty() {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(2)).await;
    }
    let new: Vec<String> = cluster
        .marathon()
        .instances("/rolling")
        .into_iter()
        .map(|i| i.task_id)
        .collect();
    assert_eq!(new.len(), 4);
    assert!(new.iter().all(|t| !old.contains(t)));
}

#[tokio::test]
async fn groups_nest_apps_and_dry_run_changes_nothing() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let group = json!({
        "id": "/shop",
        "apps": [app("web", 1)],
        "groups": [{ "id": "db", "apps": [app("pg", 1)] }],
    });
    let response = api.put("/v2/groups/shop?dryRun=true", &group).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body,
        json!({ "steps": [
            { "actions": [
                { "action": "StartApplication", "app": "/shop/web" },
                { "action": "StartApplication", "app": "/shop/db/pg" },
            ]},
            { "actions": [
                { "action": "ScaleApplication", "app": "/shop/web" },
                { "action": "ScaleApplication", "app": "/shop/db/pg" },
            ]},
        ]})
    );
    assert_eq!(api.get("/v2/apps/shop/web").await.status(), 404);
    assert_eq!(api.get_json("/v2/deployments").await, json!([]));

    let response = api.post("/v2/groups", &group).await;
    assert_eq!(response.status(), 201);
    let _ = deployment_id(&response);
    api.settle().await;
    let root = api.get_json("/v2/groups").await;
    assert_eq!(root["id"], "/");
    assert_eq!(root["groups"][0]["id"], "/shop");
    assert_eq!(root["groups"][0]["apps"][0]["id"], "/shop/web");
    assert_eq!(
        root["groups"][0]["groups"][0]["apps"][0]["id"],
        "/shop/db/pg"
    );
    let db = api.get_json("/v2/groups/shop/db").await;
    assert_eq!(db["apps"][0]["tasksRunning"], 1);
    let in_group = api.get_json("/v2/apps/shop/*").await;
    assert_eq!(in_group["*"].as_array().unwrap().len(), 2);

    let response = api.post("/v2/groups", &json!({ "id": "/shop" })).await;
    assert_eq!(response.status(), 409);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["message"],
        "Group /shop is already created. Use PUT to change this group."
    );
    let response = api
        .put(
            "/v2/groups/shop",
            &json!({ "id": "/shop", "apps": [app("/elsewhere", 1)] }),
        )
        .await;
    assert_eq!(response.status(), 422);
    let body: Value = response.json().await.unwrap();
    assert_eq!(
        body["details"],
        json!([{ "path": "/apps(0)/id", "errors": ["identifier /elsewhere is not child of /shop. Hint: use relative paths."] }])
    );
    let versions = api.get_json("/v2/groups/shop/versions").await;
    assert!(versions.as_array().is_some_and(|v| !v.is_empty()));

    let response = api.delete("/v2/groups/shop").await;
    assert_eq!(response.status(), 200);
    api.settle().await;
    assert_eq!(api.get("/v2/groups/shop").await.status(), 404);
    assert_eq!(api.get_json("/v2/apps").await["apps"], json!([]));
    assert!(
        cluster.mesos().tasks().is_empty(),
        "the stopped apps' tasks ended"
    );
}

#[tokio::test]
async fn tasks_are_killed_and_replaced_or_scaled_down() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    api.post("/v2/apps", &app("k", 3)).await;
    api.settle().await;
    let tasks = api.get_json("/v2/apps/k/tasks").await["tasks"].clone();
    assert_eq!(tasks.as_array().unwrap().len(), 3);
    let first = tasks[0]["id"].as_str().unwrap().to_owned();

    let response = api.delete(&format!("/v2/apps/k/tasks/{first}")).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["task"]["id"], first.as_str());
    // Marathon replaces it.
    for _ in 0..400 {
        let ids: Vec<String> = cluster
            .marathon()
            .instances("/k")
            .into_iter()
            .filter(|i| i.state == dcos_sim::TaskState::Running)
            .map(|i| i.task_id)
            .collect();
        if ids.len() == 3 && !ids.contains(&first) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    let running = api.get_json("/v2/tasks?status=running").await["tasks"].clone();
    assert_eq!(running.as_array().unwrap().len(), 3);

    let victim = running[0]["id"].as_str().unwrap().to_owned();
    let response = api
        .delete(&format!("/v2/apps/k/tasks/{victim}?scale=true"))
        .await;
    assert_eq!(response.status(), 200);
    let id = deployment_id(&response);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["deploymentId"], id.as_str());
    api.settle().await;
    let app = api.get_json("/v2/apps/k").await["app"].clone();
    assert_eq!(app["instances"], 2);
    assert_eq!(app["tasksRunning"], 2);

    let response = api
        .post("/v2/tasks/delete", &json!({ "ids": ["nope"] }))
        .await;
    assert_eq!(response.status(), 400);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body, json!({ "message": "Invalid task id nope" }));
    let response = api.delete("/v2/apps/k/tasks?scale=true&wipe=true").await;
    assert_eq!(response.status(), 400);
    let response = api.delete("/v2/apps/k/tasks/missing").await;
    assert_eq!(response.status(), 404);

    let ids: Vec<String> = cluster
        .marathon()
        .instances("/k")
        .into_iter()
        .map(|i| i.task_id)
        .collect();
    let response = api
        .post("/v2/tasks/delete?scale=true", &json!({ "ids": ids }))
        .await;
    assert_eq!(response.status(), 200);
    let _ = deployment_id(&response);
    api.settle().await;
    assert_eq!(api.get_json("/v2/apps/k").await["app"]["instances"], 0);
}

#[tokio::test]
async fn an_app_that_does_not_fit_waits_in_the_queue() {
    let cluster = common::fast()
        .agents_like(1, dcos_sim::AgentSpec::default().cpus(1.0))
        .start()
        .await
        .unwrap();
    let api = Api::new(&cluster).await;
    let mut big = app("big", 2);
    big["cpus"] = json!(0.6);
    api.post("/v2/apps", &big).await;
    let mut queue = Value::Null;
    for _ in 0..200 {
        queue = api.get_json("/v2/queue").await;
        if queue["queue"][0]["count"] == 1 && cluster.marathon().instances("/big").len() == 1 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(queue["queue"][0]["count"], 1, "{queue}");
    assert_eq!(queue["queue"][0]["app"]["id"], "/big");
    assert_eq!(queue["queue"][0]["delay"]["overdue"], true);
    assert!(
        queue["queue"][0]["processedOffersSummary"]["unusedOffersCount"]
            .as_u64()
            .unwrap()
            > 0
    );
    assert_eq!(
        cluster.marathon().deployment_ids().len(),
        1,
        "the deployment waits"
    );
    assert_eq!(api.delete("/v2/queue/big/delay").await.status(), 204);
    let response = api.delete("/v2/queue/none/delay").await;
    assert_eq!(response.status(), 404);
    // Room appears: the queued instance launches and the deployment ends.
    let response = api
        .put("/v2/apps/big?force=true", &json!({ "cpus": 0.4 }))
        .await;
    assert_eq!(response.status(), 200);
    api.settle().await;
    assert_eq!(api.get_json("/v2/queue").await, json!({ "queue": [] }));
}

#[tokio::test]
async fn a_crashing_app_backs_off_in_the_queue() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut crash = app("crash", 1);
    crash["env"] = json!({ "SIM_BROKEN": "true" });
    crash["backoffSeconds"] = json!(60);
    api.post("/v2/apps", &crash).await;
    let mut item = Value::Null;
    for _ in 0..400 {
        let queue = api.get_json("/v2/queue").await;
        item = queue["queue"][0].clone();
        if item["delay"]["overdue"] == false {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(5)).await;
    }
    assert_eq!(item["delay"]["overdue"], false, "{item}");
    assert!(item["delay"]["timeLeftSeconds"].as_u64().unwrap() > 0);
    let app = api.get_json("/v2/apps/crash").await["app"].clone();
    assert_eq!(app["lastTaskFailure"]["state"], "TASK_FAILED");
    assert_eq!(api.delete("/v2/queue/crash/delay").await.status(), 204);
}

#[tokio::test]
async fn info_leader_and_ping() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let info = api.get_json("/v2/info").await;
    assert_eq!(info["name"], "marathon");
    assert_eq!(info["version"], dcos_sim::MARATHON_VERSION);
    assert_eq!(info["elected"], true);
    assert_eq!(
        info["frameworkId"],
        cluster.marathon().framework_id().as_str()
    );
    let authority = cluster.url().trim_start_matches("http://").to_owned();
    assert_eq!(
        api.get_json("/v2/leader").await,
        json!({ "leader": authority })
    );
    let response = api.get("/ping").await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.headers().get("X-Marathon-Leader").unwrap(),
        cluster.url()
    );
    assert_eq!(response.text().await.unwrap(), "pong");
    let response = api.get("/v2/nothing").await;
    assert_eq!(response.status(), 404);
    let no_token = common::http()
        .get(format!("{}/service/marathon/v2/apps", cluster.url()))
        .send()
        .await
        .unwrap();
    assert_eq!(no_token.status(), 401);
    assert_eq!(
        no_token.headers().get("WWW-Authenticate").unwrap(),
        "acsjwt"
    );
}

#[tokio::test]
async fn apps_are_listed_with_filters_and_embeds() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let mut a = app("alpha", 1);
    a["labels"] = json!({ "team": "cd" });
    api.post("/v2/apps", &a).await;
    api.post("/v2/apps", &app("beta", 0)).await;
    api.settle().await;
    let all = api.get_json("/v2/apps").await["apps"].clone();
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert!(all[0].get("tasks").is_none());
    assert_eq!(all[0]["deployments"], json!([]));
    assert_eq!(all[0]["tasksRunning"], 1);
    let labelled = api
        .get_json("/v2/apps?label=team==cd&embed=apps.tasks")
        .await["apps"]
        .clone();
    assert_eq!(labelled.as_array().unwrap().len(), 1);
    assert_eq!(labelled[0]["tasks"].as_array().unwrap().len(), 1);
    let by_id = api.get_json("/v2/apps?id=bet").await["apps"].clone();
    assert_eq!(by_id[0]["id"], "/beta");
    let response = api.delete("/v2/apps/alpha").await;
    assert_eq!(response.status(), 200);
    let _ = deployment_id(&response);
    api.settle().await;
    assert_eq!(api.get("/v2/apps/alpha").await.status(), 404);
    assert_eq!(api.delete("/v2/apps/alpha").await.status(), 404);
}

#[tokio::test]
async fn bulk_put_and_patch_change_several_apps_in_one_deployment() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let response = api
        .put("/v2/apps", &json!([app("one", 1), app("two", 1)]))
        .await;
    assert_eq!(response.status(), 200);
    let id = deployment_id(&response);
    let list = api.get_json("/v2/deployments").await;
    assert_eq!(list[0]["id"], id.as_str());
    assert_eq!(list[0]["affectedApps"], json!(["/one", "/two"]));
    api.settle().await;
    let response = api
        .send(
            Method::PATCH,
            "/v2/apps",
            &json!([{ "id": "/one", "instances": 2 }, { "id": "/two", "instances": 0 }]),
        )
        .await;
    assert_eq!(response.status(), 200);
    api.settle().await;
    assert_eq!(api.get_json("/v2/apps/one").await["app"]["tasksRunning"], 2);
    assert_eq!(api.get_json("/v2/apps/two").await["app"]["tasksRunning"], 0);
    assert_eq!(
        api.get_json("/v2/apps/two").await["app"]["cmd"],
        app("two", 1)["cmd"]
    );
    let response = api
        .send(Method::PATCH, "/v2/apps/two", &json!({ "instances": 1 }))
        .await;
    assert_eq!(response.status(), 200);
    let response = api
        .send(Method::PATCH, "/v2/apps/three", &json!({ "instances": 1 }))
        .await;
    assert_eq!(response.status(), 404);
}

#[tokio::test]
async fn scale_by_multiplies_every_app_of_a_group() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let group = json!({ "id": "/g", "apps": [app("a", 1), app("b", 2)] });
    assert_eq!(api.post("/v2/groups", &group).await.status(), 201);
    api.settle().await;
    let response = api.put("/v2/groups/g", &json!({ "scaleBy": 2 })).await;
    assert_eq!(response.status(), 200);
    let _ = deployment_id(&response);
    api.settle().await;
    let g = api.get_json("/v2/groups/g").await;
    let counts: Vec<(Value, Value)> = g["apps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|a| (a["id"].clone(), a["tasksRunning"].clone()))
        .collect();
    assert_eq!(
        counts,
        vec![(json!("/g/a"), json!(2)), (json!("/g/b"), json!(4))]
    );
    assert_eq!(
        api.put("/v2/groups/none", &json!({ "scaleBy": 2 }))
            .await
            .status(),
        404
    );
}

#[tokio::test]
async fn an_empty_group_deployment_finishes_on_a_fresh_cluster() {
    let cluster = common::start().await;
    let api = Api::new(&cluster).await;
    let response = api.post("/v2/groups", &json!({ "id": "/empty" })).await;
    assert_eq!(response.status(), 201);
    let _ = deployment_id(&response);
    api.settle().await;
    assert_eq!(api.get_json("/v2/deployments").await, json!([]));
    assert_eq!(
        api.get_json("/v2/groups/empty").await["id"],
        json!("/empty")
    );
}
