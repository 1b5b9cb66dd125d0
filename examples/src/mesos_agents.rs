//! `mesos_build_agents`: a small Mesos framework that runs Docker-in-Docker
//! build agents.
//!
//! It subscribes (keeping its subscription alive with a
//! [`SchedulerDriver`](mesos_client::scheduler::SchedulerDriver)), launches N build-agent tasks from offers (each in
//! [`ContainerInfo::docker_in_docker`], sized with [`fits`]), declines the
//! offers it does not need with a long `refuse_seconds`, acknowledges
//! status updates, suppresses offers once every agent is launched, and at
//! the end kills its tasks and tears the framework down.
//!
//! It takes `--master URL` (such as `http://master:5050`) or else reads the
//! cluster from the environment (`DCOS_URL` and its credentials) and reaches
//! the master at `<cluster>/mesos/`.
//!
//! The offer decisions are [`Plan::on_offers`], a pure function of the plan's
//! state, tested without a master.

use std::collections::BTreeMap;
use std::time::Duration;

use mesos_client::docker::{CommandInfo, ContainerInfo, TaskInfo, TaskInfoBuilder};
use mesos_client::models::{TaskState, TaskStatus};
use mesos_client::resources::{Offer, OfferId, TaskId, TaskNeeds, fits};
use mesos_client::scheduler::{
    DriverEvent, Event, FrameworkInfoBuilder, Scheduler, SchedulerHandle,
};

use crate::UsageError;

/// How long declined offers are refused: an hour, so that a framework that
/// needs nothing does not get the same offers back every few seconds.
pub const DECLINE_REFUSE_SECONDS: f64 = 3600.0;

const USAGE: &str = "\
usage: mesos_build_agents [--master URL] [--agents N] [--image IMAGE] [--hold SECONDS]

Runs N Docker-in-Docker build agents as Mesos tasks (2 by default, image
docker:dind), keeps them running for --hold seconds (30 by default) once all
are running, then kills them and tears the framework down. Without --master,
the cluster comes from DCOS_URL and its credentials.
";

/// The options of `mesos_build_agents`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct AgentsArgs {
    /// `--master URL`.
    pub master: Option<String>,
    /// `--agents N` (2).
    pub agents: usize,
    /// `--image IMAGE` (`docker:dind`).
    pub image: String,
    /// `--hold SECONDS` (30).
    pub hold: Duration,
    /// `--help`.
    pub help: bool,
}

impl Default for AgentsArgs {
    fn default() -> Self {
        AgentsArgs {
            master: None,
            agents: 2,
            image: "docker:dind".to_owned(),
            hold: Duration::from_secs(30),
            help: false,
        }
    }
}

/// Parses the command line of `mesos_build_agents`.
pub fn parse_args<I, S>(args: I) -> Result<AgentsArgs, UsageError>
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    let mut parsed = AgentsArgs::default();
    let mut args = args.into_iter().map(Into::into);
    while let Some(arg) = args.next() {
        let (name, inline) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        if name == "-h" || name == "--help" {
            parsed.help = true;
            continue;
        }
        let mut value = || {
            inline
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| UsageError(format!("`{name}` needs a value")))
        };
        match name.as_str() {
            "--master" => parsed.master = Some(value()?),
            "--image" => parsed.image = value()?,
            "--agents" => {
                parsed.agents = value()?
                    .parse()
                    .map_err(|_| UsageError("`--agents` needs a number".into()))?;
            }
            "--hold" => {
                let secs: u64 = value()?
                    .parse()
                    .map_err(|_| UsageError("`--hold` needs a number of seconds".into()))?;
                parsed.hold = Duration::from_secs(secs);
            }
            other => return Err(UsageError(format!("unexpected argument `{other}`"))),
        }
    }
    Ok(parsed)
}

