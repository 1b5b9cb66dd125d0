//! Builds: trigger, info, permalinks, stop/term/kill, delete, artifacts,
//! test report and waiting for completion, with exact requests.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use jenkins_client::models::BuildResult;
use jenkins_client::{
    BuildParams, BuildSelector, BuildWait, Error, JenkinsAuth, JenkinsClient, JobPath,
};
use serde_json::json;
use wiremock::matchers::{body_string, header as has_header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> JenkinsClient {
    direct(server, JenkinsAuth::api_token("ci", "tok"))
}

fn job(s: &str) -> JobPath {
    JobPath::parse(s).unwrap()
}

fn created(location: &str) -> ResponseTemplate {
    ResponseTemplate::new(201).insert_header("location", location)
}

#[tokio::test]
async fn trigger_without_parameters_posts_build_with_no_delay() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/team/job/app/build"))
        .and(query_param("delay", "0sec"))
        .respond_with(created(
            "http://jenkins.marathon.mesos:10000/queue/item/143/",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let id = client(&server)
        .builds()
        .trigger(&job("team/app"))
        .send()
        .await
        .unwrap();
    assert_eq!(id, 143);
}

#[tokio::test]
async fn trigger_with_parameters_sends_them_as_a_form() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/buildWithParameters"))
        .and(query_param("delay", "0sec"))
        .and(has_header(
            "content-type",
            "application/x-www-form-urlencoded",
        ))
        .and(body_string("TAG=1.2.3&PUSH=true&ENV=prod&PW=s%26cret"))
        .respond_with(created("/queue/item/7/"))
        .expect(1)
        .mount(&server)
        .await;
    let params = BuildParams::new()
        .string("TAG", "1.2.3")
        .bool("PUSH", true)
        .choice("ENV", "prod")
        .password("PW", "s&cret");
    let id = client(&server)
        .builds()
        .trigger(&job("app"))
        .params(params.clone())
        .send()
        .await
        .unwrap();
    assert_eq!(id, 7);
    // The password is not in the query, nor in Debug output.
    let received = server.received_requests().await.unwrap();
    assert!(!received[0].url.as_str().contains("cret"));
    assert!(!format!("{params:?}").contains("cret"));
}

#[tokio::test]
async fn a_parameterized_job_with_defaults_uses_build_with_parameters() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/buildWithParameters"))
        .and(query_param("delay", "5sec"))
        .respond_with(created("/queue/item/8/"))
        .expect(1)
        .mount(&server)
        .await;
    let id = client(&server)
        .builds()
        .trigger(&job("app"))
        .parameterized()
        .quiet_period(Duration::from_secs(5))
        .send()
        .await
        .unwrap();
    assert_eq!(id, 8);
}

#[tokio::test]
async fn a_file_parameter_is_sent_as_multipart() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/buildWithParameters"))
        .respond_with(created("/queue/item/9/"))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .builds()
        .trigger(&job("app"))
        .params(
            BuildParams::new()
                .string("TAG", "v1")
                .file("MANIFEST", "m.yaml", &b"a: 1\n"[..]),
        )
        .send()
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let content_type = header(&received[0], "content-type").unwrap();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let body = String::from_utf8(received[0].body.clone()).unwrap();
    assert!(body.starts_with(&format!("--{boundary}\r\n")));
    assert!(body.contains("name=\"MANIFEST\"; filename=\"m.yaml\"\r\nContent-Type: application/octet-stream\r\n\r\na: 1\n\r\n"));
    assert!(body.contains("name=\"TAG\"\r\n\r\nv1\r\n"));
    assert!(body.ends_with(&format!("--{boundary}--\r\n")));
}

#[tokio::test]
async fn redirects_302_and_303_with_a_queue_location_are_accepted() {
    for status in [302, 303] {
        let server = guarded_server().await;
        Mock::given(method("POST"))
            .and(path("/job/app/build"))
            .respond_with(
                ResponseTemplate::new(status)
                    .insert_header("location", "https://proxy/jenkins/queue/item/21/"),
            )
            .expect(1)
            .mount(&server)
            .await;
        let id = client(&server)
            .builds()
            .trigger(&job("app"))
            .send()
            .await
            .unwrap();
        assert_eq!(id, 21, "{status}");
    }
}

#[tokio::test]
async fn a_redirect_to_the_job_page_means_no_item() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/build"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "http://j/job/app/"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .builds()
        .trigger(&job("app"))
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Protocol(ref m) if m.contains("no item")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_disabled_job_is_job_disabled() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/build"))
        .respond_with(ResponseTemplate::new(409).set_body_string("app is disabled"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .builds()
        .trigger(&job("app"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::JobDisabled { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(409));
}

#[tokio::test]
async fn a_trigger_with_a_password_login_carries_the_crumb_and_cookie() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("c1", SESSION, "/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/build"))
        .and(has_header("jenkins-crumb", "c1"))
        .and(has_header("cookie", SESSION))
        .respond_with(created("/queue/item/5/"))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::password("ci", "pw"));
    assert_eq!(
        jenkins.builds().trigger(&job("app")).send().await.unwrap(),
        5
    );
}

