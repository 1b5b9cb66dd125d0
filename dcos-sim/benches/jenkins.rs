//! The simulated Jenkins's own costs: a whole Pipeline build (queue, a
//! Mesos agent, three stages, console) at a high clock speed, and a job's
//! `api/json` with 100 builds, whole and with a `tree`.
//!
//! Run: `cargo bench -p dcos-sim --bench jenkins -- --warm-up-time 1 --measurement-time 3`.

// `criterion_group!` declares an undocumented `pub fn`.
#![allow(missing_docs, clippy::unwrap_used, clippy::expect_used)]

use std::hint::black_box;
use std::time::Duration;

use base64::Engine;
use criterion::{Criterion, criterion_group, criterion_main};
use dcos_sim::SimCluster;
use serde_json::Value;

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

fn xml(script: &str) -> String {
    let script = script
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;");
    format!(
        "<flow-definition><definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\"><script>{script}</script></definition><disabled>false</disabled></flow-definition>"
    )
}

struct Session {
    http: reqwest::Client,
    root: String,
    auth: String,
}

impl Session {
    fn new(cluster: &SimCluster) -> Self {
        let j = cluster.jenkins();
        let auth = base64::engine::general_purpose::STANDARD.encode(format!(
            "{}:{}",
            j.user(),
            j.api_token()
        ));
        Session {
            http: reqwest::Client::builder()
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
            root: j.url(),
            auth: format!("Basic {auth}"),
        }
    }

    async fn post(&self, path: &str, body: String) -> reqwest::Response {
        self.http
            .post(format!("{}{path}", self.root))
            .header("Authorization", &self.auth)
            .body(body)
            .send()
            .await
            .unwrap()
    }

    async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{path}", self.root))
            .header("Authorization", &self.auth)
            .send()
            .await
            .unwrap()
    }

    /// Triggers `job` and waits until its build is done.
    async fn build(&self, job: &str) -> Value {
        let r = self
            .post(&format!("job/{job}/build?delay=0sec"), String::new())
            .await;
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        let item = &location[self.root.len()..];
        loop {
            let v: Value = self
                .get(&format!("{item}api/json"))
                .await
                .json()
                .await
                .unwrap();
            if let Some(n) = v["executable"]["number"].as_u64() {
                loop {
                    let b: Value = self
                        .get(&format!("job/{job}/{n}/api/json"))
                        .await
                        .json()
                        .await
                        .unwrap();
                    if b["building"] == false {
                        return b;
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                }
            }
            tokio::time::sleep(Duration::from_millis(1)).await;
        }
    }
}

fn whole_build(c: &mut Criterion) {
    let rt = runtime();
    let cluster = rt
        .block_on(SimCluster::builder().speed(10_000.0).start())
        .unwrap();
    let s = Session::new(&cluster);
    let script = "node('linux') { stage('Build') { sh 'docker build -t reg/app:1 .' }\n stage('Test') { sh 'make test' }\n stage('Push') { sh 'docker push reg/app:1' } }";
    rt.block_on(s.post("createItem?name=app", xml(script)));
    c.bench_function(
        "Pipeline build on a Mesos agent, trigger to SUCCESS (speed 10000)",
        |b| b.iter(|| rt.block_on(async { black_box(s.build("app").await) })),
    );
}

fn job_json(c: &mut Criterion) {
    let rt = runtime();
    let cluster = rt
        .block_on(SimCluster::builder().speed(10_000.0).start())
        .unwrap();
    let s = Session::new(&cluster);
    rt.block_on(async {
        s.post("createItem?name=many", xml("echo 'hi'")).await;
        for _ in 0..100 {
            s.build("many").await;
        }
    });
    c.bench_function("job api/json with 100 builds", |b| {
        b.iter(|| {
            rt.block_on(async {
                black_box(s.get("job/many/api/json").await.bytes().await.unwrap())
            })
        })
    });
    c.bench_function(
        "job api/json?tree=builds[number,queueId,result] with 100 builds",
        |b| {
            b.iter(|| {
                rt.block_on(async {
                    black_box(
                        s.get("job/many/api/json?tree=builds[number,queueId,result]")
                            .await
                            .bytes()
                            .await
                            .unwrap(),
                    )
                })
            })
        },
    );
}

criterion_group!(benches, whole_build, job_json);
criterion_main!(benches);
