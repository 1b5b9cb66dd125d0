//! The plain-text rendering of events, shared by the human reporter's
//! terminal and non-terminal modes.

use std::time::Duration;

use crate::events::{Outcome, PipelineEvent};

/// `850ms`, `12.3s`, `2m05s`.
pub fn format_duration(d: Duration) -> String {
    let millis = d.as_millis();
    if millis < 1000 {
        format!("{millis}ms")
    } else if millis < 60_000 {
        format!("{:.1}s", d.as_secs_f64())
    } else {
        let secs = d.as_secs();
        format!("{}m{:02}s", secs / 60, secs % 60)
    }
}

/// The lines an event is shown as without a terminal (and above the bars
/// with one). Some events have none.
pub fn plain_lines(event: &PipelineEvent) -> Vec<String> {
    match event {
        PipelineEvent::StageStarted { stage } => vec![format!("==> {stage}")],
        PipelineEvent::StageFinished {
            stage,
            duration,
            outcome,
        } => vec![match outcome {
            Outcome::Succeeded => format!("==> {stage} done in {}", format_duration(*duration)),
            Outcome::Unchanged => format!("==> {stage} unchanged ({})", format_duration(*duration)),
            Outcome::Failed { reason } => format!(
                "==> {stage} FAILED after {}: {reason}",
                format_duration(*duration)
            ),
        }],
        PipelineEvent::PlanLine { line, .. } => vec![format!("    {line}")],
        PipelineEvent::ConsoleLine { build_number, line } => {
            vec![format!("    #{build_number} | {line}")]
        }
        PipelineEvent::DeploymentStep {
            deployment_id,
            step,
        } => vec![format!("    deployment {deployment_id}: {step}")],
        PipelineEvent::InstanceCounts {
            app,
            healthy,
            running,
            staged,
            target,
        } => vec![format!(
            "    {app}: {healthy}/{target} healthy, {running} running, {staged} staged"
        )],
        PipelineEvent::GateResult {
            gate,
            passed,
            detail,
        } => vec![format!(
            "    gate {gate}: {} ({detail})",
            if *passed { "passed" } else { "FAILED" }
        )],
        PipelineEvent::RollbackStarted {
            app,
            to_version,
            reason,
        } => vec![format!("    rolling back {app} to {to_version}: {reason}")],
        PipelineEvent::RollbackFinished {
            app,
            to_version,
            healthy,
        } => vec![format!(
            "    {app} is back on {to_version}{}",
            if *healthy {
                ", healthy"
            } else {
                ", NOT healthy"
            }
        )],
        PipelineEvent::Warning { message } => vec![format!("warning: {message}")],
        PipelineEvent::Failed {
            stage,
            message,
            exit_code: _,
        } => vec![match stage {
            Some(stage) => format!("error in {stage}: {message}"),
            None => format!("error: {message}"),
        }],
        PipelineEvent::Summary {
            image,
            build_number,
            deployment_id,
            healthy,
            stage_times,
        } => {
            let none = || "-".to_owned();
            let mut lines = vec![
                "Summary".to_owned(),
                format!("    image          {}", image.clone().unwrap_or_else(none)),
                format!(
                    "    build number   {}",
                    build_number.map_or_else(none, |n| n.to_string())
                ),
                format!(
                    "    deployment id  {}",
                    deployment_id.clone().unwrap_or_else(none)
                ),
                format!("    healthy        {healthy}"),
            ];
            for time in stage_times {
                lines.push(format!(
                    "    {:<14} {}",
                    time.stage.as_str(),
                    format_duration(time.duration)
                ));
            }
            lines
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::events::{Stage, StageTime};

    #[test]
    fn durations_read_well() {
        assert_eq!(format_duration(Duration::from_millis(850)), "850ms");
        assert_eq!(format_duration(Duration::from_millis(12_340)), "12.3s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m05s");
    }

    #[test]
    fn stage_and_progress_lines() {
        let finished = PipelineEvent::StageFinished {
            stage: Stage::Deploy,
            duration: Duration::from_millis(1500),
            outcome: Outcome::Failed {
                reason: "gate http /health failed".into(),
            },
        };
        assert_eq!(
            plain_lines(&finished),
            ["==> deploy FAILED after 1.5s: gate http /health failed"]
        );
        let counts = PipelineEvent::InstanceCounts {
            app: "/hello".into(),
            healthy: 2,
            running: 3,
            staged: 0,
            target: 3,
        };
        assert_eq!(
            plain_lines(&counts),
            ["    /hello: 2/3 healthy, 3 running, 0 staged"]
        );
        let console = PipelineEvent::ConsoleLine {
            build_number: 4,
            line: "+ docker push r/h:4".into(),
        };
        assert_eq!(plain_lines(&console), ["    #4 | + docker push r/h:4"]);
        let failed = PipelineEvent::Failed {
            stage: None,
            message: "p.toml:3:1: service: bad".into(),
            exit_code: 2,
        };
        assert_eq!(plain_lines(&failed), ["error: p.toml:3:1: service: bad"]);
    }

    #[test]
    fn the_summary_lists_every_figure_and_stage_time() {
        let summary = PipelineEvent::Summary {
            image: Some("r/hello:abc-1".into()),
            build_number: Some(1),
            deployment_id: None,
            healthy: 3,
            stage_times: vec![
                StageTime {
                    stage: Stage::Configure,
                    duration: Duration::from_millis(400),
                },
                StageTime {
                    stage: Stage::Build,
                    duration: Duration::from_secs(12),
                },
            ],
        };
        assert_eq!(
            plain_lines(&summary),
            [
                "Summary",
                "    image          r/hello:abc-1",
                "    build number   1",
                "    deployment id  -",
                "    healthy        3",
                "    configure      400ms",
                "    build          12.0s",
            ]
        );
    }
}
