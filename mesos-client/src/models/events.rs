//! Events of the master's operator SUBSCRIBE stream (`mesos.v1.master.Event`).

use std::fmt;

use dcos_auth::{json_model, string_enum};
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use super::common::{FrameworkInfo, Task, TaskState, TaskStatus};
use super::master::{Agent, Framework, GetState};
use crate::dialect::Double;
use crate::resources::{AgentId, FrameworkId};

string_enum! {
    /// The type of an operator event (`Event.Type`).
    pub enum OperatorEventType {
        /// The first event: the whole cluster state.
        Subscribed = "SUBSCRIBED",
        /// A task became known to the master.
        TaskAdded = "TASK_ADDED",
        /// A task changed state.
        TaskUpdated = "TASK_UPDATED",
        /// An agent registered or re-registered.
        AgentAdded = "AGENT_ADDED",
        /// An agent was removed.
        AgentRemoved = "AGENT_REMOVED",
        /// A framework registered.
        FrameworkAdded = "FRAMEWORK_ADDED",
        /// A framework re-registered.
        FrameworkUpdated = "FRAMEWORK_UPDATED",
        /// A framework was removed.
        FrameworkRemoved = "FRAMEWORK_REMOVED",
        /// A keep-alive, every `heartbeat_interval_seconds`.
        Heartbeat = "HEARTBEAT",
    }
}

json_model! {
    /// SUBSCRIBED: the snapshot the stream starts with (`Event.Subscribed`).
    pub struct Subscribed {
        /// The whole cluster state; later events update it.
        "get_state" get_state: Option<GetState>,
        /// How often the master sends HEARTBEAT, when it sends them.
        "heartbeat_interval_seconds" heartbeat_interval_seconds: Option<Double>,
    }
}

impl Subscribed {
    /// The heartbeat interval, when the master sends heartbeats and the
    /// interval is a positive, finite number of seconds.
    pub fn heartbeat_interval(&self) -> Option<std::time::Duration> {
        let secs = self.heartbeat_interval_seconds.as_ref()?.0;
        if secs.is_finite() && secs > 0.0 {
            std::time::Duration::try_from_secs_f64(secs).ok()
        } else {
            None
        }
    }
}

json_model! {
    /// TASK_ADDED (`Event.TaskAdded`).
    pub struct TaskAdded {
        /// The task.
        "task" task: Task,
    }
}

json_model! {
    /// TASK_UPDATED (`Event.TaskUpdated`).
    pub struct TaskUpdated {
        /// The task's framework.
        "framework_id" framework_id: FrameworkId,
        /// The latest status the scheduler acknowledged.
        "status" status: TaskStatus,
        /// The latest state according to the agent; it can be newer than
        /// `status`.
        "state" state: Option<TaskState>,
    }
}

json_model! {
    /// AGENT_ADDED (`Event.AgentAdded`).
    pub struct AgentAdded {
        /// The agent.
        "agent" agent: Agent,
    }
}

json_model! {
    /// AGENT_REMOVED (`Event.AgentRemoved`).
    pub struct AgentRemoved {
        /// The agent's ID.
        "agent_id" agent_id: AgentId,
    }
}

json_model! {
    /// FRAMEWORK_ADDED or FRAMEWORK_UPDATED (`Event.FrameworkAdded`,
    /// `Event.FrameworkUpdated`).
    pub struct FrameworkChanged {
        /// The framework.
        "framework" framework: Framework,
    }
}

json_model! {
    /// FRAMEWORK_REMOVED (`Event.FrameworkRemoved`).
    pub struct FrameworkRemoved {
        /// The removed framework's description.
        "framework_info" framework_info: FrameworkInfo,
    }
}

/// One event of the operator SUBSCRIBE stream, from
/// [`Operator::subscribe`](crate::operator::Operator::subscribe).
///
/// Payloads are boxed: a SUBSCRIBED snapshot is large, and an event is
/// moved through several streams. An event whose type this version does not
/// know, or whose payload is missing, is kept as sent in
/// [`OperatorEvent::Unknown`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum OperatorEvent {
    /// SUBSCRIBED: the first event, with the whole cluster state.
    Subscribed(Box<Subscribed>),
    /// TASK_ADDED.
    TaskAdded(Box<TaskAdded>),
    /// TASK_UPDATED.
    TaskUpdated(Box<TaskUpdated>),
    /// AGENT_ADDED.
    AgentAdded(Box<AgentAdded>),
    /// AGENT_REMOVED.
    AgentRemoved(Box<AgentRemoved>),
    /// FRAMEWORK_ADDED.
    FrameworkAdded(Box<FrameworkChanged>),
    /// FRAMEWORK_UPDATED.
    FrameworkUpdated(Box<FrameworkChanged>),
    /// FRAMEWORK_REMOVED.
    FrameworkRemoved(Box<FrameworkRemoved>),
    /// HEARTBEAT.
    Heartbeat,
    /// An event this version does not model, or one without its payload,
    /// as sent.
    Unknown(Value),
}

