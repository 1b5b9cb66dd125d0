//! The core's request shape, error mapping, streams and secret hygiene.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use dcos_auth::http::{HeaderValue, header};
use dcos_auth::{
    AuthError, Cluster, Credentials, Error, ErrorBody, HttpCore, Request, ServiceAccount,
};
use futures_util::StreamExt;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use wiremock::matchers::{header as has_header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

#[tokio::test]
async fn the_base_path_is_kept_and_segments_are_encoded() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/service/jenkins/job/a%20b/api/json"))
        .and(query_param("tree", "jobs[name]"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"jobs": []})))
        .expect(1)
        .mount(&server)
        .await;
    let jenkins = cluster(&server, Credentials::None).service("jenkins");
    let response = jenkins
        .execute(Request::get(["job", "a b", "api", "json"]).query("tree", "jobs[name]"))
        .await
        .unwrap();
    assert_eq!(
        response.url.path(),
        "/service/jenkins/job/a%20b/api/json",
        "the /service/jenkins prefix must survive"
    );
}

#[tokio::test]
async fn direct_cores_serve_plain_services() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/jenkins/api/json"))
        .and(has_header("authorization", "Basic Y2k6dG9rZW4="))
        .and(has_header("accept", "application/json"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"mode": "NORMAL"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let core = HttpCore::direct(
        &format!("{}/jenkins", server.uri()),
        Credentials::basic("ci", "token"),
    )
    .unwrap();
    assert_eq!(core.base().path(), "/jenkins/");
    let v: serde_json::Value = core.get_json(["api", "json"]).await.unwrap();
    assert_eq!(v["mode"], "NORMAL");
}

#[tokio::test]
async fn a_non_json_error_body_keeps_status_and_text() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/service/marathon/v2/apps"))
        .respond_with(ResponseTemplate::new(502).set_body_raw(
            "<html><body>502 Bad Gateway (nginx)</body></html>",
            "text/html",
        ))
        .expect(4)
        .mount(&server)
        .await;
    let err = cluster(&server, Credentials::None)
        .service("marathon")
        .get_json::<serde_json::Value, _, _>(["v2", "apps"])
        .await
        .unwrap_err();
    match &err {
        Error::Api {
            status,
            body,
            url,
            method,
            ..
        } => {
            assert_eq!(status.as_u16(), 502);
            assert_eq!(method.as_str(), "GET");
            assert_eq!(url.path(), "/service/marathon/v2/apps");
            assert!(
                matches!(body, ErrorBody::Text { text, truncated: false } if text.contains("502 Bad Gateway (nginx)"))
            );
        }
        other => panic!("{other:?}"),
    }
    assert!(err.is_retryable());
}

