//! Deployments, their steps, and the results of changes that start one.

use std::fmt;

use dcos_auth::{json_model, string_enum};
use serde::de::{Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

use super::{ReadinessCheckResult, Timestamp};
use crate::ids::{AppId, DeploymentId, PathId, PodId};

json_model! {
    /// A running deployment, as listed by `GET /v2/deployments` (a bare
    /// array of these).
    pub struct Deployment {
        /// The deployment id.
        "id" id: DeploymentId,
        /// The target version.
        "version" version: Option<Timestamp>,
        /// The apps it changes.
        "affectedApps" affected_apps: Option<Vec<AppId>>,
        /// The pods it changes.
        "affectedPods" affected_pods: Option<Vec<PodId>>,
        /// The plan: steps run one after the other, each a set of actions
        /// run together.
        "steps" steps: Option<Vec<DeploymentStep>>,
        /// The actions of the step running now.
        "currentActions" current_actions: Option<Vec<DeploymentAction>>,
        /// The step running now, counting from 1.
        "currentStep" current_step: Option<u32>,
        /// How many steps there are.
        "totalSteps" total_steps: Option<u32>,
    }
}

impl Deployment {
    /// Whether the deployment changes the app or pod `id`.
    pub fn affects(&self, id: &PathId) -> bool {
        self.affected_apps.iter().flatten().any(|a| a == id)
            || self.affected_pods.iter().flatten().any(|p| p == id)
    }
}

string_enum! {
    /// What a deployment action does.
    pub enum DeploymentActionKind {
        /// Create an app with no instances.
        StartApplication = "StartApplication",
        /// Remove an app.
        StopApplication = "StopApplication",
        /// Scale an app to its target count.
        ScaleApplication = "ScaleApplication",
        /// Replace an app's tasks with the new version.
        RestartApplication = "RestartApplication",
        /// Fetch the app's `storeUrls`.
        ResolveArtifacts = "ResolveArtifacts",
        /// Create a pod with no instances.
        StartPod = "StartPod",
        /// Remove a pod.
        StopPod = "StopPod",
        /// Scale a pod to its target count.
        ScalePod = "ScalePod",
        /// Replace a pod's instances with the new version.
        RestartPod = "RestartPod",
        /// Kill the old version's tasks (before Marathon 1.0).
        KillAllOldTasksOf = "KillAllOldTasksOf",
    }
}

json_model! {
    /// One action of a deployment step. Servers up to 1.1.1 named the kind
    /// `type`; it is read under both names and written as `action`.
    pub struct DeploymentAction {
        /// What the action does.
        "action" | "type" action: Option<DeploymentActionKind>,
        /// The app it acts on.
        "app" app: Option<AppId>,
        /// The pod it acts on.
        "pod" pod: Option<PodId>,
        /// Readiness of the new tasks, in `currentActions` (named
        /// `readinessChecks` around Marathon 1.0).
        "readinessCheckResults" | "readinessChecks" readiness_check_results: Option<Vec<ReadinessCheckResult>>,
    }
}

impl DeploymentAction {
    /// The app or pod the action acts on.
    pub fn target(&self) -> Option<&PathId> {
        self.app.as_ref().or(self.pod.as_ref())
    }
}

/// A deployment step: actions run together.
///
/// Read from the current `{"actions": [...]}`, from the bare array of
/// actions that servers before 1.0 sent, and from a lone action object
/// (`{"action", "app"}`), as the event docs show plan steps. The first two
/// are written in the current form; a lone action is written back as one.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct DeploymentStep {
    /// The actions.
    pub actions: Vec<DeploymentAction>,
    /// Fields this version does not know, kept as sent.
    pub extra: serde_json::Map<String, serde_json::Value>,
    /// Read from a lone action object, and written back as one.
    lone_action: bool,
}

impl DeploymentStep {
    /// A step of `actions`.
    pub fn new(actions: Vec<DeploymentAction>) -> Self {
        DeploymentStep {
            actions,
            ..DeploymentStep::default()
        }
    }
}

impl dcos_auth::model::Field for DeploymentStep {
    fn is_unset(&self) -> bool {
        false
    }
}

