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
    assert!(matches!(err, Error::AlreadyExists { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert!(err.body().unwrap().text().contains("already exists"));
}

#[tokio::test]
async fn a_bad_config_is_a_plain_400() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/createItem"))
        .respond_with(ResponseTemplate::new(400).set_body_string("Failed to parse XML"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .jobs()
        .create(&job("app"), "<nope")
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Http(_)), "{err:?}");
}

#[tokio::test]
async fn upsert_creates_updates_or_leaves_alone() {
    let server = guarded_server().await;
    // `new`: absent, created.
    Mock::given(method("GET"))
        .and(path("/job/new/config.xml"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/createItem"))
        .and(query_param("name", "new"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    // `old`: another config, replaced.
    Mock::given(method("GET"))
        .and(path("/job/old/config.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<project/>"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/old/config.xml"))
        .and(body_string(CONFIG))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    // `same`: the same config, nothing sent.
    Mock::given(method("GET"))
        .and(path("/job/same/config.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_string(CONFIG))
        .expect(1)
        .mount(&server)
        .await;
    // `hidden`: 404 to read, but the name is taken.
    Mock::given(method("GET"))
        .and(path("/job/hidden/config.xml"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/createItem"))
        .and(query_param("name", "hidden"))
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_string("A job already exists with the name ‘hidden’"),
        )
        .expect(1)
        .mount(&server)
        .await;
    use jenkins_client::Upsert;
    let jenkins = client(&server);
    assert_eq!(
        jenkins.jobs().upsert(&job("new"), CONFIG).await.unwrap(),
        Upsert::Created
    );
    assert_eq!(
        jenkins.jobs().upsert(&job("old"), CONFIG).await.unwrap(),
        Upsert::Updated
    );
    assert_eq!(
        jenkins.jobs().upsert(&job("same"), CONFIG).await.unwrap(),
        Upsert::Unchanged
    );
    let err = jenkins
        .jobs()
        .upsert(&job("hidden"), CONFIG)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::AlreadyExists { path, .. } if path == "hidden"),
        "{err:?}"
    );
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
async fn rename_uses_confirm_rename_and_returns_the_new_path() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/f/job/app/confirmRename"))
        .and(query_param("newName", "app 2"))
        .respond_with(ResponseTemplate::new(302).insert_header("location", "../app%202"))
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
async fn rename_falls_back_to_do_rename_on_old_servers() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/confirmRename"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/doRename"))
        .and(query_param("newName", "web"))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    let renamed = client(&server)
        .jobs()
        .rename(&job("app"), "web")
        .await
        .unwrap();
    assert_eq!(renamed, job("web"));
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

fn summaries(range: std::ops::Range<u32>) -> serde_json::Value {
    let jobs: Vec<_> = range
        .map(|i| {
            serde_json::json!({
                "_class": "org.jenkinsci.plugins.workflow.job.WorkflowJob",
                "name": format!("job-{i}"),
                "fullName": format!("team/job-{i}"),
                "url": format!("http://jenkins.marathon.mesos:10104/service/jenkins/job/team/job/job-{i}/"),
                "color": "blue",
            })
        })
        .collect();
    serde_json::json!({"_class": "com.cloudbees.hudson.plugins.folder.Folder", "jobs": jobs})
}

#[tokio::test]
async fn list_pages_with_ranges_until_a_short_page() {
    let server = guarded_server().await;
    let tree = |start: u32| {
        format!(
            "_class,jobs[_class,name,fullName,url,color]{{{start},{}}}",
            start + 100
        )
    };
    for (start, jobs) in [(0, 0..100), (100, 100..200), (200, 200..230)] {
        Mock::given(method("GET"))
            .and(path("/job/team/api/json"))
            .and(query_param("tree", tree(start).as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(summaries(jobs)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let jenkins = client(&server);
    let jobs = jenkins.jobs().list(Some(&job("team"))).await.unwrap();
    assert_eq!(jobs.len(), 230);
    assert_eq!(jobs[229].name, "job-229");
    assert_eq!(
        jobs[0].kind(),
        Some(jenkins_client::models::JobKind::WorkflowJob)
    );
    let url = jenkins.rebase(jobs[0].url.as_deref().unwrap()).unwrap();
    assert_eq!(
        url.url.as_str(),
        format!("{}/job/team/job/job-0/", server.uri())
    );
}

#[tokio::test]
async fn list_stops_when_the_server_ignores_ranges() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(summaries(0..100)))
        .expect(2)
        .mount(&server)
        .await;
    let jobs = client(&server).jobs().list(None).await.unwrap();
    assert_eq!(jobs.len(), 100, "the repeated page is not appended");
}

#[tokio::test]
async fn get_sorts_jobs_by_class_with_a_bounded_tree() {
    let server = guarded_server().await;
    let tree = jenkins_client::job_tree().to_string();
    assert!(tree.contains(
        "builds[_class,number,url,displayName,building,result,timestamp,queueId]{0,100}"
    ));
    assert!(tree.contains("jobs[_class,name,fullName,url,color]{0,100}"));
    assert!(!tree.contains("depth"));
    let cases = [
        ("free", "hudson.model.FreeStyleProject"),
        ("pipe", "org.jenkinsci.plugins.workflow.job.WorkflowJob"),
        ("fold", "com.cloudbees.hudson.plugins.folder.Folder"),
        (
            "multi",
            "org.jenkinsci.plugins.workflow.multibranch.WorkflowMultiBranchProject",
        ),
        ("matrix", "hudson.matrix.MatrixProject"),
    ];
    for (name, class) in cases {
        Mock::given(method("GET"))
            .and(path(format!("/job/{name}/api/json").as_str()))
            .and(query_param("tree", tree.as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
                "_class": class, "name": name, "fullName": name,
                "color": "notbuilt", "nextBuildNumber": 1, "builds": [],
                "lastBuild": null,
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    let jenkins = client(&server);
    use jenkins_client::models::Job;
    let mut kinds = Vec::new();
    for (name, _) in cases {
        let got = jenkins.jobs().get(&job(name)).await.unwrap();
        assert_eq!(got.info().name, name);
        assert_eq!(got.info().last_build, None);
        kinds.push(match got {
            Job::FreeStyle(_) => "freestyle",
            Job::Workflow(_) => "workflow",
            Job::Folder(_) => "folder",
            Job::MultiBranch(_) => "multibranch",
            Job::Unknown(_) => "unknown",
            _ => "other",
        });
    }
    assert_eq!(
        kinds,
        ["freestyle", "workflow", "folder", "multibranch", "unknown"]
    );
}

#[tokio::test]
async fn get_opt_and_exists_read_404_as_absent_or_hidden() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/ghost/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/there/api/json"))
        .and(query_param("tree", "_class"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"_class": "hudson.model.FreeStyleProject"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/job/secret/api/json"))
        .respond_with(ResponseTemplate::new(403))
        .expect(1)
        .mount(&server)
        .await;
    let jobs = client(&server);
    assert_eq!(jobs.jobs().get_opt(&job("ghost")).await.unwrap(), None);
    assert!(!jobs.jobs().exists(&job("ghost")).await.unwrap());
    assert!(jobs.jobs().exists(&job("there")).await.unwrap());
    let err = jobs.jobs().exists(&job("secret")).await.unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}

#[tokio::test]
async fn a_payload_that_is_not_a_job_names_the_field() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/odd/api/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"name": "odd", "nextBuildNumber": "x"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).jobs().get(&job("odd")).await.unwrap_err();
    assert!(err.to_string().contains("nextBuildNumber"), "{err}");
}

#[tokio::test]
async fn ensure_folders_creates_the_missing_ones_top_down() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/team/api/json"))
        .and(query_param("tree", "_class"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            serde_json::json!({"_class": "com.cloudbees.hudson.plugins.folder.Folder"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    for missing in [
        "/job/team/job/apps/api/json",
        "/job/team/job/apps/job/web/api/json",
    ] {
        Mock::given(method("GET"))
            .and(path(missing))
            .respond_with(ResponseTemplate::new(404))
            .expect(1)
            .mount(&server)
            .await;
    }
    for (parent, name) in [
        ("/job/team/createItem", "apps"),
        ("/job/team/job/apps/createItem", "web"),
    ] {
        Mock::given(method("POST"))
            .and(path(parent))
            .and(query_param("name", name))
            .and(query_param(
                "mode",
                "com.cloudbees.hudson.plugins.folder.Folder",
            ))
            .respond_with(ResponseTemplate::new(302))
            .expect(1)
            .mount(&server)
            .await;
    }
    let created = client(&server)
        .jobs()
        .ensure_folders(&job("team/apps/web"))
        .await
        .unwrap();
    assert_eq!(created, 2);
    let order: Vec<String> = requests(&server).await;
    assert_eq!(
        order,
        [
            "GET /job/team/api/json",
            "GET /job/team/job/apps/api/json",
            "POST /job/team/createItem",
            "GET /job/team/job/apps/job/web/api/json",
            "POST /job/team/job/apps/createItem",
        ]
    );
}

#[tokio::test]
async fn apply_compares_the_managed_fields_only() {
    use jenkins_client::Upsert;
    use jenkins_client::config_xml::{JobConfig, PipelineConfig};
    let server = guarded_server().await;
    let desired =
        JobConfig::from(PipelineConfig::script("node('linux') { sh 'make' }").description("v1"));
    let xml = desired.to_xml().unwrap();
    // `same`: the server's copy, reformatted: unchanged, nothing posted.
    Mock::given(method("GET"))
        .and(path("/job/same/config.xml"))
        .respond_with(ResponseTemplate::new(200).set_body_string(xml.replace("  ", "\t")))
        .expect(1)
        .mount(&server)
        .await;
    // `drift`: another description: updated with our XML.
    Mock::given(method("GET"))
        .and(path("/job/drift/config.xml"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(xml.replace("v1", "edited by hand")),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/drift/config.xml"))
        .and(body_string(xml.as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    // `fresh`: absent: created from our XML.
    Mock::given(method("GET"))
        .and(path("/job/fresh/config.xml"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/createItem"))
        .and(query_param("name", "fresh"))
        .and(body_string(xml.as_str()))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    assert_eq!(
        jenkins.jobs().apply(&job("same"), &desired).await.unwrap(),
        Upsert::Unchanged
    );
    assert_eq!(
        jenkins.jobs().apply(&job("drift"), &desired).await.unwrap(),
        Upsert::Updated
    );
    assert_eq!(
        jenkins.jobs().apply(&job("fresh"), &desired).await.unwrap(),
        Upsert::Created
    );
}
