//! Builders for containers and tasks, including the Docker-in-Docker build
//! agent.

use super::model::{
    CommandInfo, ContainerInfo, ContainerType, DockerInfo, DockerNetwork, MesosInfo, Parameter,
    PortMapping, TaskInfo,
};
use super::validate::{Violation, validate_task};
use super::volume::{Image, Volume};
use crate::resources::{AgentId, Label, Labels, Resource, TaskId};

/// Where the Docker-in-Docker daemon's `/var/lib/docker` is mounted from by
/// [`ContainerInfo::docker_in_docker`].
pub const DIND_SANDBOX_DIR: &str = "docker";

/// The daemon's data directory inside a Docker-in-Docker container.
pub const DOCKER_DATA_DIR: &str = "/var/lib/docker";

impl ContainerInfo {
    /// A container run by the Docker containerizer from `image`, on the
    /// agent's network, unprivileged.
    pub fn docker(image: impl Into<String>) -> Self {
        ContainerInfo {
            kind: Some(ContainerType::Docker),
            docker: Some(DockerInfo {
                image: image.into(),
                ..DockerInfo::default()
            }),
            ..ContainerInfo::default()
        }
    }

    /// A container run by the Mesos (universal) containerizer from the
    /// Docker image `image`.
    pub fn mesos(image: impl Into<String>) -> Self {
        ContainerInfo {
            kind: Some(ContainerType::Mesos),
            mesos: Some(Box::new(MesosInfo {
                image: Some(Image::docker(image)),
                ..MesosInfo::default()
            })),
            ..ContainerInfo::default()
        }
    }

    /// The recommended build-agent container: Docker-in-Docker.
    ///
    /// A privileged Docker container running `image` (which starts its own
    /// `dockerd`, like `docker:dind`), with its `/var/lib/docker` on the
    /// sandbox directory [`DIND_SANDBOX_DIR`], and no bind of the host's
    /// `docker.sock`.
    ///
    /// - **No host `docker.sock`.** A build agent talking to the host's
    ///   daemon starts *sibling* containers that Mesos did not start and does
    ///   not know about: they are outside the task's cgroups and resource
    ///   accounting, and nothing kills them when the task ends or is killed,
    ///   so they are orphaned forever, holding CPU, memory, disk and ports
    ///   Mesos believes free. The socket is also root on the agent. With its
    ///   own daemon, every container a build starts lives inside the task and
    ///   dies with it.
    /// - **Privileged.** The inner daemon creates namespaces, cgroups and
    ///   mounts, which an unprivileged container may not.
    /// - **`/var/lib/docker` on a volume.** The container's root file system
    ///   is copy-on-write, and the inner daemon's storage driver cannot stack
    ///   on it reliably, so its data directory must be a plain directory. It
    ///   must be the task's own, never the host's `/var/lib/docker`: two
    ///   daemons on one data directory corrupt it. A sandbox directory is
    ///   removed with the sandbox, so built images do not leak disk; count
    ///   them in the task's `disk` resource. Use
    ///   [`docker_in_docker_named`](ContainerInfo::docker_in_docker_named)
    ///   for a named volume that keeps a layer cache between builds instead.
    ///
    /// [`validate_task`](super::validate_task) enforces the first two points.
    pub fn docker_in_docker(image: impl Into<String>) -> Self {
        Self::docker(image)
            .with_privileged(true)
            .with_volume(Volume::sandbox(DIND_SANDBOX_DIR, DOCKER_DATA_DIR))
    }

    /// [`docker_in_docker`](ContainerInfo::docker_in_docker) with
    /// `/var/lib/docker` on the Docker named volume `volume` (through
    /// `driver`, or Docker's `local` driver). The volume outlives the task
    /// and keeps a layer cache; give each concurrent agent its own name.
    pub fn docker_in_docker_named(
        image: impl Into<String>,
        volume: impl Into<String>,
        driver: Option<String>,
    ) -> Self {
        Self::docker(image)
            .with_privileged(true)
            .with_volume(Volume::docker_named(volume, driver, DOCKER_DATA_DIR))
    }

    /// Also mounts `volume`.
    #[must_use]
    pub fn with_volume(mut self, volume: Volume) -> Self {
        self.volumes.get_or_insert_with(Vec::new).push(volume);
        self
    }

