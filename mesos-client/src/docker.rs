//! Tasks and containers, and Docker-in-Docker build agents.
//!
//! - Models: [`TaskInfo`], [`CommandInfo`], [`ContainerInfo`] with
//!   [`DockerInfo`] and [`MesosInfo`], and [`Volume`].
//! - Builders: [`TaskInfoBuilder`], [`ContainerInfo::docker`],
//!   [`ContainerInfo::mesos`] and [`ContainerInfo::docker_in_docker`], the
//!   recommended container for CI build agents.
//! - [`validate_task`]: flags tasks that bind-mount the agent's
//!   `docker.sock`, whose containers Mesos never sees and never cleans up.
//!
//! # Why Docker-in-Docker for build agents
//! A build agent needs Docker. Handing it the agent's `/var/run/docker.sock`
//! looks simpler, but every container a build starts then belongs to the
//! agent's daemon, not to the task: Mesos does not track these siblings, so
//! they escape the task's resource limits and accounting, survive the task
//! being killed or lost, and are orphaned forever. A privileged
//! Docker-in-Docker container with its own `/var/lib/docker` keeps every
//! build container inside the task, where Mesos counts it and kills it.

mod builder;
mod model;
mod validate;
mod volume;

pub use builder::{DIND_SANDBOX_DIR, DOCKER_DATA_DIR, TaskInfoBuilder};
pub use model::{
    CommandInfo, CommandUri, ContainerInfo, ContainerType, DockerInfo, DockerNetwork, Environment,
    EnvironmentVariable, EnvironmentVariableType, MesosInfo, Parameter, PortMapping, TaskInfo,
};
pub use validate::{DOCKER_SOCKETS, Violation, ViolationKind, validate_container, validate_task};
pub use volume::{
    DockerImage, DockerVolume, HostPath, Image, ImageType, SandboxPath, SandboxPathType, Volume,
    VolumeMode, VolumeSource, VolumeSourceType,
};
