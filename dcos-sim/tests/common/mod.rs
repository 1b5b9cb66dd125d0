//! Helpers shared by the simulator's tests.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use dcos_sim::{SimCluster, SimClusterBuilder};

/// The builder every test starts from: fast, and repeatable.
pub fn fast() -> SimClusterBuilder {
    SimCluster::builder().speed(200.0).seed(7)
}

/// A started fast cluster.
pub async fn start() -> SimCluster {
    fast().start().await.unwrap()
}

/// A reqwest client that follows no redirect.
pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
}

/// Logs in as the superuser with plain HTTP and returns the token.
pub async fn superuser_token(cluster: &SimCluster) -> String {
    let su = cluster.superuser();
    let response = http()
        .post(format!("{}/acs/api/v1/auth/login", cluster.url()))
        .json(&serde_json::json!({"uid": su.uid, "password": su.password}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    body["token"].as_str().unwrap().to_owned()
}

/// The path of the shared upstream payloads, if present.
pub fn upstream(dir: &str) -> Option<std::path::PathBuf> {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../shared/upstream")
        .join(dir);
    if path.is_dir() {
        Some(path)
    } else {
        eprintln!(
            "NOTICE: {} is absent: upstream conformance checks skipped",
            path.display()
        );
        None
    }
}

/// The JSON type name of a value, for shape comparisons.
pub fn kind(v: &serde_json::Value) -> &'static str {
    match v {
        serde_json::Value::Null => "null",
        serde_json::Value::Bool(_) => "bool",
        serde_json::Value::Number(_) => "number",
        serde_json::Value::String(_) => "string",
        serde_json::Value::Array(_) => "array",
        serde_json::Value::Object(_) => "object",
    }
}