impl OperatorEvent {
    /// The event's type (for [`OperatorEvent::Unknown`], its `type` field,
    /// or `UNKNOWN` when it has none).
    pub fn kind(&self) -> OperatorEventType {
        match self {
            OperatorEvent::Subscribed(_) => OperatorEventType::Subscribed,
            OperatorEvent::TaskAdded(_) => OperatorEventType::TaskAdded,
            OperatorEvent::TaskUpdated(_) => OperatorEventType::TaskUpdated,
            OperatorEvent::AgentAdded(_) => OperatorEventType::AgentAdded,
            OperatorEvent::AgentRemoved(_) => OperatorEventType::AgentRemoved,
            OperatorEvent::FrameworkAdded(_) => OperatorEventType::FrameworkAdded,
            OperatorEvent::FrameworkUpdated(_) => OperatorEventType::FrameworkUpdated,
            OperatorEvent::FrameworkRemoved(_) => OperatorEventType::FrameworkRemoved,
            OperatorEvent::Heartbeat => OperatorEventType::Heartbeat,
            OperatorEvent::Unknown(v) => OperatorEventType::Unknown(
                v.get("type")
                    .and_then(Value::as_str)
                    .unwrap_or("UNKNOWN")
                    .to_owned(),
            ),
        }
    }
}

/// The payloads found while decoding, before the type decides.
#[derive(Default)]
struct Parts {
    kind: Option<String>,
    subscribed: Option<Subscribed>,
    task_added: Option<TaskAdded>,
    task_updated: Option<TaskUpdated>,
    agent_added: Option<AgentAdded>,
    agent_removed: Option<AgentRemoved>,
    framework_added: Option<FrameworkChanged>,
    framework_updated: Option<FrameworkChanged>,
    framework_removed: Option<FrameworkRemoved>,
    other: Map<String, Value>,
}

impl Parts {
    fn into_event(mut self) -> OperatorEvent {
        let kind = self.kind.as_deref().map(str::parse::<OperatorEventType>);
        let event = match kind {
            Some(Ok(OperatorEventType::Subscribed)) => self
                .subscribed
                .take()
                .map(|p| OperatorEvent::Subscribed(Box::new(p))),
            Some(Ok(OperatorEventType::TaskAdded)) => self
                .task_added
                .take()
                .map(|p| OperatorEvent::TaskAdded(Box::new(p))),
            Some(Ok(OperatorEventType::TaskUpdated)) => self
                .task_updated
                .take()
                .map(|p| OperatorEvent::TaskUpdated(Box::new(p))),
            Some(Ok(OperatorEventType::AgentAdded)) => self
                .agent_added
                .take()
                .map(|p| OperatorEvent::AgentAdded(Box::new(p))),
            Some(Ok(OperatorEventType::AgentRemoved)) => self
                .agent_removed
                .take()
                .map(|p| OperatorEvent::AgentRemoved(Box::new(p))),
            Some(Ok(OperatorEventType::FrameworkAdded)) => self
                .framework_added
                .take()
                .map(|p| OperatorEvent::FrameworkAdded(Box::new(p))),
            Some(Ok(OperatorEventType::FrameworkUpdated)) => self
                .framework_updated
                .take()
                .map(|p| OperatorEvent::FrameworkUpdated(Box::new(p))),
            Some(Ok(OperatorEventType::FrameworkRemoved)) => self
                .framework_removed
                .take()
                .map(|p| OperatorEvent::FrameworkRemoved(Box::new(p))),
            Some(Ok(OperatorEventType::Heartbeat)) => Some(OperatorEvent::Heartbeat),
            _ => None,
        };
        event.unwrap_or_else(|| OperatorEvent::Unknown(self.into_value()))
    }

    /// Everything that was sent, as JSON again.
    fn into_value(self) -> Value {
        fn put<T: Serialize>(map: &mut Map<String, Value>, key: &str, value: Option<T>) {
            if let Some(v) = value.and_then(|v| serde_json::to_value(v).ok()) {
                map.insert(key.to_owned(), v);
            }
        }
        let mut map = Map::new();
        if let Some(kind) = self.kind {
            map.insert("type".into(), Value::String(kind));
        }
        put(&mut map, "subscribed", self.subscribed);
        put(&mut map, "task_added", self.task_added);
        put(&mut map, "task_updated", self.task_updated);
        put(&mut map, "agent_added", self.agent_added);
        put(&mut map, "agent_removed", self.agent_removed);
        put(&mut map, "framework_added", self.framework_added);
        put(&mut map, "framework_updated", self.framework_updated);
        put(&mut map, "framework_removed", self.framework_removed);
        map.extend(self.other);
        Value::Object(map)
    }
}

