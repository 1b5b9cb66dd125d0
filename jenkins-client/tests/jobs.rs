//! Jobs and folders: every endpoint, with exact method, path, query, headers
//! and body.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use jenkins_client::{Error, JenkinsAuth, JenkinsClient, JobPath};
use wiremock::matchers::{body_string, header as has_header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const CONFIG: &str = "<?xml version='1.1' encoding='UTF-8'?>\n<project><description>a &amp; b</description></project>";

fn client(server: &MockServer) -> JenkinsClient {
    direct(server, JenkinsAuth::api_token("ci", "tok"))
}

fn job(s: &str) -> JobPath {
    JobPath::parse(s).unwrap()
}

#[tokio::test]
async fn create_posts_config_xml_in_the_root_or_a_folder() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/createItem"))
        .and(query_param("name", "app"))
        .and(has_header("content-type", "application/xml"))
        .and(body_string(CONFIG))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/team/job/sub%20team/createItem"))
        .and(query_param("name", "web app"))
        .and(has_header("content-type", "application/xml"))
        .and(body_string(CONFIG))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    jenkins.jobs().create(&job("app"), CONFIG).await.unwrap();
    jenkins
        .jobs()
        .create(&job("team/sub team/web app"), CONFIG)
        .await
        .unwrap();
}

#[tokio::test]
async fn create_reports_a_taken_name_with_the_status_and_body() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/createItem"))
        .respond_with(
            ResponseTemplate::new(400).set_body_string("A job already exists with the name ‘app’"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .jobs()
        .create(&job("app"), CONFIG)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.body().unwrap().text().contains("already exists"));
}

#[tokio::test]
async fn config_xml_is_read_and_updated() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/team/job/app/config.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(CONFIG, "application/xml"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/team/job/app/config.xml"))
        .and(has_header("content-type", "application/xml"))
        .and(body_string(CONFIG))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let app = job("team/app");
    assert_eq!(jenkins.jobs().config(&app).await.unwrap(), CONFIG);
    jenkins.jobs().update_config(&app, CONFIG).await.unwrap();
}

#[tokio::test]
async fn a_missing_config_is_not_found() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/ghost/config.xml"))
        .respond_with(ResponseTemplate::new(404).set_body_string("<html>Not Found</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .jobs()
        .config(&job("ghost"))
        .await
        .unwrap_err();
    assert!(err.is_not_found(), "{err:?}");
}

#[tokio::test]
async fn delete_enable_disable_and_scan_are_posts() {
    let server = guarded_server().await;
    for (endpoint, status) in [
        ("/job/f/job/app/doDelete", 302),
        ("/job/f/job/app/enable", 302),
        ("/job/f/job/app/disable", 302),
    ] {
        Mock::given(method("POST"))
            .and(path(endpoint))
            .respond_with(ResponseTemplate::new(status))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("POST"))
        .and(path("/job/f/job/multi/build"))
        .and(query_param("delay", "0"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let app = job("f/app");
    jenkins.jobs().delete(&app).await.unwrap();
    jenkins.jobs().enable(&app).await.unwrap();
    jenkins.jobs().disable(&app).await.unwrap();
    jenkins.jobs().scan(&job("f/multi")).await.unwrap();
}

#[tokio::test]
async fn copy_within_a_folder_by_name_and_across_by_full_name() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/f/createItem"))
        .and(query_param("name", "copy"))
        .and(query_param("mode", "copy"))
        .and(query_param("from", "app"))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/createItem"))
        .and(query_param("name", "top"))
        .and(query_param("mode", "copy"))
        .and(query_param("from", "/f/app"))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    jenkins
        .jobs()
        .copy(&job("f/app"), &job("f/copy"))
        .await
        .unwrap();
    jenkins
        .jobs()
        .copy(&job("f/app"), &job("top"))
        .await
        .unwrap();
}

#[tokio::test]
async fn rename_returns_the_new_path() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/f/job/app/doRename"))
        .and(query_param("newName", "app 2"))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    let renamed = client(&server)
        .jobs()
        .rename(&job("f/app"), "app 2")
        .await
        .unwrap();
    assert_eq!(renamed, job("f/app 2"));
    let err = client(&server)
        .jobs()
        .rename(&job("f/app"), "a/b")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidJobPath { .. }), "{err:?}");
}

#[tokio::test]
async fn folders_are_created_with_the_folder_mode() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/team/createItem"))
        .and(query_param("name", "new"))
        .and(query_param(
            "mode",
            "com.cloudbees.hudson.plugins.folder.Folder",
        ))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    client(&server)
        .jobs()
        .create_folder(&job("team/new"))
        .await
        .unwrap();
}
