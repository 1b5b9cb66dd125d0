//! The queue: list, get, cancel, and waiting for a build to start through
//! every kind of item, cancellation and expiry.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use jenkins_client::models::{PLACEHOLDER_TASK_CLASS, QueueItem};
use jenkins_client::{BuildWait, Error, JenkinsAuth, JenkinsClient, JobPath};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> JenkinsClient {
    direct(server, JenkinsAuth::api_token("ci", "tok"))
}

fn fast() -> BuildWait {
    BuildWait::default()
        .poll(Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
}

fn task() -> Value {
    json!({"_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob", "name": "app",
           "url": "http://jenkins.marathon.mesos:10000/job/team/job/app/", "color": "blue_anime"})
}

fn waiting(id: u64) -> Value {
    json!({"_class": "hudson.model.Queue$WaitingItem", "id": id, "blocked": false, "buildable": false,
           "stuck": false, "why": "In the quiet period. Expires in 4.6 sec", "timestamp": 1566553113796u64,
           "task": task(), "actions": [{}], "url": format!("queue/item/{id}/")})
}

fn blocked(id: u64) -> Value {
    json!({"_class": "hudson.model.Queue$BlockedItem", "id": id, "blocked": true, "buildable": false,
           "stuck": false, "why": "Build #9 is already in progress (ETA:15 sec)", "task": task()})
}

fn stuck(id: u64) -> Value {
    json!({"_class": "hudson.model.Queue$BuildableItem", "id": id, "blocked": false, "buildable": true,
           "stuck": true, "pending": false, "why": "There are no nodes with the label ‘linux’",
           "task": {"_class": PLACEHOLDER_TASK_CLASS}})
}

fn starting(id: u64) -> Value {
    json!({"_class": "hudson.model.Queue$LeftItem", "id": id, "cancelled": false, "executable": null, "task": task()})
}

fn left(id: u64, number: u64) -> Value {
    json!({"_class": "hudson.model.Queue$LeftItem", "id": id, "cancelled": false, "why": null, "task": task(),
           "executable": {"_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun", "number": number,
                          "url": format!("http://jenkins.marathon.mesos:10000/job/team/job/app/{number}/")}})
}

fn cancelled(id: u64) -> Value {
    json!({"_class": "hudson.model.Queue$LeftItem", "id": id, "cancelled": true, "why": null,
           "executable": null, "task": task()})
}

/// Answers the item's polls with `states` in turn, each once, then the last
/// one for good.
async fn serve_item(server: &MockServer, id: u64, states: &[Value]) {
    let item_path = format!("/queue/item/{id}/api/json");
    let (last, first) = states.split_last().unwrap();
    for state in first {
        Mock::given(method("GET"))
            .and(path(item_path.as_str()))
            .and(query_param(
                "tree",
                jenkins_client::queue_item_tree().to_string(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(state))
            .up_to_n_times(1)
            .expect(1)
            .mount(server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(item_path.as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(last))
        .expect(1..)
        .mount(server)
        .await;
}

#[tokio::test]
async fn the_queue_lists_every_kind_of_item() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/queue/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.model.Queue",
            "items": [waiting(1), blocked(2), stuck(3), {"_class": "hudson.model.Queue$Future", "id": 4}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let queue = client(&server).queue().list().await.unwrap();
    assert!(matches!(queue.items[0], QueueItem::Waiting(_)));
    assert!(matches!(queue.items[1], QueueItem::Blocked(_)));
    assert!(queue.items[2].task().unwrap().is_placeholder());
    assert!(matches!(queue.items[3], QueueItem::Unknown(_)));
    let requests = server.received_requests().await.unwrap();
    let tree = requests[0]
        .url
        .query_pairs()
        .find(|(k, _)| k == "tree")
        .unwrap()
        .1;
    assert!(tree.starts_with("_class,items["), "{tree}");
    assert!(tree.ends_with("]{0,10000}"), "{tree}");
}

#[tokio::test]
async fn cancel_posts_cancel_item_with_the_id() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/queue/cancelItem"))
        .and(query_param("id", "143"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://j/queue/"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server).queue().cancel(143).await.unwrap();
}

#[tokio::test]
async fn get_opt_is_none_for_an_expired_item() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/queue/item/9/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    assert!(client(&server).queue().get_opt(9).await.unwrap().is_none());
}

#[tokio::test]
async fn waiting_blocked_stuck_and_starting_items_lead_to_the_build() {
    let server = guarded_server().await;
    serve_item(
        &server,
        700,
        &[
            waiting(700),
            blocked(700),
            stuck(700),
            starting(700),
            left(700, 54),
        ],
    )
    .await;
    let started = client(&server)
        .queue()
        .wait_for_start(700, None, &fast())
        .await
        .unwrap();
    assert_eq!(started.queue_id, 700);
    assert_eq!(started.number, 54);
    // The cluster-internal URL is rebased onto ours.
    assert_eq!(
        started.url.unwrap().as_str(),
        format!("{}/job/team/job/app/54/", server.uri())
    );
}

#[tokio::test]
async fn a_cancelled_item_ends_the_wait_at_once() {
    let server = guarded_server().await;
    serve_item(&server, 143, &[blocked(143), cancelled(143)]).await;
    let err = client(&server)
        .queue()
        .wait_for_start(143, None, &fast())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::QueueItemCancelled { id: 143, .. }),
        "{err:?}"
    );
    // Exactly two polls: no waiting on after the cancellation.
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn an_expired_item_is_found_on_the_job_by_its_queue_id() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/queue/item/668/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/team/job/app/api/json"))
        .and(query_param("tree", "builds[number,queueId,url]{0,100}"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
            "builds": [
                {"number": 56, "queueId": 670, "url": "http://jenkins.marathon.mesos:10000/job/team/job/app/56/"},
                {"number": 55, "queueId": 668, "url": "http://jenkins.marathon.mesos:10000/job/team/job/app/55/"}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let job = JobPath::parse("team/app").unwrap();
    let started = client(&server)
        .queue()
        .wait_for_start(668, Some(&job), &fast())
        .await
        .unwrap();
    assert_eq!(started.number, 55);
}

#[tokio::test]
async fn an_expired_item_with_no_build_is_expired() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/queue/item/668/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/app/api/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"builds": [{"number": 1, "queueId": 2}]})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let job = JobPath::parse("app").unwrap();
    let err = jenkins
        .queue()
        .wait_for_start(668, Some(&job), &fast())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::QueueItemExpired { id: 668 }),
        "{err:?}"
    );
    let err = jenkins
        .queue()
        .wait_for_start(668, None, &fast())
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::QueueItemExpired { id: 668 }),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_item_stuck_forever_times_out() {
    let server = guarded_server().await;
    serve_item(&server, 5, &[stuck(5)]).await;
    let err = client(&server)
        .queue()
        .wait_for_start(
            5,
            None,
            &BuildWait::default()
                .poll(Duration::from_millis(5))
                .timeout(Duration::from_millis(40)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn a_forbidden_poll_is_an_error_not_a_wait() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/queue/item/5/api/json"))
        .respond_with(
            ResponseTemplate::new(403).set_body_string("ci is missing the Overall/Read permission"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .queue()
        .wait_for_start(5, None, &fast())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}
