//! `dcos_whoami`: logs in and prints who the cluster says you are.
//!
//! It asks for the token's claims (logging in first if the credentials need
//! it), reads `GET /acs/api/v1/users/<uid>`, and prints the uid, the
//! description and when the token expires. It never prints the token.

use std::fmt;
use std::io::Write;
use std::process::ExitCode;
use std::time::{Duration, SystemTime};

use dcos_auth::iam::User;
use dcos_auth::{Cluster, Error};

use crate::{CommonArgs, report_error};

/// The program name used in messages.
pub const PROGRAM: &str = "dcos_whoami";

/// The text `--help` prints.
pub const USAGE: &str = "\
Logs in to a DC/OS cluster and prints who it says you are.

Usage: dcos_whoami [--url URL]

Options:
  --url URL   the cluster URL (default: $DCOS_URL)
  -h, --help  print this help

Credentials come from the environment, whether or not --url is given:
  DCOS_SERVICE_ACCOUNT_CREDENTIAL  a service account: inline JSON or a file path
  DCOS_UID and DCOS_PASSWORD       a user login
  DCOS_ACS_TOKEN                   an ACS token
  DCOS_SSL_VERIFY                  true, false, or a CA bundle path
  DCOS_TIMEOUT                     the request time-out in seconds

Exit status: 0 on success, 1 when the cluster or the credentials fail,
2 when the command line is wrong.
";

/// What the cluster says about the identity in use.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct WhoAmI {
    /// The cluster URL.
    pub cluster: String,
    /// The uid that was looked up.
    pub uid: String,
    /// The IAM's record of that uid.
    pub user: User,
    /// When the token expires.
    pub expiry: Expiry,
}

/// When the token in use expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Expiry {
    /// At this time, from the token's `exp` claim.
    At(SystemTime),
    /// The token carries no readable `exp` claim (it may be opaque).
    Unknown,
    /// The credentials use no token (none, or HTTP basic).
    NoToken,
}

/// Why `whoami` failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum WhoAmIError {
    /// Neither the credentials nor the token name a uid.
    NoUid {
        /// The kind of credentials in use, such as `none`.
        credentials: &'static str,
    },
    /// Logging in, or reading the token, failed.
    Login(Error),
    /// Reading the IAM user failed.
    User {
        /// The uid looked up.
        uid: String,
        /// What went wrong.
        source: Error,
    },
}

impl fmt::Display for WhoAmIError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            WhoAmIError::NoUid { credentials } => write!(
                f,
                "no uid to look up: `{credentials}` credentials name no user and no token \
                 says who it belongs to; set DCOS_UID and DCOS_PASSWORD, DCOS_ACS_TOKEN or \
                 DCOS_SERVICE_ACCOUNT_CREDENTIAL"
            ),
            WhoAmIError::Login(_) => f.write_str("cannot log in"),
            WhoAmIError::User { uid, .. } => write!(f, "cannot read the IAM user `{uid}`"),
        }
    }
}

impl std::error::Error for WhoAmIError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            WhoAmIError::NoUid { .. } => None,
            WhoAmIError::Login(source) | WhoAmIError::User { source, .. } => Some(source),
        }
    }
}

/// Logs in if needed and reads the IAM record of the uid in use: the uid of
/// the credentials, or else the token's `uid` claim.
pub async fn whoami(cluster: &Cluster) -> Result<WhoAmI, WhoAmIError> {
    let claims = cluster.token_claims().await.map_err(WhoAmIError::Login)?;
    let uid = cluster
        .credentials()
        .uid()
        .map(str::to_owned)
        .or_else(|| claims.as_ref().and_then(|c| c.uid.clone()))
        .ok_or(WhoAmIError::NoUid {
            credentials: cluster.credentials().kind(),
        })?;
    let user = cluster
        .iam()
        .user(&uid)
        .await
        .map_err(|source| WhoAmIError::User {
            uid: uid.clone(),
            source,
        })?;
    let expiry = match claims {
        None => Expiry::NoToken,
        Some(c) => c.exp.map_or(Expiry::Unknown, Expiry::At),
    };
    Ok(WhoAmI {
        cluster: cluster.url().to_string(),
        uid,
        user,
        expiry,
    })
}

impl WhoAmI {
    /// Writes the report, with the expiry given relative to `now`.
    pub fn write_to(&self, out: &mut impl Write, now: SystemTime) -> std::io::Result<()> {
        let description = self
            .user
            .description
            .as_deref()
            .filter(|d| !d.trim().is_empty())
            .map_or_else(|| "(none)".to_owned(), printable);
        writeln!(out, "cluster:     {}", self.cluster)?;
        writeln!(out, "uid:         {}", printable(&self.uid))?;
        writeln!(out, "description: {description}")?;
        if let Some(service) = self.user.is_service {
            let kind = if service { "service account" } else { "user" };
            writeln!(out, "account:     {kind}")?;
        }
        writeln!(out, "expires:     {}", expiry_text(self.expiry, now))?;
        Ok(())
    }
}

