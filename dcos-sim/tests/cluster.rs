//! The cluster's life: shutdown with open streams, and the binary.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};
use std::time::Duration;

use common::*;
use serde_json::json;

#[tokio::test]
async fn shutdown_ends_open_streams_and_closes_the_listeners() {
    let cluster = start().await;
    let url = cluster.url().to_owned();
    let raw = Raw::new(&cluster).await;
    let r = raw
        .post("/mesos/api/v1", &json!({"type": "SUBSCRIBE"}))
        .send()
        .await
        .unwrap();
    let mut operator = RawStream::new(r);
    operator.next_of("SUBSCRIBED").await;
    let (_sid, _fid, mut scheduler) = raw.subscribe(framework("bye")).await;
    tokio::time::timeout(Duration::from_secs(5), cluster.shutdown())
        .await
        .expect("shutdown waits for no stream");
    let ended = tokio::time::timeout(Duration::from_secs(5), async {
        while let Ok(Some(_)) = operator.next().await {}
        while let Ok(Some(_)) = scheduler.next().await {}
    })
    .await;
    assert!(ended.is_ok(), "the streams end");
    let refused = http()
        .get(format!("{url}/dcos-metadata/dcos-version.json"))
        .timeout(Duration::from_secs(2))
        .send()
        .await;
    assert!(refused.is_err(), "the listener is closed");
}

#[tokio::test]
async fn two_clusters_run_side_by_side() {
    let (a, b) = (start().await, start().await);
    assert_ne!(a.url(), b.url());
    let token_a = superuser_token(&a).await;
    let r = http()
        .get(format!("{}/acs/api/v1/users/bootstrapuser", b.url()))
        .header("Authorization", format!("token={token_a}"))
        .send()
        .await
        .unwrap();
    // Same simulator keys: a token of one cluster passes the signature
    // check of the other, but was not issued there.
    assert_eq!(r.status(), 401);
}

/// Kills the child when dropped (the test's own process only).
struct Child(std::process::Child);

impl Drop for Child {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

#[tokio::test]
async fn the_binary_prints_its_url_and_a_credential_and_serves() {
    let mut child = Child(
        Command::new(env!("CARGO_BIN_EXE_dcos-sim"))
            .args(["--port", "0", "--agents", "2", "--speed", "50"])
            .stdout(Stdio::piped())
            .spawn()
            .unwrap(),
    );
    let stdout = child.0.stdout.take().unwrap();
    let lines: Vec<String> = tokio::task::spawn_blocking(move || {
        BufReader::new(stdout)
            .lines()
            .map(Result::unwrap)
            .take_while(|l| !l.starts_with("Ctrl-C"))
            .collect()
    })
    .await
    .unwrap();
    let url = lines[0].rsplit(' ').next().unwrap().to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{lines:?}");
    let credential = lines.iter().find(|l| l.starts_with('{')).unwrap();
    let credential: serde_json::Value = serde_json::from_str(credential).unwrap();
    assert_eq!(credential["scheme"], "RS256");
    let account = dcos_auth::ServiceAccount::from_json(&credential.to_string()).unwrap();
    let dcos = dcos_auth::Cluster::builder(&url)
        .auth(account)
        .build()
        .unwrap();
    let mesos = mesos_client::MesosClient::new(dcos.path("mesos"));
    assert_eq!(mesos.operator().get_agents().await.unwrap().agents.len(), 2);
}
