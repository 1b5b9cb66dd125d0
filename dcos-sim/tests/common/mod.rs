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

/// A RecordIO event stream read with plain reqwest.
pub struct RawStream {
    pub response: reqwest::Response,
    buf: Vec<u8>,
}

impl RawStream {
    pub fn new(response: reqwest::Response) -> Self {
        RawStream {
            response,
            buf: Vec::new(),
        }
    }

    /// The next record, `None` at the end; `Err` when the connection broke.
    pub async fn next(&mut self) -> Result<Option<serde_json::Value>, reqwest::Error> {
        loop {
            if let Some(nl) = self.buf.iter().position(|b| *b == b'\n') {
                let size: usize = std::str::from_utf8(&self.buf[..nl])
                    .unwrap()
                    .parse()
                    .unwrap();
                if self.buf.len() >= nl + 1 + size {
                    let record: Vec<u8> = self.buf.drain(..nl + 1 + size).skip(nl + 1).collect();
                    return Ok(Some(serde_json::from_slice(&record).unwrap()));
                }
            }
            match self.response.chunk().await? {
                Some(chunk) => self.buf.extend_from_slice(&chunk),
                None => return Ok(None),
            }
        }
    }

    /// The next record of type `kind`, skipping others; panics after 5 s.
    pub async fn next_of(&mut self, kind: &str) -> serde_json::Value {
        tokio::time::timeout(std::time::Duration::from_secs(5), async {
            loop {
                let event = self.next().await.unwrap().expect("the stream ended");
                if event["type"] == kind {
                    return event;
                }
            }
        })
        .await
        .unwrap_or_else(|_| panic!("no {kind} within 5 s"))
    }
}

/// A logged-in plain HTTP session.
pub struct Raw {
    pub base: String,
    pub token: String,
}

impl Raw {
    pub async fn new(cluster: &SimCluster) -> Self {
        Raw {
            base: cluster.url().to_owned(),
            token: superuser_token(cluster).await,
        }
    }

    /// POSTs JSON to `path` with the token and JSON content type.
    pub fn post(&self, path: &str, body: &serde_json::Value) -> reqwest::RequestBuilder {
        http()
            .post(format!("{}{path}", self.base))
            .header("Authorization", format!("token={}", self.token))
            .header("Content-Type", "application/json")
            .body(body.to_string())
    }

    /// An operator call; returns the JSON answer.
    pub async fn operator(&self, call: &str) -> serde_json::Value {
        let r = self
            .post("/mesos/api/v1", &serde_json::json!({ "type": call }))
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200, "{call}");
        assert_eq!(r.headers()["content-type"], "application/json");
        r.json().await.unwrap()
    }

    /// Subscribes a scheduler; returns the stream id, framework id and stream.
    pub async fn subscribe(&self, info: serde_json::Value) -> (String, String, RawStream) {
        let r = self
            .post(
                "/mesos/api/v1/scheduler",
                &serde_json::json!({ "type": "SUBSCRIBE", "subscribe": { "framework_info": info } }),
            )
            .send()
            .await
            .unwrap();
        assert_eq!(r.status(), 200);
        assert_eq!(r.headers()["content-type"], "application/json");
        let stream_id = r.headers()["mesos-stream-id"].to_str().unwrap().to_owned();
        let mut stream = RawStream::new(r);
        let subscribed = stream.next().await.unwrap().unwrap();
        assert_eq!(subscribed["type"], "SUBSCRIBED", "{subscribed}");
        let framework_id = subscribed["subscribed"]["framework_id"]["value"]
            .as_str()
            .unwrap()
            .to_owned();
        (stream_id, framework_id, stream)
    }

    /// A scheduler call with the stream id; returns the status.
    pub async fn call(&self, stream_id: &str, call: serde_json::Value) -> reqwest::Response {
        self.post("/mesos/api/v1/scheduler", &call)
            .header("Mesos-Stream-Id", stream_id)
            .send()
            .await
            .unwrap()
    }
}

/// A framework info with a long failover timeout.
pub fn framework(name: &str) -> serde_json::Value {
    serde_json::json!({ "user": "root", "name": name, "failover_timeout": 3600.0 })
}

/// A v1 command task for `agent` using `cpus` and `mem`.
pub fn task(id: &str, agent: &str, cpus: f64, mem: f64, command: &str) -> serde_json::Value {
    serde_json::json!({
        "name": id,
        "task_id": { "value": id },
        "agent_id": { "value": agent },
        "command": { "value": command },
        "resources": [
            { "name": "cpus", "type": "SCALAR", "scalar": { "value": cpus } },
            { "name": "mem", "type": "SCALAR", "scalar": { "value": mem } },
        ],
    })
}

/// The scalar `name` of an offer.
pub fn offered(offer: &serde_json::Value, name: &str) -> f64 {
    offer["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["name"] == name)
        .map(|r| r["scalar"]["value"].as_f64().unwrap())
        .sum()
}
