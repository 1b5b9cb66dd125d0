//! Configuring a cluster from the environment or from the DC/OS CLI's files.
//!
//! Both readers take a variable lookup instead of reading the process
//! environment, so they are tested without touching it.

use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;

use crate::cluster::ClusterBuilder;
use crate::credentials::{Credentials, ServiceAccount};
use crate::error::Error;
use crate::secret::Secret;

impl ClusterBuilder {
    /// A builder configured from the environment:
    ///
    /// - `DCOS_URL`: the cluster URL. It may be left out when the service
    ///   account credential names an absolute `login_endpoint`; its origin is
    ///   then the cluster URL.
    /// - `DCOS_SERVICE_ACCOUNT_CREDENTIAL`: a service account, as inline JSON or
    ///   the path of a JSON file.
    /// - `DCOS_UID` with `DCOS_PASSWORD`: a user login.
    /// - `DCOS_ACS_TOKEN`: a token. Alone it is a static token; with one of the
    ///   two above it is used first, and the login replaces it when it expires.
    /// - `DCOS_SSL_VERIFY`: `true`, `false` (no verification), or a CA bundle path.
    /// - `DCOS_TIMEOUT`: the unary time-out in seconds.
    ///
    /// When several credentials are set, the service account wins over the user
    /// login, which wins over the token.
    pub fn from_env() -> Result<Self, Error> {
        builder_from_env(&|name| std::env::var(name).ok(), None)
    }

    /// A builder for `url` with the credentials and settings of the
    /// environment: everything [`ClusterBuilder::from_env`] reads but
    /// `DCOS_URL`. For programs that take the URL on their command line.
    pub fn from_env_with_url(url: impl Into<String>) -> Result<Self, Error> {
        builder_from_env(&|name| std::env::var(name).ok(), Some(url.into()))
    }

    /// A builder for the cluster the DC/OS CLI is attached to: the
    /// `clusters/<id>/dcos.toml` under `$DCOS_DIR` (default `~/.dcos`) whose
    /// folder holds an `attached` file, or the one named by `DCOS_CLUSTER` (its
    /// id, a prefix of it, or its `cluster.name`). A CLI 0.x `~/.dcos/dcos.toml`
    /// is read when there is no `clusters` folder.
    ///
    /// It reads `core.dcos_url`, `core.dcos_acs_token` (a static token),
    /// `core.ssl_verify` and `core.timeout`; `DCOS_SSL_VERIFY` and `DCOS_TIMEOUT`
    /// override the file, as they do for the CLI.
    pub fn from_dcos_cli() -> Result<Self, Error> {
        builder_from_dcos_cli(&|name| std::env::var(name).ok())
    }

    /// Like [`ClusterBuilder::from_dcos_cli`] for the CLI cluster `name` (its
    /// id, a prefix of it, or its `cluster.name`), as with
    /// `DCOS_CLUSTER=<name>`: for programs that take a profile name.
    pub fn from_dcos_cli_cluster(name: &str) -> Result<Self, Error> {
        builder_from_dcos_cli(&with_cluster(&|var| std::env::var(var).ok(), name))
    }

    /// Whether a DC/OS CLI configuration exists under `$DCOS_DIR` (default
    /// `~/.dcos`): a `clusters/<id>/dcos.toml` or a CLI 0.x `dcos.toml`. Lets
    /// a program fall back to another cluster when there is none, and still
    /// report a broken configuration through
    /// [`ClusterBuilder::from_dcos_cli`].
    pub fn dcos_cli_configured() -> bool {
        dcos_cli_configured(&|name| std::env::var(name).ok())
    }
}

/// `lookup`, with `DCOS_CLUSTER` answered by `name`.
fn with_cluster<'a>(lookup: Lookup<'a>, name: &'a str) -> impl Fn(&str) -> Option<String> + 'a {
    move |var| {
        if var == "DCOS_CLUSTER" {
            Some(name.to_owned())
        } else {
            lookup(var)
        }
    }
}

/// The CLI's configuration folder: `$DCOS_DIR`, else `~/.dcos`.
fn dcos_dir(lookup: Lookup<'_>) -> Option<PathBuf> {
    var(lookup, "DCOS_DIR").map(PathBuf::from).or_else(|| {
        var(lookup, "HOME")
            .or_else(|| var(lookup, "USERPROFILE"))
            .map(|home| Path::new(&home).join(".dcos"))
    })
}

pub(crate) fn dcos_cli_configured(lookup: Lookup<'_>) -> bool {
    let Some(dir) = dcos_dir(lookup) else {
        return false;
    };
    let has_cluster = std::fs::read_dir(dir.join("clusters")).is_ok_and(|entries| {
        entries
            .filter_map(|e| e.ok())
            .any(|e| e.path().join("dcos.toml").is_file())
    });
    has_cluster || dir.join("dcos.toml").is_file()
}

