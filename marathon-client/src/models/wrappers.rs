//! The envelopes list and single answers come in, and the other answers that
//! are not an entity of their own.

use std::collections::BTreeMap;

use dcos_auth::json_model;

use super::{
    AgentInfo, App, DeploymentStep, InstanceIdRef, InstanceState, Task, Timestamp,
    UnreachableStrategy,
};

json_model! {
    /// `GET /v2/apps` (`{"apps": …}`) and `GET /v2/apps/{group}/*`
    /// (`{"*": …}`): both decode here and are written as `apps`.
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
    /// A list of tasks: `{"tasks": …}`, from `GET /v2/tasks`,
    /// `GET /v2/apps/{id}/tasks` and kills without `scale`.
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
    /// `PUT /v2/groups/{id}?dryRun=true`: `{"steps": […]}`, the steps a change
    /// would take.
    pub struct DeploymentSteps {
        /// The steps.
        "steps" steps: Vec<DeploymentStep>,
    }
}

json_model! {
    /// A pod instance as `DELETE /v2/pods/{id}::instances[/{instance}]`
    /// answers: Marathon's internal instance record, one or an array. Only
    /// its stable parts are typed; the rest is kept in `extra`.
    pub struct KilledInstance {
        /// `{"idString": …}`.
        "instanceId" instance_id: Option<InstanceIdRef>,
        /// The agent it ran on.
        "agentInfo" agent_info: Option<AgentInfo>,
        /// Its tasks by task id, in Marathon's internal shape.
        "tasksMap" tasks_map: Option<BTreeMap<String, serde_json::Value>>,
        /// The pod version it ran.
        "runSpecVersion" run_spec_version: Option<Timestamp>,
        /// Its state.
        "state" state: Option<InstanceState>,
        /// Its unreachable strategy.
        "unreachableStrategy" unreachable_strategy: Option<UnreachableStrategy>,
    }
}

impl KilledInstance {
    /// The instance id.
    pub fn id(&self) -> Option<&str> {
        self.instance_id.as_ref()?.id_string.as_deref()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn star_list_decodes_as_app_list() {
        let list: AppList = serde_json::from_str(r#"{"*":[{"id":"/g/a"}]}"#).unwrap();
        assert_eq!(list.apps[0].id.as_str(), "/g/a");
        let list: AppList = serde_json::from_str(r#"{"apps":[{"id":"/a"}]}"#).unwrap();
        assert_eq!(list.apps.len(), 1);
        assert_eq!(
            serde_json::to_string(&list).unwrap(),
            r#"{"apps":[{"id":"/a"}]}"#
        );
    }

    #[test]
    fn single_app_keeps_unknown_fields() {
        let json = r#"{"app":{"id":"/a","unreachableStrategy":"disabled"},"note":1}"#;
        let single: AppSingle = serde_json::from_str(json).unwrap();
        assert!(single.app.unreachable_strategy.unwrap().is_disabled());
        let single: AppSingle = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&single).unwrap(), json);
        assert!(serde_json::from_str::<AppSingle>("[]").is_err());
    }

    #[test]
    fn versions_and_tasks() {
        let v: AppVersions =
            serde_json::from_str(r#"{"versions":["2014-03-01T23:42:20.938Z"]}"#).unwrap();
        assert_eq!(v.versions[0].as_str(), "2014-03-01T23:42:20.938Z");
        let t: TaskSingle = serde_json::from_str(r#"{"task":{"id":"a.1"}}"#).unwrap();
        assert_eq!(t.task.unwrap().id.as_str(), "a.1");
        let t: TaskList = serde_json::from_str(r#"{"tasks":[]}"#).unwrap();
        assert!(t.tasks.is_empty());
    }

    #[test]
    fn killed_instance() {
        let i: KilledInstance = serde_json::from_str(
            r#"{"instanceId":{"idString":"p.instance-1"},"state":{"condition":{"str":"running"}},
                "unreachableStrategy":{"inactiveAfterSeconds":300,"expungeAfterSeconds":600}}"#,
        )
        .unwrap();
        assert_eq!(i.id(), Some("p.instance-1"));
        assert_eq!(
            i.state.unwrap().condition.unwrap().name.as_deref(),
            Some("running")
        );
    }
}
