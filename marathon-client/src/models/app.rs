//! The app definition, its status fields, and the app list answers.

use std::collections::BTreeMap;

use dcos_auth::json_model;

use super::{
    Check, Constraint, Container, DeploymentRef, EnvValue, EnvVars, HealthCheck, IpAddress,
    KillSelection, Network, PortDefinition, ReadinessCheck, ReadinessCheckResult, Residency,
    Resources, Secrets, Task, TaskFailure, TasksStats, Timestamp, UnreachableStrategy,
    UpgradeStrategy,
};
use crate::ids::{AppId, DeploymentId};

json_model! {
    /// A Marathon app: its definition plus, when read from the server, its
    /// status (task counts, tasks, deployments, last failure, readiness, stats).
    ///
    /// Build one from [`App::new`] and set fields; `None` fields are not sent,
    /// so the server fills its defaults. Fields this version does not know are
    /// kept in `extra` and sent back.
    pub struct App {
        /// The app id, such as `/prod/web`.
        "id" id: AppId,
        /// The shell command.
        "cmd" cmd: Option<String>,
        /// The command's arguments, run without a shell.
        "args" args: Option<Vec<String>>,
        /// The user the task runs as.
        "user" user: Option<String>,
        /// Environment variables: values or secret references.
        "env" env: Option<EnvVars>,
        /// How many instances to run. Default 1.
        "instances" instances: Option<u32>,
        /// CPUs per instance. Default 1.
        "cpus" cpus: Option<f64>,
        /// Memory per instance, in MiB. Default 128.
        "mem" mem: Option<f64>,
        /// Disk per instance, in MiB. Default 0.
        "disk" disk: Option<f64>,
        /// GPUs per instance. Default 0.
        "gpus" gpus: Option<f64>,
        /// The executor; empty or `//cmd` for the command executor.
        "executor" executor: Option<String>,
        /// Resources for the executor itself.
        "executorResources" executor_resources: Option<Resources>,
        /// Placement constraints.
        "constraints" constraints: Option<Vec<Constraint>>,
        /// Only offers with these roles are used.
        "acceptedResourceRoles" accepted_resource_roles: Option<Vec<String>>,
        /// The Mesos role the app's resources are reserved for (Marathon 1.9).
        "role" role: Option<String>,
        /// URIs to fetch (legacy; see `fetch`).
        "uris" uris: Option<Vec<String>>,
        /// Artifacts to fetch into the sandbox.
        "fetch" fetch: Option<Vec<Artifact>>,
        /// URLs to put in the artifact store before start.
        "storeUrls" store_urls: Option<Vec<String>>,
        /// Host ports (legacy; see `portDefinitions`).
        "ports" ports: Option<Vec<u32>>,
        /// Host ports, for host networking.
        "portDefinitions" port_definitions: Option<Vec<PortDefinition>>,
        /// Use the given host ports rather than any free ones.
        "requirePorts" require_ports: Option<bool>,
        /// Seconds before the first relaunch of a failed task. Default 1.
        "backoffSeconds" backoff_seconds: Option<u32>,
        /// The backoff multiplier. Default 1.15.
        "backoffFactor" backoff_factor: Option<f64>,
        /// The longest backoff, in seconds. Default 300 (3600 before 1.5).
        "maxLaunchDelaySeconds" max_launch_delay_seconds: Option<u32>,
        /// The container.
        "container" container: Option<Container>,
        /// Health checks.
        "healthChecks" health_checks: Option<Vec<HealthCheck>>,
        /// A Mesos check, reported but never acted on.
        "check" check: Option<Check>,
        /// Readiness checks, used during deployments.
        "readinessChecks" readiness_checks: Option<Vec<ReadinessCheck>>,
        /// Apps and groups to deploy first.
        "dependencies" dependencies: Option<Vec<AppId>>,
        /// How upgrades replace instances.
        "upgradeStrategy" upgrade_strategy: Option<UpgradeStrategy>,
        /// Labels.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// Secret declarations, referenced from `env` and volumes.
        "secrets" secrets: Option<Secrets>,
        /// What to do with unreachable instances.
        "unreachableStrategy" unreachable_strategy: Option<UnreachableStrategy>,
        /// Which instances go first when scaling down.
        "killSelection" kill_selection: Option<KillSelection>,
        /// Resident task settings (legacy).
        "residency" residency: Option<Residency>,
        /// Seconds between SIGTERM and SIGKILL.
        "taskKillGracePeriodSeconds" task_kill_grace_period_seconds: Option<u32>,
        /// Networks (Marathon 1.5).
        "networks" networks: Option<Vec<Network>>,
        /// The per-task IP address request (legacy; see `networks`).
        "ipAddress" ip_address: Option<IpAddress>,
        /// Give the task a TTY.
        "tty" tty: Option<bool>,
        /// The version: the time of the last change.
        "version" version: Option<Timestamp>,
        /// When the app was last scaled and last changed otherwise.
        "versionInfo" version_info: Option<VersionInfo>,
        /// Tasks being staged.
        "tasksStaged" tasks_staged: Option<u32>,
        /// Running tasks.
        "tasksRunning" tasks_running: Option<u32>,
        /// Running tasks whose health checks all pass.
        "tasksHealthy" tasks_healthy: Option<u32>,
        /// Running tasks with a failing health check.
        "tasksUnhealthy" tasks_unhealthy: Option<u32>,
        /// The app's tasks (`embed=apps.tasks`, always on a single GET).
        "tasks" tasks: Option<Vec<Task>>,
        /// Running deployments that affect the app.
        "deployments" deployments: Option<Vec<DeploymentRef>>,
        /// The last task failure.
        "lastTaskFailure" last_task_failure: Option<TaskFailure>,
        /// Readiness check results (`embed=apps.readiness`).
        "readinessCheckResults" readiness_check_results: Option<Vec<ReadinessCheckResult>>,
        /// Task statistics (`embed=apps.taskStats`; the server names the
        /// field `tasksStats`).
        "tasksStats" tasks_stats: Option<TasksStats>,
    }
}

