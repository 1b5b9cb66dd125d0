//! A stateful simulated DC/OS cluster served over real HTTP on loopback:
//! Admin Router and IAM, a Mesos master with agents, offers and tasks, and
//! Marathon running its apps as Mesos tasks, and Jenkins running its builds
//! on Mesos agents, with a shared clock, fault knobs and named
//! [`Scenario`]s that preset them. It starts in milliseconds, so tests
//! and examples run with no cluster at all. It is an independent judge of
//! the wire format: it does not depend on the client crates.
//!
//! # Quick start
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use dcos_sim::{AgentSpec, SimCluster, TaskSpec, TaskState};
//!
//! let cluster = SimCluster::builder()
//!     .agents_like(2, AgentSpec::default().cpus(8.0).attribute("rack", "r1"))
//!     .speed(100.0) // simulated time runs 100 times faster
//!     .start()
//!     .await?;
//! println!("DC/OS at {}", cluster.url());
//! // A credential in DC/OS's own format, for DCOS_SERVICE_ACCOUNT_CREDENTIAL.
//! let credential = cluster.service_account().credential_json();
//! assert!(credential.contains("\"scheme\":\"RS256\""));
//!
//! // Tasks on the simulated agents, as Marathon or Jenkins would run them.
//! let mesos = cluster.mesos();
//! let framework = mesos.register_framework("marathon", "*", "marathon");
//! let task = mesos.launch(&framework, TaskSpec::new("web.1", "web").resources(1.0, 256.0, 0.0).ports(1))?;
//! assert_eq!(task.state, TaskState::Staging);
//! assert_eq!(mesos.agents()[0].free.cpus, 7.0);
//!
//! // Jenkins: directly with an API token, or through Admin Router.
//! let jenkins = cluster.jenkins();
//! println!("Jenkins at {} ({} / API token)", jenkins.url(), jenkins.user());
//! assert!(jenkins.service_url().ends_with("/service/jenkins/"));
//!
//! // Faults on demand.
//! cluster.faults().expire_tokens();
//! cluster.faults().unavailable("/mesos/", 3);
//! cluster.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Or from a shell: `cargo run -p dcos-sim -- --port 8080 --agents 3 --speed 10`
//! prints the URL, the superuser's password and a service-account
//! credential, and serves until Ctrl-C.
//!
//! # Deploying on the simulated Marathon
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use dcos_sim::SimCluster;
//!
//! let cluster = SimCluster::builder().speed(200.0).require_pushed_images(true).start().await?;
//! cluster.registry().push("registry.local/shop:42"); // as a Jenkins build does
//! let token = cluster.issue_token("bootstrapuser").unwrap_or_default();
//! let app = serde_json::json!({
//!     "id": "/shop",
//!     "container": { "type": "DOCKER", "docker": { "image": "registry.local/shop:42" } },
//!     "instances": 2,
//! });
//! let response = reqwest::Client::new()
//!     .post(format!("{}/service/marathon/v2/apps", cluster.url()))
//!     .header("Authorization", format!("token={token}"))
//!     .json(&app)
//!     .send()
//!     .await?;
//! assert_eq!(response.status(), 201);
//! assert!(response.headers().contains_key("Marathon-Deployment-Id"));
//! while !cluster.marathon().deployment_ids().is_empty() {
//!     tokio::time::sleep(std::time::Duration::from_millis(5)).await;
//! }
//! assert_eq!(cluster.marathon().instances("/shop").len(), 2);
//! # Ok(()) }
//! ```
//!
//! # What is simulated
//!
//! - **Admin Router and IAM.** `POST /acs/api/v1/auth/login` with
//!   `{uid,password}` or `{uid,token}` (an RS256 service login JWT checked
//!   against the account's registered public key, `exp` included) answers
//!   `{token}`, an RS256 JWT with `uid` and `exp`, plus the
//!   `dcos-acs-auth-cookie` and `dcos-acs-info-cookie` cookies. Bad
//!   credentials get `401 {title,description,code:"ERR_INVALID_CREDENTIALS"}`
//!   with `WWW-Authenticate: acsjwt`; a malformed body `400 ERR_INVALID_DATA`.
//!   Every other route but `/dcos-metadata/dcos-version.json` and `/` needs
//!   `Authorization: token=…` (or `Bearer …`, or the cookie, as Admin Router
//!   accepts); a missing, forged, expired or revoked token gets `401` with
//!   `WWW-Authenticate: acsjwt` and an HTML body. `GET /acs/api/v1/users/<uid>`
//!   shows an account and `GET /acs/api/v1/users[?type=service]` lists them
//!   (`{"array":[…]}`). The token lifetime can be set
//!   ([`SimClusterBuilder::token_lifetime`], [`SimCluster::set_token_lifetime`])
//!   and auth turned off ([`SimClusterBuilder::auth`]).
//! - **The Mesos master** under `/mesos/`: agents with `cpus`, `mem`, `disk`,
//!   `ports` and TEXT attributes ([`AgentSpec`]).
//!   - The v1 operator API, `POST /mesos/api/v1` (JSON): GET_HEALTH,
//!     GET_FLAGS, GET_VERSION, GET_MASTER, GET_STATE, GET_AGENTS,
//!     GET_FRAMEWORKS, GET_EXECUTORS, GET_TASKS, TEARDOWN, and SUBSCRIBE, a
//!     RecordIO stream of SUBSCRIBED (with the whole state), TASK_ADDED,
//!     TASK_UPDATED, AGENT_REMOVED, FRAMEWORK_ADDED/UPDATED/REMOVED and
//!     HEARTBEAT. The other calls of `master.proto` answer `501` naming the
//!     call.
//!   - The legacy `/mesos/master/state`, `/master/state-summary`,
//!     `/master/frameworks` (v0 JSON) and `/master/redirect` (`307` to
//!     `//<leader>`).
//!   - The scheduler API, `POST /mesos/api/v1/scheduler`: SUBSCRIBE streams
//!     SUBSCRIBED (framework id, `heartbeat_interval_seconds`, master info)
//!     with a `Mesos-Stream-Id` header, then OFFERS of the free resources,
//!     UPDATE (with a `uuid`), RESCIND, ERROR and HEARTBEAT. Calls answer
//!     `202`: ACCEPT with LAUNCH or LAUNCH_GROUP, DECLINE and ACCEPT filters
//!     (`refuse_seconds`, 5 by default), REVIVE, SUPPRESS, KILL, ACKNOWLEDGE,
//!     RECONCILE (implicit and explicit), TEARDOWN, UPDATE_FRAMEWORK (`200`).
//!     A missing or wrong `Mesos-Stream-Id` gets `400`, a framework that is
//!     not subscribed `403 Framework is not subscribed`, a removed one `403
//!     Framework has been removed`; a wrong `Content-Type` `400`/`415`, a
//!     wrong `Accept` `406`, as the real master. A framework whose stream
//!     ends is removed after its `failover_timeout`, and a new SUBSCRIBE
//!     with its id fails it over (the old stream gets ERROR).
//!   - Resource accounting: launched tasks (and LAUNCH_GROUP executors) use
//!     agent resources, so offers shrink; ended tasks free them, so offers
//!     grow back. Tasks go TASK_STAGING → TASK_STARTING → TASK_RUNNING on the
//!     clock ([`SimClusterBuilder::task_startup`]).
//!   - [`Mesos`]: the crate API the other simulated services use to run
//!     tasks on the agents with the same accounting.
//! - **Marathon** under `/service/marathon/` ([`Marathon`]):
//!   - `/v2/apps`: list (`id`, `cmd`, `label` filters, `embed`), `POST`
//!     (`201` with `Location`, the app and its `deployments`), `PUT` (`201`
//!     when it creates, `200` when it updates, `{deploymentId, version}`,
//!     `partialUpdate`, rollback with `{"version": …}`), `PATCH`, bulk
//!     `PUT`, `DELETE`, `restart`, `versions` and a version by timestamp,
//!     `/v2/apps/<group>/*`, and the app's tasks (list, kill with `host`,
//!     `scale`, `wipe`). Every change that starts a deployment answers with
//!     `Marathon-Deployment-Id`. A change to an app that a running
//!     deployment holds answers `409` "App is locked by one or more
//!     deployments…" with `deployments`; `force=true` cancels them. Bad
//!     types answer `400 Invalid JSON` and bad values `422 Object is not
//!     valid`, both with `details: [{path, errors}]`.
//!   - `/v2/groups`: the tree, create (`409` when it exists), update (apps
//!     left out of `apps` are removed; ids relative to the group, `422`
//!     "is not child of" otherwise), `dryRun=true` (the steps, no change),
//!     `scaleBy`, delete, versions.
//!   - `/v2/deployments`: the running plans (`steps`, `currentActions`,
//!     `currentStep`, `totalSteps`); `DELETE` rolls back (`200` with the
//!     rollback's id), `force=true` just stops it (`202`, no body).
//!   - `/v2/tasks` (`status=` filter), `POST /v2/tasks/delete`, `/v2/queue`
//!     (instances waiting for room or a backoff delay) and `DELETE
//!     /v2/queue/<app>/delay` (`204`), `/v2/info`, `/v2/leader`, `/ping`.
//!   - `GET /v2/events` (`Accept: text/event-stream`, else `405`): Server-Sent
//!     Events `event: <type>\ndata: <json>\n\n`, filtered by repeated
//!     `event_type=`: event_stream_attached/detached, api_post_event,
//!     group_change_success, deployment_info, deployment_step_success,
//!     deployment_step_failure, deployment_success, deployment_failed,
//!     status_update_event, instance_changed_event,
//!     health_status_changed_event, instance_health_changed_event,
//!     failed_health_check_event, app_terminated_event.
//!   - Deployments run step by step on the clock (StopApplication, then
//!     StartApplication, then ScaleApplication or RestartApplication).
//!     Each instance is a Mesos task launched through [`Mesos`], so it uses
//!     agent resources; an instance that does not fit waits in the queue.
//!     A restart honours `upgradeStrategy`: never more than
//!     `instances × (1 + maximumOverCapacity)` instances, never fewer than
//!     `instances × minimumHealthCapacity` healthy ones (with `1` and `0`,
//!     one old instance is killed first, as Marathon does). Scaling down
//!     kills old-configuration instances first, then the youngest. Failed
//!     tasks are relaunched after `backoffSeconds × backoffFactor^n`
//!     (at most `maxLaunchDelaySeconds`). A deployment that has not
//!     finished after its deadline
//!     ([`SimClusterBuilder::marathon_deployment_timeout`], 600 s) fails:
//!     deployment_step_failure, then deployment_failed.
//! - **The image registry** ([`Registry`]): the images builds pushed. With
//!   [`SimClusterBuilder::require_pushed_images`] a Marathon instance whose
//!   `container.docker.image` was not pushed fails at once with
//!   TASK_FAILED and the message `image not found: <image>`.
//! - **Jenkins on Mesos** ([`Jenkins`], [`SimCluster::jenkins`]) under
//!   `/service/jenkins/` and on a direct listener with Jenkins auth: the
//!   crumb issuer and its session cookie, jobs and folders from
//!   `config.xml` (served back verbatim), `build`/`buildWithParameters`
//!   through the queue, builds on single-use Docker-in-Docker agents that
//!   are Mesos tasks using agent resources, a growing console
//!   (`logText/progressiveText`), `wfapi/describe`, and a documented rule
//!   deciding each result. Pushed images go to the [`Registry`].
//! - **The clock** ([`SimClock`]): simulated time runs `speed` times faster.
//! - **Fault knobs** ([`Faults`]): expire every token, bursts of `503`,
//!   slow responses, streams dropped mid-way, a Mesos leader change (`307`
//!   to a second master address serving the same state), an agent lost
//!   (its tasks go to TASK_UNREACHABLE or TASK_LOST) and recovered, a
//!   Marathon standby (`302` on `/v2/events` to the leader), no Marathon
//!   leader (`502` "Could not determine the current leader"), and Marathon
//!   deployments that never become healthy. The generic knobs work on the
//!   Marathon routes too (`unavailable("/service/marathon/", n)`), and
//!   Jenkins builds that fail ([`Faults::fail_builds`]).
//!
//! # How Marathon decides health: the broken-app rule
//!
//! An app is **broken** when its `env` has `SIM_BROKEN=true`, or its Docker
//! image tag ends in `broken` (`registry.local/shop:broken`,
//! `shop:1.2-broken`), or while [`Faults::marathon_never_healthy`] is on.
//! One simulated second after an instance reaches TASK_RUNNING
//! ([`Marathon::set_health_delay`]), an app with `healthChecks` gets its
//! first result: alive, or, for a broken app, not alive
//! (failed_health_check_event, then health_status_changed_event with
//! `alive: false`); results do not change after that. A broken app without
//! health checks crashes as its tasks start (TASK_FAILED, "Command exited
//! with status 1") and is relaunched with backoff. Either way its
//! deployment never completes and fails at the deadline.
//!
//! # How a task launched through the scheduler API ends
//!
//! Its command decides, deterministically: `sleep N` finishes
//! (TASK_FINISHED) after N simulated seconds of running; `true` or `exit 0`
//! finishes at once; `false` or `exit N` (N ≠ 0) fails (TASK_FAILED) at
//! once; anything else runs until killed. Tasks launched through [`Mesos`]
//! end as their [`TaskSpec::run_for`] says, or when killed or finished.
//!
//! # Simplifications
//!
//! - **Auth.** Tokens live in real time (clients compare `exp` with their
//!   own clock); every other duration is simulated time. IAM knows two
//!   accounts, the superuser and one service account, and has no ACLs:
//!   every valid token may do everything. OpenID Connect logins (`{token}`
//!   with no `uid`) get `400`. A token is valid only on the cluster that
//!   issued it. The keys are fixed, simulator-only RSA keys embedded in the
//!   crate: they are public, so nothing they sign proves anything outside a
//!   test. Everything is plain HTTP on 127.0.0.1: no TLS, no CA bundle.
//! - **Mesos wire format.** JSON only (`application/x-protobuf` gets `415`).
//!   Streams answer `Content-Type: application/json` (RecordIO records of
//!   JSON, the classic form), or `application/recordio` with
//!   `Message-Content-Type: application/json` when the request's `Accept`
//!   asks only for that. Empty repeated fields are left out, as protobuf
//!   JSON does.
//! - **Resources.** Only unreserved (`role: "*"`) SCALAR and RANGES
//!   resources are simulated; SET resources make a task TASK_ERROR.
//!   Reservations, volumes, quota, weights, maintenance and the other
//!   offer operations (RESERVE, CREATE…) are not: ACCEPT ignores those
//!   operations. Offers carry `allocation_info` with the framework's first
//!   role. No command-executor overhead is added to tasks.
//! - **Allocation.** Every allocatable agent (≥ 0.01 cpus or ≥ 32 MB free)
//!   is offered whole to the first subscribed, unsuppressed framework (by
//!   id) that does not filter it, on every change and every simulated
//!   second; there is no DRF and no offer timeout. SUPPRESS stops new
//!   offers for all the framework's roles.
//! - **Executors and updates.** No code runs. TASK_KILLING is sent only to
//!   frameworks with TASK_KILLING_STATE (and the crate API's). Updates are
//!   not retried until acknowledged; ACKNOWLEDGE clears the pending uuid.
//!   SHUTDOWN, MESSAGE, REQUEST and ACKNOWLEDGE_OPERATION_STATUS are
//!   accepted and do nothing; RECONCILE_OPERATIONS answers no operation.
//!   Master-generated updates (TASK_ERROR, TASK_LOST on an invalid offer,
//!   reconciliation) carry no `uuid`.
//! - **Agents** do not serve their own API (`/slave(1)/…`); a lost agent
//!   comes back only through [`Faults::agent_recovered`]. The master keeps 1000 completed tasks in all
//!   and 50 completed frameworks.
//! - **Marathon.** One Marathon framework (role `*`, principal
//!   `dcos_marathon`) registered through the crate API: it takes no offers,
//!   and places each instance on the first agent with room. `constraints`,
//!   `acceptedResourceRoles`, readiness checks, dependencies, pods,
//!   persistent volumes, secrets and the HTTP callback subscriptions are
//!   kept in definitions but not acted on; `/v2/pods` is not served.
//!   Health results come once (see the rule above) and unhealthy instances
//!   are not killed. Unreachable instances are replaced at once and kept
//!   until they come back or end. Deployment plans in events are always in
//!   the light format (no `original`/`target`, the 1.8 default). Group
//!   versions list every change's version; a group cannot be rolled back by
//!   version. An unknown Marathon route answers `404 {"message":"URI not
//!   found"}`. `clientIp` and `remoteAddress` are always `127.0.0.1`. With
//!   [`Faults::marathon_standby`] the second address leads: it serves the
//!   same state, and the cluster URL redirects `/v2/events` there with `302`
//!   (Admin Router would proxy it: the simulator shows the Marathon
//!   standby's own answer).
//! - **Leader change.** The second master address serves every route of
//!   the cluster, and Mesos routes answer `307` on whichever address does
//!   not lead. A real Admin Router proxies `/mesos/` to the leader itself;
//!   the simulator passes the master's `307` through instead, so that a
//!   client's redirect handling is exercised. A framework disconnected by a leader change is kept until
//!   it subscribes again.

