//! The simulated Jenkins on Mesos: the DC/OS Jenkins package with its
//! Mesos cloud of Docker-in-Docker agents. Served under `/service/jenkins/`
//! behind Admin Router and on a direct listener with Jenkins auth.

mod auth;
mod cloud;
mod config;
mod render;
mod routes;
mod runner;
mod scheduler;
mod script;
mod state;
mod tree;

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{Mutex, MutexGuard, OnceLock};

use tokio::sync::Notify;

use crate::mesos::api::Mesos;
use crate::sim::SimState;
pub(crate) use routes::{admin_router_routes, direct_router};
use state::JenkinsState;

/// The Jenkins version in `X-Jenkins` (an LTS release).
pub const JENKINS_VERSION: &str = "2.319.3";

/// The label of the Mesos cloud's Docker-in-Docker agent template.
pub const AGENT_LABEL: &str = "linux";
/// The Docker image of the agent template.
pub const AGENT_IMAGE: &str = "mesosphere/jenkins-dind:0.9.0";
/// CPUs of one agent.
pub const AGENT_CPUS: f64 = 0.1;
/// Memory (MB) of one agent.
pub const AGENT_MEM: f64 = 512.0;

/// The user of the simulated Jenkins.
pub(crate) const USER: &str = "admin";

/// The simulated Jenkins inside the cluster state. Its `Debug` shows no
/// secret (password, API token, crumb salt, sessions).
pub(crate) struct JenkinsSim {
    state: Mutex<JenkinsState>,
    /// Wakes the scheduler.
    pub(crate) wake: Notify,
    /// Builds still to fail (the "a build fails" fault).
    pub(crate) fail_next: AtomicU32,
    /// The direct listener.
    pub(crate) addr: OnceLock<SocketAddr>,
    /// The user's password and API token.
    pub(crate) password: String,
    pub(crate) api_token: String,
    /// The salt of crumbs, and the suffix of the session cookie's name.
    pub(crate) salt: String,
    pub(crate) cookie_name: String,
}

impl std::fmt::Debug for JenkinsSim {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JenkinsSim")
            .field("addr", &self.addr.get())
            .field("password", &"***")
            .field("api_token", &"***")
            .field("cookie_name", &self.cookie_name)
            .finish_non_exhaustive()
    }
}

impl JenkinsSim {
    /// A Jenkins with no jobs.
    pub(crate) fn new(seed: u64) -> Self {
        let mut state = JenkinsState::new(seed);
        let api_token = format!("11{}", state.hex(32));
        let salt = state.hex(32);
        let cookie_name = format!("JSESSIONID.{}", state.hex(8));
        JenkinsSim {
            state: Mutex::new(state),
            wake: Notify::new(),
            fail_next: AtomicU32::new(0),
            addr: OnceLock::new(),
            password: "admin".to_owned(),
            api_token,
            salt,
            cookie_name,
        }
    }

    /// The state, locked. Never hold it across an await.
    pub(crate) fn lock(&self) -> MutexGuard<'_, JenkinsState> {
        self.state.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// Takes one pending "a build fails" fault.
    pub(crate) fn take_failure(&self) -> bool {
        self.fail_next
            .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |n| n.checked_sub(1))
            .is_ok()
    }
}

/// Starts the scheduler of a cluster's Jenkins.
pub(crate) fn start(sim: &SimState) {
    scheduler::start(sim);
}

/// Registers the Mesos plugin's framework now, as it does when Jenkins
/// starts (otherwise it registers when the first agent is needed).
pub(crate) fn register(sim: &SimState) {
    let mut state = sim.jenkins.lock();
    if state.framework_id.is_none() {
        let id = Mesos::new(sim.clone()).register_framework("Jenkins Scheduler", "*", "jenkins");
        state.framework_id = Some(id);
    }
}

