//! The follow of `logText/progressiveText`: requests, offsets and bodies
//! put together into a stream of [`ConsoleChunk`]s.

use std::time::Duration;

use bytes::{Bytes, BytesMut};
use dcos_auth::http::HeaderValue;
use dcos_auth::http::header::{ACCEPT_ENCODING, CONTENT_ENCODING};
use dcos_auth::{ByteStream, Request};
use futures_util::stream::{self, BoxStream};
use futures_util::{Stream, StreamExt};
use tokio_util::codec::Decoder;

use super::{ConsoleLine, Gunzip, LineDecoder, Progress, ProgressHeaders, Step};
use crate::client::JenkinsClient;
use crate::error::{Error, Result};

/// Text of the console, as it arrived in one answer.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsoleChunk {
    /// The `start` offset of the answer the text belongs to.
    pub start: u64,
    /// The `X-Text-Size` of that answer: where the next request starts.
    pub next: u64,
    /// The text (UTF-8 from Jenkins, but a chunk may end inside a
    /// character; [`follow_lines`](super::Console::follow_lines) joins them).
    pub text: Bytes,
    /// The server started again from 0 because the offset was past the end
    /// of the log (the log was replaced). Text it re-sent that this follow
    /// had delivered is dropped; see [`Progress`].
    pub reset: bool,
}

/// How to follow a console.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct FollowOptions {
    /// The byte offset to start at: 0 for the whole log, or a chunk's
    /// `next` to resume.
    pub start: u64,
    /// The pause between polls that brought no new text; 1 s by default.
    pub poll: Duration,
    /// The cap on one line for [`follow_lines`](super::Console::follow_lines).
    pub max_line: usize,
}

impl Default for FollowOptions {
    fn default() -> Self {
        FollowOptions {
            start: 0,
            poll: Duration::from_secs(1),
            max_line: super::DEFAULT_MAX_LINE,
        }
    }
}

impl FollowOptions {
    /// Starts at byte offset `start`.
    #[must_use]
    pub fn start(mut self, start: u64) -> Self {
        self.start = start;
        self
    }

    /// Pauses `poll` between polls that brought nothing new.
    #[must_use]
    pub fn poll(mut self, poll: Duration) -> Self {
        self.poll = poll;
        self
    }

    /// Caps lines at `max_line` bytes.
    #[must_use]
    pub fn max_line(mut self, max_line: usize) -> Self {
        self.max_line = max_line;
        self
    }
}

/// How many times in a row an answer cut off mid-body is asked for again.
const MAX_RESUMES: u32 = 3;

/// One answer being read.
struct Answer {
    body: ByteStream,
    gunzip: Option<Gunzip>,
    step: Step,
    /// The offsets before this answer, to ask for it again if it is cut off.
    before: Progress,
    /// Bytes of text taken from this answer so far (passed on or skipped).
    taken: u64,
}

struct State {
    client: JenkinsClient,
    segments: Vec<String>,
    progress: Progress,
    poll: Duration,
    answer: Option<Answer>,
    /// The last answer brought no new text: pause before the next.
    idle: bool,
    /// Bytes of text at the start of the next answer that a cut-off answer
    /// already passed on.
    skip: u64,
    /// Cut-off answers asked for again in a row.
    resumes: u32,
    done: bool,
}

