//! Decoding a generated GET_STATE (5,000 agents, 100,000 tasks) into the
//! typed `GetState` versus `serde_json::Value`, on the same bytes, and the
//! peak memory of the typed decode relative to the document size.
//!
//! The workspace forbids `unsafe`, so there is no counting global
//! allocator: peak memory is read from Linux's `VmHWM` after resetting it
//! through `/proc/self/clear_refs`, around one typed decode (the figure
//! includes allocator slack; it is skipped elsewhere).

use std::fmt::Write as _;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_main};
use mesos_client::models::GetState;

fn resources(cpus: f64, mem: f64) -> String {
    format!(
        r#"[{{"name":"cpus","type":"SCALAR","scalar":{{"value":{cpus}}},"role":"*"}},{{"name":"mem","type":"SCALAR","scalar":{{"value":{mem}}}}},{{"name":"disk","type":"SCALAR","scalar":{{"value":10240}}}},{{"name":"ports","type":"RANGES","ranges":{{"range":[{{"begin":31000,"end":32000}}]}}}}]"#
    )
}

fn document(agents: usize, tasks: usize) -> Vec<u8> {
    let mut s = String::from(r#"{"type":"GET_STATE","get_state":{"get_tasks":{"tasks":["#);
    for i in 0..tasks {
        if i > 0 {
            s.push(',');
        }
        let agent = i % agents;
        let _ = write!(
            s,
            r#"{{"name":"build-{i}","task_id":{{"value":"build-{i}.3f2a"}},"framework_id":{{"value":"fw-0001"}},"executor_id":{{"value":"build-{i}.3f2a"}},"agent_id":{{"value":"agent-{agent}-S0"}},"state":"TASK_RUNNING","resources":{},"statuses":[{{"task_id":{{"value":"build-{i}.3f2a"}},"state":"TASK_STARTING","source":"SOURCE_EXECUTOR","agent_id":{{"value":"agent-{agent}-S0"}},"timestamp":1536761111.{i},"uuid":"q1VQZ3JlYXQ=","container_status":{{"container_id":{{"value":"c-{i}"}},"network_infos":[{{"ip_addresses":[{{"protocol":"IPv4","ip_address":"10.0.{}.{}"}}]}}]}}}},{{"task_id":{{"value":"build-{i}.3f2a"}},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","agent_id":{{"value":"agent-{agent}-S0"}},"timestamp":1536761112.5,"uuid":"q1VQZ3JlYXQ=","healthy":true}}],"labels":{{"labels":[{{"key":"team","value":"cd"}}]}},"container":{{"type":"DOCKER","docker":{{"image":"jenkins/inbound-agent:latest","network":"BRIDGE","privileged":true}}}}}}"#,
            resources(0.5, 512.0),
            (i / 250) % 250,
            i % 250
        );
    }
    s.push_str(r#"]},"get_executors":{"executors":[]},"get_frameworks":{"frameworks":[{"framework_info":{"user":"root","name":"jenkins","id":{"value":"fw-0001"},"failover_timeout":604800,"checkpoint":true,"roles":["ci"],"hostname":"jenkins.example.com","capabilities":[{"type":"MULTI_ROLE"}]},"active":true,"connected":true,"recovered":false,"registered_time":{"nanoseconds":1536761111000000000}}]},"get_agents":{"agents":["#);
    for a in 0..agents {
        if a > 0 {
            s.push(',');
        }
        let _ = write!(
            s,
            r#"{{"agent_info":{{"hostname":"10.1.{}.{}","port":5051,"id":{{"value":"agent-{a}-S0"}},"resources":{},"attributes":[{{"name":"rack","type":"TEXT","text":{{"value":"r{}"}}}}]}},"active":true,"version":"1.11.0","pid":"slave(1)@10.1.{}.{}:5051","registered_time":{{"nanoseconds":1536761000000000000}},"total_resources":{},"allocated_resources":{},"offered_resources":[],"capabilities":[{{"type":"MULTI_ROLE"}},{{"type":"HIERARCHICAL_ROLE"}}]}}"#,
            a / 250,
            a % 250,
            resources(16.0, 65536.0),
            a % 20,
            a / 250,
            a % 250,
            resources(16.0, 65536.0),
            resources(10.0, 10240.0),
        );
    }
    s.push_str("]}}}");
    s.into_bytes()
}

fn decode_typed(bytes: &[u8]) -> GetState {
    #[derive(serde::Deserialize)]
    struct Response {
        get_state: GetState,
    }
    serde_json::from_slice::<Response>(bytes)
        .map(|r| r.get_state)
        .unwrap_or_default()
}

fn kib(field: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn peak_memory(bytes: &[u8]) {
    if std::fs::write("/proc/self/clear_refs", "5").is_err() {
        eprintln!("peak memory: /proc/self/clear_refs unavailable; skipped");
        return;
    }
    let before = kib("VmRSS:").unwrap_or(0);
    let state = black_box(decode_typed(bytes));
    let peak = kib("VmHWM:").unwrap_or(0);
    let growth = peak.saturating_sub(before) * 1024;
    println!(
        "peak memory of the typed decode: {:.1} MB for a {:.1} MB document = {:.2}x ({} tasks)",
        growth as f64 / 1e6,
        bytes.len() as f64 / 1e6,
        growth as f64 / bytes.len() as f64,
        state.get_tasks.tasks.len()
    );
}

fn bench(c: &mut Criterion) {
    let bytes = document(5_000, 100_000);
    peak_memory(&bytes);
    let mut group = c.benchmark_group("get_state_5000_agents_100000_tasks");
    group.sample_size(10);
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.bench_function("typed GetState", |b| {
        b.iter(|| decode_typed(black_box(&bytes)))
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<serde_json::Value>(black_box(&bytes)).ok())
    });
    group.finish();
}

mod group {
    // In a private module: the function the macro makes needs no docs.
    criterion::criterion_group!(benches, super::bench);
}
criterion_main!(group::benches);
