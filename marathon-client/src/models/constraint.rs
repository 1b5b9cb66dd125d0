//! Placement constraints.

use std::fmt;

use dcos_auth::{json_model, string_enum};
use serde::de::{self, Deserialize, Deserializer, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeSeq, Serializer};

string_enum! {
    /// A constraint operator.
    pub enum ConstraintOperator {
        /// Each agent attribute value runs at most one task.
        Unique = "UNIQUE",
        /// Run only where the attribute equals the value.
        Cluster = "CLUSTER",
        /// Spread evenly over the attribute's values.
        GroupBy = "GROUP_BY",
        /// Run only where the attribute matches the regex value.
        Like = "LIKE",
        /// Run only where the attribute does not match the regex value.
        Unlike = "UNLIKE",
        /// At most `value` tasks per attribute value.
        MaxPer = "MAX_PER",
        /// Run only where the attribute is exactly the value (scalars, sets).
        Is = "IS",
    }
}

/// An app placement constraint, written as an array
/// `[field, operator]` or `[field, operator, value]`, such as
/// `["hostname", "UNIQUE"]`.
///
/// It is written back in the form it was read: with two elements when
/// `value` is `None`. Elements past the third, which no server sends today,
/// are kept in `rest`.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Constraint {
    /// The agent attribute, such as `hostname` or `@region`.
    pub field: String,
    /// The operator.
    pub operator: ConstraintOperator,
    /// The operator's argument, if it takes one.
    pub value: Option<String>,
    /// Elements after the third, kept as sent.
    pub rest: Vec<serde_json::Value>,
}

impl Constraint {
    /// A constraint with a value: `[field, operator, value]`.
    pub fn new(
        field: impl Into<String>,
        operator: ConstraintOperator,
        value: impl Into<String>,
    ) -> Self {
        Constraint {
            field: field.into(),
            operator,
            value: Some(value.into()),
            rest: Vec::new(),
        }
    }

    /// A constraint without a value: `[field, operator]`.
    pub fn without_value(field: impl Into<String>, operator: ConstraintOperator) -> Self {
        Constraint {
            field: field.into(),
            operator,
            value: None,
            rest: Vec::new(),
        }
    }

    /// `[field, "UNIQUE"]`.
    pub fn unique(field: impl Into<String>) -> Self {
        Constraint::without_value(field, ConstraintOperator::Unique)
    }
}

impl Serialize for Constraint {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let len = 2 + usize::from(self.value.is_some() || !self.rest.is_empty()) + self.rest.len();
        let mut seq = serializer.serialize_seq(Some(len))?;
        seq.serialize_element(&self.field)?;
        seq.serialize_element(&self.operator)?;
        if self.value.is_some() || !self.rest.is_empty() {
            seq.serialize_element(&self.value)?;
        }
        for extra in &self.rest {
            seq.serialize_element(extra)?;
        }
        seq.end()
    }
}

impl<'de> Deserialize<'de> for Constraint {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct ConstraintVisitor;
        impl<'de> Visitor<'de> for ConstraintVisitor {
            type Value = Constraint;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an array [field, operator, value?]")
            }
            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Constraint, A::Error> {
                let field: String = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(0, &self))?;
                let operator: ConstraintOperator = seq
                    .next_element()?
                    .ok_or_else(|| de::Error::invalid_length(1, &self))?;
                let value: Option<String> = seq.next_element::<Option<String>>()?.flatten();
                let mut rest = Vec::new();
                while let Some(extra) = seq.next_element()? {
                    rest.push(extra);
                }
                Ok(Constraint {
                    field,
                    operator,
                    value,
                    rest,
                })
            }
        }
        deserializer.deserialize_seq(ConstraintVisitor)
    }
}

impl dcos_auth::model::Field for Constraint {
    fn is_unset(&self) -> bool {
        false
    }
}

json_model! {
    /// A pod placement constraint, written as an object:
    /// `{"fieldName", "operator", "value"}`.
    pub struct PodConstraint {
        /// The agent attribute, such as `hostname`.
        "fieldName" field_name: Option<String>,
        /// The operator.
        "operator" operator: Option<ConstraintOperator>,
        /// The operator's argument, if it takes one.
        "value" value: Option<String>,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn two_and_three_element_forms_round_trip() {
        let json = r#"[["hostname","UNIQUE"],["hostname","UNIQUE",""],["rack","GROUP_BY","3"],["a","LIKE","b.*"]]"#;
        let constraints: Vec<Constraint> = serde_json::from_str(json).unwrap();
        assert_eq!(constraints[0], Constraint::unique("hostname"));
        assert_eq!(constraints[1].value.as_deref(), Some(""));
        assert_eq!(constraints[2].operator, ConstraintOperator::GroupBy);
        assert_eq!(
            constraints[3],
            Constraint::new("a", ConstraintOperator::Like, "b.*")
        );
        assert_eq!(serde_json::to_string(&constraints).unwrap(), json);
    }

    #[test]
    fn unknown_operators_and_extra_elements_are_kept() {
        let json = r#"["zone","NEAR","a",4]"#;
        let c: Constraint = serde_json::from_str(json).unwrap();
        assert_eq!(c.operator, ConstraintOperator::Unknown("NEAR".into()));
        assert_eq!(c.rest, vec![serde_json::json!(4)]);
        assert_eq!(serde_json::to_string(&c).unwrap(), json);
    }

    #[test]
    fn too_short_is_an_error() {
        assert!(serde_json::from_str::<Constraint>(r#"["hostname"]"#).is_err());
        assert!(serde_json::from_str::<Constraint>(r#"{"field":"x"}"#).is_err());
    }

    #[test]
    fn pod_constraints_are_objects() {
        let json = r#"{"fieldName":"hostname","operator":"MAX_PER","value":"2"}"#;
        let c: PodConstraint = serde_json::from_str(json).unwrap();
        assert_eq!(c.operator, Some(ConstraintOperator::MaxPer));
        assert_eq!(serde_json::to_string(&c).unwrap(), json);
    }
}
