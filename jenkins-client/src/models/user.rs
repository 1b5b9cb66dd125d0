//! Who the client is: [`WhoAmI`] and [`User`].

dcos_auth::json_model! {
    /// `GET whoAmI/api/json`: how Jenkins sees the caller.
    pub struct WhoAmI {
        /// `hudson.security.WhoAmI`.
        "_class" class: Option<String>,
        /// The user id (`anonymous` when not logged in).
        "name" name: String,
        /// Whether the request was authenticated.
        "authenticated" authenticated: Option<bool>,
        /// Whether the caller is anonymous.
        "anonymous" anonymous: Option<bool>,
        /// The groups the caller belongs to.
        "authorities" authorities: Option<Vec<String>>,
    }
}

dcos_auth::json_model! {
    /// A user (`GET me/api/json`, `GET user/<id>/api/json`).
    pub struct User {
        /// `hudson.model.User`.
        "_class" class: Option<String>,
        /// The user id.
        "id" id: String,
        /// The full name.
        "fullName" full_name: Option<String>,
        /// The description.
        "description" description: Option<String>,
        /// The user's page as Jenkins wrote it; rebase it before use.
        "absoluteUrl" absolute_url: Option<String>,
        /// User properties, as sent.
        "property" property: Option<Vec<serde_json::Value>>,
    }
}
