//! [`Name`]: a resource's name or role, where the well-known values cost no
//! allocation.

use std::borrow::{Borrow, Cow};
use std::fmt;
use std::ops::Deref;

use serde::de::{self, Deserializer, Visitor};

/// The names and role that nearly every resource carries. A GET_STATE holds
/// hundreds of thousands of resources: these are stored as `&'static str`
/// instead of one small heap string each.
const WELL_KNOWN: [&str; 6] = ["cpus", "mem", "disk", "ports", "gpus", "*"];

/// A resource's name (`cpus`, `mem`, `disk`, `ports`, `gpus`…) or legacy
/// role (`*`, `ci`…): text that reads like a `&str` (it derefs to one and
/// compares with one), where a well-known value is not allocated.
#[derive(Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Name(Cow<'static, str>);

impl Name {
    /// The name `text`.
    pub fn new(text: impl Into<String>) -> Self {
        let text = text.into();
        match well_known(&text) {
            Some(name) => Name(Cow::Borrowed(name)),
            None => Name(Cow::Owned(text)),
        }
    }

    /// The name as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn well_known(text: &str) -> Option<&'static str> {
    WELL_KNOWN.iter().copied().find(|known| *known == text)
}

impl Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.0, f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        match well_known(text) {
            Some(name) => Name(Cow::Borrowed(name)),
            None => Name(Cow::Owned(text.to_owned())),
        }
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Name::new(text)
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.0.into_owned()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        *self.0 == *other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        *self.0 == **other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        *self.0 == **other
    }
}

impl dcos_auth::model::Field for Name {
    fn is_unset(&self) -> bool {
        false
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct NameVisitor;
        impl Visitor<'_> for NameVisitor {
            type Value = Name;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a string")
            }
            fn visit_str<E: de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::from(text))
            }
            fn visit_string<E: de::Error>(self, text: String) -> Result<Name, E> {
                Ok(Name::new(text))
            }
        }
        deserializer.deserialize_str(NameVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn well_known_names_are_not_allocated_and_others_are_kept() {
        let cpus: Name = serde_json::from_str(r#""cpus""#).unwrap();
        assert!(matches!(cpus.0, Cow::Borrowed("cpus")));
        assert_eq!(cpus, "cpus");
        let star = Name::new(String::from("*"));
        assert!(matches!(star.0, Cow::Borrowed("*")));
        let custom: Name = serde_json::from_str(r#""network_bandwidth""#).unwrap();
        assert_eq!(custom.as_str(), "network_bandwidth");
        assert_eq!(
            serde_json::to_string(&custom).unwrap(),
            r#""network_bandwidth""#
        );
        assert_eq!(format!("{cpus} {cpus:?}"), r#"cpus "cpus""#);
        assert!(serde_json::from_str::<Name>("1").is_err());
    }

    #[test]
    fn a_name_orders_and_hashes_as_its_text() {
        let mut names = vec![Name::from("mem"), Name::from("cpus"), Name::from("zz")];
        names.sort();
        assert_eq!(names, ["cpus", "mem", "zz"]);
        let set: std::collections::HashSet<Name> = names.into_iter().collect();
        assert!(set.contains("zz"));
    }
}
