//! [`Builds`]: triggering builds and reading them: info, the permalinks,
//! stop, term and kill, delete, artifacts, the test report, and waiting for
//! a build to finish.

mod location;
mod params;
mod selector;
mod wait;

use std::time::Duration;

use bytes::Bytes;
use dcos_auth::Request;
use dcos_auth::http::StatusCode;
use futures_util::StreamExt;
use tokio::io::{AsyncWrite, AsyncWriteExt};

use crate::client::{JenkinsClient, api_error};
use crate::error::{Error, Result};
use crate::models::{Artifact, Build, BuildList, BuildRef, TestReport};
use crate::path::JobPath;
use crate::tree::Tree;

pub use location::queue_id_from_location;
pub use params::{BuildParams, ParamValue};
pub use selector::BuildSelector;
pub use wait::{BuildWait, require_success};

/// The content type of form posts.
pub(crate) const FORM: &str = "application/x-www-form-urlencoded";

/// Builds of jobs. Made by [`JenkinsClient::builds`].
#[derive(Debug, Clone, Copy)]
pub struct Builds<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// Builds: trigger, read, stop, delete, artifacts, test reports, waits.
    pub fn builds(&self) -> Builds<'_> {
        Builds { client: self }
    }
}

/// How to trigger a build. Built with [`Builds::trigger`].
#[derive(Debug, Clone)]
#[must_use = "a trigger does nothing until `send` is awaited"]
pub struct Trigger<'a> {
    client: &'a JenkinsClient,
    job: JobPath,
    params: BuildParams,
    with_parameters: bool,
    quiet_period: Duration,
    cause: Option<String>,
}

impl Trigger<'_> {
    /// The parameters. Any parameter makes the trigger use
    /// `buildWithParameters`.
    pub fn params(mut self, params: BuildParams) -> Self {
        self.params = params;
        self
    }

    /// Uses `buildWithParameters` even with no parameters given, so that a
    /// parameterized job builds with its defaults (its `build` endpoint wants
    /// a form submission).
    pub fn parameterized(mut self) -> Self {
        self.with_parameters = true;
        self
    }

    /// The quiet period before the build may start; `0` by default
    /// (`delay=0sec`), where Jenkins' own default is the job's or 5 s.
    pub fn quiet_period(mut self, period: Duration) -> Self {
        self.quiet_period = period;
        self
    }

    /// A note for the remote cause (`cause=`), shown as "Started by remote
    /// host … with note: …" where the job has an authentication token.
    pub fn cause(mut self, note: impl Into<String>) -> Self {
        self.cause = Some(note.into());
        self
    }

    /// The request this trigger sends: `POST job/…/build` or
    /// `job/…/buildWithParameters`, with `delay=<n>sec` in the query and the
    /// parameters in a form (or multipart, with a file) body.
    pub fn request(&self) -> Request {
        let parameterized = self.with_parameters || !self.params.is_empty();
        let endpoint = if parameterized {
            "buildWithParameters"
        } else {
            "build"
        };
        let request = Request::post(self.job.endpoint([endpoint]))
            .query("delay", format!("{}sec", self.quiet_period.as_secs()))
            .query_opt("cause", self.cause.as_deref());
        match self.params.form_body() {
            Some(form) => request.body(form, FORM),
            None => {
                let (body, content_type) = self.params.multipart_body();
                match dcos_auth::http::HeaderValue::from_str(&content_type) {
                    Ok(value) => request
                        .body(body, "multipart/form-data")
                        .header(dcos_auth::http::header::CONTENT_TYPE, value),
                    // The boundary is ASCII hex: this cannot fail.
                    Err(_) => request.body(body, "multipart/form-data"),
                }
            }
        }
    }

    /// Triggers the build and returns the id of its queue item.
    ///
    /// Jenkins answers `201 Created` with `Location: …/queue/item/N/`; 302
    /// and 303 with such a `Location` are accepted too. Only the path of
    /// `Location` is read (its host is often wrong behind a proxy). Identical
    /// triggers of a job already in the queue are merged by Jenkins and give
    /// the same id. A disabled job is [`Error::JobDisabled`] (409).
    pub async fn send(self) -> Result<u64> {
        let response = self.client.post_raw(self.request()).await?;
        let status = response.status;
        if status == StatusCode::CONFLICT {
            return Err(Error::JobDisabled {
                source: Box::new(api_error(response)),
            });
        }
        if !(status.is_success() || status.is_redirection()) {
            return Err(Error::from_http(api_error(response)));
        }
        let location = response.header("Location").unwrap_or_default();
        queue_id_from_location(location).ok_or_else(|| {
            Error::Protocol(format!(
                "the trigger of {} answered {status} without a queue item in Location ({location:?}): \
                 no item was created",
                self.job
            ))
        })
    }
}

