//! [`PipelineSpec`]: the declarative `pipeline.toml`, validated before any
//! network call.
//!
//! ```toml
//! service = "hello-service"
//!
//! [cluster]                       # optional: none means the embedded dcos-sim
//! url = "https://dcos.example.com"
//! token_env = "DCOS_ACS_TOKEN"    # or login_env, service_account_file,
//!                                 # service_account_env, profile
//!
//! [build]
//! job = "cd/hello-service"
//! agent_label = "dind"
//! image = "registry.example.com/hello-service"
//! tag = "{git_sha}-{build_number}"
//! parameters = { GREETING = "hello" }
//! jenkinsfile = { file = "Jenkinsfile" }   # or { inline = "pipeline { … }" }
//! # scm = { url = "https://git.example.com/hello.git", branch = "main",
//! #         script_path = "Jenkinsfile", credentials_id = "git" }
//!
//! [deploy]
//! template = "marathon.json"      # or template_inline = '''{ … }'''
//! kind = "app"                    # or "group"
//! strategy = "rolling"            # "blue-green", or { canary = { steps = [10, 50, 100] } }
//! health_timeout = "5m"
//! no_progress_timeout = "2m"
//! auto_rollback = true
//! force = false
//!
//! [deploy.set]                    # typed values at JSON paths of the template
//! "container.docker.image" = "{image}"
//! instances = 3
//!
//! [[deploy.gates]]
//! type = "http"
//! path = "/health"
//! expected_status = 200
//! ```
//!
//! Every error is an [`Error::Spec`] naming the file, the
//! line, the column and the field. Unknown keys are refused: a misspelt
//! `stratgy` would otherwise be silently ignored and deploy with defaults.

mod json_path;
mod location;
mod parse;
mod template;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde_json::Value;

pub use self::json_path::{JsonPath, Segment};
pub use self::template::{Placeholder, Template, TemplateError};
use crate::error::{Error, Result};

/// The placeholders a build tag template may use.
pub const TAG_PLACEHOLDERS: [Placeholder; 4] = [
    Placeholder::GitSha,
    Placeholder::BuildNumber,
    Placeholder::Service,
    Placeholder::Timestamp,
];

/// The default health-gate timeout: 5 minutes.
pub const DEFAULT_HEALTH_TIMEOUT: Duration = Duration::from_secs(300);
/// The default no-progress watchdog: 2 minutes.
pub const DEFAULT_NO_PROGRESS_TIMEOUT: Duration = Duration::from_secs(120);
/// The default time an HTTP gate waits for an answer: 5 seconds.
pub const DEFAULT_GATE_TIMEOUT: Duration = Duration::from_secs(5);

/// A validated `pipeline.toml`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PipelineSpec {
    /// The spec file, as given (files it names are relative to its folder).
    pub file: PathBuf,
    /// The service name (`hello-service`).
    pub service: String,
    /// The cluster; `None` means the embedded dcos-sim.
    pub cluster: Option<ClusterSpec>,
    /// The build.
    pub build: BuildSpec,
    /// The deploy.
    pub deploy: DeploySpec,
}

/// Where the cluster is and how to authenticate. Holds references to
/// credentials (variable names, file paths, a profile), never secrets.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ClusterSpec {
    /// The cluster URL; `None` only with a [`CredentialRef::Profile`], whose
    /// `core.dcos_url` is used.
    pub url: Option<String>,
    /// The credentials.
    pub credentials: CredentialRef,
}

/// A reference to the cluster credentials.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum CredentialRef {
    /// The standard variables (`DCOS_ACS_TOKEN`, `DCOS_UID`/`DCOS_PASSWORD`,
    /// `DCOS_SERVICE_ACCOUNT_CREDENTIAL`), as `dcos_auth::Cluster::from_env`
    /// reads them; none of them means no authentication.
    Environment,
    /// An ACS token in the named variable.
    TokenEnv(String),
    /// A user login: the variables holding the uid and the password.
    LoginEnv {
        /// The variable holding the uid.
        uid: String,
        /// The variable holding the password.
        password: String,
    },
    /// A service-account credential file (JSON with `uid`, `private_key`,
    /// `login_endpoint`), relative to the spec's folder.
    ServiceAccountFile(PathBuf),
    /// A service-account credential (JSON or a file path) in the named
    /// variable.
    ServiceAccountEnv(String),
    /// A DC/OS CLI cluster (its id, an id prefix, or its name) under
    /// `~/.dcos/clusters/`.
    Profile(String),
}

/// The build.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct BuildSpec {
    /// The Jenkins job path (`cd/hello-service`).
    pub job: jenkins_client::JobPath,
    /// The Jenkinsfile: inline or from SCM.
    pub jenkinsfile: Jenkinsfile,
    /// The label of the Docker-in-Docker agent.
    pub agent_label: String,
    /// The image repository, without a tag (`registry.example.com/hello`).
    pub image: String,
    /// The tag template (`{git_sha}-{build_number}`).
    pub tag: Template,
    /// Build parameters, by name.
    pub parameters: BTreeMap<String, String>,
}

