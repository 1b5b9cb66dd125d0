//! A Server-Sent Events decoder: [`SseDecoder`], a
//! [`tokio_util::codec::Decoder`] of [`SseFrame`]s.
//!
//! It follows the WHATWG event-stream rules:
//!
//! - a line ends in `\n`, `\r\n` or `\r`, even when the `\r` and `\n` of one
//!   `\r\n` arrive in different chunks;
//! - `field: value` loses one optional space after the colon, and a line with
//!   no colon is a field with an empty value;
//! - `data` lines are joined with `\n`; `event` names the frame; `id` sets the
//!   last event id, which carries over to later frames; `retry` sets the
//!   reconnection time ([`SseDecoder::retry`]);
//! - a line starting with `:` is a comment (proxies send them as keep-alives);
//! - a blank line dispatches the frame, unless it has no `data` line;
//! - a byte order mark at the very start is skipped;
//! - at the end of the stream an unfinished frame is not dispatched:
//!   [`Decoder::decode_eof`] reports it as [`SseError::Truncated`].
//!
//! Unlike a browser it does not replace invalid UTF-8 in `data`, `event` or
//! `id`: that is [`SseError::InvalidUtf8`]. Frames are capped
//! ([`SseDecoder::with_max_frame`], [`DEFAULT_MAX_FRAME`] by default): a
//! larger frame, or any line longer than the cap (a comment too), is
//! [`SseError::FrameTooLarge`], and the input is never buffered past the cap.
//!
//! After an error the decoder skips the rest of the bad frame and goes on with
//! the next one, so a caller that keeps calling it loses only that frame.
//! ([`tokio_util::codec::FramedRead`] ends its stream at the first error
//! anyway; the event streams of this crate drive the decoder themselves.)
//!
//! ```
//! use bytes::BytesMut;
//! use marathon_client::sse::SseDecoder;
//! use tokio_util::codec::Decoder;
//!
//! let mut decoder = SseDecoder::new();
//! let mut buf = BytesMut::from(&b"event: deployment_success\r\ndata: {\"id\":\"1\"}\r\n"[..]);
//! assert_eq!(decoder.decode(&mut buf).unwrap(), None); // not dispatched yet
//! buf.extend_from_slice(b"\r\n");
//! let frame = decoder.decode(&mut buf).unwrap().unwrap();
//! assert_eq!(frame.event.as_deref(), Some("deployment_success"));
//! assert_eq!(frame.data, r#"{"id":"1"}"#);
//! ```

use std::sync::Arc;
use std::time::Duration;

use bytes::{Buf, BytesMut};
use tokio_util::codec::Decoder;

/// The default cap on one frame: 8 MiB of `data` plus `event`.
pub const DEFAULT_MAX_FRAME: usize = 8 * 1024 * 1024;

const BOM: &[u8] = b"\xEF\xBB\xBF";

/// How much longer than the cap a line may be: room for `event: ` before a
/// value at the cap. Any longer line is refused even before it ends (and
/// whatever its field), so the buffer never holds more than this.
const LINE_SLACK: usize = 8;

/// One dispatched event of a Server-Sent Events stream.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct SseFrame {
    /// The `event` field, if the frame had a non-empty one. (A browser would
    /// call it `message`.)
    pub event: Option<String>,
    /// The `data` lines, joined with `\n`.
    pub data: String,
    /// The last event id the stream set, in this frame or an earlier one.
    pub id: Option<String>,
}

