//! Checks generated Groovy with a real Groovy when one is installed: every
//! quoted literal evaluates to exactly the original string, and the DinD
//! template runs (with Pipeline steps stubbed) and checks its parameters.
//! Skips with a notice when `groovy` (and a Java for it) is not on the machine.
#![allow(clippy::unwrap_used, clippy::expect_used)] // helpers outside #[test] fns

use std::path::{Path, PathBuf};
use std::process::Command;

use jenkins_client::config_xml::{DindBuild, GitScm, groovy_string};

/// The first executable named `name` on `PATH`.
fn on_path(name: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(name))
        .find(|p| p.is_file())
}

/// A `groovy` command, with `JAVA_HOME` pointing at the `java` on `PATH` when
/// it is unset; `None` (with a notice) when either is missing.
fn groovy() -> Option<Command> {
    let (Some(groovy), Some(java)) = (on_path("groovy"), on_path("java")) else {
        eprintln!("NOTICE: groovy or java is not installed; skipping the Groovy checks");
        return None;
    };
    let mut cmd = Command::new(groovy);
    if std::env::var_os("JAVA_HOME").is_none() {
        let real = std::fs::canonicalize(java).ok()?;
        let home = real.parent()?.parent()?;
        cmd.env("JAVA_HOME", home);
    }
    Some(cmd)
}

/// A fresh scratch directory for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("jenkins-client-{name}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn run(mut cmd: Command, script: &Path, args: &[&str]) -> String {
    let out = cmd.arg(script).args(args).output().unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "groovy failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    stdout
}