/// What to do with one offer.
#[derive(Debug, Clone, PartialEq)]
pub enum OfferDecision {
    /// Launch these tasks on it.
    Launch(Box<Offer>, Vec<TaskInfo>),
    /// Decline it (for [`DECLINE_REFUSE_SECONDS`]).
    Decline(OfferId),
}

/// The framework's state: which agents are launched and how they are doing.
#[derive(Debug, Clone)]
pub struct Plan {
    wanted: usize,
    image: String,
    needs: TaskNeeds,
    tasks: BTreeMap<String, Option<TaskState>>,
    agents: BTreeMap<String, String>,
}

impl Plan {
    /// A plan for `wanted` build agents running `image`, each with 1 CPU,
    /// 2 GiB of memory and 10 GiB of disk (the inner Docker's images).
    pub fn new(wanted: usize, image: impl Into<String>) -> Self {
        Plan {
            wanted,
            image: image.into(),
            needs: TaskNeeds::new(1.0, 2048.0).with_disk(10240.0),
            tasks: BTreeMap::new(),
            agents: BTreeMap::new(),
        }
    }

    /// Whether every agent has been launched.
    pub fn all_launched(&self) -> bool {
        self.tasks.len() >= self.wanted
    }

    /// Whether every agent is running.
    pub fn all_running(&self) -> bool {
        self.all_launched()
            && self
                .tasks
                .values()
                .all(|s| matches!(s, Some(TaskState::Running)))
    }

    /// Whether every launched task has reached a terminal state.
    pub fn all_terminal(&self) -> bool {
        self.tasks
            .values()
            .all(|s| s.as_ref().is_some_and(TaskState::is_terminal))
    }

    /// The launched tasks and their agents.
    pub fn tasks(&self) -> impl Iterator<Item = (&str, &str)> {
        self.agents.iter().map(|(t, a)| (t.as_str(), a.as_str()))
    }

    /// Decides what to do with `offers`: as many tasks as still wanted and
    /// fitting go on each offer; the others are declined.
    pub fn on_offers(&mut self, offers: Vec<Offer>) -> Vec<OfferDecision> {
        let mut decisions = Vec::new();
        for offer in offers {
            let mut left = offer.resources.clone();
            let mut tasks = Vec::new();
            while self.tasks.len() < self.wanted {
                let Some(alloc) = fits(&left, &self.needs) else {
                    break;
                };
                let id = format!("build-agent-{}", self.tasks.len() + 1);
                let task = TaskInfoBuilder::new(&id, &id, offer.agent_id.as_str())
                    .resources(alloc.resources)
                    .container(ContainerInfo::docker_in_docker(self.image.clone()))
                    .command(CommandInfo::entrypoint(Vec::<String>::new()))
                    .label("role", "build-agent")
                    .build();
                self.tasks.insert(id.clone(), None);
                self.agents.insert(id, offer.agent_id.as_str().to_owned());
                tasks.push(task);
                left = alloc.remaining.to_vec();
            }
            if tasks.is_empty() {
                decisions.push(OfferDecision::Decline(offer.id));
            } else {
                decisions.push(OfferDecision::Launch(Box::new(offer), tasks));
            }
        }
        decisions
    }

    /// Records a status update. A task that fails before the end is
    /// forgotten, so that a new one is launched in its place.
    pub fn on_update(&mut self, status: &TaskStatus, stopping: bool) {
        let id = status.task_id.as_str().to_owned();
        let Some(state) = status.state.clone() else {
            return;
        };
        if !self.tasks.contains_key(&id) {
            return;
        }
        if state.is_terminal() && !stopping {
            self.tasks.remove(&id);
            self.agents.remove(&id);
        } else {
            self.tasks.insert(id, Some(state));
        }
    }
}

