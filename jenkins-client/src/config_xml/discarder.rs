//! Discarding old builds: `jenkins.model.BuildDiscarderProperty` with a
//! `hudson.tasks.LogRotator` strategy.

use super::error::ConfigXmlError;
use super::tree::Element;
use super::writer::XmlOut;

const PROPERTY: &str = "jenkins.model.BuildDiscarderProperty";
const LOG_ROTATOR: &str = "hudson.tasks.LogRotator";

/// How a job discards old builds.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum BuildDiscarder {
    /// `hudson.tasks.LogRotator`: keep builds and artifacts by age and count.
    LogRotator(LogRotator),
    /// Another strategy, read from a server; it cannot be written back.
    Other {
        /// The strategy's Java class.
        class: String,
    },
}

/// Keep builds (and their artifacts) by age and count. `None` is Jenkins' `-1`,
/// "no limit".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub struct LogRotator {
    /// Days to keep builds.
    pub days_to_keep: Option<u32>,
    /// Number of builds to keep.
    pub num_to_keep: Option<u32>,
    /// Days to keep artifacts.
    pub artifact_days_to_keep: Option<u32>,
    /// Number of builds whose artifacts are kept.
    pub artifact_num_to_keep: Option<u32>,
}

impl LogRotator {
    /// Keep the last `n` builds.
    pub fn keep_builds(n: u32) -> Self {
        LogRotator {
            num_to_keep: Some(n),
            ..LogRotator::default()
        }
    }

    /// Keep builds for `days` days.
    #[must_use]
    pub fn days_to_keep(mut self, days: u32) -> Self {
        self.days_to_keep = Some(days);
        self
    }

    /// Keep at most `n` builds.
    #[must_use]
    pub fn num_to_keep(mut self, n: u32) -> Self {
        self.num_to_keep = Some(n);
        self
    }

    /// Keep artifacts for `days` days.
    #[must_use]
    pub fn artifact_days_to_keep(mut self, days: u32) -> Self {
        self.artifact_days_to_keep = Some(days);
        self
    }

    /// Keep the artifacts of at most `n` builds.
    #[must_use]
    pub fn artifact_num_to_keep(mut self, n: u32) -> Self {
        self.artifact_num_to_keep = Some(n);
        self
    }
}

impl From<LogRotator> for BuildDiscarder {
    fn from(rotator: LogRotator) -> Self {
        BuildDiscarder::LogRotator(rotator)
    }
}

fn limit(value: Option<u32>) -> i64 {
    value.map_or(-1, i64::from)
}

/// Writes the property (inside `<properties>`), or nothing for `None`.
pub(crate) fn write_property(
    out: &mut XmlOut,
    discarder: Option<&BuildDiscarder>,
) -> Result<(), ConfigXmlError> {
    let Some(discarder) = discarder else {
        return Ok(());
    };
    let rotator = match discarder {
        BuildDiscarder::LogRotator(r) => r,
        BuildDiscarder::Other { class } => {
            return Err(ConfigXmlError::NotWritable {
                what: "build discarder",
                class: class.clone(),
            });
        }
    };
    out.open(PROPERTY, &[])?;
    out.open("strategy", &[("class", LOG_ROTATOR)])?;
    out.number("daysToKeep", limit(rotator.days_to_keep))?;
    out.number("numToKeep", limit(rotator.num_to_keep))?;
    out.number("artifactDaysToKeep", limit(rotator.artifact_days_to_keep))?;
    out.number("artifactNumToKeep", limit(rotator.artifact_num_to_keep))?;
    out.close("strategy")?;
    out.close(PROPERTY)
}

/// A LogRotator's count: negative (Jenkins' `-1`) or absent is no limit.
fn read_limit(el: &Element, name: &str) -> Result<Option<u32>, ConfigXmlError> {
    match el.int_child(name)? {
        Some(n) if n >= 0 => u32::try_from(n)
            .map(Some)
            .map_err(|_| ConfigXmlError::InvalidValue {
                path: format!("{}/{name}", el.name),
                value: n.to_string(),
                expected: "a count below 2^32",
            }),
        _ => Ok(None),
    }
}

fn read_strategy(strategy: &Element) -> Result<BuildDiscarder, ConfigXmlError> {
    if strategy.class() != LOG_ROTATOR {
        return Ok(BuildDiscarder::Other {
            class: strategy.class().to_owned(),
        });
    }
    Ok(BuildDiscarder::LogRotator(LogRotator {
        days_to_keep: read_limit(strategy, "daysToKeep")?,
        num_to_keep: read_limit(strategy, "numToKeep")?,
        artifact_days_to_keep: read_limit(strategy, "artifactDaysToKeep")?,
        artifact_num_to_keep: read_limit(strategy, "artifactNumToKeep")?,
    }))
}

/// Reads the discarder of a job: the property, or the `<logRotator>` element
/// that Jenkins before 1.503 kept at the top of the job.
pub(crate) fn read(root: &Element) -> Result<Option<BuildDiscarder>, ConfigXmlError> {
    if let Some(strategy) = root
        .child("properties")
        .and_then(|p| p.child(PROPERTY))
        .and_then(|p| p.child("strategy"))
    {
        return read_strategy(strategy).map(Some);
    }
    match root.child("logRotator") {
        Some(legacy) => read_strategy(legacy).map(Some),
        None => Ok(None),
    }
}