impl Trigger<'_> {
    /// Triggers the build, waits for it to start
    /// ([`BuildQueue::wait_for_start`](crate::BuildQueue::wait_for_start),
    /// with the job for the expiry fallback) and to finish
    /// ([`Builds::wait_for_completion`]), and returns it, whatever its
    /// result: check it with [`require_success`]. `wait` sets the polls and
    /// the time-out of each of the two waits.
    pub async fn run(self, wait: &BuildWait) -> Result<Build> {
        let client = self.client;
        let job = self.job.clone();
        let queue_id = self.send().await?;
        let started = client
            .queue()
            .wait_for_start(queue_id, Some(&job), wait)
            .await?;
        client
            .builds()
            .wait_for_completion(&job, started.number, wait)
            .await
    }
}

/// The fields [`Builds::get`] asks for.
pub fn build_tree() -> Tree {
    let cause = Tree::new().fields([
        "_class",
        "shortDescription",
        "userId",
        "userName",
        "upstreamProject",
        "upstreamBuild",
        "upstreamUrl",
        "addr",
        "note",
    ]);
    let action = Tree::new()
        .field("_class")
        .nested("causes", cause)
        .nested(
            "parameters",
            Tree::new().fields(["_class", "name", "value"]),
        )
        .fields(["failCount", "skipCount", "totalCount", "urlName"]);
    let user = Tree::new().fields(["fullName", "absoluteUrl"]);
    let item = Tree::new()
        .fields([
            "_class",
            "commitId",
            "id",
            "timestamp",
            "authorEmail",
            "comment",
            "msg",
            "date",
            "affectedPaths",
        ])
        .nested("author", user.clone())
        .nested("paths", Tree::new().fields(["editType", "file"]));
    let change_set = Tree::new().fields(["_class", "kind"]).nested("items", item);
    let build_ref = Tree::new().fields(["number", "url"]);
    Tree::new()
        .fields([
            "_class",
            "number",
            "id",
            "url",
            "result",
            "building",
            "inProgress",
            "duration",
            "estimatedDuration",
            "timestamp",
            "displayName",
            "fullDisplayName",
            "description",
            "builtOn",
            "queueId",
            "keepLog",
        ])
        .nested("actions", action)
        .nested_range("artifacts", artifact_tree(), 0..1000)
        .nested("changeSet", change_set.clone())
        .nested("changeSets", change_set)
        .nested("culprits", user)
        .nested("previousBuild", build_ref.clone())
        .nested("nextBuild", build_ref)
}

fn artifact_tree() -> Tree {
    Tree::new().fields(["displayPath", "fileName", "relativePath"])
}

/// The most builds [`Builds::find_by_queue_id`] looks through: Jenkins sends
/// about 100 in `builds` anyway.
pub const BUILDS_SEARCHED: u32 = 100;