async fn act(handle: &SchedulerHandle, decisions: Vec<OfferDecision>) -> mesos_client::Result<()> {
    let mut declined = Vec::new();
    for decision in decisions {
        match decision {
            OfferDecision::Launch(offer, tasks) => handle.launch(&offer, tasks).await?,
            OfferDecision::Decline(id) => declined.push(id),
        }
    }
    if !declined.is_empty() {
        handle
            .decline(declined, Some(DECLINE_REFUSE_SECONDS))
            .await?;
    }
    Ok(())
}

/// Runs the framework on `scheduler` until its agents have run for `hold`
/// and been killed, writing progress to `out`.
pub async fn run_framework(
    scheduler: &Scheduler,
    args: &AgentsArgs,
    out: &mut impl std::io::Write,
) -> mesos_client::Result<()> {
    let info = FrameworkInfoBuilder::new("root", "build-agents").build();
    let mut driver = scheduler.driver(info);
    let handle = driver.handle();
    let mut plan = Plan::new(args.agents, args.image.clone());
    let mut suppressed = false;
    let mut stop_at: Option<tokio::time::Instant> = None;
    let mut stopping = false;
    loop {
        if let Some(at) = stop_at {
            if !stopping && tokio::time::Instant::now() >= at {
                stopping = true;
                let _ = writeln!(out, "killing the build agents");
                for (task, agent) in plan.tasks() {
                    handle
                        .kill(
                            TaskId::new(task),
                            Some(mesos_client::resources::AgentId::new(agent)),
                        )
                        .await?;
                }
            }
        }
        if stopping && plan.all_terminal() {
            break;
        }
        let wait = stop_at
            .filter(|_| !stopping)
            .map(|at| at.saturating_duration_since(tokio::time::Instant::now()))
            .unwrap_or(Duration::from_secs(3600));
        let item = match tokio::time::timeout(wait, driver.next()).await {
            Err(_) => continue,
            Ok(None) => break,
            Ok(Some(item)) => item,
        };
        match item {
            Ok(DriverEvent::Event(Event::Subscribed(s))) => {
                let _ = writeln!(out, "subscribed as {}", s.framework_id);
            }
            Ok(DriverEvent::Resubscribed(s)) => {
                let _ = writeln!(out, "subscribed again as {}", s.framework_id);
                handle.reconcile(vec![]).await?;
            }
            Ok(DriverEvent::Event(Event::Offers(offers))) => {
                let decisions = if stopping {
                    offers
                        .into_iter()
                        .map(|o| OfferDecision::Decline(o.id))
                        .collect()
                } else {
                    plan.on_offers(offers)
                };
                act(&handle, decisions).await?;
                if plan.all_launched() && !suppressed {
                    handle.suppress(vec![]).await?;
                    suppressed = true;
                    let _ = writeln!(
                        out,
                        "all {} agents launched; offers suppressed",
                        args.agents
                    );
                }
            }
            Ok(DriverEvent::Event(Event::Update(status))) => {
                let _ = writeln!(
                    out,
                    "{} {}",
                    status.task_id,
                    status.state.as_ref().map_or("?", |s| s.as_str())
                );
                handle.acknowledge(&status).await?;
                plan.on_update(&status, stopping);
                if !plan.all_launched() && suppressed {
                    handle.revive(vec![]).await?;
                    suppressed = false;
                }
                if plan.all_running() && stop_at.is_none() {
                    stop_at = Some(tokio::time::Instant::now() + args.hold);
                }
            }
            Ok(DriverEvent::Event(Event::Error(message))) => {
                let _ = writeln!(out, "master error: {message}");
            }
            Ok(_) => {}
            Err(e) if e.is_retryable() || e.needs_resubscribe() => {
                let _ = writeln!(out, "reconnecting: {e}");
            }
            Err(e) => return Err(e),
        }
    }
    handle.teardown().await?;
    let _ = writeln!(out, "torn down");
    Ok(())
}

