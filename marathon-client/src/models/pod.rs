//! Pod definitions.

use std::collections::BTreeMap;

use dcos_auth::{json_model, string_enum};

use super::{
    Artifact, Check, CheckExec, CheckHttp, CheckTcp, EnvVars, KillSelection, LinuxInfo,
    MesosCommand, Network, NetworkProtocol, PersistentVolume, PodConstraint, PullConfig, Secrets,
    Timestamp, UnreachableStrategy, UpgradeStrategy,
};
use crate::ids::PodId;

json_model! {
    /// A pod definition: containers that run together on one agent, sharing
    /// network and volumes.
    pub struct Pod {
        /// The pod id.
        "id" id: PodId,
        /// Labels.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// The version.
        "version" version: Option<Timestamp>,
        /// The user the containers run as, unless a container says otherwise.
        "user" user: Option<String>,
        /// Environment variables of every container.
        "environment" environment: Option<EnvVars>,
        /// The containers.
        "containers" containers: Option<Vec<PodContainer>>,
        /// Volumes the containers can mount.
        "volumes" volumes: Option<Vec<PodVolume>>,
        /// Networks; all containers share them.
        "networks" networks: Option<Vec<Network>>,
        /// How many instances.
        "scaling" scaling: Option<PodScaling>,
        /// Backoff, upgrade, placement and unreachable handling.
        "scheduling" scheduling: Option<PodScheduling>,
        /// Secret declarations.
        "secrets" secrets: Option<Secrets>,
        /// Resources of the executor itself.
        "executorResources" executor_resources: Option<Resources>,
        /// Put all containers in the executor's cgroups (legacy behaviour).
        "legacySharedCgroups" legacy_shared_cgroups: Option<bool>,
        /// Linux settings shared by the containers.
        "linuxInfo" linux_info: Option<LinuxInfo>,
        /// The Mesos role the pod's resources are reserved for (Marathon 1.9).
        "role" role: Option<String>,
    }
}

impl Pod {
    /// A pod definition with only its id set.
    pub fn new(id: PodId) -> Self {
        Pod {
            id,
            ..Pod::default()
        }
    }

    /// The instance count, or Marathon's default of 1.
    pub fn instances_or_default(&self) -> u32 {
        self.scaling.as_ref().and_then(|s| s.instances).unwrap_or(1)
    }

    /// The containers; empty when there are none.
    pub fn containers(&self) -> &[PodContainer] {
        self.containers.as_deref().unwrap_or_default()
    }

    /// The container named `name`.
    pub fn container(&self, name: &str) -> Option<&PodContainer> {
        self.containers().iter().find(|c| c.name == name)
    }
}

json_model! {
    /// A container of a pod.
    pub struct PodContainer {
        /// Its name, unique in the pod.
        "name" name: String,
        /// What it runs.
        "exec" exec: Option<PodExec>,
        /// Its resources.
        "resources" resources: Option<Resources>,
        /// Its ports.
        "endpoints" endpoints: Option<Vec<Endpoint>>,
        /// Its image; none runs in the host's file system.
        "image" image: Option<Image>,
        /// Environment variables, on top of the pod's.
        "environment" environment: Option<EnvVars>,
        /// The user it runs as.
        "user" user: Option<String>,
        /// Its health check.
        "healthCheck" health_check: Option<PodHealthCheck>,
        /// Its Mesos check.
        "check" check: Option<Check>,
        /// Volumes it mounts.
        "volumeMounts" volume_mounts: Option<Vec<VolumeMount>>,
        /// Artifacts to fetch.
        "artifacts" artifacts: Option<Vec<Artifact>>,
        /// Labels.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// Kill handling.
        "lifecycle" lifecycle: Option<Lifecycle>,
        /// Give it a TTY.
        "tty" tty: Option<bool>,
        /// Linux settings.
        "linuxInfo" linux_info: Option<LinuxInfo>,
    }
}

