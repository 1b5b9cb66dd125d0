//! The simulated Marathon's costs: listing a busy Marathon (100 apps, 500
//! instances) with tasks embedded, and a whole deployment of a 3-instance
//! app with health checks, from POST to no deployment left, at speed 1000.
//!
//! Run: `cargo bench -p dcos-sim --bench marathon -- --warm-up-time 1 --measurement-time 3`.

// `criterion_group!` declares an undocumented `pub fn`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use criterion::{Criterion, criterion_group, criterion_main};
use dcos_sim::{AgentSpec, SimCluster};
use serde_json::{Value, json};

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

async fn settle(http: &reqwest::Client, base: &str, token: &str) {
    loop {
        let list: Value = http
            .get(format!("{base}/v2/deployments"))
            .header("Authorization", format!("token={token}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        if list.as_array().is_some_and(Vec::is_empty) {
            return;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

fn list_apps(c: &mut Criterion) {
    let rt = runtime();
    let cluster = rt
        .block_on(
            SimCluster::builder()
                .agents_like(20, AgentSpec::default().cpus(64.0).mem(65_536.0))
                .speed(1000.0)
                .start(),
        )
        .unwrap();
    let token = cluster.issue_token("bootstrapuser").unwrap();
    let http = reqwest::Client::new();
    let base = format!("{}/service/marathon", cluster.url());
    rt.block_on(async {
        for i in 0..100 {
            let app = json!({ "id": format!("/load/app-{i}"), "cmd": "serve", "cpus": 0.1, "mem": 32, "instances": 5 });
            let r = http
                .post(format!("{base}/v2/apps"))
                .header("Authorization", format!("token={token}"))
                .json(&app)
                .send()
                .await
                .unwrap();
            assert_eq!(r.status(), 201);
        }
        settle(&http, &base, &token).await;
    });
    let url = format!("{base}/v2/apps?embed=apps.tasks");
    c.bench_function(
        "GET /v2/apps?embed=apps.tasks, 100 apps and 500 instances",
        |b| {
            b.iter(|| {
                rt.block_on(async {
                    let r = http
                        .get(&url)
                        .header("Authorization", format!("token={token}"))
                        .send()
                        .await
                        .unwrap();
                    black_box(r.bytes().await.unwrap())
                })
            })
        },
    );
}

fn deploy(c: &mut Criterion) {
    let rt = runtime();
    let cluster = rt
        .block_on(SimCluster::builder().speed(1000.0).start())
        .unwrap();
    let token = cluster.issue_token("bootstrapuser").unwrap();
    let http = reqwest::Client::new();
    let base = format!("{}/service/marathon", cluster.url());
    let mut n = 0u64;
    c.bench_function(
        "deploy a 3-instance healthy app and delete it, speed 1000",
        |b| {
            b.iter(|| {
                rt.block_on(async {
                    n += 1;
                    let id = format!("/bench/app-{n}");
                    let app = json!({
                        "id": id, "cmd": "serve", "cpus": 0.1, "mem": 32, "instances": 3,
                        "healthChecks": [{ "protocol": "MESOS_HTTP", "path": "/" }],
                    });
                    http.post(format!("{base}/v2/apps"))
                        .header("Authorization", format!("token={token}"))
                        .json(&app)
                        .send()
                        .await
                        .unwrap();
                    settle(&http, &base, &token).await;
                    http.delete(format!("{base}/v2/apps{id}"))
                        .header("Authorization", format!("token={token}"))
                        .send()
                        .await
                        .unwrap();
                    settle(&http, &base, &token).await;
                })
            })
        },
    );
}

criterion_group!(benches, list_apps, deploy);
criterion_main!(benches);
