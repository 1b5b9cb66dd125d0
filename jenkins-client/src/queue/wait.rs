//! What a poll of a queue item means for someone waiting for its build to
//! start: a pure function, [`decide`], tested for every state.

use crate::models::{BuildRef, QueueItem};

/// What a poll of `queue/item/<id>/api/json` found.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum QueuePoll<'a> {
    /// The item, of any kind.
    Found(&'a QueueItem),
    /// 404: the item left the queue more than 5 minutes ago (or never
    /// existed, or is not visible to this user).
    Gone,
}

/// Why an item still waits.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum WaitReason {
    /// The quiet period; it ends at `until` (milliseconds since the epoch).
    QuietPeriod {
        /// When the quiet period ends, if sent.
        until: Option<u64>,
    },
    /// Blocked, as by a running build of the same job.
    Blocked,
    /// Waiting for an executor. `stuck`: no node can ever take it as things
    /// are (a label with no node and no cloud template); `pending`: an
    /// executor was picked.
    Buildable {
        /// Whether Jenkins calls it stuck.
        stuck: bool,
        /// Whether an executor was picked.
        pending: bool,
    },
    /// It left the queue but its build is not visible yet.
    Starting,
    /// An item class this client does not know.
    Unknown,
}

/// What to do after a poll.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum QueueDecision {
    /// Poll again later.
    KeepWaiting {
        /// Why it waits.
        reason: WaitReason,
        /// Jenkins' words, such as `Waiting for next available executor`.
        why: Option<String>,
    },
    /// The build started.
    Started {
        /// The build number.
        number: u64,
        /// The build's absolute URL as sent (to be rebased, not followed).
        url: Option<String>,
    },
    /// The item was cancelled; no build will come of it.
    Cancelled {
        /// Jenkins' last words on it, if any.
        why: Option<String>,
    },
    /// The item has expired (404): look the build up by its queue id on the
    /// job (`tree=builds[number,queueId,url]`).
    Expired,
}

/// Decides what a poll means. Never answers "keep waiting" for a cancelled
/// item: a left item with `cancelled: true` ends the wait, whatever else it
/// says.
pub fn decide(poll: QueuePoll<'_>) -> QueueDecision {
    let item = match poll {
        QueuePoll::Gone => return QueueDecision::Expired,
        QueuePoll::Found(item) => item,
    };
    let why = item.why().map(str::to_owned);
    let reason = match item {
        QueueItem::Left(left) => {
            if left.cancelled == Some(true) {
                return QueueDecision::Cancelled { why };
            }
            if let Some(BuildRef { number, url, .. }) = &left.executable {
                return QueueDecision::Started {
                    number: *number,
                    url: url.clone(),
                };
            }
            // `cancelled: false` and no executable: the executor is still
            // starting the build. Old servers send no `cancelled`; the wait's
            // time-out ends it if the build never shows.
            WaitReason::Starting
        }
        QueueItem::Waiting(w) => WaitReason::QuietPeriod { until: w.timestamp },
        QueueItem::Blocked(_) => WaitReason::Blocked,
        QueueItem::Buildable(b) => WaitReason::Buildable {
            stuck: b.stuck == Some(true),
            pending: b.pending == Some(true),
        },
        QueueItem::Unknown(_) => WaitReason::Unknown,
    };
    QueueDecision::KeepWaiting { reason, why }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(json: &str) -> QueueItem {
        serde_json::from_str(json).unwrap()
    }

    fn decide_json(json: &str) -> QueueDecision {
        decide(QueuePoll::Found(&item(json)))
    }

    #[test]
    fn waiting_reports_the_quiet_period_end() {
        assert_eq!(
            decide_json(
                r#"{"_class":"hudson.model.Queue$WaitingItem","id":1,"why":"In the quiet period. Expires in 4.6 sec","timestamp":1566553113796}"#
            ),
            QueueDecision::KeepWaiting {
                reason: WaitReason::QuietPeriod {
                    until: Some(1566553113796)
                },
                why: Some("In the quiet period. Expires in 4.6 sec".into()),
            }
        );
    }

    #[test]
    fn blocked_keeps_waiting() {
        assert!(matches!(
            decide_json(r#"{"_class":"hudson.model.Queue$BlockedItem","id":1,"blocked":true,"why":"Build #9 is already in progress (ETA:15 sec)"}"#),
            QueueDecision::KeepWaiting { reason: WaitReason::Blocked, why: Some(w) } if w.contains("#9")
        ));
    }

    #[test]
    fn buildable_reports_stuck_and_pending() {
        assert!(matches!(
            decide_json(
                r#"{"_class":"hudson.model.Queue$BuildableItem","id":1,"stuck":true,"pending":false,
                "task":{"_class":"org.jenkinsci.plugins.workflow.support.steps.ExecutorStepExecution$PlaceholderTask"}}"#
            ),
            QueueDecision::KeepWaiting {
                reason: WaitReason::Buildable {
                    stuck: true,
                    pending: false
                },
                ..
            }
        ));
        assert!(matches!(
            decide_json(
                r#"{"_class":"hudson.model.Queue$BuildableItem","id":1,"stuck":false,"pending":true}"#
            ),
            QueueDecision::KeepWaiting {
                reason: WaitReason::Buildable {
                    stuck: false,
                    pending: true
                },
                ..
            }
        ));
    }

    #[test]
    fn left_with_executable_has_started() {
        assert_eq!(
            decide_json(
                r#"{"_class":"hudson.model.Queue$LeftItem","id":1,"cancelled":false,
                "executable":{"_class":"hudson.model.FreeStyleBuild","number":14,"url":"http://j/job/test/14/"}}"#
            ),
            QueueDecision::Started {
                number: 14,
                url: Some("http://j/job/test/14/".into())
            }
        );
    }

    #[test]
    fn left_cancelled_ends_the_wait_even_with_an_executable() {
        assert_eq!(
            decide_json(
                r#"{"_class":"hudson.model.Queue$LeftItem","id":1,"cancelled":true,"executable":null,"why":null}"#
            ),
            QueueDecision::Cancelled { why: None }
        );
        assert!(matches!(
            decide_json(
                r#"{"_class":"hudson.model.Queue$LeftItem","id":1,"cancelled":true,"executable":{"number":3}}"#
            ),
            QueueDecision::Cancelled { .. }
        ));
    }

    #[test]
    fn left_without_executable_yet_is_starting() {
        assert!(matches!(
            decide_json(
                r#"{"_class":"hudson.model.Queue$LeftItem","id":1,"cancelled":false,"executable":null}"#
            ),
            QueueDecision::KeepWaiting {
                reason: WaitReason::Starting,
                ..
            }
        ));
    }

    #[test]
    fn old_left_items_without_class_start() {
        assert!(matches!(
            decide_json(r#"{"id":130,"executable":{"number":28,"url":"u"}}"#),
            QueueDecision::Started { number: 28, .. }
        ));
    }

    #[test]
    fn unknown_classes_keep_waiting() {
        assert!(matches!(
            decide_json(r#"{"_class":"hudson.model.Queue$SomethingNew","id":1}"#),
            QueueDecision::KeepWaiting {
                reason: WaitReason::Unknown,
                ..
            }
        ));
    }

    #[test]
    fn a_404_has_expired() {
        assert_eq!(decide(QueuePoll::Gone), QueueDecision::Expired);
    }
}