    /// Sets whether the Docker container is privileged (DOCKER only).
    #[must_use]
    pub fn with_privileged(mut self, privileged: bool) -> Self {
        self.docker_mut().privileged = Some(privileged);
        self
    }

    /// Sets the Docker network mode (DOCKER only).
    #[must_use]
    pub fn with_network(mut self, network: DockerNetwork) -> Self {
        self.docker_mut().network = Some(network);
        self
    }

    /// Also passes `--key value` to `docker run` (DOCKER only).
    #[must_use]
    pub fn with_parameter(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.docker_mut()
            .parameters
            .get_or_insert_with(Vec::new)
            .push(Parameter::new(key, value));
        self
    }

    /// Also maps the agent's `host_port` to `container_port` over TCP
    /// (DOCKER only, with `BRIDGE` or `USER` networking).
    #[must_use]
    pub fn with_port_mapping(mut self, host_port: u32, container_port: u32) -> Self {
        self.docker_mut()
            .port_mappings
            .get_or_insert_with(Vec::new)
            .push(PortMapping {
                host_port,
                container_port,
                ..PortMapping::default()
            });
        self
    }

    /// Sets whether the image is pulled even when cached (DOCKER only).
    #[must_use]
    pub fn with_force_pull_image(mut self, force: bool) -> Self {
        self.docker_mut().force_pull_image = Some(force);
        self
    }

    fn docker_mut(&mut self) -> &mut DockerInfo {
        self.docker.get_or_insert_with(DockerInfo::default)
    }
}

/// Builds a [`TaskInfo`].
///
/// ```
/// use mesos_client::docker::{CommandInfo, ContainerInfo, TaskInfoBuilder};
/// use mesos_client::resources::Resource;
///
/// let task = TaskInfoBuilder::new("build-agent-1", "build-agent-1", "agent-S0")
///     .resources(vec![Resource::scalar("cpus", 2.0), Resource::scalar("mem", 4096.0)])
///     .container(ContainerInfo::docker_in_docker("docker:27-dind"))
///     .command(CommandInfo::entrypoint(["--mtu=1450"]))
///     .label("ci", "jenkins")
///     .build_checked()
///     .expect("no docker.sock, privileged");
/// assert_eq!(task.task_id.as_str(), "build-agent-1");
/// ```
#[derive(Debug, Clone, Default)]
#[must_use]
pub struct TaskInfoBuilder {
    task: TaskInfo,
}

impl TaskInfoBuilder {
    /// A task called `name`, with the ID `task_id`, for the agent of the
    /// offer it is launched from.
    pub fn new(
        name: impl Into<String>,
        task_id: impl Into<String>,
        agent_id: impl Into<String>,
    ) -> Self {
        TaskInfoBuilder {
            task: TaskInfo {
                name: name.into(),
                task_id: TaskId::new(task_id),
                agent_id: AgentId::new(agent_id),
                ..TaskInfo::default()
            },
        }
    }

    /// The resources, such as [`Allocation::resources`](crate::resources::Allocation).
    pub fn resources(mut self, resources: Vec<Resource>) -> Self {
        self.task.resources = resources;
        self
    }

    /// The command. The Docker containerizer needs one; use
    /// [`CommandInfo::entrypoint`] to run the image's own.
    pub fn command(mut self, command: CommandInfo) -> Self {
        self.task.command = Some(command);
        self
    }

    /// The container.
    pub fn container(mut self, container: ContainerInfo) -> Self {
        self.task.container = Some(container);
        self
    }

    /// Also the label `key` = `value`.
    pub fn label(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.task
            .labels
            .get_or_insert_with(Labels::default)
            .labels
            .push(Label {
                key: key.into(),
                value: Some(value.into()),
                ..Label::default()
            });
        self
    }

    /// The task.
    pub fn build(self) -> TaskInfo {
        self.task
    }

    /// The task, if [`validate_task`] finds nothing wrong with it.
    ///
    /// # Errors
    /// Every violation found.
    pub fn build_checked(self) -> Result<TaskInfo, Vec<Violation>> {
        let violations = validate_task(&self.task);
        if violations.is_empty() {
            Ok(self.task)
        } else {
            Err(violations)
        }
    }
}