impl<'a> Builds<'a> {
    /// A trigger of `job`, sent with [`Trigger::send`].
    ///
    /// ```no_run
    /// # async fn run(jenkins: jenkins_client::JenkinsClient) -> jenkins_client::Result<()> {
    /// use jenkins_client::{BuildParams, JobPath};
    /// let job = JobPath::parse("team/app")?;
    /// let queue_id = jenkins
    ///     .builds()
    ///     .trigger(&job)
    ///     .params(BuildParams::new().string("TAG", "1.2.3").bool("PUSH", true))
    ///     .send()
    ///     .await?;
    /// # let _ = queue_id; Ok(()) }
    /// ```
    pub fn trigger(&self, job: &JobPath) -> Trigger<'a> {
        Trigger {
            client: self.client,
            job: job.clone(),
            params: BuildParams::new(),
            with_parameters: false,
            quiet_period: Duration::ZERO,
            cause: None,
        }
    }

    /// A build, with the fields of [`build_tree`]. 404 is
    /// [`Error::NotFound`] (also for a permalink with no build yet).
    pub async fn get(&self, job: &JobPath, build: impl Into<BuildSelector>) -> Result<Build> {
        self.get_with(job, build, &build_tree()).await
    }

    /// A build, or `None` on 404: say, `LastFailed` of a job that never
    /// failed.
    pub async fn get_opt(
        &self,
        job: &JobPath,
        build: impl Into<BuildSelector>,
    ) -> Result<Option<Build>> {
        not_found_as_none(self.get(job, build).await)
    }

    /// A build with the fields `tree` selects.
    pub async fn get_with(
        &self,
        job: &JobPath,
        build: impl Into<BuildSelector>,
        tree: &Tree,
    ) -> Result<Build> {
        let build = build.into();
        self.client
            .json(
                Request::get(job.endpoint([build.segment(), "api".into(), "json".into()]))
                    .query("tree", tree),
            )
            .await
    }

    /// The newest build, running or not.
    pub async fn last(&self, job: &JobPath) -> Result<Option<Build>> {
        self.get_opt(job, BuildSelector::Last).await
    }

    /// The newest successful (or unstable) build.
    pub async fn last_successful(&self, job: &JobPath) -> Result<Option<Build>> {
        self.get_opt(job, BuildSelector::LastSuccessful).await
    }

    /// The newest failed build.
    pub async fn last_failed(&self, job: &JobPath) -> Result<Option<Build>> {
        self.get_opt(job, BuildSelector::LastFailed).await
    }

    /// The job's recent builds as `{number, queueId, url}`, newest first, at
    /// most [`BUILDS_SEARCHED`].
    pub async fn list(&self, job: &JobPath) -> Result<Vec<BuildRef>> {
        let tree = Tree::new().nested_range(
            "builds",
            Tree::new().fields(["number", "queueId", "url"]),
            0..BUILDS_SEARCHED,
        );
        let list: BuildList = self
            .client
            .json(Request::get(job.endpoint(["api", "json"])).query("tree", tree))
            .await?;
        Ok(list.builds.unwrap_or_default())
    }

    /// The build started by queue item `queue_id`, if one of the job's recent
    /// builds has it: how a queue item is traced once it has expired.
    pub async fn find_by_queue_id(&self, job: &JobPath, queue_id: u64) -> Result<Option<BuildRef>> {
        Ok(self
            .list(job)
            .await?
            .into_iter()
            .find(|b| b.queue_id == Some(queue_id)))
    }

    /// Aborts a running build, as the stop button does: `POST …/<n>/stop`.
    /// A Pipeline gets the chance to run its `post` steps.
    pub async fn stop(&self, job: &JobPath, build: u64) -> Result<()> {
        self.post_build(job, build, "stop").await
    }

    /// Terminates a Pipeline that did not stop: `POST …/<n>/term`
    /// (interrupts its steps without waiting for them).
    pub async fn term(&self, job: &JobPath, build: u64) -> Result<()> {
        self.post_build(job, build, "term").await
    }

    /// Kills a Pipeline that did not terminate: `POST …/<n>/kill` (ends it
    /// at once, without clean-up).
    pub async fn kill(&self, job: &JobPath, build: u64) -> Result<()> {
        self.post_build(job, build, "kill").await
    }

    /// Deletes a build: `POST …/<n>/doDelete`. A build kept forever
    /// (`keepLog`) cannot be deleted (Jenkins answers 400 or 403).
    pub async fn delete(&self, job: &JobPath, build: u64) -> Result<()> {
        self.post_build(job, build, "doDelete").await
    }

    async fn post_build(&self, job: &JobPath, build: u64, action: &str) -> Result<()> {
        let request = Request::post(job.endpoint([build.to_string(), action.to_owned()]))
            .body(Bytes::new(), FORM);
        self.client.post(request).await?;
        Ok(())
    }

    /// The build's archived artifacts (at most 10,000).
    pub async fn artifacts(
        &self,
        job: &JobPath,
        build: impl Into<BuildSelector>,
    ) -> Result<Vec<Artifact>> {
        let tree = Tree::new().nested_range("artifacts", artifact_tree(), 0..10_000);
        Ok(self
            .get_with(job, build, &tree)
            .await?
            .artifacts
            .unwrap_or_default())
    }

    /// Downloads the artifact at `relative_path` (an [`Artifact`]'s
    /// `relativePath`, `/`-separated) into `out`, as it arrives, and returns
    /// how many bytes were written. Nothing is held whole in memory.
    pub async fn download_artifact<W>(
        &self,
        job: &JobPath,
        build: impl Into<BuildSelector>,
        relative_path: &str,
        out: &mut W,
    ) -> Result<u64>
    where
        W: AsyncWrite + Unpin + ?Sized,
    {
        if relative_path
            .split('/')
            .any(|s| s.is_empty() || s == "." || s == "..")
        {
            return Err(Error::InvalidRequest(format!(
                "{relative_path:?} is not an artifact path"
            )));
        }
        let mut segments = job.endpoint([build.into().segment(), "artifact".to_owned()]);
        segments.extend(relative_path.split('/').map(str::to_owned));
        let mut stream = self
            .client
            .core()
            .stream(Request::get(segments).accept("*/*"))
            .await
            .map_err(Error::from_http)?;
        let mut written = 0u64;
        while let Some(chunk) = stream.next().await {
            let chunk = chunk?;
            out.write_all(&chunk)
                .await
                .map_err(|e| write_error(relative_path, e))?;
            written += chunk.len() as u64;
        }
        out.flush()
            .await
            .map_err(|e| write_error(relative_path, e))?;
        Ok(written)
    }

    /// The build's test report, or `None` when it recorded none (404).
    pub async fn test_report(
        &self,
        job: &JobPath,
        build: impl Into<BuildSelector>,
    ) -> Result<Option<TestReport>> {
        let tree = Tree::new()
            .fields([
                "_class",
                "duration",
                "empty",
                "failCount",
                "passCount",
                "skipCount",
            ])
            .nested(
                "suites",
                Tree::new()
                    .fields([
                        "name",
                        "id",
                        "duration",
                        "timestamp",
                        "stdout",
                        "stderr",
                        "nodeId",
                        "enclosingBlockNames",
                    ])
                    .nested(
                        "cases",
                        Tree::new().fields([
                            "className",
                            "name",
                            "status",
                            "duration",
                            "age",
                            "failedSince",
                            "skipped",
                            "skippedMessage",
                            "errorDetails",
                            "errorStackTrace",
                            "stdout",
                            "stderr",
                        ]),
                    ),
            );
        let request = Request::get(job.endpoint([
            build.into().segment(),
            "testReport".into(),
            "api".into(),
            "json".into(),
        ]))
        .query("tree", tree);
        not_found_as_none(self.client.json(request).await)
    }
}

