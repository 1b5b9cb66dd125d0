//! Decoding a 10,000-app `GET /v2/apps` answer: typed [`AppList`] against an
//! untyped `serde_json::Value` of the same bytes.
//!
//! Run: `cargo bench -p marathon-client --bench decode -- --warm-up-time 1 --measurement-time 3`.
//! The body is generated here, not read from upstream payloads.

// `criterion_group!` declares an undocumented `pub fn`.
#![allow(missing_docs)]

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use marathon_client::models::AppList;
use serde_json::{Value, json};

const APPS: usize = 10_000;

/// A deterministic pseudo-random number for app `i` and purpose `salt`.
fn pick(i: usize, salt: usize, n: usize) -> usize {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (salt as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x % n as u64) as usize
}

fn timestamp(i: usize, salt: usize) -> String {
    format!(
        "2024-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        1 + pick(i, salt, 12),
        1 + pick(i, salt + 1, 28),
        pick(i, salt + 2, 24),
        pick(i, salt + 3, 60),
        pick(i, salt + 4, 60),
        pick(i, salt + 5, 1000)
    )
}

fn health_check(i: usize) -> Value {
    match pick(i, 1, 4) {
        0 => json!({"protocol": "HTTP", "path": "/health", "portIndex": 0,
            "gracePeriodSeconds": 300, "intervalSeconds": 60, "timeoutSeconds": 20,
            "maxConsecutiveFailures": 3, "ignoreHttp1xx": false}),
        1 => json!({"protocol": "MESOS_HTTP", "path": "/ready", "portIndex": 0,
            "gracePeriodSeconds": 120, "intervalSeconds": 30, "timeoutSeconds": 10,
            "maxConsecutiveFailures": 0, "delaySeconds": 15, "ipProtocol": "IPv4"}),
        2 => json!({"protocol": "TCP", "portIndex": 1, "gracePeriodSeconds": 60,
            "intervalSeconds": 20, "timeoutSeconds": 5, "maxConsecutiveFailures": 5}),
        _ => json!({"protocol": "COMMAND", "command": {"value": "curl -f localhost:$PORT0/"},
            "gracePeriodSeconds": 300, "intervalSeconds": 60, "timeoutSeconds": 20,
            "maxConsecutiveFailures": 3, "delaySeconds": 15}),
    }
}

fn task(i: usize, t: usize, id: &str, checks: usize) -> Value {
    let results: Vec<Value> = (0..checks)
        .map(|c| {
            json!({"alive": pick(i, 40 + t + c, 10) != 0, "consecutiveFailures": 0,
                "firstSuccess": timestamp(i, 50 + t), "lastFailure": null,
                "lastSuccess": timestamp(i, 60 + t), "lastFailureCause": null,
                "instanceId": format!("{}.instance-{i:08x}-{t}", id.trim_start_matches('/').replace('/', "_"))})
        })
        .collect();
    json!({
        "id": format!("{}.{i:08x}-{t:04x}-11e9-a1b2-0242ac110002", id.trim_start_matches('/').replace('/', "_")),
        "appId": id,
        "host": format!("10.0.{}.{}", pick(i, 70 + t, 256), pick(i, 71 + t, 256)),
        "ports": [31000 + pick(i, 72 + t, 1000), 31000 + pick(i, 73 + t, 1000)],
        "servicePorts": [10000 + i % 10000],
        "ipAddresses": [{"ipAddress": format!("9.0.{}.{}", t, i % 256), "protocol": "IPv4"}],
        "slaveId": format!("a3c4e5f6-1b2c-4d5e-8f90-{:012x}-S{}", pick(i, 74, 1 << 40), pick(i, 75, 40)),
        "state": if t == 0 { "TASK_RUNNING" } else { "TASK_STAGING" },
        "stagedAt": timestamp(i, 76 + t),
        "startedAt": timestamp(i, 77 + t),
        "version": timestamp(i, 10),
        "healthCheckResults": results,
        "localVolumes": [],
        "region": "eu-west-1",
        "zone": format!("eu-west-1{}", ["a", "b", "c"][pick(i, 78, 3)]),
        "role": "*"
    })
}

