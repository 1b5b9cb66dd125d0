//! Reporters: the event stream rendered for people ([`Human`]) or programs
//! ([`JsonLines`], `--output json`).
//!
//! A reporter handles one [`PipelineEvent`] at a time; [`drive`] feeds it a
//! whole [`EventStream`] until every [`Events`](crate::Events) handle is
//! dropped.

mod human;
mod json;
mod lines;

use std::io::Write;

use crate::events::{EventStream, PipelineEvent};

pub use self::human::Human;
pub use self::json::JsonLines;
pub use self::lines::{format_duration, plain_lines};

/// The output format of `dcos-cd`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum OutputFormat {
    /// Progress bars and spinners on a terminal, plain lines otherwise.
    #[default]
    Human,
    /// One JSON object per line, one per event.
    Json,
}

/// Something that renders events.
pub trait Reporter: Send {
    /// Renders one event. Write errors (a closed pipe) are ignored: the
    /// pipeline goes on whether or not anyone reads its progress.
    fn event(&mut self, event: &PipelineEvent);

    /// Called once after the last event: finishes bars, flushes.
    fn finish(&mut self) {}
}

/// A reporter for `format` writing to standard output.
pub fn stdout_reporter(format: OutputFormat) -> Box<dyn Reporter> {
    match format {
        OutputFormat::Json => Box::new(JsonLines::new(std::io::stdout())),
        OutputFormat::Human => Box::new(Human::stdout()),
    }
}

/// Feeds every event of `stream` to `reporter`, then finishes it.
pub async fn drive(mut stream: EventStream, reporter: &mut dyn Reporter) {
    while let Some(event) = stream.next_event().await {
        reporter.event(&event);
    }
    reporter.finish();
}

/// A writer shared between a reporter and a test that reads what it wrote.
#[derive(Debug, Clone, Default)]
pub struct SharedBuffer(std::sync::Arc<std::sync::Mutex<Vec<u8>>>);

impl SharedBuffer {
    /// What was written so far, as text (invalid UTF-8 replaced).
    pub fn text(&self) -> String {
        match self.0.lock() {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(poisoned) => String::from_utf8_lossy(&poisoned.into_inner()).into_owned(),
        }
    }
}

impl Write for SharedBuffer {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        match self.0.lock() {
            Ok(mut bytes) => bytes.extend_from_slice(buf),
            Err(poisoned) => poisoned.into_inner().extend_from_slice(buf),
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}
