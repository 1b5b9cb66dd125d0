//! The example binaries against an in-process simulated cluster, with the
//! DC/OS environment the `dcos-sim` binary prints.
//! The binaries are built once by `common::binary`, also for
//! `cargo test --test against_sim` alone.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use dcos_sim::SimCluster;

#[tokio::test]
async fn mesos_state_and_marathon_apps_read_the_simulated_cluster() {
    let cluster = SimCluster::builder()
        .speed(200.0)
        .seed(7)
        .agents(2)
        .start()
        .await
        .unwrap();
    let su = cluster.superuser();
    let env = [
        ("DCOS_URL", cluster.url()),
        ("DCOS_UID", su.uid.as_str()),
        ("DCOS_PASSWORD", su.password.as_str()),
    ];

    let output = common::run_example("mesos_state", &[], &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains("agents: 2 (2 active)"), "{stdout}");
    assert!(
        stdout.contains("resources: total cpus 8 mem 16384 disk 65536"),
        "{stdout}"
    );
    assert!(stdout.contains("tasks: 0"), "{stdout}");

    let output = common::run_example("marathon_apps", &[], &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert_eq!(
        stdout.lines().next(),
        Some("ID  INSTANCES  HEALTHY  VERSION  IMAGE"),
        "{stdout}"
    );
    assert_eq!(stdout.lines().count(), 1, "{stdout}");

    // The hello-service definition deploys, then is listed healthy.
    let app = concat!(env!("CARGO_MANIFEST_DIR"), "/hello-service/marathon.json");
    let output = common::run_example("marathon_deploy", &[app], &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(stdout.contains(": Succeeded"), "{stdout}");
    let output = common::run_example("marathon_apps", &[], &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let row: Vec<_> = stdout.lines().nth(1).unwrap().split_whitespace().collect();
    assert_eq!(row[..3], ["/hello-service", "2", "2"], "{stdout}");
    assert_eq!(row[4], "set-by-the-pipeline", "{stdout}");

    let output = common::run_example("dcos_whoami", &[], &env).await;
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    assert!(stdout.contains("uid:         bootstrapuser"), "{stdout}");
    cluster.shutdown().await;
}
