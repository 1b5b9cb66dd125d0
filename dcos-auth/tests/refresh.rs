//! Token refresh: single-flight logins, proactive refresh, and 401 replay.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::time::Duration;

use common::*;
use dcos_auth::{AuthError, Cluster, Credentials, Error};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const APPS: &str = "/service/marathon/v2/apps";

async fn apps_with(
    server: &MockServer,
    token: &str,
    status: u16,
    times: impl Into<wiremock::Times>,
) {
    let mut response = ResponseTemplate::new(status);
    if status == 401 {
        // Admin Router's own 401: an HTML body and a challenge.
        response = response
            .insert_header("www-authenticate", "acsjwt")
            .set_body_raw(
                "<html><body><h1>401 Authorization Required</h1></body></html>",
                "text/html",
            );
    } else {
        response = response.set_body_json(serde_json::json!({"apps": []}));
    }
    Mock::given(method("GET"))
        .and(path(APPS))
        .and(header("authorization", token_header(token).as_str()))
        .respond_with(response)
        .expect(times)
        .mount(server)
        .await;
}

async fn list_apps(cluster: &Cluster) -> Result<serde_json::Value, Error> {
    cluster.service("marathon").get_json(["v2", "apps"]).await
}

async fn fifty_concurrent(cluster: &Cluster) -> Vec<Result<serde_json::Value, Error>> {
    let tasks: Vec<_> = (0..50)
        .map(|_| {
            let c = cluster.clone();
            tokio::spawn(async move { list_apps(&c).await })
        })
        .collect();
    let mut results = Vec::new();
    for t in tasks {
        results.push(t.await.unwrap());
    }
    results
}

#[tokio::test]
async fn fifty_concurrent_requests_with_an_expired_token_log_in_once() {
    let server = guarded_server().await;
    let expired = acs_token("alice", -10, "expired");
    let fresh = acs_token("alice", 3600, "fresh");
    // The slow login makes every request queue behind the one in flight.
    login_returns(&server, &fresh, 1, Duration::from_millis(200)).await;
    apps_with(&server, &fresh, 200, 50).await;
    apps_with(&server, &expired, 200, 0).await;
    let c = builder(&server, Credentials::login("alice", "pw"))
        .initial_token(expired)
        .build()
        .unwrap();
    for r in fifty_concurrent(&c).await {
        r.unwrap();
    }
}

#[tokio::test]
async fn fifty_concurrent_401s_cause_one_login_and_one_replay_each() {
    let server = guarded_server().await;
    let rejected = acs_token("alice", 3600, "revoked");
    let fresh = acs_token("alice", 3600, "fresh");
    login_returns(&server, &fresh, 1, Duration::from_millis(100)).await;
    // Requests sent after the new token arrived skip the rejected one.
    apps_with(&server, &rejected, 401, 1..=50).await;
    apps_with(&server, &fresh, 200, 50).await;
    let c = builder(&server, Credentials::login("alice", "pw"))
        .initial_token(rejected)
        .build()
        .unwrap();
    for r in fifty_concurrent(&c).await {
        r.unwrap();
    }
}

