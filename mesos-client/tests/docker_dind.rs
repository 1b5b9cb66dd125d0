//! Docker-in-Docker build agents and the docker.sock validation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use mesos_client::docker::{
    CommandInfo, ContainerInfo, ContainerType, TaskInfo, TaskInfoBuilder, Violation, ViolationKind,
    Volume, VolumeMode, validate_task,
};
use mesos_client::resources::{Resource, TaskNeeds, fits};
use serde_json::json;

fn task_with(container: ContainerInfo) -> TaskInfo {
    TaskInfoBuilder::new("agent", "agent-1", "S1")
        .container(container)
        .build()
}

fn kinds(violations: &[Violation]) -> Vec<&ViolationKind> {
    violations.iter().map(|v| &v.kind).collect()
}

#[test]
fn the_dind_container_json_field_by_field() {
    let container = ContainerInfo::docker_in_docker("docker:27-dind");
    let json = serde_json::to_value(&container).unwrap();
    assert_eq!(json["type"], "DOCKER");
    assert_eq!(json["docker"]["image"], "docker:27-dind");
    assert_eq!(json["docker"]["privileged"], true);
    assert_eq!(json["volumes"][0]["container_path"], "/var/lib/docker");
    assert_eq!(
        json["volumes"][0]["host_path"], "docker",
        "sandbox-relative"
    );
    assert_eq!(json["volumes"][0]["mode"], "RW");
    assert_eq!(
        json["volumes"].as_array().unwrap().len(),
        1,
        "no docker.sock"
    );
    assert_eq!(
        json,
        json!({
            "type": "DOCKER",
            "volumes": [{"container_path": "/var/lib/docker", "host_path": "docker", "mode": "RW"}],
            "docker": {"image": "docker:27-dind", "privileged": true}
        })
    );
    assert!(!json.to_string().contains("docker.sock"));
    assert!(!json.to_string().contains("camel"), "snake_case only");
}

#[test]
fn a_named_volume_dind_container() {
    let c = ContainerInfo::docker_in_docker_named("docker:dind", "ci-agent-7", None);
    assert_eq!(
        serde_json::to_value(&c).unwrap()["volumes"][0],
        json!({
            "container_path": "/var/lib/docker",
            "mode": "RW",
            "source": {"type": "DOCKER_VOLUME", "docker_volume": {"name": "ci-agent-7"}}
        })
    );
    assert!(validate_task(&task_with(c)).is_empty());
}

#[test]
fn a_build_agent_task_launched_from_an_offer() {
    let mut offer = vec![
        Resource::scalar("cpus", 4.0),
        Resource::scalar("mem", 8192.0),
        Resource::scalar("disk", 20000.0),
    ];
    for r in &mut offer {
        r.allocation_info = Some(mesos_client::resources::AllocationInfo::new("ci").into());
    }
    let alloc = fits(&offer, &TaskNeeds::new(2.0, 4096.0).with_disk(10000.0)).unwrap();
    let task = TaskInfoBuilder::new("jenkins-agent", "jenkins-agent-42", "S7")
        .resources(alloc.resources)
        .container(ContainerInfo::docker_in_docker(
            "jenkins/inbound-agent-dind:latest",
        ))
        .command(CommandInfo::entrypoint(Vec::<String>::new()))
        .label("jenkins", "agent")
        .build_checked()
        .unwrap();
    let json = serde_json::to_value(&task).unwrap();
    assert_eq!(json["name"], "jenkins-agent");
    assert_eq!(json["task_id"], json!({"value": "jenkins-agent-42"}));
    assert_eq!(json["agent_id"], json!({"value": "S7"}));
    assert_eq!(json["command"], json!({"shell": false}));
    assert_eq!(
        json["labels"],
        json!({"labels": [{"key": "jenkins", "value": "agent"}]})
    );
    assert_eq!(json["resources"].as_array().unwrap().len(), 3);
    assert_eq!(json["resources"][0]["allocation_info"]["role"], "ci");
    assert_eq!(json["container"]["docker"]["privileged"], true);
    let back: TaskInfo = serde_json::from_value(json).unwrap();
    assert_eq!(back, task);
}

#[test]
fn docker_and_mesos_containers() {
    let d = ContainerInfo::docker("alpine:3")
        .with_network(mesos_client::docker::DockerNetwork::Bridge)
        .with_port_mapping(31000, 8080)
        .with_parameter("env", "A=1")
        .with_force_pull_image(true);
    assert_eq!(
        serde_json::to_value(&d).unwrap(),
        json!({"type": "DOCKER", "docker": {
            "image": "alpine:3", "network": "BRIDGE",
            "port_mappings": [{"host_port": 31000, "container_port": 8080}],
            "parameters": [{"key": "env", "value": "A=1"}],
            "force_pull_image": true
        }})
    );
    let m = ContainerInfo::mesos("alpine:3");
    assert_eq!(m.kind, Some(ContainerType::Mesos));
    assert_eq!(
        serde_json::to_value(&m).unwrap(),
        json!({"type": "MESOS", "mesos": {"image": {"type": "DOCKER", "docker": {"name": "alpine:3"}}}})
    );
    assert!(validate_task(&task_with(d)).is_empty());
    assert!(validate_task(&task_with(m)).is_empty());
}

