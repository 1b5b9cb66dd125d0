//! The console of a running build, as [`PipelineEvent::ConsoleLine`]s.

use std::time::Duration;

use futures_util::StreamExt;
use jenkins_client::JobPath;
use jenkins_client::console::FollowOptions;

use crate::cluster::Target;
use crate::events::{Events, PipelineEvent};

/// Streams the console of build `number` as events until the log is
/// complete. The console is progress, not the outcome: an error ends the
/// follow with a warning, and the build is still waited for.
pub(crate) async fn follow_console(
    target: &Target,
    job: &JobPath,
    number: u64,
    poll: Duration,
    events: &Events,
) {
    let mut lines =
        target
            .jenkins()
            .console()
            .follow_lines(job, number, FollowOptions::default().poll(poll));
    while let Some(line) = lines.next().await {
        match line {
            Ok(line) => events.emit(PipelineEvent::ConsoleLine {
                build_number: number,
                line: line.text,
            }),
            Err(e) => {
                events.warn(format!(
                    "the console of build #{number} of {job} stopped: {e}"
                ));
                return;
            }
        }
    }
}
