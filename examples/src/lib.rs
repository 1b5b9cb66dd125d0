//! The shared helper library of the runnable examples in `examples/`.
//!
//! Each example is a thin `main` over a module here, so that its logic can be
//! read in one place and tested without a shell. The helpers are small on
//! purpose: they show how a program picks up a cluster, not a CLI framework.
//!
//! # Quick start
//!
//! ```text
//! export DCOS_URL=https://dcos.example.com
//! export DCOS_UID=alice DCOS_PASSWORD=...   # or DCOS_ACS_TOKEN, or DCOS_SERVICE_ACCOUNT_CREDENTIAL
//! cargo run --example dcos_whoami
//! cargo run --example dcos_whoami -- --url https://other.example.com
//! ```
//!
//! In a program of your own:
//!
//! ```no_run
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! // `--url` wins over DCOS_URL; the credentials always come from the environment.
//! let args = dcos_examples::CommonArgs::parse(std::env::args().skip(1))?;
//! let cluster = dcos_examples::cluster(args.url.as_deref())?;
//! let me = dcos_examples::whoami::whoami(&cluster).await?;
//! println!("{}", me.uid);
//! # Ok(()) }
//! ```

use std::fmt;
use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use dcos_auth::{AuthError, Cluster, ClusterBuilder, Credentials, Error, ServiceAccount};

pub mod whoami;

/// The command-line options every example understands.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CommonArgs {
    /// `--url URL`: the cluster URL, instead of `DCOS_URL`.
    pub url: Option<String>,
    /// `--help` or `-h`: print the usage and exit.
    pub help: bool,
}

impl CommonArgs {
    /// Parses the arguments after the program name: `--url URL`, `--url=URL`,
    /// `--help` and `-h`. Anything else is a [`UsageError`].
    pub fn parse<I, S>(args: I) -> Result<Self, UsageError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut parsed = CommonArgs::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let url = match arg.as_str() {
                "-h" | "--help" => {
                    parsed.help = true;
                    continue;
                }
                "--url" => args
                    .next()
                    .ok_or_else(|| UsageError("`--url` needs a value".into()))?,
                other => match other.strip_prefix("--url=") {
                    Some(url) => url.to_owned(),
                    None => return Err(UsageError(format!("unexpected argument `{other}`"))),
                },
            };
            if url.trim().is_empty() {
                return Err(UsageError("`--url` is empty".into()));
            }
            if parsed.url.replace(url).is_some() {
                return Err(UsageError("`--url` is given twice".into()));
            }
        }
        Ok(parsed)
    }
}

/// A command line the example does not understand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for UsageError {}

/// A cluster for `url`, or for `DCOS_URL` when `url` is `None`, with the
/// credentials and settings of the environment. See [`cluster_builder`].
pub fn cluster(url: Option<&str>) -> Result<Cluster, SetupError> {
    Ok(cluster_builder(url)?.build()?)
}

/// A cluster builder for `url`, or for `DCOS_URL` when `url` is `None`.
///
/// Without a URL this is [`ClusterBuilder::from_env`]. With one, the same
/// variables give the credentials and settings (see [`builder_with_url`]):
/// `dcos-auth` offers no way to replace the URL of a configured builder.
pub fn cluster_builder(url: Option<&str>) -> Result<ClusterBuilder, SetupError> {
    match url {
        None => Ok(ClusterBuilder::from_env()?),
        Some(url) => builder_with_url(url, &|name| std::env::var(name).ok()),
    }
}

