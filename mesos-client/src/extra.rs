//! [`Extra`]: the unknown fields of the small messages a GET_STATE holds by
//! the hundred thousand (IDs, scalars, ranges), kept only when present.
//!
//! `json_model!` structs hold their unknown fields in an inline
//! `serde_json::Map` (24 bytes each, even when empty). An ID appears a dozen
//! times per task, so its unknown fields live behind an `Option<Box<…>>`
//! instead: 8 bytes when there are none, which is always, in practice.

use serde_json::{Map, Value};

/// Fields a small message does not know, written back unchanged: a map that
/// is allocated only when the first unknown field arrives.
///
/// Two `Extra`s are equal when they hold the same fields, allocated or not.
#[derive(Debug, Clone, Default)]
pub struct Extra(Option<Box<Map<String, Value>>>);

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.iter().eq(other.iter())
    }
}

impl Eq for Extra {}

impl Extra {
    /// No unknown fields.
    pub const fn new() -> Self {
        Extra(None)
    }

    /// Whether there are no unknown fields.
    pub fn is_empty(&self) -> bool {
        self.0.as_ref().is_none_or(|map| map.is_empty())
    }

    /// The unknown field `key`.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.0.as_ref()?.get(key)
    }

    /// Adds or replaces the unknown field `key`, returning the old value.
    pub fn insert(&mut self, key: String, value: Value) -> Option<Value> {
        self.map_mut().insert(key, value)
    }

    /// The unknown fields, in key order.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &Value)> {
        self.0.iter().flat_map(|map| map.iter())
    }

    /// The unknown fields as a map, allocated on first use.
    pub fn map_mut(&mut self) -> &mut Map<String, Value> {
        self.0.get_or_insert_with(Box::default)
    }
}

impl From<Map<String, Value>> for Extra {
    fn from(map: Map<String, Value>) -> Self {
        Extra((!map.is_empty()).then(|| Box::new(map)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn allocates_only_when_a_field_arrives() {
        assert_eq!(std::mem::size_of::<Extra>(), 8);
        let mut extra = Extra::new();
        assert!(extra.is_empty());
        assert_eq!(extra.iter().count(), 0);
        assert_eq!(extra.insert("new".into(), Value::from(1)), None);
        assert!(!extra.is_empty());
        assert_eq!(extra.get("new"), Some(&Value::from(1)));
        let copy = extra.map_mut().clone();
        assert_eq!(extra, Extra::from(copy));
        assert_eq!(Extra::from(Map::new()), Extra::new());
        let mut allocated = Extra::new();
        allocated.map_mut();
        assert_eq!(allocated, Extra::new(), "an empty map equals none");
    }
}