/// The keys of an app that the server computes and never accepts back.
/// `version` is among them: Marathon answers 422 to an update that combines
/// `version` with any field but `id` (a rollback sends `version` alone).
pub const APP_READ_ONLY_KEYS: &[&str] = &[
    "version",
    "versionInfo",
    "tasksStaged",
    "tasksRunning",
    "tasksHealthy",
    "tasksUnhealthy",
    "tasks",
    "deployments",
    "lastTaskFailure",
    "readinessCheckResults",
    "tasksStats",
    "taskStats",
];

impl App {
    /// An app definition with only its id set.
    pub fn new(id: AppId) -> Self {
        App {
            id,
            ..App::default()
        }
    }

    /// The definition to send back in a create or update: this app without
    /// the fields the server computes ([`APP_READ_ONLY_KEYS`]): version,
    /// version info, task counts, tasks, deployments, last failure, readiness
    /// and task stats. Unknown fields are kept.
    pub fn definition(&self) -> App {
        let mut app = self.clone();
        app.version = None;
        app.version_info = None;
        app.tasks_staged = None;
        app.tasks_running = None;
        app.tasks_healthy = None;
        app.tasks_unhealthy = None;
        app.tasks = None;
        app.deployments = None;
        app.last_task_failure = None;
        app.readiness_check_results = None;
        app.tasks_stats = None;
        for key in APP_READ_ONLY_KEYS {
            app.extra.remove(*key);
        }
        app
    }

    /// The container image, if the app runs one (`container.docker.image`,
    /// else `container.appc.image`).
    pub fn image(&self) -> Option<&str> {
        self.container.as_ref()?.image()
    }

    /// The instance count, or Marathon's default of 1.
    pub fn instances_or_default(&self) -> u32 {
        self.instances.unwrap_or(1)
    }

    /// CPUs per instance, or Marathon's default of 1.
    pub fn cpus_or_default(&self) -> f64 {
        self.cpus.unwrap_or(1.0)
    }

    /// Memory per instance in MiB, or Marathon's default of 128.
    pub fn mem_or_default(&self) -> f64 {
        self.mem.unwrap_or(128.0)
    }

    /// A label's value.
    pub fn label(&self, key: &str) -> Option<&str> {
        self.labels.as_ref()?.get(key).map(String::as_str)
    }

    /// An environment variable.
    pub fn env_var(&self, name: &str) -> Option<&EnvValue> {
        self.env.as_ref()?.get(name)
    }

    /// The embedded tasks; empty when none were embedded.
    pub fn tasks(&self) -> &[Task] {
        self.tasks.as_deref().unwrap_or_default()
    }

    /// The health checks; empty when there are none.
    pub fn health_checks(&self) -> &[HealthCheck] {
        self.health_checks.as_deref().unwrap_or_default()
    }

    /// The ids of the running deployments that affect the app.
    pub fn deployment_ids(&self) -> impl Iterator<Item = &DeploymentId> {
        self.deployments.iter().flatten().map(|d| &d.id)
    }

    /// Whether a deployment of the app is running.
    pub fn is_deploying(&self) -> bool {
        self.deployment_ids().next().is_some()
    }

