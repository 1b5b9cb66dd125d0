//! The `{"value": "…"}` ID messages of `mesos.proto` that offers and tasks use.
//!
//! A GET_STATE holds about a dozen IDs per task, so they are compact: the ID
//! as an `Arc<str>` (16 bytes) and unknown fields in an [`Extra`] that
//! allocates only when one arrives (8 bytes), 24 bytes in all instead of the
//! 48 of a `json_model!` struct. Cloning an ID shares its text, so the
//! copies of one ID in a task's statuses can share one allocation
//! ([`Task::shrink_to_fit`](crate::models::Task::shrink_to_fit) does it).
//! They are written exactly as read: `{"value": …}` plus any unknown fields.

use std::fmt;
use std::sync::Arc;

use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};

use crate::extra::Extra;

macro_rules! id_message {
    ($($(#[$meta:meta])* $name:ident = $proto:literal),* $(,)?) => {
        $(
            $(#[$meta])*
            #[derive(Debug, Clone, Default, PartialEq, Eq)]
            pub struct $name {
                value: Arc<str>,
                extra: Extra,
            }

            impl $name {
                /// Wraps an ID string.
                pub fn new(value: impl Into<String>) -> Self {
                    $name { value: Arc::from(value.into()), extra: Extra::new() }
                }

                /// Makes this ID share the text of `other` when both are
                /// the same ID, freeing its own copy.
                pub fn share(&mut self, other: &Self) {
                    if self.value == other.value && !Arc::ptr_eq(&self.value, &other.value) {
                        self.value = Arc::clone(&other.value);
                    }
                }

                /// The ID string.
                pub fn as_str(&self) -> &str {
                    &self.value
                }

                /// Fields of the message this version does not know, written
                /// back unchanged.
                pub fn extra(&self) -> &Extra {
                    &self.extra
                }

                /// The unknown fields, to edit.
                pub fn extra_mut(&mut self) -> &mut Extra {
                    &mut self.extra
                }
            }

            impl fmt::Display for $name {
                fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                    f.write_str(&self.value)
                }
            }

            impl From<&str> for $name {
                fn from(value: &str) -> Self {
                    $name { value: Arc::from(value), extra: Extra::new() }
                }
            }

            impl From<String> for $name {
                fn from(value: String) -> Self {
                    $name::new(value)
                }
            }

            impl AsRef<str> for $name {
                fn as_ref(&self) -> &str {
                    &self.value
                }
            }

            impl PartialEq<str> for $name {
                fn eq(&self, other: &str) -> bool {
                    *self.value == *other
                }
            }

            impl PartialEq<&str> for $name {
                fn eq(&self, other: &&str) -> bool {
                    *self.value == **other
                }
            }

            impl dcos_auth::model::Field for $name {
                fn is_unset(&self) -> bool {
                    false
                }
            }

            impl serde::Serialize for $name {
                fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                    serialize_id(&self.value, &self.extra, serializer)
                }
            }

            impl<'de> serde::Deserialize<'de> for $name {
                fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let (value, extra) = deserializer.deserialize_map(IdVisitor($proto))?;
                    Ok($name { value, extra })
                }
            }
        )*
    };
}

fn serialize_id<S: Serializer>(
    value: &str,
    extra: &Extra,
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let mut map = serializer.serialize_map(None)?;
    map.serialize_entry("value", value)?;
    for (key, field) in extra.iter().filter(|(key, _)| *key != "value") {
        map.serialize_entry(key, field)?;
    }
    map.end()
}

/// Reads `{"value": "…", …}`, keeping unknown fields; `value` is required.
struct IdVisitor(&'static str);

impl<'de> Visitor<'de> for IdVisitor {
    type Value = (Arc<str>, Extra);

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "a {} object", self.0)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let mut value = None;
        let mut extra = Extra::new();
        while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
            if key == "value" {
                value = Some(map.next_value::<IdText>()?.0);
            } else {
                let field = map.next_value()?;
                extra.insert(key.into_owned(), field);
            }
        }
        let value = value.ok_or_else(|| de::Error::missing_field("value"))?;
        Ok((value, extra))
    }
}

/// An ID's text, read straight into an `Arc<str>` (one allocation).
struct IdText(Arc<str>);

impl<'de> serde::Deserialize<'de> for IdText {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct TextVisitor;
        impl Visitor<'_> for TextVisitor {
            type Value = IdText;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<IdText, E> {
                Ok(IdText(Arc::from(text)))
            }
        }
        deserializer.deserialize_str(TextVisitor)
    }
}

id_message! {
    /// An offer's ID (`OfferID`). An offer ID may be used in one call only.
    OfferId = "OfferID",
    /// A framework's ID (`FrameworkID`).
    FrameworkId = "FrameworkID",
    /// An agent's ID (`AgentID`).
    AgentId = "AgentID",
    /// A task's ID (`TaskID`), chosen by the framework.
    TaskId = "TaskID",
    /// An executor's ID (`ExecutorID`).
    ExecutorId = "ExecutorID",
    /// A resource provider's ID (`ResourceProviderID`).
    ResourceProviderId = "ResourceProviderID",
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_is_24_bytes_and_an_absent_one_costs_nothing_more() {
        assert_eq!(std::mem::size_of::<TaskId>(), 24);
        assert_eq!(std::mem::size_of::<Option<TaskId>>(), 24);
    }

    #[test]
    fn an_id_round_trips_with_unknown_fields() {
        let json = r#"{"value":"build-1.3f2a","zone":"a","n":[1]}"#;
        let id: TaskId = serde_json::from_str(json).unwrap();
        assert_eq!(id.as_str(), "build-1.3f2a");
        assert_eq!(id, "build-1.3f2a");
        assert_eq!(id.extra().get("zone"), Some(&serde_json::json!("a")));
        let back: serde_json::Value = serde_json::to_value(&id).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
    }

    #[test]
    fn an_id_without_unknown_fields_writes_only_its_value() {
        let id = AgentId::from("S0");
        assert_eq!(serde_json::to_string(&id).unwrap(), r#"{"value":"S0"}"#);
        assert_eq!(id.to_string(), "S0");
        assert!(id.extra().is_empty());
    }

    #[test]
    fn equal_ids_can_share_their_text() {
        let a = TaskId::new("build-1");
        let mut b: TaskId = serde_json::from_str(r#"{"value":"build-1"}"#).unwrap();
        let mut c = TaskId::from("build-2");
        b.share(&a);
        c.share(&a);
        assert!(Arc::ptr_eq(&a.value, &b.value));
        assert_eq!(c, "build-2");
        assert_eq!(a, b);
    }

    #[test]
    fn an_id_needs_a_string_value() {
        let err = serde_json::from_str::<FrameworkId>("{}").unwrap_err();
        assert!(err.to_string().contains("missing field `value`"), "{err}");
        assert!(serde_json::from_str::<FrameworkId>(r#"{"value":1}"#).is_err());
        let err = serde_json::from_str::<FrameworkId>(r#""fw""#).unwrap_err();
        assert!(err.to_string().contains("FrameworkID object"), "{err}");
    }
}
