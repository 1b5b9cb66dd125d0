//! `TaskInfo`, `CommandInfo` and `ContainerInfo` (`mesos.proto`).

use std::collections::BTreeMap;

use dcos_auth::{json_model, string_enum};

use super::volume::{Image, Volume};
use crate::resources::{AgentId, Labels, Resource, TaskId};

json_model! {
    /// A task to launch (`TaskInfo`). Build one with
    /// [`TaskInfoBuilder`](super::TaskInfoBuilder).
    pub struct TaskInfo {
        /// A human-readable name.
        "name" name: String,
        /// The task's ID, unique within the framework.
        "task_id" task_id: TaskId,
        /// The agent of the offer the task is launched from.
        "agent_id" agent_id: AgentId,
        /// The resources, taken from the offer with their reservation and
        /// `allocation_info` unchanged.
        "resources" resources: Vec<Resource>,
        /// A custom executor (`ExecutorInfo`), as sent.
        "executor" executor: Option<serde_json::Value>,
        /// The command to run.
        "command" command: Option<CommandInfo>,
        /// The container to run it in.
        "container" container: Option<ContainerInfo>,
        /// A health check (`HealthCheck`), as sent.
        "health_check" health_check: Option<serde_json::Value>,
        /// A check (`CheckInfo`), as sent.
        "check" check: Option<serde_json::Value>,
        /// The kill policy (`KillPolicy`), as sent.
        "kill_policy" kill_policy: Option<serde_json::Value>,
        /// Opaque data for the executor, base64.
        "data" data: Option<String>,
        /// Free-form labels.
        "labels" labels: Option<Labels>,
        /// Service discovery (`DiscoveryInfo`), as sent.
        "discovery" discovery: Option<serde_json::Value>,
        /// The longest the task may run (`DurationInfo`), as sent.
        "max_completion_time" max_completion_time: Option<serde_json::Value>,
        /// Resource limits above the request: a number or `"Infinity"` per
        /// resource name, as sent.
        "limits" limits: Option<BTreeMap<String, serde_json::Value>>,
    }
}

json_model! {
    /// A command (`CommandInfo`).
    pub struct CommandInfo {
        /// Files to fetch into the sandbox first.
        "uris" uris: Option<Vec<CommandUri>>,
        /// Environment variables.
        "environment" environment: Option<Environment>,
        /// Whether `value` runs through `/bin/sh -c`; `true` when absent.
        /// With `false`, `value` is the program and `arguments` its argv
        /// (for Docker: the image's entrypoint runs when `value` is absent).
        "shell" shell: Option<bool>,
        /// The shell command, or the program when `shell` is `false`.
        "value" value: Option<String>,
        /// The arguments when `shell` is `false`, `argv[0]` included.
        "arguments" arguments: Option<Vec<String>>,
        /// The user to run as.
        "user" user: Option<String>,
    }
}

json_model! {
    /// A file to fetch (`CommandInfo.URI`).
    pub struct CommandUri {
        /// The URI.
        "value" value: String,
        /// Whether to make the file executable.
        "executable" executable: Option<bool>,
        /// Whether to extract archives; `true` when absent.
        "extract" extract: Option<bool>,
        /// Whether the fetcher may cache the file.
        "cache" cache: Option<bool>,
        /// The file name in the sandbox.
        "output_file" output_file: Option<String>,
    }
}

json_model! {
    /// Environment variables (`Environment`).
    pub struct Environment {
        /// The variables.
        "variables" variables: Vec<EnvironmentVariable>,
    }
}

string_enum! {
    /// Where a variable's value comes from (`Environment.Variable.Type`).
    pub enum EnvironmentVariableType {
        /// Not set by the sender.
        Unspecified = "UNKNOWN",
        /// `value`.
        Value = "VALUE",
        /// `secret`.
        Secret = "SECRET",
    }
}

json_model! {
    /// One environment variable (`Environment.Variable`).
    pub struct EnvironmentVariable {
        /// The name.
        "name" name: String,
        /// Where the value comes from; `VALUE` when absent.
        "type" kind: Option<EnvironmentVariableType>,
        /// The value.
        "value" value: Option<String>,
        /// A secret (`Secret`), as sent.
        "secret" secret: Option<serde_json::Value>,
    }
}