/// A cluster builder for `url` configured by the variables `lookup` returns, as
/// [`ClusterBuilder::from_env`] reads them apart from `DCOS_URL`:
///
/// - `DCOS_SERVICE_ACCOUNT_CREDENTIAL` (inline JSON or a file path) wins over
///   `DCOS_UID` with `DCOS_PASSWORD`, which wins over `DCOS_ACS_TOKEN`. Next to
///   one of the first two, the token is only the first one used.
/// - `DCOS_SSL_VERIFY`: `true`, `false` (no verification) or a CA bundle path.
/// - `DCOS_TIMEOUT`: the unary time-out in seconds.
///
/// Empty variables count as unset.
pub fn builder_with_url(
    url: &str,
    lookup: &dyn Fn(&str) -> Option<String>,
) -> Result<ClusterBuilder, SetupError> {
    let var = |name: &str| lookup(name).filter(|v| !v.trim().is_empty());
    let service_account = match var("DCOS_SERVICE_ACCOUNT_CREDENTIAL") {
        Some(json) if json.trim_start().starts_with('{') => Some(ServiceAccount::from_json(&json)?),
        Some(path) => Some(ServiceAccount::from_file(path.trim())?),
        None => None,
    };
    let login = match (var("DCOS_UID"), var("DCOS_PASSWORD")) {
        (Some(uid), Some(password)) => Some(Credentials::login(uid, password)),
        (Some(_), None) => {
            return Err(SetupError::Env(
                "DCOS_UID is set but DCOS_PASSWORD is not".into(),
            ));
        }
        (None, Some(_)) => {
            return Err(SetupError::Env(
                "DCOS_PASSWORD is set but DCOS_UID is not".into(),
            ));
        }
        (None, None) => None,
    };
    let token = var("DCOS_ACS_TOKEN");

    let mut builder = Cluster::builder(url);
    let refreshable = service_account.map(Credentials::from).or(login);
    builder = match (refreshable, token) {
        (Some(credentials), Some(token)) => builder.auth(credentials).initial_token(token),
        (Some(credentials), None) => builder.auth(credentials),
        (None, Some(token)) => builder.auth(Credentials::token(token)),
        (None, None) => builder,
    };
    if let Some(verify) = var("DCOS_SSL_VERIFY") {
        let verify = verify.trim();
        builder = match verify.to_ascii_lowercase().as_str() {
            "true" | "1" | "yes" => builder,
            "false" | "0" | "no" => builder.danger_accept_invalid_certs(),
            _ => builder.ca_file(verify),
        };
    }
    if let Some(timeout) = var("DCOS_TIMEOUT") {
        let secs = timeout
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|s| s.is_finite() && *s > 0.0)
            .ok_or_else(|| {
                SetupError::Env(format!(
                    "DCOS_TIMEOUT `{timeout}` is not a positive number of seconds"
                ))
            })?;
        builder = builder.timeout(Duration::from_secs_f64(secs));
    }
    Ok(builder)
}

/// Why an example could not set up its cluster.
#[derive(Debug)]
#[non_exhaustive]
pub enum SetupError {
    /// An environment variable is missing its partner or has an unusable value.
    /// The message names the variable and never quotes a secret.
    Env(String),
    /// `dcos-auth` refused the configuration, such as a bad URL or credential.
    Cluster(Error),
}

impl fmt::Display for SetupError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SetupError::Env(message) => write!(f, "configuration error: {message}"),
            SetupError::Cluster(_) => f.write_str("cannot set up the cluster connection"),
        }
    }
}

impl std::error::Error for SetupError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SetupError::Env(_) => None,
            SetupError::Cluster(error) => Some(error),
        }
    }
}

impl From<Error> for SetupError {
    fn from(error: Error) -> Self {
        SetupError::Cluster(error)
    }
}

/// Writes `error` to `err` for a person to read, and returns the exit status,
/// always [`ExitCode::FAILURE`].
///
/// When a [`dcos_auth::Error`] in the chain of sources says the IAM rejected
/// the credentials, the IAM's error code and description are printed alone.
/// Otherwise the error is printed with its chain of sources, one `caused by:`
/// line each, then the `code` of a JSON error body if there is one. Errors from `dcos-auth` never hold a secret.
pub fn report_error(
    program: &str,
    error: &(dyn std::error::Error + 'static),
    err: &mut impl Write,
) -> ExitCode {
    let rejected = chain(error).find_map(|e| match e.downcast_ref::<Error>() {
        Some(Error::Auth(AuthError::InvalidCredentials { code, description })) => {
            Some((code, description))
        }
        _ => None,
    });
    // Nothing sensible is left to do if stderr itself cannot be written.
    let _ = match rejected {
        Some((code, description)) => writeln!(
            err,
            "{program}: the cluster rejected the credentials: {}: {}",
            code.as_deref().unwrap_or("(no error code)"),
            description.as_deref().unwrap_or("(no description)"),
        ),
        None => write_chain(program, error, err),
    };
    ExitCode::FAILURE
}

/// `error` followed by its sources.
fn chain<'a>(
    error: &'a (dyn std::error::Error + 'static),
) -> impl Iterator<Item = &'a (dyn std::error::Error + 'static)> {
    std::iter::successors(Some(error), |e| e.source())
}

