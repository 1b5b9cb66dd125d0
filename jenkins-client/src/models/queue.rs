//! The build queue: `GET queue/api/json` and `GET queue/item/<id>/api/json`.
//!
//! A queue item moves through `Queue$WaitingItem` (the quiet period),
//! `Queue$BlockedItem` (say, a build of the job already runs),
//! `Queue$BuildableItem` (waiting for an executor; `stuck` when no node can
//! ever take it) and ends as `Queue$LeftItem`, with either an `executable`
//! (the build) or `cancelled: true`. Left items are kept for 5 minutes and
//! then answer 404.

use dcos_auth::json_model;
use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::build::BuildAction;
use super::tagged::{class_of, short_class, variant};
use super::{BallColor, BuildRef};

/// The Java class of a Pipeline `node {}` request waiting in the queue. Its
/// task has no `name` and no `url`.
pub const PLACEHOLDER_TASK_CLASS: &str =
    "org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask";

json_model! {
    /// `GET queue/api/json`: every item in the queue.
    pub struct Queue {
        /// `hudson.model.Queue`.
        "_class" class: Option<String>,
        /// The items, of every kind.
        "items" items: Vec<QueueItem>,
        /// Items the user may know of but not see.
        "discoverableItems" discoverable_items: Option<Vec<Value>>,
    }
}

/// Declares a queue item struct: the fields every `Queue.Item` exports, then
/// the kind's own.
macro_rules! queue_item {
    (
        $(#[$meta:meta])*
        pub struct $name:ident { $($own:tt)* }
    ) => {
        json_model! {
            $(#[$meta])*
            pub struct $name {
                /// The Java class (absent before Jenkins 2).
                "_class" class: Option<String>,
                /// The item id: the `N` of `queue/item/N/`.
                "id" id: u64,
                /// The job (or Pipeline `node {}` request) waiting.
                "task" task: Option<QueueTask>,
                /// Causes and parameters.
                "actions" actions: Option<Vec<BuildAction>>,
                /// Why it is still waiting, as Jenkins words it.
                "why" why: Option<String>,
                /// When it entered the queue, in milliseconds since the epoch.
                "inQueueSince" in_queue_since: Option<u64>,
                /// The parameters as `\nname=value` lines.
                "params" params: Option<String>,
                /// Whether it is blocked.
                "blocked" blocked: Option<bool>,
                /// Whether it waits only for an executor.
                "buildable" buildable: Option<bool>,
                /// Whether it has waited long for an executor that no node
                /// can provide (a label with no node or cloud template).
                "stuck" stuck: Option<bool>,
                /// `queue/item/N/`, relative to the root.
                "url" url: Option<String>,
                $($own)*
            }
        }
    };
}

queue_item! {
    /// `Queue$WaitingItem`: in the quiet period.
    pub struct WaitingItem {
        /// When the quiet period ends, in milliseconds since the epoch.
        "timestamp" timestamp: Option<u64>,
    }
}

queue_item! {
    /// `Queue$BlockedItem`: blocked, as by a running build of the same job.
    pub struct BlockedItem {
        /// When it became buildable, in milliseconds since the epoch.
        "buildableStartMilliseconds" buildable_start_milliseconds: Option<u64>,
    }
}

queue_item! {
    /// `Queue$BuildableItem`: waiting for an executor.
    pub struct BuildableItem {
        /// When it became buildable, in milliseconds since the epoch.
        "buildableStartMilliseconds" buildable_start_milliseconds: Option<u64>,
        /// Whether an executor was picked and the build is about to start.
        "pending" pending: Option<bool>,
    }
}

queue_item! {
    /// `Queue$LeftItem`: it left the queue, to a build or cancelled.
    pub struct LeftItem {
        /// Whether it was cancelled (absent on old servers).
        "cancelled" cancelled: Option<bool>,
        /// The build it became; `null` when cancelled or still starting.
        "executable" executable: Option<BuildRef>,
    }
}

queue_item! {
    /// An item of a class this client does not know, with the common fields.
    pub struct OtherItem {}
}

/// A queue item, chosen by `_class`.
///
/// Items from before Jenkins 2 have no `_class`: an item with `executable`
/// or `cancelled` is [`QueueItem::Left`], a blocked one
/// [`QueueItem::Blocked`], a buildable one [`QueueItem::Buildable`], one with
/// a `timestamp` [`QueueItem::Waiting`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum QueueItem {
    /// In the quiet period.
    Waiting(WaitingItem),
    /// Blocked.
    Blocked(BlockedItem),
    /// Waiting for an executor.
    Buildable(BuildableItem),
    /// Left the queue.
    Left(LeftItem),
    /// Any other class, with the common fields; `extra` keeps the rest.
    Unknown(OtherItem),
}

macro_rules! common {
    ($self:ident, $item:ident => $e:expr) => {
        match $self {
            QueueItem::Waiting($item) => $e,
            QueueItem::Blocked($item) => $e,
            QueueItem::Buildable($item) => $e,
            QueueItem::Left($item) => $e,
            QueueItem::Unknown($item) => $e,
        }
    };
}

impl QueueItem {
    /// The item id.
    pub fn id(&self) -> u64 {
        common!(self, i => i.id)
    }

    /// Why it still waits, as Jenkins words it.
    pub fn why(&self) -> Option<&str> {
        common!(self, i => i.why.as_deref())
    }

    /// The task: the job, or a Pipeline `node {}` request.
    pub fn task(&self) -> Option<&QueueTask> {
        common!(self, i => i.task.as_ref())
    }

    /// The Java class, if sent.
    pub fn class(&self) -> Option<&str> {
        common!(self, i => i.class.as_deref())
    }

    /// Whether it has waited long for an executor no node can provide.
    pub fn is_stuck(&self) -> bool {
        common!(self, i => i.stuck == Some(true))
    }

    /// The causes and parameters.
    pub fn actions(&self) -> &[BuildAction] {
        common!(self, i => i.actions.as_deref().unwrap_or_default())
    }
}

impl<'de> Deserialize<'de> for QueueItem {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let map = Map::<String, Value>::deserialize(deserializer)?;
        let by_class = class_of(&map).map(short_class);
        let kind = match by_class {
            Some("Queue$WaitingItem") => Kind::Waiting,
            Some("Queue$BlockedItem") => Kind::Blocked,
            Some("Queue$BuildableItem") => Kind::Buildable,
            Some("Queue$LeftItem") => Kind::Left,
            Some(_) => Kind::Other,
            None if map.contains_key("executable") || map.contains_key("cancelled") => Kind::Left,
            None if map.get("blocked") == Some(&Value::Bool(true)) => Kind::Blocked,
            None if map.get("buildable") == Some(&Value::Bool(true)) => Kind::Buildable,
            None if map.contains_key("timestamp") => Kind::Waiting,
            None => Kind::Other,
        };
        Ok(match kind {
            Kind::Waiting => QueueItem::Waiting(variant(map, "Queue$WaitingItem")?),
            Kind::Blocked => QueueItem::Blocked(variant(map, "Queue$BlockedItem")?),
            Kind::Buildable => QueueItem::Buildable(variant(map, "Queue$BuildableItem")?),
            Kind::Left => QueueItem::Left(variant(map, "Queue$LeftItem")?),
            Kind::Other => QueueItem::Unknown(variant(map, "queue item")?),
        })
    }
}

