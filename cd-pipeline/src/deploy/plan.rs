//! The deploy plan: the rendered definition against the running one, as
//! readable lines.
//!
//! Marathon fills in defaults for every field a definition leaves out, so
//! the running app is first cut down to the fields the template sets
//! ([`project`]); only those are compared. Groups are also asked to
//! Marathon's own `PUT /v2/groups?dryRun=true`, whose steps are shown.

use marathon_client::models::{App, DeploymentSteps, Group};
use serde_json::{Map, Value};

use crate::plan::{Action, Change, DiffLine, ResourceKind, json_diff};
use crate::render::{SPEC_HASH_LABEL, label};

/// `running` cut down to the members `wanted` has, at every depth of
/// objects and of arrays of the same length; equal numbers written
/// differently (`32.0`, `32`) are taken as written in `wanted`.
pub fn project(running: &Value, wanted: &Value) -> Value {
    match (running, wanted) {
        (Value::Object(have), Value::Object(want)) => {
            let mut out = Map::new();
            for (key, value) in want {
                if let Some(current) = have.get(key) {
                    out.insert(key.clone(), project(current, value));
                }
            }
            Value::Object(out)
        }
        (Value::Array(have), Value::Array(want)) if have.len() == want.len() => {
            Value::Array(have.iter().zip(want).map(|(h, w)| project(h, w)).collect())
        }
        // Marathon writes `32.0` for `32`: the same number is no change.
        (Value::Number(have), Value::Number(want)) if have.as_f64() == want.as_f64() => {
            Value::Number(want.clone())
        }
        (other, _) => other.clone(),
    }
}

/// The change for one app: create, unchanged (same spec hash) or update,
/// with the differences of the fields the template sets.
pub fn app_change(id: &str, wanted: &Value, running: Option<&App>) -> Change {
    let Some(running) = running else {
        return Change::new(Action::Create, ResourceKind::MarathonApp, id)
            .reason("not deployed yet");
    };
    let current = serde_json::to_value(running.definition()).unwrap_or_default();
    let have_hash = label(&current, SPEC_HASH_LABEL);
    let want_hash = label(wanted, SPEC_HASH_LABEL);
    if have_hash.is_some() && have_hash == want_hash {
        return Change::new(Action::Unchanged, ResourceKind::MarathonApp, id)
            .reason("spec hash unchanged");
    }
    let diff: Vec<DiffLine> = json_diff(&project(&current, wanted), wanted);
    let reason = match have_hash {
        Some(_) => "spec hash changed",
        None => "not deployed by this pipeline before",
    };
    Change::new(Action::Update, ResourceKind::MarathonApp, id)
        .reason(reason)
        .diff(diff)
}

/// The change for a group, with the steps of Marathon's dry run.
/// `unchanged` says that every app of the group runs with the wanted spec
/// hash (a group PUT always makes a new version, so the dry run is not
/// empty even then).
pub fn group_change(
    id: &str,
    wanted: &Value,
    running: Option<&Group>,
    steps: Option<&DeploymentSteps>,
    unchanged: bool,
) -> Change {
    if running.is_some() && unchanged {
        return Change::new(Action::Unchanged, ResourceKind::MarathonGroup, id)
            .reason("spec hash unchanged");
    }
    let mut change = match running {
        None => {
            Change::new(Action::Create, ResourceKind::MarathonGroup, id).reason("not deployed yet")
        }
        Some(group) => {
            let current = serde_json::to_value(group).unwrap_or_default();
            let diff = json_diff(&project(&current, wanted), wanted);
            Change::new(Action::Update, ResourceKind::MarathonGroup, id)
                .reason("Marathon's dry run")
                .diff(diff)
        }
    };
    if let Some(steps) = steps {
        let mut diff = std::mem::take(&mut change.diff);
        for (n, step) in steps.steps.iter().enumerate() {
            for action in &step.actions {
                let what = action
                    .action
                    .as_ref()
                    .map(|a| format!("{a:?}"))
                    .unwrap_or_else(|| "action".into());
                let target = action
                    .target()
                    .map(|t| t.as_str().to_owned())
                    .unwrap_or_default();
                diff.push(DiffLine::Added {
                    path: format!("dry run step {}", n + 1),
                    value: format!("{what} {target}"),
                });
            }
        }
        change = change.diff(diff);
    }
    change
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::render::OWNER_LABEL;

    fn app(json: Value) -> App {
        serde_json::from_value(json).unwrap()
    }

    #[test]
    fn only_the_fields_the_template_sets_are_compared() {
        let running = app(
            json!({"id": "/a", "instances": 2, "cpus": 0.1, "backoffSeconds": 1,
            "container": {"docker": {"image": "r/a:1", "forcePullImage": false}},
            "labels": {SPEC_HASH_LABEL: "old", OWNER_LABEL: "svc"}}),
        );
        let wanted = json!({"id": "/a", "instances": 2, "cpus": 0.1,
            "container": {"docker": {"image": "r/a:2"}},
            "labels": {SPEC_HASH_LABEL: "new", OWNER_LABEL: "svc"}});
        let change = app_change("/a", &wanted, Some(&running));
        assert_eq!(change.action, Action::Update);
        assert_eq!(change.reason, "spec hash changed");
        let lines: Vec<String> = change.diff.iter().map(ToString::to_string).collect();
        assert!(
            lines.iter().any(|l| l.contains("container.docker.image")),
            "{lines:?}"
        );
        assert!(
            !lines.iter().any(|l| l.contains("backoffSeconds")),
            "{lines:?}"
        );
        assert!(
            !lines.iter().any(|l| l.contains("forcePullImage")),
            "{lines:?}"
        );
    }

    #[test]
    fn the_same_hash_is_unchanged_and_no_app_is_a_create() {
        let wanted = json!({"id": "/a", "labels": {SPEC_HASH_LABEL: "h"}});
        let running = app(json!({"id": "/a", "labels": {SPEC_HASH_LABEL: "h"}}));
        assert_eq!(
            app_change("/a", &wanted, Some(&running)).action,
            Action::Unchanged
        );
        assert_eq!(app_change("/a", &wanted, None).action, Action::Create);
    }
}
