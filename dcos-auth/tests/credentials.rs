//! Every credential flow against a wiremock IAM and service.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use common::*;
use dcos_auth::{AuthError, Credentials, Error, Secret, ServiceAccount, TokenSource};
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use serde::Deserialize;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn ok_for(server: &MockServer, authorization: &str, n: u64) {
    Mock::given(method("GET"))
        .and(path("/service/marathon/v2/info"))
        .and(header("authorization", authorization))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "marathon"})),
        )
        .expect(n)
        .mount(server)
        .await;
}

async fn get_info(cluster: &dcos_auth::Cluster) -> Result<serde_json::Value, Error> {
    cluster.service("marathon").get_json(["v2", "info"]).await
}

#[tokio::test]
async fn no_credentials_send_no_authorization() {
    let server = guarded_server().await;
    Mock::given(method("GET"))
        .and(path("/service/marathon/v2/info"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .expect(1)
        .mount(&server)
        .await;
    get_info(&cluster(&server, Credentials::None))
        .await
        .unwrap();
    assert_eq!(authorization_headers(&server).await, [None]);
}

#[tokio::test]
async fn basic_auth_sends_user_and_api_token() {
    let server = guarded_server().await;
    // base64("jenkins:11e0api-token")
    ok_for(&server, "Basic amVua2luczoxMWUwYXBpLXRva2Vu", 1).await;
    let c = cluster(&server, Credentials::basic("jenkins", "11e0api-token"));
    get_info(&c).await.unwrap();
}

#[tokio::test]
async fn static_token_is_sent_as_token_equals() {
    let server = guarded_server().await;
    let token = acs_token("bootstrapuser", 3600, "static");
    ok_for(&server, &token_header(&token), 1).await;
    let c = cluster(&server, Credentials::token(token.clone()));
    get_info(&c).await.unwrap();
    let claims = c.token_claims().await.unwrap().unwrap();
    assert_eq!(claims.uid.as_deref(), Some("bootstrapuser"));
}

#[tokio::test]
async fn an_expired_static_token_fails_before_sending() {
    let server = guarded_server().await;
    let c = cluster(&server, Credentials::token(acs_token("u", -60, "old")));
    let err = get_info(&c).await.unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::TokenExpired { .. })),
        "{err:?}"
    );
    assert!(
        err.to_string().starts_with("the ACS token expired at "),
        "{err}"
    );
    assert!(server.received_requests().await.unwrap().is_empty());
}

#[tokio::test]
async fn user_login_posts_uid_and_password_then_sends_the_token() {
    let server = guarded_server().await;
    let token = acs_token("alice", 3600, "login");
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .and(header("content-type", "application/json"))
        .and(body_json(
            serde_json::json!({"uid": "alice", "password": "pw"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "token": token }))
                // The IAM also sets a cookie; the client must read the body.
                .insert_header("set-cookie", "dcos-acs-auth-cookie=cookie-token; HttpOnly"),
        )
        .expect(1)
        .mount(&server)
        .await;
    ok_for(&server, &token_header(&token), 2).await;
    let c = cluster(&server, Credentials::login("alice", "pw"));
    get_info(&c).await.unwrap();
    get_info(&c).await.unwrap();
    let login = &server.received_requests().await.unwrap()[0];
    assert!(
        login.headers.get("authorization").is_none(),
        "login carries no token"
    );
}

#[derive(Debug, Deserialize)]
struct LoginBody {
    uid: String,
    token: String,
}

#[derive(Debug, Deserialize)]
struct LoginClaims {
    uid: String,
    exp: i64,
}