/// Where the Jenkinsfile comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Jenkinsfile {
    /// The script itself (read from `file = "…"` or given `inline`).
    Inline {
        /// The Pipeline script.
        script: String,
        /// The file it was read from, when it was.
        file: Option<PathBuf>,
    },
    /// A script in a Git repository.
    Scm {
        /// The repository URL.
        url: String,
        /// The branch (default `main`).
        branch: String,
        /// The script's path in the repository (default `Jenkinsfile`).
        script_path: String,
        /// The Jenkins credentials id for the repository, if it needs one.
        credentials_id: Option<String>,
    },
}

/// Whether the deploy template is one app or a group.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TemplateKind {
    /// A Marathon app (`PUT /v2/apps/{id}`).
    App,
    /// A Marathon group (`PUT /v2/groups/{id}`).
    Group,
}

/// A typed value written at a JSON path of the template.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Substitution {
    /// Where.
    pub path: JsonPath,
    /// The value; strings may hold placeholders, see [`Substitution::render`].
    pub value: Value,
}

impl Substitution {
    /// The value with the placeholders of its strings (at any depth) filled.
    pub fn render(
        &self,
        value: &impl Fn(Placeholder) -> Option<String>,
    ) -> Result<Value, Placeholder> {
        render_value(&self.value, value)
    }
}

fn render_value(
    v: &Value,
    value: &impl Fn(Placeholder) -> Option<String>,
) -> Result<Value, Placeholder> {
    Ok(match v {
        Value::String(s) => match Template::parse(s, &Placeholder::ALL) {
            Ok(t) => Value::String(t.render(value)?),
            // Validated at load; a literal it cannot parse stays as written.
            Err(_) => v.clone(),
        },
        Value::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| render_value(i, value))
                .collect::<Result<_, _>>()?,
        ),
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, i)| Ok((k.clone(), render_value(i, value)?)))
                .collect::<Result<_, _>>()?,
        ),
        other => other.clone(),
    })
}

/// How a new version replaces the running one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Strategy {
    /// Marathon's own rolling restart (`upgradeStrategy`).
    Rolling,
    /// A second app, `<id>-blue` or `<id>-green`, then a switch.
    BlueGreen,
    /// The new version on a growing share of instances, with a gate at each
    /// step.
    Canary {
        /// Percentages, strictly increasing, ending at 100.
        steps: Vec<u8>,
    },
}

/// A gate checked after the health checks pass.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Gate {
    /// An HTTP GET on every new task's endpoint.
    Http {
        /// The path, starting with `/`.
        path: String,
        /// The status that passes.
        expected_status: u16,
        /// Which of the task's ports.
        port_index: usize,
        /// How long one probe may take.
        timeout: Duration,
    },
}

impl Gate {
    /// A short name for events and errors (`http /health`).
    pub fn name(&self) -> String {
        match self {
            Gate::Http { path, .. } => format!("http {path}"),
        }
    }
}

/// The deploy.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct DeploySpec {
    /// App or group.
    pub kind: TemplateKind,
    /// The template, parsed.
    pub template: Value,
    /// The template's file, when it came from one.
    pub template_file: Option<PathBuf>,
    /// The values to write into the template, in the spec's order.
    pub set: Vec<Substitution>,
    /// The strategy.
    pub strategy: Strategy,
    /// How long the new version may take to become healthy.
    pub health_timeout: Duration,
    /// How long the deployment may go without any progress.
    pub no_progress_timeout: Duration,
    /// Roll back by itself when the new version fails (default `true`).
    pub auto_rollback: bool,
    /// Deploy over a deployment in progress with `force=true` (default `false`).
    pub force: bool,
    /// Extra gates.
    pub gates: Vec<Gate>,
}

impl DeploySpec {
    /// The app or group id of the template.
    pub fn id(&self) -> &str {
        self.template
            .get("id")
            .and_then(Value::as_str)
            .unwrap_or_default()
    }
}

impl PipelineSpec {
    /// Reads and validates the spec at `path`, and the files it names.
    pub fn load(path: impl AsRef<Path>) -> Result<Self> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path).map_err(|source| Error::SpecRead {
            path: path.to_owned(),
            source,
        })?;
        Self::parse(&text, path)
    }

    /// Validates `text`, reported as `file_name`; files it names are read
    /// relative to `file_name`'s folder.
    pub fn parse(text: &str, file_name: impl AsRef<Path>) -> Result<Self> {
        parse::parse(text, file_name.as_ref())
    }

    /// The folder files named by the spec are relative to.
    pub fn base_dir(&self) -> &Path {
        self.file
            .parent()
            .filter(|p| !p.as_os_str().is_empty())
            .unwrap_or(Path::new("."))
    }
}

#[cfg(test)]
pub(crate) mod tests;
