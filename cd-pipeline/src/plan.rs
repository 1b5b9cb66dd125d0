//! [`Plan`]: what a stage will change (or changed), as readable lines and
//! diffs.
//!
//! Configure and deploy both return a plan: one [`Change`] per resource (a
//! Jenkins job, a Marathon group or app) with an [`Action`] and the diff that
//! motivates it. [`json_diff`] compares JSON documents field by field (app
//! definitions), [`text_diff`] compares texts line by line (`config.xml`).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::events::{Events, Stage};

/// What happens to a resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// It does not exist and is created.
    Create,
    /// It exists and differs: it is updated.
    Update,
    /// It exists as wanted: nothing to do.
    Unchanged,
    /// It is removed (only resources the pipeline created).
    Delete,
}

impl Action {
    /// The sign in front of a plan line: `+`, `~`, `=`, `-`.
    pub fn sign(self) -> char {
        match self {
            Action::Create => '+',
            Action::Update => '~',
            Action::Unchanged => '=',
            Action::Delete => '-',
        }
    }

    /// The verb: `create`, `update`, `unchanged`, `delete`.
    pub fn verb(self) -> &'static str {
        match self {
            Action::Create => "create",
            Action::Update => "update",
            Action::Unchanged => "unchanged",
            Action::Delete => "delete",
        }
    }
}

/// The kind of resource a change is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ResourceKind {
    /// A Jenkins folder.
    JenkinsFolder,
    /// A Jenkins job.
    JenkinsJob,
    /// A Marathon group.
    MarathonGroup,
    /// A Marathon app.
    MarathonApp,
}

impl ResourceKind {
    /// A readable name: `jenkins job`, `marathon app`…
    pub fn name(self) -> &'static str {
        match self {
            ResourceKind::JenkinsFolder => "jenkins folder",
            ResourceKind::JenkinsJob => "jenkins job",
            ResourceKind::MarathonGroup => "marathon group",
            ResourceKind::MarathonApp => "marathon app",
        }
    }
}

/// One line of a diff.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "op", rename_all = "snake_case")]
pub enum DiffLine {
    /// Present only in the new version.
    Added {
        /// A JSON path or a line of text.
        path: String,
        /// The new value (JSON text), empty for text lines.
        value: String,
    },
    /// Present only in the old version.
    Removed {
        /// A JSON path or a line of text.
        path: String,
        /// The old value (JSON text), empty for text lines.
        value: String,
    },
    /// Present in both, with different values.
    Changed {
        /// The JSON path.
        path: String,
        /// The old value (JSON text).
        old: String,
        /// The new value (JSON text).
        new: String,
    },
}

impl fmt::Display for DiffLine {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DiffLine::Added { path, value } if value.is_empty() => write!(f, "+ {path}"),
            DiffLine::Added { path, value } => write!(f, "+ {path}: {value}"),
            DiffLine::Removed { path, value } if value.is_empty() => write!(f, "- {path}"),
            DiffLine::Removed { path, value } => write!(f, "- {path}: {value}"),
            DiffLine::Changed { path, old, new } => write!(f, "~ {path}: {old} → {new}"),
        }
    }
}

/// A change to one resource.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Change {
    /// What happens.
    pub action: Action,
    /// The kind of resource.
    pub kind: ResourceKind,
    /// Its id or path (`/hello`, `cd/hello`).
    pub id: String,
    /// Why, in words (`spec hash changed`, `config.xml differs`), may be empty.
    pub reason: String,
    /// The differences, when there is an old version to compare with.
    pub diff: Vec<DiffLine>,
}

impl Change {
    /// A change with no reason and no diff.
    pub fn new(action: Action, kind: ResourceKind, id: impl Into<String>) -> Self {
        Change {
            action,
            kind,
            id: id.into(),
            reason: String::new(),
            diff: Vec::new(),
        }
    }

    /// Sets the reason.
    #[must_use]
    pub fn reason(mut self, reason: impl Into<String>) -> Self {
        self.reason = reason.into();
        self
    }

    /// Sets the diff.
    #[must_use]
    pub fn diff(mut self, diff: Vec<DiffLine>) -> Self {
        self.diff = diff;
        self
    }

