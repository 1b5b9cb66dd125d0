//! Frameworks: scheduler-API frameworks with their event stream, and the
//! frameworks the other simulated services (Marathon, Jenkins) register.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::SystemTime;

use serde_json::Value;
use tokio::sync::mpsc;

/// A subscribed scheduler's stream.
#[derive(Debug, Clone)]
pub(crate) struct Subscriber {
    pub(crate) stream_id: String,
    pub(crate) events: mpsc::UnboundedSender<Arc<Value>>,
}

/// One framework.
#[derive(Debug, Clone)]
pub(crate) struct Framework {
    pub(crate) id: String,
    /// `FrameworkInfo` as subscribed, with its `id`.
    pub(crate) info: Value,
    pub(crate) role: String,
    pub(crate) active: bool,
    pub(crate) registered_nanos: i64,
    pub(crate) reregistered_nanos: i64,
    /// The scheduler-API stream while subscribed.
    pub(crate) subscriber: Option<Subscriber>,
    /// The stream id of the latest subscription (a failover timeout only
    /// removes the framework if it has not subscribed again since).
    pub(crate) last_stream_id: Option<String>,
    /// True for frameworks of the other simulated services: they get no
    /// offers and read task updates from the crate API.
    pub(crate) internal: bool,
    pub(crate) suppressed: bool,
    /// Declined agents and until when (simulated time).
    pub(crate) filters: HashMap<String, SystemTime>,
    /// Whether the framework has the PARTITION_AWARE capability.
    pub(crate) partition_aware: bool,
    /// `failover_timeout` in seconds.
    pub(crate) failover_timeout: f64,
}

impl Framework {
    /// Whether the framework is connected (subscribed, or internal).
    pub(crate) fn connected(&self) -> bool {
        self.internal || self.subscriber.is_some()
    }

    /// Sends a scheduler event if subscribed.
    pub(crate) fn send(&self, event: Value) {
        if let Some(s) = &self.subscriber {
            let _ = s.events.send(Arc::new(event));
        }
    }

    /// Reads the role: `roles[0]` (MULTI_ROLE), else `role`, else `*`.
    pub(crate) fn role_of(info: &Value) -> String {
        info.pointer("/roles/0")
            .or_else(|| info.get("role"))
            .and_then(Value::as_str)
            .unwrap_or("*")
            .to_owned()
    }

    /// Whether `info` has a capability.
    pub(crate) fn has_capability(info: &Value, kind: &str) -> bool {
        info.get("capabilities")
            .and_then(Value::as_array)
            .is_some_and(|caps| {
                caps.iter()
                    .any(|c| c.get("type").and_then(Value::as_str) == Some(kind))
            })
    }
}