type Lookup<'a> = &'a dyn Fn(&str) -> Option<String>;

/// A variable's value, with empty values treated as unset.
fn var(lookup: Lookup<'_>, name: &str) -> Option<String> {
    lookup(name).filter(|v| !v.trim().is_empty())
}

/// Reads the environment through `lookup`; `url`, when given, replaces `DCOS_URL`.
pub(crate) fn builder_from_env(
    lookup: Lookup<'_>,
    url: Option<String>,
) -> Result<ClusterBuilder, Error> {
    let service_account = var(lookup, "DCOS_SERVICE_ACCOUNT_CREDENTIAL")
        .map(|value| service_account_from_env(&value))
        .transpose()?;
    let login = match (var(lookup, "DCOS_UID"), var(lookup, "DCOS_PASSWORD")) {
        (Some(uid), Some(password)) => Some(Credentials::login(uid, password)),
        (Some(_), None) => return Err(Error::config("DCOS_UID is set but DCOS_PASSWORD is not")),
        (None, Some(_)) => return Err(Error::config("DCOS_PASSWORD is set but DCOS_UID is not")),
        (None, None) => None,
    };
    let token = var(lookup, "DCOS_ACS_TOKEN").map(|t| Secret::new(t.trim()));

    let url = match url.or_else(|| var(lookup, "DCOS_URL")) {
        Some(url) => url,
        None => service_account
            .as_ref()
            .and_then(|sa| sa.login_endpoint())
            .and_then(|e| url::Url::parse(e).ok())
            .map(|u| u.origin().ascii_serialization())
            .filter(|origin| origin != "null")
            .ok_or_else(|| Error::config("DCOS_URL is not set"))?,
    };

    let mut builder = crate::Cluster::builder(url);
    builder = match (service_account, login, token) {
        (Some(sa), _, token) => with_seed(builder.auth(sa), token),
        (None, Some(login), token) => with_seed(builder.auth(login), token),
        (None, None, Some(token)) => builder.auth(Credentials::Token(token)),
        (None, None, None) => builder,
    };
    apply_tls_and_timeout(
        builder,
        var(lookup, "DCOS_SSL_VERIFY"),
        var(lookup, "DCOS_TIMEOUT"),
        "DCOS",
    )
}

/// `DCOS_SERVICE_ACCOUNT_CREDENTIAL`: inline JSON or the path of a JSON file.
///
/// A value with a `{`, a line break or a PEM marker (or a long one) is taken as
/// inline content, after dropping a byte-order mark and surrounding quotes (as
/// `docker --env-file` keeps them), so that a credential is never mistaken for
/// a path and echoed in a "cannot read file" error.
fn service_account_from_env(value: &str) -> Result<ServiceAccount, Error> {
    let value = value.trim().trim_start_matches('\u{feff}').trim();
    let value = ['"', '\'']
        .iter()
        .find_map(|q| value.strip_prefix(*q).and_then(|v| v.strip_suffix(*q)))
        .unwrap_or(value)
        .trim();
    let inline = value.contains(['{', '\n']) || value.contains("PRIVATE KEY") || value.len() > 1024;
    if inline {
        ServiceAccount::from_json(value)
    } else {
        ServiceAccount::from_file(value)
    }
}

fn with_seed(builder: ClusterBuilder, token: Option<Secret>) -> ClusterBuilder {
    match token {
        Some(t) => builder.initial_token(t),
        None => builder,
    }
}

/// Applies an `ssl_verify` setting (`true`, `false` or a CA path) and a time-out
/// in seconds; `source` names where they came from, for errors.
fn apply_tls_and_timeout(
    mut builder: ClusterBuilder,
    ssl_verify: Option<String>,
    timeout: Option<String>,
    source: &str,
) -> Result<ClusterBuilder, Error> {
    if let Some(verify) = ssl_verify {
        let v = verify.trim();
        builder = match v.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => builder,
            "false" | "0" | "no" => builder.danger_accept_invalid_certs(),
            _ => builder.ca_file(v),
        };
    }
    if let Some(timeout) = timeout {
        let secs = timeout
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| *s > 0.0)
            .and_then(|s| Duration::try_from_secs_f64(s).ok())
            .ok_or_else(|| {
                Error::config(format!(
                    "{source} timeout `{timeout}` is not a positive number of seconds"
                ))
            })?;
        builder = builder.timeout(secs);
    }
    Ok(builder)
}

/// The parts of `dcos.toml` this crate reads. Other keys are ignored.
#[derive(Debug, Default, Deserialize)]
struct CliConfig {
    #[serde(default)]
    core: CoreSection,
    #[serde(default)]
    cluster: ClusterSection,
}

