//! `Value` and its parts (`mesos.proto` `Value`): the wire form of a resource's
//! or an attribute's quantity.
//!
//! These are plain models. The math lives in [`Scalar`](super::Scalar),
//! [`Ranges`](super::Ranges) and [`Set`](super::Set).

use std::fmt;

use dcos_auth::{json_model, string_enum};
use serde::de::{self, Deserializer, MapAccess, Visitor};
use serde::ser::{SerializeMap, Serializer};

use super::int64::U64;

string_enum! {
    /// Which of a value's fields holds the quantity (`Value.Type`).
    pub enum ValueType {
        /// A number: `scalar`.
        Scalar = "SCALAR",
        /// Inclusive integer ranges: `ranges`.
        Ranges = "RANGES",
        /// A set of strings: `set`.
        Set = "SET",
        /// A text: `text` (attributes only).
        Text = "TEXT",
    }
}

json_model! {
    /// A number (`Value.Scalar`). Mesos keeps three decimals; do arithmetic
    /// with [`Scalar`](super::Scalar), not on this `f64`.
    pub struct ValueScalar {
        /// The number.
        "value" value: f64,
    }
}

json_model! {
    /// A list of inclusive ranges (`Value.Ranges`), for example ports.
    pub struct ValueRanges {
        /// The ranges, in any order and possibly overlapping on the wire.
        "range" range: Vec<ValueRange>,
    }
}

json_model! {
    /// A set of strings (`Value.Set`).
    pub struct ValueSet {
        /// The items.
        "item" item: Vec<String>,
    }
}

json_model! {
    /// A text (`Value.Text`).
    pub struct ValueText {
        /// The text.
        "value" value: String,
    }
}

json_model! {
    /// A typed value (`Value`), as used by `Attribute` and by resource
    /// requests.
    pub struct Value {
        /// Which field holds the quantity.
        "type" kind: Option<ValueType>,
        /// The number, for `SCALAR`.
        "scalar" scalar: Option<ValueScalar>,
        /// The ranges, for `RANGES`.
        "ranges" ranges: Option<ValueRanges>,
        /// The items, for `SET`.
        "set" set: Option<ValueSet>,
        /// The text, for `TEXT`.
        "text" text: Option<ValueText>,
    }
}

impl ValueScalar {
    /// A scalar holding `value`.
    pub fn new(value: f64) -> Self {
        ValueScalar {
            value,
            ..ValueScalar::default()
        }
    }
}

impl ValueRanges {
    /// Ranges from `(begin, end)` pairs, both ends inclusive.
    pub fn new(pairs: impl IntoIterator<Item = (u64, u64)>) -> Self {
        ValueRanges {
            range: pairs
                .into_iter()
                .map(|(begin, end)| ValueRange::new(begin, end))
                .collect(),
            ..ValueRanges::default()
        }
    }
}

impl ValueSet {
    /// A set of `items`.
    pub fn new<S: Into<String>>(items: impl IntoIterator<Item = S>) -> Self {
        ValueSet {
            item: items.into_iter().map(Into::into).collect(),
            ..ValueSet::default()
        }
    }
}

/// One inclusive range (`Value.Range`): `begin..=end`.
///
/// Written by hand rather than with `json_model!` because `begin` and `end`
/// are `uint64`, which Mesos reads from numbers or strings. Unknown fields are
/// kept in `extra` all the same.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ValueRange {
    /// The first number in the range.
    pub begin: u64,
    /// The last number in the range (inclusive).
    pub end: u64,
    /// Fields this version of the model does not know, written back unchanged.
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl ValueRange {
    /// The range `begin..=end`.
    pub fn new(begin: u64, end: u64) -> Self {
        ValueRange {
            begin,
            end,
            extra: serde_json::Map::new(),
        }
    }
}

impl dcos_auth::model::Field for ValueRange {
    fn is_unset(&self) -> bool {
        false
    }
}

impl serde::Serialize for ValueRange {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("begin", &self.begin)?;
        map.serialize_entry("end", &self.end)?;
        for (key, value) in &self.extra {
            if key != "begin" && key != "end" {
                map.serialize_entry(key, value)?;
            }
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for ValueRange {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RangeVisitor;
        impl<'de> Visitor<'de> for RangeVisitor {
            type Value = ValueRange;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Value.Range object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueRange, A::Error> {
                let mut out = ValueRange::default();
                let (mut begin, mut end) = (false, false);
                while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
                    match &*key {
                        "begin" => {
                            out.begin = map.next_value::<U64>()?.0;
                            begin = true;
                        }
                        "end" => {
                            out.end = map.next_value::<U64>()?.0;
                            end = true;
                        }
                        _ => {
                            let value = map.next_value()?;
                            out.extra.insert(key.into_owned(), value);
                        }
                    }
                }
                if !begin {
                    return Err(de::Error::missing_field("begin"));
                }
                if !end {
                    return Err(de::Error::missing_field("end"));
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(RangeVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_range_reads_numbers_or_strings_and_keeps_unknown_fields() {
        let r: ValueRange =
            serde_json::from_str(r#"{"begin":"31000","end":32000,"note":"x"}"#).unwrap();
        assert_eq!((r.begin, r.end), (31000, 32000));
        assert_eq!(
            serde_json::to_string(&r).unwrap(),
            r#"{"begin":31000,"end":32000,"note":"x"}"#
        );
    }

    #[test]
    fn a_range_needs_both_ends() {
        assert!(serde_json::from_str::<ValueRange>(r#"{"begin":1}"#).is_err());
        assert!(serde_json::from_str::<ValueRange>(r#"{"end":1}"#).is_err());
    }

    #[test]
    fn value_types_keep_unknown_names() {
        let t: ValueType = serde_json::from_str(r#""MATRIX""#).unwrap();
        assert_eq!(t, ValueType::Unknown("MATRIX".into()));
    }
}