json_model! {
    /// CPU, memory, disk and GPUs.
    pub struct Resources {
        /// CPUs.
        "cpus" cpus: Option<f64>,
        /// Memory in MiB.
        "mem" mem: Option<f64>,
        /// Disk in MiB.
        "disk" disk: Option<f64>,
        /// GPUs.
        "gpus" gpus: Option<f64>,
    }
}

impl Resources {
    /// CPUs and memory.
    pub fn new(cpus: f64, mem: f64) -> Self {
        Resources {
            cpus: Some(cpus),
            mem: Some(mem),
            ..Resources::default()
        }
    }
}

string_enum! {
    /// The kind of container image.
    pub enum ImageKind {
        /// A Docker image.
        Docker = "DOCKER",
        /// An AppC image.
        Appc = "APPC",
    }
}

json_model! {
    /// A container image.
    pub struct Image {
        /// `DOCKER` or `APPC`.
        "kind" kind: Option<ImageKind>,
        /// The image, such as `nginx:1.25`.
        "id" id: Option<String>,
        /// Pull it even if present.
        "forcePull" force_pull: Option<bool>,
        /// A secret holding a Docker config for pulling.
        "pullConfig" pull_config: Option<PullConfig>,
        /// Image labels (AppC).
        "labels" labels: Option<BTreeMap<String, String>>,
    }
}

json_model! {
    /// What a pod container runs.
    pub struct PodExec {
        /// The command.
        "command" command: Option<MesosCommand>,
        /// Replace the image's entrypoint with `argv[0]`.
        "overrideEntrypoint" override_entrypoint: Option<bool>,
    }
}

json_model! {
    /// A port of a pod container.
    pub struct Endpoint {
        /// Its name, used by health checks.
        "name" name: Option<String>,
        /// The port inside the container (container networking).
        "containerPort" container_port: Option<u32>,
        /// The host port; 0 asks for any.
        "hostPort" host_port: Option<u32>,
        /// Protocols, such as `["tcp"]`.
        "protocol" protocol: Option<Vec<NetworkProtocol>>,
        /// Labels, such as `VIP_0`.
        "labels" labels: Option<BTreeMap<String, String>>,
        /// The networks it applies to.
        "networkNames" network_names: Option<Vec<String>>,
    }
}

json_model! {
    /// A health check of a pod container: exactly one of `http`, `tcp` and
    /// `exec`.
    pub struct PodHealthCheck {
        /// An HTTP check of an endpoint.
        "http" http: Option<CheckHttp>,
        /// A TCP check of an endpoint.
        "tcp" tcp: Option<CheckTcp>,
        /// A command check.
        "exec" exec: Option<CheckExec>,
        /// Seconds after start during which failures are ignored.
        "gracePeriodSeconds" grace_period_seconds: Option<u32>,
        /// Seconds between checks.
        "intervalSeconds" interval_seconds: Option<u32>,
        /// Failures in a row before the instance is killed.
        "maxConsecutiveFailures" max_consecutive_failures: Option<u32>,
        /// Seconds before a check counts as failed.
        "timeoutSeconds" timeout_seconds: Option<u32>,
        /// Seconds before the first check.
        "delaySeconds" delay_seconds: Option<u32>,
    }
}

json_model! {
    /// Where a container mounts a pod volume.
    pub struct VolumeMount {
        /// The volume's name.
        "name" name: Option<String>,
        /// The path in the container.
        "mountPath" mount_path: Option<String>,
        /// Mount read only.
        "readOnly" read_only: Option<bool>,
    }
}

json_model! {
    /// A pod volume: ephemeral, a host path, persistent, or a secret.
    pub struct PodVolume {
        /// Its name, for `volumeMounts`.
        "name" name: Option<String>,
        /// A host path.
        "host" host: Option<String>,
        /// A local persistent volume.
        "persistent" persistent: Option<PersistentVolume>,
        /// A secret file: the name of a secret in the pod's `secrets`.
        "secret" secret: Option<String>,
    }
}

json_model! {
    /// Kill handling of a container.
    pub struct Lifecycle {
        /// Seconds between SIGTERM and SIGKILL.
        "killGracePeriodSeconds" kill_grace_period_seconds: Option<f64>,
    }
}

