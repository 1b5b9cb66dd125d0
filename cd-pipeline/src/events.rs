//! Progress of a pipeline as a stream of [`PipelineEvent`]s.
//!
//! Every primitive takes an [`Events`] handle and emits through it. The handle
//! is a cheap clone; [`Events::none`] drops everything, and
//! [`Events::channel`] gives a handle with an [`EventStream`] that yields the
//! events in order. Emitting never blocks and never fails: once the stream is
//! dropped, events are discarded.

use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use futures_util::Stream;
use serde::{Deserialize, Serialize};
use tokio::sync::mpsc;

/// A stage of the pipeline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Making sure the Jenkins job and the Marathon group exist.
    Configure,
    /// Triggering and following the Jenkins build.
    Build,
    /// Rendering, applying and gating the Marathon app.
    Deploy,
    /// Going back to the recorded previous version.
    Rollback,
    /// Reading the deployed state.
    Status,
}

impl Stage {
    /// The lowercase name, as in the JSON output (`"deploy"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Configure => "configure",
            Stage::Build => "build",
            Stage::Deploy => "deploy",
            Stage::Rollback => "rollback",
            Stage::Status => "status",
        }
    }
}

impl std::fmt::Display for Stage {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// How a stage ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// The stage did its work.
    Succeeded,
    /// Nothing had to change (an unchanged config, a re-run deploy).
    Unchanged,
    /// The stage failed; the reason is the error's display text.
    Failed {
        /// Why it failed.
        reason: String,
    },
}

/// Durations are written as fractional seconds in JSON.
mod secs {
    use std::time::Duration;

    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(d.as_secs_f64())
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Duration, D::Error> {
        let secs = f64::deserialize(d)?;
        Duration::try_from_secs_f64(secs).map_err(serde::de::Error::custom)
    }
}

/// The time one stage took, for the summary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageTime {
    /// The stage.
    pub stage: Stage,
    /// How long it ran, in seconds in JSON.
    #[serde(with = "secs")]
    pub duration: Duration,
}

/// One thing that happened in a pipeline.
///
/// In JSON each event is an object with an `event` tag in snake case, such as
/// `{"event":"stage_started","stage":"build"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
#[non_exhaustive]
pub enum PipelineEvent {
    /// A stage began.
    StageStarted {
        /// The stage.
        stage: Stage,
    },
    /// A stage ended.
    StageFinished {
        /// The stage.
        stage: Stage,
        /// How long it ran, in seconds in JSON.
        #[serde(with = "secs")]
        duration: Duration,
        /// How it ended.
        outcome: Outcome,
    },
    /// One line of a plan (`+ create job cd/hello`, a diff line…).
    PlanLine {
        /// The stage whose plan it is.
        stage: Stage,
        /// The line, without a line break.
        line: String,
    },
    /// One line of the Jenkins console.
    ConsoleLine {
        /// The build number.
        build_number: u64,
        /// The line, without a line break.
        line: String,
    },
    /// A Marathon deployment moved on.
    DeploymentStep {
        /// The Marathon deployment id.
        deployment_id: String,
        /// A readable description (`step 2/3: RestartApplication /hello`).
        step: String,
    },
    /// Instance counts of the app being deployed.
    InstanceCounts {
        /// The app id.
        app: String,
        /// Tasks passing their health checks.
        healthy: u32,
        /// Tasks running.
        running: u32,
        /// Tasks staged, not yet running.
        staged: u32,
        /// The wanted number of instances.
        target: u32,
    },
    /// A gate passed or failed.
    GateResult {
        /// The gate (`health`, `http /health`, `canary 10%`…).
        gate: String,
        /// Whether it passed.
        passed: bool,
        /// What was observed.
        detail: String,
    },
    /// An automatic or requested rollback began.
    RollbackStarted {
        /// The app id.
        app: String,
        /// The version rolled back to.
        to_version: String,
        /// Why.
        reason: String,
    },
    /// A rollback ended.
    RollbackFinished {
        /// The app id.
        app: String,
        /// The version now running.
        to_version: String,
        /// Whether the app is healthy again.
        healthy: bool,
    },
    /// Something the user should know that does not stop the pipeline (such
    /// as "no cluster configured: started an embedded dcos-sim").
    Warning {
        /// The message.
        message: String,
    },
    /// The command failed; the last event of a failed run.
    Failed {
        /// The stage it failed in, when known.
        stage: Option<Stage>,
        /// The error and its causes, on one line.
        message: String,
        /// The process exit code (1 for a failed pipeline, 2 for a bad spec or usage).
        exit_code: i32,
    },
    /// The end of a run.
    Summary {
        /// The deployed image, when there was one.
        image: Option<String>,
        /// The Jenkins build number, when there was a build.
        build_number: Option<u64>,
        /// The Marathon deployment id, when something was deployed.
        deployment_id: Option<String>,
        /// Healthy instances at the end.
        healthy: u32,
        /// The time each stage took, in order.
        stage_times: Vec<StageTime>,
    },
}

/// A handle that primitives emit [`PipelineEvent`]s through.
///
/// Cloning is cheap. With no listener ([`Events::none`], or once the
/// [`EventStream`] is dropped) events are discarded.
#[derive(Debug, Clone, Default)]
pub struct Events {
    sender: Option<mpsc::UnboundedSender<PipelineEvent>>,
}

impl Events {
    /// A handle that discards every event.
    pub fn none() -> Self {
        Events { sender: None }
    }

    /// A handle and the stream of the events emitted through it (and its
    /// clones). The stream ends once every handle is dropped.
    pub fn channel() -> (Events, EventStream) {
        let (sender, receiver) = mpsc::unbounded_channel();
        (
            Events {
                sender: Some(sender),
            },
            EventStream { receiver },
        )
    }