impl State {
    async fn next(&mut self) -> Option<Result<ConsoleChunk>> {
        loop {
            if self.done {
                return None;
            }
            let Some(answer) = &mut self.answer else {
                if self.progress.is_finished() {
                    self.done = true;
                    return None;
                }
                if self.idle {
                    tokio::time::sleep(self.poll).await;
                }
                match self.request().await {
                    Ok(answer) => {
                        self.idle = answer.step.next == answer.step.start;
                        self.answer = Some(answer);
                    }
                    Err(e) => {
                        self.done = true;
                        return Some(Err(e));
                    }
                }
                continue;
            };
            let step = answer.step;
            let text = match answer.body.next().await {
                Some(Ok(bytes)) => match &mut answer.gunzip {
                    Some(g) => g.feed(&bytes),
                    None => Ok(bytes),
                },
                Some(Err(e)) if e.is_retryable() && self.resumes < MAX_RESUMES => {
                    // The log only grows, so asking again from the same start
                    // gives the same text first: skip what was passed on.
                    tracing::debug!(error = %e, start = step.start, taken = answer.taken, "the console answer was cut off: asking again");
                    self.progress = answer.before.clone();
                    self.skip = answer.taken;
                    self.resumes += 1;
                    self.idle = true;
                    self.answer = None;
                    continue;
                }
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e.into()));
                }
                None => {
                    let rest = match answer.gunzip.take() {
                        Some(g) => g.finish(),
                        None => Ok(Bytes::new()),
                    };
                    self.answer = None;
                    self.resumes = 0;
                    rest
                }
            };
            let skip = &mut self.skip;
            let text = text.map(|mut text| {
                if let Some(answer) = &mut self.answer {
                    answer.taken += text.len() as u64;
                }
                let cut = usize::try_from(*skip).unwrap_or(usize::MAX).min(text.len());
                *skip -= cut as u64;
                text.split_off(cut)
            });
            if self.answer.is_none() {
                // A complete answer: nothing is left to skip, even if a
                // re-sent answer was shorter than the cut-off one.
                self.skip = 0;
            }
            match text {
                Err(e) => {
                    self.done = true;
                    return Some(Err(Error::Protocol(e.to_string())));
                }
                Ok(text) if text.is_empty() || !step.keep_body => {}
                Ok(text) => {
                    return Some(Ok(ConsoleChunk {
                        start: step.start,
                        next: step.next,
                        text,
                        reset: step.reset,
                    }));
                }
            }
        }
    }

    async fn request(&mut self) -> Result<Answer> {
        let request = Request::get(self.segments.clone())
            .query("start", self.progress.start())
            .header(ACCEPT_ENCODING, HeaderValue::from_static("gzip"))
            .accept("text/plain");
        let body = self
            .client
            .core()
            .stream(request)
            .await
            .map_err(Error::from_http)?;
        let headers = ProgressHeaders::from_headers(body.headers())
            .map_err(|e| Error::Protocol(e.to_string()))?;
        let gzip = body
            .headers()
            .get(CONTENT_ENCODING)
            .is_some_and(|v| v.as_bytes().eq_ignore_ascii_case(b"gzip"));
        let before = self.progress.clone();
        let step = self.progress.on_answer(headers);
        if step.reset {
            tracing::warn!(
                start = step.start,
                size = step.next,
                kept = step.keep_body,
                "the console log is shorter than the offset asked for: the server started again from 0"
            );
        }
        Ok(Answer {
            body,
            gunzip: gzip.then(Gunzip::new),
            step,
            before,
            taken: 0,
        })
    }
}

/// A stream of console chunks; see [`Console::follow`](super::Console::follow).
pub(crate) fn follow(
    client: JenkinsClient,
    segments: Vec<String>,
    options: FollowOptions,
) -> BoxStream<'static, Result<ConsoleChunk>> {
    let state = State {
        client,
        segments,
        progress: Progress::new(options.start),
        poll: options.poll,
        answer: None,
        idle: false,
        skip: 0,
        resumes: 0,
        done: false,
    };
    stream::unfold(state, |mut state| async move {
        let item = state.next().await?;
        Some((item, state))
    })
    .boxed()
}

/// Splits a stream of chunks into lines; an error ends it after the lines
/// before it.
pub(crate) fn lines<S>(chunks: S, max_line: usize) -> impl Stream<Item = Result<ConsoleLine>>
where
    S: Stream<Item = Result<ConsoleChunk>> + Send + 'static,
{
    struct Lines<S> {
        chunks: S,
        decoder: LineDecoder,
        buf: BytesMut,
        ended: bool,
        error: Option<Error>,
    }
    let state = Lines {
        chunks: Box::pin(chunks),
        decoder: LineDecoder::with_max_line(max_line),
        buf: BytesMut::new(),
        ended: false,
        error: None,
    };
    stream::unfold(state, |mut s| async move {
        loop {
            // The decoder's io::Error never happens: it only splits bytes.
            if let Ok(Some(line)) = s.decoder.decode(&mut s.buf) {
                return Some((Ok(line), s));
            }
            if s.ended {
                if let Ok(Some(line)) = s.decoder.decode_eof(&mut s.buf) {
                    return Some((Ok(line), s));
                }
                // The text before an error is passed on first.
                return s.error.take().map(|e| (Err(e), s));
            }
            match s.chunks.next().await {
                Some(Ok(chunk)) => s.buf.extend_from_slice(&chunk.text),
                Some(Err(e)) => {
                    s.ended = true;
                    s.error = Some(e);
                }
                None => s.ended = true,
            }
        }
    })
}