fn write_chain(
    program: &str,
    error: &(dyn std::error::Error + 'static),
    err: &mut impl Write,
) -> std::io::Result<()> {
    writeln!(err, "{program}: {error}")?;
    for cause in chain(error).skip(1) {
        writeln!(err, "  caused by: {cause}")?;
    }
    // An HTTP error's Display shows the server's message but not its code.
    let code = chain(error).find_map(|e| {
        e.downcast_ref::<Error>()
            .and_then(Error::body)
            .and_then(|body| body.json_str("code"))
    });
    if let Some(code) = code {
        writeln!(err, "  error code: {code}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env<'a>(vars: &'a [(&'a str, &'a str)]) -> impl Fn(&str) -> Option<String> + 'a {
        move |name| {
            vars.iter()
                .find(|(n, _)| *n == name)
                .map(|(_, v)| (*v).to_owned())
        }
    }

    #[test]
    fn parses_url_and_help() {
        assert_eq!(
            CommonArgs::parse(Vec::<String>::new()),
            Ok(CommonArgs::default())
        );
        let a = CommonArgs::parse(["--url", "https://a.example.com"]).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://a.example.com"));
        let a = CommonArgs::parse(["--url=https://b.example.com", "-h"]).unwrap();
        assert_eq!(a.url.as_deref(), Some("https://b.example.com"));
        assert!(a.help);
        assert!(CommonArgs::parse(["--help"]).unwrap().help);
    }

    #[test]
    fn rejects_bad_command_lines() {
        for args in [
            &["--url"][..],
            &["--url="],
            &["--url", "a", "--url", "b"],
            &["--verbose"],
            &["positional"],
        ] {
            assert!(CommonArgs::parse(args.iter().copied()).is_err(), "{args:?}");
        }
    }

    #[test]
    fn url_builder_reads_credentials_like_from_env() {
        let b = builder_with_url(
            "https://a.example.com",
            &env(&[
                ("DCOS_UID", "alice"),
                ("DCOS_PASSWORD", "pw"),
                ("DCOS_ACS_TOKEN", "t"),
            ]),
        )
        .unwrap();
        assert_eq!(b.url(), "https://a.example.com");
        assert!(matches!(b.credentials(), Credentials::Login { uid, .. } if uid == "alice"));

        let b =
            builder_with_url("https://a.example.com", &env(&[("DCOS_ACS_TOKEN", "t")])).unwrap();
        assert!(matches!(b.credentials(), Credentials::Token(_)));

        let b = builder_with_url("https://a.example.com", &env(&[("DCOS_UID", "")])).unwrap();
        assert!(matches!(b.credentials(), Credentials::None));
    }

    #[test]
    fn url_builder_reports_half_set_logins_and_bad_timeouts() {
        let err = builder_with_url("https://a", &env(&[("DCOS_UID", "alice")])).unwrap_err();
        assert!(err.to_string().contains("DCOS_PASSWORD"), "{err}");
        let err = builder_with_url("https://a", &env(&[("DCOS_PASSWORD", "hunter2")])).unwrap_err();
        assert!(err.to_string().contains("DCOS_UID"), "{err}");
        assert!(!err.to_string().contains("hunter2"), "{err}");
        let err = builder_with_url("https://a", &env(&[("DCOS_TIMEOUT", "soon")])).unwrap_err();
        assert!(err.to_string().contains("DCOS_TIMEOUT"), "{err}");
    }

    #[test]
    fn invalid_credentials_are_reported_with_the_iam_code() {
        let error = Error::from(AuthError::InvalidCredentials {
            code: Some("ERR_INVALID_CREDENTIALS".into()),
            description: Some("Invalid credentials.".into()),
        });
        let mut err = Vec::new();
        assert_eq!(report_error("prog", &error, &mut err), ExitCode::FAILURE);
        let text = String::from_utf8(err).unwrap();
        assert_eq!(
            text,
            "prog: the cluster rejected the credentials: ERR_INVALID_CREDENTIALS: Invalid credentials.\n"
        );
    }

    #[test]
    fn rejected_credentials_are_found_below_a_wrapper() {
        let error = SetupError::Cluster(Error::from(AuthError::InvalidCredentials {
            code: None,
            description: Some("Invalid credentials.".into()),
        }));
        let mut err = Vec::new();
        report_error("prog", &error, &mut err);
        assert_eq!(
            String::from_utf8(err).unwrap(),
            "prog: the cluster rejected the credentials: (no error code): Invalid credentials.\n"
        );
    }

    #[test]
    fn other_errors_are_reported_with_their_sources() {
        let error = SetupError::from(
            ServiceAccount::from_file("/nonexistent/credential.json").unwrap_err(),
        );
        let mut err = Vec::new();
        assert_eq!(report_error("prog", &error, &mut err), ExitCode::FAILURE);
        let text = String::from_utf8(err).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0], "prog: cannot set up the cluster connection",
            "{text}"
        );
        assert!(
            lines[1].starts_with("  caused by: configuration error: cannot read the service account credential /nonexistent/credential.json"),
            "{text}"
        );
        assert!(lines[2].starts_with("  caused by: "), "{text}");
    }
}
