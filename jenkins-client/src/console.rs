//! The console log of a build: the full text, and a follow of
//! `logText/progressiveText` as a stream of chunks or lines.
//!
//! ```no_run
//! # async fn run(jenkins: jenkins_client::JenkinsClient) -> jenkins_client::Result<()> {
//! use futures_util::StreamExt;
//! use jenkins_client::JobPath;
//! use jenkins_client::console::FollowOptions;
//!
//! let job = JobPath::parse("team/app")?;
//! let mut lines = jenkins.console().follow_lines(&job, 42, FollowOptions::default());
//! while let Some(line) = lines.next().await {
//!     println!("{}", line?.text);
//! }
//! # Ok(()) }
//! ```
//!
//! The parts without I/O are public so that they can be tested and reused:
//! [`Progress`] (the offsets), [`Gunzip`] (compressed bodies) and
//! [`LineDecoder`] (lines with a length cap).

mod follow;
mod gzip;
mod lines;
mod progress;

use bytes::Bytes;
use dcos_auth::Request;
use futures_util::StreamExt;
use futures_util::stream::BoxStream;

use crate::builds::BuildSelector;
use crate::client::JenkinsClient;
use crate::error::Result;
use crate::path::JobPath;

pub use follow::{ConsoleChunk, FollowOptions};

pub use gzip::Gunzip;
pub use lines::{ConsoleLine, DEFAULT_MAX_LINE, LineDecoder};
pub use progress::{MORE_DATA_HEADER, Progress, ProgressHeaders, Step, TEXT_SIZE_HEADER};

/// Why the console could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ConsoleError {
    /// A progressiveText answer had no `X-Text-Size` (a proxy may strip it).
    #[error("the progressiveText answer has no X-Text-Size header")]
    MissingTextSize,
    /// `X-Text-Size` was not a number.
    #[error("the progressiveText answer has an invalid X-Text-Size: {0:?}")]
    BadTextSize(String),
    /// A gzip body could not be inflated, or was cut short.
    #[error("the console body is not valid gzip: {0}")]
    Gzip(String),
}

/// The console of builds. Made by [`JenkinsClient::console`].
#[derive(Debug, Clone, Copy)]
pub struct Console<'a> {
    client: &'a JenkinsClient,
}

impl JenkinsClient {
    /// The console log of builds: the full text, or a follow.
    pub fn console(&self) -> Console<'_> {
        Console { client: self }
    }
}

impl Console<'_> {
    /// The whole console text of a build as it is now: `GET …/<n>/consoleText`.
    /// For a large log, or one still growing, prefer [`follow`](Self::follow).
    pub async fn text(&self, job: &JobPath, build: impl Into<BuildSelector>) -> Result<Bytes> {
        let segments = job.endpoint([build.into().segment(), "consoleText".to_owned()]);
        Ok(self
            .client
            .execute(Request::get(segments).accept("text/plain"))
            .await?
            .body)
    }

    /// Follows the console of a build from `options.start` until the log is
    /// complete: `GET …/<n>/logText/progressiveText?start=N`, again and again
    /// with `N` from each answer's `X-Text-Size`, until an answer has no
    /// `X-More-Data`. Polls that bring no new text are `options.poll` apart.
    ///
    /// Bodies are read as they arrive (gzip ones inflated on the way), so a
    /// large log is never held whole. An answer cut off mid-body (a dropped
    /// connection, an idle time-out) is asked for again from the same offset,
    /// up to 3 times in a row, and the text already passed on is skipped:
    /// the log only grows, so the same start gives the same text first. Any
    /// other error is yielded as an item and ends the stream; resume with
    /// [`FollowOptions::start`] at the last chunk's `next`. The stream owns a
    /// clone of the client.
    pub fn follow(
        &self,
        job: &JobPath,
        build: u64,
        options: FollowOptions,
    ) -> BoxStream<'static, Result<ConsoleChunk>> {
        let segments = job.endpoint([
            build.to_string(),
            "logText".to_owned(),
            "progressiveText".to_owned(),
        ]);
        follow::follow(self.client.clone(), segments, options)
    }

    /// [`follow`](Self::follow), split into lines of at most
    /// `options.max_line` bytes (see [`LineDecoder`]).
    pub fn follow_lines(
        &self,
        job: &JobPath,
        build: u64,
        options: FollowOptions,
    ) -> BoxStream<'static, Result<ConsoleLine>> {
        follow::lines(self.follow(job, build, options), options.max_line).boxed()
    }
}
