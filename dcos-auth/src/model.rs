//! Building blocks for forward-compatible JSON models, shared by every client.
//!
//! Servers add fields and enum values between versions. A model must keep what
//! it does not know, so that a GET, edit, PUT round trip loses nothing, and it
//! must keep explicit nulls and zeros. `#[serde(flatten)]` does the first, but
//! it buffers every object into an intermediate tree and makes decoding several
//! times slower than decoding into [`serde_json::Value`]. The two macros here
//! generate direct visitors instead:
//!
//! - [`json_model!`](crate::json_model) declares a struct whose known fields are
//!   matched by name while decoding and whose unknown fields land in
//!   `extra: serde_json::Map`. An explicit `null` for a known optional field is
//!   remembered in `extra`, so it is written back as `null`; a field that is
//!   `None` and was never sent is not written at all.
//! - [`string_enum!`](crate::string_enum) declares an enum of known string
//!   values plus `Unknown(String)`, which keeps any value the server invents.
//!
//! ```
//! dcos_auth::json_model! {
//!     /// A thing the server sends.
//!     pub struct Thing {
//!         /// Its id.
//!         "id" id: String,
//!         /// How many; `null` and absent are kept apart.
//!         "count" count: Option<u32>,
//!         /// A renamed field, also accepted under its old name.
//!         "kind" | "type" kind: Option<String>,
//!     }
//! }
//!
//! let thing: Thing = serde_json::from_str(r#"{"id":"a","count":null,"new":1}"#).unwrap();
//! assert_eq!(thing.count, None);
//! assert_eq!(thing.extra["new"], 1);
//! assert_eq!(
//!     serde_json::to_string(&thing).unwrap(),
//!     r#"{"id":"a","count":null,"new":1}"#
//! );
//! ```

use std::borrow::Cow;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, Visitor};

/// How a model field tells whether it holds a value to write.
///
/// `Option::None` is unset and is not written; every other value is written.
pub trait Field {
    /// Whether the field holds no value and is left out when written.
    fn is_unset(&self) -> bool;
}

impl<T> Field for Option<T> {
    fn is_unset(&self) -> bool {
        self.is_none()
    }
}

macro_rules! always_set {
    ($($ty:ty),* $(,)?) => {
        $(impl Field for $ty {
            fn is_unset(&self) -> bool {
                false
            }
        })*
    };
}

always_set!(
    String,
    bool,
    u8,
    u16,
    u32,
    u64,
    i8,
    i16,
    i32,
    i64,
    f32,
    f64,
    serde_json::Value
);

impl<T> Field for Vec<T> {
    fn is_unset(&self) -> bool {
        false
    }
}

impl<T: Field + ?Sized> Field for Box<T> {
    fn is_unset(&self) -> bool {
        (**self).is_unset()
    }
}

impl<K, V> Field for std::collections::BTreeMap<K, V> {
    fn is_unset(&self) -> bool {
        false
    }
}

impl<K, V, S> Field for std::collections::HashMap<K, V, S> {
    fn is_unset(&self) -> bool {
        false
    }
}

/// An object key, borrowed from the input when it has no escapes.
#[derive(Debug)]
pub struct Key<'de>(pub Cow<'de, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_str(KeyVisitor)
    }
}

/// What the macros need, reachable from other crates without their own
/// `serde` dependency. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use serde;
    pub use serde_json;
}