string_enum! {
    /// How a pod is scaled.
    pub enum ScalingKind {
        /// A fixed instance count.
        Fixed = "fixed",
    }
}

json_model! {
    /// How many instances of a pod run.
    pub struct PodScaling {
        /// `fixed`.
        "kind" kind: Option<ScalingKind>,
        /// The instance count.
        "instances" instances: Option<u32>,
        /// The most instances allowed.
        "maxInstances" max_instances: Option<u32>,
    }
}

json_model! {
    /// Scheduling of a pod.
    pub struct PodScheduling {
        /// Relaunch backoff.
        "backoff" backoff: Option<PodBackoff>,
        /// How upgrades replace instances.
        "upgrade" upgrade: Option<UpgradeStrategy>,
        /// Where instances may run.
        "placement" placement: Option<PodPlacement>,
        /// Which instances go first when scaling down.
        "killSelection" kill_selection: Option<KillSelection>,
        /// What to do with unreachable instances.
        "unreachableStrategy" unreachable_strategy: Option<UnreachableStrategy>,
    }
}

json_model! {
    /// Relaunch backoff of a pod.
    pub struct PodBackoff {
        /// Seconds before the first relaunch.
        "backoff" backoff: Option<f64>,
        /// The multiplier.
        "backoffFactor" backoff_factor: Option<f64>,
        /// The longest backoff, in seconds.
        "maxLaunchDelay" max_launch_delay: Option<f64>,
    }
}

json_model! {
    /// Where a pod's instances may run.
    pub struct PodPlacement {
        /// Constraints.
        "constraints" constraints: Option<Vec<PodConstraint>>,
        /// Only offers with these roles are used.
        "acceptedResourceRoles" accepted_resource_roles: Option<Vec<String>>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::models::EnvValue;

    #[test]
    fn pod_with_containers_and_scheduling() {
        let json = r#"{"id":"/p","environment":{"K":{"secret":"s0"}},"secrets":{"s0":{"source":"x"}},
            "containers":[{"name":"c1","resources":{"cpus":0.1,"mem":32,"disk":0,"gpus":0},
              "image":{"kind":"DOCKER","id":"nginx","forcePull":false},
              "endpoints":[{"name":"http","containerPort":80,"hostPort":0,"protocol":["tcp"]}],
              "healthCheck":{"http":{"endpoint":"http","path":"/","scheme":"HTTP"},"gracePeriodSeconds":30},
              "exec":{"command":{"shell":"sleep 1"}},"lifecycle":{"killGracePeriodSeconds":60}}],
            "scaling":{"kind":"fixed","instances":2,"maxInstances":null},
            "scheduling":{"placement":{"constraints":[{"fieldName":"hostname","operator":"UNIQUE"}]},
              "unreachableStrategy":"disabled","killSelection":"OLDEST_FIRST"}}"#;
        let p: Pod = serde_json::from_str(json).unwrap();
        assert_eq!(p.instances_or_default(), 2);
        assert_eq!(p.environment.as_ref().unwrap()["K"], EnvValue::secret("s0"));
        let c = p.container("c1").unwrap();
        assert_eq!(c.image.as_ref().unwrap().kind, Some(ImageKind::Docker));
        assert_eq!(
            c.endpoints.as_ref().unwrap()[0].protocol,
            Some(vec![NetworkProtocol::Tcp])
        );
        let s = p.scheduling.as_ref().unwrap();
        assert!(s.unreachable_strategy.as_ref().unwrap().is_disabled());
        assert_eq!(s.kill_selection, Some(KillSelection::OldestFirst));
        let back = serde_json::to_value(&p).unwrap();
        let want: serde_json::Value = serde_json::from_str(json).unwrap();
        // mem 32 is written as 32.0: the same JSON number.
        assert_eq!(back["containers"][0]["resources"]["mem"], 32.0);
        assert_eq!(back["scaling"], want["scaling"]);
        assert_eq!(back["scheduling"], want["scheduling"]);
    }
}
