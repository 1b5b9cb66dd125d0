//! Server-wide endpoints and views.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use jenkins_client::{JenkinsAuth, JenkinsClient, JobPath};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> JenkinsClient {
    direct(server, JenkinsAuth::api_token("ci", "tok"))
}

#[tokio::test]
async fn who_am_i_and_me() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/whoAmI/api/json"))
        .and(query_param(
            "tree",
            "_class,name,authenticated,anonymous,authorities",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "_class": "hudson.security.WhoAmI", "anonymous": false, "authenticated": true,
            "authorities": ["authenticated"], "name": "ci", "toString": "…"
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/me/api/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "_class": "hudson.model.User", "id": "ci", "fullName": "CI bot",
            "absoluteUrl": "http://jenkins.internal/user/ci"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let me = jenkins.server().who_am_i().await.unwrap();
    assert_eq!(me.name, "ci");
    assert_eq!(me.authenticated, Some(true));
    assert_eq!(
        me.authorities.as_deref(),
        Some(&["authenticated".to_owned()][..])
    );
    assert_eq!(me.extra["toString"], "…");
    let user = jenkins.server().me().await.unwrap();
    assert_eq!(user.full_name.as_deref(), Some("CI bot"));
}

#[tokio::test]
async fn info_version_and_plugins() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/api/json"))
        .and(query_param(
            "tree",
            "_class,mode,nodeName,nodeDescription,numExecutors,description,quietingDown,useSecurity,useCrumbs,slaveAgentPort,views[_class,name,url],primaryView[_class,name,url]",
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("x-jenkins", "2.462.3")
                .set_body_json(serde_json::json!({
                    "_class": "hudson.model.Hudson", "mode": "EXCLUSIVE", "numExecutors": 0,
                    "quietingDown": true, "views": [{"name": "all", "url": "http://j/"}]
                })),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/pluginManager/api/json"))
        .and(query_param(
            "tree",
            "_class,plugins[shortName,longName,version,active,enabled,hasUpdate,bundled,pinned,deleted,requiredCoreVersion,url,dependencies[shortName,version,optional]]",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "_class": "hudson.LocalPluginManager",
            "plugins": [
                {"shortName": "mesos", "longName": "Mesos Plugin", "version": "2.0",
                 "active": true, "enabled": true, "supportsDynamicLoad": "MAYBE"},
                {"shortName": "old", "version": "1.0", "active": false, "enabled": false,
                 "dependencies": [{"shortName": "x", "version": "1", "optional": true}]}
            ]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = client(&server);
    let info = jenkins.server().info().await.unwrap();
    assert_eq!(info.quieting_down, Some(true));
    assert_eq!(info.num_executors, Some(0));
    assert_eq!(jenkins.version().as_deref(), Some("2.462.3"));
    let plugins = jenkins.server().plugins().await.unwrap();
    assert_eq!(plugins.len(), 2);
    assert_eq!(plugins[0].short_name, "mesos");
    assert_eq!(plugins[0].version.as_deref(), Some("2.0"));
    assert_eq!(plugins[0].extra["supportsDynamicLoad"], "MAYBE");
    assert_eq!(plugins[1].active, Some(false));
    assert_eq!(
        plugins[1].dependencies.as_ref().unwrap()[0].optional,
        Some(true)
    );
}

#[tokio::test]
async fn quiet_down_and_cancel_are_posts_with_the_crumb() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("c", SESSION, "/"))
        .expect(1)
        .mount(&server)
        .await;
    for endpoint in ["/quietDown", "/cancelQuietDown"] {
        Mock::given(method("POST"))
            .and(path(endpoint))
            .and(wiremock::matchers::header("jenkins-crumb", "c"))
            .and(wiremock::matchers::header("cookie", SESSION))
            .respond_with(ResponseTemplate::new(302))
            .expect(1)
            .mount(&server)
            .await;
    }
    let jenkins = direct(&server, JenkinsAuth::password("admin", "pw"));
    jenkins.server().quiet_down().await.unwrap();
    jenkins.server().cancel_quiet_down().await.unwrap();
}

#[tokio::test]
async fn views_of_the_root_and_of_a_folder_with_their_jobs_paged() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/job/team/api/json"))
        .and(query_param(
            "tree",
            "_class,views[_class,name,url],primaryView[_class,name,url]",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "_class": "com.cloudbees.hudson.plugins.folder.Folder",
            "views": [{"_class": "hudson.model.AllView", "name": "All", "url": "http://j/job/team/"},
                      {"_class": "hudson.model.ListView", "name": "my view", "url": "http://j/job/team/view/my%20view/"}],
            "primaryView": {"_class": "hudson.model.AllView", "name": "All", "url": "http://j/job/team/"}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = |range: std::ops::Range<u32>| {
        let jobs: Vec<_> = range
            .map(|i| serde_json::json!({"name": format!("j{i}"), "color": "blue"}))
            .collect();
        serde_json::json!({"_class": "hudson.model.ListView", "name": "my view", "jobs": jobs})
    };
    for (start, range) in [(0, 0..100), (100, 100..101)] {
        Mock::given(method("GET"))
            .and(path("/job/team/view/my%20view/api/json"))
            .and(query_param(
                "tree",
                format!(
                    "_class,name,description,url,jobs[_class,name,fullName,url,color]{{{start},{}}}",
                    start + 100
                )
                .as_str(),
            ))
            .respond_with(ResponseTemplate::new(200).set_body_json(page(range)))
            .expect(1)
            .mount(&server)
            .await;
    }
    let jenkins = client(&server);
    let team = JobPath::parse("team").unwrap();
    let views = jenkins.views().list(Some(&team)).await.unwrap();
    assert_eq!(views.views.len(), 2);
    assert_eq!(views.primary_view.unwrap().name, "All");
    let jobs = jenkins.views().jobs(Some(&team), "my view").await.unwrap();
    assert_eq!(jobs.len(), 101);
    assert_eq!(jobs[100].name, "j100");
}