/// Checks a service login body: an RS256 JWT signed by the fixture key, for
/// `uid`, expiring at most 5 minutes from now.
fn verify_service_login(body: &[u8], uid: &str) {
    let login: LoginBody = serde_json::from_slice(body).unwrap();
    assert_eq!(login.uid, uid);
    let header = jsonwebtoken::decode_header(&login.token).unwrap();
    assert_eq!(header.alg, Algorithm::RS256);
    let key = DecodingKey::from_rsa_pem(PUBLIC.as_bytes()).unwrap();
    let mut validation = Validation::new(Algorithm::RS256);
    validation.set_required_spec_claims(&["exp"]);
    let claims = jsonwebtoken::decode::<LoginClaims>(&login.token, &key, &validation)
        .expect("the login token must verify with the service account's public key")
        .claims;
    assert_eq!(claims.uid, uid);
    let now = now_secs();
    assert!(claims.exp > now, "exp {} is not in the future", claims.exp);
    assert!(
        claims.exp <= now + 300,
        "exp {} is more than 5 minutes away",
        claims.exp
    );
}

async fn service_account_flow(sa: ServiceAccount, login_path: &str) {
    let server = guarded_server().await;
    let token = acs_token("cd-bot", 3600, "sa");
    Mock::given(method("POST"))
        .and(path(login_path))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(serde_json::json!({ "token": token })),
        )
        .expect(1)
        .mount(&server)
        .await;
    ok_for(&server, &token_header(&token), 1).await;
    get_info(&cluster(&server, sa.into())).await.unwrap();
    let requests = server.received_requests().await.unwrap();
    verify_service_login(&requests[0].body, "cd-bot");
}

#[tokio::test]
async fn service_account_signs_an_rs256_login_token_pkcs8() {
    service_account_flow(ServiceAccount::from_pem("cd-bot", PKCS8).unwrap(), LOGIN).await;
}

#[tokio::test]
async fn service_account_signs_an_rs256_login_token_pkcs1() {
    service_account_flow(ServiceAccount::from_pem("cd-bot", PKCS1).unwrap(), LOGIN).await;
}

#[tokio::test]
async fn service_account_json_credential_uses_its_login_endpoint() {
    let json = serde_json::json!({
        "scheme": "RS256",
        "uid": "cd-bot",
        "login_endpoint": "/custom/acs/api/v1/auth/login",
        "private_key": PKCS8,
    });
    let sa = ServiceAccount::from_json(&json.to_string()).unwrap();
    service_account_flow(sa, "/custom/acs/api/v1/auth/login").await;
}

#[tokio::test]
async fn service_account_absolute_login_endpoint() {
    let login_server = MockServer::start().await;
    let server = guarded_server().await;
    let token = acs_token("cd-bot", 3600, "abs");
    login_returns(&login_server, &token, 1, Duration::ZERO).await;
    ok_for(&server, &token_header(&token), 1).await;
    let sa = ServiceAccount::from_pem("cd-bot", PKCS8)
        .unwrap()
        .with_login_endpoint(format!("{}{LOGIN}", login_server.uri()));
    get_info(&cluster(&server, sa.into())).await.unwrap();
}

#[derive(Debug)]
struct CountingSource {
    calls: AtomicUsize,
    token: String,
}

#[async_trait::async_trait]
impl TokenSource for CountingSource {
    async fn fetch_token(&self) -> Result<Secret, AuthError> {
        self.calls.fetch_add(1, Ordering::SeqCst);
        Ok(Secret::new(self.token.clone()))
    }
}

