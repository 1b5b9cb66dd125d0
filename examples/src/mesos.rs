//! The Mesos example `mesos_state`: a cluster summary from GET_STATE.
//!
//! It takes `--master URL` (a master such as `http://master:5050`) or else
//! reads the cluster from the environment (`DCOS_URL` and its credentials)
//! and reaches the master at `<cluster>/mesos/`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use mesos_client::MesosClient;
use mesos_client::models::GetState;
use mesos_client::resources::{Resources, summarize};

use crate::UsageError;

const USAGE: &str = "\
usage: mesos_state [--master URL]

Prints the cluster summary from the master's GET_STATE: agents, resources by
role (total, used, free), frameworks and tasks by state. Without --master,
the cluster comes from DCOS_URL and its credentials.
";

/// Parses `--master URL`, `--master=URL`, `--help` and `-h`: the master URL
/// and whether help was asked for.
pub fn parse_args<I, S>(args: I) -> Result<(Option<String>, bool), UsageError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut master = None;
    let mut help = false;
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "-h" | "--help" => help = true,
            "--master" => {
                master = Some(
                    args.next()
                        .ok_or_else(|| UsageError("`--master` needs a URL".into()))?,
                );
            }
            other if other.starts_with("--master=") => {
                master = Some(other["--master=".len()..].to_owned());
            }
            other => return Err(UsageError(format!("unexpected argument `{other}`"))),
        }
    }
    Ok((master, help))
}

fn quantity(resources: &Resources, name: &str) -> String {
    resources.scalar(name).to_string()
}

/// The summary `mesos_state` prints.
pub fn summary(state: &GetState) -> String {
    let mut out = String::new();
    let agents = &state.get_agents.agents;
    let active = agents.iter().filter(|a| a.active).count();
    let capacity = summarize(&state.get_agents.resources());
    let _ = writeln!(out, "agents: {} ({active} active)", agents.len());
    let _ = writeln!(
        out,
        "resources: total cpus {} mem {} disk {}; used cpus {} mem {} disk {}; free cpus {} mem {} disk {}",
        quantity(&capacity.total, "cpus"),
        quantity(&capacity.total, "mem"),
        quantity(&capacity.total, "disk"),
        quantity(&capacity.used, "cpus"),
        quantity(&capacity.used, "mem"),
        quantity(&capacity.used, "disk"),
        quantity(&capacity.free, "cpus"),
        quantity(&capacity.free, "mem"),
        quantity(&capacity.free, "disk"),
    );
    for (role, total) in &capacity.reserved_by_role {
        let empty = Resources::new();
        let used = capacity.used_by_role.get(role).unwrap_or(&empty);
        let free = total.saturating_sub(used);
        let _ = writeln!(
            out,
            "role {role}: total cpus {} mem {}; used cpus {} mem {}; free cpus {} mem {}",
            quantity(total, "cpus"),
            quantity(total, "mem"),
            quantity(used, "cpus"),
            quantity(used, "mem"),
            quantity(&free, "cpus"),
            quantity(&free, "mem"),
        );
    }
    let frameworks = &state.get_frameworks;
    let _ = writeln!(
        out,
        "frameworks: {} ({} completed)",
        frameworks.frameworks.len(),
        frameworks.completed_frameworks.len()
    );
    for framework in &frameworks.frameworks {
        let info = &framework.framework_info;
        let _ = writeln!(
            out,
            "  {} {}{}",
            info.id.as_ref().map_or("-", |id| id.as_str()),
            info.name,
            if framework.active { "" } else { " (inactive)" }
        );
    }
    let mut by_state: BTreeMap<String, usize> = BTreeMap::new();
    for task in state.get_tasks.all() {
        let name = task
            .state
            .as_ref()
            .map_or_else(|| "UNKNOWN".to_owned(), |s| s.as_str().to_owned());
        *by_state.entry(name).or_default() += 1;
    }
    let total: usize = by_state.values().sum();
    let _ = writeln!(out, "tasks: {total}");
    for (state, count) in by_state {
        let _ = writeln!(out, "  {state}: {count}");
    }
    out
}

/// The whole `mesos_state` program, writing to `out` and `err`.
pub async fn run_state<I, S>(
    args: I,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> std::process::ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    const PROGRAM: &str = "mesos_state";
    let (master, help) = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = writeln!(err, "{PROGRAM}: {e}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    if help {
        let _ = out.write_all(USAGE.as_bytes());
        return std::process::ExitCode::SUCCESS;
    }
    let core = match &master {
        Some(url) => dcos_auth::HttpCore::direct(url, dcos_auth::Credentials::None),
        None => crate::cluster(None).map(|c| c.path("mesos")),
    };
    let state = match core {
        Ok(core) => MesosClient::new(core)
            .operator()
            .get_state()
            .await
            .map_err(|e| Box::new(e) as Box<dyn std::error::Error>),
        Err(e) => Err(Box::new(e) as Box<dyn std::error::Error>),
    };
    match state {
        Ok(state) => match out.write_all(summary(&state).as_bytes()) {
            Ok(()) => std::process::ExitCode::SUCCESS,
            Err(e) => crate::report_error(PROGRAM, &e, err),
        },
        Err(e) => crate::report_error(PROGRAM, e.as_ref(), err),
    }
}
