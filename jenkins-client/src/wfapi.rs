//! [`Pipeline`]: the stage view REST API (`wfapi`) of Pipeline runs:
//! stages and their durations, a stage's steps and logs, pending `input`
//! steps with proceed and abort, and replay.

use bytes::Bytes;
use dcos_auth::Request;
use serde_json::{Value, json};

use crate::builds::FORM;
use crate::client::JenkinsClient;
use crate::error::{Error, Result};
use crate::models::{
    JobDescription, NodeLog, PendingInputAction, RunDescription, StageNode, WfArtifact,
};
use crate::path::{JobPath, rebase};

/// Pipeline runs through the stage view API. Made by
/// [`JenkinsClient::pipeline`]. Needs the `pipeline-stage-view` plugin.
#[derive(Debug, Clone, Copy)]
pub struct Pipeline<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// Pipeline runs: stages, step logs, pending inputs, replay.
    pub fn pipeline(&self) -> Pipeline<'_> {
        Pipeline { client: self }
    }
}

impl Pipeline<'_> {
    /// The job: its name and run count (`GET job/…/wfapi/describe`).
    pub async fn job(&self, job: &JobPath) -> Result<JobDescription> {
        self.get(job.endpoint(["wfapi", "describe"])).await
    }

    /// The job's recent runs with their stages (`GET job/…/wfapi/runs`).
    pub async fn runs(&self, job: &JobPath) -> Result<Vec<RunDescription>> {
        self.get(job.endpoint(["wfapi", "runs"])).await
    }

    /// A run and its stages, with statuses (`FAILED`, `IN_PROGRESS`,
    /// `PAUSED_PENDING_INPUT`…) and durations:
    /// `GET job/…/<n>/wfapi/describe`.
    pub async fn describe(&self, job: &JobPath, build: u64) -> Result<RunDescription> {
        self.get(job.endpoint([build.to_string(), "wfapi".into(), "describe".into()]))
            .await
    }

    /// A stage (or step) and its steps:
    /// `GET job/…/<n>/execution/node/<id>/wfapi/describe`.
    pub async fn node(&self, job: &JobPath, build: u64, node_id: &str) -> Result<StageNode> {
        self.get(node_endpoint(job, build, node_id, "describe"))
            .await
    }

    /// The log of one step: `GET job/…/<n>/execution/node/<id>/wfapi/log`.
    pub async fn node_log(&self, job: &JobPath, build: u64, node_id: &str) -> Result<NodeLog> {
        self.get(node_endpoint(job, build, node_id, "log")).await
    }

    /// The logs of every step of a stage, in order: the stage's
    /// [`node`](Self::node), then each step's [`node_log`](Self::node_log).
    pub async fn stage_log(&self, job: &JobPath, build: u64, stage_id: &str) -> Result<String> {
        let stage = self.node(job, build, stage_id).await?;
        let mut text = String::new();
        for step in stage.stage_flow_nodes.iter().flatten() {
            let log = self.node_log(job, build, &step.id).await?;
            text.push_str(log.text.as_deref().unwrap_or_default());
        }
        Ok(text)
    }

    /// The run's artifacts with their sizes: `GET job/…/<n>/wfapi/artifacts`.
    /// Their `url`s are paths from the server root; download them with
    /// [`Builds::download_artifact`](crate::Builds::download_artifact) and
    /// the artifact's `path`.
    pub async fn artifacts(&self, job: &JobPath, build: u64) -> Result<Vec<WfArtifact>> {
        self.get(job.endpoint([build.to_string(), "wfapi".into(), "artifacts".into()]))
            .await
    }

    /// The `input` steps waiting for an answer:
    /// `GET job/…/<n>/wfapi/pendingInputActions`.
    pub async fn pending_inputs(
        &self,
        job: &JobPath,
        build: u64,
    ) -> Result<Vec<PendingInputAction>> {
        self.get(job.endpoint([
            build.to_string(),
            "wfapi".into(),
            "pendingInputActions".into(),
        ]))
        .await
    }

    /// Answers an `input` step with "proceed".
    ///
    /// Without parameters this POSTs the action's `proceedUrl`, rebased onto
    /// the client's base (`…/input/<id>/proceedEmpty`, or the stage view's
    /// `wfapi/inputSubmit?inputId=<id>`). With parameters it POSTs
    /// `…/input/<id>/proceed` with the form field `json` =
    /// `{"parameter":[{"name":…,"value":…}]}`, as the input page does.
    pub async fn proceed(
        &self,
        action: &PendingInputAction,
        params: &[(&str, Value)],
    ) -> Result<()> {
        let parameter: Vec<Value> = params
            .iter()
            .map(|(name, value)| json!({"name": name, "value": value}))
            .collect();
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("json", &json!({ "parameter": parameter }).to_string())
            .append_pair(
                "proceed",
                action.proceed_text.as_deref().unwrap_or("Proceed"),
            )
            .finish();
        let segments = if params.is_empty() {
            self.action_url(action, action.proceed_url.as_deref(), "proceedUrl")?
        } else {
            // `…/input/<id>/abort` → `…/input/<id>/proceed`.
            let mut segments = self.action_url(action, action.abort_url.as_deref(), "abortUrl")?;
            segments.pop();
            segments.push("proceed".to_owned());
            segments
        };
        let request = with_query(Request::post(segments.0), segments.1).body(form, FORM);
        self.client.post(request).await?;
        Ok(())
    }

    /// Answers an `input` step with "abort": POSTs its `abortUrl`, rebased.
    /// The run then ends as `ABORTED`.
    pub async fn abort(&self, action: &PendingInputAction) -> Result<()> {
        let segments = self.action_url(action, action.abort_url.as_deref(), "abortUrl")?;
        let request = with_query(Request::post(segments.0), segments.1).body(Bytes::new(), FORM);
        self.client.post(request).await?;
        Ok(())
    }

    /// Replays a run with a changed main script: `POST job/…/<n>/replay/run`
    /// with the form field `json` = `{"mainScript": …, "_.sandbox": true}`
    /// (the Replay page's form). Loaded scripts are kept as they were. Returns
    /// nothing: the new run is the job's next build.
    pub async fn replay(&self, job: &JobPath, build: u64, main_script: &str) -> Result<()> {
        let form = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("mainScript", main_script)
            .append_pair(
                "json",
                &json!({ "mainScript": main_script, "_.sandbox": true }).to_string(),
            )
            .finish();
        let request =
            Request::post(job.endpoint([build.to_string(), "replay".into(), "run".into()]))
                .body(form, FORM);
        self.client.post(request).await?;
        Ok(())
    }

    async fn get<T: serde::de::DeserializeOwned>(&self, segments: Vec<String>) -> Result<T> {
        self.client.json(Request::get(segments)).await
    }

    /// The segments and query of an action URL, rebased onto our base.
    fn action_url(
        &self,
        action: &PendingInputAction,
        url: Option<&str>,
        field: &str,
    ) -> Result<Segments> {
        let url = url.ok_or_else(|| {
            Error::Protocol(format!("the pending input {:?} has no {field}", action.id))
        })?;
        let rebased = rebase(self.client.base(), url)?;
        let query: Vec<(String, String)> = rebased
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        let mut segments = rebased.segments;
        if segments.last().is_some_and(String::is_empty) {
            segments.pop();
        }
        Ok(Segments(segments, query))
    }
}

/// Request segments plus query pairs.
struct Segments(Vec<String>, Vec<(String, String)>);

impl Segments {
    fn pop(&mut self) -> Option<String> {
        self.0.pop()
    }

    fn push(&mut self, segment: String) {
        self.0.push(segment);
    }
}

fn with_query(mut request: Request, query: Vec<(String, String)>) -> Request {
    for (k, v) in query {
        request = request.query(k, v);
    }
    request
}

fn node_endpoint(job: &JobPath, build: u64, node_id: &str, what: &str) -> Vec<String> {
    job.endpoint([
        build.to_string(),
        "execution".into(),
        "node".into(),
        node_id.to_owned(),
        "wfapi".into(),
        what.to_owned(),
    ])
}