#[tokio::test]
async fn custom_token_source_is_called_once() {
    let server = guarded_server().await;
    let token = acs_token("oidc-user", 3600, "custom");
    ok_for(&server, &token_header(&token), 3).await;
    let source = Arc::new(CountingSource {
        calls: AtomicUsize::new(0),
        token,
    });
    let c = cluster(&server, Credentials::Custom(source.clone()));
    for _ in 0..3 {
        get_info(&c).await.unwrap();
    }
    assert_eq!(source.calls.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn invalid_credentials_are_a_typed_error_with_the_server_code() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("www-authenticate", "acsjwt")
                .set_body_raw(
                    r#"{"title": "401 Unauthorized", "description": "Invalid credentials.", "code": "ERR_INVALID_CREDENTIALS"}"#,
                    "application/json",
                ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let c = cluster(&server, Credentials::login("alice", "wrong-password"));
    let err = get_info(&c).await.unwrap_err();
    match &err {
        Error::Auth(AuthError::InvalidCredentials { code, description }) => {
            assert_eq!(code.as_deref(), Some("ERR_INVALID_CREDENTIALS"));
            assert_eq!(description.as_deref(), Some("Invalid credentials."));
        }
        other => panic!("{other:?}"),
    }
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("wrong-password"), "{shown}");
}

#[tokio::test]
async fn dcos_1_8_jwt_parsing_failure_is_a_login_failure() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(ResponseTemplate::new(400).set_body_raw(
            r#"{"title": "Bad Request", "description": "JWT parsing failed"}"#,
            "application/json",
        ))
        .expect(1)
        .mount(&server)
        .await;
    let sa = ServiceAccount::from_pem("cd-bot", PKCS8).unwrap();
    let err = get_info(&cluster(&server, sa.into())).await.unwrap_err();
    assert!(
        matches!(&err, Error::Auth(AuthError::LoginFailed { status, description, .. })
            if status.as_u16() == 400 && description.as_deref() == Some("JWT parsing failed")),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_login_response_without_a_token_is_an_error() {
    let server = guarded_server().await;
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>login page</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = get_info(&cluster(&server, Credentials::login("a", "b")))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth(AuthError::MissingToken { .. })),
        "{err:?}"
    );
}

#[tokio::test]
async fn a_login_503_is_retried() {
    let server = guarded_server().await;
    let token = acs_token("alice", 3600, "after-503");
    Mock::given(method("POST"))
        .and(path(LOGIN))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    login_returns(&server, &token, 1, Duration::ZERO).await;
    ok_for(&server, &token_header(&token), 1).await;
    get_info(&cluster(&server, Credentials::login("alice", "pw")))
        .await
        .unwrap();
}

#[tokio::test]
async fn token_claims_log_in_and_report_expiry() {
    let server = guarded_server().await;
    let token = acs_token("alice", 3600, "claims");
    login_returns(&server, &token, 1, Duration::ZERO).await;
    let c = cluster(&server, Credentials::login("alice", "pw"));
    let claims = c.token_claims().await.unwrap().unwrap();
    assert_eq!(claims.uid.as_deref(), Some("alice"));
    let exp = claims.exp.unwrap();
    let secs = exp.duration_since(std::time::UNIX_EPOCH).unwrap().as_secs() as i64;
    assert!((secs - (now_secs() + 3600)).abs() <= 2);
    assert!(
        cluster(&server, Credentials::None)
            .token_claims()
            .await
            .unwrap()
            .is_none()
    );
}

#[tokio::test]
async fn iam_user_is_read_with_the_token() {
    let server = guarded_server().await;
    let token = acs_token("alice", 3600, "iam");
    Mock::given(method("GET"))
        .and(path("/acs/api/v1/users/alice"))
        .and(header("authorization", token_header(&token).as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "uid": "alice", "url": "/acs/api/v1/users/alice", "description": "Alice",
            "is_remote": false, "is_service": false, "provider_type": "internal", "provider_id": ""
        })))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/acs/api/v1/users"))
        .and(wiremock::matchers::query_param("type", "service"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "array": [{"uid": "cd-bot", "description": "CD", "is_service": true,
                       "url": "/acs/api/v1/users/cd-bot", "is_remote": false,
                       "provider_type": "internal", "provider_id": "",
                       "public_key": "-----BEGIN PUBLIC KEY-----"}]
        })))
        .expect(1)
        .mount(&server)
        .await;
    let c = cluster(&server, Credentials::token(token));
    let user = c.iam().user("alice").await.unwrap();
    assert_eq!(user.description.as_deref(), Some("Alice"));
    let services = c.iam().users(true).await.unwrap();
    assert_eq!(services[0].uid, "cd-bot");
    assert_eq!(services[0].is_service, Some(true));
}