impl<'de> Deserialize<'de> for OperatorEvent {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EventVisitor;
        impl<'de> Visitor<'de> for EventVisitor {
            type Value = OperatorEvent;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an operator event object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<OperatorEvent, A::Error> {
                let mut parts = Parts::default();
                while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
                    match &*key {
                        "type" => parts.kind = Some(map.next_value()?),
                        "subscribed" => parts.subscribed = map.next_value()?,
                        "task_added" => parts.task_added = map.next_value()?,
                        "task_updated" => parts.task_updated = map.next_value()?,
                        "agent_added" => parts.agent_added = map.next_value()?,
                        "agent_removed" => parts.agent_removed = map.next_value()?,
                        "framework_added" => parts.framework_added = map.next_value()?,
                        "framework_updated" => parts.framework_updated = map.next_value()?,
                        "framework_removed" => parts.framework_removed = map.next_value()?,
                        _ => {
                            let value = map.next_value()?;
                            parts.other.insert(key.into_owned(), value);
                        }
                    }
                }
                Ok(parts.into_event())
            }
        }
        deserializer.deserialize_map(EventVisitor)
    }
}

impl Serialize for OperatorEvent {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        fn one<S: Serializer, T: Serialize>(
            serializer: S,
            kind: &str,
            key: &str,
            payload: &T,
        ) -> Result<S::Ok, S::Error> {
            let mut map = serializer.serialize_map(Some(2))?;
            map.serialize_entry("type", kind)?;
            map.serialize_entry(key, payload)?;
            map.end()
        }
        match self {
            OperatorEvent::Subscribed(p) => one(serializer, "SUBSCRIBED", "subscribed", p),
            OperatorEvent::TaskAdded(p) => one(serializer, "TASK_ADDED", "task_added", p),
            OperatorEvent::TaskUpdated(p) => one(serializer, "TASK_UPDATED", "task_updated", p),
            OperatorEvent::AgentAdded(p) => one(serializer, "AGENT_ADDED", "agent_added", p),
            OperatorEvent::AgentRemoved(p) => one(serializer, "AGENT_REMOVED", "agent_removed", p),
            OperatorEvent::FrameworkAdded(p) => {
                one(serializer, "FRAMEWORK_ADDED", "framework_added", p)
            }
            OperatorEvent::FrameworkUpdated(p) => {
                one(serializer, "FRAMEWORK_UPDATED", "framework_updated", p)
            }
            OperatorEvent::FrameworkRemoved(p) => {
                one(serializer, "FRAMEWORK_REMOVED", "framework_removed", p)
            }
            OperatorEvent::Heartbeat => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("type", "HEARTBEAT")?;
                map.end()
            }
            OperatorEvent::Unknown(v) => v.serialize(serializer),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_heartbeat_and_unknown() {
        let e: OperatorEvent = serde_json::from_str(r#"{"type":"HEARTBEAT"}"#).unwrap();
        assert_eq!(e, OperatorEvent::Heartbeat);
        let raw = r#"{"type":"NEW_THING","new_thing":{"a":1}}"#;
        let e: OperatorEvent = serde_json::from_str(raw).unwrap();
        assert_eq!(e.kind(), OperatorEventType::Unknown("NEW_THING".into()));
        assert_eq!(
            serde_json::to_value(&e).unwrap(),
            serde_json::from_str::<Value>(raw).unwrap()
        );
        // A known type without its payload is kept as sent.
        let e: OperatorEvent = serde_json::from_str(r#"{"type":"TASK_ADDED"}"#).unwrap();
        assert!(matches!(e, OperatorEvent::Unknown(_)), "{e:?}");
        assert_eq!(e.kind(), OperatorEventType::Unknown("TASK_ADDED".into()));
    }

    #[test]
    fn payload_before_type_and_round_trip() {
        let raw = r#"{"agent_removed":{"agent_id":{"value":"S1"}},"type":"AGENT_REMOVED"}"#;
        let e: OperatorEvent = serde_json::from_str(raw).unwrap();
        let OperatorEvent::AgentRemoved(p) = &e else {
            panic!("{e:?}")
        };
        assert_eq!(p.agent_id.as_str(), "S1");
        let back: OperatorEvent =
            serde_json::from_value(serde_json::to_value(&e).unwrap()).unwrap();
        assert_eq!(back, e);
    }

    #[test]
    fn heartbeat_interval() {
        let s: Subscribed = serde_json::from_str(r#"{"heartbeat_interval_seconds":15}"#).unwrap();
        assert_eq!(
            s.heartbeat_interval(),
            Some(std::time::Duration::from_secs(15))
        );
        let s: Subscribed = serde_json::from_str(r#"{"heartbeat_interval_seconds":0}"#).unwrap();
        assert_eq!(s.heartbeat_interval(), None);
    }
}