/// Why a stream of Server-Sent Events could not be decoded.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum SseError {
    /// A frame grew past the cap. The rest of it is skipped.
    #[error("an event-stream frame is larger than the {max}-byte limit")]
    FrameTooLarge {
        /// The cap, in bytes.
        max: usize,
    },
    /// A `data`, `event` or `id` line is not valid UTF-8. The rest of the frame
    /// is skipped.
    #[error("an event-stream `{field}` line is not valid UTF-8")]
    InvalidUtf8 {
        /// The field: `data`, `event` or `id`.
        field: &'static str,
    },
    /// The stream ended inside a frame that had data, or inside a line: the
    /// frame was cut off and is not dispatched.
    #[error("the event stream ended inside a frame ({pending} bytes not dispatched)")]
    Truncated {
        /// How many bytes of the frame were received.
        pending: usize,
    },
    /// Reading the input failed (only when the decoder runs under a
    /// [`tokio_util::codec::FramedRead`]).
    #[error("reading the event stream failed")]
    Io(#[source] Arc<std::io::Error>),
}

impl From<std::io::Error> for SseError {
    fn from(err: std::io::Error) -> Self {
        SseError::Io(Arc::new(err))
    }
}

/// Decodes a Server-Sent Events byte stream into [`SseFrame`]s. See the
/// [module docs](self).
///
/// Each input byte is scanned once: a partial line stays in the buffer and
/// the next call resumes the search where the last one stopped, eight bytes
/// at a time.
#[derive(Debug, Clone)]
pub struct SseDecoder {
    max_frame: usize,
    /// Bytes at the start of the buffer already searched for a line end.
    scanned: usize,
    /// The last line ended in `\r` at the end of the input: a `\n` at the start
    /// of the next input belongs to it.
    skip_lf: bool,
    /// Whether the start of the stream has been checked for a BOM.
    started: bool,
    /// The `event` field of the frame being built.
    event: String,
    /// The `data` lines of the frame being built, joined with `\n`.
    data: String,
    /// Whether the frame being built has a `data` line (it may be empty).
    has_data: bool,
    /// The last event id, kept across frames.
    last_id: Option<String>,
    /// The last `retry` value, in milliseconds.
    retry: Option<u64>,
    /// Skipping the rest of a frame that failed.
    discarding: bool,
    /// While discarding, part of the current line was dropped already, so the
    /// line is not blank.
    dropped_partial: bool,
}

impl Default for SseDecoder {
    fn default() -> Self {
        SseDecoder::new()
    }
}

impl SseDecoder {
    /// A decoder with the [`DEFAULT_MAX_FRAME`] cap.
    pub fn new() -> Self {
        SseDecoder::with_max_frame(DEFAULT_MAX_FRAME)
    }

    /// A decoder that refuses frames whose `data` and `event` together exceed
    /// `max` bytes.
    pub fn with_max_frame(max: usize) -> Self {
        SseDecoder {
            max_frame: max,
            scanned: 0,
            skip_lf: false,
            started: false,
            event: String::new(),
            data: String::new(),
            has_data: false,
            last_id: None,
            retry: None,
            discarding: false,
            dropped_partial: false,
        }
    }

    /// The frame cap, in bytes.
    pub fn max_frame(&self) -> usize {
        self.max_frame
    }

    /// The reconnection time the server last asked for with `retry`.
    pub fn retry(&self) -> Option<Duration> {
        self.retry.map(Duration::from_millis)
    }

    /// The last event id the server set with `id`: a client resuming the
    /// stream sends it as `Last-Event-ID`.
    pub fn last_event_id(&self) -> Option<&str> {
        self.last_id.as_deref()
    }

    fn pending(&self) -> usize {
        self.data.len() + self.event.len()
    }

    fn reset_frame(&mut self) {
        self.data.clear();
        self.event.clear();
        self.has_data = false;
    }

    /// Gives up on the frame being built: its remaining lines are skipped.
    fn fail(&mut self, err: SseError) -> SseError {
        self.reset_frame();
        self.discarding = true;
        err
    }

