//! How Marathon upgrades, kills and replaces instances.

use std::fmt;

use dcos_auth::{json_model, string_enum};
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};

json_model! {
    /// How an upgrade replaces instances.
    pub struct UpgradeStrategy {
        /// The share of instances (0 to 1) that must stay healthy during an
        /// upgrade. Default 1.
        "minimumHealthCapacity" minimum_health_capacity: Option<f64>,
        /// The share of instances (0 to 1) that may run on top of the target
        /// count during an upgrade. Default 1.
        "maximumOverCapacity" maximum_over_capacity: Option<f64>,
    }
}

impl UpgradeStrategy {
    /// A strategy with both shares set.
    pub fn new(minimum_health_capacity: f64, maximum_over_capacity: f64) -> Self {
        UpgradeStrategy {
            minimum_health_capacity: Some(minimum_health_capacity),
            maximum_over_capacity: Some(maximum_over_capacity),
            ..UpgradeStrategy::default()
        }
    }
}

string_enum! {
    /// Which instances go first when scaling down.
    pub enum KillSelection {
        /// The newest instances (the default).
        YoungestFirst = "YOUNGEST_FIRST",
        /// The oldest instances.
        OldestFirst = "OLDEST_FIRST",
    }
}

string_enum! {
    /// What happens to a resident task that is lost.
    pub enum TaskLostBehavior {
        /// Wait for the agent to come back.
        WaitForever = "WAIT_FOREVER",
        /// Relaunch elsewhere after `relaunchEscalationTimeoutSeconds`.
        RelaunchAfterTimeout = "RELAUNCH_AFTER_TIMEOUT",
    }
}

json_model! {
    /// How tasks with local persistent volumes are pinned to their agent
    /// (deprecated in Marathon 1.5).
    pub struct Residency {
        /// Seconds before relaunching a task elsewhere when it cannot be
        /// restarted on its agent. Default 3600.
        "relaunchEscalationTimeoutSeconds" relaunch_escalation_timeout_seconds: Option<u64>,
        /// What to do when a task is lost.
        "taskLostBehavior" task_lost_behavior: Option<TaskLostBehavior>,
    }
}

json_model! {
    /// When an unreachable instance is replaced and when it is expunged.
    pub struct UnreachableEnabled {
        /// Seconds after which an unreachable instance is replaced.
        "inactiveAfterSeconds" inactive_after_seconds: Option<u64>,
        /// Seconds after which an unreachable instance is expunged (killed if
        /// it comes back).
        "expungeAfterSeconds" expunge_after_seconds: Option<u64>,
    }
}

/// What Marathon does with unreachable instances: the string `"disabled"`,
/// or `{inactiveAfterSeconds, expungeAfterSeconds}`.
///
/// Both forms are read and written back as sent. A string other than
/// `"disabled"` is kept in [`UnreachableStrategy::Unknown`].
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UnreachableStrategy {
    /// `"disabled"`: unreachable instances are never replaced.
    Disabled,
    /// Replace and expunge after the given times.
    Enabled(UnreachableEnabled),
    /// Another string, kept as sent.
    Unknown(String),
}

impl UnreachableStrategy {
    /// Replace unreachable instances after `inactive_after_seconds` and
    /// expunge them after `expunge_after_seconds`.
    pub fn enabled(inactive_after_seconds: u64, expunge_after_seconds: u64) -> Self {
        UnreachableStrategy::Enabled(UnreachableEnabled {
            inactive_after_seconds: Some(inactive_after_seconds),
            expunge_after_seconds: Some(expunge_after_seconds),
            ..UnreachableEnabled::default()
        })
    }

    /// Whether this is `"disabled"`.
    pub fn is_disabled(&self) -> bool {
        matches!(self, UnreachableStrategy::Disabled)
    }
}

impl Default for UnreachableStrategy {
    fn default() -> Self {
        UnreachableStrategy::Enabled(UnreachableEnabled::default())
    }
}

impl dcos_auth::model::Field for UnreachableStrategy {
    fn is_unset(&self) -> bool {
        false
    }
}

impl Serialize for UnreachableStrategy {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            UnreachableStrategy::Disabled => serializer.serialize_str("disabled"),
            UnreachableStrategy::Enabled(e) => e.serialize(serializer),
            UnreachableStrategy::Unknown(s) => serializer.serialize_str(s),
        }
    }
}

impl<'de> Deserialize<'de> for UnreachableStrategy {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct StrategyVisitor;
        impl<'de> Visitor<'de> for StrategyVisitor {
            type Value = UnreachableStrategy;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("\"disabled\" or {inactiveAfterSeconds, expungeAfterSeconds}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<UnreachableStrategy, E> {
                Ok(match v {
                    "disabled" => UnreachableStrategy::Disabled,
                    other => UnreachableStrategy::Unknown(other.to_owned()),
                })
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<UnreachableStrategy, A::Error> {
                UnreachableEnabled::deserialize(de::value::MapAccessDeserializer::new(map))
                    .map(UnreachableStrategy::Enabled)
            }
        }
        deserializer.deserialize_any(StrategyVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn disabled_and_object_forms_round_trip() {
        let s: UnreachableStrategy = serde_json::from_str(r#""disabled""#).unwrap();
        assert!(s.is_disabled());
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""disabled""#);

        let json = r#"{"inactiveAfterSeconds":0,"expungeAfterSeconds":600}"#;
        let s: UnreachableStrategy = serde_json::from_str(json).unwrap();
        assert_eq!(s, UnreachableStrategy::enabled(0, 600));
        assert_eq!(serde_json::to_string(&s).unwrap(), json);
    }

    #[test]
    fn unknown_strings_and_fields_are_kept() {
        let s: UnreachableStrategy = serde_json::from_str(r#""paused""#).unwrap();
        assert_eq!(s, UnreachableStrategy::Unknown("paused".into()));
        assert_eq!(serde_json::to_string(&s).unwrap(), r#""paused""#);

        let json = r#"{"inactiveAfterSeconds":60,"future":"x"}"#;
        let s: UnreachableStrategy = serde_json::from_str(json).unwrap();
        assert_eq!(serde_json::to_string(&s).unwrap(), json);
        assert!(serde_json::from_str::<UnreachableStrategy>("3").is_err());
    }

    #[test]
    fn explicit_zero_capacity_is_written() {
        let u = UpgradeStrategy::new(0.0, 0.0);
        assert_eq!(
            serde_json::to_string(&u).unwrap(),
            r#"{"minimumHealthCapacity":0.0,"maximumOverCapacity":0.0}"#
        );
    }
}
