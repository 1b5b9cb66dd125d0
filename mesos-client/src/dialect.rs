//! Field types for the JSON dialect of Mesos.
//!
//! Mesos turns its protobuf messages into JSON by reflection
//! (`3rdparty/stout/include/stout/protobuf.hpp`), not as proto3 canonical
//! JSON. The differences a model has to get right, and the type here for each:
//!
//! | proto type | Mesos writes | Mesos reads | type |
//! |---|---|---|---|
//! | `int64`, `sint64`, `sfixed64` | a number, even above 2^53 | a number or a decimal string | [`Int64`] |
//! | `uint64`, `fixed64` | a number | a number or a decimal string | [`Uint64`] |
//! | `double` | a number | a number or a string, `"Infinity"` too | [`Double`] |
//! | `bytes` | base64, standard alphabet, padded | base64 | [`Base64Bytes`] |
//! | `DurationInfo`, `TimeInfo` | `{"nanoseconds": …}` | the same | [`DurationInfo`], [`TimeInfo`] |
//! | `google.protobuf.Duration` | `{"seconds": 600, "nanos": 0}`, not `"600s"` | the same | [`ProtoDuration`] |
//!
//! Each type implements [`dcos_auth::model::Field`], so it can be a field of a
//! [`dcos_auth::json_model!`] struct (as `Option<…>` for optional fields).
//! Each decodes straight from the input with its own visitor, with no
//! intermediate [`serde_json::Value`].
//!
//! A JSON number is exact in Rust (serde_json reads integers as `u64` or
//! `i64`), but a JavaScript client rounds anything above 2^53; that is why
//! Mesos also reads strings. [`Int64`] and [`Uint64`] write numbers, as Mesos
//! does, and accept either.
//!
//! ```
//! use mesos_client::dialect::{Base64Bytes, Double, Int64, TimeInfo};
//!
//! dcos_auth::json_model! {
//!     /// Part of a task status.
//!     pub struct Status {
//!         /// When it happened.
//!         "timestamp" timestamp: Option<Double>,
//!         /// The update's id, base64.
//!         "uuid" uuid: Option<Base64Bytes>,
//!         /// A 64-bit counter.
//!         "count" count: Option<Int64>,
//!         /// A time.
//!         "time" time: Option<TimeInfo>,
//!     }
//! }
//!
//! let json = r#"{"timestamp":"Infinity","uuid":"aGVsbG8","count":"9007199254740993",
//!                "time":{"nanoseconds":1470820172046531840}}"#;
//! let status: Status = serde_json::from_str(json).unwrap();
//! assert!(status.timestamp.unwrap().get().is_infinite());
//! assert_eq!(&status.uuid.as_ref().unwrap()[..], b"hello");
//! assert_eq!(status.count, Some(Int64(9_007_199_254_740_993)));
//! assert_eq!(status.time.as_ref().unwrap().nanoseconds(), 1_470_820_172_046_531_840);
//! assert_eq!(
//!     serde_json::to_string(&status).unwrap(),
//!     r#"{"timestamp":"Infinity","uuid":"aGVsbG8=","count":9007199254740993,"time":{"nanoseconds":1470820172046531840}}"#
//! );
//! ```

use std::fmt;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use base64::Engine as _;
use base64::alphabet;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use bytes::Bytes;
use dcos_auth::model::Field;
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};

