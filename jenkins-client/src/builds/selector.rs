//! Which build of a job: a number, or one of Jenkins' permalinks.

use std::fmt;

/// A build of a job: by number, or by permalink (`lastBuild`…).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum BuildSelector {
    /// Build number `n`.
    Number(u64),
    /// `lastBuild`: the newest build, running or not.
    Last,
    /// `lastCompletedBuild`: the newest finished build.
    LastCompleted,
    /// `lastSuccessfulBuild`: the newest build whose result is `SUCCESS` or
    /// `UNSTABLE` (Jenkins counts unstable as successful here).
    LastSuccessful,
    /// `lastStableBuild`: the newest `SUCCESS`.
    LastStable,
    /// `lastFailedBuild`: the newest `FAILURE`.
    LastFailed,
    /// `lastUnsuccessfulBuild`: the newest that is not `SUCCESS`.
    LastUnsuccessful,
}

impl BuildSelector {
    /// The URL segment: the number, or the permalink name.
    pub fn segment(&self) -> String {
        match self {
            BuildSelector::Number(n) => n.to_string(),
            BuildSelector::Last => "lastBuild".into(),
            BuildSelector::LastCompleted => "lastCompletedBuild".into(),
            BuildSelector::LastSuccessful => "lastSuccessfulBuild".into(),
            BuildSelector::LastStable => "lastStableBuild".into(),
            BuildSelector::LastFailed => "lastFailedBuild".into(),
            BuildSelector::LastUnsuccessful => "lastUnsuccessfulBuild".into(),
        }
    }
}

impl From<u64> for BuildSelector {
    fn from(n: u64) -> Self {
        BuildSelector::Number(n)
    }
}

impl fmt::Display for BuildSelector {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BuildSelector::Number(n) => write!(f, "#{n}"),
            other => f.write_str(&other.segment()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn segments_are_numbers_or_permalinks() {
        assert_eq!(BuildSelector::from(12).segment(), "12");
        assert_eq!(BuildSelector::LastFailed.segment(), "lastFailedBuild");
        assert_eq!(
            BuildSelector::LastSuccessful.to_string(),
            "lastSuccessfulBuild"
        );
        assert_eq!(BuildSelector::Number(3).to_string(), "#3");
    }
}
