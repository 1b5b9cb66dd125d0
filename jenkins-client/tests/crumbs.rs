//! CSRF crumbs and the session cookie, in both connection modes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use jenkins_client::{CrumbPolicy, Error, JenkinsAuth, JenkinsClient, JobPath};
use wiremock::matchers::{header as has_header, method, path};
use wiremock::{Mock, ResponseTemplate};

const NO_CRUMB_PAGE: &str = "<html><head><title>Error 403 No valid crumb was included in the request</title></head><body><h2>HTTP ERROR 403 No valid crumb was included in the request</h2></body></html>";

fn no_crumb_header(request: &wiremock::Request) -> bool {
    !request.headers.contains_key("jenkins-crumb")
}

#[tokio::test]
async fn password_auth_pairs_the_crumb_with_the_session_cookie() {
    let server = guarded_server().await;
    let basic = "Basic YWxpY2U6czNjcmV0"; // alice:s3cret
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .and(has_header("authorization", basic))
        .respond_with(crumb_response("c0ffee", SESSION, "/"))
        .expect(1)
        .mount(&server)
        .await;
    for action in ["disable", "enable"] {
        Mock::given(method("POST"))
            .and(path(format!("/job/app/{action}").as_str()))
            .and(has_header("jenkins-crumb", "c0ffee"))
            .and(has_header("cookie", SESSION))
            .and(has_header("authorization", basic))
            .respond_with(
                ResponseTemplate::new(302)
                    .insert_header("location", "http://jenkins.internal/job/app/"),
            )
            .expect(1)
            .mount(&server)
            .await;
    }
    let jenkins = direct(&server, JenkinsAuth::password("alice", "s3cret"));
    assert_eq!(jenkins.crumb_policy(), CrumbPolicy::Fetch);
    let app = JobPath::parse("app").unwrap();
    jenkins.jobs().disable(&app).await.unwrap();
    // A clone shares the session and the crumb: no second fetch.
    jenkins.clone().jobs().enable(&app).await.unwrap();
    assert_eq!(jenkins.version().as_deref(), Some("2.452.3"));
    assert_eq!(jenkins.core().cookie_names(), ["JSESSIONID.4f3e2d1c"]);
    let shown = format!("{jenkins:?}");
    for secret in ["s3cret", "node01abc", "c0ffee"] {
        assert!(!shown.contains(secret), "{secret} in {shown}");
    }
}

#[tokio::test]
async fn a_rejected_crumb_renews_the_session_and_retries_once() {
    let server = guarded_server().await;
    // The first session and crumb, then a new pair once the client comes back
    // without a cookie.
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("old", "JSESSIONID.aa=first", "/"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .and(|r: &wiremock::Request| !r.headers.contains_key("cookie"))
        .respond_with(crumb_response("new", "JSESSIONID.aa=second", "/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/disable"))
        .and(has_header("jenkins-crumb", "old"))
        .and(has_header("cookie", "JSESSIONID.aa=first"))
        .respond_with(ResponseTemplate::new(403).set_body_string(NO_CRUMB_PAGE))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/disable"))
        .and(has_header("jenkins-crumb", "new"))
        .and(has_header("cookie", "JSESSIONID.aa=second"))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::password("alice", "pw"));
    jenkins
        .jobs()
        .disable(&JobPath::parse("app").unwrap())
        .await
        .unwrap();
    assert_eq!(
        requests(&server).await,
        [
            "GET /crumbIssuer/api/json",
            "POST /job/app/disable",
            "GET /crumbIssuer/api/json",
            "POST /job/app/disable",
        ]
    );
}

#[tokio::test]
async fn a_crumb_rejected_twice_is_crumb_rejected() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("c", SESSION, "/"))
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/doDelete"))
        .respond_with(ResponseTemplate::new(403).set_body_string(NO_CRUMB_PAGE))
        .expect(2)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::password("alice", "pw"));
    let err = jenkins
        .jobs()
        .delete(&JobPath::parse("app").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::CrumbRejected { .. }), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert!(err.body().unwrap().text().contains("No valid crumb"));
}

#[tokio::test]
async fn a_permission_403_is_not_retried() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("c", SESSION, "/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/doDelete"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string("<html>alice is missing the Job/Delete permission</html>"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::password("alice", "pw"));
    let err = jenkins
        .jobs()
        .delete(&JobPath::parse("app").unwrap())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Forbidden { .. }), "{err:?}");
}

#[tokio::test]
async fn a_404_from_the_crumb_issuer_means_csrf_is_off() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/enable"))
        .and(no_crumb_header)
        .respond_with(ResponseTemplate::new(302))
        .expect(2)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::Anonymous);
    let app = JobPath::parse("app").unwrap();
    jenkins.jobs().enable(&app).await.unwrap();
    jenkins.jobs().enable(&app).await.unwrap();
}

#[tokio::test]
async fn api_token_auth_fetches_no_crumb() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/enable"))
        .and(has_header("authorization", "Basic Y2k6MTFhYTIyYmI=")) // ci:11aa22bb
        .and(no_crumb_header)
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::api_token("ci", "11aa22bb"));
    assert_eq!(jenkins.crumb_policy(), CrumbPolicy::Skip);
    jenkins
        .jobs()
        .enable(&JobPath::parse("app").unwrap())
        .await
        .unwrap();
    assert_eq!(requests(&server).await, ["POST /job/app/enable"]);
}