    /// Handles one complete line (without its terminator).
    fn line(&mut self, line: &[u8]) -> Result<Option<SseFrame>, SseError> {
        if self.discarding {
            if line.is_empty() && !self.dropped_partial {
                self.discarding = false;
            }
            self.dropped_partial = false;
            return Ok(None);
        }
        if self.pending().saturating_add(line.len()) > self.max_frame.saturating_add(LINE_SLACK) {
            return Err(self.fail(SseError::FrameTooLarge {
                max: self.max_frame,
            }));
        }
        let (name, value) = match line.iter().position(|&b| b == b':') {
            None if line.is_empty() => return Ok(self.dispatch()),
            Some(0) => return Ok(None),
            Some(colon) => {
                let value = &line[colon + 1..];
                (&line[..colon], value.strip_prefix(b" ").unwrap_or(value))
            }
            None => (line, &[][..]),
        };
        match name {
            b"data" => {
                let value = utf8(value, "data").map_err(|e| self.fail(e))?;
                if self.pending() + value.len() + 1 > self.max_frame {
                    return Err(self.fail(SseError::FrameTooLarge {
                        max: self.max_frame,
                    }));
                }
                if self.has_data {
                    self.data.push('\n');
                }
                self.data.push_str(value);
                self.has_data = true;
            }
            b"event" => {
                let value = utf8(value, "event").map_err(|e| self.fail(e))?;
                if self.data.len() + value.len() > self.max_frame {
                    return Err(self.fail(SseError::FrameTooLarge {
                        max: self.max_frame,
                    }));
                }
                self.event.clear();
                self.event.push_str(value);
            }
            b"id" if !value.contains(&0) => {
                let value = utf8(value, "id").map_err(|e| self.fail(e))?;
                self.last_id = (!value.is_empty()).then(|| value.to_owned());
            }
            b"retry" if !value.is_empty() && value.iter().all(u8::is_ascii_digit) => {
                // All ASCII digits: valid UTF-8. Too large to parse: ignored.
                if let Some(ms) = std::str::from_utf8(value).ok().and_then(|v| v.parse().ok()) {
                    self.retry = Some(ms);
                }
            }
            _ => {}
        }
        Ok(None)
    }

    /// A blank line: the frame built so far, if it has data.
    fn dispatch(&mut self) -> Option<SseFrame> {
        let event = std::mem::take(&mut self.event);
        if !std::mem::take(&mut self.has_data) {
            return None;
        }
        Some(SseFrame {
            event: (!event.is_empty()).then_some(event),
            data: std::mem::take(&mut self.data),
            id: self.last_id.clone(),
        })
    }
}

fn utf8<'a>(bytes: &'a [u8], field: &'static str) -> Result<&'a str, SseError> {
    std::str::from_utf8(bytes).map_err(|_| SseError::InvalidUtf8 { field })
}

impl Decoder for SseDecoder {
    type Item = SseFrame;
    type Error = SseError;

    fn decode(&mut self, src: &mut BytesMut) -> Result<Option<SseFrame>, SseError> {
        if !self.started {
            if src.len() < BOM.len() && BOM.starts_with(&src[..]) {
                // Maybe a BOM still arriving (or nothing at all yet).
                return Ok(None);
            }
            if src.starts_with(BOM) {
                src.advance(BOM.len());
            }
            self.started = true;
        }
        loop {
            if self.skip_lf && !src.is_empty() {
                if src[0] == b'\n' {
                    src.advance(1);
                }
                self.skip_lf = false;
            }
            let Some(found) = find_eol(&src[self.scanned..]) else {
                if self.discarding {
                    // Nothing of a skipped frame is kept.
                    if !src.is_empty() {
                        self.dropped_partial = true;
                        src.clear();
                    }
                    self.scanned = 0;
                } else if self.pending().saturating_add(src.len())
                    > self.max_frame.saturating_add(LINE_SLACK)
                {
                    self.scanned = 0;
                    src.clear();
                    let err = self.fail(SseError::FrameTooLarge {
                        max: self.max_frame,
                    });
                    self.dropped_partial = true;
                    return Err(err);
                } else {
                    self.scanned = src.len();
                }
                return Ok(None);
            };
            let end = self.scanned + found;
            let terminator = match src.get(end + 1) {
                _ if src[end] == b'\n' => 1,
                Some(b'\n') => 2,
                Some(_) => 1,
                None => {
                    // A `\r` at the end of the input: its `\n` may follow.
                    self.skip_lf = true;
                    1
                }
            };
            let result = self.line(&src[..end]);
            src.advance(end + terminator);
            self.scanned = 0;
            match result {
                Ok(None) => continue,
                other => return other,
            }
        }
    }