string_enum! {
    /// The containerizer (`ContainerInfo.Type`).
    pub enum ContainerType {
        /// The Docker containerizer: the agent's Docker daemon runs the task.
        Docker = "DOCKER",
        /// The Mesos (universal) containerizer.
        Mesos = "MESOS",
    }
}

json_model! {
    /// A container (`ContainerInfo`). Build one with
    /// [`ContainerInfo::docker`], [`ContainerInfo::mesos`] or
    /// [`ContainerInfo::docker_in_docker`].
    pub struct ContainerInfo {
        /// The containerizer.
        "type" kind: Option<ContainerType>,
        /// Volumes.
        "volumes" volumes: Option<Vec<Volume>>,
        /// The container's hostname.
        "hostname" hostname: Option<String>,
        /// Docker settings, for `DOCKER`.
        "docker" docker: Option<DockerInfo>,
        /// Mesos containerizer settings, for `MESOS`.
        "mesos" mesos: Option<Box<MesosInfo>>,
        /// Networks (`NetworkInfo`), as sent.
        "network_infos" network_infos: Option<Vec<serde_json::Value>>,
        /// Linux settings (`LinuxInfo`), as sent.
        "linux_info" linux_info: Option<Box<serde_json::Value>>,
        /// Resource limits (`RLimitInfo`), as sent.
        "rlimit_info" rlimit_info: Option<Box<serde_json::Value>>,
        /// A terminal (`TTYInfo`), as sent.
        "tty_info" tty_info: Option<Box<serde_json::Value>>,
    }
}

string_enum! {
    /// Docker's network mode (`ContainerInfo.DockerInfo.Network`).
    pub enum DockerNetwork {
        /// The agent's network (the default).
        Host = "HOST",
        /// Docker's bridge, with port mappings.
        Bridge = "BRIDGE",
        /// No network.
        None = "NONE",
        /// A user-defined network.
        User = "USER",
    }
}

json_model! {
    /// Docker settings (`ContainerInfo.DockerInfo`).
    pub struct DockerInfo {
        /// The image.
        "image" image: String,
        /// The network mode; `HOST` when absent.
        "network" network: Option<DockerNetwork>,
        /// Port mappings, for `BRIDGE` and `USER`.
        "port_mappings" port_mappings: Option<Vec<PortMapping>>,
        /// Whether the container is privileged; `false` when absent.
        "privileged" privileged: Option<bool>,
        /// Extra `docker run` flags, without the dashes: `{"key": "env",
        /// "value": "A=1"}` is `--env A=1`.
        "parameters" parameters: Option<Vec<Parameter>>,
        /// Whether to pull the image even when it is cached.
        "force_pull_image" force_pull_image: Option<bool>,
        /// Deprecated since Mesos 1.0: the volume driver.
        "volume_driver" volume_driver: Option<String>,
    }
}

json_model! {
    /// A port mapping (`ContainerInfo.DockerInfo.PortMapping`).
    pub struct PortMapping {
        /// The agent's port, from the task's `ports` resource.
        "host_port" host_port: u32,
        /// The container's port.
        "container_port" container_port: u32,
        /// `tcp` (the default) or `udp`.
        "protocol" protocol: Option<String>,
    }
}

json_model! {
    /// A key and a value (`Parameter`).
    pub struct Parameter {
        /// The key.
        "key" key: String,
        /// The value.
        "value" value: String,
    }
}

json_model! {
    /// Mesos containerizer settings (`ContainerInfo.MesosInfo`).
    pub struct MesosInfo {
        /// The image; the agent's root file system when absent.
        "image" image: Option<Image>,
    }
}

impl Parameter {
    /// The parameter `key` = `value`.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        Parameter {
            key: key.into(),
            value: value.into(),
            ..Parameter::default()
        }
    }
}

impl CommandInfo {
    /// A shell command, run through `/bin/sh -c`.
    pub fn shell(command: impl Into<String>) -> Self {
        CommandInfo {
            shell: Some(true),
            value: Some(command.into()),
            ..CommandInfo::default()
        }
    }

    /// No command of its own: a Docker image's entrypoint and default
    /// command run, with `arguments` appended when not empty.
    pub fn entrypoint<S: Into<String>>(arguments: impl IntoIterator<Item = S>) -> Self {
        let arguments: Vec<String> = arguments.into_iter().map(Into::into).collect();
        CommandInfo {
            shell: Some(false),
            arguments: (!arguments.is_empty()).then_some(arguments),
            ..CommandInfo::default()
        }
    }
}
