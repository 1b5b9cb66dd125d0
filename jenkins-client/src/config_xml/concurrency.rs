//! Whether a Pipeline job may run builds concurrently:
//! `org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty`.

use super::error::ConfigXmlError;
use super::tree::Element;
use super::writer::XmlOut;

const PROPERTY: &str =
    "org.jenkinsci.plugins.workflow.job.properties.DisableConcurrentBuildsJobProperty";

/// Concurrent builds of a Pipeline job.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum Concurrency {
    /// Builds may run side by side (no property; Jenkins' default).
    #[default]
    Allow,
    /// One build at a time; later builds wait in the queue.
    Disallow,
    /// One build at a time; a new build aborts the running one
    /// (`abortPrevious`, workflow-job 2.42 and later).
    AbortPrevious,
}

/// Writes the property (inside `<properties>`), or nothing for [`Concurrency::Allow`].
pub(crate) fn write_property(
    out: &mut XmlOut,
    concurrency: Concurrency,
) -> Result<(), ConfigXmlError> {
    match concurrency {
        Concurrency::Allow => Ok(()),
        // Without `abortPrevious`, so that plugins older than 2.42 read it cleanly.
        Concurrency::Disallow => out.empty(PROPERTY, &[]),
        Concurrency::AbortPrevious => {
            out.open(PROPERTY, &[])?;
            out.boolean("abortPrevious", true)?;
            out.close(PROPERTY)
        }
    }
}

/// Reads the setting from a job's `<properties>`.
pub(crate) fn read_property(properties: Option<&Element>) -> Result<Concurrency, ConfigXmlError> {
    match properties.and_then(|p| p.child(PROPERTY)) {
        None => Ok(Concurrency::Allow),
        Some(p) if p.bool_child("abortPrevious", false)? => Ok(Concurrency::AbortPrevious),
        Some(_) => Ok(Concurrency::Disallow),
    }
}
