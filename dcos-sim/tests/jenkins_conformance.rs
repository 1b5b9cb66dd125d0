//! The simulated Jenkins's answers have the top-level keys and JSON types
//! of the upstream samples in `../shared/upstream/jenkins` (skipped with a
//! notice when that folder is absent). Keys the sample has must be there
//! with the same type (null on either side matches anything).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod jenkins_support;

use std::path::Path;

use dcos_sim::AgentSpec;
use jenkins_support::{Jk, pipeline_xml};
use serde_json::Value;

fn sample(dir: &Path, file: &str) -> Value {
    let text = std::fs::read_to_string(dir.join(file)).unwrap();
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn same_shape(what: &str, upstream: &Value, ours: &Value) {
    let up = upstream
        .as_object()
        .unwrap_or_else(|| panic!("{what}: sample is not an object"));
    let ours = ours
        .as_object()
        .unwrap_or_else(|| panic!("{what}: ours is not an object: {ours}"));
    let mut problems = Vec::new();
    for (key, value) in up {
        match ours.get(key) {
            None => problems.push(format!("missing {key}")),
            Some(v) if v.is_null() || value.is_null() => {}
            Some(v) if common::kind(v) != common::kind(value) => problems.push(format!(
                "{key}: {} where upstream has {}",
                common::kind(v),
                common::kind(value)
            )),
            Some(_) => {}
        }
    }
    assert!(
        problems.is_empty(),
        "{what}: {problems:?}\nours: {}",
        Value::Object(ours.clone())
    );
}

#[tokio::test]
async fn answers_have_the_upstream_top_level_keys_and_types() {
    let Some(dir) = common::upstream("jenkins") else {
        return;
    };
    // One agent too small for a second build agent, so a placeholder waits.
    let cluster = common::fast()
        .agents_like(1, AgentSpec::default().cpus(0.15))
        .start()
        .await
        .unwrap();
    let jk = Jk::token(&cluster);

    same_shape(
        "crumbIssuer",
        &sample(
            &dir,
            "crumbIssuer_api_json__DefaultCrumbIssuer__linuxsuren-blog.json",
        ),
        &jk.get_json("crumbIssuer/api/json").await,
    );
    jk.post(
        "createItem?name=folder&mode=com.cloudbees.hudson.plugins.folder.Folder",
        "",
        "application/x-www-form-urlencoded",
    )
    .await;
    jk.create(
        "job/folder/",
        "pipeline",
        &pipeline_xml(
            "node('linux') { stage('Build') { sh 'sleep 100000' } }",
            &[("P", "v")],
        ),
    )
    .await;
    jk.create("", "free", "<project><disabled>false</disabled><builders><hudson.tasks.Shell><command>true</command></hudson.tasks.Shell></builders></project>").await;

    same_shape(
        "root",
        &sample(&dir, "root_api_json__nested_folder_tree__api4jenkins.json"),
        &jk.get_json("api/json").await,
    );
    same_shape(
        "folder",
        &sample(&dir, "job_folder_api_json__api4jenkins.json"),
        &jk.get_json("job/folder/api/json").await,
    );

    // A waiting item, then a running build with its agent.
    let waiting_item = jk.trigger("job/free/", "delay=3600sec").await;
    same_shape(
        "waiting item",
        &sample(&dir, "queue_item__waiting_quiet_period__api4jenkins.json"),
        &jk.get_json(&format!("{waiting_item}api/json")).await,
    );
    let item = jk.trigger("job/folder/job/pipeline/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    same_shape(
        "left item",
        &sample(
            &dir,
            "queue_item__left_executable_WorkflowRun__api4jenkins.json",
        ),
        &jk.get_json(&format!("{item}api/json")).await,
    );
    jk.wait_for("computer/api/json", |v| {
        v["computer"][1]["offline"] == false
    })
    .await;
    let computers = jk.get_json("computer/api/json").await;
    let upstream_computers = sample(
        &dir,
        "computer_api_json_depth__master_and_jnlp_agent__api4jenkins.json",
    );
    same_shape("computer set", &upstream_computers, &computers);
    same_shape(
        "agent",
        &upstream_computers["computer"][1],
        &computers["computer"][1],
    );
    same_shape(
        "built-in node",
        &upstream_computers["computer"][0],
        &computers["computer"][0],
    );
    let build = jk
        .get_json(&format!("job/folder/job/pipeline/{n}/api/json"))
        .await;
    same_shape(
        "running build",
        &sample(
            &dir,
            "build_workflowrun_api_json__replay_cause_params__api4jenkins.json",
        ),
        &build,
    );
    let describe = jk
        .wait_for(
            &format!("job/folder/job/pipeline/{n}/wfapi/describe"),
            |v| !v["stages"].as_array().unwrap().is_empty(),
        )
        .await;
    let upstream_describe = sample(
        &dir,
        "wfapi_run_describe__paused_pending_input__stage-view-doc.json",
    );
    same_shape("wfapi describe", &upstream_describe, &describe);
    same_shape(
        "wfapi stage",
        &upstream_describe["stages"][0],
        &describe["stages"][0],
    );
    assert_eq!(describe["status"], "IN_PROGRESS");
    assert_eq!(describe["stages"][0]["status"], "IN_PROGRESS");
    same_shape(
        "pipeline job",
        &sample(&dir, "job_pipeline_WorkflowJob_api_json__api4jenkins.json"),
        &jk.get_json("job/folder/job/pipeline/api/json").await,
    );

    // A second build's node block cannot get an agent: a stuck-style
    // buildable placeholder.
    let item = jk
        .trigger("job/folder/job/pipeline/", "delay=0sec&P=w")
        .await;
    jk.build_number(&item).await;
    let queue = jk
        .wait_for("queue/api/json", |v| {
            v["items"]
                .as_array()
                .unwrap()
                .iter()
                .any(|i| i["_class"] == "hudson.model.Queue$BuildableItem")
        })
        .await;
    same_shape(
        "queue",
        &sample(
            &dir,
            "queue_api_json__blocked_and_stuck_buildable__api4jenkins.json",
        ),
        &queue,
    );
    let placeholder = queue["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["_class"] == "hudson.model.Queue$BuildableItem")
        .unwrap();
    same_shape(
        "buildable placeholder",
        &sample(
            &dir,
            "queue_item__buildable_stuck_PlaceholderTask_no_label__api4jenkins.json",
        ),
        placeholder,
    );

    // Cancelled, freestyle job and build.
    let id = waiting_item
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap();
    jk.post(
        &format!("queue/cancelItem?id={id}"),
        "",
        "application/x-www-form-urlencoded",
    )
    .await;
    same_shape(
        "cancelled item",
        &sample(&dir, "queue_item__left_cancelled__cdancy.json"),
        &jk.get_json(&format!("{waiting_item}api/json")).await,
    );
    same_shape(
        "freestyle job",
        &sample(
            &dir,
            "job_freestyle_api_json__never_built__node-jenkins.json",
        ),
        &jk.get_json("job/free/api/json").await,
    );
    cluster.shutdown().await;
}
