//! Redirects followed by hand: where credentials go, and leader following.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use dcos_auth::http::{HeaderName, HeaderValue, header};
use dcos_auth::{Credentials, Error, Request};
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn host_port(server: &MockServer) -> String {
    server.address().to_string()
}

async fn redirect(
    server: &MockServer,
    verb: &str,
    from: &str,
    status: u16,
    location: &str,
    times: u64,
) {
    Mock::given(method(verb))
        .and(path(from))
        .respond_with(ResponseTemplate::new(status).insert_header("location", location))
        .expect(times)
        .mount(server)
        .await;
}

async fn ok(server: &MockServer, verb: &str, at: &str, times: u64) {
    Mock::given(method(verb))
        .and(path(at))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"at": at})))
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn a_redirect_to_a_foreign_host_carries_no_authorization() {
    let cluster_server = guarded_server().await;
    let foreign = guarded_server().await;
    let token = acs_token("alice", 3600, "t");
    redirect(
        &cluster_server,
        "GET",
        "/service/jenkins/artifact",
        302,
        &format!("{}/bucket/artifact.tgz", foreign.uri()),
        1,
    )
    .await;
    ok(&foreign, "GET", "/bucket/artifact.tgz", 1).await;
    let c = cluster(&cluster_server, Credentials::token(token.clone()));
    c.service("jenkins")
        .execute(Request::get(["artifact"]))
        .await
        .unwrap();
    assert_eq!(
        authorization_headers(&cluster_server).await,
        [Some(token_header(&token))]
    );
    assert_eq!(authorization_headers(&foreign).await, [None]);
}

#[tokio::test]
async fn an_allowed_master_gets_credentials_via_a_protocol_relative_location() {
    let m1 = guarded_server().await;
    let m2 = guarded_server().await;
    let token = acs_token("alice", 3600, "t");
    // Mesos masters answer 307 with `Location: //host:port/path`.
    redirect(
        &m1,
        "GET",
        "/master/state",
        307,
        &format!("//{}/master/state", host_port(&m2)),
        1,
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/master/state"))
        .and(header("authorization", token_header(&token).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"leader": "m2"})))
        .expect(1)
        .mount(&m2)
        .await;
    let c = builder(&m1, Credentials::token(token))
        .allow_host(host_port(&m2))
        .build()
        .unwrap();
    let state: serde_json::Value = c.root().get_json(["master", "state"]).await.unwrap();
    assert_eq!(state["leader"], "m2");
}

#[tokio::test]
async fn a_core_can_remember_the_leader() {
    let m1 = guarded_server().await;
    let m2 = guarded_server().await;
    redirect(
        &m1,
        "GET",
        "/master/state",
        307,
        &format!("//{}/master/state", host_port(&m2)),
        1,
    )
    .await;
    ok(&m2, "GET", "/master/state", 1).await;
    ok(&m2, "GET", "/master/flags", 1).await;
    let core = cluster(&m1, Credentials::None).root().remember_leader();
    assert_eq!(core.leader(), None);
    core.execute(Request::get(["master", "state"]))
        .await
        .unwrap();
    let leader = core.leader().expect("the redirect target is remembered");
    assert_eq!(leader.port(), Some(m2.address().port()));
    // Later calls, on clones too, go straight to the leader.
    core.clone()
        .execute(Request::get(["master", "flags"]))
        .await
        .unwrap();
}

#[tokio::test]
async fn a_redirect_to_another_path_is_not_taken_for_a_leader() {
    let m1 = guarded_server().await;
    let store = guarded_server().await;
    redirect(
        &m1,
        "GET",
        "/files/download",
        302,
        &format!("{}/bucket/sandbox.tgz", store.uri()),
        1,
    )
    .await;
    ok(&store, "GET", "/bucket/sandbox.tgz", 1).await;
    let core = cluster(&m1, Credentials::None).root().remember_leader();
    core.execute(Request::get(["files", "download"]))
        .await
        .unwrap();
    assert_eq!(core.leader(), None);
}

#[tokio::test]
async fn without_opting_in_the_leader_is_not_remembered() {
    let m1 = guarded_server().await;
    let m2 = guarded_server().await;
    redirect(
        &m1,
        "GET",
        "/master/state",
        307,
        &format!("//{}/master/state", host_port(&m2)),
        2,
    )
    .await;
    ok(&m2, "GET", "/master/state", 2).await;
    let core = cluster(&m1, Credentials::None).root();
    for _ in 0..2 {
        core.execute(Request::get(["master", "state"]))
            .await
            .unwrap();
    }
    assert_eq!(core.leader(), None);
}

#[tokio::test]
async fn a_307_replays_a_post_with_its_body() {
    let standby = guarded_server().await;
    let leader = guarded_server().await;
    redirect(
        &standby,
        "POST",
        "/v2/apps",
        307,
        &format!("{}/v2/apps", leader.uri()),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/v2/apps"))
        .and(body_json(serde_json::json!({"id": "/web", "instances": 0})))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"id": "/web"})))
        .expect(1)
        .mount(&leader)
        .await;
    let core = cluster(&standby, Credentials::None).root();
    let response = core
        .execute(
            Request::post(["v2", "apps"])
                .json(&serde_json::json!({"id": "/web", "instances": 0}))
                .unwrap(),
        )
        .await
        .unwrap();
    assert_eq!(response.status.as_u16(), 201);
    assert_eq!(response.url.port(), Some(leader.address().port()));
}