/// `2026-05-01T12:00:00Z (in 60 minutes)`, or why there is no time.
fn expiry_text(expiry: Expiry, now: SystemTime) -> String {
    match expiry {
        Expiry::NoToken => "never (these credentials use no token)".to_owned(),
        Expiry::Unknown => "unknown (the token has no exp claim)".to_owned(),
        Expiry::At(at) => {
            let when = humantime::format_rfc3339_seconds(at);
            match at.duration_since(now) {
                Ok(left) => format!("{when} (in {})", minutes(left)),
                Err(past) => format!("{when} (expired {} ago)", minutes(past.duration())),
            }
        }
    }
}

/// A duration in whole minutes, rounded to the nearest.
fn minutes(d: Duration) -> String {
    match (d.as_secs() + 30) / 60 {
        0 => "less than a minute".to_owned(),
        1 => "1 minute".to_owned(),
        n => format!("{n} minutes"),
    }
}

/// Server text with control characters (terminal escapes, newlines) replaced.
fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '\u{fffd}' } else { c })
        .collect()
}

/// The whole program: parses `args` (without the program name), prints the
/// report to `out` or the error to `err`, and returns the exit status.
pub async fn run<I, S>(args: I, out: &mut impl Write, err: &mut impl Write) -> ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let args = match CommonArgs::parse(args) {
        Ok(args) => args,
        Err(e) => {
            let _ = writeln!(err, "{PROGRAM}: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    if args.help {
        return match out.write_all(USAGE.as_bytes()) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        };
    }
    let cluster = match crate::cluster(args.url.as_deref()) {
        Ok(cluster) => cluster,
        Err(e) => return report_error(PROGRAM, &e, err),
    };
    let me = match whoami(&cluster).await {
        Ok(me) => me,
        Err(e) => return report_error(PROGRAM, &e, err),
    };
    match me.write_to(out, SystemTime::now()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => report_error(PROGRAM, &e, err),
    }
}

#[cfg(test)]
mod tests {
    use std::time::UNIX_EPOCH;

    use super::*;

    fn user(json: &str) -> User {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn report_shows_uid_description_and_expiry() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let me = WhoAmI {
            cluster: "https://dcos.example.com/".into(),
            uid: "alice".into(),
            user: user(
                r#"{"uid":"alice","description":"Alice\u001b[31m Example","is_service":false}"#,
            ),
            expiry: Expiry::At(now + Duration::from_secs(3600)),
        };
        let mut out = Vec::new();
        me.write_to(&mut out, now).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "cluster:     https://dcos.example.com/\n\
             uid:         alice\n\
             description: Alice\u{fffd}[31m Example\n\
             account:     user\n\
             expires:     2023-11-14T23:13:20Z (in 60 minutes)\n"
        );
    }

    #[test]
    fn expiry_texts() {
        let now = UNIX_EPOCH + Duration::from_secs(1_700_000_000);
        let at = |secs: i64| {
            let at = if secs >= 0 {
                now + Duration::from_secs(secs.unsigned_abs())
            } else {
                now - Duration::from_secs(secs.unsigned_abs())
            };
            expiry_text(Expiry::At(at), now)
        };
        assert!(at(3599).ends_with("(in 60 minutes)"), "{}", at(3599));
        assert!(at(61).ends_with("(in 1 minute)"));
        assert!(at(10).ends_with("(in less than a minute)"));
        assert!(at(0).ends_with("(in less than a minute)"));
        assert!(at(-600).ends_with("(expired 10 minutes ago)"));
        assert!(expiry_text(Expiry::Unknown, now).starts_with("unknown"));
        assert!(expiry_text(Expiry::NoToken, now).starts_with("never"));
    }

    #[test]
    fn missing_description_is_shown_as_none() {
        let me = WhoAmI {
            cluster: "https://dcos.example.com/".into(),
            uid: "bot".into(),
            user: user(r#"{"uid":"bot"}"#),
            expiry: Expiry::Unknown,
        };
        let mut out = Vec::new();
        me.write_to(&mut out, SystemTime::now()).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert!(text.contains("description: (none)\n"), "{text}");
        assert!(!text.contains("account:"), "{text}");
    }

    #[tokio::test]
    async fn help_and_usage_errors() {
        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(run(["--help"], &mut out, &mut err).await, ExitCode::SUCCESS);
        assert_eq!(String::from_utf8(out).unwrap(), USAGE);
        assert!(err.is_empty());

        let (mut out, mut err) = (Vec::new(), Vec::new());
        assert_eq!(
            run(["--bogus"], &mut out, &mut err).await,
            ExitCode::from(2)
        );
        assert!(out.is_empty());
        let err = String::from_utf8(err).unwrap();
        assert!(
            err.starts_with("dcos_whoami: unexpected argument `--bogus`"),
            "{err}"
        );
        assert!(err.contains("Usage: dcos_whoami"), "{err}");
    }
}
