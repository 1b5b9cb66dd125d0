//! [`Jobs`]: jobs and folders: list, get, create from `config.xml`, read and
//! update `config.xml`, copy, rename, enable, disable, delete, and the
//! multibranch scan.

use bytes::Bytes;
use dcos_auth::Request;

use crate::client::JenkinsClient;
use crate::error::{Error, Result};
use crate::path::{JobPath, endpoint_in};

/// The `mode` of `createItem` that makes a folder (CloudBees Folders plugin).
pub const FOLDER_MODE: &str = "com.cloudbees.hudson.plugins.folder.Folder";

/// The content type Jenkins reads `config.xml` bodies as.
const XML: &str = "application/xml";

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
    /// Creates the job `path` (in the root or in its folder) from a
    /// `config.xml`: `POST <folder>/createItem?name=<name>` with
    /// `Content-Type: application/xml`. Jenkins answers 400 when the name is
    /// taken or the XML is not a job.
    pub async fn create(&self, path: &JobPath, config_xml: impl Into<Bytes>) -> Result<()> {
        let request = Request::post(endpoint_in(path.parent().as_ref(), ["createItem"]))
            .query("name", path.name())
            .body(config_xml, XML);
        self.client.post(request).await?;
        Ok(())
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
        self.client.post(request).await?;
        Ok(())
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
        self.client.post(request).await?;
        Ok(())
    }

    /// Renames the job within its folder: `POST doRename?newName=<name>`.
    /// Returns the new path.
    pub async fn rename(&self, path: &JobPath, new_name: &str) -> Result<JobPath> {
        let renamed = match path.parent() {
            Some(parent) => parent.child(new_name)?,
            None => JobPath::from_names([new_name])?,
        };
        let request = Request::post(path.endpoint(["doRename"]))
            .query("newName", new_name)
            .body(Bytes::new(), "application/x-www-form-urlencoded");
        self.client.post(request).await?;
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
