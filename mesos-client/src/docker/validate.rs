//! The `docker.sock` check: tasks must not drive the agent's Docker daemon.

use std::fmt;

use super::builder::DOCKER_DATA_DIR;
use super::model::{ContainerInfo, ContainerType, TaskInfo};
use super::volume::VolumeSourceType;

/// The paths of the agent's Docker socket (`/var/run` is a link to `/run`).
pub const DOCKER_SOCKETS: [&str; 2] = ["/var/run/docker.sock", "/run/docker.sock"];

/// What is wrong with a task.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ViolationKind {
    /// The task bind-mounts the agent's Docker socket, or a directory that
    /// holds it.
    DockerSocketMount {
        /// The agent path that is mounted.
        host_path: String,
    },
    /// The task bind-mounts the agent's own `/var/lib/docker`, or a
    /// directory that holds it.
    HostDockerData {
        /// The agent path that is mounted.
        host_path: String,
    },
    /// A Docker-in-Docker container that is not privileged.
    DindNotPrivileged,
}

/// One thing wrong with a task, with where it is and why it matters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Violation {
    /// What is wrong.
    pub kind: ViolationKind,
    /// Where in the task, such as `container.volumes[0]` or
    /// `container.docker.parameters[2]`.
    pub location: String,
    /// Why it matters, for people.
    pub message: String,
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.location, self.message)
    }
}

impl std::error::Error for Violation {}

/// Checks a task for the mistakes that leak containers from Mesos.
///
/// Flags, in the task's container and in its executor's container:
/// - any bind mount of the agent's `docker.sock` ([`DOCKER_SOCKETS`], or a
///   directory holding it such as `/var/run`), through a volume's
///   `host_path`, a `HOST_PATH` volume source, or a Docker `volume`/`v`/
///   `mount` parameter. Mesos does not track the sibling containers such a
///   task starts through the agent's daemon: they escape the task's cgroups
///   and resource accounting and are not killed with it, so they are
///   orphaned forever. Use [`ContainerInfo::docker_in_docker`] instead;
/// - any bind mount of the agent's own `/var/lib/docker`: a second daemon on
///   it corrupts the agent's images and containers;
/// - a Docker-in-Docker container (one with a `/var/lib/docker` volume or a
///   `dind` image) that is not privileged: its daemon cannot start.
///
/// An empty list means no violation was found.
pub fn validate_task(task: &TaskInfo) -> Vec<Violation> {
    let mut out = Vec::new();
    if let Some(container) = &task.container {
        validate_container(container, "container", &mut out);
    }
    let executor_container = task
        .executor
        .as_ref()
        .and_then(|e| e.get("container"))
        .and_then(|c| serde_json::from_value::<ContainerInfo>(c.clone()).ok());
    if let Some(container) = executor_container {
        validate_container(&container, "executor.container", &mut out);
    }
    out
}

/// Checks one container; see [`validate_task`].
pub fn validate_container(container: &ContainerInfo, location: &str, out: &mut Vec<Violation>) {
    for (i, volume) in container.volumes.iter().flatten().enumerate() {
        let at = format!("{location}.volumes[{i}]");
        if let Some(host) = &volume.host_path {
            check_host_path(host, &at, out);
        }
        if let Some(source) = &volume.source {
            let host_source = source.kind == Some(VolumeSourceType::HostPath)
                || (source.kind.is_none() && source.host_path.is_some());
            if let (true, Some(host)) = (host_source, &source.host_path) {
                check_host_path(&host.path, &format!("{at}.source.host_path"), out);
            }
        }
    }
    let Some(docker) = &container.docker else {
        return;
    };
    for (i, param) in docker.parameters.iter().flatten().enumerate() {
        let at = format!("{location}.docker.parameters[{i}]");
        let key = param.key.trim_start_matches('-');
        let source = match key {
            "v" | "volume" => param.value.split(':').next().map(str::to_owned),
            "mount" => mount_source(&param.value),
            _ => None,
        };
        if let Some(source) = source {
            check_host_path(&source, &at, out);
        }
    }
    let is_docker = container.kind == Some(ContainerType::Docker) || container.kind.is_none();
    let dind_volume = container
        .volumes
        .iter()
        .flatten()
        .any(|v| normalize(&v.container_path) == DOCKER_DATA_DIR);
    let dind_image = docker.image.to_ascii_lowercase().contains("dind");
    let privileged =
        docker.privileged == Some(true)
            || docker.parameters.iter().flatten().any(|p| {
                p.key.trim_start_matches('-') == "privileged" && p.value.trim() != "false"
            });
    if is_docker && (dind_volume || dind_image) && !privileged {
        out.push(Violation {
            kind: ViolationKind::DindNotPrivileged,
            location: format!("{location}.docker.privileged"),
            message: "a Docker-in-Docker container must be privileged: its own dockerd \
                      creates namespaces, cgroups and mounts, which an unprivileged \
                      container may not"
                .to_owned(),
        });
    }
}

