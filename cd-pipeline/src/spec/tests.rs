use std::path::Path;
use std::time::Duration;

use serde_json::json;

use super::*;

const APP: &str = r#"{"id": "/hello", "instances": 1, "cmd": "serve",
  "container": {"type": "DOCKER", "docker": {"image": "placeholder"}}}"#;

fn valid(extra_build: &str, extra_deploy: &str) -> String {
    format!(
        r#"service = "hello"

[build]
job = "cd/hello"
image = "registry.example.com/team/hello"
tag = "{{git_sha}}-{{build_number}}"
jenkinsfile = {{ inline = "pipeline {{ }}" }}
{extra_build}

[deploy]
template_inline = '''{APP}'''
{extra_deploy}
"#
    )
}

/// A small valid spec, for tests of other modules.
pub(crate) fn minimal_spec() -> PipelineSpec {
    PipelineSpec::parse(&valid("", ""), "pipeline.toml").unwrap()
}

/// The spec error's (line, column, field, message).
fn spec_error(text: &str) -> (usize, usize, String, String) {
    match PipelineSpec::parse(text, "p.toml").unwrap_err() {
        Error::Spec {
            file,
            line,
            column,
            field,
            message,
        } => {
            assert_eq!(file, Path::new("p.toml"));
            (line, column, field, message)
        }
        other => panic!("not a spec error: {other:?}"),
    }
}

fn line_of(text: &str, needle: &str) -> usize {
    let offset = text
        .find(needle)
        .unwrap_or_else(|| panic!("{needle} not in text"));
    text[..offset].matches('\n').count() + 1
}

/// Replaces `from` with `to` in the valid spec and expects an error on the
/// line of `to`, naming `field`, with `message` in its text.
fn expect_error(from: &str, to: &str, field: &str, message: &str) {
    let text = valid("", "").replacen(from, to, 1);
    assert_ne!(text, valid("", ""), "{from} not found");
    let (line, _, f, m) = spec_error(&text);
    assert_eq!(f, field, "{m}");
    assert!(m.contains(message), "{m:?} lacks {message:?}");
    assert_eq!(line, line_of(&text, to), "{m}");
}

#[test]
fn a_minimal_spec_gets_the_defaults() {
    let spec = minimal_spec();
    assert_eq!(spec.service, "hello");
    assert_eq!(spec.cluster, None);
    assert_eq!(spec.build.job.to_string(), "cd/hello");
    assert_eq!(spec.build.agent_label, "linux");
    assert_eq!(spec.build.image, "registry.example.com/team/hello");
    assert_eq!(spec.build.tag.as_str(), "{git_sha}-{build_number}");
    assert!(spec.build.parameters.is_empty());
    assert_eq!(
        spec.build.jenkinsfile,
        Jenkinsfile::Inline {
            script: "pipeline { }".into(),
            file: None
        }
    );
    let deploy = &spec.deploy;
    assert_eq!(deploy.kind, TemplateKind::App);
    assert_eq!(deploy.id(), "/hello");
    assert_eq!(deploy.strategy, Strategy::Rolling);
    assert_eq!(deploy.health_timeout, DEFAULT_HEALTH_TIMEOUT);
    assert_eq!(deploy.no_progress_timeout, DEFAULT_NO_PROGRESS_TIMEOUT);
    assert!(deploy.auto_rollback);
    assert!(!deploy.force);
    assert!(deploy.set.is_empty() && deploy.gates.is_empty());
    assert_eq!(spec.base_dir(), Path::new("."));
}