/// One realistic app: varied container, checks, labels, env, ports, and for
/// some apps embedded tasks and fields no model knows.
fn app(i: usize) -> Value {
    let team = ["payments", "search", "checkout", "infra", "data", "web"][pick(i, 2, 6)];
    let id = format!("/{team}/svc-{i:05}");
    let checks = pick(i, 3, 3);
    let mut labels = serde_json::Map::new();
    labels.insert("team".into(), team.into());
    labels.insert("HAPROXY_GROUP".into(), "external".into());
    for l in 0..pick(i, 4, 6) {
        labels.insert(
            format!("label_{l}"),
            format!("value-{}", pick(i, 5 + l, 1000)).into(),
        );
    }
    let mut env = serde_json::Map::new();
    for e in 0..5 + pick(i, 12, 10) {
        env.insert(
            format!("ENV_VAR_{e}"),
            format!("some-configuration-value-{}", pick(i, 13 + e, 100_000)).into(),
        );
    }
    env.insert("DB_PASSWORD".into(), json!({"secret": "db-password"}));
    let mesos = pick(i, 30, 3) == 0;
    let image = format!(
        "registry.example.com/{team}/svc-{i:05}:{}.{}.{}",
        pick(i, 31, 5),
        pick(i, 32, 20),
        pick(i, 33, 100)
    );
    let mut app = json!({
        "id": id,
        "cmd": if pick(i, 34, 4) == 0 { Value::from("./run.sh --port $PORT0") } else { Value::Null },
        "args": null,
        "user": null,
        "env": env,
        "instances": pick(i, 35, 10),
        "cpus": ([0.1, 0.25, 0.5, 1.0, 2.0][pick(i, 36, 5)]),
        "mem": ([128, 256, 512, 1024, 2048][pick(i, 37, 5)]),
        "disk": 0,
        "gpus": 0,
        "executor": "",
        "constraints": if pick(i, 38, 2) == 0 { json!([["hostname", "UNIQUE"]]) } else { json!([["@zone", "GROUP_BY", "3"], ["rack", "LIKE", "r[0-9]+"]]) },
        "uris": [],
        "fetch": [{"uri": format!("https://artifacts.example.com/{team}/config-{i}.tgz"), "extract": true, "executable": false, "cache": false}],
        "storeUrls": [],
        "backoffSeconds": 1,
        "backoffFactor": 1.15,
        "maxLaunchDelaySeconds": 300,
        "container": {
            "type": if mesos { "MESOS" } else { "DOCKER" },
            "docker": {"image": image, "forcePullImage": false, "privileged": false,
                "parameters": [{"key": "log-driver", "value": "journald"}]},
            "volumes": if pick(i, 39, 4) == 0 {
                json!([{"containerPath": "/data", "mode": "RW", "persistent": {"size": 1024, "type": "root"}}])
            } else { json!([]) },
            "portMappings": [
                {"containerPort": 8080, "hostPort": 0, "servicePort": 10000 + i % 10000, "protocol": "tcp", "name": "http", "labels": {"VIP_0": format!("/{team}/svc-{i:05}:80")}},
                {"containerPort": 9090, "hostPort": 0, "servicePort": 0, "protocol": "tcp", "name": "metrics", "labels": {}}
            ]
        },
        "healthChecks": (0..checks).map(|c| health_check(i + c)).collect::<Vec<_>>(),
        "readinessChecks": [],
        "dependencies": [],
        "upgradeStrategy": {"minimumHealthCapacity": ([0.5, 1.0][pick(i, 41, 2)]), "maximumOverCapacity": ([0, 1][pick(i, 42, 2)])},
        "labels": labels,
        "secrets": {"db-password": {"source": format!("{team}/db/password")}},
        "unreachableStrategy": if pick(i, 43, 5) == 0 { json!("disabled") } else { json!({"inactiveAfterSeconds": 0, "expungeAfterSeconds": 0}) },
        "killSelection": "YOUNGEST_FIRST",
        "networks": [{"mode": "container/bridge"}],
        "requirePorts": false,
        "version": timestamp(i, 10),
        "versionInfo": {"lastScalingAt": timestamp(i, 10), "lastConfigChangeAt": timestamp(i, 20)},
        "tasksStaged": 0,
        "tasksRunning": pick(i, 35, 10),
        "tasksHealthy": if checks > 0 { pick(i, 35, 10) } else { 0 },
        "tasksUnhealthy": 0,
        "deployments": if pick(i, 44, 20) == 0 { json!([{"id": format!("97c136bf-5a28-4821-9d94-{i:012x}")}]) } else { json!([]) }
    });
    let object = app.as_object_mut().unwrap_or_else(|| unreachable!());
    if i % 5 == 0 {
        let tasks: Vec<Value> = (0..1 + pick(i, 45, 3))
            .map(|t| task(i, t, &id, checks))
            .collect();
        object.insert("tasks".into(), tasks.into());
    }
    if i % 7 == 0 {
        // Fields a newer server might add: kept in `extra`.
        object.insert(
            "futureField".into(),
            json!({"enabled": true, "weights": [1, 2, 3]}),
        );
        object.insert("role".into(), "slave_public".into());
    }
    app
}

fn body() -> Vec<u8> {
    let apps: Vec<Value> = (0..APPS).map(app).collect();
    serde_json::to_vec(&json!({ "apps": apps })).unwrap_or_else(|e| panic!("{e}"))
}

fn decode(c: &mut Criterion) {
    let bytes = body();
    // The typed model must accept the body and keep every field.
    let typed: AppList = serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(typed.apps.len(), APPS);
    assert!(typed.apps[7].extra.contains_key("futureField"));

    let mut group = c.benchmark_group(format!("decode_{APPS}_apps"));
    group.throughput(Throughput::Bytes(bytes.len() as u64));
    group.sample_size(10);
    // The floor: parsing and validating with no output at all.
    group.bench_function("IgnoredAny (parse only)", |b| {
        b.iter(|| serde_json::from_slice::<serde::de::IgnoredAny>(black_box(&bytes)))
    });
    group.bench_function("serde_json::Value", |b| {
        b.iter(|| serde_json::from_slice::<Value>(black_box(&bytes)))
    });
    group.bench_function("AppList via serde_json::from_slice", |b| {
        b.iter(|| serde_json::from_slice::<AppList>(black_box(&bytes)))
    });
    group.bench_function("AppList via dcos_auth::decode_json", |b| {
        b.iter(|| dcos_auth::decode_json::<AppList>(black_box(&bytes), || "GET /v2/apps".into()))
    });
    group.finish();
    eprintln!("body: {} apps, {} bytes", APPS, bytes.len());
}

criterion_group!(benches, decode);
criterion_main!(benches);
