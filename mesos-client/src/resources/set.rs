//! Sets of strings, for SET resources.

use std::collections::BTreeSet;
use std::fmt;

use super::value::ValueSet;

/// A set of strings with set algebra, for SET resources.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Set {
    items: BTreeSet<String>,
}

impl Set {
    /// The empty set.
    pub fn new() -> Self {
        Set::default()
    }

    /// The items, ascending.
    pub fn items(&self) -> impl Iterator<Item = &str> + '_ {
        self.items.iter().map(String::as_str)
    }

    /// How many items there are.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether there are no items.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// Whether `item` is in the set.
    pub fn contains_item(&self, item: &str) -> bool {
        self.items.contains(item)
    }

    /// The items in `self` or `other`.
    pub fn union(&self, other: &Set) -> Set {
        Set {
            items: self.items.union(&other.items).cloned().collect(),
        }
    }

    /// The items in `self` and not in `other`.
    pub fn difference(&self, other: &Set) -> Set {
        Set {
            items: self.items.difference(&other.items).cloned().collect(),
        }
    }

    /// The items in both.
    pub fn intersection(&self, other: &Set) -> Set {
        Set {
            items: self.items.intersection(&other.items).cloned().collect(),
        }
    }

    /// Whether every item of `self` is in `other`.
    pub fn is_subset(&self, other: &Set) -> bool {
        self.items.is_subset(&other.items)
    }

    /// Whether every item of `other` is in `self`.
    pub fn contains(&self, other: &Set) -> bool {
        other.is_subset(self)
    }

    /// The wire form.
    pub fn to_value(&self) -> ValueSet {
        ValueSet::new(self.items.iter().cloned())
    }
}

impl<S: Into<String>> FromIterator<S> for Set {
    fn from_iter<I: IntoIterator<Item = S>>(iter: I) -> Self {
        Set {
            items: iter.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<&ValueSet> for Set {
    fn from(value: &ValueSet) -> Self {
        value.item.iter().cloned().collect()
    }
}

/// Prints the legacy text form: `{a,b}`.
impl fmt::Display for Set {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("{")?;
        for (i, item) in self.items.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            f.write_str(item)?;
        }
        f.write_str("}")
    }
}

#[cfg(test)]
mod tests {
    use super::Set;

    #[test]
    fn set_algebra() {
        let a: Set = ["lun_lun", "yang_yang"].into_iter().collect();
        let b: Set = ["yang_yang", "mei_xiang"].into_iter().collect();
        assert_eq!(a.union(&b).len(), 3);
        assert_eq!(a.difference(&b).items().collect::<Vec<_>>(), ["lun_lun"]);
        assert_eq!(
            a.intersection(&b).items().collect::<Vec<_>>(),
            ["yang_yang"]
        );
        assert!(a.intersection(&b).is_subset(&a));
        assert!(a.contains(&a.difference(&b)));
        assert!(!a.is_subset(&b));
        assert_eq!(a.to_string(), "{lun_lun,yang_yang}");
    }
}
