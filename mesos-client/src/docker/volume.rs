//! `Volume` and `Image` (`mesos.proto`): what a container mounts and runs.

use dcos_auth::{json_model, string_enum};

string_enum! {
    /// How a volume is mounted (`Volume.Mode`).
    pub enum VolumeMode {
        /// Read and write.
        Rw = "RW",
        /// Read only.
        Ro = "RO",
    }
}

json_model! {
    /// A volume mounted into a container (`Volume`).
    ///
    /// With the Docker containerizer, a relative `host_path` is a directory in
    /// the task's sandbox; an absolute one is a bind mount of the agent's
    /// path.
    pub struct Volume {
        /// Where the volume appears in the container.
        "container_path" container_path: String,
        /// The agent's path (absolute) or a sandbox directory (relative).
        "host_path" host_path: Option<String>,
        /// Read-write or read-only.
        "mode" mode: Option<VolumeMode>,
        /// An image to mount (Mesos containerizer).
        "image" image: Option<Image>,
        /// Where the volume comes from, when not `host_path`.
        "source" source: Option<VolumeSource>,
    }
}

string_enum! {
    /// The kind of volume source (`Volume.Source.Type`).
    pub enum VolumeSourceType {
        /// Not set by the sender.
        Unspecified = "UNKNOWN",
        /// A Docker named volume, through a volume driver.
        DockerVolume = "DOCKER_VOLUME",
        /// A path on the agent.
        HostPath = "HOST_PATH",
        /// A path in this or the parent container's sandbox.
        SandboxPath = "SANDBOX_PATH",
        /// A secret.
        Secret = "SECRET",
        /// A CSI volume.
        CsiVolume = "CSI_VOLUME",
    }
}

json_model! {
    /// Where a volume comes from (`Volume.Source`).
    pub struct VolumeSource {
        /// Which field below is set.
        "type" kind: Option<VolumeSourceType>,
        /// A Docker named volume.
        "docker_volume" docker_volume: Option<DockerVolume>,
        /// A path on the agent.
        "host_path" host_path: Option<HostPath>,
        /// A sandbox path.
        "sandbox_path" sandbox_path: Option<SandboxPath>,
        /// A secret (`Secret`), as sent.
        "secret" secret: Option<serde_json::Value>,
        /// A CSI volume, as sent.
        "csi_volume" csi_volume: Option<serde_json::Value>,
    }
}

json_model! {
    /// A Docker named volume (`Volume.Source.DockerVolume`).
    pub struct DockerVolume {
        /// The volume driver; Docker's `local` driver when absent.
        "driver" driver: Option<String>,
        /// The volume's name.
        "name" name: String,
        /// Driver options (`Parameters`), as sent.
        "driver_options" driver_options: Option<serde_json::Value>,
    }
}

json_model! {
    /// A path on the agent (`Volume.Source.HostPath`).
    pub struct HostPath {
        /// The absolute path.
        "path" path: String,
        /// Mount propagation (`MountPropagation`), as sent.
        "mount_propagation" mount_propagation: Option<serde_json::Value>,
    }
}

string_enum! {
    /// Whose sandbox a sandbox path is in (`Volume.Source.SandboxPath.Type`).
    pub enum SandboxPathType {
        /// Not set by the sender.
        Unspecified = "UNKNOWN",
        /// The container's own sandbox.
        SelfSandbox = "SELF",
        /// The parent container's sandbox.
        Parent = "PARENT",
    }
}

json_model! {
    /// A path in a sandbox (`Volume.Source.SandboxPath`).
    pub struct SandboxPath {
        /// Whose sandbox.
        "type" kind: Option<SandboxPathType>,
        /// The path, relative to the sandbox.
        "path" path: String,
    }
}

string_enum! {
    /// The kind of container image (`Image.Type`).
    pub enum ImageType {
        /// An AppC image.
        Appc = "APPC",
        /// A Docker image.
        Docker = "DOCKER",
    }
}

json_model! {
    /// A container image for the Mesos containerizer (`Image`).
    pub struct Image {
        /// Which field below is set.
        "type" kind: Option<ImageType>,
        /// An AppC image (`Image.Appc`), as sent.
        "appc" appc: Option<serde_json::Value>,
        /// A Docker image.
        "docker" docker: Option<DockerImage>,
        /// Whether a cached copy may be used; `true` when absent.
        "cached" cached: Option<bool>,
    }
}

json_model! {
    /// A Docker image reference (`Image.Docker`).
    pub struct DockerImage {
        /// The image, `repository[:tag]` or with a digest.
        "name" name: String,
        /// Registry credential (`Credential`, deprecated), as sent.
        "credential" credential: Option<serde_json::Value>,
        /// Registry config (`Secret`), as sent.
        "config" config: Option<serde_json::Value>,
    }
}

impl Volume {
    /// A bind mount of the agent's `host_path` at `container_path`.
    pub fn bind(
        host_path: impl Into<String>,
        container_path: impl Into<String>,
        mode: VolumeMode,
    ) -> Self {
        Volume {
            container_path: container_path.into(),
            host_path: Some(host_path.into()),
            mode: Some(mode),
            ..Volume::default()
        }
    }

    /// The sandbox directory `dir` (relative, created by Mesos and removed
    /// with the sandbox) at `container_path`, read-write.
    pub fn sandbox(dir: impl Into<String>, container_path: impl Into<String>) -> Self {
        Volume::bind(dir, container_path, VolumeMode::Rw)
    }

    /// The Docker named volume `name` (through `driver`, or Docker's `local`
    /// driver) at `container_path`, read-write.
    pub fn docker_named(
        name: impl Into<String>,
        driver: Option<String>,
        container_path: impl Into<String>,
    ) -> Self {
        Volume {
            container_path: container_path.into(),
            mode: Some(VolumeMode::Rw),
            source: Some(VolumeSource {
                kind: Some(VolumeSourceType::DockerVolume),
                docker_volume: Some(DockerVolume {
                    driver,
                    name: name.into(),
                    ..DockerVolume::default()
                }),
                ..VolumeSource::default()
            }),
            ..Volume::default()
        }
    }
}

impl Image {
    /// A Docker image for the Mesos containerizer.
    pub fn docker(name: impl Into<String>) -> Self {
        Image {
            kind: Some(ImageType::Docker),
            docker: Some(DockerImage {
                name: name.into(),
                ..DockerImage::default()
            }),
            ..Image::default()
        }
    }
}