/// The simulated Jenkins of a running cluster (see
/// [`SimCluster::jenkins`](crate::SimCluster::jenkins)). Cheap to clone.
///
/// It plays the DC/OS Jenkins package: Jenkins [`JENKINS_VERSION`] with the
/// Mesos plugin's cloud, whose one template starts single-use
/// Docker-in-Docker agents (label [`AGENT_LABEL`], [`AGENT_CPUS`] CPU,
/// [`AGENT_MEM`] MB, privileged [`AGENT_IMAGE`]) as Mesos tasks.
///
/// # Where and who
///
/// - `<cluster>/service/jenkins/` ([`service_url`](Self::service_url))
///   behind Admin Router: the DC/OS token is checked there, and Jenkins
///   sees the token's user. Jenkins Basic auth cannot pass Admin Router.
/// - The direct listener ([`url`](Self::url)): `Authorization: Basic`
///   with [`user`](Self::user) and [`password`](Self::password) or
///   [`api_token`](Self::api_token). Bad credentials get `401` ("Invalid
///   password/token for user: …", `WWW-Authenticate: Basic
///   realm="Jenkins"`); no credentials `403` "Authentication required"
///   with `X-You-Are-Authenticated-As: anonymous`.
/// - CSRF: `GET /crumbIssuer/api/json` answers `{_class:
///   hudson.security.csrf.DefaultCrumbIssuer, crumb, crumbRequestField:
///   "Jenkins-Crumb"}` and starts a web session (`Set-Cookie:
///   JSESSIONID.<hash>=…; Path=/; HttpOnly`, `Path=/service/jenkins`
///   behind Admin Router). Every POST needs the crumb of its session (in
///   the `Jenkins-Crumb` header, query or form field) with the cookie,
///   else `403` "No valid crumb was included in the request"; API-token
///   requests are exempt.
/// - The fault knobs apply to both: [`Faults::unavailable`](crate::Faults::unavailable)
///   with `/service/jenkins/` (the direct listener's paths count as under
///   it), slow responses, expired DC/OS tokens behind Admin Router.
/// - Every answer carries `X-Jenkins`. Errors are Jetty's HTML pages:
///   `404` for an absent item, build, queue item or node.
///
/// # Endpoints
///
/// - `GET /api/json` (the root, listing jobs), `/whoAmI/api/json`.
/// - Items: `POST createItem?name=` with a `config.xml` body (root
///   `<flow-definition>`: `WorkflowJob`; `<project>`: `FreeStyleProject`;
///   `<com.cloudbees.hudson.plugins.folder.Folder>`: a folder; anything
///   else `400`), or `mode=<class>`, or `mode=copy&from=<name or /path>`;
///   `400` with `X-Error` for a taken, missing or unsafe name. The body is
///   stored and served back verbatim by `GET config.xml`; `POST
///   config.xml` replaces it (same kind only). `POST enable`/`disable`
///   (rewriting `<disabled>`), `doRename`/`confirmRename?newName=`,
///   `doDelete` or `DELETE` on the item. Folders nest: `job/a/job/b/`.
/// - `GET …/api/json` of jobs (`_class`, `color`, `builds`, `lastBuild`…,
///   `property` with the parameter definitions, `queueItem`) and folders
///   (`jobs`, `views`).
/// - `POST build` / `buildWithParameters` (`delay=Nsec`, parameters in the
///   query or form): `201` with `Location: <root>queue/item/N/`; `409` for
///   a disabled job; `405` for GET. An identical trigger joins the item
///   still in the queue (and moves its quiet period up).
/// - `GET queue/api/json`, `queue/item/N/api/json`, `POST
///   queue/cancelItem?id=N` (`204`, `404` unknown).
/// - Builds (`N`, `lastBuild`, `lastSuccessfulBuild`, `lastFailedBuild`,
///   `lastCompletedBuild`, `lastStableBuild`, `lastUnsuccessfulBuild`,
///   `firstBuild`): `api/json`, `consoleText`,
///   `logText/progressiveText?start=` (`X-Text-Size` is the next offset in
///   bytes; `X-More-Data: true` only while the build runs; a `start` past
///   the end restarts at 0), `wfapi/describe`, `buildNumber`, `POST stop`;
///   `execution/node/<id>/wfapi/describe` (a stage with its
///   `stageFlowNodes`, or one step with its `error`) and
///   `execution/node/<id>/wfapi/log` (a step's console lines); a Pipeline
///   job's `wfapi/describe` (`runCount`) and `wfapi/runs` (the last ten
///   runs).
/// - `GET computer/api/json` and `computer/<name>/api/json`: the built-in
///   node (no executors) and the Mesos agents while they live.
///
/// # The queue and the agents
///
/// An item waits its quiet period (`delay`, the job's `<quietPeriod>`, or
/// 5 s) as a `Queue$WaitingItem`. A Pipeline then starts at once (its
/// controller part needs no executor) and its item leaves
/// (`Queue$LeftItem` with `executable {number, url}`); each `node` block
/// queues a `Queue$BuildableItem` whose task is a `PlaceholderTask`. A
/// freestyle build waits as a `BuildableItem` itself. A buildable item
/// whose label is none or `linux` gets an agent launched as a Mesos task
/// `jenkins-agent-linux-<uuid>` (why: "Waiting for next available
/// executor on ‘linux’"); when no agent has the resources free it stays in
/// the queue with that `why` and is retried every simulated second; it
/// turns `stuck` by Jenkins's rule (buildable for ten times the job's last
/// build duration, at least ten minutes, or a day with no build yet). The
/// node appears in `computer/api/json` at once (offline), comes online when
/// its task is TASK_RUNNING, runs one build and is killed after it
/// (single-use; its resources come back), then answers `404`. Any other
/// label is `stuck` with "There are no nodes with the label ‘…’". Left
/// items are kept 5 simulated minutes, then answer `404`.
///
/// # How a build runs and ends
///
/// The Pipeline script is read (not evaluated) into steps: `node`,
/// `stage`, `sh`, `echo`, `error`, `withEnv`, declarative `pipeline {
/// agent … environment … stages … }`, and other known steps shown as
/// `[Pipeline] name`. The console shows them as Jenkins does. `sh`
/// commands have `${params.X}`, `${env.X}`, `${X}` and `$X` replaced by
/// the parameters, `withEnv`/`environment` variables and `BUILD_NUMBER`,
/// `JOB_NAME`, `WORKSPACE`…; each line is traced (`+ line`) and takes
/// simulated time: `sleep N` N s, `docker build` 10 s, `docker push` 5 s,
/// anything else 1 s. The result, deterministically:
///
/// - `error('msg')` fails the build (`ERROR: msg`). Code inside `if`
///   blocks is not run, except that an `error(…)` inside an `if` whose
///   condition names `params.X` fires when parameter X is empty or absent
///   (the usual guard of required parameters). `else`, `catch`, `post`
///   and `when` blocks are not run.
/// - An `sh` line `false` or `exit N` (N ≠ 0) fails the build with
///   `ERROR: script returned exit code N`; so does `docker push` with no
///   image. An `sh` step outside any `node` fails it too.
/// - A build whose parameter `FAIL` is `true`, and the next builds after
///   [`Faults::fail_builds`](crate::Faults::fail_builds), fail at their
///   first `sh` line (exit code 1; nothing after it runs or is pushed).
/// - `POST stop` aborts (`ABORTED`); so does cancelling a `node` block's
///   placeholder item. An agent lost mid-build fails the build.
/// - Otherwise `SUCCESS`. Stages that ran are `SUCCESS`, the failing one
///   `FAILED` in `wfapi/describe`; later ones are not listed.
///
/// Each `docker push <image>` that succeeds records the image in the
/// cluster's [`Registry`](crate::Registry).
///
/// # Simplifications
///
/// - One user (`admin`) on the direct listener, and no authorization:
///   every authenticated caller may do everything. Behind Admin Router the
///   DC/OS user is trusted as the Jenkins user.
/// - `url` fields and `Location` use the root the request came through
///   (the Admin Router URL or the direct one), not a configured root URL.
/// - `config.xml` is read for its root element, `<description>`,
///   `<disabled>`, `<quietPeriod>`, the `<script>` of a Pipeline,
///   freestyle `<assignedNode>` and `hudson.tasks.Shell` commands, and
///   String/Boolean/Choice/Text/Password parameter definitions; the rest
///   is stored, not understood. `build` on a parameterized job uses the
///   defaults for parameters not given.
/// - `tree=` is honoured, nested with ranges; with a tree, builds and
///   child jobs are rendered whole so that it reaches their properties
///   (`builds[number,queueId]`, `jobs[name,jobs[name]]`). `depth=` is
///   ignored. Actions
///   hold only the parameters and the user cause.
/// - The console carries no hidden console notes, so `X-Text-Size` counts
///   the visible bytes only. File parameters (multipart bodies) are not
///   read.
/// - No views beyond `All`, no plugins, credentials, artifacts, test
///   reports, input steps, replay, `BlockedItem`s (builds run
///   concurrently) or multibranch jobs; left items keep a build number even
///   after the build is deleted with its job.
#[derive(Clone)]
pub struct Jenkins {
    sim: SimState,
}