enum Kind {
    Waiting,
    Blocked,
    Buildable,
    Left,
    Other,
}

impl Serialize for QueueItem {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        common!(self, i => i.serialize(serializer))
    }
}

impl dcos_auth::model::Field for QueueItem {
    fn is_unset(&self) -> bool {
        false
    }
}

json_model! {
    /// What a queue item would build. A job has `name`, `url` and `color`; a
    /// Pipeline `node {}` request ([`PLACEHOLDER_TASK_CLASS`]) has only
    /// `_class`.
    pub struct QueueTask {
        /// The Java class.
        "_class" class: Option<String>,
        /// The job name. Some servers send the full name.
        "name" name: Option<String>,
        /// The job's absolute URL, to be rebased, not followed.
        "url" url: Option<String>,
        /// The job's ball colour, such as `blue_anime`.
        "color" color: Option<BallColor>,
    }
}

impl QueueTask {
    /// Whether this is a Pipeline `node {}` request rather than a job.
    pub fn is_placeholder(&self) -> bool {
        self.class.as_deref() == Some(PLACEHOLDER_TASK_CLASS)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_class_has_its_variant() {
        for (class, want) in [
            ("hudson.model.Queue$WaitingItem", "Waiting"),
            ("hudson.model.Queue$BlockedItem", "Blocked"),
            ("hudson.model.Queue$BuildableItem", "Buildable"),
            ("hudson.model.Queue$LeftItem", "Left"),
            ("hudson.model.Queue$Future", "Unknown"),
        ] {
            let item: QueueItem =
                serde_json::from_str(&format!(r#"{{"_class":"{class}","id":5,"x":1}}"#)).unwrap();
            let got = match &item {
                QueueItem::Waiting(_) => "Waiting",
                QueueItem::Blocked(_) => "Blocked",
                QueueItem::Buildable(_) => "Buildable",
                QueueItem::Left(_) => "Left",
                QueueItem::Unknown(_) => "Unknown",
            };
            assert_eq!(got, want, "{class}");
            assert_eq!(item.id(), 5);
            let back = serde_json::to_value(&item).unwrap();
            assert_eq!(back["x"], 1);
            assert_eq!(back["_class"], class);
        }
    }

    #[test]
    fn a_placeholder_task_has_no_name() {
        let item: QueueItem = serde_json::from_str(&format!(
            r#"{{"_class":"hudson.model.Queue$BuildableItem","id":668,"stuck":true,"pending":false,
                "task":{{"_class":"{PLACEHOLDER_TASK_CLASS}"}},"why":"There are no nodes with the label ‘x’"}}"#
        ))
        .unwrap();
        assert!(item.is_stuck());
        assert!(item.task().unwrap().is_placeholder());
        assert_eq!(item.task().unwrap().name, None);
    }

    #[test]
    fn old_items_are_recognised_by_their_keys() {
        let left: QueueItem =
            serde_json::from_str(r#"{"id":1,"executable":{"number":2,"url":"u"}}"#).unwrap();
        assert!(
            matches!(left, QueueItem::Left(ref l) if l.executable.as_ref().unwrap().number == 2)
        );
        let blocked: QueueItem = serde_json::from_str(r#"{"id":1,"blocked":true}"#).unwrap();
        assert!(matches!(blocked, QueueItem::Blocked(_)));
        let buildable: QueueItem =
            serde_json::from_str(r#"{"id":1,"blocked":false,"buildable":true}"#).unwrap();
        assert!(matches!(buildable, QueueItem::Buildable(_)));
        let waiting: QueueItem = serde_json::from_str(r#"{"id":1,"timestamp":9}"#).unwrap();
        assert!(matches!(waiting, QueueItem::Waiting(_)));
    }

    #[test]
    fn an_item_without_id_is_an_error() {
        assert!(
            serde_json::from_str::<QueueItem>(
                r#"{"_class":"hudson.model.Queue$LeftItem","id":"x"}"#
            )
            .is_err()
        );
    }
}
