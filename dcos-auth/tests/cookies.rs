//! The opt-in cookie store: kept per core, sent only to the host that set it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::*;
use dcos_auth::{Credentials, Request};
use wiremock::matchers::{header as has_header, method, path};
use wiremock::{Mock, ResponseTemplate};

const SESSION: &str = "JSESSIONID.1a2b3c=node0hush1";

fn cookie_headers(requests: &[wiremock::Request]) -> Vec<Option<String>> {
    requests
        .iter()
        .map(|r| {
            r.headers
                .get("cookie")
                .map(|v| v.to_str().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn a_core_with_a_store_sends_the_session_back_on_the_prefix() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/service/jenkins/crumbIssuer/api/json"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header(
                    "set-cookie",
                    format!("{SESSION}; Path=/service/jenkins/; HttpOnly").as_str(),
                )
                .set_body_json(
                    serde_json::json!({"crumb": "c", "crumbRequestField": "Jenkins-Crumb"}),
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/service/jenkins/job/x/build"))
        .and(has_header("cookie", SESSION))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/service/marathon/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(2)
        .mount(&server)
        .await;

    let cluster = cluster(&server, Credentials::token("tok"));
    let jenkins = cluster.service("jenkins").with_cookie_store();
    let marathon = cluster.service("marathon");
    assert!(jenkins.has_cookie_store() && !marathon.has_cookie_store());

    jenkins
        .execute(Request::get(["crumbIssuer", "api", "json"]))
        .await
        .unwrap();
    assert_eq!(jenkins.cookie_names(), ["JSESSIONID.1a2b3c"]);
    // A clone shares the store.
    jenkins
        .clone()
        .execute(Request::post(["job", "x", "build"]))
        .await
        .unwrap();
    // Another core of the same cluster, with or without its own store, never
    // sees the session.
    let _: serde_json::Value = marathon.get_json(["v2", "info"]).await.unwrap();
    let other = cluster.service("marathon").with_cookie_store();
    let _: serde_json::Value = other.get_json(["v2", "info"]).await.unwrap();

    let requests = server.received_requests().await.unwrap();
    assert_eq!(
        cookie_headers(&requests),
        [None, Some(SESSION.to_owned()), None, None]
    );
    let shown = format!("{jenkins:?}");
    assert!(!shown.contains("node0hush1"), "{shown}");
    assert!(shown.contains("CookieJar { cookies: 1 }"), "{shown}");

    jenkins.clear_cookies();
    assert!(jenkins.cookie_names().is_empty());
}

#[tokio::test]
async fn cookies_stay_away_from_other_hosts_after_a_redirect() {
    let cluster_server = guarded_server().await;
    let elsewhere = guarded_server().await;
    // The other server is on another port, so it is another host for
    // credentials and cookies alike.
    Mock::given(method("GET"))
        .and(path("/login"))
        .respond_with(ResponseTemplate::new(200).insert_header("set-cookie", "s=ours; Path=/"))
        .expect(1)
        .mount(&cluster_server)
        .await;
    Mock::given(method("GET"))
        .and(path("/artifact"))
        .respond_with(
            ResponseTemplate::new(302)
                .insert_header("location", format!("{}/blob", elsewhere.uri()).as_str()),
        )
        .expect(1)
        .mount(&cluster_server)
        .await;
    Mock::given(method("GET"))
        .and(path("/blob"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("set-cookie", "tracker=theirs; Path=/")
                .set_body_string("bytes"),
        )
        .expect(1)
        .mount(&elsewhere)
        .await;
    Mock::given(method("GET"))
        .and(path("/again"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&cluster_server)
        .await;

    let core = cluster(&cluster_server, Credentials::basic("u", "p"))
        .root()
        .with_cookie_store();
    core.execute(Request::get(["login"])).await.unwrap();
    let blob = core.execute(Request::get(["artifact"])).await.unwrap();
    assert_eq!(&blob.body[..], b"bytes");
    core.execute(Request::get(["again"])).await.unwrap();

    assert_eq!(
        cookie_headers(&elsewhere.received_requests().await.unwrap()),
        [None],
        "the foreign host gets no cookie"
    );
    assert_eq!(core.cookie_names(), ["s"], "nor is its cookie kept");
    assert_eq!(
        cookie_headers(&cluster_server.received_requests().await.unwrap()),
        [None, Some("s=ours".to_owned()), Some("s=ours".to_owned())]
    );
}

#[tokio::test]
async fn without_a_store_no_cookie_is_kept_and_a_callers_cookie_is_merged() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/a"))
        .respond_with(ResponseTemplate::new(200).insert_header("set-cookie", "s=1; Path=/"))
        .expect(3)
        .mount(&server)
        .await;
    let plain = cluster(&server, Credentials::None).root();
    plain.execute(Request::get(["a"])).await.unwrap();
    plain.execute(Request::get(["a"])).await.unwrap();
    assert!(plain.cookie_names().is_empty());

    let with_store = cluster(&server, Credentials::None)
        .root()
        .with_cookie_store();
    with_store.execute(Request::get(["a"])).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    assert_eq!(cookie_headers(&requests), [None, None, None]);
    // A caller's own Cookie header comes first, then the store's, on one line.
    Mock::given(method("GET"))
        .and(path("/b"))
        .and(has_header("cookie", "mine=2; s=1"))
        .respond_with(ResponseTemplate::new(200))
        .expect(1)
        .mount(&server)
        .await;
    let own = Request::get(["b"]).header(
        dcos_auth::http::header::COOKIE,
        dcos_auth::http::HeaderValue::from_static("mine=2"),
    );
    with_store.execute(own).await.unwrap();
}
