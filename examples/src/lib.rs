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

use dcos_auth::{AuthError, Cluster, ClusterBuilder, Error};

pub mod jenkins;
pub mod marathon;
pub mod mesos;
pub mod mesos_agents;
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
pub fn cluster(url: Option<&str>) -> Result<Cluster, Error> {
    cluster_builder(url)?.build()
}

/// A cluster builder for `url`, or for `DCOS_URL` when `url` is `None`; the
/// credentials and settings come from the environment either way
/// ([`ClusterBuilder::from_env`], [`ClusterBuilder::from_env_with_url`]).
pub fn cluster_builder(url: Option<&str>) -> Result<ClusterBuilder, Error> {
    match url {
        None => ClusterBuilder::from_env(),
        Some(url) => ClusterBuilder::from_env_with_url(url),
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
    let code = chain(error).find_map(|e| e.downcast_ref::<Error>().and_then(Error::code));
    if let Some(code) = code {
        writeln!(err, "  error code: {code}")?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
        let error = crate::whoami::WhoAmIError::Login(Error::from(AuthError::InvalidCredentials {
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
        let error =
            dcos_auth::ServiceAccount::from_file("/nonexistent/credential.json").unwrap_err();
        let mut err = Vec::new();
        assert_eq!(report_error("prog", &error, &mut err), ExitCode::FAILURE);
        let text = String::from_utf8(err).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(
            lines[0],
            "prog: configuration error: cannot read the service account credential /nonexistent/credential.json",
            "{text}"
        );
        assert!(lines[1].starts_with("  caused by: "), "{text}");
    }
}