mod admin_router;
mod agent_spec;
mod builder;
mod clock;
mod cluster;
mod faults;
mod iam;
mod jenkins;
mod jwt;
mod keys;
mod marathon;
mod mesos;
mod registry;
mod scenario;
mod sim;
mod state;
mod stream;

pub use admin_router::DCOS_VERSION;
pub use agent_spec::AgentSpec;
pub use builder::SimClusterBuilder;
pub use clock::SimClock;
pub use cluster::{ServiceAccount, SimCluster, StartError, Superuser};
pub use faults::Faults;
pub use iam::DEFAULT_TOKEN_LIFETIME;
pub use jenkins::{AGENT_CPUS, AGENT_IMAGE, AGENT_LABEL, AGENT_MEM, JENKINS_VERSION, Jenkins};
pub use marathon::api::{InstanceView, Marathon};
pub use marathon::info::MARATHON_VERSION;
pub use mesos::api::{AgentView, Amounts, LaunchError, Mesos, TaskSpec, TaskView};
pub use mesos::render::MESOS_VERSION;
pub use registry::Registry;
pub use scenario::{
    AGENT_LOSS_AFTER, FAILING_BUILDS, FLAKY_MARATHON_BURST, FLAKY_MARATHON_EVERY,
    LEADER_CHANGE_AFTER, SHORT_TOKEN_LIFETIME, Scenario, UnknownScenario,
};
pub use state::TaskUpdate;
pub use state::task::TaskState;