#[tokio::test]
async fn an_api_token_that_still_needs_a_crumb_gets_one() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/app/enable"))
        .and(no_crumb_header)
        .respond_with(ResponseTemplate::new(403).set_body_string(NO_CRUMB_PAGE))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("c", SESSION, "/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/enable"))
        .and(has_header("jenkins-crumb", "c"))
        .and(has_header("cookie", SESSION))
        .respond_with(ResponseTemplate::new(302))
        .expect(2)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::api_token("ci", "not-really-a-token"));
    let app = JobPath::parse("app").unwrap();
    jenkins.jobs().enable(&app).await.unwrap();
    // From then on the crumb is sent at once.
    jenkins.jobs().enable(&app).await.unwrap();
}

#[tokio::test]
async fn admin_router_mode_keeps_the_prefix_and_sends_the_dcos_token() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/service/jenkins/crumbIssuer/api/json"))
        .and(has_header("authorization", "token=dcos-tok"))
        .respond_with(crumb_response("c", SESSION, "/service/jenkins/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/service/jenkins/job/team/job/app/enable"))
        .and(has_header("authorization", "token=dcos-tok"))
        .and(has_header("jenkins-crumb", "c"))
        .and(has_header("cookie", SESSION))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = admin_router(&server);
    assert_eq!(jenkins.base().path(), "/service/jenkins/");
    assert_eq!(jenkins.crumb_policy(), CrumbPolicy::Fetch);
    jenkins
        .jobs()
        .enable(&JobPath::parse("team/app").unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn direct_mode_keeps_a_path_prefix() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/ci/jenkins/job/app/disable"))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = JenkinsClient::direct_from(
        builder(&server, "/ci/jenkins"),
        JenkinsAuth::api_token("ci", "t"),
    )
    .unwrap();
    assert_eq!(jenkins.base().path(), "/ci/jenkins/");
    jenkins
        .jobs()
        .disable(&JobPath::parse("app").unwrap())
        .await
        .unwrap();
}

#[tokio::test]
async fn folders_unicode_and_branch_names_are_escaped_per_segment() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path(
            "/service/jenkins/job/%C3%A9quipe/job/my%20app/job/feature%252Fx/disable",
        ))
        .respond_with(ResponseTemplate::new(302))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/service/jenkins/crumbIssuer/api/json"))
        .respond_with(ResponseTemplate::new(404))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = admin_router(&server);
    let branch = JobPath::parse("équipe/my app")
        .unwrap()
        .child(&jenkins_client::branch_name("feature/x"))
        .unwrap();
    assert_eq!(branch.to_string(), "équipe/my app/feature%2Fx");
    jenkins.jobs().disable(&branch).await.unwrap();
}

#[tokio::test]
async fn the_version_comes_from_x_jenkins() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/api/json"))
        .and(wiremock::matchers::query_param("tree", "mode"))
        .respond_with(
            ResponseTemplate::new(403)
                .insert_header("x-jenkins", "2.479.1")
                .set_body_string("<html>Authentication required</html>"),
        )
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::Anonymous);
    assert_eq!(jenkins.version(), None);
    assert_eq!(jenkins.fetch_version().await.unwrap(), "2.479.1");
    assert_eq!(jenkins.version().as_deref(), Some("2.479.1"));
}

#[tokio::test]
async fn payload_urls_are_rebased_onto_the_client() {
    let server = guarded_server().await;
    let jenkins = admin_router(&server);
    let rebased = jenkins
        .rebase("http://jenkins.marathon.mesos:10104/service/jenkins/job/app/7/")
        .unwrap();
    assert_eq!(
        rebased.url.as_str(),
        format!("{}/service/jenkins/job/app/7/", server.uri())
    );
}

#[tokio::test]
async fn concurrent_posts_share_one_crumb_fetch() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(
            crumb_response("c", SESSION, "/").set_delay(std::time::Duration::from_millis(100)),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/enable"))
        .and(has_header("jenkins-crumb", "c"))
        .and(has_header("cookie", SESSION))
        .respond_with(ResponseTemplate::new(302))
        .expect(8)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::password("alice", "pw"));
    let app = JobPath::parse("app").unwrap();
    let posts = (0..8).map(|_| {
        let jenkins = jenkins.clone();
        let app = app.clone();
        tokio::spawn(async move { jenkins.jobs().enable(&app).await })
    });
    for post in posts.collect::<Vec<_>>() {
        post.await.unwrap().unwrap();
    }
}

#[tokio::test]
async fn concurrent_rejections_renew_the_session_once() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("old", "JSESSIONID.aa=first", "/"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/crumbIssuer/api/json"))
        .respond_with(crumb_response("new", "JSESSIONID.aa=second", "/"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/enable"))
        .and(has_header("jenkins-crumb", "old"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(NO_CRUMB_PAGE)
                .set_delay(std::time::Duration::from_millis(100)),
        )
        .expect(4)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/job/app/enable"))
        .and(has_header("jenkins-crumb", "new"))
        .and(has_header("cookie", "JSESSIONID.aa=second"))
        .respond_with(ResponseTemplate::new(302))
        .expect(4)
        .mount(&server)
        .await;
    let jenkins = direct(&server, JenkinsAuth::password("alice", "pw"));
    // All four wait for the one first fetch, all four are rejected, and one
    // of them renews the session; the others retry with the new crumb.
    let app = JobPath::parse("app").unwrap();
    let posts: Vec<_> = (0..4)
        .map(|_| {
            let jenkins = jenkins.clone();
            let app = app.clone();
            tokio::spawn(async move { jenkins.jobs().enable(&app).await })
        })
        .collect();
    for post in posts {
        post.await.unwrap().unwrap();
    }
    assert_eq!(jenkins.core().cookie_names(), ["JSESSIONID.aa"]);
}
