//! Console text split into lines: [`LineDecoder`], a
//! [`tokio_util::codec::Decoder`] of [`ConsoleLine`]s.
//!
//! Lines end in `\n`; a `\r` before it is dropped (Jenkins normalises line
//! ends to `\r\n` in progressiveText). A line longer than the cap is passed
//! on in pieces of at most the cap, each marked `complete: false` but the
//! last, so nothing is lost and the buffer never grows past the cap. Text is
//! UTF-8; invalid bytes become U+FFFD (the server declares UTF-8). A piece
//! never splits a UTF-8 character.

use bytes::{Buf, BytesMut};
use tokio_util::codec::Decoder;

/// The default cap on one line: 64 KiB.
pub const DEFAULT_MAX_LINE: usize = 64 * 1024;

/// One line of console text, without its line end.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ConsoleLine {
    /// The text.
    pub text: String,
    /// `false` when this is a piece of a longer line (more of it follows) or
    /// the last text of the log, which had no line end.
    pub complete: bool,
}

/// Splits console text into [`ConsoleLine`]s.
///
/// Lines end in `\n`; a `\r` before it is dropped. A line longer than the
/// cap is passed on in pieces of at most the cap, each marked
/// `complete: false` but the last, so nothing is lost and the buffer never
/// grows past the cap. Invalid UTF-8 becomes U+FFFD; a piece never splits a
/// UTF-8 character.
#[derive(Debug, Clone)]
pub struct LineDecoder {
    max_line: usize,
    /// Bytes at the start of the buffer already searched for `\n`.
    scanned: usize,
}

impl Default for LineDecoder {
    fn default() -> Self {
        LineDecoder::new()
    }
}

impl LineDecoder {
    /// A decoder with the [`DEFAULT_MAX_LINE`] cap.
    pub fn new() -> Self {
        LineDecoder::with_max_line(DEFAULT_MAX_LINE)
    }

    /// A decoder whose lines are at most `max_line` bytes (at least 4, so a
    /// piece can hold any UTF-8 character).
    pub fn with_max_line(max_line: usize) -> Self {
        LineDecoder {
            max_line: max_line.max(4),
            scanned: 0,
        }
    }

    fn take(&mut self, buf: &mut BytesMut, len: usize, skip: usize, complete: bool) -> ConsoleLine {
        let mut line = buf.split_to(len);
        buf.advance(skip);
        self.scanned = 0;
        if complete && line.last() == Some(&b'\r') {
            line.truncate(line.len() - 1);
        }
        ConsoleLine {
            text: String::from_utf8_lossy(&line).into_owned(),
            complete,
        }
    }
}

/// Where to cut `bytes` (longer than `max`) at most `max` bytes in, without
/// splitting a UTF-8 character (at `max` itself when the text there is not
/// UTF-8).
fn char_boundary(bytes: &[u8], max: usize) -> usize {
    let is_continuation = |i: usize| bytes.get(i).is_some_and(|b| b & 0xC0 == 0x80);
    let mut end = max;
    for _ in 0..3 {
        if end > 0 && is_continuation(end) {
            end -= 1;
        } else {
            break;
        }
    }
    if end == 0 || is_continuation(end) {
        max
    } else {
        end
    }
}

impl Decoder for LineDecoder {
    type Item = ConsoleLine;
    type Error = std::io::Error;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<ConsoleLine>, std::io::Error> {
        let limit = buf.len().min(self.max_line + 2);
        if let Some(i) = buf[self.scanned.min(limit)..limit]
            .iter()
            .position(|&b| b == b'\n')
        {
            let end = self.scanned.min(limit) + i;
            // A line of exactly the cap plus `\r\n` still fits.
            if end <= self.max_line || (end == self.max_line + 1 && buf[end - 1] == b'\r') {
                return Ok(Some(self.take(buf, end, 1, true)));
            }
        }
        if buf.len() > self.max_line {
            let cut = char_boundary(buf, self.max_line);
            return Ok(Some(self.take(buf, cut, 0, false)));
        }
        self.scanned = buf.len();
        Ok(None)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<ConsoleLine>, std::io::Error> {
        if let Some(line) = self.decode(buf)? {
            return Ok(Some(line));
        }
        if buf.is_empty() {
            return Ok(None);
        }
        let len = buf.len();
        Ok(Some(self.take(buf, len, 0, false)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(decoder: &mut LineDecoder, parts: &[&[u8]]) -> Vec<ConsoleLine> {
        let mut buf = BytesMut::new();
        let mut out = Vec::new();
        for part in parts {
            buf.extend_from_slice(part);
            while let Some(line) = decoder.decode(&mut buf).unwrap() {
                out.push(line);
            }
        }
        while let Some(line) = decoder.decode_eof(&mut buf).unwrap() {
            out.push(line);
        }
        out
    }

    fn line(text: &str, complete: bool) -> ConsoleLine {
        ConsoleLine {
            text: text.into(),
            complete,
        }
    }

    #[test]
    fn splits_at_every_byte_the_same() {
        let input =
            "Started by user admin\r\n[Pipeline] echo\r\nHi ✓\r\n\r\nFinished: SUCCESS".as_bytes();
        let want = vec![
            line("Started by user admin", true),
            line("[Pipeline] echo", true),
            line("Hi ✓", true),
            line("", true),
            line("Finished: SUCCESS", false),
        ];
        for cut in 0..=input.len() {
            let got = run(&mut LineDecoder::new(), &[&input[..cut], &input[cut..]]);
            assert_eq!(got, want, "cut at {cut}");
        }
        let bytes: Vec<&[u8]> = input.chunks(1).collect();
        assert_eq!(run(&mut LineDecoder::new(), &bytes), want);
    }

    #[test]
    fn long_lines_come_in_pieces_without_loss() {
        let input = b"abcdefghij\nxy\n";
        let got = run(&mut LineDecoder::with_max_line(4), &[input]);
        assert_eq!(
            got,
            vec![
                line("abcd", false),
                line("efgh", false),
                line("ij", true),
                line("xy", true)
            ]
        );
        for cut in 0..=input.len() {
            let got2 = run(
                &mut LineDecoder::with_max_line(4),
                &[&input[..cut], &input[cut..]],
            );
            assert_eq!(got2, got, "cut at {cut}");
        }
    }

    #[test]
    fn a_line_at_the_cap_with_crlf_is_one_line() {
        assert_eq!(
            run(&mut LineDecoder::with_max_line(4), &[b"abcd\r\n"]),
            vec![line("abcd", true)]
        );
    }

    #[test]
    fn pieces_do_not_split_characters() {
        let input = "aé✓✓\n".as_bytes(); // 1 + 2 + 3 + 3 bytes
        let got = run(&mut LineDecoder::with_max_line(4), &[input]);
        let text: String = got.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(text, "aé✓✓");
        assert!(got.iter().all(|l| !l.text.contains('\u{FFFD}')), "{got:?}");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_dropped() {
        let got = run(&mut LineDecoder::new(), &[b"a\xffb\n"]);
        assert_eq!(got, vec![line("a\u{FFFD}b", true)]);
    }
}