impl Serialize for DeploymentStep {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if let ([action], true) = (self.actions.as_slice(), self.lone_action) {
            return action.serialize(serializer);
        }
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("actions", &self.actions)?;
        for (key, value) in &self.extra {
            if key != "actions" {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for DeploymentStep {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StepVisitor;
        impl<'de> Visitor<'de> for StepVisitor {
            type Value = DeploymentStep;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a deployment step: {\"actions\": [...]} or [...]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<DeploymentStep, A::Error> {
                let mut actions = Vec::with_capacity(seq.size_hint().unwrap_or(1));
                while let Some(action) = seq.next_element()? {
                    actions.push(action);
                }
                Ok(DeploymentStep::new(actions))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<DeploymentStep, A::Error> {
                let mut step = DeploymentStep::default();
                let mut has_actions = false;
                while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
                    if key == "actions" {
                        has_actions = true;
                        step.actions = map.next_value::<Option<_>>()?.unwrap_or_default();
                    } else {
                        let value = map.next_value()?;
                        step.extra.insert(key.into_owned(), value);
                    }
                }
                let lone = !has_actions
                    && (step.extra.contains_key("action") || step.extra.contains_key("type"));
                if lone {
                    let object = serde_json::Value::Object(std::mem::take(&mut step.extra));
                    let action =
                        DeploymentAction::deserialize(object).map_err(serde::de::Error::custom)?;
                    step.actions = vec![action];
                    step.lone_action = true;
                }
                Ok(step)
            }
        }
        deserializer.deserialize_any(StepVisitor)
    }
}

json_model! {
    /// A reference to a deployment, as embedded in an app or a 409 answer.
    pub struct DeploymentRef {
        /// The deployment id.
        "id" id: DeploymentId,
    }
}

json_model! {
    /// The answer to a change that starts a deployment:
    /// `{"deploymentId", "version"}`. Very old servers sent only `version`.
    pub struct DeploymentResult {
        /// The deployment started.
        "deploymentId" deployment_id: Option<DeploymentId>,
        /// The new version.
        "version" version: Option<Timestamp>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const CURRENT: &str = r#"[{"actions":[{"action":"ScaleApplication","app":"/foo"}]},{"actions":[{"action":"ScalePod","pod":"/bla"}]}]"#;
    const V1_1_1: &str = r#"[{"actions":[{"type":"StartApplication","app":"/a"},{"app":"/b","type":"StartApplication"}]}]"#;
    const PRE_1_0: &str = r#"[[{"action":"ScaleApplication","app":"/test"}],[{"type":"StopApplication","app":"/old"}]]"#;

    fn steps(json: &str) -> Vec<DeploymentStep> {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn current_shape() {
        let s = steps(CURRENT);
        assert_eq!(
            s[0].actions[0].action,
            Some(DeploymentActionKind::ScaleApplication)
        );
        assert_eq!(s[1].actions[0].pod.as_ref().unwrap().as_str(), "/bla");
        assert_eq!(s[1].actions[0].target().unwrap().as_str(), "/bla");
        assert_eq!(serde_json::to_string(&s).unwrap(), CURRENT);
    }

    #[test]
    fn type_instead_of_action_up_to_1_1_1() {
        let s = steps(V1_1_1);
        assert_eq!(s[0].actions.len(), 2);
        for a in &s[0].actions {
            assert_eq!(a.action, Some(DeploymentActionKind::StartApplication));
        }
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"[{"actions":[{"action":"StartApplication","app":"/a"},{"action":"StartApplication","app":"/b"}]}]"#
        );
    }

    #[test]
    fn array_of_arrays_before_1_0() {
        let s = steps(PRE_1_0);
        assert_eq!(s.len(), 2);
        assert_eq!(s[0].actions[0].app.as_ref().unwrap().as_str(), "/test");
        assert_eq!(
            s[1].actions[0].action,
            Some(DeploymentActionKind::StopApplication)
        );
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"[{"actions":[{"action":"ScaleApplication","app":"/test"}]},{"actions":[{"action":"StopApplication","app":"/old"}]}]"#
        );
    }

    #[test]
    fn unknown_action_kinds_and_step_fields_are_kept() {
        let json = r#"[{"actions":[{"action":"MigrateApplication","app":"/a"}],"note":"x"}]"#;
        let s = steps(json);
        assert_eq!(
            s[0].actions[0].action,
            Some(DeploymentActionKind::Unknown("MigrateApplication".into()))
        );
        assert_eq!(serde_json::to_string(&s).unwrap(), json);
        assert!(serde_json::from_str::<Vec<DeploymentStep>>(r#"["x"]"#).is_err());
    }

    #[test]
    fn deployment_with_readiness() {
        let d: Deployment = serde_json::from_str(
            r#"{"id":"d","affectedApps":["/a"],"affectedPods":["/p"],"steps":[],
            "currentActions":[{"action":"RestartApplication","app":"/a",
              "readinessChecks":[{"name":"r","ready":false,"lastResponse":{"status":500,"body":"{}"}}]}],
            "currentStep":1,"totalSteps":1}"#,
        )
        .unwrap();
        assert!(d.affects(&PathId::new("/a").unwrap()));
        assert!(d.affects(&PathId::new("/p").unwrap()));
        assert!(!d.affects(&PathId::new("/b").unwrap()));
        let results = d.current_actions.unwrap()[0]
            .readiness_check_results
            .clone()
            .unwrap();
        assert_eq!(results[0].last_response.as_ref().unwrap().status, Some(500));
    }
}
