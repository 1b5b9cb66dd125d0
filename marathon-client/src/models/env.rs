//! Environment variables and secrets.

use std::collections::BTreeMap;
use std::fmt;

use dcos_auth::json_model;
use serde::de::{self, Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, Serializer};

/// Environment variables by name, as in an app's `env` or a pod's
/// `environment`.
pub type EnvVars = BTreeMap<String, EnvValue>;

/// Secret declarations by name, as in an app's or a pod's `secrets`.
pub type Secrets = BTreeMap<String, SecretDef>;

/// The value of one environment variable: a string, or a reference to a
/// secret declared in `secrets`, `{"secret": "name"}`.
///
/// Any other shape a server sends is kept in [`EnvValue::Other`] and written
/// back unchanged, so decoding never fails on it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum EnvValue {
    /// A plain value.
    Value(String),
    /// A reference to a secret: `{"secret": "name"}`.
    Secret {
        /// The name of the secret in the app's or pod's `secrets`.
        secret: String,
    },
    /// Any other shape, kept as sent.
    Other(serde_json::Value),
}

impl EnvValue {
    /// A reference to the secret `name`.
    pub fn secret(name: impl Into<String>) -> Self {
        EnvValue::Secret {
            secret: name.into(),
        }
    }

    /// The plain value, if this is one.
    pub fn as_str(&self) -> Option<&str> {
        match self {
            EnvValue::Value(v) => Some(v),
            _ => None,
        }
    }

    /// The secret's name, if this is a secret reference.
    pub fn secret_name(&self) -> Option<&str> {
        match self {
            EnvValue::Secret { secret } => Some(secret),
            _ => None,
        }
    }
}

impl Default for EnvValue {
    fn default() -> Self {
        EnvValue::Value(String::new())
    }
}

impl From<&str> for EnvValue {
    fn from(v: &str) -> Self {
        EnvValue::Value(v.to_owned())
    }
}

impl From<String> for EnvValue {
    fn from(v: String) -> Self {
        EnvValue::Value(v)
    }
}

impl dcos_auth::model::Field for EnvValue {
    fn is_unset(&self) -> bool {
        false
    }
}

impl Serialize for EnvValue {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            EnvValue::Value(v) => serializer.serialize_str(v),
            EnvValue::Secret { secret } => {
                let mut map = serializer.serialize_map(Some(1))?;
                map.serialize_entry("secret", secret)?;
                map.end()
            }
            EnvValue::Other(v) => v.serialize(serializer),
        }
    }
}

// A visitor rather than `#[serde(untagged)]`: untagged buffers every value
// into an intermediate tree first, and env maps are on the hot path of app
// lists.
impl<'de> Deserialize<'de> for EnvValue {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct EnvVisitor;
        impl<'de> Visitor<'de> for EnvVisitor {
            type Value = EnvValue;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string or {\"secret\": name}")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<EnvValue, E> {
                Ok(EnvValue::Value(v.to_owned()))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<EnvValue, E> {
                Ok(EnvValue::Value(v))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<EnvValue, E> {
                Ok(EnvValue::Other(v.into()))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<EnvValue, E> {
                Ok(EnvValue::Other(v.into()))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<EnvValue, E> {
                Ok(EnvValue::Other(v.into()))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<EnvValue, E> {
                Ok(EnvValue::Other(v.into()))
            }
            fn visit_unit<E: de::Error>(self) -> Result<EnvValue, E> {
                Ok(EnvValue::Other(serde_json::Value::Null))
            }
            fn visit_none<E: de::Error>(self) -> Result<EnvValue, E> {
                Ok(EnvValue::Other(serde_json::Value::Null))
            }
            fn visit_seq<A: de::SeqAccess<'de>>(self, seq: A) -> Result<EnvValue, A::Error> {
                let value =
                    serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(EnvValue::Other(value))
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<EnvValue, A::Error> {
                let mut object = serde_json::Map::new();
                while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
                    let value: serde_json::Value = map.next_value()?;
                    object.insert(key.into_owned(), value);
                }
                if object.len() == 1 {
                    if let Some(serde_json::Value::String(_)) = object.get("secret") {
                        if let Some(serde_json::Value::String(secret)) = object.remove("secret") {
                            return Ok(EnvValue::Secret { secret });
                        }
                    }
                }
                Ok(EnvValue::Other(serde_json::Value::Object(object)))
            }
        }
        deserializer.deserialize_any(EnvVisitor)
    }
}

json_model! {
    /// A secret declaration: where its value comes from, `{"source": …}`.
    pub struct SecretDef {
        /// The secret's path in the secret store, such as `/db/password`.
        "source" source: Option<String>,
    }
}

impl SecretDef {
    /// A secret read from `source`.
    pub fn new(source: impl Into<String>) -> Self {
        SecretDef {
            source: Some(source.into()),
            ..SecretDef::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_and_secret_references() {
        let env: EnvVars =
            serde_json::from_str(r#"{"A":"x","B":{"secret":"/db/pw"},"C":""}"#).unwrap();
        assert_eq!(env["A"], EnvValue::from("x"));
        assert_eq!(env["A"].as_str(), Some("x"));
        assert_eq!(env["B"], EnvValue::secret("/db/pw"));
        assert_eq!(env["B"].secret_name(), Some("/db/pw"));
        assert_eq!(env["C"].as_str(), Some(""));
        let back = serde_json::to_value(&env).unwrap();
        assert_eq!(back["B"], serde_json::json!({"secret": "/db/pw"}));
    }

    #[test]
    fn other_shapes_are_kept_not_rejected() {
        let json = r#"{"N":5,"F":1.5,"T":true,"Z":null,"L":[1],"O":{"secret":"s","x":1},"S":{"secret":3}}"#;
        let env: EnvVars = serde_json::from_str(json).unwrap();
        for key in ["N", "F", "T", "Z", "L", "O", "S"] {
            assert!(matches!(env[key], EnvValue::Other(_)), "{key}");
        }
        let back = serde_json::to_value(&env).unwrap();
        let want: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back, want);
    }

    #[test]
    fn secret_declarations_round_trip() {
        let json = r#"{"s1":{"source":"/db/password","future":true}}"#;
        let secrets: Secrets = serde_json::from_str(json).unwrap();
        assert_eq!(secrets["s1"].source.as_deref(), Some("/db/password"));
        assert_eq!(serde_json::to_string(&secrets).unwrap(), json);
    }
}
