//! An app's container: engine, image, port mappings and volumes.

use std::collections::BTreeMap;

use dcos_auth::{json_model, string_enum};

use super::{Constraint, PortMapping};

string_enum! {
    /// The containerizer that runs an app.
    pub enum ContainerType {
        /// The Docker containerizer.
        Docker = "DOCKER",
        /// The Mesos (universal) containerizer.
        Mesos = "MESOS",
    }
}

string_enum! {
    /// The legacy Docker network mode (`container.docker.network`, replaced
    /// by `networks` in Marathon 1.5).
    pub enum DockerNetwork {
        /// Docker's bridge.
        Bridge = "BRIDGE",
        /// The agent's network.
        Host = "HOST",
        /// No network.
        None = "NONE",
        /// A user (CNI) network.
        User = "USER",
    }
}

string_enum! {
    /// How a volume is mounted.
    pub enum VolumeMode {
        /// Read only.
        Ro = "RO",
        /// Read and write.
        Rw = "RW",
    }
}

string_enum! {
    /// The kind of Mesos disk resource behind a persistent volume.
    pub enum PersistentVolumeType {
        /// The agent's root disk (the default).
        Root = "root",
        /// A path disk.
        Path = "path",
        /// A mount disk.
        Mount = "mount",
    }
}

json_model! {
    /// An app's container.
    pub struct Container {
        /// The containerizer; `DOCKER` when not given.
        "type" kind: Option<ContainerType>,
        /// Docker image settings (both containerizers).
        "docker" docker: Option<DockerContainer>,
        /// AppC image settings (Mesos containerizer).
        "appc" appc: Option<AppcContainer>,
        /// Port mappings for bridge and container networking.
        "portMappings" port_mappings: Option<Vec<PortMapping>>,
        /// Volumes.
        "volumes" volumes: Option<Vec<Volume>>,
        /// Linux settings such as seccomp and IPC.
        "linuxInfo" linux_info: Option<LinuxInfo>,
    }
}

impl Container {
    /// A Docker container running `image`.
    pub fn docker(image: impl Into<String>) -> Self {
        Container {
            kind: Some(ContainerType::Docker),
            docker: Some(DockerContainer::new(image)),
            ..Container::default()
        }
    }

    /// A Mesos-containerizer container running the Docker image `image`.
    pub fn mesos(image: impl Into<String>) -> Self {
        Container {
            kind: Some(ContainerType::Mesos),
            docker: Some(DockerContainer::new(image)),
            ..Container::default()
        }
    }

    /// The image: Docker's, else AppC's.
    pub fn image(&self) -> Option<&str> {
        self.docker
            .as_ref()
            .and_then(|d| d.image.as_deref())
            .or_else(|| self.appc.as_ref().and_then(|a| a.image.as_deref()))
    }

    /// The port mappings: `portMappings`, else the legacy
    /// `docker.portMappings`.
    pub fn port_mappings(&self) -> &[PortMapping] {
        self.port_mappings
            .as_deref()
            .or_else(|| self.docker.as_ref()?.port_mappings.as_deref())
            .unwrap_or_default()
    }
}

json_model! {
    /// Docker image settings.
    pub struct DockerContainer {
        /// The image, such as `nginx:1.25`.
        "image" image: Option<String>,
        /// The legacy network mode.
        "network" network: Option<DockerNetwork>,
        /// The legacy port mappings (now `container.portMappings`).
        "portMappings" port_mappings: Option<Vec<PortMapping>>,
        /// Run privileged (Docker containerizer only).
        "privileged" privileged: Option<bool>,
        /// Extra `docker run` parameters.
        "parameters" parameters: Option<Vec<DockerParameter>>,
        /// Pull the image even if it is present.
        "forcePullImage" force_pull_image: Option<bool>,
        /// Registry credentials (Mesos containerizer).
        "credential" credential: Option<DockerCredential>,
        /// A secret holding a Docker config for pulling (Mesos containerizer).
        "pullConfig" pull_config: Option<PullConfig>,
    }
}

impl DockerContainer {
    /// Settings for `image`.
    pub fn new(image: impl Into<String>) -> Self {
        DockerContainer {
            image: Some(image.into()),
            ..DockerContainer::default()
        }
    }
}

json_model! {
    /// A `docker run` parameter, such as `{"key": "hostname", "value": "a"}`.
    pub struct DockerParameter {
        /// The option name without dashes.
        "key" key: String,
        /// Its value.
        "value" value: String,
    }
}

impl DockerParameter {
    /// A parameter.
    pub fn new(key: impl Into<String>, value: impl Into<String>) -> Self {
        DockerParameter {
            key: key.into(),
            value: value.into(),
            ..DockerParameter::default()
        }
    }
}

json_model! {
    /// Registry credentials.
    pub struct DockerCredential {
        /// The principal.
        "principal" principal: Option<String>,
        /// The secret.
        "secret" secret: Option<String>,
    }
}