    fn decode_eof(&mut self, src: &mut BytesMut) -> Result<Option<SseFrame>, SseError> {
        if let Some(frame) = self.decode(src)? {
            return Ok(Some(frame));
        }
        // Only a partial line is left in `src`.
        let partial_line = !src.is_empty() && !src.starts_with(b":");
        let truncated = !self.discarding && (self.has_data || partial_line);
        let pending = self.pending() + src.len();
        src.clear();
        self.reset_frame();
        self.scanned = 0;
        self.skip_lf = false;
        self.discarding = false;
        self.dropped_partial = false;
        if truncated {
            Err(SseError::Truncated { pending })
        } else {
            Ok(None)
        }
    }
}

const ONES: u64 = 0x0101_0101_0101_0101;
const HIGHS: u64 = 0x8080_8080_8080_8080;
const LFS: u64 = ONES * b'\n' as u64;
const CRS: u64 = ONES * b'\r' as u64;

/// Marks the zero bytes of `v` with their high bit. Bits above the first zero
/// byte may be marked wrongly; the lowest mark is always right.
#[inline]
fn zero_bytes(v: u64) -> u64 {
    v.wrapping_sub(ONES) & !v & HIGHS
}

/// The index of the first `\n` or `\r` in `hay`, searching eight bytes at a
/// time.
fn find_eol(hay: &[u8]) -> Option<usize> {
    let mut chunks = hay.chunks_exact(8);
    let mut offset = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let w = u64::from_le_bytes(word);
        let marks = zero_bytes(w ^ LFS) | zero_bytes(w ^ CRS);
        if marks != 0 {
            return Some(offset + (marks.trailing_zeros() / 8) as usize);
        }
        offset += 8;
    }
    chunks
        .remainder()
        .iter()
        .position(|&b| b == b'\n' || b == b'\r')
        .map(|i| offset + i)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Everything a decoder yields for `chunks` fed in order, then the end.
    fn run(decoder: &mut SseDecoder, chunks: &[&[u8]]) -> (Vec<SseFrame>, Vec<String>, BytesMut) {
        let mut frames = Vec::new();
        let mut errors = Vec::new();
        let mut buf = BytesMut::new();
        let mut drain = |decoder: &mut SseDecoder, buf: &mut BytesMut, eof: bool| loop {
            let step = if eof {
                decoder.decode_eof(buf)
            } else {
                decoder.decode(buf)
            };
            match step {
                Ok(Some(frame)) => frames.push(frame),
                Ok(None) => break,
                Err(e) => errors.push(e.to_string()),
            }
        };
        for chunk in chunks {
            buf.extend_from_slice(chunk);
            drain(decoder, &mut buf, false);
            assert!(
                buf.len() <= decoder.max_frame() + LINE_SLACK,
                "buffer grew past the cap"
            );
        }
        drain(decoder, &mut buf, true);
        (frames, errors, buf)
    }

    fn decode_all(input: &[u8]) -> (Vec<SseFrame>, Vec<String>) {
        let (frames, errors, _) = run(&mut SseDecoder::new(), &[input]);
        (frames, errors)
    }

    /// Feeds `input` split at every byte boundary, and one byte at a time, and
    /// checks each gives what the whole input gives.
    fn assert_split_invariant(input: &[u8], max_frame: usize) -> (Vec<SseFrame>, Vec<String>) {
        let whole = {
            let (f, e, _) = run(&mut SseDecoder::with_max_frame(max_frame), &[input]);
            (f, e)
        };
        for cut in 0..=input.len() {
            let (a, b) = input.split_at(cut);
            let (f, e, _) = run(&mut SseDecoder::with_max_frame(max_frame), &[a, b]);
            assert_eq!((&f, &e), (&whole.0, &whole.1), "split at {cut}");
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        let (f, e, _) = run(&mut SseDecoder::with_max_frame(max_frame), &bytes);
        assert_eq!((&f, &e), (&whole.0, &whole.1), "byte by byte");
        whole
    }

    fn frame(event: Option<&str>, data: &str) -> SseFrame {
        SseFrame {
            event: event.map(str::to_owned),
            data: data.to_owned(),
            id: None,
        }
    }

    const MIXED: &str = "\u{FEFF}: keep-alive\nevent: a\ndata: {\"x\":1}\n\n\
        data:first\ndata: second\ndata\ndata:  two spaces\n\n\
        event: no data, not dispatched\n\n\
        :comment only\n\n\
        event: b\r\ndata: crlf\r\n\r\n\
        event: c\rdata: cr\r\r\
        id: 7\nretry: 1500\nunknown: field\nevent\ndata: after id\n\n";

    fn mixed_expected() -> Vec<SseFrame> {
        let mut last = frame(None, "after id");
        last.id = Some("7".into());
        vec![
            frame(Some("a"), "{\"x\":1}"),
            frame(None, "first\nsecond\n\n two spaces"),
            frame(Some("b"), "crlf"),
            frame(Some("c"), "cr"),
            last,
        ]
    }

    #[test]
    fn the_event_stream_rules() {
        let (frames, errors) = assert_split_invariant(MIXED.as_bytes(), DEFAULT_MAX_FRAME);
        assert_eq!(errors, Vec::<String>::new());
        assert_eq!(frames, mixed_expected());
        let mut decoder = SseDecoder::new();
        run(&mut decoder, &[MIXED.as_bytes()]);
        assert_eq!(decoder.retry(), Some(Duration::from_millis(1500)));
        assert_eq!(decoder.last_event_id(), Some("7"));
    }

    #[test]
    fn every_line_ending_gives_the_same_frames() {
        let lf = "event: e\ndata: 1\ndata: 2\n\n:c\ndata: 3\n\n";
        let expected = vec![frame(Some("e"), "1\n2"), frame(None, "3")];
        for ending in ["\n", "\r\n", "\r"] {
            let input = lf.replace('\n', ending);
            let (frames, errors) = assert_split_invariant(input.as_bytes(), DEFAULT_MAX_FRAME);
            assert_eq!(frames, expected, "{ending:?}");
            assert!(errors.is_empty());
        }
    }

    #[test]
    fn a_cr_at_a_chunk_end_then_lf_is_one_line_end() {
        let mut decoder = SseDecoder::new();
        let (frames, errors, _) = run(&mut decoder, &[b"data: x\r", b"\n\r", b"\ndata: y\r\r"]);
        assert_eq!(frames, vec![frame(None, "x"), frame(None, "y")]);
        assert!(errors.is_empty());
        // Dispatched as soon as the blank line's `\r` arrives.
        let mut decoder = SseDecoder::new();
        let mut buf = BytesMut::from(&b"data: x\r\r"[..]);
        assert_eq!(decoder.decode(&mut buf).unwrap(), Some(frame(None, "x")));
    }

    #[test]
    fn a_bom_is_skipped_only_at_the_start() {
        let (frames, _) = assert_split_invariant(b"\xEF\xBB\xBFdata: a\n\n", DEFAULT_MAX_FRAME);
        assert_eq!(frames, vec![frame(None, "a")]);
        // A second BOM is part of the field name, so the line is ignored.
        let (frames, _) = decode_all(b"\xEF\xBB\xBF\xEF\xBB\xBFdata: a\n\ndata: b\n\n");
        assert_eq!(frames, vec![frame(None, "b")]);
    }

    #[test]
    fn oversized_frames_are_errors_and_the_stream_goes_on() {
        let big = "x".repeat(100);
        let input = format!(
            "data: ok\n\ndata: {big}\ndata: more\n\ndata: {}\n\nevent: {big}\n\ndata: after\n\n",
            &big[..50]
        );
        let (frames, errors) = assert_split_invariant(input.as_bytes(), 64);
        assert_eq!(
            frames,
            vec![
                frame(None, "ok"),
                frame(None, &big[..50]),
                frame(None, "after")
            ]
        );
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(errors[0].contains("64-byte limit"), "{errors:?}");
        // Many data lines add up.
        let many = "data: 1234567890\n".repeat(10) + "\n";
        let (frames, errors) = decode_all_with(many.as_bytes(), 64);
        assert!(frames.is_empty());
        assert_eq!(errors.len(), 1);
    }

    fn decode_all_with(input: &[u8], max: usize) -> (Vec<SseFrame>, Vec<String>) {
        let (f, e, _) = run(&mut SseDecoder::with_max_frame(max), &[input]);
        (f, e)
    }

    #[test]
    fn an_endless_line_is_never_buffered_past_the_cap() {
        let mut decoder = SseDecoder::with_max_frame(1024);
        let mut buf = BytesMut::new();
        let mut errors = 0;
        for _ in 0..1000 {
            buf.extend_from_slice(&[b'a'; 100]);
            match decoder.decode(&mut buf) {
                Ok(None) => {}
                Ok(Some(f)) => panic!("{f:?}"),
                Err(SseError::FrameTooLarge { max: 1024 }) => errors += 1,
                Err(e) => panic!("{e}"),
            }
            assert!(buf.len() <= 1024 + LINE_SLACK);
        }
        assert_eq!(errors, 1);
        buf.extend_from_slice(b"\n\ndata: fine\n\n");
        assert_eq!(decoder.decode(&mut buf).unwrap(), Some(frame(None, "fine")));
    }

    #[test]
    fn invalid_utf8_is_an_error_not_a_panic() {
        let input = b"data: ok\n\ndata: \xFF\xFE\ndata: rest\n\nevent: \xC3\n\ndata: after\n\n";
        let (frames, errors) = assert_split_invariant(input, DEFAULT_MAX_FRAME);
        assert_eq!(frames, vec![frame(None, "ok"), frame(None, "after")]);
        assert_eq!(
            errors,
            vec![
                "an event-stream `data` line is not valid UTF-8",
                "an event-stream `event` line is not valid UTF-8"
            ]
        );
        // A multi-byte character split across chunks is fine.
        let (frames, errors, _) = run(&mut SseDecoder::new(), &[b"data: \xC3", b"\xA9\n\n"]);
        assert_eq!(frames, vec![frame(None, "é")]);
        assert!(errors.is_empty());
        // Invalid UTF-8 in a comment or an unknown field is ignored.
        let (frames, errors) = decode_all(b":\xFF\n\xFF: x\ndata: y\n\n");
        assert_eq!(frames, vec![frame(None, "y")]);
        assert!(errors.is_empty());
    }

    #[test]
    fn the_end_of_the_stream() {
        // A complete stream ends cleanly, even with a trailing comment or
        // unfinished frame with no data.
        for input in [
            &b"data: a\n\n"[..],
            b"data: a\n\n:ping",
            b"data: a\n\nevent: x\n",
        ] {
            let (frames, errors) = assert_split_invariant(input, DEFAULT_MAX_FRAME);
            assert_eq!(frames, vec![frame(None, "a")]);
            assert!(errors.is_empty(), "{errors:?}");
        }
        // A frame cut off is not dispatched, and says so.
        for input in [
            &b"data: a\n\ndata: b\n"[..],
            b"data: a\n\ndata: b",
            b"data: a\n\nda",
        ] {
            let (frames, errors) = assert_split_invariant(input, DEFAULT_MAX_FRAME);
            assert_eq!(frames, vec![frame(None, "a")]);
            assert_eq!(errors.len(), 1, "{errors:?}");
            assert!(errors[0].contains("ended inside a frame"), "{errors:?}");
        }
    }

    #[test]
    fn find_eol_matches_a_plain_search() {
        let mut rng = fastrand::Rng::with_seed(7);
        for len in 0..80 {
            for _ in 0..50 {
                let hay: Vec<u8> = (0..len)
                    .map(|_| match rng.u8(..) {
                        0..8 => b'\n',
                        8..16 => b'\r',
                        b => b,
                    })
                    .collect();
                let want = hay.iter().position(|&b| b == b'\n' || b == b'\r');
                assert_eq!(find_eol(&hay), want, "{hay:?}");
            }
        }
        // Bytes next to the targets, which a sloppy bit trick confuses.
        let tricky = [0x0b, 0x0c, 0x0e, 0x09, 0x8a, 0x8d, 0x00, 0x01, b'\r'];
        assert_eq!(find_eol(&tricky), Some(8));
    }

    fn upstream(name: &str) -> Option<Vec<u8>> {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../shared/upstream/marathon")
            .join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Some(bytes),
            Err(_) => {
                println!("skipping: upstream fixture {} is absent", path.display());
                None
            }
        }
    }

    #[test]
    fn upstream_streams_decode_at_every_split() {
        for (name, types) in [
            (
                "events_sse_stream.txt",
                &[
                    Some("event_stream_attached"),
                    Some("status_update_event"),
                    Some("status_update_event"),
                ][..],
            ),
            (
                "events_sse_curl_attached.txt",
                &[Some("event_stream_attached")],
            ),
            ("events_sse_data_only_legacy.txt", &[None, None]),
        ] {
            let Some(mut input) = upstream(name) else {
                continue;
            };
            if !input.ends_with(b"\n\n") {
                // A docs snippet that stops before the blank line ending its
                // last frame: that frame is cut off, and reported as such.
                let (frames, errors) = decode_all(&input);
                assert_eq!(frames.len(), types.len() - 1, "{name}");
                assert_eq!(errors.len(), 1, "{name}: {errors:?}");
                assert!(errors[0].contains("ended inside a frame"), "{name}");
                input.push(b'\n');
            }
            let (frames, errors) = assert_split_invariant(&input, DEFAULT_MAX_FRAME);
            assert!(errors.is_empty(), "{name}: {errors:?}");
            let got: Vec<Option<&str>> = frames.iter().map(|f| f.event.as_deref()).collect();
            assert_eq!(got, types, "{name}");
            for f in &frames {
                let json: serde_json::Value = serde_json::from_str(&f.data).unwrap();
                assert!(json["eventType"].is_string(), "{name}");
            }
            // The same stream with CRLF and CR line ends.
            let text = String::from_utf8(input).unwrap();
            for ending in ["\r\n", "\r"] {
                let (again, errors) = decode_all(text.replace('\n', ending).as_bytes());
                assert_eq!(again, frames, "{name} {ending:?}");
                assert!(errors.is_empty());
            }
        }
    }

    #[test]
    fn works_under_framed_read() {
        use futures_util::StreamExt;
        let rt = tokio::runtime::Builder::new_current_thread()
            .build()
            .unwrap();
        let frames: Vec<SseFrame> = rt.block_on(async {
            tokio_util::codec::FramedRead::new(MIXED.as_bytes(), SseDecoder::new())
                .map(Result::unwrap)
                .collect()
                .await
        });
        assert_eq!(frames, mixed_expected());
    }
}
