//! Nodes: list, get (built-in and legacy master), offline and online,
//! disconnect, delete, labels, and ephemeral Mesos agents that vanish.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use jenkins_client::{JenkinsAuth, JenkinsClient};
use serde_json::json;
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> JenkinsClient {
    direct(server, JenkinsAuth::api_token("ci", "tok"))
}

fn agent(name: &str, temporarily_offline: bool) -> serde_json::Value {
    json!({"_class": "org.jenkinsci.plugins.mesos.MesosComputer", "displayName": name,
           "offline": temporarily_offline, "temporarilyOffline": temporarily_offline, "idle": true,
           "numExecutors": 1, "jnlpAgent": true, "assignedLabels": [{"name": "linux"}, {"name": name}],
           "executors": [{"number": 0, "idle": true, "progress": -1}]})
}

#[tokio::test]
async fn list_asks_for_a_bounded_tree() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/computer/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.model.ComputerSet", "busyExecutors": 0, "totalExecutors": 1,
            "computer": [
                {"_class": "hudson.model.Hudson$MasterComputer", "displayName": "Built-In Node", "offline": false,
                 "numExecutors": 0, "executors": []},
                agent("jenkins-agent-linux-1a2b", false)
            ]})))
        .expect(1)
        .mount(&server)
        .await;
    let set = client(&server).nodes().list().await.unwrap();
    assert!(set.computer[0].is_built_in());
    assert!(set.computer[1].can_take_work());
    assert_eq!(set.computer[1].labels().next(), Some("linux"));
    let requests = server.received_requests().await.unwrap();
    let tree = requests[0]
        .url
        .query_pairs()
        .find(|(k, _)| k == "tree")
        .unwrap()
        .1;
    assert!(
        tree.contains("computer[") && tree.contains("]{0,10000}"),
        "{tree}"
    );
    assert!(tree.contains("executors[_class,number,idle,likelyStuck,progress,currentExecutable[_class,number,url]]{0,1000}"), "{tree}");
}

#[tokio::test]
async fn the_built_in_node_falls_back_to_master() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/computer/(built-in)/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/computer/(master)/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.model.Hudson$MasterComputer", "displayName": "master"})))
        .expect(1)
        .mount(&server)
        .await;
    let node = client(&server).nodes().built_in().await.unwrap();
    assert_eq!(node.display_name, "master");
}

#[tokio::test]
async fn a_vanished_mesos_agent_is_not_found() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/computer/jenkins-agent-linux-1a2b/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/computer/jenkins-agent-linux-1a2b/doDelete"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    assert!(
        jenkins
            .nodes()
            .get_opt("jenkins-agent-linux-1a2b")
            .await
            .unwrap()
            .is_none()
    );
    assert!(
        jenkins
            .nodes()
            .get("jenkins-agent-linux-1a2b")
            .await
            .unwrap_err()
            .is_not_found()
    );
    assert!(
        jenkins
            .nodes()
            .delete("jenkins-agent-linux-1a2b")
            .await
            .unwrap_err()
            .is_not_found()
    );
}

#[tokio::test]
async fn offline_and_online_toggle_only_when_needed() {
    let server = guarded_server().await;
    // Online at first, offline after the toggle.
    Mock::given(method("GET"))
        .and(path("/computer/a1/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(agent("a1", false)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/computer/a1/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(agent("a1", true)))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/computer/a1/toggleOffline"))
        .and(query_param("offlineMessage", "draining for upgrade"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://j/computer/a1/"))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    assert!(
        jenkins
            .nodes()
            .mark_offline("a1", "draining for upgrade")
            .await
            .unwrap()
    );
    // Already offline: no second toggle.
    assert!(!jenkins.nodes().mark_offline("a1", "again").await.unwrap());
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/computer/a1/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(agent("a1", true)))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/computer/a1/toggleOffline"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    assert!(jenkins.nodes().mark_online("a1").await.unwrap());
    let received = server.received_requests().await.unwrap();
    assert!(received[1].url.query().is_none(), "{:?}", received[1].url);
}

#[tokio::test]
async fn disconnect_and_delete() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/computer/a%20b/doDisconnect"))
        .and(query_param("offlineMessage", "bye"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://j/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/computer/a%20b/doDelete"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://j/"))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    jenkins.nodes().disconnect("a b", "bye").await.unwrap();
    jenkins.nodes().delete("a b").await.unwrap();
}

#[tokio::test]
async fn a_label_lists_its_nodes() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/label/linux/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.model.labels.LabelAtom", "name": "linux", "busyExecutors": 1,
            "idleExecutors": 0, "totalExecutors": 1, "offline": false,
            "nodes": [{"_class": "org.jenkinsci.plugins.mesos.MesosSlave", "nodeName": "jenkins-agent-linux-1a2b"}]})))
        .expect(1)
        .mount(&server)
        .await;
    let label = client(&server).nodes().label("linux").await.unwrap();
    assert_eq!(
        label.nodes.unwrap()[0].node_name.as_deref(),
        Some("jenkins-agent-linux-1a2b")
    );
}