macro_rules! integer_newtype {
    (
        $(#[$meta:meta])*
        $name:ident($int:ty), $what:literal
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub $int);

        impl $name {
            /// The value.
            pub const fn get(self) -> $int {
                self.0
            }
        }

        impl From<$int> for $name {
            fn from(value: $int) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $int {
            fn from(value: $name) -> Self {
                value.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl Field for $name {
            fn is_unset(&self) -> bool {
                false
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serde::Serialize::serialize(&self.0, serializer)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                struct IntVisitor;
                impl Visitor<'_> for IntVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                        f.write_str(concat!($what, " as a number or a decimal string"))
                    }
                    fn visit_i64<E: de::Error>(self, v: i64) -> Result<$name, E> {
                        <$int>::try_from(v)
                            .map($name)
                            .map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
                    }
                    fn visit_u64<E: de::Error>(self, v: u64) -> Result<$name, E> {
                        <$int>::try_from(v)
                            .map($name)
                            .map_err(|_| E::invalid_value(Unexpected::Unsigned(v), &self))
                    }
                    fn visit_f64<E: de::Error>(self, v: f64) -> Result<$name, E> {
                        // An integral float in range, such as 1e3: stout's JSON
                        // numbers are doubles when they have an exponent.
                        // MIN is a power of two (or 0) and exact; MAX rounds up
                        // to the next power of two, the first value out of range.
                        const MIN: f64 = <$int>::MIN as f64;
                        const LIMIT: f64 = <$int>::MAX as f64;
                        if v.fract() == 0.0 && (MIN..LIMIT).contains(&v) {
                            Ok($name(v as $int))
                        } else {
                            Err(E::invalid_value(Unexpected::Float(v), &self))
                        }
                    }
                    fn visit_str<E: de::Error>(self, v: &str) -> Result<$name, E> {
                        v.parse::<$int>()
                            .map($name)
                            .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
                    }
                }
                deserializer.deserialize_any(IntVisitor)
            }
        }
    };
}

integer_newtype!(
    /// A protobuf `int64`: written as a JSON number, read from a number or a
    /// decimal string, exactly over the whole range
    /// (`"nanoseconds": 1470820172046531840` survives).
    Int64(i64), "a signed 64-bit integer"
);

integer_newtype!(
    /// A protobuf `uint64`: written as a JSON number, read from a number or a
    /// decimal string, exactly over the whole range.
    Uint64(u64), "an unsigned 64-bit integer"
);

/// A protobuf `double`: finite values are JSON numbers; infinities and NaN
/// are the strings `"Infinity"`, `"-Infinity"` and `"NaN"`, which JSON has no
/// numbers for. Reads numbers and strings (a decimal string too, as Mesos
/// does; the special names in any case).
///
/// Equality is IEEE equality: `NaN` is not equal to itself.
#[derive(Debug, Clone, Copy, Default, PartialEq, PartialOrd)]
pub struct Double(pub f64);

impl Double {
    /// The value.
    pub const fn get(self) -> f64 {
        self.0
    }
}

impl From<f64> for Double {
    fn from(value: f64) -> Self {
        Double(value)
    }
}

impl From<Double> for f64 {
    fn from(value: Double) -> Self {
        value.0
    }
}

impl fmt::Display for Double {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl Field for Double {
    fn is_unset(&self) -> bool {
        false
    }
}

impl Serialize for Double {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let v = self.0;
        if v.is_finite() {
            serializer.serialize_f64(v)
        } else if v.is_nan() {
            serializer.serialize_str("NaN")
        } else if v > 0.0 {
            serializer.serialize_str("Infinity")
        } else {
            serializer.serialize_str("-Infinity")
        }
    }
}

impl<'de> Deserialize<'de> for Double {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct DoubleVisitor;
        impl Visitor<'_> for DoubleVisitor {
            type Value = Double;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number, \"Infinity\", \"-Infinity\", \"NaN\" or a decimal string")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Double, E> {
                Ok(Double(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Double, E> {
                Ok(Double(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Double, E> {
                Ok(Double(v as f64))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Double, E> {
                // Rust's parser takes "Infinity", "-Infinity", "NaN" (in any
                // case) as well as decimals.
                v.parse::<f64>()
                    .map(Double)
                    .map_err(|_| E::invalid_value(Unexpected::Str(v), &self))
            }
        }
        deserializer.deserialize_any(DoubleVisitor)
    }
}

/// Base64 with the standard alphabet; padding written, and optional when read.
const BASE64: GeneralPurpose = GeneralPurpose::new(
    &alphabet::STANDARD,
    GeneralPurposeConfig::new().with_decode_padding_mode(DecodePaddingMode::Indifferent),
);

/// A protobuf `bytes` field, such as `TaskStatus.data` or `UUID.value`: base64
/// in JSON (standard alphabet, written with padding, read with or without).
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Base64Bytes(pub Bytes);

impl Base64Bytes {
    /// The decoded bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// The decoded bytes, without copying.
    pub fn into_bytes(self) -> Bytes {
        self.0
    }

    /// The value as Mesos writes it: padded base64.
    pub fn to_base64(&self) -> String {
        BASE64.encode(&self.0)
    }

    /// Decodes base64 (standard alphabet, padding optional).
    pub fn from_base64(text: &str) -> Result<Self, base64::DecodeError> {
        BASE64.decode(text).map(|v| Base64Bytes(Bytes::from(v)))
    }
}

impl std::ops::Deref for Base64Bytes {
    type Target = [u8];
    fn deref(&self) -> &[u8] {
        &self.0
    }
}

impl AsRef<[u8]> for Base64Bytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl From<Bytes> for Base64Bytes {
    fn from(value: Bytes) -> Self {
        Base64Bytes(value)
    }
}

impl From<Vec<u8>> for Base64Bytes {
    fn from(value: Vec<u8>) -> Self {
        Base64Bytes(Bytes::from(value))
    }
}

impl From<&[u8]> for Base64Bytes {
    fn from(value: &[u8]) -> Self {
        Base64Bytes(Bytes::copy_from_slice(value))
    }
}

impl Field for Base64Bytes {
    fn is_unset(&self) -> bool {
        false
    }
}

impl Serialize for Base64Bytes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        // Written straight into the output, with no intermediate string.
        serializer.collect_str(&base64::display::Base64Display::new(&self.0, &BASE64))
    }
}

impl<'de> Deserialize<'de> for Base64Bytes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Base64Visitor;
        impl Visitor<'_> for Base64Visitor {
            type Value = Base64Bytes;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a base64 string")
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Base64Bytes, E> {
                Base64Bytes::from_base64(v).map_err(|e| {
                    E::invalid_value(Unexpected::Str(v), &format!("base64 ({e})").as_str())
                })
            }
        }
        deserializer.deserialize_str(Base64Visitor)
    }
}