    /// Emits one event; never blocks.
    pub fn emit(&self, event: PipelineEvent) {
        if let Some(sender) = &self.sender {
            // A closed receiver means nobody listens any more: drop the event.
            let _ = sender.send(event);
        }
    }

    /// Whether a listener is still there (to skip building costly events).
    pub fn is_listening(&self) -> bool {
        self.sender.as_ref().is_some_and(|s| !s.is_closed())
    }

    /// Emits [`PipelineEvent::Warning`].
    pub fn warn(&self, message: impl Into<String>) {
        self.emit(PipelineEvent::Warning {
            message: message.into(),
        });
    }

    /// Emits [`PipelineEvent::StageStarted`].
    pub fn stage_started(&self, stage: Stage) {
        self.emit(PipelineEvent::StageStarted { stage });
    }

    /// Emits [`PipelineEvent::StageFinished`].
    pub fn stage_finished(&self, stage: Stage, duration: Duration, outcome: Outcome) {
        self.emit(PipelineEvent::StageFinished {
            stage,
            duration,
            outcome,
        });
    }

    /// Emits [`PipelineEvent::PlanLine`].
    pub fn plan_line(&self, stage: Stage, line: impl Into<String>) {
        self.emit(PipelineEvent::PlanLine {
            stage,
            line: line.into(),
        });
    }
}

/// The events of an [`Events::channel`], in the order they were emitted.
#[derive(Debug)]
pub struct EventStream {
    receiver: mpsc::UnboundedReceiver<PipelineEvent>,
}

impl EventStream {
    /// The next event, or `None` once every handle is dropped.
    pub async fn next_event(&mut self) -> Option<PipelineEvent> {
        self.receiver.recv().await
    }

    /// The events already emitted, without waiting.
    pub fn drain(&mut self) -> Vec<PipelineEvent> {
        let mut events = Vec::new();
        while let Ok(event) = self.receiver.try_recv() {
            events.push(event);
        }
        events
    }
}

impl Stream for EventStream {
    type Item = PipelineEvent;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<PipelineEvent>> {
        self.receiver.poll_recv(cx)
    }
}

#[cfg(test)]
mod tests {
    use futures_util::StreamExt;

    use super::*;

    #[tokio::test]
    async fn stream_yields_events_in_order_and_ends_with_the_handles() {
        let (events, mut stream) = Events::channel();
        let clone = events.clone();
        events.stage_started(Stage::Build);
        clone.plan_line(Stage::Configure, "+ create job cd/hello");
        drop(events);
        drop(clone);
        let all: Vec<_> = (&mut stream).collect().await;
        assert_eq!(
            all,
            vec![
                PipelineEvent::StageStarted {
                    stage: Stage::Build
                },
                PipelineEvent::PlanLine {
                    stage: Stage::Configure,
                    line: "+ create job cd/hello".into()
                },
            ]
        );
    }

    #[test]
    fn none_and_dropped_listeners_discard_events() {
        let none = Events::none();
        assert!(!none.is_listening());
        none.warn("dropped");
        let (events, stream) = Events::channel();
        assert!(events.is_listening());
        drop(stream);
        assert!(!events.is_listening());
        events.warn("also dropped");
    }

    #[test]
    fn drain_returns_what_was_emitted() {
        let (events, mut stream) = Events::channel();
        events.warn("a");
        events.warn("b");
        assert_eq!(stream.drain().len(), 2);
        assert!(stream.drain().is_empty());
    }

    #[test]
    fn json_is_tagged_in_snake_case_with_seconds() {
        let event = PipelineEvent::StageFinished {
            stage: Stage::Deploy,
            duration: Duration::from_millis(1500),
            outcome: Outcome::Failed {
                reason: "gate".into(),
            },
        };
        let json = serde_json::to_value(&event).unwrap();
        assert_eq!(
            json,
            serde_json::json!({
                "event": "stage_finished",
                "stage": "deploy",
                "duration": 1.5,
                "outcome": {"failed": {"reason": "gate"}}
            })
        );
        let back: PipelineEvent = serde_json::from_value(json).unwrap();
        assert_eq!(back, event);
    }

    #[test]
    fn every_event_round_trips_through_json() {
        let events = vec![
            PipelineEvent::ConsoleLine {
                build_number: 7,
                line: "Step 1/3".into(),
            },
            PipelineEvent::DeploymentStep {
                deployment_id: "d-1".into(),
                step: "1/1".into(),
            },
            PipelineEvent::InstanceCounts {
                app: "/hello".into(),
                healthy: 1,
                running: 2,
                staged: 1,
                target: 3,
            },
            PipelineEvent::GateResult {
                gate: "health".into(),
                passed: true,
                detail: "3/3".into(),
            },
            PipelineEvent::RollbackStarted {
                app: "/hello".into(),
                to_version: "v1".into(),
                reason: "unhealthy".into(),
            },
            PipelineEvent::RollbackFinished {
                app: "/hello".into(),
                to_version: "v1".into(),
                healthy: true,
            },
            PipelineEvent::Failed {
                stage: Some(Stage::Deploy),
                message: "deploy of /hello failed".into(),
                exit_code: 1,
            },
            PipelineEvent::Summary {
                image: Some("r/hello:1".into()),
                build_number: Some(1),
                deployment_id: None,
                healthy: 3,
                stage_times: vec![StageTime {
                    stage: Stage::Build,
                    duration: Duration::from_secs(2),
                }],
            },
        ];
        for event in events {
            let text = serde_json::to_string(&event).unwrap();
            assert!(text.starts_with("{\"event\":"), "{text}");
            let back: PipelineEvent = serde_json::from_str(&text).unwrap();
            assert_eq!(back, event);
        }
    }
}
