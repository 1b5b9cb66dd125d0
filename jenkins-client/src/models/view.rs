//! Views: [`ViewRef`] in lists, [`View`] with its jobs.

use super::JobSummary;

dcos_auth::json_model! {
    /// A view as a list shows it (`views[…]`, `primaryView`).
    pub struct ViewRef {
        /// The view's class, such as `hudson.model.ListView` or
        /// `hudson.model.AllView`.
        "_class" class: Option<String>,
        /// The view's name.
        "name" name: String,
        /// The URL as Jenkins wrote it; rebase it before use.
        "url" url: Option<String>,
    }
}

dcos_auth::json_model! {
    /// The views of the root or a folder (`api/json?tree=views[…]`).
    pub struct ViewList {
        /// The class of the container.
        "_class" class: Option<String>,
        /// The views.
        "views" views: Vec<ViewRef>,
        /// The view shown first.
        "primaryView" primary_view: Option<ViewRef>,
    }
}

dcos_auth::json_model! {
    /// A view (`GET view/<name>/api/json`) with its jobs.
    pub struct View {
        /// The view's class.
        "_class" class: Option<String>,
        /// The view's name.
        "name" name: String,
        /// The description.
        "description" description: Option<String>,
        /// The URL as Jenkins wrote it; rebase it before use.
        "url" url: Option<String>,
        /// The jobs it shows.
        "jobs" jobs: Vec<JobSummary>,
        /// View properties, as sent.
        "property" property: Option<Vec<serde_json::Value>>,
    }
}
