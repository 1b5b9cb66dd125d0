//! The Marathon examples: `marathon_apps`, `marathon_deploy` and
//! `marathon_events`.
//!
//! Each takes `--marathon URL` (repeatable: several instances of one
//! Marathon, tried in turn) or else reads the cluster from the environment
//! (`DCOS_URL` and its credentials) and reaches Marathon at
//! `<cluster>/service/marathon/`.

use std::fmt::Write as _;

use marathon_client::models::App;
use marathon_client::{MarathonClient, WaitOptions};

use crate::UsageError;

/// The command line of the Marathon examples.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct MarathonArgs {
    /// `--marathon URL`, repeatable.
    pub marathon: Vec<String>,
    /// Positional arguments, such as the app definition file.
    pub positional: Vec<String>,
    /// `--help` or `-h`.
    pub help: bool,
}

impl MarathonArgs {
    /// Parses `--marathon URL`, `--marathon=URL`, `--help`, `-h` and
    /// positional arguments.
    pub fn parse<I, S>(args: I) -> Result<Self, UsageError>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut parsed = MarathonArgs::default();
        let mut args = args.into_iter().map(Into::into);
        while let Some(arg) = args.next() {
            let url = match arg.as_str() {
                "-h" | "--help" => {
                    parsed.help = true;
                    continue;
                }
                "--marathon" => args
                    .next()
                    .ok_or_else(|| UsageError("`--marathon` needs a URL".into()))?,
                other if other.starts_with("--marathon=") => {
                    other["--marathon=".len()..].to_owned()
                }
                other if other.starts_with('-') => {
                    return Err(UsageError(format!("unexpected option `{other}`")));
                }
                _ => {
                    parsed.positional.push(arg);
                    continue;
                }
            };
            if url.trim().is_empty() {
                return Err(UsageError("`--marathon` is empty".into()));
            }
            parsed.marathon.push(url);
        }
        Ok(parsed)
    }
}

/// A client for the `--marathon` URLs (credentials from the environment, if
/// any), or for the cluster in the environment when there are none.
pub fn client(urls: &[String]) -> Result<MarathonClient, marathon_client::Error> {
    match urls.split_first() {
        None => Ok(MarathonClient::new(
            crate::cluster(None)?.service("marathon"),
        )),
        Some((first, rest)) => {
            let builder = crate::cluster_builder(Some(first))?;
            MarathonClient::direct_from(builder, rest)
        }
    }
}

/// One line of the app table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppRow {
    /// The app id.
    pub id: String,
    /// Wanted instances.
    pub instances: String,
    /// Healthy tasks (running, for apps without health checks).
    pub healthy: String,
    /// The version.
    pub version: String,
    /// The Docker image, or the command.
    pub image: String,
}

impl AppRow {
    /// The row for `app`.
    pub fn new(app: &App) -> Self {
        let has_health = app.health_checks.as_ref().is_some_and(|h| !h.is_empty());
        let healthy = if has_health {
            app.tasks_healthy
        } else {
            app.tasks_running
        };
        let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
        AppRow {
            id: app.id.to_string(),
            instances: or_dash(app.instances.map(|n| n.to_string())),
            healthy: or_dash(healthy.map(|n| n.to_string())),
            version: or_dash(app.version.as_ref().map(ToString::to_string)),
            image: or_dash(
                app.image()
                    .map(str::to_owned)
                    .or_else(|| app.cmd.clone().map(|c| format!("cmd: {c}"))),
            ),
        }
    }
}

/// The apps as an aligned table with a header line.
pub fn apps_table(apps: &[App]) -> String {
    let rows: Vec<AppRow> = apps.iter().map(AppRow::new).collect();
    let width = |f: fn(&AppRow) -> &str, title: &str| {
        rows.iter()
            .map(|r| f(r).chars().count())
            .chain([title.len()])
            .max()
            .unwrap_or(0)
    };
    let wid = width(|r| &r.id, "ID");
    let win = width(|r| &r.instances, "INSTANCES");
    let whe = width(|r| &r.healthy, "HEALTHY");
    let wve = width(|r| &r.version, "VERSION");
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:wid$}  {:>win$}  {:>whe$}  {:wve$}  IMAGE",
        "ID", "INSTANCES", "HEALTHY", "VERSION"
    );
    for r in &rows {
        let _ = writeln!(
            out,
            "{:wid$}  {:>win$}  {:>whe$}  {:wve$}  {}",
            r.id, r.instances, r.healthy, r.version, r.image
        );
    }
    out
}