#[tokio::test]
async fn fifty_concurrent_requests_share_one_failed_login() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(
            ResponseTemplate::new(401)
                .set_body_raw(
                    r#"{"title":"401 Unauthorized","description":"Invalid credentials.","code":"ERR_INVALID_CREDENTIALS"}"#,
                    "application/json",
                )
                .set_delay(Duration::from_millis(300)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = cluster(&server, Credentials::login("alice", "wrong"));
    for r in fifty_concurrent(&c).await {
        let err = r.unwrap_err();
        assert_eq!(
            match &err {
                Error::Auth(a) => a.code(),
                _ => None,
            },
            Some("ERR_INVALID_CREDENTIALS"),
            "{err:?}"
        );
    }
}

#[tokio::test]
async fn a_token_within_30_seconds_of_expiry_is_refreshed_before_sending() {
    let server = guarded_server().await;
    let expiring = acs_token("alice", 20, "expiring");
    let fresh = acs_token("alice", 3600, "fresh");
    login_returns(&server, &fresh, 1, Duration::ZERO).await;
    apps_with(&server, &expiring, 200, 0).await;
    apps_with(&server, &fresh, 200, 2).await;
    let c = builder(&server, Credentials::login("alice", "pw"))
        .initial_token(expiring)
        .build()
        .unwrap();
    list_apps(&c).await.unwrap();
    list_apps(&c).await.unwrap();
}

#[tokio::test]
async fn a_short_lived_token_is_refreshed_halfway_not_on_every_use() {
    let server = guarded_server().await;
    // The IAM hands out tokens that live 10 s, less than the 30 s margin: the
    // client refreshes after 5 s instead of logging in for every request.
    let short = acs_token("alice", 10, "short");
    login_returns(&server, &short, 1, Duration::ZERO).await;
    apps_with(&server, &short, 200, 2).await;
    let c = cluster(&server, Credentials::login("alice", "pw"));
    list_apps(&c).await.unwrap();
    list_apps(&c).await.unwrap();
}

#[tokio::test]
async fn a_401_with_a_foreign_challenge_does_not_log_in_again() {
    let server = guarded_server().await;
    let token = acs_token("alice", 3600, "jenkins");
    // Jenkins' own auth answers, not Admin Router's: a new DC/OS token won't help.
    Mock::given(method("GET"))
        .and(path(APPS))
        .respond_with(
            ResponseTemplate::new(401).insert_header("www-authenticate", "Basic realm=\"Jenkins\""),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server, Credentials::login("alice", "pw"))
        .initial_token(token)
        .build()
        .unwrap();
    let err = list_apps(&c).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth(AuthError::Unauthorized { challenge: Some(c), .. }) if c.starts_with("Basic")),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_initial_token_of_another_uid_is_ignored() {
    let server = guarded_server().await;
    // The CLI exports a human's token; the program is configured as cd-bot.
    let humans = acs_token("alice", 3600, "human");
    let bots = acs_token("cd-bot", 3600, "bot");
    login_returns(&server, &bots, 1, Duration::ZERO).await;
    apps_with(&server, &humans, 200, 0).await;
    apps_with(&server, &bots, 200, 1).await;
    let sa = dcos_auth::ServiceAccount::from_pem("cd-bot", PKCS8).unwrap();
    let c = builder(&server, sa.into())
        .initial_token(humans)
        .build()
        .unwrap();
    list_apps(&c).await.unwrap();
}

#[tokio::test]
async fn a_401_refreshes_once_and_replays() {
    let server = guarded_server().await;
    let revoked = acs_token("cd-bot", 3600, "revoked");
    let fresh = acs_token("cd-bot", 3600, "fresh");
    login_returns(&server, &fresh, 1, Duration::ZERO).await;
    apps_with(&server, &revoked, 401, 1).await;
    apps_with(&server, &fresh, 200, 1).await;
    let sa = dcos_auth::ServiceAccount::from_pem("cd-bot", PKCS8).unwrap();
    let c = builder(&server, sa.into())
        .initial_token(revoked)
        .build()
        .unwrap();
    assert_eq!(
        list_apps(&c).await.unwrap(),
        serde_json::json!({"apps": []})
    );
}

#[tokio::test]
async fn a_second_401_is_an_error_not_a_loop() {
    let server = guarded_server().await;
    let first = acs_token("alice", 3600, "first");
    let second = acs_token("alice", 3600, "second");
    login_returns(&server, &second, 1, Duration::ZERO).await;
    apps_with(&server, &first, 401, 1).await;
    apps_with(&server, &second, 401, 1).await;
    let c = builder(&server, Credentials::login("alice", "pw"))
        .initial_token(first)
        .build()
        .unwrap();
    let err = list_apps(&c).await.unwrap_err();
    match &err {
        Error::Auth(AuthError::Unauthorized {
            status,
            challenge,
            body,
            ..
        }) => {
            assert_eq!(status.as_u16(), 401);
            assert_eq!(challenge.as_deref(), Some("acsjwt"));
            assert!(body.text().contains("401 Authorization Required"));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn a_static_token_401_is_an_error_without_a_login() {
    let server = guarded_server().await;
    let token = acs_token("alice", 3600, "static");
    apps_with(&server, &token, 401, 1).await;
    let err = list_apps(&cluster(&server, Credentials::token(token)))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::Unauthorized { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn an_open_cluster_401_is_a_plain_api_error() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path(APPS))
        .respond_with(ResponseTemplate::new(401).insert_header("www-authenticate", "oauthjwt"))
        .expect(1)
        .mount(&server)
        .await;
    let err = list_apps(&cluster(&server, Credentials::None))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Api { status, .. } if status.as_u16() == 401),
        "{err:?}"
    );
}
