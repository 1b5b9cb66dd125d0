//! Waiting for a build to finish.

use std::time::Duration;

use crate::error::{Error, Result};
use crate::models::{Build, BuildResult};
use crate::path::{JobPath, rebase};
use crate::tree::Tree;

use super::Builds;

/// How to wait for a build or a queue item: how often to poll and for how
/// long at most.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BuildWait {
    /// The time between polls; 2 s by default.
    pub poll: Duration,
    /// The longest wait; one hour by default. The wait then fails with
    /// [`Error::Timeout`].
    pub timeout: Duration,
}

impl Default for BuildWait {
    fn default() -> Self {
        BuildWait {
            poll: Duration::from_secs(2),
            timeout: Duration::from_secs(3600),
        }
    }
}

impl BuildWait {
    /// Polls every `poll`.
    #[must_use]
    pub fn poll(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Gives up after `timeout`.
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }
}

/// Turns a finished build that did not succeed into
/// [`Error::BuildFailed`], with its URL rebased onto `base`. `UNSTABLE` is
/// a failure here: tests failed.
pub fn require_success(build: &Build, base: &dcos_auth::http::Url) -> Result<()> {
    if build.result.as_ref().is_some_and(BuildResult::is_success) {
        return Ok(());
    }
    let url = build
        .url
        .as_deref()
        .and_then(|u| rebase(base, u).ok())
        .map(|r| r.url.to_string())
        .or_else(|| build.url.clone())
        .unwrap_or_else(|| format!("#{}", build.number.unwrap_or_default()));
    Err(Error::BuildFailed {
        result: build
            .result
            .as_ref()
            .map_or_else(|| "no result".to_owned(), |r| r.to_string()),
        url,
    })
}

impl Builds<'_> {
    /// Waits until build `number` of `job` is over (`building` is `false`),
    /// then returns it with the fields of [`build_tree`](super::build_tree).
    /// A `result` set while `building` is still `true` (a Pipeline about to
    /// run its `post` steps) does not end the wait.
    pub async fn wait_for_completion(
        &self,
        job: &JobPath,
        number: u64,
        wait: &BuildWait,
    ) -> Result<Build> {
        let started = tokio::time::Instant::now();
        let tree = Tree::new().fields(["number", "url", "building", "result"]);
        loop {
            let build = self.get_with(job, number, &tree).await?;
            if build.is_finished() {
                return self.get(job, number).await;
            }
            if started.elapsed() + wait.poll > wait.timeout {
                return Err(Error::Timeout {
                    what: format!("build #{number} of {job} to finish"),
                    after: started.elapsed(),
                });
            }
            tokio::time::sleep(wait.poll).await;
        }
    }

    /// Like [`wait_for_completion`](Self::wait_for_completion), then
    /// [`Error::BuildFailed`] unless the result is `SUCCESS`.
    pub async fn wait_for_success(
        &self,
        job: &JobPath,
        number: u64,
        wait: &BuildWait,
    ) -> Result<Build> {
        let build = self.wait_for_completion(job, number, wait).await?;
        require_success(&build, self.client.base())?;
        Ok(build)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_success_passes() {
        let base =
            dcos_auth::http::Url::parse("https://dcos.example.com/service/jenkins/").unwrap();
        let mut build = Build {
            result: Some(BuildResult::Success),
            url: Some("http://jenkins.marathon.mesos:10000/service/jenkins/job/app/7/".into()),
            number: Some(7),
            ..Build::default()
        };
        assert!(require_success(&build, &base).is_ok());
        build.result = Some(BuildResult::Unstable);
        match require_success(&build, &base) {
            Err(Error::BuildFailed { result, url }) => {
                assert_eq!(result, "UNSTABLE");
                assert_eq!(url, "https://dcos.example.com/service/jenkins/job/app/7/");
            }
            other => panic!("{other:?}"),
        }
        build.result = None;
        assert!(matches!(
            require_success(&build, &base),
            Err(Error::BuildFailed { result, .. }) if result == "no result"
        ));
    }
}
