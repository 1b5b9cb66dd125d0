//! Builds of the simulated Jenkins: the queue, Mesos agents, the console,
//! results, the stage view and pushed images.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;
mod jenkins_support;

use std::time::Duration;

use dcos_sim::{AGENT_CPUS, AGENT_MEM, AgentSpec, SimCluster};
use jenkins_support::{Jk, pipeline_xml};

const DIND: &str = "if (!(params.TAG ?: '').matches('[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}')) {\n    error('TAG must be a Docker tag')\n}\nnode('linux') {\n    stage('Checkout') {\n        checkout scm\n    }\n    withEnv([\"CONTEXT=.\"]) {\n        stage('Build') {\n            sh 'docker build --tag \"$IMAGE:$TAG\" \"$CONTEXT\"'\n        }\n        stage('Push') {\n            sh 'sleep 40'\n            sh \"docker push \\\"${params.IMAGE}:${params.TAG}\\\"\"\n        }\n    }\n}\n";

fn used_cpus(cluster: &SimCluster) -> f64 {
    cluster
        .mesos()
        .agents()
        .iter()
        .map(|a| a.total.cpus - a.free.cpus)
        .sum()
}

#[tokio::test]
async fn a_build_queues_runs_on_a_mesos_agent_and_finishes() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    jk.create(
        "",
        "app",
        &pipeline_xml(
            DIND,
            &[("IMAGE", "registry.example.com/team/app"), ("TAG", "")],
        ),
    )
    .await;
    let item = jk.trigger("job/app/", "TAG=1.2.3&delay=3600sec").await;

    // A WaitingItem first (quiet period), then it leaves with a build.
    let waiting = jk.get_json(&format!("{item}api/json")).await;
    assert_eq!(
        waiting["_class"], "hudson.model.Queue$WaitingItem",
        "{waiting}"
    );
    assert!(
        waiting["why"]
            .as_str()
            .unwrap()
            .starts_with("In the quiet period.")
    );
    assert_eq!(
        waiting["params"],
        "\nIMAGE=registry.example.com/team/app\nTAG=1.2.3"
    );
    // The same trigger without a quiet period joins it and starts it now.
    assert_eq!(jk.trigger("job/app/", "TAG=1.2.3&delay=0sec").await, item);
    let number = jk.build_number(&item).await;
    assert_eq!(number, 1);
    let left = jk.get_json(&format!("{item}api/json")).await;
    assert_eq!(left["_class"], "hudson.model.Queue$LeftItem");
    assert_eq!(left["cancelled"], false);
    assert_eq!(left["executable"]["url"], format!("{}job/app/1/", jk.root));

    // Running: on an agent that is a Mesos task using 0.1 cpu and 512 MB.
    let running = jk
        .wait_for("job/app/1/api/json", |v| {
            v["building"] == true && v["result"].is_null()
        })
        .await;
    assert_eq!(
        running["_class"],
        "org.jenkinsci.plugins.workflow.job.WorkflowRun"
    );
    let jobs = jk
        .wait_for("computer/api/json", |v| {
            v["computer"].as_array().unwrap().len() == 2
        })
        .await;
    let agent = jobs["computer"][1].clone();
    let name = agent["displayName"].as_str().unwrap().to_owned();
    assert!(name.starts_with("jenkins-agent-linux-"), "{name}");
    assert_eq!(agent["_class"], "org.jenkinsci.plugins.mesos.MesosComputer");
    assert_eq!(agent["jnlpAgent"], true);
    let task = cluster
        .mesos()
        .tasks()
        .into_iter()
        .find(|t| t.task_id == name)
        .expect("the agent is a Mesos task");
    assert_eq!(task.name, name);
    assert!((used_cpus(&cluster) - AGENT_CPUS).abs() < 1e-9);
    let used_mem: f64 = cluster
        .mesos()
        .agents()
        .iter()
        .map(|a| a.total.mem - a.free.mem)
        .sum();
    assert_eq!(used_mem, AGENT_MEM);

    // The console grows while the build runs, with X-More-Data.
    let r = jk.get("job/app/1/logText/progressiveText?start=0").await;
    assert_eq!(r.status(), 200);
    assert_eq!(r.headers()["x-more-data"], "true");
    let size: usize = r.headers()["x-text-size"]
        .to_str()
        .unwrap()
        .parse()
        .unwrap();
    let first = r.text().await.unwrap();
    assert_eq!(first.len(), size);
    assert!(
        first.starts_with("Started by user admin\n[Pipeline] Start of Pipeline\n"),
        "{first}"
    );
    let mut offset = size;
    let mut text = first;
    loop {
        let r = jk
            .get(&format!("job/app/1/logText/progressiveText?start={offset}"))
            .await;
        let more = r.headers().get("x-more-data").is_some();
        let next: usize = r.headers()["x-text-size"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(next >= offset);
        text.push_str(&r.text().await.unwrap());
        offset = next;
        if !more {
            break;
        }
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
    assert!(offset > size, "the console grew");
    assert!(
        text.contains(&format!(
            "Running on {name} in /home/jenkins/agent/workspace/app"
        )),
        "{text}"
    );
    assert!(
        text.contains("+ docker build --tag \"registry.example.com/team/app:1.2.3\" \".\""),
        "{text}"
    );
    assert!(
        text.contains("The push refers to repository [registry.example.com/team/app]"),
        "{text}"
    );
    assert!(
        text.ends_with("[Pipeline] End of Pipeline\nFinished: SUCCESS\n"),
        "{text}"
    );
    assert_eq!(
        jk.get("job/app/1/consoleText").await.text().await.unwrap(),
        text
    );

    let done = jk.finished("job/app/1/").await;
    assert_eq!(done["result"], "SUCCESS");
    assert!(done["duration"].as_i64().unwrap() > 0);
    assert!(
        cluster
            .registry()
            .contains("registry.example.com/team/app:1.2.3")
    );

    // The agent is released: resources back, the node gone.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while used_cpus(&cluster) > 1e-9 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "resources never released"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    assert_eq!(
        jk.get(&format!("computer/{name}/api/json")).await.status(),
        404
    );

    // Stage view.
    let describe = jk.get_json("job/app/1/wfapi/describe").await;
    assert_eq!(describe["status"], "SUCCESS");
    let stages: Vec<(&str, &str)> = describe["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["name"].as_str().unwrap(), s["status"].as_str().unwrap()))
        .collect();
    assert_eq!(
        stages,
        vec![
            ("Checkout", "SUCCESS"),
            ("Build", "SUCCESS"),
            ("Push", "SUCCESS")
        ]
    );
    assert!(describe["stages"][2]["durationMillis"].as_i64().unwrap() >= 40_000);

    let runs = jk.get_json("job/app/wfapi/runs").await;
    assert_eq!(runs.as_array().unwrap().len(), 1);
    assert_eq!(runs[0]["status"], "SUCCESS");
    assert_eq!(jk.get_json("job/app/wfapi/describe").await["runCount"], 1);

    // A tree reaches into the builds, to find a build by its queue id.
    let id: u64 = item
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let job = jk
        .get_json("job/app/api/json?tree=builds[number,queueId,url]")
        .await;
    assert_eq!(job["builds"][0]["queueId"], id);
    assert_eq!(job["builds"][0]["number"], 1);

    let job = jk.get_json("job/app/api/json").await;
    assert_eq!(job["color"], "blue");
    assert_eq!(job["lastSuccessfulBuild"]["number"], 1);
    assert_eq!(job["nextBuildNumber"], 2);
    assert_eq!(
        jk.get("job/app/lastBuild/buildNumber")
            .await
            .text()
            .await
            .unwrap(),
        "1"
    );
    cluster.shutdown().await;
}

#[tokio::test]
async fn failing_scripts_parameters_and_the_fault_knob_fail_builds() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    jk.create("", "boom", &pipeline_xml("node('linux') { stage('A') { sh 'make' }\n stage('B') { error('boom') }\n stage('C') { sh 'never' } }", &[]))
        .await;
    let item = jk.trigger("job/boom/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    let done = jk.finished(&format!("job/boom/{n}/")).await;
    assert_eq!(done["result"], "FAILURE");
    let text = jk
        .get(&format!("job/boom/{n}/consoleText"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.ends_with("[Pipeline] End of Pipeline\nERROR: boom\nFinished: FAILURE\n"),
        "{text}"
    );
    assert!(!text.contains("never"));
    let describe = jk.get_json(&format!("job/boom/{n}/wfapi/describe")).await;
    assert_eq!(describe["status"], "FAILED");
    let statuses: Vec<&str> = describe["stages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["status"].as_str().unwrap())
        .collect();
    assert_eq!(statuses, vec!["SUCCESS", "FAILED"]);
    assert_eq!(jk.get_json("job/boom/api/json").await["color"], "red");

    // The DinD guard: an empty TAG fails before any agent is asked for.
    jk.create(
        "",
        "dind",
        &pipeline_xml(DIND, &[("IMAGE", "reg/app"), ("TAG", "")]),
    )
    .await;
    let item = jk.trigger("job/dind/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    let done = jk.finished(&format!("job/dind/{n}/")).await;
    assert_eq!(done["result"], "FAILURE");
    let text = jk
        .get(&format!("job/dind/{n}/consoleText"))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("ERROR: TAG must be a Docker tag"), "{text}");
    assert!(!text.contains("[Pipeline] node"));

    // FAIL=true fails the first sh step; nothing is pushed.
    jk.create(
        "",
        "push",
        &pipeline_xml("node { sh 'docker push reg/web:1' }", &[("FAIL", "false")]),
    )
    .await;
    let item = jk.trigger("job/push/", "delay=0sec&FAIL=true").await;
    let n = jk.build_number(&item).await;
    assert_eq!(
        jk.finished(&format!("job/push/{n}/")).await["result"],
        "FAILURE"
    );
    assert!(!cluster.registry().contains("reg/web:1"));

    // The fault knob fails exactly the next build.
    cluster.faults().fail_builds(1);
    let item = jk.trigger("job/push/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    let done = jk.finished(&format!("job/push/{n}/")).await;
    assert_eq!(done["result"], "FAILURE");
    let text = jk
        .get(&format!("job/push/{n}/consoleText"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.contains("ERROR: script returned exit code 1"),
        "{text}"
    );
    let item = jk.trigger("job/push/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    assert_eq!(
        jk.finished(&format!("job/push/{n}/")).await["result"],
        "SUCCESS"
    );
    assert!(cluster.registry().contains("reg/web:1"));
    cluster.shutdown().await;
}

#[tokio::test]
async fn queue_items_cancel_and_left_items_expire() {
    let cluster = common::fast().speed(600.0).start().await.unwrap();
    let jk = Jk::token(&cluster);
    jk.create("", "slow", &pipeline_xml("echo 'x'", &[])).await;
    let item = jk.trigger("job/slow/", "delay=3600sec").await;
    // An identical trigger is merged into the same item.
    assert_eq!(jk.trigger("job/slow/", "delay=3600sec").await, item);
    let id: u64 = item
        .trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap()
        .parse()
        .unwrap();
    let queue = jk.get_json("queue/api/json").await;
    assert_eq!(queue["items"][0]["id"], id);
    assert_eq!(jk.get_json("job/slow/api/json").await["inQueue"], true);

    let r = jk
        .post(
            &format!("queue/cancelItem?id={id}"),
            "",
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 204);
    let left = jk.get_json(&format!("{item}api/json")).await;
    assert_eq!(left["_class"], "hudson.model.Queue$LeftItem");
    assert_eq!(left["cancelled"], true);
    assert!(left["executable"].is_null());
    let r = jk
        .post(
            "queue/cancelItem?id=999",
            "",
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 404);

    // Five simulated minutes later the left item is gone (0.5 s here).
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let status = jk.get(&format!("{item}api/json")).await.status();
        if status == 404 {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "never expired");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    cluster.shutdown().await;
}

#[tokio::test]
async fn builds_without_resources_or_a_label_stay_in_the_queue() {
    let cluster = common::fast()
        .agents_like(1, AgentSpec::default().cpus(0.05))
        .start()
        .await
        .unwrap();
    let jk = Jk::token(&cluster);
    jk.create("", "p", &pipeline_xml("node('linux') { sh 'make' }", &[]))
        .await;
    let item = jk.trigger("job/p/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    // The build runs; its node block waits as a PlaceholderTask.
    let queue = jk
        .wait_for("queue/api/json", |v| {
            !v["items"].as_array().unwrap().is_empty()
        })
        .await;
    let waiting = &queue["items"][0];
    assert_eq!(waiting["_class"], "hudson.model.Queue$BuildableItem");
    assert_eq!(
        waiting["task"]["_class"],
        "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask"
    );
    assert_eq!(
        waiting["why"],
        "Waiting for next available executor on ‘linux’"
    );
    tokio::time::sleep(Duration::from_millis(100)).await;
    let build = jk.get_json(&format!("job/p/{n}/api/json")).await;
    assert_eq!(build["building"], true);
    assert_eq!(cluster.mesos().tasks().len(), 0);
    let text = jk
        .get(&format!("job/p/{n}/consoleText"))
        .await
        .text()
        .await
        .unwrap();
    assert!(
        text.contains(
            "Still waiting to schedule task\nWaiting for next available executor on ‘linux’"
        ),
        "{text}"
    );

    // Stopping the build cancels its placeholder.
    let r = jk
        .post(
            &format!("job/p/{n}/stop"),
            "",
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 302);
    assert_eq!(
        jk.finished(&format!("job/p/{n}/")).await["result"],
        "ABORTED"
    );

    // A freestyle job on a label no template has is stuck.
    let xml = "<project><assignedNode>windows</assignedNode><disabled>false</disabled><builders><hudson.tasks.Shell><command>make</command></hudson.tasks.Shell></builders></project>";
    jk.create("", "win", xml).await;
    let item = jk.trigger("job/win/", "delay=0sec").await;
    let stuck = jk
        .wait_for(&format!("{item}api/json"), |v| v["stuck"] == true)
        .await;
    assert_eq!(stuck["_class"], "hudson.model.Queue$BuildableItem");
    assert_eq!(stuck["why"], "There are no nodes with the label ‘windows’");
    cluster.shutdown().await;
}

#[tokio::test]
async fn freestyle_builds_wait_for_their_agent_in_the_queue() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    let xml = "<project><assignedNode>linux</assignedNode><disabled>false</disabled><builders><hudson.tasks.Shell><command>echo built\nsleep 20</command></hudson.tasks.Shell></builders></project>";
    jk.create("", "fs", xml).await;
    let item = jk.trigger("job/fs/", "delay=0sec").await;
    let buildable = jk
        .wait_for(&format!("{item}api/json"), |v| {
            v["_class"] == "hudson.model.Queue$BuildableItem"
        })
        .await;
    assert_eq!(
        buildable["why"],
        "Waiting for next available executor on ‘linux’"
    );
    let n = jk.build_number(&item).await;
    let done = jk.finished(&format!("job/fs/{n}/")).await;
    assert_eq!(done["_class"], "hudson.model.FreeStyleBuild");
    assert_eq!(done["result"], "SUCCESS");
    assert!(
        done["builtOn"]
            .as_str()
            .unwrap()
            .starts_with("jenkins-agent-linux-")
    );
    let text = jk
        .get(&format!("job/fs/{n}/consoleText"))
        .await
        .text()
        .await
        .unwrap();
    assert!(text.contains("+ echo built\nbuilt\n"), "{text}");
    assert!(text.ends_with("Finished: SUCCESS\n"));

    // Deleting a job frees the agent of its running build.
    let xml = xml.replace("sleep 20", "sleep 100000");
    jk.create("", "long", &xml).await;
    let item = jk.trigger("job/long/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    jk.wait_for(&format!("job/long/{n}/api/json"), |v| v["building"] == true)
        .await;
    assert_eq!(cluster.mesos().tasks().len(), 1);
    assert_eq!(jk.with_auth_delete("job/long/").await.status(), 200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while !cluster.mesos().tasks().is_empty() || !cluster.jenkins().agents().is_empty() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the agent was never released"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cluster.shutdown().await;
}

#[tokio::test]
async fn stopping_a_running_build_aborts_it_and_frees_its_agent() {
    let cluster = common::start().await;
    let jk = Jk::token(&cluster);
    jk.create(
        "",
        "s",
        &pipeline_xml("node('linux') { stage('Wait') { sh 'sleep 100000' } }", &[]),
    )
    .await;
    let item = jk.trigger("job/s/", "delay=0sec").await;
    let n = jk.build_number(&item).await;
    jk.wait_for(&format!("job/s/{n}/wfapi/describe"), |v| {
        v["stages"][0]["status"] == "IN_PROGRESS"
    })
    .await;
    assert_eq!(cluster.mesos().tasks().len(), 1);
    let r = jk
        .post(
            &format!("job/s/{n}/stop"),
            "",
            "application/x-www-form-urlencoded",
        )
        .await;
    assert_eq!(r.status(), 302);
    let done = jk.finished(&format!("job/s/{n}/")).await;
    assert_eq!(done["result"], "ABORTED");
    let describe = jk.get_json(&format!("job/s/{n}/wfapi/describe")).await;
    assert_eq!(
        (
            describe["status"].as_str(),
            describe["stages"][0]["status"].as_str()
        ),
        (Some("ABORTED"), Some("ABORTED"))
    );
    assert_eq!(jk.get_json("job/s/api/json").await["color"], "aborted");
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while used_cpus(&cluster) > 1e-9 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the agent was never released"
        );
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
    cluster.shutdown().await;
}