#[test]
fn a_full_spec_reads_every_field() {
    let text = valid(
        "agent_label = \"dind\"\nparameters = { GREETING = \"hi\", RETRIES = 3, DEBUG = true }",
        r#"strategy = { canary = { steps = [10, 50, 100] } }
health_timeout = "90s"
no_progress_timeout = 30
auto_rollback = false
force = true

[deploy.set]
"container.docker.image" = "{image}"
instances = 3
labels.TEAM = "{service}"

[[deploy.gates]]
type = "http"
path = "/health"
expected_status = 204
port_index = 1
timeout = "2s"
"#,
    );
    let text = format!(
        "{text}\n[cluster]\nurl = \"https://dcos.example.com\"\ntoken_env = \"CD_TOKEN\"\n"
    );
    let spec = PipelineSpec::parse(&text, "ci/pipeline.toml").unwrap();
    assert_eq!(spec.base_dir(), Path::new("ci"));
    assert_eq!(
        spec.cluster,
        Some(ClusterSpec {
            url: Some("https://dcos.example.com".into()),
            credentials: CredentialRef::TokenEnv("CD_TOKEN".into()),
        })
    );
    assert_eq!(spec.build.agent_label, "dind");
    assert_eq!(spec.build.parameters["GREETING"], "hi");
    assert_eq!(spec.build.parameters["RETRIES"], "3");
    assert_eq!(spec.build.parameters["DEBUG"], "true");
    let d = &spec.deploy;
    assert_eq!(
        d.strategy,
        Strategy::Canary {
            steps: vec![10, 50, 100]
        }
    );
    assert_eq!(d.health_timeout, Duration::from_secs(90));
    assert_eq!(d.no_progress_timeout, Duration::from_secs(30));
    assert!(!d.auto_rollback && d.force);
    let set: Vec<_> = d
        .set
        .iter()
        .map(|s| (s.path.as_str(), s.value.clone()))
        .collect();
    assert_eq!(
        set,
        [
            ("container.docker.image", json!("{image}")),
            ("instances", json!(3)),
            ("labels.TEAM", json!("{service}")),
        ]
    );
    assert_eq!(
        d.gates,
        [Gate::Http {
            path: "/health".into(),
            expected_status: 204,
            port_index: 1,
            timeout: Duration::from_secs(2),
        }]
    );
    assert_eq!(d.gates[0].name(), "http /health");
}

#[test]
fn substitutions_render_their_placeholders() {
    let text = valid(
        "",
        "[deploy.set]\n\"container.docker.image\" = \"{image}\"\n",
    );
    let spec = PipelineSpec::parse(&text, "p.toml").unwrap();
    let value = spec.deploy.set[0]
        .render(&|p| (p == Placeholder::Image).then(|| "r/hello:7".to_owned()))
        .unwrap();
    assert_eq!(value, json!("r/hello:7"));
    let mut app = spec.deploy.template.clone();
    spec.deploy.set[0].path.set(&mut app, value).unwrap();
    assert_eq!(app["container"]["docker"]["image"], "r/hello:7");
    assert_eq!(
        spec.deploy.set[0].render(&|_| None),
        Err(Placeholder::Image)
    );
}

#[test]
fn toml_syntax_errors_name_line_column_and_field() {
    let text = valid("", "").replace("tag = \"{git_sha}-{build_number}\"", "tag = ");
    let (line, column, field, message) = spec_error(&text);
    assert_eq!(line, line_of(&text, "tag = "));
    assert_eq!(column, 7);
    assert_eq!(field, "build.tag");
    assert!(!message.is_empty());
}

#[test]
fn missing_fields_are_named() {
    let text = valid("", "").replace("service = \"hello\"\n", "");
    let (line, _, field, message) = spec_error(&text);
    assert_eq!(field, "service");
    assert!(message.contains("missing field `service`"), "{message}");
    assert_eq!(line, 1);

    let text = valid("", "").replace("job = \"cd/hello\"\n", "");
    let (_, _, field, message) = spec_error(&text);
    assert_eq!(field, "build.job", "{message}");
}

#[test]
fn unknown_keys_are_refused_where_they_are() {
    expect_error(
        "template_inline",
        "stratgy = \"rolling\"\ntemplate_inline",
        "deploy.stratgy",
        "unknown field `stratgy`",
    );
}

#[test]
fn wrong_types_are_refused() {
    expect_error(
        "service = \"hello\"",
        "service = 3",
        "service",
        "invalid type",
    );
}

#[test]
fn service_names_are_checked() {
    expect_error(
        "service = \"hello\"",
        "service = \"Hello_World\"",
        "service",
        "not a service name",
    );
    expect_error(
        "service = \"hello\"",
        "service = \"-x\"",
        "service",
        "not a service name",
    );
}

#[test]
fn job_paths_are_checked() {
    expect_error("job = \"cd/hello\"", "job = \"cd//hello\"", "build.job", "");
    expect_error("job = \"cd/hello\"", "job = \"\"", "build.job", "empty");
}

