//! [`BuildParams`]: what a build is run with, beyond the spec.

use std::collections::BTreeMap;
use std::time::Duration;

/// What a build is run with, beyond the spec.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct BuildParams {
    /// The commit being built: `{git_sha}` in the tag, and the `GIT_SHA`
    /// parameter.
    pub git_sha: Option<String>,
    /// Values for parameters declared in `build.parameters`, overriding
    /// their defaults. Names not declared there are refused (Jenkins would
    /// drop them silently).
    pub parameters: BTreeMap<String, String>,
    /// Whether an `UNSTABLE` result (tests failed) passes, with a warning.
    /// `false` by default.
    pub accept_unstable: bool,
    /// The Jenkins quiet period before the build starts; none by default.
    pub quiet_period: Duration,
    /// The pause between polls of the queue, the console and the build;
    /// 1 s by default.
    pub poll: Duration,
    /// The longest wait for the build to start, and then to end; one hour
    /// by default.
    pub timeout: Duration,
}

impl Default for BuildParams {
    fn default() -> Self {
        BuildParams {
            git_sha: None,
            parameters: BTreeMap::new(),
            accept_unstable: false,
            quiet_period: Duration::ZERO,
            poll: Duration::from_secs(1),
            timeout: Duration::from_secs(3600),
        }
    }
}

impl BuildParams {
    /// Builds commit `sha`.
    #[must_use]
    pub fn git_sha(mut self, sha: impl Into<String>) -> Self {
        self.git_sha = Some(sha.into());
        self
    }

    /// Sets the declared parameter `name` to `value`.
    #[must_use]
    pub fn parameter(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parameters.insert(name.into(), value.into());
        self
    }

    /// Lets an `UNSTABLE` build pass.
    #[must_use]
    pub fn accept_unstable(mut self, accept: bool) -> Self {
        self.accept_unstable = accept;
        self
    }

    /// Waits `period` in the Jenkins queue before the build starts.
    #[must_use]
    pub fn quiet_period(mut self, period: Duration) -> Self {
        self.quiet_period = period;
        self
    }

    /// Polls every `poll` (at least 1 ms).
    #[must_use]
    pub fn poll(mut self, poll: Duration) -> Self {
        self.poll = poll.max(Duration::from_millis(1));
        self
    }

    /// Gives up waiting after `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_the_poll_floor() {
        let params = BuildParams::default();
        assert_eq!(params.poll, Duration::from_secs(1));
        assert_eq!(params.timeout, Duration::from_secs(3600));
        assert!(!params.accept_unstable);
        assert_eq!(params.quiet_period, Duration::ZERO);
        assert_eq!(
            BuildParams::default().poll(Duration::ZERO).poll,
            Duration::from_millis(1)
        );
    }
}
