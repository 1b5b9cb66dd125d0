//! [`ConfigXmlError`]: why a `config.xml` could not be written or read.

/// Why a `config.xml` could not be generated or parsed.
///
/// Messages name the element or field at fault and never include the value of a
/// password parameter.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigXmlError {
    /// The document is not well-formed XML (or uses an entity XML does not
    /// predefine).
    #[error("config.xml is not well-formed at byte {position}: {message}")]
    Malformed {
        /// Byte offset where the reader stopped.
        position: u64,
        /// What the reader found wrong.
        message: String,
    },
    /// An element we read holds a value of the wrong shape, such as
    /// `<disabled>maybe</disabled>`.
    #[error("`{path}` holds {value:?}, expected {expected}")]
    InvalidValue {
        /// Slash-separated element path, such as `project/disabled`.
        path: String,
        /// The text found.
        value: String,
        /// What was expected there.
        expected: &'static str,
    },
    /// A text field holds a character that no XML document can carry: NUL,
    /// U+FFFE or U+FFFF. Jenkins (XStream) refuses them as well.
    #[error("{field} contains U+{code:04X}, which XML cannot carry")]
    UnrepresentableChar {
        /// The field, such as `script` or `parameter description`.
        field: &'static str,
        /// The code point.
        code: u32,
    },
    /// A part read from a server's `config.xml` is known only by its class, so
    /// writing it back would lose its settings.
    #[error(
        "cannot write {what}: it was read from config.xml and only its class `{class}` is known"
    )]
    NotWritable {
        /// What it is: `parameter`, `build step`, `build discarder`, …
        what: &'static str,
        /// Its Java class (element name or `class` attribute).
        class: String,
    },
    /// The configuration breaks a rule Jenkins enforces, such as an empty or
    /// repeated parameter name or a choice parameter with no choices.
    #[error("invalid job configuration: {0}")]
    Invalid(String),
}
