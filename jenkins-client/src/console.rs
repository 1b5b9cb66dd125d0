//! The console log of a build: the full text, and a follow of
//! `logText/progressiveText` as a stream of chunks or lines.
//!
//! The parts without I/O are public so that they can be tested and reused:
//! [`Progress`] (the offsets), [`Gunzip`] (compressed bodies) and
//! [`LineDecoder`] (lines with a length cap).

mod gzip;
mod lines;
mod progress;

pub use gzip::Gunzip;
pub use lines::{ConsoleLine, DEFAULT_MAX_LINE, LineDecoder};
pub use progress::{MORE_DATA_HEADER, Progress, ProgressHeaders, Step, TEXT_SIZE_HEADER};

/// Why the console could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsoleError {
    /// A progressiveText answer had no `X-Text-Size` (a proxy may strip it).
    #[error("the progressiveText answer has no X-Text-Size header")]
    MissingTextSize,
    /// `X-Text-Size` was not a number.
    #[error("the progressiveText answer has an invalid X-Text-Size: {0:?}")]
    BadTextSize(String),
    /// A gzip body could not be inflated, or was cut short.
    #[error("the console body is not valid gzip: {0}")]
    Gzip(String),
}