#[test]
fn image_repositories_are_checked() {
    for (image, message) in [
        ("registry.example.com/team/hello:1", "has a tag"),
        ("hello@sha256:abc", "digest"),
        ("team/Hello", "not a repository name component"),
        ("team//hello", "not a repository name component"),
        ("", "must not be empty"),
        ("bad_host!.com/hello", "not a registry host"),
    ] {
        expect_error(
            "image = \"registry.example.com/team/hello\"",
            &format!("image = \"{image}\""),
            "build.image",
            message,
        );
    }
    for image in [
        "hello",
        "localhost:5000/hello",
        "docker.io/library/hello-world",
    ] {
        let text = valid("", "").replace("registry.example.com/team/hello", image);
        assert_eq!(PipelineSpec::parse(&text, "p").unwrap().build.image, image);
    }
}

#[test]
fn tag_templates_are_checked() {
    let from = "tag = \"{git_sha}-{build_number}\"";
    expect_error(
        from,
        "tag = \"{sha}\"",
        "build.tag",
        "unknown placeholder `{sha}`",
    );
    expect_error(
        from,
        "tag = \"{image}\"",
        "build.tag",
        "unknown placeholder `{image}`",
    );
    expect_error(
        from,
        "tag = \"v 1\"",
        "build.tag",
        "cannot appear in a Docker tag",
    );
    expect_error(
        from,
        "tag = \"-{build_number}\"",
        "build.tag",
        "cannot start",
    );
    expect_error(from, "tag = \"\"", "build.tag", "must not be empty");
    expect_error(from, "tag = \"{git_sha\"", "build.tag", "without a closing");
}

#[test]
fn parameters_are_checked() {
    expect_error(
        "jenkinsfile =",
        "parameters = { \"BAD NAME\" = \"x\" }\njenkinsfile =",
        "build.parameters.BAD NAME",
        "parameter name",
    );
    expect_error(
        "jenkinsfile =",
        "parameters = { LIST = [1] }\njenkinsfile =",
        "build.parameters.LIST",
        "not array",
    );
}

#[test]
fn the_jenkinsfile_is_inline_file_or_scm() {
    let inline = "jenkinsfile = { inline = \"pipeline { }\" }";
    expect_error(
        inline,
        "jenkinsfile = { inline = \" \" }",
        "build.jenkinsfile.inline",
        "empty",
    );
    expect_error(
        inline,
        "jenkinsfile = { inline = \"x\", file = \"J\" }",
        "build.jenkinsfile",
        "not both",
    );
    expect_error(
        inline,
        "jenkinsfile = { }",
        "build.jenkinsfile",
        "give inline",
    );
    expect_error(
        inline,
        "jenkinsfile = { file = \"does-not-exist/Jenkinsfile\" }",
        "build.jenkinsfile.file",
        "cannot read",
    );
    let text = valid("", "").replace(inline, "");
    let (_, _, field, message) = spec_error(&text);
    assert_eq!(field, "build.jenkinsfile");
    assert!(message.contains("missing"), "{message}");

    let text = valid("", "").replace(
        inline,
        "scm = { url = \"https://git.example.com/x.git\", credentials_id = \"git\" }",
    );
    let spec = PipelineSpec::parse(&text, "p").unwrap();
    assert_eq!(
        spec.build.jenkinsfile,
        Jenkinsfile::Scm {
            url: "https://git.example.com/x.git".into(),
            branch: "main".into(),
            script_path: "Jenkinsfile".into(),
            credentials_id: Some("git".into()),
        }
    );
    let both = valid("scm = { url = \"https://g/x.git\" }", "");
    let (line, _, field, message) = spec_error(&both);
    assert_eq!(field, "build.scm");
    assert!(message.contains("not both"), "{message}");
    assert_eq!(line, line_of(&both, "scm = "));
}

#[test]
fn files_are_read_relative_to_the_spec() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("Jenkinsfile"), "pipeline { agent any }").unwrap();
    std::fs::write(dir.path().join("marathon.json"), APP).unwrap();
    let text = valid("", "")
        .replace(
            "jenkinsfile = { inline = \"pipeline { }\" }",
            "jenkinsfile = { file = \"Jenkinsfile\" }",
        )
        .replace(
            &format!("template_inline = '''{APP}'''"),
            "template = \"marathon.json\"",
        );
    let path = dir.path().join("pipeline.toml");
    std::fs::write(&path, &text).unwrap();
    let spec = PipelineSpec::load(&path).unwrap();
    assert_eq!(
        spec.build.jenkinsfile,
        Jenkinsfile::Inline {
            script: "pipeline { agent any }".into(),
            file: Some(dir.path().join("Jenkinsfile")),
        }
    );
    assert_eq!(
        spec.deploy.template_file,
        Some(dir.path().join("marathon.json"))
    );
    assert_eq!(spec.deploy.id(), "/hello");
}

