//! [`Views`]: the views of the root or a folder, and the jobs in one.

use dcos_auth::Request;

use crate::client::JenkinsClient;
use crate::error::Result;
use crate::jobs::LIST_PAGE;
use crate::models::{JobSummary, View, ViewList};
use crate::path::{JobPath, endpoint_in};
use crate::tree::Tree;

/// Views. Made by [`JenkinsClient::views`].
#[derive(Debug, Clone, Copy)]
pub struct Views<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// Views of the root or of a folder.
    pub fn views(&self) -> Views<'_> {
        Views { client: self }
    }
}

impl Views<'_> {
    /// The views of the root (`None`) or of a folder, with the primary one:
    /// `GET [job/…/]api/json?tree=views[_class,name,url],primaryView[…]`.
    pub async fn list(&self, folder: Option<&JobPath>) -> Result<ViewList> {
        let view = || Tree::new().fields(["_class", "name", "url"]);
        let tree = Tree::new()
            .field("_class")
            .nested("views", view())
            .nested("primaryView", view());
        self.client
            .json(Request::get(endpoint_in(folder, ["api", "json"])).query("tree", tree))
            .await
    }

    /// The view `name` of the root or of a folder, with its jobs:
    /// `GET [job/…/]view/<name>/api/json?tree=…,jobs[…]{0,100}`, then the next
    /// pages until one comes back short.
    pub async fn get(&self, folder: Option<&JobPath>, name: &str) -> Result<View> {
        let mut view = self.page(folder, name, 0).await?;
        let mut got = view.jobs.len();
        let mut start = LIST_PAGE;
        while got == LIST_PAGE as usize {
            let page = self.page(folder, name, start).await?;
            got = page.jobs.len();
            if page.jobs.first().map(|j| &j.name) == view.jobs.first().map(|j| &j.name) {
                break; // the server ignores ranges and sent everything again
            }
            view.jobs.extend(page.jobs);
            start += LIST_PAGE;
        }
        Ok(view)
    }

    /// The jobs of a view: [`get`](Self::get)'s `jobs`.
    pub async fn jobs(&self, folder: Option<&JobPath>, name: &str) -> Result<Vec<JobSummary>> {
        Ok(self.get(folder, name).await?.jobs)
    }

    async fn page(&self, folder: Option<&JobPath>, name: &str, start: u32) -> Result<View> {
        let tree = Tree::new()
            .fields(["_class", "name", "description", "url"])
            .nested_range(
                "jobs",
                Tree::new().fields(["_class", "name", "fullName", "url", "color"]),
                start..start + LIST_PAGE,
            );
        self.client
            .json(
                Request::get(endpoint_in(folder, ["view", name, "api", "json"]))
                    .query("tree", tree),
            )
            .await
    }
}
