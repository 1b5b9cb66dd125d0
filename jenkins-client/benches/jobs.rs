//! Decoding a generated root `/api/json?tree=jobs[…]` answer with 10,000 jobs:
//! the typed [`JobList`] against an untyped `serde_json::Value` of the same
//! bytes, in the same run.
//!
//! Run: `cargo bench -p jenkins-client --bench jobs -- --warm-up-time 1 --measurement-time 3`.
//! The body is generated here, not read from upstream payloads.

// `criterion_group!` declares an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use jenkins_client::models::JobList;
use serde_json::{Value, json};

const JOBS: usize = 10_000;

const CLASSES: [&str; 4] = [
    "org.jenkinsci.plugins.workflow.job.WorkflowJob",
    "hudson.model.FreeStyleProject",
    "org.jenkinsci.plugins.workflow.job.WorkflowJob",
    "hudson.matrix.MatrixProject",
];

const COLORS: [&str; 8] = [
    "blue",
    "red",
    "blue_anime",
    "notbuilt",
    "disabled",
    "yellow",
    "aborted",
    "grey",
];

const ROOT: &str = "http://jenkins.marathon.mesos:10104/service/jenkins/";

fn job(i: usize, folder: Option<&str>) -> Value {
    let name = format!("service-{i:05}-build");
    let full = match folder {
        Some(f) => format!("{f}/{name}"),
        None => name.clone(),
    };
    let url_path: String = full.split('/').map(|n| format!("job/{n}/")).collect();
    let mut job = json!({
        "_class": CLASSES[i % CLASSES.len()],
        "name": name,
        "fullName": full,
        "url": format!("{ROOT}{url_path}"),
        "color": COLORS[(i * 7) % COLORS.len()],
    });
    if i % 13 == 0 {
        // A field a plugin or a newer server adds: kept in `extra`.
        let object = job.as_object_mut().unwrap_or_else(|| unreachable!());
        object.insert("healthScore".into(), json!(i % 101));
    }
    job
}

/// 10,000 jobs: every 25th top-level entry is a folder holding 4 of them.
fn body() -> Vec<u8> {
    let mut jobs = Vec::new();
    let mut i = 0;
    while i < JOBS {
        if i % 25 == 0 && i + 4 <= JOBS {
            let folder = format!("team-{i:05}");
            let children: Vec<Value> = (i..i + 4).map(|k| job(k, Some(&folder))).collect();
            jobs.push(json!({
                "_class": "com.cloudbees.hudson.plugins.folder.Folder",
                "name": folder,
                "fullName": folder,
                "url": format!("{ROOT}job/{folder}/"),
                "jobs": children,
            }));
            i += 4;
        } else {
            jobs.push(job(i, None));
            i += 1;
        }
    }
    serde_json::to_vec(&json!({"_class": "hudson.model.Hudson", "jobs": jobs}))
        .unwrap_or_else(|e| panic!("{e}"))
}

fn decode(c: &mut Criterion) {
    let bytes = body();
    let typed: JobList = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let total: usize = typed
        .jobs
        .iter()
        .map(|j| j.jobs.as_ref().map_or(1, Vec::len))
        .sum();
    assert_eq!(total, JOBS);
    assert!(
        typed
            .jobs
            .iter()
            .any(|j| j.extra.contains_key("healthScore"))
    );

    let mut group = c.benchmark_group(format!("decode_{JOBS}_jobs"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(20);
    group.bench_function("IgnoredAny (parse only)", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&bytes)))
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)))
    });
    group.bench_function("JobList (serde_json)", |b| {
        b.iter(|| serde_json::from_slice::<JobList>(black_box(&bytes)))
    });
    group.bench_function("JobList (dcos_auth::decode_json)", |b| {
        b.iter(|| dcos_auth::decode_json::<JobList>(black_box(&bytes), || "jobs".to_owned()))
    });
    group.finish();
    eprintln!(
        "body: {} bytes ({:.2} MiB)",
        bytes.len(),
        bytes.len() as f64 / 1048576.0
    );
}

criterion_group!(benches, decode);
criterion_main!(benches);
