//! The Jenkins example `jenkins_build`: triggers a job with parameters,
//! follows its console to stdout until the build ends, and exits 0 on
//! `SUCCESS` and 1 otherwise.
//!
//! It takes `--jenkins URL` with `--user` and `--token` (a Jenkins reached
//! directly, with an API token), or else reads the cluster from the
//! environment (`DCOS_URL` and its credentials) and reaches Jenkins through
//! Admin Router at `<cluster>/service/<--service, default jenkins>/`.

use std::io::Write;
use std::process::ExitCode;
use std::time::Duration;

use dcos_auth::Secret;
use futures_util::StreamExt;
use jenkins_client::console::FollowOptions;
use jenkins_client::models::BuildResult;
use jenkins_client::{BuildParams, BuildWait, JenkinsAuth, JenkinsClient, JobPath};

use crate::UsageError;

/// The command line of `jenkins_build`.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildArgs {
    /// `--jenkins URL`: a Jenkins reached directly.
    pub jenkins: Option<String>,
    /// `--user USER` for `--jenkins`.
    pub user: Option<String>,
    /// `--token TOKEN` for `--jenkins`: an API token. Printed as `***`.
    pub token: Option<Secret>,
    /// `--service NAME`: the Marathon service name of Jenkins behind Admin
    /// Router; `jenkins` by default.
    pub service: String,
    /// `--poll DURATION` (`2s`, `500ms`): the pause between polls.
    pub poll: Duration,
    /// The job's full name, such as `team/app`.
    pub job: String,
    /// `NAME=VALUE` build parameters, in order.
    pub params: Vec<(String, String)>,
    /// `--help` or `-h`.
    pub help: bool,
}

impl Default for BuildArgs {
    fn default() -> Self {
        BuildArgs {
            jenkins: None,
            user: None,
            token: None,
            service: "jenkins".into(),
            poll: Duration::from_secs(2),
            job: String::new(),
            params: Vec::new(),
            help: false,
        }
    }
}

impl BuildArgs {
    /// Parses `--jenkins URL --user U --token T --service NAME --poll D`,
    /// `--help`, the job and `NAME=VALUE` parameters.
    pub fn parse<I, S>(args: I) -> Result<Self, UsageError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut parsed = BuildArgs::default();
        let mut job = None;
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let (name, inline) = match arg.split_once('=') {
                Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
                _ => (arg.clone(), None),
            };
            let mut value = |what: &str| -> Result<String, UsageError> {
                let v = match inline.clone() {
                    Some(v) => v,
                    None => args
                        .next()
                        .ok_or_else(|| UsageError(format!("`{what}` needs a value")))?,
                };
                if v.trim().is_empty() {
                    return Err(UsageError(format!("`{what}` is empty")));
                }
                Ok(v)
            };
            match name.as_str() {
                "-h" | "--help" => parsed.help = true,
                "--jenkins" => parsed.jenkins = Some(value("--jenkins")?),
                "--user" => parsed.user = Some(value("--user")?),
                "--token" => parsed.token = Some(Secret::new(value("--token")?)),
                "--service" => parsed.service = value("--service")?,
                "--poll" => {
                    let text = value("--poll")?;
                    parsed.poll = humantime::parse_duration(&text)
                        .map_err(|e| UsageError(format!("`--poll {text}`: {e}")))?;
                }
                other if other.starts_with('-') => {
                    return Err(UsageError(format!("unexpected option `{other}`")));
                }
                _ if job.is_none() => job = Some(arg),
                _ => match arg.split_once('=') {
                    Some((n, v)) if !n.is_empty() => {
                        parsed.params.push((n.to_owned(), v.to_owned()))
                    }
                    _ => {
                        return Err(UsageError(format!("`{arg}` is not a NAME=VALUE parameter")));
                    }
                },
            }
        }
        if parsed.help {
            return Ok(parsed);
        }
        parsed.job = job.ok_or_else(|| UsageError("expected the job's full name".into()))?;
        match (&parsed.jenkins, &parsed.user, &parsed.token) {
            (Some(_), Some(_), Some(_)) | (None, None, None) => Ok(parsed),
            (None, _, _) => Err(UsageError(
                "`--user` and `--token` go with `--jenkins`".into(),
            )),
            _ => Err(UsageError(
                "`--jenkins` needs `--user` and `--token`".into(),
            )),
        }
    }

    /// The client these arguments name.
    pub fn client(&self) -> Result<JenkinsClient, jenkins_client::Error> {
        match (&self.jenkins, &self.user, &self.token) {
            (Some(url), Some(user), Some(token)) => JenkinsClient::direct_from(
                crate::cluster_builder(Some(url))?,
                JenkinsAuth::api_token(user, token.clone()),
            ),
            _ => Ok(JenkinsClient::new(
                crate::cluster(None)?.service(&self.service),
            )),
        }
    }
}

