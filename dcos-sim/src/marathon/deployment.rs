//! A deployment: its plan (steps of actions run together), where it is,
//! and the definitions it replaced (for a rollback).

use std::time::Duration;

use serde_json::{Value, json};

/// What an action does to its app (named as on the wire).
#[allow(clippy::enum_variant_names)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ActionKind {
    /// Creates the app with no instances.
    StartApplication,
    /// Removes the app: kills every instance.
    StopApplication,
    /// Launches or kills instances to reach the target count.
    ScaleApplication,
    /// Replaces the instances with the new configuration, by the upgrade
    /// strategy.
    RestartApplication,
}

impl ActionKind {
    fn as_str(self) -> &'static str {
        match self {
            ActionKind::StartApplication => "StartApplication",
            ActionKind::StopApplication => "StopApplication",
            ActionKind::ScaleApplication => "ScaleApplication",
            ActionKind::RestartApplication => "RestartApplication",
        }
    }
}

/// One action of a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Action {
    pub(crate) kind: ActionKind,
    pub(crate) app: String,
}

impl Action {
    /// `kind` on app `app`.
    pub(crate) fn new(kind: ActionKind, app: &str) -> Self {
        Action {
            kind,
            app: app.to_owned(),
        }
    }

    /// `{"action", "app"}`.
    pub(crate) fn json(&self) -> Value {
        json!({ "action": self.kind.as_str(), "app": self.app })
    }
}

/// The steps' JSON: `[{"actions": [...]}]`.
pub(crate) fn steps_json(steps: &[Vec<Action>]) -> Value {
    Value::Array(
        steps
            .iter()
            .map(|step| json!({ "actions": step.iter().map(Action::json).collect::<Vec<_>>() }))
            .collect(),
    )
}

/// A running deployment.
#[derive(Debug, Clone)]
pub(crate) struct Deployment {
    pub(crate) id: String,
    /// The target version.
    pub(crate) version: String,
    pub(crate) affected: Vec<String>,
    pub(crate) steps: Vec<Vec<Action>>,
    /// The step running now (0-based).
    pub(crate) current: usize,
    /// Simulated time since start-up when it started.
    pub(crate) started: Duration,
    /// Whether `deployment_info` was published for the first step.
    pub(crate) announced: bool,
    /// Each affected app's definition before (None: it did not exist).
    pub(crate) original: Vec<(String, Option<Value>)>,
}

impl Deployment {
    /// The plan, in the light format (no `original` and `target` groups).
    pub(crate) fn plan_json(&self) -> Value {
        json!({
            "id": self.id,
            "version": self.version,
            "steps": steps_json(&self.steps),
        })
    }

    /// `{"actions": [...]}` of the current step (empty when done).
    pub(crate) fn current_step_json(&self) -> Value {
        let actions: Vec<Value> = self
            .steps
            .get(self.current)
            .map(|s| s.iter().map(Action::json).collect())
            .unwrap_or_default();
        json!({ "actions": actions })
    }

    /// As `GET /v2/deployments` lists it.
    pub(crate) fn list_json(&self) -> Value {
        let current: Vec<Value> = self
            .steps
            .get(self.current)
            .map(|s| {
                s.iter()
                    .map(|a| {
                        let mut v = a.json();
                        if let Some(map) = v.as_object_mut() {
                            map.insert("readinessCheckResults".into(), json!([]));
                        }
                        v
                    })
                    .collect()
            })
            .unwrap_or_default();
        json!({
            "id": self.id,
            "version": self.version,
            "affectedApps": self.affected,
            "affectedPods": [],
            "steps": steps_json(&self.steps),
            "currentActions": current,
            "currentStep": (self.current + 1).min(self.steps.len().max(1)),
            "totalSteps": self.steps.len(),
        })
    }
}