#[tokio::test]
async fn a_json_error_body_is_kept_as_json() {
    let server = guarded_server().await;
    Mock::given(method("PUT"))
        .and(path("/v2/apps/web"))
        .respond_with(ResponseTemplate::new(409).set_body_json(serde_json::json!({
            "message": "App is locked by one or more deployments.",
            "deployments": [{"id": "97c136bf-5a28-4821-9d94-480d9fbb01c8"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let err = cluster(&server, Credentials::None)
        .root()
        .execute(
            Request::put(["v2", "apps", "web"])
                .json(&serde_json::json!({}))
                .unwrap(),
        )
        .await
        .unwrap_err();
    let body = err.body().unwrap();
    assert_eq!(
        body.message(),
        Some("App is locked by one or more deployments.")
    );
    assert_eq!(
        body.json().unwrap()["deployments"][0]["id"],
        "97c136bf-5a28-4821-9d94-480d9fbb01c8"
    );
    assert!(!err.is_not_found());
}

#[tokio::test]
async fn a_huge_error_body_is_capped() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/big"))
        .respond_with(ResponseTemplate::new(404).set_body_string("x".repeat(1_000_000)))
        .expect(1)
        .mount(&server)
        .await;
    let err = cluster(&server, Credentials::None)
        .root()
        .execute(Request::get(["big"]))
        .await
        .unwrap_err();
    assert!(err.is_not_found());
    match err.body().unwrap() {
        ErrorBody::Text { text, truncated } => {
            assert_eq!(text.len(), dcos_auth::MAX_ERROR_BODY);
            assert!(truncated);
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn a_decode_error_names_the_field_and_the_request() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/apps"))
        .respond_with(ResponseTemplate::new(200).set_body_raw(
            r#"{"apps":[{"instances":1},{"instances":"x"}]}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct App {
        instances: u32,
    }
    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code)]
    struct Apps {
        apps: Vec<App>,
    }
    let err = cluster(&server, Credentials::None)
        .root()
        .get_json::<Apps, _, _>(["v2", "apps"])
        .await
        .unwrap_err();
    match &err {
        Error::Decode { what, path, .. } => {
            assert_eq!(path, "apps[1].instances");
            assert!(what.starts_with("GET http://"), "{what}");
            assert!(what.contains("/v2/apps"), "{what}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn requests_carry_headers_and_user_agent() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path("/job/x/build"))
        .and(has_header("jenkins-crumb", "abc"))
        .and(has_header("user-agent", "cd-bot/1.0"))
        .respond_with(ResponseTemplate::new(201))
        .expect(1)
        .mount(&server)
        .await;
    let core = builder(&server, Credentials::None)
        .user_agent("cd-bot/1.0")
        .build()
        .unwrap()
        .root();
    let request = Request::post(["job", "x", "build"]).header(
        header::HeaderName::from_static("jenkins-crumb"),
        HeaderValue::from_static("abc"),
    );
    assert_eq!(core.execute(request).await.unwrap().status.as_u16(), 201);
}

#[tokio::test]
async fn a_stream_yields_the_body_after_checking_the_status() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/v2/events"))
        .and(has_header("accept", "text/event-stream"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("event: x\ndata: {}\n\n", "text/event-stream"),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v2/forbidden"))
        .respond_with(
            ResponseTemplate::new(403).set_body_json(serde_json::json!({"message": "no"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let core = cluster(&server, Credentials::None).root();
    let stream = core
        .stream(Request::get(["v2", "events"]).accept("text/event-stream"))
        .await
        .unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    let chunks: Vec<_> = stream.collect().await;
    let body: Vec<u8> = chunks
        .into_iter()
        .flat_map(|c| c.unwrap().to_vec())
        .collect();
    assert_eq!(body, b"event: x\ndata: {}\n\n");

    let err = core
        .stream(Request::get(["v2", "forbidden"]))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    assert_eq!(err.body().and_then(ErrorBody::message), Some("no"));
}

/// A server that sends headers and one chunk, then goes silent.
async fn stalling_server() -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut buf = [0u8; 4096];
        let _ = socket.read(&mut buf).await;
        socket
            .write_all(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n")
            .await
            .unwrap();
        tokio::time::sleep(Duration::from_secs(5)).await;
    });
    addr
}

#[tokio::test]
async fn a_stream_that_goes_idle_ends_with_a_timeout() {
    let addr = stalling_server().await;
    let core = Cluster::builder(format!("http://{addr}"))
        .stream_idle_timeout(Duration::from_millis(300))
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap()
        .root();
    // The total time-out (100 ms) does not apply to streams; the idle one does.
    let mut stream = core.stream(Request::get(["log"])).await.unwrap();
    assert_eq!(&stream.next().await.unwrap().unwrap()[..], b"hello");
    let err = stream.next().await.unwrap().unwrap_err();
    assert!(
        matches!(err, Error::Timeout { after, .. } if after == Duration::from_millis(300)),
        "{err:?}"
    );
    assert!(
        stream.next().await.is_none(),
        "a fatal error ends the stream"
    );
}

#[tokio::test]
async fn an_unbounded_idle_time_out_does_not_overflow() {
    let addr = stalling_server().await;
    let core = Cluster::builder(format!("http://{addr}"))
        .stream_idle_timeout(Duration::MAX)
        .timeout(Duration::MAX)
        .connect_timeout(Duration::MAX)
        .build()
        .unwrap()
        .root();
    let mut stream = core.stream(Request::get(["log"])).await.unwrap();
    assert_eq!(&stream.next().await.unwrap().unwrap()[..], b"hello");
}

#[tokio::test]
async fn debug_output_never_shows_secrets() {
    let server = MockServer::start().await;
    let password = "pa55-w0rd-secret";
    let token = acs_token("alice", 3600, "debug-token-secret");
    let key_line = PKCS8.lines().nth(1).unwrap();
    let sa = ServiceAccount::from_pem("cd-bot", PKCS8).unwrap();
    let kinds = [
        Credentials::basic("jenkins", password),
        Credentials::token(token.clone()),
        Credentials::login("alice", password),
        sa.clone().into(),
    ];
    let mut shown = vec![format!("{sa:?}")];
    for credentials in kinds {
        let cluster = builder(&server, credentials.clone())
            .initial_token(token.clone())
            .build()
            .unwrap();
        shown.push(format!("{credentials:?}"));
        shown.push(format!("{cluster:?}"));
        shown.push(format!("{:?}", cluster.service("marathon")));
        shown.push(format!(
            "{:?}",
            builder(&server, credentials).initial_token(token.clone())
        ));
    }
    let errors = [
        Error::from(AuthError::InvalidCredentials {
            code: Some("ERR_INVALID_CREDENTIALS".into()),
            description: None,
        }),
        ServiceAccount::from_json(&format!(r#"{{"uid":"x","private_key":"{key_line}"}}"#))
            .unwrap_err(),
    ];
    for e in &errors {
        shown.push(format!("{e:?} {e}"));
    }
    for text in &shown {
        for secret in [password, token.as_str(), key_line] {
            assert!(!text.contains(secret), "secret leaked in: {text}");
        }
    }
}

#[tokio::test]
async fn a_wrong_login_password_never_reaches_error_output() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(ResponseTemplate::new(500).set_body_string("internal error"))
        .mount(&server)
        .await;
    let err = cluster(&server, Credentials::login("alice", "pa55-w0rd-secret"))
        .root()
        .execute(Request::get(["x"]))
        .await
        .unwrap_err();
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("pa55-w0rd-secret"), "{shown}");
    assert!(
        matches!(err, Error::Auth(AuthError::LoginFailed { status, .. }) if status.as_u16() == 500),
        "{err:?}"
    );
}