/// Strings that quoting gets wrong, then pseudo-random ones.
fn corpus() -> Vec<String> {
    let mut out: Vec<String> = [
        "",
        "'",
        "''",
        "'''",
        "\\",
        "\\'",
        "\\\\'",
        "$x",
        "${x}",
        "${'",
        "\"",
        "\"\"\"",
        "\n",
        "\r\n",
        "\t",
        "\u{8}\u{c}",
        "\u{0}",
        "\u{1}\u{1f}\u{7f}",
        "\u{85}\u{2028}\u{2029}",
        "/*",
        "*/",
        "//",
        "\\u0027",
        "\\u000a",
        "ünï ✓ 中文 🚀",
        "a'b\\c\"d$e{f}g\nh",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    let alphabet: Vec<char> = "'\\\"$ {}\n\r\t/u0aZ\u{1}\u{7f}é🚀".chars().collect();
    let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
    for _ in 0..200 {
        let mut s = String::new();
        for _ in 0..(state % 24) {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            let pick = (state >> 33) as usize;
            if pick % 5 == 0 {
                s.push(char::from_u32((pick >> 3) as u32 % 0x11_0000).unwrap_or('x'));
            } else {
                s.push(alphabet[pick % alphabet.len()]);
            }
        }
        out.push(s);
    }
    out
}

#[test]
fn quoted_literals_evaluate_to_the_original() {
    let Some(cmd) = groovy() else { return };
    let dir = scratch("literals");
    let corpus = corpus();
    let mut script = String::from(
        "def check(String s, List<Integer> units, int i) {\n  def got = s.toCharArray().collect { (int) it }\n  if (got != units) { println \"MISMATCH $i: $got\" }\n}\n",
    );
    for (i, s) in corpus.iter().enumerate() {
        let units: Vec<String> = s.encode_utf16().map(|u| u.to_string()).collect();
        script.push_str(&format!(
            "check({}, [{}], {i})\n",
            groovy_string(s),
            units.join(", ")
        ));
    }
    script.push_str("println 'DONE'\n");
    let path = dir.join("literals.groovy");
    std::fs::write(&path, script).unwrap();
    let out = run(cmd, &path, &[]);
    assert_eq!(out.trim(), "DONE", "{out}");
    std::fs::remove_dir_all(dir).ok();
}

/// Runs a generated script with the Pipeline steps it uses stubbed out, and
/// prints what each step received.
const HARNESS: &str = r#"
def script = new File(args[0]).getText('UTF-8')
for (int i = 1; i + 1 < args.length; i += 2) {
  def seen = []
  def binding = new Binding()
  binding.params = [IMAGE: args[i], TAG: args[i + 1]]
  binding.node = { label, body -> seen << "node=$label"; body() }
  binding.stage = { name, body -> seen << "stage=$name"; body() }
  binding.checkout = { m -> seen << "branch=${m.branches[0].name}"; seen << "url=${m.userRemoteConfigs[0].url}"; seen << "gitcreds=${m.userRemoteConfigs[0].credentialsId}" }
  binding.withEnv = { list, body -> list.each { seen << "env=$it" }; body() }
  binding.usernamePassword = { m -> m }
  binding.withCredentials = { list, body -> seen << "creds=${list[0].credentialsId}"; body() }
  binding.sh = { cmd -> seen << "sh=$cmd" }
  binding.error = { msg -> throw new IllegalArgumentException(msg) }
  try {
    new GroovyShell(binding).evaluate(script)
    seen.each { println it.bytes.encodeHex() }
  } catch (IllegalArgumentException e) {
    println 'error=' + e.message
  }
  println '---'
}
"#;

#[test]
fn dind_template_runs_and_keeps_every_value_exact() {
    let Some(_) = groovy() else { return };
    let dir = scratch("dind");
    let harness = dir.join("harness.groovy");
    std::fs::write(&harness, HARNESS).unwrap();
    let hostile = "it's \\ \"q\" ${evil()} $HOME\nline2\r\t\u{1} ünï ✓ '''";
    let job = DindBuild::new(GitScm::new(hostile, hostile).credentials_id(hostile), "img")
        .label(hostile)
        .dockerfile(hostile)
        .context(hostile)
        .registry(hostile)
        .registry_credentials(hostile);
    let script = dir.join("dind.groovy");
    std::fs::write(&script, job.script()).unwrap();

    // One run (one JVM start) for the good parameters and every bad pair.
    let long_tag = "x".repeat(129);
    let bad: [(&str, &str); 6] = [
        ("img", ""),
        ("img", "bad tag"),
        ("img", ".v1"),
        ("img", &long_tag),
        ("bad image;rm", "v1"),
        ("", "v1"),
    ];
    let mut args = vec![
        script.to_str().unwrap(),
        "registry.example.com:5000/team/app",
        "v1.2.3",
    ];
    for (image, tag) in bad {
        args.extend([image, tag]);
    }
    let out = run(groovy().unwrap(), &harness, &args);
    let runs: Vec<&str> = out.split("---\n").collect();
    assert_eq!(runs.len(), 1 + bad.len() + 1, "{out}");

    let seen: Vec<String> = runs[0]
        .lines()
        .map(|hex| {
            let bytes: Vec<u8> = (0..hex.len())
                .step_by(2)
                .map(|i| u8::from_str_radix(&hex[i..i + 2], 16).unwrap())
                .collect();
            String::from_utf8(bytes).unwrap()
        })
        .collect();
    let expected = [
        format!("node={hostile}"),
        "stage=Checkout".into(),
        format!("branch={hostile}"),
        format!("url={hostile}"),
        format!("gitcreds={hostile}"),
        format!("env=DOCKERFILE={hostile}"),
        format!("env=CONTEXT={hostile}"),
        format!("env=REGISTRY={hostile}"),
        "stage=Build".into(),
        "sh=docker build --tag \"$IMAGE:$TAG\" --file \"$DOCKERFILE\" \"$CONTEXT\"".into(),
        "stage=Push".into(),
        format!("creds={hostile}"),
        "sh=printf \"%s\" \"$REGISTRY_PASSWORD\" | docker login --username \"$REGISTRY_USER\" --password-stdin \"$REGISTRY\"".into(),
        "sh=docker push \"$IMAGE:$TAG\"".into(),
    ];
    assert_eq!(seen, expected);

    // Bad parameters stop the build before it asks for an agent.
    for ((image, tag), out) in bad.iter().zip(&runs[1..]) {
        let expected =
            if tag.is_empty() || tag.contains(' ') || tag.starts_with('.') || tag.len() > 128 {
                "error=TAG must be"
            } else {
                "error=IMAGE must be"
            };
        assert!(out.starts_with(expected), "{image:?} {tag:?}: {out}");
        assert_eq!(out.lines().count(), 1, "no step ran: {out}");
    }
    std::fs::remove_dir_all(dir).ok();
}
