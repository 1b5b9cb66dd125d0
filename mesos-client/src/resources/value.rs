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
use crate::extra::Extra;

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

/// A number (`Value.Scalar`). Mesos keeps three decimals; do arithmetic
/// with [`Scalar`](super::Scalar), not on this `f64`.
///
/// Written by hand rather than with `json_model!`, like [`ValueRange`]: a
/// GET_STATE holds one per scalar resource, so unknown fields are kept in
/// an [`Extra`] that costs 8 bytes when empty (16 bytes in all, not 32).
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ValueScalar {
    /// The number.
    pub value: f64,
    /// Fields this version of the model does not know, written back unchanged.
    pub extra: Extra,
}

impl ValueScalar {
    /// A scalar holding `value`.
    pub fn new(value: f64) -> Self {
        ValueScalar {
            value,
            extra: Extra::new(),
        }
    }
}

impl dcos_auth::model::Field for ValueScalar {
    fn is_unset(&self) -> bool {
        false
    }
}

impl serde::Serialize for ValueScalar {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("value", &self.value)?;
        for (key, value) in self.extra.iter().filter(|(key, _)| *key != "value") {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for ValueScalar {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ScalarVisitor;
        impl<'de> Visitor<'de> for ScalarVisitor {
            type Value = ValueScalar;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Value.Scalar object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueScalar, A::Error> {
                let mut out = ValueScalar::default();
                while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
                    if key == "value" {
                        out.value = map.next_value()?;
                    } else {
                        let value = map.next_value()?;
                        out.extra.insert(key.into_owned(), value);
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(ScalarVisitor)
    }
}

/// A list of inclusive ranges (`Value.Ranges`), for example ports.
///
/// Written by hand, like [`ValueScalar`], to keep unknown fields in an
/// 8-byte [`Extra`].
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ValueRanges {
    /// The ranges, in any order and possibly overlapping on the wire.
    pub range: Vec<ValueRange>,
    /// Fields this version of the model does not know, written back unchanged.
    pub extra: Extra,
}

impl ValueRanges {
    /// Ranges from `(begin, end)` pairs, both ends inclusive.
    pub fn new(pairs: impl IntoIterator<Item = (u64, u64)>) -> Self {
        ValueRanges {
            range: pairs
                .into_iter()
                .map(|(begin, end)| ValueRange::new(begin, end))
                .collect(),
            extra: Extra::new(),
        }
    }
}

impl dcos_auth::model::Field for ValueRanges {
    fn is_unset(&self) -> bool {
        false
    }
}

impl serde::Serialize for ValueRanges {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        map.serialize_entry("range", &self.range)?;
        for (key, value) in self.extra.iter().filter(|(key, _)| *key != "range") {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

impl<'de> serde::Deserialize<'de> for ValueRanges {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct RangesVisitor;
        impl<'de> Visitor<'de> for RangesVisitor {
            type Value = ValueRanges;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Value.Ranges object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<ValueRanges, A::Error> {
                let mut out = ValueRanges::default();
                while let Some(dcos_auth::model::Key(key)) = map.next_key()? {
                    if key == "range" {
                        out.range = map.next_value()?;
                    } else {
                        let value = map.next_value()?;
                        out.extra.insert(key.into_owned(), value);
                    }
                }
                Ok(out)
            }
        }
        deserializer.deserialize_map(RangesVisitor)
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
/// kept in `extra` all the same, in an [`Extra`] that costs 8 bytes when
/// empty.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct ValueRange {
    /// The first number in the range.
    pub begin: u64,
    /// The last number in the range (inclusive).
    pub end: u64,
    /// Fields this version of the model does not know, written back unchanged.
    pub extra: Extra,
}

impl ValueRange {
    /// The range `begin..=end`.
    pub fn new(begin: u64, end: u64) -> Self {
        ValueRange {
            begin,
            end,
            extra: Extra::new(),
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
        for (key, value) in self.extra.iter() {
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
    fn a_scalar_is_16_bytes_and_keeps_unknown_fields() {
        assert_eq!(std::mem::size_of::<ValueScalar>(), 16);
        let s: ValueScalar = serde_json::from_str(r#"{"value":0.5,"unit":"cores"}"#).unwrap();
        assert_eq!(s.value, 0.5);
        assert_eq!(
            serde_json::to_string(&s).unwrap(),
            r#"{"value":0.5,"unit":"cores"}"#
        );
        assert_eq!(
            serde_json::to_string(&ValueScalar::new(2.0)).unwrap(),
            r#"{"value":2.0}"#
        );
        assert!(serde_json::from_str::<ValueScalar>(r#"{"value":"x"}"#).is_err());
    }

    #[test]
    fn ranges_keep_unknown_fields_and_write_an_empty_list() {
        let json = r#"{"range":[{"begin":1,"end":2}],"note":true}"#;
        let r: ValueRanges = serde_json::from_str(json).unwrap();
        assert_eq!(r.range, [ValueRange::new(1, 2)]);
        assert_eq!(serde_json::to_string(&r).unwrap(), json);
        let empty: ValueRanges = serde_json::from_str("{}").unwrap();
        assert_eq!(serde_json::to_string(&empty).unwrap(), r#"{"range":[]}"#);
        assert!(serde_json::from_str::<ValueRanges>(r#"{"range":{}}"#).is_err());
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
