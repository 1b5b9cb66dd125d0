//! [`Jobs`]: jobs and folders: list, get, create from `config.xml`, read and
//! update `config.xml`, copy, rename, enable, disable, delete, and the
//! multibranch scan.

use bytes::Bytes;
use dcos_auth::Request;
use serde::de::DeserializeOwned;

use crate::client::JenkinsClient;
use crate::config_xml::{JobConfig, needs_update};
use crate::error::{Error, Result};
use crate::models::{Job, JobList, JobSummary};
use crate::path::{JobPath, endpoint_in};
use crate::tree::Tree;

/// The `mode` of `createItem` that makes a folder (CloudBees Folders plugin).
pub const FOLDER_MODE: &str = "com.cloudbees.hudson.plugins.folder.Folder";

/// The content type Jenkins reads `config.xml` bodies as.
const XML: &str = "application/xml";

/// How many jobs one list request asks for (`jobs[…]{start,start+PAGE}`).
pub const LIST_PAGE: u32 = 100;

/// How many builds, and how many jobs of a folder, [`Jobs::get`] asks for.
pub const GET_RANGE: u32 = 100;

/// The fields of a job in a list.
fn summary_tree() -> Tree {
    Tree::new().fields(["_class", "name", "fullName", "url", "color"])
}

/// The fields [`Jobs::get`] asks for: the common, project and folder fields,
/// with every list ranged.
pub fn job_tree() -> Tree {
    let build = || Tree::new().fields(["_class", "number", "url", "displayName"]);
    let mut tree = Tree::new()
        .fields([
            "_class",
            "name",
            "fullName",
            "displayName",
            "fullDisplayName",
            "description",
            "url",
            "color",
            "buildable",
            "disabled",
            "inQueue",
            "nextBuildNumber",
            "concurrentBuild",
        ])
        .nested_range(
            "builds",
            build().fields(["building", "result", "timestamp", "queueId"]),
            0..GET_RANGE,
        );
    for name in [
        "firstBuild",
        "lastBuild",
        "lastCompletedBuild",
        "lastFailedBuild",
        "lastStableBuild",
        "lastSuccessfulBuild",
        "lastUnstableBuild",
        "lastUnsuccessfulBuild",
    ] {
        tree = tree.nested(name, build());
    }
    tree.nested(
        "healthReport",
        Tree::new().fields(["description", "score", "iconClassName", "iconUrl"]),
    )
    .nested(
        "property",
        Tree::new().field("_class").nested(
            "parameterDefinitions",
            Tree::new()
                .fields(["_class", "name", "type", "description", "choices"])
                .nested(
                    "defaultParameterValue",
                    Tree::new().fields(["_class", "name", "value"]),
                ),
        ),
    )
    .nested(
        "queueItem",
        Tree::new().fields([
            "_class",
            "id",
            "why",
            "blocked",
            "buildable",
            "stuck",
            "inQueueSince",
            "url",
        ]),
    )
    .nested_range("jobs", summary_tree(), 0..GET_RANGE)
    .nested("views", Tree::new().fields(["_class", "name", "url"]))
    .nested("primaryView", Tree::new().fields(["_class", "name", "url"]))
}

/// What [`Jobs::upsert`] or [`Jobs::apply`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Upsert {
    /// The job did not exist (for these credentials) and was created.
    Created,
    /// The job existed and its `config.xml` was replaced.
    Updated,
    /// The job existed with exactly this `config.xml`; nothing was sent.
    Unchanged,
}

/// Names a 400 "already exists" answer to a create.
fn already_exists(path: &JobPath, err: Error) -> Error {
    let taken = err.status().is_some_and(|s| s.as_u16() == 400)
        && err
            .body()
            .is_some_and(|b| b.text().to_ascii_lowercase().contains("already exists"));
    match err {
        Error::Http(source) if taken => Error::AlreadyExists {
            path: path.full_name(),
            source: Box::new(source),
        },
        other => other,
    }
}

