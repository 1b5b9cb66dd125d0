//! [`JsonLines`]: one JSON object per event and per line.

use std::io::Write;

use super::Reporter;
use crate::events::PipelineEvent;

/// Writes each event as one line of JSON (`{"event":"stage_started",…}`)
/// and flushes it, so a consumer sees it at once.
#[derive(Debug)]
pub struct JsonLines<W> {
    out: W,
}

impl<W: Write + Send> JsonLines<W> {
    /// A reporter writing to `out`.
    pub fn new(out: W) -> Self {
        JsonLines { out }
    }
}

impl<W: Write + Send> Reporter for JsonLines<W> {
    fn event(&mut self, event: &PipelineEvent) {
        // Every event serializes (plain data); a failure would be a bug, and
        // is reported on the line rather than lost.
        let line = serde_json::to_string(event).unwrap_or_else(|e| {
            serde_json::json!({"event": "warning", "message": format!("unserializable event: {e}")})
                .to_string()
        });
        let _ = writeln!(self.out, "{line}");
        let _ = self.out.flush();
    }

    fn finish(&mut self) {
        let _ = self.out.flush();
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;
    use crate::events::{Events, Outcome, Stage};
    use crate::report::{SharedBuffer, drive};

    #[tokio::test]
    async fn every_line_parses_back_to_its_event() {
        let buffer = SharedBuffer::default();
        let mut reporter = JsonLines::new(buffer.clone());
        let (events, stream) = Events::channel();
        let sent = vec![
            PipelineEvent::StageStarted {
                stage: Stage::Build,
            },
            PipelineEvent::ConsoleLine {
                build_number: 1,
                line: "quote \" and\ttab".into(),
            },
            PipelineEvent::StageFinished {
                stage: Stage::Build,
                duration: Duration::from_millis(250),
                outcome: Outcome::Succeeded,
            },
        ];
        for event in &sent {
            events.emit(event.clone());
        }
        drop(events);
        drive(stream, &mut reporter).await;
        let text = buffer.text();
        let back: Vec<PipelineEvent> = text
            .lines()
            .map(|l| serde_json::from_str(l).unwrap())
            .collect();
        assert_eq!(back, sent);
        assert!(text.ends_with('\n'));
    }
}
