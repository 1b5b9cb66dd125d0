//! Server info and leadership.

use dcos_auth::json_model;

json_model! {
    /// `GET /v2/info`.
    pub struct Info {
        /// The server name, `marathon`.
        "name" name: Option<String>,
        /// The Marathon version.
        "version" version: Option<String>,
        /// The leader's `host:port`.
        "leader" leader: Option<String>,
        /// The Mesos framework id.
        "frameworkId" framework_id: Option<String>,
    }
}

json_model! {
    /// `GET /v2/leader`: `{"leader": "host:port"}`.
    pub struct Leader {
        /// The leader's `host:port`.
        "leader" leader: Option<String>,
    }
}

json_model! {
    /// A body holding only a message, as `DELETE /v2/leader` answers.
    pub struct Message {
        /// The message.
        "message" message: Option<String>,
    }
}