    /// Whether the embedded tasks show the app as fully up: as many running
    /// tasks as instances, each with a passing result for every health
    /// check. Needs the tasks embedded (a single GET always embeds them).
    pub fn tasks_all_healthy(&self) -> bool {
        let checks = self.health_checks().len();
        let tasks = self.tasks();
        let running = tasks.iter().filter(|t| t.is_running()).count();
        running >= self.instances_or_default() as usize
            && tasks
                .iter()
                .filter(|t| t.is_running())
                .all(|t| t.passes_health_checks(checks))
    }
}

json_model! {
    /// An artifact to fetch into the sandbox (`fetch` of an app, `artifacts`
    /// of a pod container).
    pub struct Artifact {
        /// The URI.
        "uri" uri: Option<String>,
        /// Extract archives. Default true.
        "extract" extract: Option<bool>,
        /// Mark the file executable. Default false.
        "executable" executable: Option<bool>,
        /// Use the fetcher cache. Default false.
        "cache" cache: Option<bool>,
        /// The file name in the sandbox.
        "destPath" dest_path: Option<String>,
    }
}

impl Artifact {
    /// An artifact fetched from `uri`.
    pub fn new(uri: impl Into<String>) -> Self {
        Artifact {
            uri: Some(uri.into()),
            ..Artifact::default()
        }
    }
}

json_model! {
    /// When an app was last scaled and last changed otherwise.
    pub struct VersionInfo {
        /// The last change of any kind, scaling included.
        "lastScalingAt" last_scaling_at: Option<Timestamp>,
        /// The last change other than scaling.
        "lastConfigChangeAt" last_config_change_at: Option<Timestamp>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::{ContainerType, EnvValue, HealthCheckProtocol, TaskState};

    fn app(json: &str) -> App {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn unknown_fields_round_trip() {
        let json = r#"{"id":"/a","instances":2,"futureField":{"x":[1,null]},"container":{"type":"DOCKER","docker":{"image":"i","futureDocker":true}}}"#;
        let a = app(json);
        assert_eq!(a.extra["futureField"]["x"][0], 1);
        let back = serde_json::to_value(&a).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn explicit_zero_and_null_are_written_back_absent_is_not() {
        let a = app(r#"{"id":"/a","instances":0,"disk":0,"args":null,"user":null}"#);
        assert_eq!(a.instances, Some(0));
        assert_eq!(a.args, None);
        let text = serde_json::to_string(&a).unwrap();
        assert_eq!(
            serde_json::from_str::<serde_json::Value>(&text).unwrap(),
            serde_json::json!({"id":"/a","instances":0,"disk":0.0,"args":null,"user":null})
        );
        let mut fresh = App::new(AppId::new("/b").unwrap());
        fresh.instances = Some(0);
        assert_eq!(
            serde_json::to_string(&fresh).unwrap(),
            r#"{"id":"/b","instances":0}"#
        );
    }

    #[test]
    fn convenience() {
        let a = app(
            r#"{"id":"/a","container":{"type":"MESOS","docker":{"image":"nginx"}},
            "labels":{"team":"cd"},"env":{"A":"1","P":{"secret":"pw"}},
            "healthChecks":[{"protocol":"MESOS_HTTP"}],
            "deployments":[{"id":"d1"}],
            "tasks":[{"id":"t1","state":"TASK_RUNNING","healthCheckResults":[{"alive":true}]}]}"#,
        );
        assert_eq!(a.image(), Some("nginx"));
        assert_eq!(
            a.container.as_ref().unwrap().kind,
            Some(ContainerType::Mesos)
        );
        assert_eq!(a.instances_or_default(), 1);
        assert_eq!(a.label("team"), Some("cd"));
        assert_eq!(a.env_var("P"), Some(&EnvValue::secret("pw")));
        assert_eq!(
            a.health_checks()[0].protocol,
            Some(HealthCheckProtocol::MesosHttp)
        );
        assert!(a.is_deploying());
        assert_eq!(a.deployment_ids().next().unwrap().as_str(), "d1");
        assert_eq!(a.tasks()[0].state, Some(TaskState::TaskRunning));
        assert!(a.tasks_all_healthy());
        assert_eq!(App::default().image(), None);
        assert!(App::default().tasks().is_empty());
    }

    #[test]
    fn unhealthy_or_missing_tasks() {
        let a = app(r#"{"id":"/a","instances":2,"healthChecks":[{}],
            "tasks":[{"id":"t1","state":"TASK_RUNNING","healthCheckResults":[{"alive":true}]},
                     {"id":"t2","state":"TASK_RUNNING"}]}"#);
        assert!(!a.tasks_all_healthy());
    }
}
