//! `dcos-cd` as a program: exit codes, error messages, JSON lines, and the
//! embedded cluster. Runs the built binary; the environment is cleared of
//! DC/OS settings so that no real cluster is ever contacted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use cd_pipeline::PipelineEvent;

fn example(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../examples/hello-service")
        .join(name)
}

/// `dcos-cd args…` with no DC/OS configuration reachable: an empty
/// DCOS_DIR and HOME, no DCOS_* variables.
fn dcos_cd(home: &Path, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_dcos-cd"));
    for (name, _) in std::env::vars() {
        if name.starts_with("DCOS_") {
            command.env_remove(name);
        }
    }
    command
        .env("HOME", home)
        .env("DCOS_DIR", home.join(".dcos"))
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Every stdout line parsed as an event; fails on any line that does not.
fn json_events(output: &Output) -> Vec<PipelineEvent> {
    text(&output.stdout)
        .lines()
        .map(|line| {
            serde_json::from_str(line).unwrap_or_else(|e| panic!("not an event: {line:?}: {e}"))
        })
        .collect()
}

fn bad_spec(dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(example("pipeline.toml"))
        .unwrap()
        .replace("strategy = \"rolling\"", "strategy = \"sideways\"");
    std::fs::copy(example("marathon.json"), dir.join("marathon.json")).unwrap();
    std::fs::copy(example("Jenkinsfile"), dir.join("Jenkinsfile")).unwrap();
    let path = dir.join("pipeline.toml");
    std::fs::write(&path, &text).unwrap();
    path
}

fn line_of(path: &Path, needle: &str) -> usize {
    let text = std::fs::read_to_string(path).unwrap();
    text[..text.find(needle).unwrap()].matches('\n').count() + 1
}

#[test]
fn a_bad_spec_exits_2_naming_the_file_line_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let spec = bad_spec(dir.path());
    let line = line_of(&spec, "strategy = ");
    let output = dcos_cd(dir.path(), &["run", spec.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(2), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    let expected = format!("pipeline.toml:{line}:12: deploy.strategy: unknown strategy `sideways`");
    assert!(stderr.contains(&expected), "{stderr:?} lacks {expected:?}");
}

#[test]
fn a_bad_spec_in_json_ends_with_a_failed_event() {
    let dir = tempfile::tempdir().unwrap();
    let spec = bad_spec(dir.path());
    let output = dcos_cd(
        dir.path(),
        &[
            "deploy",
            spec.to_str().unwrap(),
            "--image",
            "r/h:1",
            "--output",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(2));
    let events = json_events(&output);
    match events.last() {
        Some(PipelineEvent::Failed {
            stage: None,
            message,
            exit_code: 2,
        }) => assert!(message.contains("deploy.strategy"), "{message}"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_missing_spec_file_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    let output = dcos_cd(dir.path(), &["status", "/nonexistent/pipeline.toml"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        text(&output.stderr).contains("cannot read /nonexistent/pipeline.toml"),
        "{}",
        text(&output.stderr)
    );
}

#[test]
fn bad_usage_exits_2_and_help_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let spec = example("pipeline.toml");
    let spec = spec.to_str().unwrap();
    for args in [
        vec![],
        vec!["launch", spec],
        vec!["deploy", spec],
        vec!["run", spec, "--param", "NO_EQUALS_SIGN"],
        vec!["status", spec, "--output", "yaml"],
        vec!["status", spec, "--sim-speed", "0"],
    ] {
        let output = dcos_cd(dir.path(), &args);
        assert_eq!(
            output.status.code(),
            Some(2),
            "{args:?}: {}",
            text(&output.stderr)
        );
        assert!(!output.stderr.is_empty(), "{args:?}");
    }
    let help = dcos_cd(dir.path(), &["--help"]);
    assert_eq!(help.status.code(), Some(0));
    let help = text(&help.stdout);
    for command in [
        "plan",
        "configure",
        "build",
        "deploy",
        "run",
        "rollback",
        "status",
    ] {
        assert!(help.contains(command), "{command} missing from {help}");
    }
}

#[test]
fn status_on_the_embedded_cluster_says_so_and_parses() {
    let dir = tempfile::tempdir().unwrap();
    let spec = example("pipeline.toml");
    let output = dcos_cd(
        dir.path(),
        &["status", spec.to_str().unwrap(), "--output", "json"],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let events = json_events(&output);
    assert!(
        matches!(events.first(), Some(PipelineEvent::Warning { message }) if message.contains("embedded dcos-sim")),
        "{events:?}"
    );
    assert!(
        events.iter().any(|e| matches!(e, PipelineEvent::PlanLine { line, .. } if line.contains("/hello-service is not deployed"))),
        "{events:?}"
    );
    assert!(
        matches!(
            events.last(),
            Some(PipelineEvent::Summary {
                healthy: 0,
                image: None,
                ..
            })
        ),
        "{events:?}"
    );
}

#[test]
fn deploy_on_the_embedded_cluster_ends_with_a_summary() {
    let dir = tempfile::tempdir().unwrap();
    let spec = example("pipeline.toml");
    let image = "registry.example.com/hello-service:abc-1";
    let output = dcos_cd(
        dir.path(),
        &[
            "deploy",
            spec.to_str().unwrap(),
            "--image",
            image,
            "--output",
            "json",
            "--sim-speed",
            "20",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let events = json_events(&output);
    assert!(
        events.iter().any(|e| matches!(
            e,
            PipelineEvent::StageStarted {
                stage: cd_pipeline::Stage::Deploy
            }
        )),
        "{events:?}"
    );
    match events.last() {
        Some(PipelineEvent::Summary {
            image: Some(deployed),
            deployment_id: Some(_),
            healthy: 2,
            stage_times,
            ..
        }) => {
            assert_eq!(deployed, image);
            assert_eq!(stage_times.len(), 1);
            assert_eq!(stage_times[0].stage, cd_pipeline::Stage::Deploy);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn an_unreachable_cluster_fails_with_exit_code_1_and_the_stage() {
    let dir = tempfile::tempdir().unwrap();
    let spec = example("pipeline.toml");
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let output = dcos_cd(
        dir.path(),
        &["status", spec.to_str().unwrap(), "--cluster", &url],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let stderr = text(&output.stderr);
    assert!(stderr.starts_with("error ("), "{stderr}");
    assert!(stderr.contains("could not connect"), "{stderr}");

    let output = dcos_cd(
        dir.path(),
        &[
            "status",
            spec.to_str().unwrap(),
            "--cluster",
            &url,
            "--output",
            "json",
        ],
    );
    assert_eq!(output.status.code(), Some(1));
    let events = json_events(&output);
    assert!(
        matches!(events.last(), Some(PipelineEvent::Failed { stage: Some(_), exit_code: 1, message }) if message.contains(&url)),
        "{events:?}"
    );
    // No embedded simulator when a cluster is given.
    assert!(
        !events
            .iter()
            .any(|e| matches!(e, PipelineEvent::Warning { .. }))
    );
}

fn stages_started(events: &[PipelineEvent]) -> Vec<cd_pipeline::Stage> {
    events
        .iter()
        .filter_map(|e| match e {
            PipelineEvent::StageStarted { stage } => Some(*stage),
            _ => None,
        })
        .collect()
}

/// The README's first command, on a faster simulator.
#[test]
fn run_on_the_embedded_cluster_configures_builds_deploys_and_sums_up() {
    use cd_pipeline::Stage;
    let dir = tempfile::tempdir().unwrap();
    let spec = example("pipeline.toml");
    let output = dcos_cd(
        dir.path(),
        &[
            "run",
            spec.to_str().unwrap(),
            "--output",
            "json",
            "--sim-speed",
            "20",
        ],
    );
    assert_eq!(output.status.code(), Some(0), "{}", text(&output.stderr));
    let events = json_events(&output);
    assert_eq!(
        stages_started(&events),
        [Stage::Configure, Stage::Build, Stage::Deploy]
    );
    assert!(
        events.iter().any(
            |e| matches!(e, PipelineEvent::ConsoleLine { line, .. } if line.contains("docker push"))
        ),
        "no console line with the push: {events:?}"
    );
    match events.last() {
        Some(PipelineEvent::Summary {
            image: Some(image),
            build_number: Some(1),
            deployment_id: Some(_),
            healthy: 2,
            stage_times,
        }) => {
            assert_eq!(
                image,
                "registry.marathon.l4lb.thisdcos.directory:5000/hello-service:1.0.1"
            );
            let stages: Vec<Stage> = stage_times.iter().map(|t| t.stage).collect();
            assert_eq!(stages, [Stage::Configure, Stage::Build, Stage::Deploy]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_failing_build_exits_1_before_any_deploy() {
    use cd_pipeline::Stage;
    let dir = tempfile::tempdir().unwrap();
    std::fs::copy(example("marathon.json"), dir.path().join("marathon.json")).unwrap();
    std::fs::copy(example("Jenkinsfile"), dir.path().join("Jenkinsfile")).unwrap();
    let text_spec = std::fs::read_to_string(example("pipeline.toml"))
        .unwrap()
        .replace(
            "parameters = { GREETING = \"hello\" }",
            "parameters = { GREETING = \"hello\", FAIL = \"false\" }",
        );
    let spec = dir.path().join("pipeline.toml");
    std::fs::write(&spec, text_spec).unwrap();
    let output = dcos_cd(
        dir.path(),
        &[
            "run",
            spec.to_str().unwrap(),
            "-p",
            "FAIL=true",
            "--output",
            "json",
            "--sim-speed",
            "20",
        ],
    );
    assert_eq!(output.status.code(), Some(1), "{}", text(&output.stderr));
    let events = json_events(&output);
    assert_eq!(stages_started(&events), [Stage::Configure, Stage::Build]);
    match events.last() {
        Some(PipelineEvent::Failed {
            stage: Some(Stage::Build),
            message,
            exit_code: 1,
        }) => assert!(message.contains("FAILURE"), "{message}"),
        other => panic!("{other:?}"),
    }
}
