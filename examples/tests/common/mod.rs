//! Runs the real example binaries: builds them once, then runs one with a
//! clean environment.
//!
//! The binaries are `target/<profile>/examples/<name>`, next to the test's
//! own `target/<profile>/deps/<test>-<hash>`. Before the first run they are
//! (re)built with `$CARGO build --examples`: `cargo test` builds examples
//! itself, but `cargo test --test <name>` does not, and a binary left from an
//! earlier build could be stale. The nested build does not deadlock, because
//! cargo releases its build-directory lock before it runs tests; when the
//! examples are fresh it is a no-op.
//!
//! The nested cargo must not inherit the variables cargo sets for this test
//! (`CARGO_PKG_NAME`, `CARGO_MANIFEST_DIR`, …): build scripts such as ring's
//! declare `rerun-if-env-changed` on them, so inheriting them would rebuild
//! ring here and again at the next ordinary `cargo build`.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

/// The example binary `name`, built once per test run (with every example:
/// one nested build serves all of them).
pub fn binary(name: &str) -> PathBuf {
    let profile_dir = build_examples();
    let binary = profile_dir
        .join("examples")
        .join(format!("{name}{}", std::env::consts::EXE_SUFFIX));
    assert!(binary.is_file(), "{} was not built", binary.display());
    binary
}

/// Builds the examples once and returns `target/<profile>`.
fn build_examples() -> &'static Path {
    static PROFILE_DIR: OnceLock<PathBuf> = OnceLock::new();
    PROFILE_DIR.get_or_init(|| {
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
            .args(["build", "--quiet", "-p", "dcos-examples", "--examples"])
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
        assert!(status.success(), "building the examples failed");
        profile_dir.to_path_buf()
    })
}

/// Runs the example with `args` and only the `env` DCOS variables (and no
/// proxy), off the async runtime so that the mock server keeps serving.
pub async fn run_example(name: &str, args: &[&str], env: &[(&str, &str)]) -> Output {
    let mut command = Command::new(binary(name));
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

/// Answers any request no other mock matched with a 599 naming it, and is
/// expected never to be used, so `verify` fails on a stray request.
pub async fn catch_all(server: &MockServer) {
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
