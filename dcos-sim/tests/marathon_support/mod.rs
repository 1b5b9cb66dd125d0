//! Helpers for the Marathon tests: plain HTTP with a token, a Server-Sent
//! Events reader, and a marathon-client on the cluster.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use dcos_auth::{Cluster, Credentials};
use dcos_sim::SimCluster;
use marathon_client::MarathonClient;
use serde_json::{Value, json};

/// Plain HTTP on `/service/marathon` with the superuser's token.
pub struct Api {
    pub http: reqwest::Client,
    pub base: String,
    pub token: String,
}

impl Api {
    pub async fn new(cluster: &SimCluster) -> Self {
        let token = super::common::superuser_token(cluster).await;
        Api {
            http: super::common::http(),
            base: format!("{}/service/marathon", cluster.url()),
            token,
        }
    }

    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http
            .request(method, format!("{}{path}", self.base))
            .header("Authorization", format!("token={}", self.token))
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::GET, path)
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let response = self.get(path).await;
        assert_eq!(response.status(), 200, "GET {path}");
        response.json().await.unwrap()
    }

    pub async fn send(
        &self,
        method: reqwest::Method,
        path: &str,
        body: &Value,
    ) -> reqwest::Response {
        self.request(method, path).json(body).send().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::POST, path, body).await
    }

    pub async fn put(&self, path: &str, body: &Value) -> reqwest::Response {
        self.send(reqwest::Method::PUT, path, body).await
    }

    pub async fn delete(&self, path: &str) -> reqwest::Response {
        self.request(reqwest::Method::DELETE, path)
            .send()
            .await
            .unwrap()
    }

    /// Waits (real time, bounded) until no deployment runs.
    pub async fn settle(&self) {
        for _ in 0..400 {
            let list = self.get_json("/v2/deployments").await;
            if list.as_array().unwrap().is_empty() {
                return;
            }
            tokio::time::sleep(Duration::from_millis(10)).await;
        }
        panic!("deployments did not finish");
    }

    /// Opens the event stream.
    pub async fn events(&self, query: &str) -> Sse {
        let response = self
            .request(reqwest::Method::GET, &format!("/v2/events{query}"))
            .header("Accept", "text/event-stream")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 200);
        Sse::new(response)
    }
}

/// A Server-Sent Events stream read with plain reqwest.
pub struct Sse {
    pub response: reqwest::Response,
    buf: String,
}

impl Sse {
    pub fn new(response: reqwest::Response) -> Self {
        Sse {
            response,
            buf: String::new(),
        }
    }

    /// The next frame as `(event name, data)`; `None` at the end, `Err`
    /// when the connection broke.
    pub async fn next(&mut self) -> Result<Option<(String, Value)>, reqwest::Error> {
        loop {
            if let Some(end) = self.buf.find("\n\n") {
                let frame: String = self.buf.drain(..end + 2).collect();
                let mut name = String::new();
                let mut data = String::new();
                for line in frame.lines() {
                    if let Some(v) = line.strip_prefix("event: ") {
                        name = v.to_owned();
                    } else if let Some(v) = line.strip_prefix("data: ") {
                        data.push_str(v);
                    }
                }
                return Ok(Some((name, serde_json::from_str(&data).unwrap())));
            }
            match tokio::time::timeout(Duration::from_secs(10), self.response.chunk()).await {
                Ok(Ok(Some(chunk))) => self.buf.push_str(std::str::from_utf8(&chunk).unwrap()),
                Ok(Ok(None)) => return Ok(None),
                Ok(Err(e)) => return Err(e),
                Err(_) => panic!("no event for 10 s"),
            }
        }
    }

    /// The next frame, which must exist.
    pub async fn event(&mut self) -> (String, Value) {
        self.next().await.unwrap().expect("the stream ended")
    }

    /// Skips to the next event of `kind`.
    pub async fn next_of(&mut self, kind: &str) -> Value {
        loop {
            let (name, data) = self.event().await;
            if name == kind {
                return data;
            }
        }
    }
}

/// A marathon-client logged in as the superuser, behind Admin Router.
pub fn client(cluster: &SimCluster) -> MarathonClient {
    let su = cluster.superuser();
    let dcos = Cluster::builder(cluster.url())
        .auth(Credentials::login(su.uid.clone(), su.password.clone()))
        .build()
        .unwrap();
    MarathonClient::new(dcos.service("marathon"))
}

/// A small app definition.
pub fn app(id: &str, instances: u32) -> Value {
    json!({ "id": id, "cmd": "python3 -m http.server $PORT0", "cpus": 0.5, "mem": 64, "instances": instances })
}

/// A small app with an HTTP health check.
pub fn healthy_app(id: &str, instances: u32) -> Value {
    let mut app = app(id, instances);
    app["healthChecks"] =
        json!([{ "protocol": "MESOS_HTTP", "path": "/", "portIndex": 0, "intervalSeconds": 2 }]);
    app
}
