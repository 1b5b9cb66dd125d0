//! Helpers shared by the Jenkins simulation's tests: a plain reqwest
//! session with Basic or DC/OS auth, the session cookie and the crumb.
#![allow(dead_code, clippy::unwrap_used, clippy::expect_used)]

use std::time::Duration;

use base64::Engine;
use dcos_sim::SimCluster;
use serde_json::Value;

/// How requests authenticate.
#[derive(Clone)]
pub enum Auth {
    /// `Authorization: Basic user:secret` on the direct listener.
    Basic(String, String),
    /// `Authorization: token=…` through Admin Router.
    Dcos(String),
    /// Nothing.
    None,
}

/// A plain HTTP Jenkins session.
#[derive(Clone)]
pub struct Jk {
    pub root: String,
    pub auth: Auth,
    pub cookie: Option<String>,
    pub crumb: Option<String>,
}

pub const PIPELINE: &str = "org.jenkinsci.plugins.workflow.job.WorkflowJob";

/// A Pipeline job's config.xml with `script` (escaped) and string parameters.
pub fn pipeline_xml(script: &str, params: &[(&str, &str)]) -> String {
    let escaped = script
        .replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('\'', "&apos;")
        .replace('"', "&quot;");
    let defs: String = params
        .iter()
        .map(|(n, d)| {
            format!(
                "<hudson.model.StringParameterDefinition><name>{n}</name><defaultValue>{d}</defaultValue><trim>true</trim></hudson.model.StringParameterDefinition>"
            )
        })
        .collect();
    let props = if params.is_empty() {
        "<properties/>".to_owned()
    } else {
        format!(
            "<properties><hudson.model.ParametersDefinitionProperty><parameterDefinitions>{defs}</parameterDefinitions></hudson.model.ParametersDefinitionProperty></properties>"
        )
    };
    format!(
        "<?xml version='1.1' encoding='UTF-8'?>\n<flow-definition plugin=\"workflow-job@1145.v7f2433caa07f\">\n  <description>test job</description>\n  <keepDependencies>false</keepDependencies>\n  {props}\n  <definition class=\"org.jenkinsci.plugins.workflow.cps.CpsFlowDefinition\" plugin=\"workflow-cps@2648.va9433432b33c\">\n    <script>{escaped}</script>\n    <sandbox>true</sandbox>\n  </definition>\n  <triggers/>\n  <disabled>false</disabled>\n</flow-definition>\n"
    )
}

pub fn http() -> reqwest::Client {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .build()
        .unwrap()
}

impl Jk {
    /// The direct listener with the API token (no crumb needed).
    pub fn token(cluster: &SimCluster) -> Self {
        let j = cluster.jenkins();
        Jk {
            root: j.url(),
            auth: Auth::Basic(j.user().to_owned(), j.api_token().to_owned()),
            cookie: None,
            crumb: None,
        }
    }

    /// The direct listener with the password (crumbs needed).
    pub fn password(cluster: &SimCluster) -> Self {
        let j = cluster.jenkins();
        Jk {
            root: j.url(),
            auth: Auth::Basic(j.user().to_owned(), j.password().to_owned()),
            cookie: None,
            crumb: None,
        }
    }

    /// Through Admin Router with a DC/OS token (crumbs needed).
    pub fn dcos(cluster: &SimCluster, token: String) -> Self {
        Jk {
            root: cluster.jenkins().service_url(),
            auth: Auth::Dcos(token),
            cookie: None,
            crumb: None,
        }
    }

    fn with_auth(&self, rb: reqwest::RequestBuilder) -> reqwest::RequestBuilder {
        let rb = match &self.auth {
            Auth::Basic(u, s) => rb.header(
                "Authorization",
                format!(
                    "Basic {}",
                    base64::engine::general_purpose::STANDARD.encode(format!("{u}:{s}"))
                ),
            ),
            Auth::Dcos(t) => rb.header("Authorization", format!("token={t}")),
            Auth::None => rb,
        };
        let rb = match &self.cookie {
            Some(c) => rb.header("Cookie", c.clone()),
            None => rb,
        };
        match &self.crumb {
            Some(c) => rb.header("Jenkins-Crumb", c.clone()),
            None => rb,
        }
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.with_auth(http().get(format!("{}{path}", self.root)))
            .send()
            .await
            .unwrap()
    }

    pub async fn with_auth_delete(&self, path: &str) -> reqwest::Response {
        self.with_auth(http().delete(format!("{}{path}", self.root)))
            .send()
            .await
            .unwrap()
    }

    pub async fn get_json(&self, path: &str) -> Value {
        let r = self.get(path).await;
        assert_eq!(r.status(), 200, "GET {path}");
        r.json().await.unwrap()
    }

    pub async fn post(&self, path: &str, body: &str, content_type: &str) -> reqwest::Response {
        self.with_auth(
            http()
                .post(format!("{}{path}", self.root))
                .header("Content-Type", content_type)
                .body(body.to_owned()),
        )
        .send()
        .await
        .unwrap()
    }

    /// Fetches a crumb and keeps the session cookie.
    pub async fn fetch_crumb(&mut self) {
        let r = self.get("crumbIssuer/api/json").await;
        assert_eq!(r.status(), 200);
        if let Some(set) = r.headers().get("set-cookie") {
            let pair = set.to_str().unwrap().split(';').next().unwrap().to_owned();
            self.cookie = Some(pair);
        }
        let body: Value = r.json().await.unwrap();
        self.crumb = Some(body["crumb"].as_str().unwrap().to_owned());
    }

    /// Creates a job from config.xml at `parent` (`""` or `job/f/`).
    pub async fn create(&self, parent: &str, name: &str, xml: &str) {
        let r = self
            .post(
                &format!("{parent}createItem?name={name}"),
                xml,
                "application/xml",
            )
            .await;
        assert_eq!(
            r.status(),
            200,
            "createItem {name}: {}",
            r.text().await.unwrap()
        );
    }

    /// Triggers a build; returns the queue item path `queue/item/N/`.
    pub async fn trigger(&self, job_path: &str, query: &str) -> String {
        let r = self
            .post(
                &format!("{job_path}buildWithParameters?{query}"),
                "",
                "application/x-www-form-urlencoded",
            )
            .await;
        assert_eq!(r.status(), 201, "{}", r.text().await.unwrap());
        let location = r.headers()["location"].to_str().unwrap().to_owned();
        assert!(location.starts_with(&self.root), "{location}");
        location[self.root.len()..].to_owned()
    }

    /// Polls `path` until `pred` holds (5 s at most); returns the JSON.
    pub async fn wait_for(&self, path: &str, pred: impl Fn(&Value) -> bool) -> Value {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
        loop {
            let r = self.get(path).await;
            if r.status() == 200 {
                let v: Value = r.json().await.unwrap();
                if pred(&v) {
                    return v;
                }
                if tokio::time::Instant::now() > deadline {
                    panic!("{path} never matched: {v}");
                }
            } else if tokio::time::Instant::now() > deadline {
                panic!("{path}: {}", r.status());
            }
            tokio::time::sleep(Duration::from_millis(5)).await;
        }
    }

    /// Waits for a queue item to leave with a build; returns its number.
    pub async fn build_number(&self, item: &str) -> u64 {
        let v = self
            .wait_for(&format!("{item}api/json"), |v| !v["executable"].is_null())
            .await;
        v["executable"]["number"].as_u64().unwrap()
    }

    /// Waits for a build to finish; returns its JSON.
    pub async fn finished(&self, build_path: &str) -> Value {
        self.wait_for(&format!("{build_path}api/json"), |v| v["building"] == false)
            .await
    }
}