json_model! {
    /// Where the Docker pull config comes from.
    pub struct PullConfig {
        /// The name of a secret in the app's `secrets`.
        "secret" secret: Option<String>,
    }
}

json_model! {
    /// AppC image settings.
    pub struct AppcContainer {
        /// The image name.
        "image" image: Option<String>,
        /// The image id, `sha512-…`.
        "id" id: Option<String>,
        /// Image labels, such as `version`, `os`, `arch`.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// Pull the image even if it is present.
        "forcePullImage" force_pull_image: Option<bool>,
    }
}

json_model! {
    /// A volume of an app: a host path, a local persistent volume, an
    /// external volume, or a secret file.
    pub struct Volume {
        /// Where it is mounted in the container.
        "containerPath" container_path: Option<String>,
        /// The host path, for a host volume.
        "hostPath" host_path: Option<String>,
        /// `RO` or `RW`.
        "mode" mode: Option<VolumeMode>,
        /// A local persistent volume.
        "persistent" persistent: Option<PersistentVolume>,
        /// An external (DVDI/CSI) volume.
        "external" external: Option<ExternalVolume>,
        /// A secret file: the name of a secret in the app's `secrets`.
        "secret" secret: Option<String>,
    }
}

impl Volume {
    /// A host volume.
    pub fn host(
        container_path: impl Into<String>,
        host_path: impl Into<String>,
        mode: VolumeMode,
    ) -> Self {
        Volume {
            container_path: Some(container_path.into()),
            host_path: Some(host_path.into()),
            mode: Some(mode),
            ..Volume::default()
        }
    }
}

json_model! {
    /// A local persistent volume.
    pub struct PersistentVolume {
        /// The size in MiB.
        "size" size: Option<u64>,
        /// The kind of disk; `root` when not given.
        "type" kind: Option<PersistentVolumeType>,
        /// For mount disks, the largest disk to accept, in MiB.
        "maxSize" max_size: Option<u64>,
        /// Constraints on the disk, such as `["path", "LIKE", "/mnt/ssd.*"]`.
        "constraints" constraints: Option<Vec<Constraint>>,
        /// The storage profile the disk must have.
        "profileName" profile_name: Option<String>,
    }
}

json_model! {
    /// An external volume.
    pub struct ExternalVolume {
        /// The volume's name.
        "name" name: Option<String>,
        /// The provider, such as `dvdi`.
        "provider" provider: Option<String>,
        /// Provider options, such as `dvdi/driver`.
        "options" options: Option<BTreeMap<String, String>>,
        /// The size in GiB.
        "size" size: Option<u64>,
    }
}

json_model! {
    /// Linux settings of a container.
    pub struct LinuxInfo {
        /// The seccomp profile.
        "seccomp" seccomp: Option<Seccomp>,
        /// IPC namespace and shared memory.
        "ipcInfo" ipc_info: Option<IpcInfo>,
    }
}

json_model! {
    /// A seccomp setting.
    pub struct Seccomp {
        /// The profile's name.
        "profileName" profile_name: Option<String>,
        /// Run without seccomp.
        "unconfined" unconfined: Option<bool>,
    }
}

json_model! {
    /// IPC settings.
    pub struct IpcInfo {
        /// `PRIVATE` or `SHARE_PARENT`.
        "mode" mode: Option<String>,
        /// The size of `/dev/shm` in MiB.
        "shmSize" shm_size: Option<u64>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn image_and_legacy_port_mappings() {
        let json = r#"{"type":"DOCKER","docker":{"image":"registry","network":"BRIDGE",
            "portMappings":[{"containerPort":5000,"hostPort":0,"servicePort":5000,"protocol":"tcp"}]}}"#;
        let c: Container = serde_json::from_str(json).unwrap();
        assert_eq!(c.kind, Some(ContainerType::Docker));
        assert_eq!(c.image(), Some("registry"));
        assert_eq!(c.port_mappings()[0].service_port, Some(5000));
        assert_eq!(Container::default().port_mappings().len(), 0);
    }

    #[test]
    fn volume_kinds() {
        let json = r#"[{"containerPath":"data","mode":"RW","persistent":{"size":100,"type":"mount","constraints":[["path","LIKE","/mnt/.*"]]}},
            {"containerPath":"ext","mode":"RW","external":{"name":"v","provider":"dvdi","options":{"dvdi/driver":"rexray"}}},
            {"containerPath":"pw","secret":"s1"}]"#;
        let v: Vec<Volume> = serde_json::from_str(json).unwrap();
        let p = v[0].persistent.as_ref().unwrap();
        assert_eq!(p.kind, Some(PersistentVolumeType::Mount));
        assert_eq!(p.constraints.as_ref().unwrap()[0].field, "path");
        assert_eq!(
            v[1].external.as_ref().unwrap().provider.as_deref(),
            Some("dvdi")
        );
        assert_eq!(v[2].secret.as_deref(), Some("s1"));
        let back = serde_json::to_value(&v).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }
}
