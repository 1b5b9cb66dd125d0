//! The offsets of `logText/progressiveText`, as a pure state machine.
//!
//! Each answer of `GET …/logText/progressiveText?start=N` carries
//! `X-Text-Size`, the offset to ask for next, and `X-More-Data: true` while
//! the build still writes its log. The offset counts raw bytes of the log
//! file, hidden console notes included, so it never equals `N` plus the body
//! length: only the header moves it. While the build runs the server sends
//! whole lines only; once `X-More-Data` is gone the log is complete.
//!
//! When `N` is past the end of the log (the log was replaced by a shorter
//! one) the server starts again from 0 and answers with the whole log and an
//! `X-Text-Size` below `N`. [`Progress`] notices: if this follow already
//! delivered text, the re-sent text is dropped rather than repeated and the
//! step is marked [`Step::reset`]; if it delivered nothing yet (a caller
//! started past the end), the whole log is kept.

use dcos_auth::http::HeaderMap;

use super::ConsoleError;

/// The header with the next offset.
pub const TEXT_SIZE_HEADER: &str = "X-Text-Size";
/// The header present while the log may grow.
pub const MORE_DATA_HEADER: &str = "X-More-Data";

/// What one progressiveText answer said in its headers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProgressHeaders {
    /// `X-Text-Size`: the offset to ask for next.
    pub text_size: u64,
    /// Whether `X-More-Data` was sent: the build still writes its log.
    pub more_data: bool,
}

impl ProgressHeaders {
    /// Reads the headers of an answer. `X-Text-Size` must be present and a
    /// number; `X-More-Data` counts when present with any value but `false`.
    pub fn from_headers(headers: &HeaderMap) -> Result<Self, ConsoleError> {
        let size = headers
            .get(TEXT_SIZE_HEADER)
            .ok_or(ConsoleError::MissingTextSize)?;
        let text_size = size
            .to_str()
            .ok()
            .and_then(|s| s.trim().parse::<u64>().ok())
            .ok_or_else(|| {
                ConsoleError::BadTextSize(String::from_utf8_lossy(size.as_bytes()).into_owned())
            })?;
        let more_data = headers
            .get(MORE_DATA_HEADER)
            .is_some_and(|v| !v.as_bytes().eq_ignore_ascii_case(b"false"));
        Ok(ProgressHeaders {
            text_size,
            more_data,
        })
    }
}

/// What to do with one answer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct Step {
    /// The offset that was asked for.
    pub start: u64,
    /// The offset to ask for next.
    pub next: u64,
    /// Whether to pass the body on (`false`: it repeats text already
    /// delivered, after a reset).
    pub keep_body: bool,
    /// Whether the server started again from 0 because the offset was past
    /// the end of the log.
    pub reset: bool,
    /// Whether the log is complete: stop polling.
    pub finished: bool,
}

/// Where a follow of the console stands: the offset to ask for next, and
/// whether the log is complete.
///
/// The offset moves only by `X-Text-Size` (it counts raw bytes, hidden
/// console notes included). An `X-Text-Size` below the offset asked for means
/// the server started again from 0 (the offset was past the end of a
/// replaced log): if this follow already delivered text, the re-sent body is
/// dropped ([`Step::keep_body`] is `false`) rather than repeated; if not (a
/// resume past the end), the whole log is kept. Either way the step is
/// marked [`Step::reset`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    next: u64,
    advanced: bool,
    finished: bool,
}

impl Progress {
    /// A follow that starts at byte offset `start` (0 for the whole log).
    pub fn new(start: u64) -> Self {
        Progress {
            next: start,
            advanced: false,
            finished: false,
        }
    }

    /// The `start` to ask for next.
    pub fn start(&self) -> u64 {
        self.next
    }

    /// Whether the log is complete.
    pub fn is_finished(&self) -> bool {
        self.finished
    }

    /// Takes in the headers of the answer to a request for
    /// [`start`](Self::start).
    pub fn on_answer(&mut self, headers: ProgressHeaders) -> Step {
        let start = self.next;
        let reset = headers.text_size < start;
        let keep_body = !(reset && self.advanced);
        if headers.text_size > start || (reset && headers.text_size > 0) {
            self.advanced = true;
        }
        self.next = headers.text_size;
        self.finished = !headers.more_data;
        Step {
            start,
            next: self.next,
            keep_body,
            reset,
            finished: self.finished,
        }
    }
}

#[cfg(test)]
mod tests {
    use dcos_auth::http::HeaderValue;

    use super::*;

    fn answer(size: u64, more: bool) -> ProgressHeaders {
        ProgressHeaders {
            text_size: size,
            more_data: more,
        }
    }

    #[test]
    fn offsets_follow_the_header_until_more_data_goes() {
        let mut p = Progress::new(0);
        let s = p.on_answer(answer(120, true));
        assert_eq!(
            (s.start, s.next, s.keep_body, s.reset, s.finished),
            (0, 120, true, false, false)
        );
        let s = p.on_answer(answer(120, true));
        assert_eq!((s.start, s.next, s.finished), (120, 120, false));
        let s = p.on_answer(answer(1535, false));
        assert_eq!(
            (s.start, s.next, s.keep_body, s.finished),
            (120, 1535, true, true)
        );
        assert!(p.is_finished());
    }

    #[test]
    fn a_missing_log_waits_at_zero() {
        let mut p = Progress::new(0);
        let s = p.on_answer(answer(0, true));
        assert_eq!((s.next, s.reset, s.finished), (0, false, false));
    }

    #[test]
    fn a_reset_after_delivering_drops_the_resent_text() {
        let mut p = Progress::new(0);
        p.on_answer(answer(500, true));
        let s = p.on_answer(answer(200, true));
        assert!(s.reset);
        assert!(!s.keep_body);
        assert_eq!(p.start(), 200);
        // Later text is delivered again.
        let s = p.on_answer(answer(260, false));
        assert!(s.keep_body && !s.reset && s.finished);
    }

    #[test]
    fn a_start_past_the_end_before_any_text_keeps_the_whole_log() {
        let mut p = Progress::new(10_000);
        let s = p.on_answer(answer(300, false));
        assert!(s.reset && s.keep_body && s.finished);
        assert_eq!(s.next, 300);
    }

    #[test]
    fn headers_are_read_and_checked() {
        let mut h = HeaderMap::new();
        assert!(matches!(
            ProgressHeaders::from_headers(&h),
            Err(ConsoleError::MissingTextSize)
        ));
        h.insert(TEXT_SIZE_HEADER, HeaderValue::from_static("12x"));
        assert!(matches!(
            ProgressHeaders::from_headers(&h),
            Err(ConsoleError::BadTextSize(s)) if s == "12x"
        ));
        h.insert(TEXT_SIZE_HEADER, HeaderValue::from_static("1535"));
        assert_eq!(
            ProgressHeaders::from_headers(&h).unwrap(),
            answer(1535, false)
        );
        h.insert(MORE_DATA_HEADER, HeaderValue::from_static("true"));
        assert_eq!(
            ProgressHeaders::from_headers(&h).unwrap(),
            answer(1535, true)
        );
    }
}
