//! Runs the real `dcos_whoami` example binary against a wiremock IAM.

#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use common::{catch_all, run_example};

use std::process::Output;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "pw-9f3c1e";
const DESCRIPTION: &str = "Alice Example";

/// A JWT whose payload is `{"uid":"alice","exp":<exp>}`; the signature is
/// junk, which the client never checks.
fn token(exp: u64) -> String {
    let header = base64url(br#"{"alg":"RS256","typ":"JWT"}"#);
    let payload = base64url(format!(r#"{{"uid":"alice","exp":{exp}}}"#).as_bytes());
    format!("{header}.{payload}.c2lnbmF0dXJlLW5vdC1jaGVja2Vk")
}

fn base64url(bytes: &[u8]) -> String {
    URL_SAFE_NO_PAD.encode(bytes)
}

fn now_secs() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A mock IAM where alice logs in with `PASSWORD` and reads her own record.
async fn iam(token: &str) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/acs/api/v1/auth/login"))
        .and(body_json(
            serde_json::json!({"uid": "alice", "password": PASSWORD}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": token})))
        .named("login")
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/acs/api/v1/users/alice"))
        .and(header("authorization", format!("token={token}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({
            "uid": "alice",
            "url": "/acs/api/v1/users/alice",
            "description": DESCRIPTION,
            "is_remote": false,
            "is_service": false,
            "provider_type": "internal",
            "provider_id": ""
        })))
        .named("GET users/alice")
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;
    server
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Checks a successful run's output and that no secret leaked into it.
fn assert_reports_alice(output: &Output, exp: u64, token: &str) {
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert!(
        output.status.success(),
        "exit {:?}\nstdout:\n{stdout}\nstderr:\n{stderr}",
        output.status
    );
    assert!(stdout.contains("uid:         alice\n"), "{stdout}");
    assert!(
        stdout.contains(&format!("description: {DESCRIPTION}\n")),
        "{stdout}"
    );
    let expiry = humantime::format_rfc3339_seconds(UNIX_EPOCH + Duration::from_secs(exp));
    assert!(
        stdout.contains(&format!("expires:     {expiry} (in ")),
        "{stdout}"
    );
    assert!(stdout.contains(" minutes)"), "{stdout}");
    for secret in [token, PASSWORD] {
        assert!(!stdout.contains(secret), "secret in stdout:\n{stdout}");
        assert!(!stderr.contains(secret), "secret in stderr:\n{stderr}");
    }
    // The signature alone would also be a leak.
    let signature = token.rsplit('.').next().unwrap();
    assert!(!stdout.contains(signature) && !stderr.contains(signature));
}

#[tokio::test]
async fn prints_uid_description_and_expiry_from_dcos_url() {
    let exp = now_secs() + 3600;
    let token = token(exp);
    let server = iam(&token).await;

    let output = run_example(
        "dcos_whoami",
        &[],
        &[
            ("DCOS_URL", &server.uri()),
            ("DCOS_UID", "alice"),
            ("DCOS_PASSWORD", PASSWORD),
        ],
    )
    .await;

    assert_reports_alice(&output, exp, &token);
    assert!(text(&output.stdout).contains(&format!("cluster:     {}/\n", server.uri())));
    server.verify().await;
}

#[tokio::test]
async fn url_on_the_command_line_replaces_dcos_url() {
    let exp = now_secs() + 3600;
    let token = token(exp);
    let server = iam(&token).await;

    let output = run_example(
        "dcos_whoami",
        &["--url", &server.uri()],
        &[("DCOS_UID", "alice"), ("DCOS_PASSWORD", PASSWORD)],
    )
    .await;
    assert_reports_alice(&output, exp, &token);

    // `--url` also wins over a DCOS_URL that points nowhere useful.
    let server2 = iam(&token).await;
    let output = run_example(
        "dcos_whoami",
        &[&format!("--url={}", server2.uri())],
        &[
            ("DCOS_URL", "http://127.0.0.1:9/"),
            ("DCOS_UID", "alice"),
            ("DCOS_PASSWORD", PASSWORD),
        ],
    )
    .await;
    assert_reports_alice(&output, exp, &token);

    server.verify().await;
    server2.verify().await;
}

#[tokio::test]
async fn bad_credentials_print_the_iam_error_code_and_exit_1() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/acs/api/v1/auth/login"))
        .respond_with(
            ResponseTemplate::new(401)
                .insert_header("WWW-Authenticate", "acsjwt")
                .set_body_json(serde_json::json!({
                    "title": "401 Unauthorized",
                    "description": "Invalid credentials.",
                    "code": "ERR_INVALID_CREDENTIALS"
                })),
        )
        .named("login")
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let (stdout, stderr) = fail_as_alice(&server).await;
    assert!(stderr.contains("ERR_INVALID_CREDENTIALS"), "{stderr}");
    assert!(stderr.contains("Invalid credentials."), "{stderr}");
    assert!(stdout.is_empty(), "{stdout}");
    assert!(!stdout.contains(PASSWORD) && !stderr.contains(PASSWORD));
    server.verify().await;
}

/// Runs the example as alice against `server`, expecting exit status 1;
/// returns stdout and stderr.
async fn fail_as_alice(server: &MockServer) -> (String, String) {
    let output = run_example(
        "dcos_whoami",
        &[],
        &[
            ("DCOS_URL", &server.uri()),
            ("DCOS_UID", "alice"),
            ("DCOS_PASSWORD", PASSWORD),
        ],
    )
    .await;
    let (stdout, stderr) = (text(&output.stdout), text(&output.stderr));
    assert_eq!(
        output.status.code(),
        Some(1),
        "stdout:\n{stdout}\nstderr:\n{stderr}"
    );
    (stdout, stderr)
}

#[tokio::test]
async fn other_errors_print_the_error_chain_and_exit_1() {
    let exp = now_secs() + 3600;
    let token = token(exp);
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/acs/api/v1/auth/login"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"token": token})))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/acs/api/v1/users/alice"))
        // What the IAM answers for an unknown uid.
        .respond_with(ResponseTemplate::new(400).set_body_json(serde_json::json!({
            "title": "Bad Request",
            "description": "User with uid `alice` not known.",
            "code": "ERR_UNKNOWN_USER_ID"
        })))
        .expect(1)
        .mount(&server)
        .await;
    catch_all(&server).await;

    let (stdout, stderr) = fail_as_alice(&server).await;
    assert!(
        stderr.starts_with("dcos_whoami: cannot read the IAM user `alice`\n  caused by: GET "),
        "{stderr}"
    );
    assert!(stderr.contains("400 Bad Request"), "{stderr}");
    assert!(
        stderr.ends_with("\n  error code: ERR_UNKNOWN_USER_ID\n"),
        "{stderr}"
    );
    for secret in [token.as_str(), PASSWORD] {
        assert!(
            !stdout.contains(secret) && !stderr.contains(secret),
            "{stderr}"
        );
    }
    server.verify().await;
}

#[tokio::test]
async fn missing_url_and_help() {
    let output = run_example(
        "dcos_whoami",
        &[],
        &[("DCOS_UID", "alice"), ("DCOS_PASSWORD", PASSWORD)],
    )
    .await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("DCOS_URL is not set"), "{stderr}");

    let output = run_example("dcos_whoami", &["--help"], &[]).await;
    assert!(output.status.success());
    assert!(text(&output.stdout).starts_with("Logs in to a DC/OS cluster"));

    let output = run_example("dcos_whoami", &["--nope"], &[]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("unexpected argument `--nope`"));
}
