//! Reading 64-bit integers in the Mesos JSON dialect.
//!
//! Mesos writes `uint64` and `int64` fields as JSON numbers but reads them from
//! numbers or strings (stout's `protobuf.hpp`), and some tools write strings to
//! survive JavaScript's 2^53 limit. This is a small private stand-in for the
//! crate-wide dialect helpers; swap it for those once they land.

use std::fmt;

use serde::de::{self, Deserializer, Visitor};

/// Reads a `u64` from a JSON number or a decimal string.
pub(crate) fn read_u64<'de, D: Deserializer<'de>>(deserializer: D) -> Result<u64, D::Error> {
    struct U64Visitor;
    impl Visitor<'_> for U64Visitor {
        type Value = u64;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("an unsigned 64-bit integer as a number or a string")
        }
        fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
            Ok(v)
        }
        fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
            u64::try_from(v).map_err(|_| E::invalid_value(de::Unexpected::Signed(v), &self))
        }
        fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
            // `31000.0` is an integer written by a float-minded encoder.
            if v.fract() == 0.0 && (0.0..18_446_744_073_709_551_616.0).contains(&v) {
                #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
                Ok(v as u64)
            } else {
                Err(E::invalid_value(de::Unexpected::Float(v), &self))
            }
        }
        fn visit_str<E: de::Error>(self, v: &str) -> Result<u64, E> {
            v.trim()
                .parse()
                .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
        }
    }
    deserializer.deserialize_any(U64Visitor)
}

/// A `DeserializeSeed`-free wrapper so a map visitor can call [`read_u64`]
/// through `next_value::<U64>()`.
pub(crate) struct U64(pub(crate) u64);

impl<'de> de::Deserialize<'de> for U64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        read_u64(deserializer).map(U64)
    }
}

#[cfg(test)]
mod tests {
    use super::U64;

    fn read(json: &str) -> Result<u64, serde_json::Error> {
        serde_json::from_str::<U64>(json).map(|v| v.0)
    }

    #[test]
    fn numbers_and_strings_are_read() {
        assert_eq!(read("31000").unwrap(), 31000);
        assert_eq!(read("\"31000\"").unwrap(), 31000);
        assert_eq!(read("18446744073709551615").unwrap(), u64::MAX);
        assert_eq!(read("\"18446744073709551615\"").unwrap(), u64::MAX);
        assert_eq!(read("31000.0").unwrap(), 31000);
    }

    #[test]
    fn negatives_fractions_and_junk_are_errors() {
        assert!(read("-1").is_err());
        assert!(read("1.5").is_err());
        assert!(read("\"ten\"").is_err());
        assert!(read("null").is_err());
    }
}
