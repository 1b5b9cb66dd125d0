//! What a finished build means for the pipeline: its [`Verdict`], and the
//! Pipeline stage that failed.

use jenkins_client::JobPath;
use jenkins_client::models::{BuildResult, StageStatus};

use crate::cluster::Target;
use crate::events::Events;

/// What a finished build's result means for the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// `SUCCESS`.
    Passed,
    /// `UNSTABLE`, accepted by [`BuildParams::accept_unstable`](crate::BuildParams::accept_unstable).
    PassedUnstable,
    /// Anything else: `FAILURE`, `ABORTED`, `NOT_BUILT`, `UNSTABLE` not
    /// accepted, an unknown result, or none at all.
    Failed,
}

/// Judges a finished build's result.
pub fn verdict(result: Option<&BuildResult>, accept_unstable: bool) -> Verdict {
    match result {
        Some(BuildResult::Success) => Verdict::Passed,
        Some(BuildResult::Unstable) if accept_unstable => Verdict::PassedUnstable,
        _ => Verdict::Failed,
    }
}

/// The first Pipeline stage that failed or was aborted, from
/// `wfapi/describe`; `None` when Jenkins does not say (no Pipeline Stage
/// View plugin, a freestyle job).
pub(crate) async fn failed_stage(
    target: &Target,
    job: &JobPath,
    number: u64,
    events: &Events,
) -> Option<String> {
    match target.jenkins().pipeline().describe(job, number).await {
        Ok(run) => run
            .stages
            .unwrap_or_default()
            .into_iter()
            .find(|s| matches!(s.status, Some(StageStatus::Failed | StageStatus::Aborted)))
            .and_then(|s| s.name),
        Err(e) => {
            events.warn(format!(
                "cannot tell which stage of build #{number} failed: {e}"
            ));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_success_passes_and_unstable_when_accepted() {
        let unstable = BuildResult::Unstable;
        assert_eq!(verdict(Some(&BuildResult::Success), false), Verdict::Passed);
        assert_eq!(verdict(Some(&unstable), false), Verdict::Failed);
        assert_eq!(verdict(Some(&unstable), true), Verdict::PassedUnstable);
        for failed in [
            BuildResult::Failure,
            BuildResult::Aborted,
            BuildResult::NotBuilt,
            BuildResult::Unknown("CUSTOM".into()),
        ] {
            assert_eq!(verdict(Some(&failed), true), Verdict::Failed, "{failed}");
        }
        assert_eq!(verdict(None, true), Verdict::Failed);
    }
}
