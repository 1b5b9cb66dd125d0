//! Runs the real `dcos_whoami` example binary against a wiremock IAM.
//!
//! The binary is `target/<profile>/examples/dcos_whoami`, next to this test's
//! own `target/<profile>/deps/whoami-<hash>`. Before the first test it is
//! (re)built with `$CARGO build --example dcos_whoami`: `cargo test` builds
//! examples itself, but `cargo test --test whoami` does not, and a binary left
//! from an earlier build could be stale. The nested build does not deadlock,
//! because cargo releases its build-directory lock before it runs tests; when
//! the example is fresh it is a no-op. (Under `cargo test --workspace`, whose
//! features are unified across members, `-p dcos-examples` may resolve other
//! features and compile its own copy of some dependencies once; the binary is
//! still the right one.)
//!
//! The nested cargo must not inherit the variables cargo sets for this test
//! (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, …): build scripts such as ring's
//! declare `rerun-if-env-changed` on them, so inheriting them would rebuild
//! ring here and again at the next ordinary `cargo build`.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use wiremock::matchers::{any, body_json, header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const PASSWORD: &str = "pw-9f3c1e";
const DESCRIPTION: &str = "Alice Example";

/// The example binary, built once per test run.
fn binary() -> &'static Path {
    static BINARY: OnceLock<PathBuf> = OnceLock::new();
    BINARY.get_or_init(|| {
        let exe = std::env::current_exe().expect("the test's own path");
        // target/<profile>/deps/whoami-<hash> → target/<profile>
        let profile_dir = exe
            .parent()
            .and_then(Path::parent)
            .expect("the test runs from target/<profile>/deps");
        let target_dir = profile_dir.parent().expect("target/<profile> has a parent");
        let profile = match profile_dir.file_name().and_then(|n| n.to_str()) {
            Some("debug") => "dev",
            Some(other) => other,
            None => panic!("unexpected profile directory {}", profile_dir.display()),
        };
        let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
        let mut build = Command::new(cargo);
        build
            .args(["build", "--quiet", "-p", "dcos-examples", "--example"])
            .arg("dcos_whoami")
            .arg("--profile")
            .arg(profile)
            .arg("--target-dir")
            .arg(target_dir);
        for (name, _) in std::env::vars_os() {
            let name = name.to_string_lossy();
            let set_for_this_test = ["CARGO_PKG_", "CARGO_MANIFEST_", "CARGO_BIN_EXE_"]
                .iter()
                .any(|prefix| name.starts_with(prefix))
                || [
                    "CARGO_CRATE_NAME",
                    "CARGO_PRIMARY_PACKAGE",
                    "CARGO_TARGET_TMPDIR",
                    "CARGO_RUSTC_CURRENT_DIR",
                    "OUT_DIR",
                ]
                .contains(&name.as_ref());
            if set_for_this_test {
                build.env_remove(name.as_ref());
            }
        }
        let status = build.status().expect("cargo runs");
        assert!(status.success(), "building the dcos_whoami example failed");
        let binary = profile_dir
            .join("examples")
            .join(format!("dcos_whoami{}", std::env::consts::EXE_SUFFIX));
        assert!(binary.is_file(), "{} was not built", binary.display());
        binary
    })
}

/// Runs the example with `args` and only the `env` DCOS variables (and no
/// proxy), off the async runtime so that the mock server keeps serving.
async fn run_whoami(args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary());
    command.args(args);
    for (name, _) in std::env::vars_os() {
        let name = name.to_string_lossy();
        if name.starts_with("DCOS_") || name.to_ascii_lowercase().ends_with("_proxy") {
            command.env_remove(name.as_ref());
        }
    }
    command.envs(env.iter().copied());
    tokio::task::spawn_blocking(move || command.output().expect("the example runs"))
        .await
        .unwrap()
}

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

/// Answers any request no other mock matched with a 599 naming it, and is
/// expected never to be used, so `verify` fails on a stray request.
async fn catch_all(server: &MockServer) {
    Mock::given(any())
        .respond_with(|req: &wiremock::Request| {
            ResponseTemplate::new(599)
                .set_body_string(format!("unexpected request: {} {}", req.method, req.url))
        })
        .with_priority(u8::MAX)
        .named("catch-all: no request other than the mocked ones")
        .expect(0)
        .mount(server)
        .await;
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

    let output = run_whoami(
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

    let output = run_whoami(
        &["--url", &server.uri()],
        &[("DCOS_UID", "alice"), ("DCOS_PASSWORD", PASSWORD)],
    )
    .await;
    assert_reports_alice(&output, exp, &token);

    // `--url` also wins over a DCOS_URL that points nowhere useful.
    let server2 = iam(&token).await;
    let output = run_whoami(
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
    let output = run_whoami(
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
    let output = run_whoami(&[], &[("DCOS_UID", "alice"), ("DCOS_PASSWORD", PASSWORD)]).await;
    let stderr = text(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "{stderr}");
    assert!(stderr.contains("DCOS_URL is not set"), "{stderr}");

    let output = run_whoami(&["--help"], &[]).await;
    assert!(output.status.success());
    assert!(text(&output.stdout).starts_with("Logs in to a DC/OS cluster"));

    let output = run_whoami(&["--nope"], &[]).await;
    assert_eq!(output.status.code(), Some(2));
    assert!(text(&output.stderr).contains("unexpected argument `--nope`"));
}