fn write_error(relative_path: &str, e: std::io::Error) -> Error {
    Error::Io {
        what: format!("writing the artifact {relative_path:?} failed"),
        source: std::sync::Arc::new(e),
    }
}

/// `Ok(None)` for [`Error::NotFound`].
pub(crate) fn not_found_as_none<T>(result: Result<T>) -> Result<Option<T>> {
    match result {
        Ok(v) => Ok(Some(v)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::client::JenkinsAuth;

    fn url(trigger: &Trigger<'_>, client: &JenkinsClient) -> String {
        client.core().url(&trigger.request()).unwrap().to_string()
    }

    #[test]
    fn trigger_requests_are_built_without_a_server() {
        let client = JenkinsClient::direct(
            "https://dcos.example.com/service/jenkins",
            JenkinsAuth::api_token("ci", "t"),
        )
        .unwrap();
        let job = JobPath::parse("team/feature%2Fx").unwrap();
        let plain = client.builds().trigger(&job);
        assert_eq!(
            url(&plain, &client),
            "https://dcos.example.com/service/jenkins/job/team/job/feature%252Fx/build?delay=0sec"
        );
        let with = client
            .builds()
            .trigger(&job)
            .params(BuildParams::new().password("PW", "s3cr3t"))
            .quiet_period(Duration::from_secs(3))
            .cause("cd");
        assert_eq!(
            url(&with, &client),
            "https://dcos.example.com/service/jenkins/job/team/job/feature%252Fx/buildWithParameters?delay=3sec&cause=cd"
        );
        assert_eq!(with.request().method(), &dcos_auth::http::Method::POST);
        let shown = format!("{with:?}");
        assert!(
            shown.contains("Password(***)") && !shown.contains("s3cr3t"),
            "{shown}"
        );
    }
}
