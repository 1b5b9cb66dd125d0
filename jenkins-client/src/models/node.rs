//! Nodes (computers) and labels: `GET computer/api/json`,
//! `GET computer/<name>/api/json`, `GET label/<name>/api/json`.
//!
//! The built-in node is `(built-in)` in URLs since Jenkins 2.307 and
//! `(master)` before. Mesos cloud agents are inbound (`jnlpAgent: true`),
//! single-use and ephemeral: one that has gone answers 404.

use dcos_auth::json_model;
use serde_json::{Map, Value};

use super::BuildRef;

json_model! {
    /// `GET computer/api/json`: every node.
    pub struct ComputerSet {
        /// `hudson.model.ComputerSet`.
        "_class" class: Option<String>,
        /// Executors busy on all nodes.
        "busyExecutors" busy_executors: Option<u32>,
        /// Executors on all nodes.
        "totalExecutors" total_executors: Option<u32>,
        /// `Nodes`.
        "displayName" display_name: Option<String>,
        /// The nodes.
        "computer" computer: Vec<Computer>,
    }
}

json_model! {
    /// A node: the built-in node (`hudson.model.Hudson$MasterComputer`), an
    /// agent (`hudson.slaves.SlaveComputer`), a Mesos cloud agent
    /// (`org.jenkinsci.plugins.mesos.MesosComputer`)…
    pub struct Computer {
        /// The Java class.
        "_class" class: Option<String>,
        /// The node name; `Built-In Node` or `master` for the built-in node.
        "displayName" display_name: String,
        /// The node description.
        "description" description: Option<String>,
        /// Whether it is offline, for any reason.
        "offline" offline: Option<bool>,
        /// Whether a user marked it offline.
        "temporarilyOffline" temporarily_offline: Option<bool>,
        /// Why it is offline, as text (may hold HTML).
        "offlineCauseReason" offline_cause_reason: Option<String>,
        /// Why it is offline, as an object (`{}` without depth).
        "offlineCause" offline_cause: Option<Value>,
        /// Whether every executor is idle.
        "idle" idle: Option<bool>,
        /// How many executors it has.
        "numExecutors" num_executors: Option<u32>,
        /// The executors (`{}` each without a `tree` naming their fields).
        "executors" executors: Option<Vec<Executor>>,
        /// Flyweight executors, such as a Pipeline's outer task.
        "oneOffExecutors" one_off_executors: Option<Vec<Executor>>,
        /// Its labels.
        "assignedLabels" assigned_labels: Option<Vec<LabelRef>>,
        /// Whether it is an inbound agent (it connects to Jenkins).
        "jnlpAgent" jnlp_agent: Option<bool>,
        /// Whether Jenkins can launch it.
        "launchSupported" launch_supported: Option<bool>,
        /// Whether a user may launch it.
        "manualLaunchAllowed" manual_launch_allowed: Option<bool>,
        /// Node monitor readings by monitor class; `null` when unknown.
        "monitorData" monitor_data: Option<Map<String, Value>>,
        /// The agent's root directory, when connected.
        "absoluteRemotePath" absolute_remote_path: Option<String>,
        /// The icon file name.
        "icon" icon: Option<String>,
    }
}

impl Computer {
    /// Whether this is the built-in node.
    pub fn is_built_in(&self) -> bool {
        self.class.as_deref() == Some("hudson.model.Hudson$MasterComputer")
    }

    /// Whether some executor is free and the node is online.
    pub fn can_take_work(&self) -> bool {
        self.offline != Some(true)
            && self
                .executors
                .as_ref()
                .is_some_and(|e| e.iter().any(|x| x.idle == Some(true)))
    }

    /// The label names.
    pub fn labels(&self) -> impl Iterator<Item = &str> {
        self.assigned_labels
            .iter()
            .flatten()
            .filter_map(|l| l.name.as_deref())
    }
}

json_model! {
    /// One executor of a node.
    pub struct Executor {
        /// The Java class.
        "_class" class: Option<String>,
        /// The executor's index on its node; -1 for a one-off executor.
        "number" number: Option<i32>,
        /// Whether it is idle.
        "idle" idle: Option<bool>,
        /// Whether it has run for far longer than expected.
        "likelyStuck" likely_stuck: Option<bool>,
        /// Progress in percent, -1 when unknown.
        "progress" progress: Option<i32>,
        /// The build it runs (a Pipeline `node {}` block shows as a
        /// `PlaceholderExecutable` with the run's number and URL).
        "currentExecutable" current_executable: Option<BuildRef>,
    }
}

json_model! {
    /// A label a node carries (`{name}`; more fields with depth).
    pub struct LabelRef {
        /// The label name.
        "name" name: Option<String>,
    }
}

json_model! {
    /// `GET label/<name>/api/json`: a label and the nodes that carry it.
    pub struct Label {
        /// `hudson.model.labels.LabelAtom` or `LabelExpression…`.
        "_class" class: Option<String>,
        /// The label name.
        "name" name: Option<String>,
        /// The label's description.
        "description" description: Option<String>,
        /// Executors busy on its nodes.
        "busyExecutors" busy_executors: Option<u32>,
        /// Executors idle on its nodes.
        "idleExecutors" idle_executors: Option<u32>,
        /// Executors on its nodes.
        "totalExecutors" total_executors: Option<u32>,
        /// Whether every node of it is offline.
        "offline" offline: Option<bool>,
        /// The nodes (`nodeName` is `""` for the built-in node).
        "nodes" nodes: Option<Vec<NodeRef>>,
        /// Clouds that can provision agents for it (a Mesos cloud template).
        "clouds" clouds: Option<Vec<Value>>,
        /// Jobs tied to it.
        "tiedJobs" tied_jobs: Option<Vec<Value>>,
    }
}

json_model! {
    /// A node named by a label.
    pub struct NodeRef {
        /// The Java class.
        "_class" class: Option<String>,
        /// The node name; `""` for the built-in node.
        "nodeName" node_name: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_executors_and_null_monitors_decode() {
        let c: Computer = serde_json::from_str(
            r#"{"_class":"hudson.slaves.SlaveComputer","displayName":"a","executors":[{}],
                "offline":true,"monitorData":{"m":null},"assignedLabels":[{"name":"linux"}]}"#,
        )
        .unwrap();
        assert!(!c.is_built_in());
        assert!(!c.can_take_work());
        assert_eq!(c.labels().collect::<Vec<_>>(), ["linux"]);
        assert_eq!(c.monitor_data.unwrap()["m"], Value::Null);
    }
}