#[tokio::test]
async fn the_trigger_goes_under_the_admin_router_prefix() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/service/jenkins/crumbIssuer/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/service/jenkins/job/a%20b/job/feature%252Fx/build"))
        .and(has_header("authorization", "token=dcos-tok"))
        .respond_with(created(
            "http://jenkins.marathon.mesos:1/service/jenkins/queue/item/3/",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let id = admin_router(&server)
        .builds()
        .trigger(&job("a b/feature%2Fx"))
        .send()
        .await
        .unwrap();
    assert_eq!(id, 3);
}

fn build_json(number: u64, building: bool, result: Option<&str>) -> serde_json::Value {
    json!({
        "_class": "org.jenkinsci.plugins.workflow.job.WorkflowRun",
        "number": number,
        "url": format!("http://jenkins.marathon.mesos:10000/job/app/{number}/"),
        "building": building,
        "result": result,
        "duration": if building { 0 } else { 60750 },
        "timestamp": 1461091892486u64,
        "queueId": 73,
        "actions": [
            {"_class": "hudson.model.CauseAction", "causes": [{"shortDescription": "Started by user ci", "userId": "ci"}]},
            {"_class": "hudson.model.ParametersAction", "parameters": [{"name": "TAG", "value": "v1"}]},
            {}
        ],
        "artifacts": [{"displayPath": "app.tar", "fileName": "app.tar", "relativePath": "out/app.tar"}],
        "changeSets": []
    })
}

#[tokio::test]
async fn build_info_by_number_and_permalink_uses_a_tree() {
    let server = guarded_server().await;
    for segment in ["12", "lastBuild", "lastSuccessfulBuild"] {
        Mock::given(method("GET"))
            .and(path(format!("/job/app/{segment}/api/json")))
            .and(query_param(
                "tree",
                jenkins_client::build_tree().to_string(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(build_json(
                12,
                false,
                Some("SUCCESS"),
            )))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/job/app/lastFailedBuild/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let build = jenkins.builds().get(&job("app"), 12).await.unwrap();
    assert_eq!(build.result, Some(BuildResult::Success));
    assert!(build.is_finished());
    assert_eq!(build.parameter("TAG").and_then(|v| v.as_str()), Some("v1"));
    assert_eq!(
        build.causes().next().unwrap().user_id.as_deref(),
        Some("ci")
    );
    assert_eq!(build.queue_id, Some(73));
    assert!(jenkins.builds().last(&job("app")).await.unwrap().is_some());
    assert!(
        jenkins
            .builds()
            .last_successful(&job("app"))
            .await
            .unwrap()
            .is_some()
    );
    assert!(
        jenkins
            .builds()
            .last_failed(&job("app"))
            .await
            .unwrap()
            .is_none()
    );
    let tree = jenkins_client::build_tree().to_string();
    assert!(
        tree.contains("artifacts[displayPath,fileName,relativePath]{0,1000}"),
        "{tree}"
    );
}

#[tokio::test]
async fn stop_term_kill_and_delete_post_to_the_build() {
    let server = guarded_server().await;
    for action in ["stop", "term", "kill", "doDelete"] {
        Mock::given(method("POST"))
            .and(path(format!("/job/f/job/app/4/{action}")))
            .respond_with(
                ResponseTemplate::new(302).insert_header("location", "http://j/job/f/job/app/"),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let jenkins = client(&server);
    let app = job("f/app");
    jenkins.builds().stop(&app, 4).await.unwrap();
    jenkins.builds().term(&app, 4).await.unwrap();
    jenkins.builds().kill(&app, 4).await.unwrap();
    jenkins.builds().delete(&app, 4).await.unwrap();
}

#[tokio::test]
async fn deleting_a_missing_build_is_not_found() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/99/doDelete"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .builds()
        .delete(&job("app"), 99)
        .await
        .unwrap_err();
    assert!(err.is_not_found());
}

#[tokio::test]
async fn artifacts_are_listed_and_streamed_into_a_writer() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/app/12/api/json"))
        .and(query_param(
            "tree",
            "artifacts[displayPath,fileName,relativePath]{0,10000}",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(
            12,
            false,
            Some("SUCCESS"),
        )))
        .expect(1)
        .mount(&server)
        .await;
    let content: Vec<u8> = (0..200_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(path("/job/app/12/artifact/out/my%20app.tar"))
        .respond_with(ResponseTemplate::new(200).set_body_bytes(content.clone()))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let artifacts = jenkins.builds().artifacts(&job("app"), 12).await.unwrap();
    assert_eq!(artifacts[0].relative_path, "out/app.tar");
    let mut out = Vec::new();
    let n = jenkins
        .builds()
        .download_artifact(&job("app"), 12, "out/my app.tar", &mut out)
        .await
        .unwrap();
    assert_eq!(n, content.len() as u64);
    assert_eq!(out, content);
    let err = jenkins
        .builds()
        .download_artifact(&job("app"), 12, "../secrets", &mut out)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");
}

#[tokio::test]
async fn a_missing_artifact_is_not_found() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/app/lastSuccessfulBuild/artifact/x.txt"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let mut out = Vec::new();
    let err = client(&server)
        .builds()
        .download_artifact(
            &job("app"),
            BuildSelector::LastSuccessful,
            "x.txt",
            &mut out,
        )
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
    assert!(out.is_empty());
}

#[tokio::test]
async fn the_test_report_or_none() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/app/3/testReport/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.tasks.junit.TestResult", "failCount": 1, "passCount": 2, "skipCount": 0,
            "suites": [{"name": "s", "cases": [
                {"className": "a.B", "name": "ok", "status": "PASSED"},
                {"className": "a.B", "name": "bad", "status": "REGRESSION", "errorDetails": "boom"}
            ]}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/app/4/testReport/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let report = jenkins
        .builds()
        .test_report(&job("app"), 3)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(report.fail_count, Some(1));
    let failed: Vec<_> = report.failures().map(|c| c.name.clone().unwrap()).collect();
    assert_eq!(failed, ["bad"]);
    assert!(
        jenkins
            .builds()
            .test_report(&job("app"), 4)
            .await
            .unwrap()
            .is_none()
    );
    let requests = server.received_requests().await.unwrap();
    assert!(requests[0].url.query().unwrap().contains("tree="));
}

fn fast() -> BuildWait {
    BuildWait::default()
        .poll(Duration::from_millis(5))
        .timeout(Duration::from_secs(5))
}

#[tokio::test]
async fn completion_waits_for_building_false_not_for_a_result() {
    let server = guarded_server().await;
    let poll_tree = "number,url,building,result";
    // Running, then a result set while still building (a Pipeline in its
    // post steps), then done.
    Mock::given(method("GET"))
        .and(path("/job/app/5/api/json"))
        .and(query_param("tree", poll_tree))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(5, true, None)))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/app/5/api/json"))
        .and(query_param("tree", poll_tree))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(
            5,
            true,
            Some("FAILURE"),
        )))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/app/5/api/json"))
        .and(query_param("tree", poll_tree))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(
            5,
            false,
            Some("FAILURE"),
        )))
        // Once for each wait.
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/app/5/api/json"))
        .and(query_param(
            "tree",
            jenkins_client::build_tree().to_string(),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(
            5,
            false,
            Some("FAILURE"),
        )))
        .expect(2)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let build = jenkins
        .builds()
        .wait_for_completion(&job("app"), 5, &fast())
        .await
        .unwrap();
    assert_eq!(build.result, Some(BuildResult::Failure));
    assert!(build.is_finished());
    // The same wait, wanting success, names the failure with our URL.
    let err = jenkins
        .builds()
        .wait_for_success(&job("app"), 5, &fast())
        .await
        .unwrap_err();
    match err {
        Error::BuildFailed { result, url } => {
            assert_eq!(result, "FAILURE");
            assert_eq!(url, format!("{}/job/app/5/", server.uri()));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_wait_that_never_ends_times_out() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/app/5/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(5, true, None)))
        .mount(&server)
        .await;
    let err = client(&server)
        .builds()
        .wait_for_completion(
            &job("app"),
            5,
            &BuildWait::default()
                .poll(Duration::from_millis(5))
                .timeout(Duration::from_millis(40)),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
}

#[tokio::test]
async fn run_triggers_waits_for_the_start_and_the_end() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/buildWithParameters"))
        .and(body_string("TAG=v1"))
        .respond_with(created("/queue/item/31/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/queue/item/31/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_class": "hudson.model.Queue$LeftItem", "id": 31, "cancelled": false,
            "executable": {"number": 5, "url": "http://jenkins.marathon.mesos:10000/job/app/5/"}})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/app/5/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(build_json(
            5,
            false,
            Some("SUCCESS"),
        )))
        .expect(2)
        .mount(&server)
        .await;
    let build = client(&server)
        .builds()
        .trigger(&job("app"))
        .params(BuildParams::new().string("TAG", "v1"))
        .run(&fast())
        .await
        .unwrap();
    assert_eq!(build.number, Some(5));
    assert_eq!(build.result, Some(BuildResult::Success));
}