/// Declares a forward-compatible JSON model: a struct with named fields plus
/// `extra`, its `Serialize` and a fast `Deserialize` that needs no
/// `#[serde(flatten)]`. See the [module docs](crate::model).
///
/// Each field is written `"jsonName" | "alias" rust_name: Type`, with doc
/// comments and other attributes before it. Every field type implements
/// [`Field`] and `Default`: optional fields are `Option`. The struct derives
/// `Debug`, `Clone`, `Default` and `PartialEq` and is `#[non_exhaustive]`, so
/// build it from `Default` and set fields.
#[macro_export]
macro_rules! json_model {
    (
        $(#[$meta:meta])*
        $vis:vis struct $name:ident {
            $(
                $(#[$fmeta:meta])*
                $json:literal $(| $alias:literal)* $field:ident : $ty:ty
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Default, PartialEq)]
        #[non_exhaustive]
        $vis struct $name {
            $(
                $(#[$fmeta])*
                pub $field: $ty,
            )*
            /// Fields this version of the model does not know, and explicit
            /// `null`s sent for known optional fields. They are written back
            /// unchanged, so a read, edit, write round trip loses nothing.
            pub extra: $crate::model::__private::serde_json::Map<
                ::std::string::String,
                $crate::model::__private::serde_json::Value,
            >,
        }

        impl $name {
            /// Whether `key` is a known field that currently holds a value.
            fn __is_known_set(&self, key: &str) -> bool {
                match key {
                    $( $json $(| $alias)* => !$crate::model::Field::is_unset(&self.$field), )*
                    _ => false,
                }
            }
        }

        impl $crate::model::Field for $name {
            fn is_unset(&self) -> bool {
                false
            }
        }

        impl $crate::model::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::model::__private::serde::Serializer,
            {
                use $crate::model::__private::serde::ser::SerializeMap as _;
                let mut map = serializer.serialize_map(::std::option::Option::None)?;
                $(
                    if !$crate::model::Field::is_unset(&self.$field) {
                        map.serialize_entry($json, &self.$field)?;
                    }
                )*
                for (key, value) in &self.extra {
                    if !self.__is_known_set(key) {
                        map.serialize_entry(key, value)?;
                    }
                }
                map.end()
            }
        }

        impl<'de> $crate::model::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::model::__private::serde::Deserializer<'de>,
            {
                struct ModelVisitor;
                impl<'de> $crate::model::__private::serde::de::Visitor<'de> for ModelVisitor {
                    type Value = $name;
                    fn expecting(
                        &self,
                        f: &mut ::std::fmt::Formatter<'_>,
                    ) -> ::std::fmt::Result {
                        f.write_str(concat!("a ", stringify!($name), " object"))
                    }
                    fn visit_map<A>(self, mut map: A) -> ::std::result::Result<$name, A::Error>
                    where
                        A: $crate::model::__private::serde::de::MapAccess<'de>,
                    {
                        let mut out = <$name as ::std::default::Default>::default();
                        while let ::std::option::Option::Some($crate::model::Key(key)) =
                            map.next_key::<$crate::model::Key<'de>>()?
                        {
                            match &*key {
                                $(
                                    $json $(| $alias)* => {
                                        out.$field = map.next_value()?;
                                        if $crate::model::Field::is_unset(&out.$field) {
                                            out.extra.insert(
                                                key.into_owned(),
                                                $crate::model::__private::serde_json::Value::Null,
                                            );
                                        }
                                    }
                                )*
                                _ => {
                                    let value = map.next_value()?;
                                    out.extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        ::std::result::Result::Ok(out)
                    }
                }
                deserializer.deserialize_map(ModelVisitor)
            }
        }
    };
}

/// Declares an enum of string values with a catch-all `Unknown(String)` that
/// keeps any value the server invents, with `Serialize`, `Deserialize`,
/// `Display`, `FromStr` and `as_str`.
///
/// ```
/// dcos_auth::string_enum! {
///     /// A colour.
///     pub enum Colour {
///         /// Red.
///         Red = "RED",
///         /// Green.
///         Green = "GREEN",
///     }
/// }
/// let c: Colour = serde_json::from_str("\"BLUE\"").unwrap();
/// assert_eq!(c, Colour::Unknown("BLUE".into()));
/// assert_eq!(serde_json::to_string(&c).unwrap(), "\"BLUE\"");
/// ```
#[macro_export]
macro_rules! string_enum {
    (
        $(#[$meta:meta])*
        $vis:vis enum $name:ident {
            $(
                $(#[$vmeta:meta])*
                $variant:ident = $value:literal $(| $alias:literal)*
            ),* $(,)?
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        $vis enum $name {
            $( $(#[$vmeta])* $variant, )*
            /// A value this version does not know, kept as sent.
            Unknown(::std::string::String),
        }

        impl $name {
            /// The value as the server writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $( $name::$variant => $value, )*
                    $name::Unknown(other) => other,
                }
            }
        }

        impl ::std::str::FromStr for $name {
            type Err = ::std::convert::Infallible;
            fn from_str(s: &str) -> ::std::result::Result<Self, Self::Err> {
                ::std::result::Result::Ok(match s {
                    $( $value $(| $alias)* => $name::$variant, )*
                    other => $name::Unknown(other.to_owned()),
                })
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::model::__private::serde::Serialize for $name {
            fn serialize<S>(&self, serializer: S) -> ::std::result::Result<S::Ok, S::Error>
            where
                S: $crate::model::__private::serde::Serializer,
            {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::model::__private::serde::Deserialize<'de> for $name {
            fn deserialize<D>(deserializer: D) -> ::std::result::Result<Self, D::Error>
            where
                D: $crate::model::__private::serde::Deserializer<'de>,
            {
                let $crate::model::Key(key) =
                    <$crate::model::Key<'de> as $crate::model::__private::serde::Deserialize>::deserialize(deserializer)?;
                match <$name as ::std::str::FromStr>::from_str(&key) {
                    ::std::result::Result::Ok(v) => ::std::result::Result::Ok(v),
                    ::std::result::Result::Err(never) => match never {},
                }
            }
        }

        impl $crate::model::Field for $name {
            fn is_unset(&self) -> bool {
                false
            }
        }
    };
}

#[cfg(test)]
mod tests {
    crate::json_model! {
        /// Test model.
        pub struct Sample {
            /// Id.
            "id" id: String,
            /// Optional number.
            "count" count: Option<u32>,
            /// Renamed field.
            "action" | "type" action: Option<String>,
            /// Nested.
            "inner" inner: Option<Box<Sample>>,
            /// A list.
            "tags" tags: Option<Vec<String>>,
        }
    }

    crate::string_enum! {
        /// Test enum.
        pub enum Mode {
            /// A.
            A = "A",
            /// B, also spelt b.
            B = "B" | "b",
        }
    }

    fn round_trip(json: &str) -> String {
        let sample: Sample = serde_json::from_str(json).unwrap();
        serde_json::to_string(&sample).unwrap()
    }

    #[test]
    fn unknown_fields_and_nulls_survive_a_round_trip() {
        let json = r#"{"id":"x","count":0,"future":{"a":[1,2]},"tags":null}"#;
        let sample: Sample = serde_json::from_str(json).unwrap();
        assert_eq!(sample.count, Some(0));
        assert_eq!(sample.tags, None);
        let back: serde_json::Value = serde_json::from_str(&round_trip(json)).unwrap();
        let want: serde_json::Value = serde_json::from_str(json).unwrap();
        assert_eq!(back, want);
    }

    #[test]
    fn absent_fields_are_not_written() {
        let sample = Sample {
            id: "x".into(),
            ..Sample::default()
        };
        assert_eq!(serde_json::to_string(&sample).unwrap(), r#"{"id":"x"}"#);
    }

    #[test]
    fn a_value_set_after_a_null_replaces_it() {
        let mut sample: Sample = serde_json::from_str(r#"{"id":"x","count":null}"#).unwrap();
        sample.count = Some(3);
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"id":"x","count":3}"#
        );
    }

    #[test]
    fn aliases_are_read_and_the_main_name_written() {
        let sample: Sample =
            serde_json::from_str(r#"{"id":"x","type":"ScaleApplication"}"#).unwrap();
        assert_eq!(sample.action.as_deref(), Some("ScaleApplication"));
        assert_eq!(
            serde_json::to_string(&sample).unwrap(),
            r#"{"id":"x","action":"ScaleApplication"}"#
        );
    }

    #[test]
    fn escaped_keys_and_nesting_decode() {
        let sample: Sample =
            serde_json::from_str(r#"{"i\u0064":"x","inner":{"id":"y","count":2}}"#).unwrap();
        assert_eq!(sample.id, "x");
        assert_eq!(sample.inner.unwrap().count, Some(2));
    }

    #[test]
    fn a_wrong_type_is_an_error_naming_the_field() {
        let err = crate::decode_json::<Sample>(br#"{"id":"x","inner":{"count":"many"}}"#, || {
            "sample".into()
        })
        .unwrap_err();
        assert!(err.to_string().contains("inner.count"), "{err}");
    }

    #[test]
    fn a_non_object_is_an_error() {
        assert!(serde_json::from_str::<Sample>("[1]").is_err());
    }

    #[test]
    fn string_enums_keep_unknown_values() {
        let m: Mode = serde_json::from_str(r#""b""#).unwrap();
        assert_eq!(m, Mode::B);
        let m: Mode = serde_json::from_str(r#""C""#).unwrap();
        assert_eq!(m, Mode::Unknown("C".into()));
        assert_eq!(serde_json::to_string(&m).unwrap(), r#""C""#);
        assert_eq!(Mode::A.to_string(), "A");
        assert!(serde_json::from_str::<Mode>("3").is_err());
    }
}