dcos_auth::json_model! {
    /// `mesos.v1.DurationInfo`: a duration in nanoseconds, such as
    /// `KillPolicy.grace_period` or `Filters`-style back-offs. It may be
    /// negative.
    pub struct DurationInfo {
        /// The duration, in nanoseconds (required by the proto).
        "nanoseconds" nanoseconds: Int64,
    }
}

impl DurationInfo {
    /// A duration of `nanos` nanoseconds.
    pub fn from_nanos(nanos: i64) -> Self {
        DurationInfo {
            nanoseconds: Int64(nanos),
            ..DurationInfo::default()
        }
    }

    /// The duration, in nanoseconds.
    pub fn nanoseconds(&self) -> i64 {
        self.nanoseconds.0
    }

    /// From a [`Duration`], saturating at `i64::MAX` nanoseconds (292 years).
    pub fn from_std(duration: Duration) -> Self {
        DurationInfo::from_nanos(i64::try_from(duration.as_nanos()).unwrap_or(i64::MAX))
    }

    /// As a [`Duration`]; `None` when negative.
    pub fn to_std(&self) -> Option<Duration> {
        u64::try_from(self.nanoseconds.0)
            .ok()
            .map(Duration::from_nanos)
    }
}

impl From<Duration> for DurationInfo {
    fn from(duration: Duration) -> Self {
        DurationInfo::from_std(duration)
    }
}

dcos_auth::json_model! {
    /// `mesos.v1.TimeInfo`: a time since the Unix epoch, in nanoseconds, such
    /// as `Unavailability.start`.
    pub struct TimeInfo {
        /// Nanoseconds since the epoch (required by the proto); negative
        /// before 1970.
        "nanoseconds" nanoseconds: Int64,
    }
}

impl TimeInfo {
    /// The time `nanos` nanoseconds after the epoch.
    pub fn from_nanos(nanos: i64) -> Self {
        TimeInfo {
            nanoseconds: Int64(nanos),
            ..TimeInfo::default()
        }
    }

    /// Nanoseconds since the epoch.
    pub fn nanoseconds(&self) -> i64 {
        self.nanoseconds.0
    }

    /// From a [`SystemTime`], saturating at the `i64` range (years 1678 to
    /// 2262).
    pub fn from_system_time(time: SystemTime) -> Self {
        let nanos = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => i64::try_from(after.as_nanos()).unwrap_or(i64::MAX),
            Err(before) => i64::try_from(before.duration().as_nanos())
                .map(|n| -n)
                .unwrap_or(i64::MIN),
        };
        TimeInfo::from_nanos(nanos)
    }

    /// As a [`SystemTime`].
    pub fn to_system_time(&self) -> SystemTime {
        let nanos = self.nanoseconds.0;
        let magnitude = Duration::from_nanos(nanos.unsigned_abs());
        if nanos >= 0 {
            UNIX_EPOCH + magnitude
        } else {
            UNIX_EPOCH - magnitude
        }
    }
}

impl From<SystemTime> for TimeInfo {
    fn from(time: SystemTime) -> Self {
        TimeInfo::from_system_time(time)
    }
}

dcos_auth::json_model! {
    /// `google.protobuf.Duration` as Mesos writes it: a plain message object,
    /// `{"seconds": 600}` or `{"seconds": 1, "nanos": 500000000}`, not proto3's
    /// `"600s"`. Used by `DRAIN_AGENT`'s `max_grace_period`. Both fields are
    /// proto3 scalars, left out when zero, so both are optional here and an
    /// absent one is zero.
    pub struct ProtoDuration {
        /// Whole seconds; may be negative.
        "seconds" seconds: Option<Int64>,
        /// Nanoseconds on top, `-999_999_999..=999_999_999`, with the sign of
        /// `seconds`.
        "nanos" nanos: Option<i32>,
    }
}

impl ProtoDuration {
    /// From a [`Duration`]: `seconds` always, `nanos` only when not zero.
    /// Saturates at `i64::MAX` seconds.
    pub fn from_std(duration: Duration) -> Self {
        let seconds = i64::try_from(duration.as_secs()).unwrap_or(i64::MAX);
        // subsec_nanos is below 10^9, so it fits an i32.
        let nanos = i32::try_from(duration.subsec_nanos()).unwrap_or(i32::MAX);
        ProtoDuration {
            seconds: Some(Int64(seconds)),
            nanos: (nanos != 0).then_some(nanos),
            ..ProtoDuration::default()
        }
    }

    /// As a [`Duration`]; `None` when negative or when `nanos` is out of
    /// range.
    pub fn to_std(&self) -> Option<Duration> {
        let seconds = u64::try_from(self.seconds.map_or(0, Int64::get)).ok()?;
        let nanos = u32::try_from(self.nanos.unwrap_or(0)).ok()?;
        if nanos >= 1_000_000_000 {
            return None;
        }
        Some(Duration::new(seconds, nanos))
    }
}

impl From<Duration> for ProtoDuration {
    fn from(duration: Duration) -> Self {
        ProtoDuration::from_std(duration)
    }
}
