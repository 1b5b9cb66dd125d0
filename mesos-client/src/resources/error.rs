//! What can go wrong in resource math.

use super::Scalar;

/// A resource that cannot take part in the math, or a subtraction that would
/// go below zero.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum ResourceError {
    /// The type names a value field that is absent, or no value is present.
    #[error("resource `{name}` has no value for its type {kind}")]
    MissingValue {
        /// The resource's name.
        name: String,
        /// The type it declares, or `none`.
        kind: String,
    },
    /// The type is not one resources can have (TEXT, or one this version does
    /// not know).
    #[error("resource `{name}` has type {kind}, which resource math does not handle")]
    UnsupportedType {
        /// The resource's name.
        name: String,
        /// The type it declares.
        kind: String,
    },
    /// A scalar below zero, which Mesos rejects.
    #[error("resource `{name}` has a negative quantity {value}")]
    Negative {
        /// The resource's name.
        name: String,
        /// The quantity.
        value: Scalar,
    },
    /// A range whose begin is after its end, which Mesos rejects.
    #[error("resource `{name}` has the range {begin}-{end}, which ends before it begins")]
    InvalidRange {
        /// The resource's name.
        name: String,
        /// The range's begin.
        begin: u64,
        /// The range's end.
        end: u64,
    },
    /// Subtracting more than there is, or something that is not there at all
    /// (resources with another reservation or allocation role do not count).
    #[error("not enough `{name}` (reserved for {role}): need {needed}, have {available}")]
    Insufficient {
        /// The resource's name.
        name: String,
        /// The role reserved for, `*` when unreserved.
        role: String,
        /// The quantity asked for, printed (`2.5`, `[31000-31001]`, `{a}`).
        needed: String,
        /// The quantity there is, printed.
        available: String,
    },
}