impl std::fmt::Debug for Jenkins {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Jenkins")
            .field("url", &self.url())
            .field("user", &USER)
            .field("password", &"***")
            .field("api_token", &"***")
            .finish()
    }
}

impl Jenkins {
    pub(crate) fn new(sim: SimState) -> Self {
        Jenkins { sim }
    }

    /// The direct listener's root URL, `http://127.0.0.1:<port>/`, where
    /// Jenkins auth (Basic with a password or an API token) applies.
    pub fn url(&self) -> String {
        match self.sim.jenkins.addr.get() {
            Some(addr) => format!("http://{addr}/"),
            None => "http://127.0.0.1/".to_owned(),
        }
    }

    /// The URL through Admin Router, `<cluster>/service/jenkins/`, where
    /// the DC/OS token applies.
    pub fn service_url(&self) -> String {
        format!("{}/service/jenkins/", self.sim.origin(0))
    }

    /// The Jenkins user (`admin`).
    pub fn user(&self) -> &str {
        USER
    }

    /// The user's password: password-auth POSTs need a crumb.
    pub fn password(&self) -> &str {
        &self.sim.jenkins.password
    }

    /// The user's API token: API-token requests need no crumb.
    pub fn api_token(&self) -> &str {
        &self.sim.jenkins.api_token
    }

    /// The Mesos tasks of the agents alive now (node names).
    pub fn agents(&self) -> Vec<String> {
        self.sim.jenkins.lock().agents.keys().cloned().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_hides_the_secrets() {
        let j = JenkinsSim::new(1);
        let shown = format!("{j:?}");
        assert!(!shown.contains(&j.api_token), "{shown}");
        assert!(!shown.contains(&j.salt), "{shown}");
        assert!(shown.contains("***"));
    }
}
