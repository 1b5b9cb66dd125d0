//! [`Human`]: spinners and bars on a terminal, plain lines elsewhere.

use std::collections::HashMap;
use std::io::{IsTerminal, Write};
use std::time::Duration;

use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};

use super::Reporter;
use super::lines::{format_duration, plain_lines};
use crate::events::{Outcome, PipelineEvent, Stage};

/// The human reporter.
///
/// On a terminal each running stage has a spinner and each app being
/// deployed a bar of healthy instances over the target, with the other
/// events printed above them. Without a terminal (a pipe, a CI log) every
/// event is one or more plain lines ([`plain_lines`]), the same text.
pub struct Human {
    mode: Mode,
}

enum Mode {
    Plain(Box<dyn Write + Send>),
    Bars(Bars),
}

struct Bars {
    multi: MultiProgress,
    stages: HashMap<Stage, ProgressBar>,
    apps: HashMap<String, ProgressBar>,
}

impl std::fmt::Debug for Human {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Human")
            .field(
                "mode",
                &match self.mode {
                    Mode::Plain(_) => "plain",
                    Mode::Bars(_) => "bars",
                },
            )
            .finish()
    }
}

impl Human {
    /// Bars when standard output is a terminal, plain lines otherwise.
    pub fn stdout() -> Self {
        if std::io::stdout().is_terminal() {
            Human::bars(ProgressDrawTarget::stdout())
        } else {
            Human::plain(std::io::stdout())
        }
    }

    /// Plain lines to `out`.
    pub fn plain(out: impl Write + Send + 'static) -> Self {
        Human {
            mode: Mode::Plain(Box::new(out)),
        }
    }

    /// Spinners and bars drawn to `target`.
    pub fn bars(target: ProgressDrawTarget) -> Self {
        Human {
            mode: Mode::Bars(Bars {
                multi: MultiProgress::with_draw_target(target),
                stages: HashMap::new(),
                apps: HashMap::new(),
            }),
        }
    }
}

fn spinner_style() -> ProgressStyle {
    ProgressStyle::with_template("{spinner} {msg} {elapsed}")
        .unwrap_or_else(|_| ProgressStyle::default_spinner())
}

fn bar_style() -> ProgressStyle {
    ProgressStyle::with_template("    {msg:<24} [{bar:30}] {pos}/{len} healthy {prefix}")
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ")
}

impl Bars {
    fn println(&self, lines: Vec<String>) {
        for line in lines {
            // A hidden target (tests, a closed terminal) refuses: nothing to do.
            let _ = self.multi.println(line);
        }
    }

    fn event(&mut self, event: &PipelineEvent) {
        match event {
            PipelineEvent::StageStarted { stage } => {
                let bar = self.multi.add(ProgressBar::new_spinner());
                bar.set_style(spinner_style());
                bar.set_message(stage.to_string());
                bar.enable_steady_tick(Duration::from_millis(120));
                self.stages.insert(*stage, bar);
            }
            PipelineEvent::StageFinished {
                stage,
                duration,
                outcome,
            } => {
                let text = match outcome {
                    Outcome::Succeeded => format!("✔ {stage} ({})", format_duration(*duration)),
                    Outcome::Unchanged => {
                        format!("= {stage} unchanged ({})", format_duration(*duration))
                    }
                    Outcome::Failed { reason } => format!(
                        "✘ {stage} failed after {}: {reason}",
                        format_duration(*duration)
                    ),
                };
                match self.stages.remove(stage) {
                    Some(bar) => {
                        bar.set_style(
                            ProgressStyle::with_template("{msg}")
                                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
                        );
                        bar.finish_with_message(text);
                    }
                    None => self.println(vec![text]),
                }
            }
            PipelineEvent::InstanceCounts {
                app,
                healthy,
                running,
                staged,
                target,
            } => {
                let bar = self.apps.entry(app.clone()).or_insert_with(|| {
                    let bar = self.multi.add(ProgressBar::new(u64::from(*target)));
                    bar.set_style(bar_style());
                    bar.set_message(app.clone());
                    bar
                });
                bar.set_prefix(format!("({running} running, {staged} staged)"));
                bar.set_length(u64::from(*target));
                bar.set_position(u64::from(*healthy));
            }
            PipelineEvent::Summary { .. } | PipelineEvent::Failed { .. } => {
                self.finish_all();
                self.println(plain_lines(event));
            }
            other => self.println(plain_lines(other)),
        }
    }

    fn finish_all(&mut self) {
        for (_, bar) in self.apps.drain() {
            // `finish` would fill the bar; the last counts are what happened.
            bar.abandon();
        }
        for (_, bar) in self.stages.drain() {
            bar.finish_and_clear();
        }
    }
}

impl Reporter for Human {
    fn event(&mut self, event: &PipelineEvent) {
        match &mut self.mode {
            Mode::Plain(out) => {
                for line in plain_lines(event) {
                    let _ = writeln!(out, "{line}");
                }
                let _ = out.flush();
            }
            Mode::Bars(bars) => bars.event(event),
        }
    }

    fn finish(&mut self) {
        match &mut self.mode {
            Mode::Plain(out) => {
                let _ = out.flush();
            }
            Mode::Bars(bars) => bars.finish_all(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::Events;
    use crate::report::{SharedBuffer, drive};

    fn sample() -> Vec<PipelineEvent> {
        vec![
            PipelineEvent::StageStarted {
                stage: Stage::Deploy,
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
                detail: "3/3 healthy".into(),
            },
            PipelineEvent::StageFinished {
                stage: Stage::Deploy,
                duration: Duration::from_secs(3),
                outcome: Outcome::Succeeded,
            },
            PipelineEvent::Summary {
                image: Some("r/h:1".into()),
                build_number: Some(1),
                deployment_id: Some("d-1".into()),
                healthy: 3,
                stage_times: vec![],
            },
        ]
    }

    #[tokio::test]
    async fn plain_mode_writes_the_plain_lines_in_order() {
        let buffer = SharedBuffer::default();
        let mut reporter = Human::plain(buffer.clone());
        let (events, stream) = Events::channel();
        for event in sample() {
            events.emit(event);
        }
        drop(events);
        drive(stream, &mut reporter).await;
        let expected: Vec<String> = sample().iter().flat_map(plain_lines).collect();
        let text = buffer.text();
        assert_eq!(text.lines().collect::<Vec<_>>(), expected);
        assert!(text.contains("==> deploy done in 3.0s"), "{text}");
        assert!(text.contains("deployment id  d-1"), "{text}");
    }

    #[test]
    fn bar_mode_tracks_stages_and_apps_and_clears_them_at_the_end() {
        let mut reporter = Human::bars(ProgressDrawTarget::hidden());
        let events = sample();
        reporter.event(&events[0]);
        reporter.event(&events[1]);
        let Mode::Bars(bars) = &reporter.mode else {
            panic!("not in bar mode");
        };
        assert_eq!(bars.stages.len(), 1);
        let bar = &bars.apps["/hello"];
        assert_eq!((bar.position(), bar.length()), (1, Some(3)));
        assert_eq!(bar.prefix(), "(2 running, 1 staged)");
        for event in &events[2..] {
            reporter.event(event);
        }
        let Mode::Bars(bars) = &reporter.mode else {
            panic!("not in bar mode");
        };
        assert!(bars.stages.is_empty() && bars.apps.is_empty());
        reporter.finish();
    }
}