    /// The heading line: `+ create jenkins job cd/hello (reason)`.
    pub fn heading(&self) -> String {
        let mut line = format!(
            "{} {} {} {}",
            self.action.sign(),
            self.action.verb(),
            self.kind.name(),
            self.id
        );
        if !self.reason.is_empty() {
            line.push_str(&format!(" ({})", self.reason));
        }
        line
    }
}

/// What a stage will change, or changed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Plan {
    /// The stage.
    pub stage: Stage,
    /// The changes, in the order they are applied.
    pub changes: Vec<Change>,
}

impl Plan {
    /// An empty plan for `stage`.
    pub fn new(stage: Stage) -> Self {
        Plan {
            stage,
            changes: Vec::new(),
        }
    }

    /// Adds a change.
    pub fn push(&mut self, change: Change) {
        self.changes.push(change);
    }

    /// Whether nothing changes.
    pub fn is_noop(&self) -> bool {
        self.changes.iter().all(|c| c.action == Action::Unchanged)
    }

    /// The readable lines: each change's heading, then its diff indented.
    pub fn lines(&self) -> Vec<String> {
        let mut lines = Vec::new();
        for change in &self.changes {
            lines.push(change.heading());
            lines.extend(change.diff.iter().map(|d| format!("    {d}")));
        }
        if self.changes.is_empty() {
            lines.push(format!("= {}: nothing to do", self.stage));
        }
        lines
    }

    /// Emits every line as a [`PipelineEvent::PlanLine`](crate::PipelineEvent::PlanLine).
    pub fn emit(&self, events: &Events) {
        for line in self.lines() {
            events.plan_line(self.stage, line);
        }
    }
}

impl fmt::Display for Plan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for line in self.lines() {
            writeln!(f, "{line}")?;
        }
        Ok(())
    }
}

/// The longest value text shown in a diff line; longer ones are cut with `…`.
pub const MAX_VALUE_CHARS: usize = 120;

fn shown(value: &Value) -> String {
    let text = value.to_string();
    if text.chars().count() <= MAX_VALUE_CHARS {
        return text;
    }
    let mut cut: String = text.chars().take(MAX_VALUE_CHARS).collect();
    cut.push('…');
    cut
}

/// The differences from `old` to `new`, by JSON path (`container.docker.image`,
/// `portDefinitions[0].port`), in a stable order: objects member by member
/// (sorted), arrays element by element. Values of different types, and
/// scalars, are compared whole.
pub fn json_diff(old: &Value, new: &Value) -> Vec<DiffLine> {
    let mut out = Vec::new();
    diff_at("", old, new, &mut out);
    out
}

fn child(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_owned()
    } else {
        format!("{path}.{key}")
    }
}

fn diff_at(path: &str, old: &Value, new: &Value, out: &mut Vec<DiffLine>) {
    match (old, new) {
        (Value::Object(a), Value::Object(b)) => {
            let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
            keys.sort();
            keys.dedup();
            for key in keys {
                let p = child(path, key);
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => diff_at(&p, x, y, out),
                    (Some(x), None) => out.push(DiffLine::Removed {
                        path: p,
                        value: shown(x),
                    }),
                    (None, Some(y)) => out.push(DiffLine::Added {
                        path: p,
                        value: shown(y),
                    }),
                    (None, None) => {}
                }
            }
        }
        (Value::Array(a), Value::Array(b)) => {
            for i in 0..a.len().max(b.len()) {
                let p = format!("{path}[{i}]");
                match (a.get(i), b.get(i)) {
                    (Some(x), Some(y)) => diff_at(&p, x, y, out),
                    (Some(x), None) => out.push(DiffLine::Removed {
                        path: p,
                        value: shown(x),
                    }),
                    (None, Some(y)) => out.push(DiffLine::Added {
                        path: p,
                        value: shown(y),
                    }),
                    (None, None) => {}
                }
            }
        }
        (a, b) if a != b => out.push(DiffLine::Changed {
            path: if path.is_empty() {
                "(root)".into()
            } else {
                path.to_owned()
            },
            old: shown(a),
            new: shown(b),
        }),
        _ => {}
    }
}