#[test]
fn a_docker_sock_volume_is_flagged() {
    for path in [
        "/var/run/docker.sock",
        "/run/docker.sock",
        "/var/run//docker.sock/",
        "/var/run",
        "/run",
        "/",
    ] {
        let c = ContainerInfo::docker("jenkins/agent").with_volume(Volume::bind(
            path,
            "/var/run/docker.sock",
            VolumeMode::Rw,
        ));
        let v = validate_task(&task_with(c));
        assert!(
            v.iter()
                .any(|v| matches!(v.kind, ViolationKind::DockerSocketMount { .. })),
            "{path}: {v:?}"
        );
        let sock = v
            .iter()
            .find(|v| matches!(v.kind, ViolationKind::DockerSocketMount { .. }))
            .unwrap();
        assert_eq!(sock.location, "container.volumes[0]");
        assert!(
            sock.message.contains("orphaned forever"),
            "{}",
            sock.message
        );
        assert!(
            sock.message.contains("Mesos does not track"),
            "{}",
            sock.message
        );
    }
}

#[test]
fn docker_sock_through_parameters_and_sources_is_flagged() {
    let cases = [
        ContainerInfo::docker("x")
            .with_parameter("volume", "/var/run/docker.sock:/var/run/docker.sock"),
        ContainerInfo::docker("x").with_parameter("v", "/run/docker.sock:/tmp/d.sock:ro"),
        ContainerInfo::docker("x").with_parameter(
            "mount",
            "type=bind,source=/var/run/docker.sock,target=/var/run/docker.sock",
        ),
        ContainerInfo::mesos("x").with_volume(
            serde_json::from_value(json!({
                "container_path": "/var/run/docker.sock", "mode": "RW",
                "source": {"type": "HOST_PATH", "host_path": {"path": "/var/run/docker.sock"}}
            }))
            .unwrap(),
        ),
    ];
    for (i, c) in cases.into_iter().enumerate() {
        let v = validate_task(&task_with(c));
        assert_eq!(v.len(), 1, "case {i}: {v:?}");
        assert!(
            matches!(v[0].kind, ViolationKind::DockerSocketMount { .. }),
            "case {i}"
        );
    }
    // Through the executor's container, as sent in JSON.
    let mut task = task_with(ContainerInfo::docker("x"));
    task.executor = Some(json!({
        "executor_id": {"value": "e"},
        "container": {"type": "DOCKER", "docker": {"image": "x"},
            "volumes": [{"container_path": "/s", "host_path": "/var/run/docker.sock", "mode": "RW"}]}
    }));
    let v = validate_task(&task);
    assert_eq!(v.len(), 1);
    assert_eq!(v[0].location, "executor.container.volumes[0]");
    assert!(
        v[0].to_string()
            .starts_with("executor.container.volumes[0]: bind-mounts")
    );
}

#[test]
fn harmless_mounts_are_not_flagged() {
    let c = ContainerInfo::docker("x")
        .with_volume(Volume::sandbox(
            "var/run/docker.sock",
            "/var/run/docker.sock",
        ))
        .with_volume(Volume::bind("/var/run/docker.sock.d", "/d", VolumeMode::Ro))
        .with_volume(Volume::bind("/var/log", "/logs", VolumeMode::Ro))
        .with_parameter("volume", "cache:/root/.m2")
        .with_parameter("mount", "type=volume,source=/var/run/docker.sock,target=/x")
        .with_parameter("env", "DOCKER_SOCK=/var/run/docker.sock");
    assert_eq!(validate_task(&task_with(c)), Vec::<Violation>::new());
}

#[test]
fn unprivileged_dind_and_the_hosts_docker_data_are_flagged() {
    let c = ContainerInfo::docker_in_docker("docker:dind").with_privileged(false);
    assert_eq!(
        kinds(&validate_task(&task_with(c))),
        [&ViolationKind::DindNotPrivileged]
    );
    // A dind image without the volume is still Docker-in-Docker.
    let c = ContainerInfo::docker("docker:24-DinD");
    assert_eq!(
        kinds(&validate_task(&task_with(c))),
        [&ViolationKind::DindNotPrivileged]
    );
    let c = ContainerInfo::docker("docker:dind").with_parameter("privileged", "true");
    assert!(validate_task(&task_with(c)).is_empty());
    // The host's own /var/lib/docker: both checks fire.
    let c = ContainerInfo::docker("docker:dind").with_volume(Volume::bind(
        "/var/lib/docker",
        "/var/lib/docker",
        VolumeMode::Rw,
    ));
    assert_eq!(
        kinds(&validate_task(&task_with(c))),
        [
            &ViolationKind::HostDockerData {
                host_path: "/var/lib/docker".into()
            },
            &ViolationKind::DindNotPrivileged
        ]
    );
    let err = TaskInfoBuilder::new("a", "a", "s")
        .container(ContainerInfo::docker_in_docker("docker:dind").with_privileged(false))
        .build_checked()
        .unwrap_err();
    assert!(err[0].message.contains("must be privileged"));
}

#[test]
fn the_upstream_task_info_example_decodes_and_passes() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/upstream/mesos/mesos_execute_taskinfo_example.json");
    let Ok(text) = std::fs::read_to_string(&path) else {
        eprintln!("skipping: {} is absent", path.display());
        return;
    };
    let task: TaskInfo = serde_json::from_str(&text).unwrap();
    assert_eq!(
        task.command.as_ref().unwrap().value.as_deref(),
        Some("sleep 1000")
    );
    assert_eq!(task.resources.len(), 2);
    assert!(validate_task(&task).is_empty());
    // Written back, only the number style changes (`32` becomes `32.0`).
    let back = serde_json::to_string(&task).unwrap();
    assert_eq!(serde_json::from_str::<TaskInfo>(&back).unwrap(), task);
    let want: serde_json::Value = serde_json::from_str(&text).unwrap();
    let back: serde_json::Value = serde_json::from_str(&back).unwrap();
    for field in ["name", "task_id", "agent_id", "command"] {
        assert_eq!(back[field], want[field], "{field}");
    }
}