#[tokio::test]
async fn a_login_is_never_redirected_to_a_foreign_host() {
    let cluster_server = guarded_server().await;
    let foreign = guarded_server().await;
    redirect(
        &cluster_server,
        "POST",
        LOGIN,
        307,
        &format!("{}{LOGIN}", foreign.uri()),
        1,
    )
    .await;
    let c = cluster(&cluster_server, Credentials::login("alice", "pa55word"));
    let err = c.root().execute(Request::get(["x"])).await.unwrap_err();
    assert!(matches!(err, Error::RedirectNotAllowed { .. }), "{err:?}");
    assert!(
        foreign.received_requests().await.unwrap().is_empty(),
        "the password must not reach the foreign host"
    );
}

#[tokio::test]
async fn cookies_and_sensitive_headers_stay_with_the_cluster() {
    let cluster_server = guarded_server().await;
    let foreign = guarded_server().await;
    redirect(
        &cluster_server,
        "GET",
        "/job/x/artifact",
        302,
        &format!("{}/store/artifact", foreign.uri()),
        1,
    )
    .await;
    ok(&foreign, "GET", "/store/artifact", 1).await;
    let mut crumb = HeaderValue::from_static("crumb-secret");
    crumb.set_sensitive(true);
    let request = Request::get(["job", "x", "artifact"])
        .header(
            header::COOKIE,
            HeaderValue::from_static("JSESSIONID=session-secret"),
        )
        .header(HeaderName::from_static("jenkins-crumb"), crumb)
        .header(
            header::ACCEPT,
            HeaderValue::from_static("application/octet-stream"),
        );
    cluster(&cluster_server, Credentials::None)
        .root()
        .execute(request)
        .await
        .unwrap();
    let at_cluster = &cluster_server.received_requests().await.unwrap()[0];
    assert_eq!(at_cluster.headers["cookie"], "JSESSIONID=session-secret");
    assert_eq!(at_cluster.headers["jenkins-crumb"], "crumb-secret");
    let abroad = &foreign.received_requests().await.unwrap()[0];
    assert!(abroad.headers.get("cookie").is_none());
    assert!(abroad.headers.get("jenkins-crumb").is_none());
    assert_eq!(abroad.headers["accept"], "application/octet-stream");
}

#[tokio::test]
async fn a_failing_redirect_target_is_not_remembered_as_leader() {
    let m1 = guarded_server().await;
    let m2 = guarded_server().await;
    redirect(
        &m1,
        "GET",
        "/master/state",
        307,
        &format!("//{}/master/state", host_port(&m2)),
        1,
    )
    .await;
    Mock::given(method("GET"))
        .and(path("/master/state"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&m2)
        .await;
    let core = builder(&m1, Credentials::None)
        .retry(dcos_auth::RetryPolicy::never())
        .build()
        .unwrap()
        .root()
        .remember_leader();
    assert!(
        core.execute(Request::get(["master", "state"]))
            .await
            .is_err()
    );
    assert_eq!(core.leader(), None);
}

#[tokio::test]
async fn a_302_for_a_post_is_returned_not_followed() {
    let server = guarded_server().await;
    redirect(&server, "POST", "/v2/apps", 302, "/elsewhere", 1).await;
    let core = cluster(&server, Credentials::None).root();
    let response = core.send(Request::post(["v2", "apps"])).await.unwrap();
    assert_eq!(response.status.as_u16(), 302);
    assert_eq!(response.header("location"), Some("/elsewhere"));
}

#[tokio::test]
async fn a_request_can_opt_out_of_following_redirects() {
    let m1 = guarded_server().await;
    let m2 = guarded_server().await;
    let location = format!("//{}/master/redirect", host_port(&m2));
    redirect(&m1, "GET", "/master/redirect", 307, &location, 1).await;
    let core = cluster(&m1, Credentials::None).root().remember_leader();
    let request = Request::get(["master", "redirect"]).follow_redirects(false);
    let response = core.send(request).await.unwrap();
    assert_eq!(response.status.as_u16(), 307);
    assert_eq!(response.header("location"), Some(location.as_str()));
    assert_eq!(
        response.url.as_str(),
        format!("{}/master/redirect", m1.uri())
    );
    assert_eq!(core.leader(), None);
    assert!(m2.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn redirect_loops_end_with_too_many_redirects() {
    let server = guarded_server().await;
    redirect(&server, "GET", "/loop", 307, "/loop", 4).await;
    let core = builder(&server, Credentials::None)
        .max_redirects(3)
        .build()
        .unwrap()
        .root();
    let err = core.execute(Request::get(["loop"])).await.unwrap_err();
    assert!(
        matches!(err, Error::TooManyRedirects { max: 3, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_redirect_off_http_is_refused() {
    let server = guarded_server().await;
    redirect(&server, "GET", "/x", 307, "file:///etc/passwd", 1).await;
    let core = cluster(&server, Credentials::None).root();
    let err = core.execute(Request::get(["x"])).await.unwrap_err();
    assert!(
        matches!(&err, Error::RedirectNotAllowed { location, .. } if location == "file:///etc/passwd"),
        "{err:?}"
    );
}