/// A line diff from `old` to `new` (longest common subsequence), keeping only
/// added and removed lines. Texts longer than 2,000 lines each are compared
/// as "removed all, added all" rather than in quadratic time.
pub fn text_diff(old: &str, new: &str) -> Vec<DiffLine> {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let line = |path: &str| path.to_owned();
    if a.len() > 2000 || b.len() > 2000 {
        return a
            .iter()
            .map(|l| DiffLine::Removed {
                path: line(l),
                value: String::new(),
            })
            .chain(b.iter().map(|l| DiffLine::Added {
                path: line(l),
                value: String::new(),
            }))
            .collect();
    }
    // lcs[i][j]: the common length of a[i..] and b[j..].
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let mut out = Vec::new();
    while i < a.len() || j < b.len() {
        if i < a.len() && j < b.len() && a[i] == b[j] {
            i += 1;
            j += 1;
        } else if i < a.len() && (j == b.len() || lcs[i + 1][j] >= lcs[i][j + 1]) {
            out.push(DiffLine::Removed {
                path: line(a[i]),
                value: String::new(),
            });
            i += 1;
        } else {
            out.push(DiffLine::Added {
                path: line(b[j]),
                value: String::new(),
            });
            j += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn json_diff_names_paths_and_values() {
        let old = json!({"id": "/hello", "instances": 1, "container": {"docker": {"image": "r/h:1"}},
                         "ports": [1, 2], "cmd": "a"});
        let new = json!({"id": "/hello", "instances": 3, "container": {"docker": {"image": "r/h:2"}},
                         "ports": [1], "labels": {"A": "b"}});
        let lines: Vec<String> = json_diff(&old, &new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(
            lines,
            [
                "- cmd: \"a\"",
                "~ container.docker.image: \"r/h:1\" → \"r/h:2\"",
                "~ instances: 1 → 3",
                "+ labels: {\"A\":\"b\"}",
                "- ports[1]: 2",
            ]
        );
        assert!(json_diff(&old, &old).is_empty());
        assert_eq!(
            json_diff(&json!(1), &json!("1"))[0].to_string(),
            "~ (root): 1 → \"1\""
        );
    }

    #[test]
    fn long_values_are_cut() {
        let long = "x".repeat(500);
        let d = json_diff(&json!({}), &json!({ "cmd": long }));
        let text = d[0].to_string();
        assert!(text.ends_with('…'), "{text}");
        assert!(text.chars().count() < 140, "{}", text.len());
    }

    #[test]
    fn text_diff_keeps_order_and_common_lines_out() {
        let old = "<a>\n<b>1</b>\n<c/>\n";
        let new = "<a>\n<b>2</b>\n<c/>\n<d/>\n";
        let lines: Vec<String> = text_diff(old, new)
            .iter()
            .map(ToString::to_string)
            .collect();
        assert_eq!(lines, ["- <b>1</b>", "+ <b>2</b>", "+ <d/>"]);
        assert!(text_diff(old, old).is_empty());
        let big_old = "a\n".repeat(2001);
        assert_eq!(text_diff(&big_old, "b").len(), 2002);
    }

    #[test]
    fn plan_lines_headings_and_noop() {
        let mut plan = Plan::new(Stage::Configure);
        assert!(plan.is_noop());
        assert_eq!(plan.lines(), ["= configure: nothing to do"]);
        plan.push(Change::new(
            Action::Unchanged,
            ResourceKind::MarathonGroup,
            "/cd",
        ));
        assert!(plan.is_noop());
        plan.push(
            Change::new(Action::Update, ResourceKind::JenkinsJob, "cd/hello")
                .reason("config.xml differs")
                .diff(text_diff("<x>1</x>", "<x>2</x>")),
        );
        assert!(!plan.is_noop());
        assert_eq!(
            plan.lines(),
            [
                "= unchanged marathon group /cd",
                "~ update jenkins job cd/hello (config.xml differs)",
                "    - <x>1</x>",
                "    + <x>2</x>",
            ]
        );
        assert_eq!(plan.to_string().lines().count(), 4);
        let (events, mut stream) = Events::channel();
        plan.emit(&events);
        assert_eq!(stream.drain().len(), 4);
        let json = serde_json::to_value(&plan).unwrap();
        assert_eq!(json["changes"][1]["action"], "update");
        assert_eq!(json["changes"][1]["diff"][0]["op"], "removed");
        let back: Plan = serde_json::from_value(json).unwrap();
        assert_eq!(back, plan);
    }
}