#[test]
fn a_missing_spec_file_is_a_read_error_with_exit_code_2() {
    let error = PipelineSpec::load("/nonexistent/pipeline.toml").unwrap_err();
    assert!(matches!(error, Error::SpecRead { .. }), "{error:?}");
    assert_eq!(error.exit_code(), 2);
}

#[test]
fn template_json_errors_name_the_template_file_and_line() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("marathon.json"),
        "{\n  \"id\": \"/x\",\n  oops\n}",
    )
    .unwrap();
    let text = valid("", "").replace(
        &format!("template_inline = '''{APP}'''"),
        "template = \"marathon.json\"",
    );
    let error = PipelineSpec::parse(&text, dir.path().join("pipeline.toml")).unwrap_err();
    match error {
        Error::Spec {
            file,
            line,
            field,
            message,
            ..
        } => {
            assert_eq!(file, dir.path().join("marathon.json"));
            assert_eq!(line, 3);
            assert_eq!(field, "deploy.template");
            assert!(message.contains("invalid JSON"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    let text = valid("", "").replace(
        &format!("template_inline = '''{APP}'''"),
        "template = \"nope.json\"",
    );
    let (_, _, field, message) = spec_error(&text);
    assert_eq!(field, "deploy.template");
    assert!(message.contains("cannot read"), "{message}");
}

#[test]
fn inline_template_json_errors_point_into_the_spec() {
    let text = valid("", "").replace(
        &format!("template_inline = '''{APP}'''"),
        "template_inline = '''\n{\n  \"id\": \"/x\",\n  oops\n}'''",
    );
    let (line, _, field, message) = spec_error(&text);
    assert_eq!(field, "deploy.template_inline");
    assert!(message.contains("invalid JSON"), "{message}");
    assert_eq!(line, line_of(&text, "oops"));
}

#[test]
fn template_shapes_are_checked() {
    let from = &format!("template_inline = '''{APP}'''");
    for (template, message) in [
        ("[1]", "not a JSON object"),
        ("{\"cmd\": \"x\"}", "no string `id`"),
        ("{\"id\": \"/Bad_Id\", \"cmd\": \"x\"}", "the template's id"),
        ("{\"id\": \"/x\"}", "needs `cmd`, `args` or `container`"),
        (
            "{\"id\": \"/x\", \"cmd\": \"x\", \"instances\": -1}",
            "not a non-negative integer",
        ),
        (
            "{\"id\": \"/x\", \"apps\": []}",
            "deploy.kind = \\\"group\\\"",
        ),
    ] {
        let to = format!("template_inline = '''{template}'''");
        let text = valid("", "").replace(from, &to);
        let (line, _, field, m) = spec_error(&text);
        assert_eq!(field, "deploy.template_inline", "{m}");
        assert!(
            m.contains(message.replace('\\', "").as_str()),
            "{m:?} lacks {message:?}"
        );
        assert_eq!(line, line_of(&text, "template_inline"));
    }
    let group = valid("", "").replace(
        from,
        "kind = \"group\"\ntemplate_inline = '''{\"id\": \"/g\", \"apps\": []}'''",
    );
    assert_eq!(
        PipelineSpec::parse(&group, "p").unwrap().deploy.kind,
        TemplateKind::Group
    );
    let group = valid("", "").replace(
        from,
        "kind = \"group\"\ntemplate_inline = '''{\"id\": \"/g\"}'''",
    );
    assert!(spec_error(&group).3.contains("needs `apps` or `groups`"));
    let group = valid("", "").replace(
        from,
        "kind = \"group\"\ntemplate_inline = '''{\"id\": \"/g\", \"apps\": {}}'''",
    );
    assert!(
        spec_error(&group)
            .3
            .contains("`apps` is an object, not an array")
    );
    expect_error(
        "template_inline",
        "kind = \"pod\"\ntemplate_inline",
        "deploy.kind",
        "unknown kind `pod`",
    );
    let both = valid("", "").replace("[deploy]\n", "[deploy]\ntemplate = \"x.json\"\n");
    let (line, _, field, m) = spec_error(&both);
    assert_eq!(field, "deploy.template_inline");
    assert!(m.contains("not both"), "{m}");
    assert_eq!(line, line_of(&both, "template_inline"));
    let text = valid("", "").replace(from, "");
    let (_, _, field, m) = spec_error(&text);
    assert_eq!(field, "deploy.template");
    assert!(m.contains("missing"), "{m}");
}

#[test]
fn substitutions_are_checked_against_the_template() {
    let extra = |set: &str| valid("", &format!("[deploy.set]\n{set}\n"));
    for (set, field, message) in [
        (
            "instances = \"3\"",
            "deploy.set.instances",
            "has a number at `instances`, the spec sets a string",
        ),
        (
            "\"container.docker.image\" = 1",
            "deploy.set.container.docker.image",
            "has a string",
        ),
        (
            "\"cmd.x\" = 1",
            "deploy.set.cmd.x",
            "`cmd` is a string in the template",
        ),
        ("\"a..b\" = 1", "deploy.set.a..b", "empty segment"),
        (
            "\"container.docker.image\" = \"{nope}\"",
            "deploy.set.container.docker.image",
            "unknown placeholder `{nope}`",
        ),
        ("env = { A = [1, {}] }", "deploy.set.env.A", ""),
    ] {
        let text = extra(set);
        if set.starts_with("env") {
            // Nested tables are paths; an array of mixed values is a value.
            let spec = PipelineSpec::parse(&text, "p").unwrap();
            assert_eq!(spec.deploy.set[0].path.as_str(), "env.A");
            assert_eq!(spec.deploy.set[0].value, json!([1, {}]));
            continue;
        }
        let (line, _, f, m) = spec_error(&text);
        assert_eq!(f, field, "{m}");
        assert!(m.contains(message), "{m:?} lacks {message:?}");
        assert_eq!(line, line_of(&text, set));
    }
}

#[test]
fn strategies_are_checked() {
    let s = |strategy: &str| valid("", &format!("strategy = {strategy}"));
    assert_eq!(
        PipelineSpec::parse(&s("\"blue-green\""), "p")
            .unwrap()
            .deploy
            .strategy,
        Strategy::BlueGreen
    );
    assert_eq!(
        PipelineSpec::parse(&s("{ canary = { steps = [100] } }"), "p")
            .unwrap()
            .deploy
            .strategy,
        Strategy::Canary { steps: vec![100] }
    );
    for (strategy, field, message) in [
        ("\"fast\"", "deploy.strategy", "unknown strategy `fast`"),
        ("\"canary\"", "deploy.strategy", "canary needs its steps"),
        ("3", "deploy.strategy", "integer is not a strategy"),
        (
            "{ canary = { steps = [10, 50, 100] }, rolling = {} }",
            "deploy.strategy",
            "one key",
        ),
        (
            "{ linear = { steps = [100] } }",
            "deploy.strategy",
            "unknown strategy `linear`",
        ),
        (
            "{ canary = { step = [100] } }",
            "deploy.strategy.canary.steps",
            "only steps",
        ),
        (
            "{ canary = { steps = [50, 10, 100] } }",
            "deploy.strategy.canary.steps",
            "must increase",
        ),
        (
            "{ canary = { steps = [10, 50] } }",
            "deploy.strategy.canary.steps",
            "last step must be 100",
        ),
        (
            "{ canary = { steps = [0, 100] } }",
            "deploy.strategy.canary.steps",
            "from 1 to 100",
        ),
        (
            "{ canary = { steps = [10, 150] } }",
            "deploy.strategy.canary.steps",
            "from 1 to 100",
        ),
        (
            "{ canary = { steps = [] } }",
            "deploy.strategy.canary.steps",
            "empty",
        ),
    ] {
        let text = s(strategy);
        let (line, _, f, m) = spec_error(&text);
        assert_eq!(f, field, "{strategy}: {m}");
        assert!(m.contains(message), "{m:?} lacks {message:?}");
        assert_eq!(line, line_of(&text, "strategy = "));
    }
}

#[test]
fn durations_are_checked() {
    for (value, message) in [
        ("\"soon\"", "not a duration"),
        ("-5", "negative"),
        ("\"0s\"", "longer than zero"),
        ("1.5", "float is not a duration"),
    ] {
        let text = valid("", &format!("health_timeout = {value}"));
        let (_, _, f, m) = spec_error(&text);
        assert_eq!(f, "deploy.health_timeout");
        assert!(m.contains(message), "{m:?} lacks {message:?}");
    }
    let text = valid("", "no_progress_timeout = \"1m 30s\"");
    assert_eq!(
        PipelineSpec::parse(&text, "p")
            .unwrap()
            .deploy
            .no_progress_timeout,
        Duration::from_secs(90)
    );
}

#[test]
fn gates_are_checked() {
    let g = |body: &str| valid("", &format!("[[deploy.gates]]\n{body}\n"));
    for (body, field, message) in [
        (
            "type = \"tcp\"",
            "deploy.gates[0].type",
            "unknown gate type `tcp`",
        ),
        ("type = \"http\"", "deploy.gates[0].path", "needs a path"),
        (
            "type = \"http\"\npath = \"health\"",
            "deploy.gates[0].path",
            "start with '/'",
        ),
        (
            "type = \"http\"\npath = \"/h\"\nexpected_status = 42",
            "deploy.gates[0].expected_status",
            "100 to 599",
        ),
        (
            "type = \"http\"\npath = \"/h\"\nport_index = -1",
            "deploy.gates[0].port_index",
            "negative",
        ),
        (
            "type = \"http\"\npath = \"/h\"\ntimeout = \"x\"",
            "deploy.gates[0].timeout",
            "not a duration",
        ),
    ] {
        let (_, _, f, m) = spec_error(&g(body));
        assert_eq!(f, field, "{m}");
        assert!(m.contains(message), "{m:?} lacks {message:?}");
    }
    let spec = PipelineSpec::parse(&g("type = \"http\"\npath = \"/\""), "p").unwrap();
    assert_eq!(
        spec.deploy.gates,
        [Gate::Http {
            path: "/".into(),
            expected_status: 200,
            port_index: 0,
            timeout: DEFAULT_GATE_TIMEOUT
        }]
    );
}

#[test]
fn cluster_references_are_checked() {
    let c = |body: &str| format!("{}\n[cluster]\n{body}\n", valid("", ""));
    let ok = |body: &str| PipelineSpec::parse(&c(body), "p").unwrap().cluster.unwrap();
    assert_eq!(
        ok("url = \"https://d.example.com\""),
        ClusterSpec {
            url: Some("https://d.example.com".into()),
            credentials: CredentialRef::Environment
        }
    );
    assert_eq!(
        ok("url = \"https://d.example.com\"\nlogin_env = { uid = \"U\", password = \"P\" }")
            .credentials,
        CredentialRef::LoginEnv {
            uid: "U".into(),
            password: "P".into()
        }
    );
    assert_eq!(
        ok("url = \"https://d.example.com\"\nservice_account_env = \"SA\"").credentials,
        CredentialRef::ServiceAccountEnv("SA".into())
    );
    assert_eq!(
        ok("profile = \"prod\""),
        ClusterSpec {
            url: None,
            credentials: CredentialRef::Profile("prod".into())
        }
    );
    for (body, field, message) in [
        ("url = \"ftp://d\"", "cluster.url", "http or https"),
        ("url = \"not a url\"", "cluster.url", "invalid URL"),
        ("token_env = \"T\"", "cluster.url", "needs a url"),
        (
            "url = \"https://d\"\ntoken_env = \"eyJhbGciOi.secret\"",
            "cluster.token_env",
            "not an environment variable name",
        ),
        (
            "url = \"https://d\"\nlogin_env = { uid = \"U\", password = \"a b\" }",
            "cluster.login_env.password",
            "not an environment variable name",
        ),
        (
            "url = \"https://d\"\ntoken_env = \"T\"\nprofile = \"p\"",
            "cluster",
            "one credential reference",
        ),
        (
            "url = \"https://d\"\nservice_account_file = \"missing.json\"",
            "cluster.service_account_file",
            "no such file",
        ),
        (
            "url = \"https://d\"\nprofile = \"\"",
            "cluster.profile",
            "must not be empty",
        ),
    ] {
        let (_, _, f, m) = spec_error(&c(body));
        assert_eq!(f, field, "{body}: {m}");
        assert!(m.contains(message), "{m:?} lacks {message:?}");
    }
}

#[test]
fn a_secret_given_instead_of_a_variable_name_is_not_echoed() {
    let text = format!(
        "{}\n[cluster]\nurl = \"https://d\"\ntoken_env = \"eyJhbGciOi.secret\"\n",
        valid("", "")
    );
    let error = PipelineSpec::parse(&text, "p").unwrap_err();
    // The value is echoed to say what is wrong only when it looks like a name;
    // a JWT-looking value must not be printed.
    let shown = error.to_string();
    assert!(!shown.contains("secret"), "{shown}");
}