/// Jobs and folders. Made by [`JenkinsClient::jobs`].
#[derive(Debug, Clone, Copy)]
pub struct Jobs<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// Jobs and folders.
    pub fn jobs(&self) -> Jobs<'_> {
        Jobs { client: self }
    }
}

impl Jobs<'_> {
    /// Every job in the root (`None`) or in a folder, one level deep:
    /// `GET [job/…/]api/json?tree=jobs[_class,name,fullName,url,color]{0,100}`,
    /// then the next pages (`{100,200}`…) until one comes back short, so
    /// no job is left out and no request is unbounded. Walk into folders
    /// with [`JobSummary::kind`] and another `list`.
    pub async fn list(&self, folder: Option<&JobPath>) -> Result<Vec<JobSummary>> {
        let mut jobs: Vec<JobSummary> = Vec::new();
        let mut start = 0;
        loop {
            let page = self.list_page(folder, start, start + LIST_PAGE).await?;
            let got = page.len();
            // A server that ignores ranges sends everything every time.
            let repeated =
                start > 0 && page.first().map(|j| &j.name) == jobs.first().map(|j| &j.name);
            if repeated {
                break;
            }
            jobs.extend(page);
            if got != LIST_PAGE as usize {
                break;
            }
            start += LIST_PAGE;
        }
        Ok(jobs)
    }

    /// One page of [`list`](Self::list): the jobs `start..end` (end excluded).
    pub async fn list_page(
        &self,
        folder: Option<&JobPath>,
        start: u32,
        end: u32,
    ) -> Result<Vec<JobSummary>> {
        let tree = Tree::new()
            .field("_class")
            .nested_range("jobs", summary_tree(), start..end);
        let list: JobList = self
            .client
            .json(Request::get(endpoint_in(folder, ["api", "json"])).query("tree", tree))
            .await?;
        Ok(list.jobs)
    }

    /// The job, folder or multibranch project at `path`, sorted by its
    /// `_class`: `GET job/…/api/json?tree=…` with [`job_tree`] (the last
    /// 100 builds, the first 100 jobs of a folder; [`list`](Self::list)
    /// pages through all of them). A 404 is [`Error::NotFound`]: the job is
    /// absent or the credentials may not read it.
    pub async fn get(&self, path: &JobPath) -> Result<Job> {
        self.get_as(path, &job_tree()).await
    }

    /// Like [`get`](Self::get), but `Ok(None)` on a 404 (absent or not
    /// readable).
    pub async fn get_opt(&self, path: &JobPath) -> Result<Option<Job>> {
        match self.get(path).await {
            Ok(job) => Ok(Some(job)),
            Err(err) if err.is_not_found() => Ok(None),
            Err(err) => Err(err),
        }
    }

    /// The job decoded as `T` with a `tree=` of your own, for fields
    /// [`job_tree`] does not ask for.
    pub async fn get_as<T: DeserializeOwned>(&self, path: &JobPath, tree: &Tree) -> Result<T> {
        self.client
            .json(Request::get(path.endpoint(["api", "json"])).query("tree", tree))
            .await
    }

    /// Whether the job can be seen: `GET job/…/api/json?tree=_class` answers
    /// 200 (`true`) or 404 (`false`).
    ///
    /// **A `false` is not proof that the name is free.** Jenkins answers 404
    /// to a user without `Item/Read` on the job (and 403 only to one with
    /// `Item/Discover`), so a job hidden from these credentials looks absent.
    /// Creating it then fails with 400 "already exists"; treat that as a
    /// conflict, not as a bug.
    pub async fn exists(&self, path: &JobPath) -> Result<bool> {
        let tree = Tree::new().field("_class");
        match self.get_as::<serde_json::Value>(path, &tree).await {
            Ok(_) => Ok(true),
            Err(err) if err.is_not_found() => Ok(false),
            Err(err) => Err(err),
        }
    }

    /// Creates the job `path` (in the root or in its folder) from a
    /// `config.xml`: `POST <folder>/createItem?name=<name>` with
    /// `Content-Type: application/xml`. A taken name is
    /// [`Error::AlreadyExists`]; Jenkins answers other bad requests (XML that
    /// is not a job, a name with `?*/\%!@#$^&|<>[]:;`) with 400 too, kept as
    /// [`Error::Http`].
    pub async fn create(&self, path: &JobPath, config_xml: impl Into<Bytes>) -> Result<()> {
        let request = Request::post(endpoint_in(path.parent().as_ref(), ["createItem"]))
            .query("name", path.name())
            .body(config_xml, XML);
        self.client
            .post(request)
            .await
            .map_err(|err| already_exists(path, err))?;
        Ok(())
    }

    /// Creates the job from `config_xml`, or replaces the `config.xml` of
    /// the job already there, and says which it did.
    ///
    /// It reads the job's `config.xml` first: a 404 there means absent *or
    /// hidden*, so it then creates the job, and a hidden job surfaces as
    /// [`Error::AlreadyExists`] rather than being taken for a free name. When
    /// the stored `config.xml` is byte-for-byte `config_xml`, nothing is
    /// sent ([`Upsert::Unchanged`]).
    pub async fn upsert(&self, path: &JobPath, config_xml: impl Into<Bytes>) -> Result<Upsert> {
        let config_xml = config_xml.into();
        match self.config(path).await {
            Ok(current) if current.as_bytes() == config_xml.as_ref() => Ok(Upsert::Unchanged),
            Ok(_) => {
                self.update_config(path, config_xml).await?;
                Ok(Upsert::Updated)
            }
            Err(err) if err.is_not_found() => {
                self.create(path, config_xml).await?;
                Ok(Upsert::Created)
            }
            Err(err) => Err(err),
        }
    }

    /// Creates the folder `path` (in the root or in its parent folder):
    /// `POST <folder>/createItem?name=<name>&mode=com.cloudbees.hudson.plugins.folder.Folder`.
    /// Needs the Folders plugin. To create a folder with a configuration of
    /// its own, [`create`](Self::create) it from a folder `config.xml`.
    pub async fn create_folder(&self, path: &JobPath) -> Result<()> {
        let request = Request::post(endpoint_in(path.parent().as_ref(), ["createItem"]))
            .query("name", path.name())
            .query("mode", FOLDER_MODE)
            .body(Bytes::new(), "application/x-www-form-urlencoded");
        self.client
            .post(request)
            .await
            .map_err(|err| already_exists(path, err))?;
        Ok(())
    }

    /// Brings the job at `path` to the configuration `desired`: creates it
    /// when its `config.xml` answers 404, replaces the `config.xml` when a
    /// field the builders manage differs
    /// ([`needs_update`](crate::config_xml::needs_update): formatting and
    /// elements the builders do not manage do not count), and sends nothing
    /// otherwise. Like [`upsert`](Self::upsert), a job hidden from these
    /// credentials surfaces as [`Error::AlreadyExists`].
    pub async fn apply(&self, path: &JobPath, desired: &JobConfig) -> Result<Upsert> {
        let xml = desired.to_xml()?;
        match self.config(path).await {
            Ok(current) => {
                if needs_update(desired, &current)? {
                    self.update_config(path, xml).await?;
                    Ok(Upsert::Updated)
                } else {
                    Ok(Upsert::Unchanged)
                }
            }
            Err(err) if err.is_not_found() => {
                self.create(path, xml).await?;
                Ok(Upsert::Created)
            }
            Err(err) => Err(err),
        }
    }

    /// Makes sure the folder `path` and every folder above it exist,
    /// creating the missing ones from the top down. Returns how many it
    /// created. A folder that exists but is hidden from these credentials
    /// fails its create with [`Error::AlreadyExists`].
    pub async fn ensure_folders(&self, path: &JobPath) -> Result<usize> {
        let mut created = 0;
        let mut names = Vec::with_capacity(path.names().len());
        for name in path.names() {
            names.push(name.clone());
            let folder = JobPath::from_names(names.clone())?;
            if !self.exists(&folder).await? {
                self.create_folder(&folder).await?;
                created += 1;
            }
        }
        Ok(created)
    }

    /// The job's `config.xml`, as Jenkins stores it (often XML 1.1 or
    /// with a `version='1.1'` header).
    pub async fn config(&self, path: &JobPath) -> Result<String> {
        let response = self
            .client
            .execute(Request::get(path.endpoint(["config.xml"])).accept("application/xml"))
            .await?;
        String::from_utf8(response.body.to_vec())
            .map_err(|_| Error::Protocol(format!("the config.xml of {path} is not UTF-8")))
    }

    /// Replaces the job's `config.xml`: `POST job/…/config.xml`.
    pub async fn update_config(&self, path: &JobPath, config_xml: impl Into<Bytes>) -> Result<()> {
        let request = Request::post(path.endpoint(["config.xml"])).body(config_xml, XML);
        self.client.post(request).await?;
        Ok(())
    }

    /// Deletes the job, or the folder and everything in it: `POST doDelete`.
    pub async fn delete(&self, path: &JobPath) -> Result<()> {
        self.form_post(path.endpoint(["doDelete"])).await
    }

    /// Enables a disabled job: `POST enable`.
    pub async fn enable(&self, path: &JobPath) -> Result<()> {
        self.form_post(path.endpoint(["enable"])).await
    }

    /// Disables the job, so that triggers are refused with 409: `POST disable`.
    pub async fn disable(&self, path: &JobPath) -> Result<()> {
        self.form_post(path.endpoint(["disable"])).await
    }

    /// Copies the job `from` to `to`:
    /// `POST <to's folder>/createItem?name=<to's name>&mode=copy&from=<from>`.
    /// `from` is sent by its name when both are in the same folder, else by
    /// its absolute full name (`/team/app`). Jenkins creates copies disabled
    /// until they are saved once; [`enable`](Self::enable) the copy to build
    /// it.
    pub async fn copy(&self, from: &JobPath, to: &JobPath) -> Result<()> {
        let source = if from.parent() == to.parent() {
            from.name().to_owned()
        } else {
            format!("/{from}")
        };
        let request = Request::post(endpoint_in(to.parent().as_ref(), ["createItem"]))
            .query("name", to.name())
            .query("mode", "copy")
            .query("from", source)
            .body(Bytes::new(), "application/x-www-form-urlencoded");
        self.client
            .post(request)
            .await
            .map_err(|err| already_exists(to, err))?;
        Ok(())
    }

    /// Renames the job or folder within its folder:
    /// `POST confirmRename?newName=<name>` (Jenkins 2.110 and later, for
    /// jobs and folders alike), or on a 404 from an older server the
    /// deprecated `POST doRename?newName=<name>`. Returns the new path.
    /// Jenkins refuses to rename a job while it builds.
    pub async fn rename(&self, path: &JobPath, new_name: &str) -> Result<JobPath> {
        let renamed = match path.parent() {
            Some(parent) => parent.child(new_name)?,
            None => JobPath::from_names([new_name])?,
        };
        let request = |action: &str| {
            Request::post(path.endpoint([action]))
                .query("newName", new_name)
                .body(Bytes::new(), "application/x-www-form-urlencoded")
        };
        match self.client.post(request("confirmRename")).await {
            Err(err) if err.is_not_found() => {
                tracing::debug!(job = %path, "no confirmRename (Jenkins before 2.110): using doRename");
                self.client.post(request("doRename")).await?;
            }
            result => {
                result?;
            }
        }
        Ok(renamed)
    }

    /// Starts a scan of a multibranch project (or an organisation folder):
    /// `POST build?delay=0` on the project, which indexes its branches and
    /// creates, updates or removes their jobs.
    pub async fn scan(&self, path: &JobPath) -> Result<()> {
        let request = Request::post(path.endpoint(["build"]))
            .query("delay", "0")
            .body(Bytes::new(), "application/x-www-form-urlencoded");
        self.client.post(request).await?;
        Ok(())
    }

    async fn form_post(&self, segments: Vec<String>) -> Result<()> {
        let request =
            Request::post(segments).body(Bytes::new(), "application/x-www-form-urlencoded");
        self.client.post(request).await?;
        Ok(())
    }
}