#[derive(Debug, Default, Deserialize)]
struct CoreSection {
    dcos_url: Option<String>,
    dcos_acs_token: Option<String>,
    ssl_verify: Option<toml::Value>,
    timeout: Option<toml::Value>,
}

#[derive(Debug, Default, Deserialize)]
struct ClusterSection {
    name: Option<String>,
}

pub(crate) fn builder_from_dcos_cli(lookup: Lookup<'_>) -> Result<ClusterBuilder, Error> {
    let dir = dcos_dir(lookup).ok_or_else(|| Error::config("neither DCOS_DIR nor HOME is set"))?;
    let clusters = dir.join("clusters");
    let path = if clusters.is_dir() {
        select_cluster(&clusters, var(lookup, "DCOS_CLUSTER").as_deref())?
    } else if dir.join("dcos.toml").is_file() {
        dir.join("dcos.toml")
    } else {
        return Err(Error::config(format!(
            "no DC/OS CLI configuration in {}; run `dcos cluster setup` or set DCOS_DIR",
            dir.display()
        )));
    };
    let config = read_cli_config(&path)?;
    let url = config
        .core
        .dcos_url
        .filter(|u| !u.trim().is_empty())
        .ok_or_else(|| Error::config(format!("{} has no core.dcos_url", path.display())))?;
    let mut builder = crate::Cluster::builder(url);
    if let Some(token) = config.core.dcos_acs_token.filter(|t| !t.is_empty()) {
        builder = builder.auth(Credentials::token(token));
    }
    let ssl_verify =
        var(lookup, "DCOS_SSL_VERIFY").or_else(|| config.core.ssl_verify.as_ref().map(toml_text));
    let timeout =
        var(lookup, "DCOS_TIMEOUT").or_else(|| config.core.timeout.as_ref().map(toml_text));
    apply_tls_and_timeout(builder, ssl_verify, timeout, &path.display().to_string())
}

/// A TOML scalar as the text the CLI would read (`ssl_verify = false` and
/// `ssl_verify = "false"` mean the same).
fn toml_text(value: &toml::Value) -> String {
    match value {
        toml::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn read_cli_config(path: &Path) -> Result<CliConfig, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::config_with(format!("cannot read {}", path.display()), e))?;
    toml::from_str(&text).map_err(|e| {
        // toml's Display quotes the offending line, which may hold the token:
        // report the message and the line number only.
        let line = e.span().map(|span| {
            text.get(..span.start)
                .unwrap_or(&text)
                .lines()
                .count()
                .max(1)
        });
        Error::config(format!(
            "{} is not valid TOML{}: {}",
            path.display(),
            line.map(|l| format!(" (line {l})")).unwrap_or_default(),
            e.message()
        ))
    })
}

/// The `dcos.toml` of the selected cluster under `clusters`.
fn select_cluster(clusters: &Path, wanted: Option<&str>) -> Result<PathBuf, Error> {
    let entries = std::fs::read_dir(clusters)
        .map_err(|e| Error::config_with(format!("cannot list {}", clusters.display()), e))?;
    let mut dirs: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("dcos.toml").is_file())
        .collect();
    dirs.sort();
    let chosen: Vec<&PathBuf> = match wanted {
        Some(wanted) => {
            let id_of = |p: &PathBuf| {
                p.file_name()
                    .map(|n| n.to_string_lossy().into_owned())
                    .unwrap_or_default()
            };
            let exact: Vec<&PathBuf> = dirs.iter().filter(|p| id_of(p) == wanted).collect();
            if !exact.is_empty() {
                exact
            } else {
                dirs.iter()
                    .filter(|p| {
                        id_of(p).starts_with(wanted)
                            || read_cli_config(&p.join("dcos.toml"))
                                .ok()
                                .and_then(|c| c.cluster.name)
                                .is_some_and(|n| n == wanted)
                    })
                    .collect()
            }
        }
        None => dirs
            .iter()
            .filter(|p| p.join("attached").exists())
            .collect(),
    };
    match (chosen.as_slice(), wanted) {
        ([one], _) => Ok(one.join("dcos.toml")),
        ([], Some(w)) => Err(Error::config(format!(
            "DCOS_CLUSTER `{w}` matches no cluster in {}",
            clusters.display()
        ))),
        ([], None) => Err(Error::config(format!(
            "no cluster is attached in {}; run `dcos cluster attach` or set DCOS_CLUSTER",
            clusters.display()
        ))),
        (_, Some(w)) => Err(Error::config(format!(
            "DCOS_CLUSTER `{w}` matches several clusters; use the cluster id"
        ))),
        (_, None) => Err(Error::config(format!(
            "several clusters are marked attached in {}; set DCOS_CLUSTER",
            clusters.display()
        ))),
    }
}

#[cfg(test)]
mod tests;
