//! The envelopes list and single answers come in.

use dcos_auth::json_model;

use super::{App, Task, Timestamp};

json_model! {
    /// `GET /v2/apps` (`{"apps": …}`) and `GET /v2/apps/{group}/*` (`{"*": …}`).
    pub struct AppList {
        /// The apps.
        "apps" | "*" apps: Vec<App>,
    }
}

json_model! {
    /// `GET /v2/apps/{id}`: `{"app": …}`.
    pub struct AppSingle {
        /// The app.
        "app" app: App,
    }
}

json_model! {
    /// `GET /v2/apps/{id}/versions`: `{"versions": […]}`, newest first.
    pub struct AppVersions {
        /// The versions.
        "versions" versions: Vec<Timestamp>,
    }
}

json_model! {
    /// A list of tasks: `{"tasks": …}`.
    pub struct TaskList {
        /// The tasks.
        "tasks" tasks: Vec<Task>,
    }
}

json_model! {
    /// One killed task: `{"task": …}`.
    pub struct TaskSingle {
        /// The task.
        "task" task: Option<Task>,
    }
}

json_model! {
    /// `PUT /v2/groups/{id}?dryRun=true`: the steps a change would take.
    pub struct DeploymentSteps {
        /// The steps.
        "steps" steps: Vec<serde_json::Value>,
    }
}

json_model! {
    /// A pod instance as `DELETE /v2/pods/{id}::instances` answers: Marathon's
    /// internal instance record.
    pub struct KilledInstance {
        /// `{"idString": …}`.
        "instanceId" instance_id: Option<serde_json::Value>,
        /// The agent it ran on.
        "agentInfo" agent_info: Option<serde_json::Value>,
    }
}
