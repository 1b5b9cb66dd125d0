//! The simulator's own costs: starting a cluster, a password login, and a
//! GET_STATE of a busy cluster (50 agents, 1,000 tasks) over HTTP.
//!
//! Run: `cargo bench -p dcos-sim --bench sim -- --warm-up-time 1 --measurement-time 3`.

// `criterion_group!` declares an undocumented `pub fn`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use dcos_sim::{SimCluster, TaskSpec};
use serde_json::json;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn start(c: &mut Criterion) {
    let rt = runtime();
    c.bench_function("start and shut down a 3-agent cluster", |b| {
        b.iter(|| {
            rt.block_on(async {
                let cluster = SimCluster::builder().start().await.unwrap();
                cluster.shutdown().await;
            })
        })
    });
}

fn login(c: &mut Criterion) {
    let rt = runtime();
    let cluster = rt.block_on(SimCluster::builder().start()).unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/acs/api/v1/auth/login", cluster.url());
    let body = json!({"uid": cluster.superuser().uid, "password": cluster.superuser().password});
    c.bench_function("password login (RS256 token)", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = http.post(&url).json(&body).send().await.unwrap();
                black_box(r.bytes().await.unwrap())
            })
        })
    });
}

fn get_state(c: &mut Criterion) {
    let rt = runtime();
    let cluster = rt
        .block_on(SimCluster::builder().agents(50).speed(1000.0).start())
        .unwrap();
    let mesos = cluster.mesos();
    let fw = mesos.register_framework("marathon", "*", "marathon");
    for i in 0..1000 {
        mesos
            .launch(
                &fw,
                TaskSpec::new(format!("app.{i}"), "app")
                    .resources(0.1, 32.0, 0.0)
                    .ports(1),
            )
            .unwrap();
    }
    let token = cluster.issue_token("bootstrapuser").unwrap();
    let http = reqwest::Client::new();
    let url = format!("{}/mesos/api/v1", cluster.url());
    let mut size = 0;
    c.bench_function("GET_STATE, 50 agents and 1,000 tasks", |b| {
        b.iter(|| {
            rt.block_on(async {
                let r = http
                    .post(&url)
                    .header("Authorization", format!("token={token}"))
                    .header("Content-Type", "application/json")
                    .body(r#"{"type":"GET_STATE"}"#)
                    .send()
                    .await
                    .unwrap();
                let bytes = r.bytes().await.unwrap();
                size = bytes.len();
                black_box(bytes)
            })
        })
    });
    println!("GET_STATE body: {size} bytes");
}

criterion_group!(benches, start, login, get_state);
criterion_main!(benches);