fn check_host_path(path: &str, location: &str, out: &mut Vec<Violation>) {
    // A relative host path is a sandbox directory, never the agent's.
    if !path.starts_with('/') {
        return;
    }
    let path = normalize(path);
    if DOCKER_SOCKETS.iter().any(|sock| holds(&path, sock)) {
        out.push(Violation {
            kind: ViolationKind::DockerSocketMount {
                host_path: path.clone(),
            },
            location: location.to_owned(),
            message: format!(
                "bind-mounts the agent's Docker socket ({path}): containers the task starts \
                 through it are siblings that Mesos does not track, outside the task's cgroups \
                 and resources and never killed with it, so they are orphaned forever; use a \
                 Docker-in-Docker container (ContainerInfo::docker_in_docker) instead"
            ),
        });
    }
    if holds(&path, DOCKER_DATA_DIR) {
        out.push(Violation {
            kind: ViolationKind::HostDockerData {
                host_path: path.clone(),
            },
            location: location.to_owned(),
            message: format!(
                "bind-mounts the agent's Docker data directory ({path}): a second daemon on it \
                 corrupts the agent's images and containers; give the inner daemon a sandbox \
                 directory or a named volume"
            ),
        });
    }
}

/// Whether mounting `dir` exposes `target`: it is `target` or a directory
/// above it.
fn holds(dir: &str, target: &str) -> bool {
    dir == target
        || dir == "/"
        || target
            .strip_prefix(dir)
            .is_some_and(|rest| rest.starts_with('/'))
}

/// The source of a `--mount` value such as
/// `type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock`.
fn mount_source(value: &str) -> Option<String> {
    let mut source = None;
    let mut bind = true;
    for part in value.split(',') {
        let (k, v) = part.split_once('=').unwrap_or((part, ""));
        match k.trim() {
            "source" | "src" => source = Some(v.trim().to_owned()),
            "type" => bind = v.trim() == "bind",
            _ => {}
        }
    }
    source.filter(|_| bind)
}

/// `path` with `.`, `..`, repeated and trailing slashes resolved lexically.
fn normalize(path: &str) -> String {
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            other => parts.push(other),
        }
    }
    format!("/{}", parts.join("/"))
}

#[cfg(test)]
mod tests {
    use super::{holds, mount_source, normalize};

    #[test]
    fn paths_normalize_lexically() {
        assert_eq!(
            normalize("/var//run/./docker.sock/"),
            "/var/run/docker.sock"
        );
        assert_eq!(
            normalize("/var/lib/../run/docker.sock"),
            "/var/run/docker.sock"
        );
        assert_eq!(normalize("/"), "/");
    }

    #[test]
    fn a_directory_holds_what_is_below_it() {
        assert!(holds("/var/run", "/var/run/docker.sock"));
        assert!(holds("/", "/run/docker.sock"));
        assert!(!holds("/var/r", "/var/run/docker.sock"));
        assert!(!holds("/var/run/docker.sock.d", "/var/run/docker.sock"));
    }

    #[test]
    fn mount_values_name_their_source() {
        assert_eq!(
            mount_source("type=bind,source=/run/docker.sock,target=/x").as_deref(),
            Some("/run/docker.sock")
        );
        assert_eq!(mount_source("src=/a,dst=/b").as_deref(), Some("/a"));
        assert_eq!(mount_source("type=volume,src=cache,dst=/b"), None);
    }
}