const USAGE: &str = "\
usage: jenkins_build [--jenkins URL --user USER --token API_TOKEN] [--service NAME]
                     [--poll DURATION] JOB [NAME=VALUE]...

Triggers JOB (its full name, such as team/app) with the parameters, follows
its console to stdout until the build ends, and exits 0 on SUCCESS, 1
otherwise. Without --jenkins, the cluster comes from DCOS_URL and its
credentials, and Jenkins is reached at <cluster>/service/NAME/ (NAME is
`jenkins` by default).
";

/// `jenkins_build`: see the [module docs](self).
pub async fn run_build<I, S>(
    args: I,
    out: &mut (impl Write + Send),
    err: &mut impl Write,
) -> ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    const PROGRAM: &str = "jenkins_build";
    let args = match BuildArgs::parse(args) {
        Ok(args) if args.help => {
            return match out.write_all(USAGE.as_bytes()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(_) => ExitCode::FAILURE,
            };
        }
        Ok(args) => args,
        Err(e) => {
            let _ = writeln!(err, "{PROGRAM}: {e}\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match build(&args, out, err).await {
        Ok(BuildResult::Success) => ExitCode::SUCCESS,
        Ok(_) => ExitCode::FAILURE,
        Err(e) => crate::report_error(PROGRAM, e.as_ref(), err),
    }
}

/// Triggers, waits for the start, follows the console, and returns the
/// result. Progress goes to `err`, the console to `out`.
async fn build(
    args: &BuildArgs,
    out: &mut (impl Write + Send),
    err: &mut impl Write,
) -> Result<BuildResult, Box<dyn std::error::Error + Send + Sync>> {
    let jenkins = args.client()?;
    let job = JobPath::parse(&args.job)?;
    let params = args
        .params
        .iter()
        .fold(BuildParams::new(), |p, (n, v)| p.string(n, v));
    let queue_id = jenkins.builds().trigger(&job).params(params).send().await?;
    writeln!(err, "{job}: queued as item {queue_id}")?;
    let wait = BuildWait::default()
        .poll(args.poll)
        .timeout(Duration::from_secs(6 * 3600));
    let started = jenkins
        .queue()
        .wait_for_start(queue_id, Some(&job), &wait)
        .await?;
    writeln!(
        err,
        "{job}: build #{} started{}",
        started.number,
        started
            .url
            .as_ref()
            .map(|u| format!(" at {u}"))
            .unwrap_or_default()
    )?;
    let mut console = jenkins.console().follow(
        &job,
        started.number,
        FollowOptions::default().poll(args.poll),
    );
    while let Some(chunk) = console.next().await {
        out.write_all(&chunk?.text)?;
        out.flush()?;
    }
    let build = jenkins
        .builds()
        .wait_for_completion(&job, started.number, &wait)
        .await?;
    let result = build
        .result
        .unwrap_or_else(|| BuildResult::Unknown("none".into()));
    writeln!(err, "{job}: build #{} finished: {result}", started.number)?;
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_direct_and_cluster_command_lines() {
        let a = BuildArgs::parse([
            "--jenkins",
            "https://j.example.com",
            "--user=ci",
            "--token",
            "t0k",
            "--poll",
            "50ms",
            "team/app",
            "TAG=1.2.3",
            "EMPTY=",
        ])
        .unwrap();
        assert_eq!(a.jenkins.as_deref(), Some("https://j.example.com"));
        assert_eq!(a.user.as_deref(), Some("ci"));
        assert_eq!(a.token.as_ref().unwrap().expose(), "t0k");
        assert!(!format!("{a:?}").contains("t0k"));
        assert_eq!(a.poll, Duration::from_millis(50));
        assert_eq!(a.job, "team/app");
        assert_eq!(
            a.params,
            [
                ("TAG".into(), "1.2.3".into()),
                ("EMPTY".into(), String::new())
            ]
        );
        let a = BuildArgs::parse(["--service", "dev/jenkins", "app"]).unwrap();
        assert_eq!(a.service, "dev/jenkins");
        assert!(a.jenkins.is_none());
        assert!(BuildArgs::parse(["-h"]).unwrap().help);
    }

    #[test]
    fn rejects_bad_command_lines() {
        for args in [
            &[][..],
            &["--jenkins", "https://j", "app"],
            &["--user", "u", "app"],
            &["app", "NOT_A_PARAM"],
            &["app", "=v"],
            &["--poll", "soon", "app"],
            &["--verbose", "app"],
            &["--token"],
        ] {
            assert!(BuildArgs::parse(args.iter().copied()).is_err(), "{args:?}");
        }
    }
}