/// Parses the Marathon arguments, printing usage errors and `--help`.
/// `Err` carries the exit status to return.
fn parse_args<I, S>(
    program: &str,
    usage: &str,
    args: I,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> Result<MarathonArgs, std::process::ExitCode>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    match MarathonArgs::parse(args) {
        Ok(args) if args.help => Err(match out.write_all(usage.as_bytes()) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(_) => std::process::ExitCode::FAILURE,
        }),
        Ok(args) => Ok(args),
        Err(e) => {
            let _ = writeln!(err, "{program}: {e}\n\n{usage}");
            Err(std::process::ExitCode::from(2))
        }
    }
}

const APPS_USAGE: &str = "\
usage: marathon_apps [--marathon URL]...

Lists the apps with their instances, healthy tasks, version and image.
Without --marathon, the cluster comes from DCOS_URL and its credentials.
";

/// `marathon_apps`: lists the apps.
pub async fn run_apps<I, S>(
    args: I,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> std::process::ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    const PROGRAM: &str = "marathon_apps";
    let args = match parse_args(PROGRAM, APPS_USAGE, args, out, err) {
        Ok(args) => args,
        Err(code) => return code,
    };
    if let Some(extra) = args.positional.first() {
        let _ = writeln!(
            err,
            "{PROGRAM}: unexpected argument `{extra}`\n\n{APPS_USAGE}"
        );
        return std::process::ExitCode::from(2);
    }
    let apps = match client(&args.marathon) {
        Ok(client) => client.apps().list().send().await,
        Err(e) => Err(e),
    };
    match apps {
        Ok(apps) => match out.write_all(apps_table(&apps).as_bytes()) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => crate::report_error(PROGRAM, &e, err),
        },
        Err(e) => crate::report_error(PROGRAM, &e, err),
    }
}

const DEPLOY_USAGE: &str = "\
usage: marathon_deploy [--marathon URL]... APP.json

Creates or updates the app in APP.json (PUT /v2/apps/{id}), waits for its
deployment to end, then for the app to be healthy. Exits 1 if it failed.
";

/// `marathon_deploy`: deploys an app definition file and waits.
pub async fn run_deploy<I, S>(
    args: I,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> std::process::ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    const PROGRAM: &str = "marathon_deploy";
    let args = match parse_args(PROGRAM, DEPLOY_USAGE, args, out, err) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let [file] = args.positional.as_slice() else {
        let _ = writeln!(
            err,
            "{PROGRAM}: expected one app definition file\n\n{DEPLOY_USAGE}"
        );
        return std::process::ExitCode::from(2);
    };
    match deploy(&args.marathon, file, out).await {
        Ok(true) => std::process::ExitCode::SUCCESS,
        Ok(false) => std::process::ExitCode::FAILURE,
        Err(e) => crate::report_error(PROGRAM, e.as_ref(), err),
    }
}

/// Deploys `file` and reports to `out`; `Ok(false)` when the deployment did
/// not succeed.
async fn deploy(
    urls: &[String],
    file: &str,
    out: &mut impl std::io::Write,
) -> Result<bool, Box<dyn std::error::Error + Send + Sync>> {
    use std::time::Duration;
    let text = std::fs::read(file).map_err(|e| format!("cannot read {file}: {e}"))?;
    let app: App = dcos_auth::decode_json(&text, || format!("the app definition {file}"))?;
    let client = client(urls)?;
    let result = client.apps().update(&app).send().await?;
    let Some(deployment) = result.deployment_id else {
        writeln!(out, "{}: no change, nothing to deploy", app.id)?;
        return Ok(true);
    };
    writeln!(out, "{}: deployment {deployment} started", app.id)?;
    // The app and version let the wait confirm even a deployment that ends
    // before it is first seen.
    let mut hints = WaitOptions::default().apps([app.id.clone()]);
    if let Some(version) = &result.version {
        hints = hints.version(version.clone());
    }
    let outcome = client
        .wait_for_deployment_with(&deployment, Duration::from_secs(600), hints)
        .await?;
    writeln!(out, "{}: deployment {deployment}: {outcome:?}", app.id)?;
    if outcome != marathon_client::DeploymentOutcome::Succeeded {
        return Ok(false);
    }
    let app = client
        .wait_for_app(&app.id, result.version.as_ref(), Duration::from_secs(300))
        .await?;
    writeln!(out, "{}", apps_table(std::slice::from_ref(&app)))?;
    Ok(true)
}

