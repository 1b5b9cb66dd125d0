//! Decoding payloads whose shape depends on their `_class`.
//!
//! Jenkins names the Java class of every object in `_class` (since 2.x; older
//! servers send none). An enum tagged on it is decoded by reading the object
//! once into a map, choosing the variant from `_class` (or, for old payloads,
//! from the keys present) and decoding the variant from that map. Unknown
//! classes stay whole in a catch-all variant.

use serde::de::{DeserializeOwned, Error};
use serde_json::{Map, Value};

/// The `_class` of an object, if it has one.
pub(crate) fn class_of(map: &Map<String, Value>) -> Option<&str> {
    map.get("_class").and_then(Value::as_str)
}

/// The short name of a Java class: `hudson.model.Queue$LeftItem` gives
/// `Queue$LeftItem`.
pub(crate) fn short_class(class: &str) -> &str {
    class.rsplit('.').next().unwrap_or(class)
}

/// Decodes one variant from the object already read.
pub(crate) fn variant<T: DeserializeOwned, E: Error>(
    map: Map<String, Value>,
    what: &str,
) -> Result<T, E> {
    serde_json::from_value(Value::Object(map)).map_err(|e| E::custom(format!("{what}: {e}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_class_drops_the_package() {
        assert_eq!(short_class("hudson.model.Queue$LeftItem"), "Queue$LeftItem");
        assert_eq!(short_class("Plain"), "Plain");
    }
}