/// The `main` of `mesos_build_agents`.
pub async fn run<I, S>(
    args: I,
    out: &mut impl std::io::Write,
    err: &mut impl std::io::Write,
) -> std::process::ExitCode
where
    I: IntoIterator<Item = S>,
    S: Into<String>,
{
    const PROGRAM: &str = "mesos_build_agents";
    let args = match parse_args(args) {
        Ok(parsed) => parsed,
        Err(e) => {
            let _ = writeln!(err, "{PROGRAM}: {e}\n\n{USAGE}");
            return std::process::ExitCode::from(2);
        }
    };
    if args.help {
        let _ = out.write_all(USAGE.as_bytes());
        return std::process::ExitCode::SUCCESS;
    }
    let core = match &args.master {
        Some(url) => dcos_auth::HttpCore::direct(url, dcos_auth::Credentials::None),
        None => crate::cluster(None).map(|c| c.path("mesos")),
    };
    let core = match core {
        Ok(core) => core,
        Err(e) => return crate::report_error(PROGRAM, &e, err),
    };
    match run_framework(&Scheduler::new(core), &args, out).await {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => crate::report_error(PROGRAM, &e, err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use mesos_client::resources::Resource;

    fn offer(id: &str, cpus: f64, mem: f64) -> Offer {
        serde_json::from_value(serde_json::json!({
            "id": {"value": id}, "framework_id": {"value": "fw"},
            "agent_id": {"value": format!("agent-{id}")}, "hostname": "h",
            "resources": [
                serde_json::to_value(Resource::scalar("cpus", cpus)).unwrap(),
                serde_json::to_value(Resource::scalar("mem", mem)).unwrap(),
                serde_json::to_value(Resource::scalar("disk", 100_000.0)).unwrap(),
            ]
        }))
        .unwrap()
    }

    #[test]
    fn offers_are_filled_then_declined() {
        let mut plan = Plan::new(3, "docker:dind");
        let decisions = plan.on_offers(vec![
            offer("a", 2.0, 8192.0),
            offer("b", 0.5, 8192.0),
            offer("c", 4.0, 8192.0),
            offer("d", 4.0, 8192.0),
        ]);
        let OfferDecision::Launch(_, tasks) = &decisions[0] else {
            panic!("{decisions:?}")
        };
        assert_eq!(tasks.len(), 2);
        assert!(mesos_client::docker::validate_task(&tasks[0]).is_empty());
        assert_eq!(decisions[1], OfferDecision::Decline(OfferId::new("b")));
        let OfferDecision::Launch(_, tasks) = &decisions[2] else {
            panic!("{decisions:?}")
        };
        assert_eq!(tasks.len(), 1);
        assert_eq!(tasks[0].task_id.as_str(), "build-agent-3");
        assert_eq!(decisions[3], OfferDecision::Decline(OfferId::new("d")));
        assert!(plan.all_launched() && !plan.all_running());
    }

    #[test]
    fn a_failed_agent_is_replaced_until_stopping() {
        let mut plan = Plan::new(1, "docker:dind");
        plan.on_offers(vec![offer("a", 2.0, 4096.0)]);
        let mut status = TaskStatus::default();
        status.task_id = TaskId::new("build-agent-1");
        status.state = Some(TaskState::Running);
        plan.on_update(&status, false);
        assert!(plan.all_running());
        status.state = Some(TaskState::Failed);
        plan.on_update(&status, false);
        assert!(!plan.all_launched());
        plan.on_offers(vec![offer("b", 2.0, 4096.0)]);
        status.state = Some(TaskState::Killed);
        plan.on_update(&status, true);
        assert!(plan.all_terminal());
    }

    #[test]
    fn arguments() {
        let args = parse_args(["--master", "http://m:5050", "--agents=3", "--hold", "5"]).unwrap();
        assert_eq!(args.master.as_deref(), Some("http://m:5050"));
        assert_eq!(args.agents, 3);
        assert_eq!(args.hold, Duration::from_secs(5));
        assert!(parse_args(["--agents", "x"]).is_err());
        assert!(parse_args(["--bogus"]).is_err());
    }
}