const EVENTS_USAGE: &str = "\
usage: marathon_events [--marathon URL]... [EVENT_TYPE]...

Tails Marathon's event stream, one line per event: time, type, and the app
or deployment concerned. Reconnects on its own and says so. Event types such
as deployment_success or status_update_event filter the stream.
";

/// `marathon_events`: tails the event stream until interrupted.
pub async fn run_events<I, S>(
    args: I,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> std::process::ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    use futures_util::StreamExt;
    use marathon_client::{EventFilter, WatchItem};

    const PROGRAM: &str = "marathon_events";
    let args = match parse_args(PROGRAM, EVENTS_USAGE, args, out, err) {
        Ok(args) => args,
        Err(code) => return code,
    };
    let client = match client(&args.marathon) {
        Ok(client) => client,
        Err(e) => return crate::report_error(PROGRAM, &e, err),
    };
    let filter = if args.positional.is_empty() {
        EventFilter::all()
    } else {
        EventFilter::types(args.positional.iter().map(String::as_str))
    };
    let mut watch = client.watch(filter);
    while let Some(item) = watch.next().await {
        let line = match item {
            Ok(WatchItem::Event(event)) => event_line(&event),
            Ok(WatchItem::Connected) => "-- connected".to_owned(),
            Ok(WatchItem::Reconnected) => "-- reconnected: events may have been missed".to_owned(),
            Ok(_) => continue,
            Err(e) => {
                let _ = writeln!(err, "{PROGRAM}: {e}");
                continue;
            }
        };
        if writeln!(out, "{line}").and_then(|()| out.flush()).is_err() {
            // The reader went away (a closed pipe): stop quietly.
            return std::process::ExitCode::SUCCESS;
        }
    }
    // The watch only ends on a fatal error, already printed.
    std::process::ExitCode::FAILURE
}

/// One line for an event: time, type, and what it concerns.
pub fn event_line(event: &marathon_client::Event) -> String {
    let time = event
        .timestamp()
        .map(ToString::to_string)
        .unwrap_or_else(|| "-".to_owned());
    let mut line = format!("{time} {}", event.type_name());
    if let Some(app) = event.app_id() {
        let _ = write!(line, " app={app}");
    }
    if let Some(deployment) = event.deployment_id() {
        let _ = write!(line, " deployment={deployment}");
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_repeated_marathon_urls_and_positionals() {
        let a = MarathonArgs::parse([
            "--marathon",
            "http://a:8080",
            "--marathon=http://b:8080",
            "app.json",
        ])
        .unwrap();
        assert_eq!(a.marathon, ["http://a:8080", "http://b:8080"]);
        assert_eq!(a.positional, ["app.json"]);
        assert!(MarathonArgs::parse(["--marathon"]).is_err());
        assert!(MarathonArgs::parse(["--marathon="]).is_err());
        assert!(MarathonArgs::parse(["--verbose"]).is_err());
        assert!(MarathonArgs::parse(["-h"]).unwrap().help);
    }

    #[test]
    fn the_table_shows_instances_health_version_and_image() {
        let apps: Vec<App> = serde_json::from_value(serde_json::json!([
            {"id": "/web", "instances": 3, "tasksRunning": 3, "tasksHealthy": 2,
             "healthChecks": [{"protocol": "HTTP"}], "version": "2024-01-01T00:00:00.000Z",
             "container": {"type": "DOCKER", "docker": {"image": "nginx:1.25"}}},
            {"id": "/batch", "cmd": "sleep 1", "tasksRunning": 1}
        ]))
        .unwrap();
        let table = apps_table(&apps);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("ID "), "{table}");
        assert!(lines[1].starts_with("/web "), "{table}");
        assert!(
            lines[1].contains(" 3 ") && lines[1].contains(" 2 "),
            "{table}"
        );
        assert!(lines[1].ends_with("nginx:1.25"), "{table}");
        assert!(lines[2].ends_with("cmd: sleep 1"), "{table}");
        assert!(lines[2].contains(" - "), "{table}");
    }
}
