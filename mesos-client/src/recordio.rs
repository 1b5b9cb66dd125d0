//! RecordIO, the framing of every Mesos v1 streaming body: [`RecordIoCodec`],
//! a [`tokio_util::codec`] decoder and encoder, and [`Records`] and
//! [`RecordStream`], which frame and decode a response body.
//!
//! A record is its size in bytes as a decimal number, a line feed, and then
//! exactly that many bytes, with nothing after them (`docs/recordio.md`):
//!
//! ```text
//! 20\n{"type":"HEARTBEAT"}6\nhello!0\n
//! ```
//!
//! The rules the decoder applies:
//!
//! - chunk boundaries fall anywhere, even inside the length line;
//! - `0\n` is a valid, empty record (the reference encoder in stout writes one
//!   for an empty string, although the scheduler docs say a size is never 0);
//! - leading zeros are allowed, but a length line of more than
//!   [`MAX_LENGTH_DIGITS`] digits is [`RecordIoError::BadLength`], as is an
//!   empty length line or any byte other than a digit before the line feed.
//!   A bad byte is refused as soon as it arrives, so a stray HTML error page
//!   fails on its first byte rather than at the end of the stream;
//! - a length over the cap ([`RecordIoCodec::with_max_record`],
//!   [`DEFAULT_MAX_RECORD`] by default) is [`RecordIoError::TooLarge`] as soon
//!   as its line feed arrives, before anything is reserved for it;
//! - a stream that ends inside a record, or inside a length line, is
//!   [`RecordIoError::Truncated`] from [`Decoder::decode_eof`];
//! - after an error the decoder fails for good and returns the same error
//!   again: the framing is lost, so nothing after it can be trusted.
//!
//! Records are split off the read buffer without copying
//! ([`BytesMut::split_to`] then [`BytesMut::freeze`]).
//!
//! ```
//! use bytes::BytesMut;
//! use mesos_client::recordio::RecordIoCodec;
//! use tokio_util::codec::Decoder;
//!
//! let mut codec = RecordIoCodec::new();
//! let mut buf = BytesMut::from(&b"20\n{\"type\":\"HEART"[..]);
//! assert_eq!(codec.decode(&mut buf).unwrap(), None); // not complete yet
//! buf.extend_from_slice(b"BEAT\"}6\nhello!");
//! assert_eq!(codec.decode(&mut buf).unwrap().unwrap(), &br#"{"type":"HEARTBEAT"}"#[..]);
//! assert_eq!(codec.decode(&mut buf).unwrap().unwrap(), &b"hello!"[..]);
//! assert_eq!(codec.decode_eof(&mut buf).unwrap(), None); // a clean end
//! ```

use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{Context, Poll, ready};

use bytes::{Buf, BufMut, Bytes, BytesMut};
use futures_util::Stream;
use serde::de::DeserializeOwned;
use tokio_util::codec::{Decoder, Encoder};

use crate::error::Error;

/// The default cap on one record: 16 MiB.
///
/// A `SUBSCRIBED` event of the operator API carries the whole cluster state,
/// so raise it with [`RecordIoCodec::with_max_record`] for large clusters.
pub const DEFAULT_MAX_RECORD: usize = 16 * 1024 * 1024;

/// The most digits a length line may have: the length is a `u64`, which has at
/// most 20 decimal digits (mesos-go refuses a 21st digit too, even a leading
/// zero).
pub const MAX_LENGTH_DIGITS: usize = 20;

/// Why a RecordIO stream could not be framed.
#[derive(Debug, Clone, thiserror::Error)]
#[non_exhaustive]
pub enum RecordIoError {
    /// A record is longer than the cap. Nothing was allocated for it.
    #[error("a RecordIO record of {length} bytes exceeds the {max}-byte limit")]
    TooLarge {
        /// The length the stream announced (or, when encoding, the length of
        /// the record given).
        length: u64,
        /// The cap, in bytes.
        max: usize,
    },
    /// A length line is not a decimal number of at most
    /// [`MAX_LENGTH_DIGITS`] digits followed by a line feed.
    #[error("bad RecordIO length line \"{line}\": {reason}")]
    BadLength {
        /// What is wrong with it.
        reason: &'static str,
        /// The line as received up to the first bad byte, escaped (at most
        /// `MAX_LENGTH_DIGITS + 1` bytes).
        line: String,
    },
    /// The stream ended inside a record or inside a length line.
    #[error("the RecordIO stream ended inside {}", truncated_where(*expected, *received))]
    Truncated {
        /// The length of the record that was cut off; `None` when the stream
        /// ended inside its length line.
        expected: Option<u64>,
        /// How many bytes of it (or of the length line) were received.
        received: usize,
    },
    /// Reading the input failed (only when the codec runs under a
    /// [`tokio_util::codec::FramedRead`]).
    #[error("reading the RecordIO stream failed")]
    Io(#[source] Arc<std::io::Error>),
}

fn truncated_where(expected: Option<u64>, received: usize) -> String {
    match expected {
        Some(len) => format!("a record ({received} of {len} bytes received)"),
        None => format!("a length line ({received} bytes received)"),
    }
}

impl From<std::io::Error> for RecordIoError {
    fn from(err: std::io::Error) -> Self {
        RecordIoError::Io(Arc::new(err))
    }
}

impl RecordIoError {
    fn bad_length(reason: &'static str, line: &[u8]) -> Self {
        let shown = &line[..line.len().min(MAX_LENGTH_DIGITS + 1)];
        RecordIoError::BadLength {
            reason,
            line: shown.escape_ascii().to_string(),
        }
    }
}

#[derive(Debug, Clone)]
enum State {
    /// Reading a length line.
    Length,
    /// Reading the body of a record of this many bytes.
    Body(usize),
    /// An error broke the framing; it is returned again.
    Failed(RecordIoError),
}

/// Splits a RecordIO byte stream into records, and writes records as
/// RecordIO. See the [module docs](self).
#[derive(Debug, Clone)]
pub struct RecordIoCodec {
    max_record: usize,
    state: State,
}

impl Default for RecordIoCodec {
    fn default() -> Self {
        RecordIoCodec::new()
    }
}

impl RecordIoCodec {
    /// A codec with the [`DEFAULT_MAX_RECORD`] cap.
    pub fn new() -> Self {
        RecordIoCodec::with_max_record(DEFAULT_MAX_RECORD)
    }

    /// A codec that refuses records longer than `max` bytes, in either
    /// direction.
    pub fn with_max_record(max: usize) -> Self {
        RecordIoCodec {
            max_record: max,
            state: State::Length,
        }
    }

    /// The record cap, in bytes.
    pub fn max_record(&self) -> usize {
        self.max_record
    }

    /// Whether an error has stopped the decoder for good.
    pub fn is_failed(&self) -> bool {
        matches!(self.state, State::Failed(_))
    }

    fn fail(&mut self, err: RecordIoError) -> RecordIoError {
        self.state = State::Failed(err.clone());
        err
    }

    /// Reads a length line at the start of `buf`: `Some((length, line
    /// length including the line feed))`, or `None` when it is incomplete.
    fn parse_length(&self, buf: &[u8]) -> Result<Option<(usize, usize)>, RecordIoError> {
        let window = &buf[..buf.len().min(MAX_LENGTH_DIGITS + 1)];
        let mut value: u64 = 0;
        let mut overflow = false;
        for (i, &byte) in window.iter().enumerate() {
            match byte {
                b'0'..=b'9' => {
                    match value
                        .checked_mul(10)
                        .and_then(|v| v.checked_add(u64::from(byte - b'0')))
                    {
                        Some(v) => value = v,
                        None => overflow = true,
                    }
                }
                b'\n' if i == 0 => {
                    return Err(RecordIoError::bad_length("empty length", &window[..1]));
                }
                b'\n' => {
                    if overflow {
                        return Err(RecordIoError::bad_length(
                            "length overflows u64",
                            &window[..=i],
                        ));
                    }
                    return match usize::try_from(value) {
                        Ok(len) if len <= self.max_record => Ok(Some((len, i + 1))),
                        _ => Err(RecordIoError::TooLarge {
                            length: value,
                            max: self.max_record,
                        }),
                    };
                }
                _ => {
                    return Err(RecordIoError::bad_length(
                        "not a decimal digit",
                        &window[..=i],
                    ));
                }
            }
        }
        if window.len() > MAX_LENGTH_DIGITS {
            return Err(RecordIoError::bad_length("more than 20 digits", window));
        }
        Ok(None)
    }
}

impl Decoder for RecordIoCodec {
    type Item = Bytes;
    type Error = RecordIoError;

    fn decode(&mut self, buf: &mut BytesMut) -> Result<Option<Bytes>, RecordIoError> {
        let len = match &self.state {
            State::Failed(err) => return Err(err.clone()),
            State::Body(len) => *len,
            State::Length => match self.parse_length(buf) {
                Ok(None) => return Ok(None),
                Ok(Some((len, line))) => {
                    buf.advance(line);
                    if len == 0 {
                        return Ok(Some(Bytes::new()));
                    }
                    self.state = State::Body(len);
                    len
                }
                Err(err) => return Err(self.fail(err)),
            },
        };
        if buf.len() >= len {
            self.state = State::Length;
            return Ok(Some(buf.split_to(len).freeze()));
        }
        // The length is within the cap: make room for the rest at once, so a
        // large record is read into place rather than grown step by step.
        buf.reserve(len - buf.len());
        Ok(None)
    }

    fn decode_eof(&mut self, buf: &mut BytesMut) -> Result<Option<Bytes>, RecordIoError> {
        if let Some(record) = self.decode(buf)? {
            return Ok(Some(record));
        }
        let err = match self.state {
            State::Body(len) => RecordIoError::Truncated {
                expected: Some(len as u64),
                received: buf.len(),
            },
            _ if buf.is_empty() => return Ok(None),
            _ => RecordIoError::Truncated {
                expected: None,
                received: buf.len(),
            },
        };
        Err(self.fail(err))
    }
}

/// Writes `record` as RecordIO at the end of `dst`: its length, a line feed
/// and its bytes. No cap applies; [`RecordIoCodec`]'s encoder checks its cap
/// first.
pub fn encode_record(record: &[u8], dst: &mut BytesMut) {
    let mut digits = [0u8; MAX_LENGTH_DIGITS];
    let mut n = record.len() as u64;
    let mut start = digits.len();
    loop {
        start -= 1;
        digits[start] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    let head = &digits[start..];
    dst.reserve(head.len() + 1 + record.len());
    dst.put_slice(head);
    dst.put_u8(b'\n');
    dst.put_slice(record);
}

impl Encoder<Bytes> for RecordIoCodec {
    type Error = RecordIoError;

    /// Writes one record, such as one `ProcessIO` message of an
    /// `ATTACH_CONTAINER_INPUT` request. A record over the cap is
    /// [`RecordIoError::TooLarge`] and nothing is written.
    fn encode(&mut self, item: Bytes, dst: &mut BytesMut) -> Result<(), RecordIoError> {
        if item.len() > self.max_record {
            return Err(RecordIoError::TooLarge {
                length: item.len() as u64,
                max: self.max_record,
            });
        }
        encode_record(&item, dst);
        Ok(())
    }
}

/// The records of a body stream, framed by a [`RecordIoCodec`].
///
/// The body is any stream of byte chunks whose error converts into
/// [`Error`], such as a [`dcos_auth::ByteStream`]. A body error, a framing
/// error or a record cut off by the end of the body is yielded once and ends
/// the stream.
#[derive(Debug)]
pub struct Records<S> {
    body: S,
    buf: BytesMut,
    codec: RecordIoCodec,
    eof: bool,
    done: bool,
}

impl<S> Records<S> {
    /// Frames `body` with the [`DEFAULT_MAX_RECORD`] cap.
    pub fn new(body: S) -> Self {
        Records::with_codec(body, RecordIoCodec::new())
    }

    /// Frames `body` with `codec`, for another cap.
    pub fn with_codec(body: S, codec: RecordIoCodec) -> Self {
        Records {
            body,
            buf: BytesMut::new(),
            codec,
            eof: false,
            done: false,
        }
    }

    /// The body stream.
    pub fn get_ref(&self) -> &S {
        &self.body
    }

    /// The codec, for its cap.
    pub fn codec(&self) -> &RecordIoCodec {
        &self.codec
    }
}

impl<S, E> Stream for Records<S>
where
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Error>,
{
    type Item = Result<Bytes, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        loop {
            if this.done {
                return Poll::Ready(None);
            }
            let step = if this.eof {
                this.codec.decode_eof(&mut this.buf)
            } else {
                this.codec.decode(&mut this.buf)
            };
            match step {
                Ok(Some(record)) => return Poll::Ready(Some(Ok(record))),
                Err(err) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(Error::RecordIo(err))));
                }
                Ok(None) if this.eof => {
                    this.done = true;
                    return Poll::Ready(None);
                }
                Ok(None) => {}
            }
            match ready!(Pin::new(&mut this.body).poll_next(cx)) {
                Some(Ok(chunk)) => this.buf.extend_from_slice(&chunk),
                Some(Err(err)) => {
                    this.done = true;
                    return Poll::Ready(Some(Err(err.into())));
                }
                None => this.eof = true,
            }
        }
    }
}

/// The records of a body stream, each decoded from JSON into `T`.
///
/// An empty record (`0\n`) holds no JSON document and is skipped, as
/// mesos-go's reader does; [`Records`] yields it.
///
/// A record that is not a valid `T` is an error item
/// ([`Error::Http`] holding a [`dcos_auth::Error::Decode`] that names the
/// record's number and the failing field), and the stream goes on. A body
/// error, a framing error or a record cut off by the end of the body is
/// yielded once and ends the stream. The stream also ends, with no error,
/// when the body ends cleanly: whether that is an error (such as
/// [`Error::SubscriptionEnded`]) is for the caller to say.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use bytes::Bytes;
/// use futures_util::{StreamExt, stream};
/// use mesos_client::recordio::RecordStream;
///
/// let body = stream::iter([
///     Ok::<_, dcos_auth::Error>(Bytes::from_static(b"20\n{\"type\":\"HEA")),
///     Ok(Bytes::from_static(b"RTBEAT\"}")),
/// ]);
/// let mut events = RecordStream::<serde_json::Value, _>::new(body).context("events");
/// # let rt = tokio::runtime::Builder::new_current_thread().build()?;
/// # rt.block_on(async {
/// let event = events.next().await.unwrap()?;
/// assert_eq!(event["type"], "HEARTBEAT");
/// assert!(events.next().await.is_none());
/// # Ok::<_, mesos_client::Error>(()) })?;
/// # Ok(()) }
/// ```
pub struct RecordStream<T, S = dcos_auth::ByteStream> {
    records: Records<S>,
    context: String,
    count: u64,
    _type: PhantomData<fn() -> T>,
}

impl<T, S: std::fmt::Debug> std::fmt::Debug for RecordStream<T, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RecordStream")
            .field("records", &self.records)
            .field("context", &self.context)
            .field("count", &self.count)
            .field("type", &std::any::type_name::<T>())
            .finish()
    }
}

impl<T, S> RecordStream<T, S> {
    /// Decodes the records of `body` with the [`DEFAULT_MAX_RECORD`] cap.
    pub fn new(body: S) -> Self {
        RecordStream::with_codec(body, RecordIoCodec::new())
    }

    /// Decodes the records of `body` framed by `codec`, for another cap.
    pub fn with_codec(body: S, codec: RecordIoCodec) -> Self {
        RecordStream {
            records: Records::with_codec(body, codec),
            context: "a RecordIO stream".to_owned(),
            count: 0,
            _type: PhantomData,
        }
    }

    /// Names the stream in decode errors, such as
    /// `POST http://master:5050/api/v1/scheduler`.
    #[must_use]
    pub fn context(mut self, context: impl Into<String>) -> Self {
        self.context = context.into();
        self
    }

    /// How many non-empty records have been read so far.
    pub fn records_read(&self) -> u64 {
        self.count
    }

    /// The body stream.
    pub fn get_ref(&self) -> &S {
        self.records.get_ref()
    }
}

impl<T> RecordStream<T, dcos_auth::ByteStream> {
    /// Decodes the records of a streaming response, naming its URL in decode
    /// errors. The caller has checked its status and `Content-Type`.
    pub fn from_body(body: dcos_auth::ByteStream) -> Self {
        let context = body.url().to_string();
        RecordStream::new(body).context(context)
    }
}

impl<T, S, E> Stream for RecordStream<T, S>
where
    T: DeserializeOwned,
    S: Stream<Item = Result<Bytes, E>> + Unpin,
    E: Into<Error>,
{
    type Item = Result<T, Error>;

    fn poll_next(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        let this = self.get_mut();
        let record = loop {
            match ready!(Pin::new(&mut this.records).poll_next(cx)) {
                None => return Poll::Ready(None),
                Some(Err(err)) => return Poll::Ready(Some(Err(err))),
                Some(Ok(record)) if record.is_empty() => continue,
                Some(Ok(record)) => break record,
            }
        };
        this.count += 1;
        let n = this.count;
        let context = &this.context;
        let item = dcos_auth::decode_json::<T>(&record, || {
            format!("record {n} of {context} as {}", std::any::type_name::<T>())
        });
        Poll::Ready(Some(item.map_err(Error::Http)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn decode_all(codec: &mut RecordIoCodec, input: &[u8]) -> Result<Vec<Bytes>, RecordIoError> {
        let mut buf = BytesMut::from(input);
        let mut out = Vec::new();
        while let Some(record) = codec.decode_eof(&mut buf)? {
            out.push(record);
        }
        Ok(out)
    }

    #[test]
    fn decodes_records_and_empty_ones() {
        let got = decode_all(&mut RecordIoCodec::new(), b"6\nhello!0\n1\n 00\n").unwrap();
        assert_eq!(got, vec![&b"hello!"[..], b"", b" ", b""]);
    }

    #[test]
    fn errors_are_permanent() {
        let mut codec = RecordIoCodec::new();
        let mut buf = BytesMut::from(&b"x\n"[..]);
        let first = codec.decode(&mut buf).unwrap_err();
        assert!(matches!(first, RecordIoError::BadLength { .. }), "{first}");
        assert!(codec.is_failed());
        let mut good = BytesMut::from(&b"1\na"[..]);
        assert!(codec.decode(&mut good).is_err());
    }

    #[test]
    fn bad_length_lines() {
        for (input, reason) in [
            (&b"\n"[..], "empty length"),
            (b"12a\n", "not a decimal digit"),
            (b"-1\n", "not a decimal digit"),
            (b" 1\n", "not a decimal digit"),
            (b"1\r\n", "not a decimal digit"),
            (b"000000000000000000001", "more than 20 digits"),
            (b"99999999999999999999\n", "length overflows u64"),
        ] {
            match RecordIoCodec::new().decode(&mut BytesMut::from(input)) {
                Err(RecordIoError::BadLength { reason: r, .. }) => assert_eq!(r, reason),
                other => panic!("{:?}: {other:?}", input.escape_ascii().to_string()),
            }
        }
        let err = RecordIoCodec::new()
            .decode(&mut BytesMut::from(&b"<html>"[..]))
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "bad RecordIO length line \"<\": not a decimal digit"
        );
    }

    #[test]
    fn u64_max_is_too_large_not_bad() {
        let err = RecordIoCodec::new()
            .decode(&mut BytesMut::from(&b"18446744073709551615\n"[..]))
            .unwrap_err();
        assert!(
            matches!(
                err,
                RecordIoError::TooLarge {
                    length: u64::MAX,
                    ..
                }
            ),
            "{err}"
        );
    }

    #[test]
    fn encodes_lengths() {
        let mut dst = BytesMut::new();
        let mut codec = RecordIoCodec::with_max_record(12);
        for record in ["", "a", "0123456789"] {
            codec.encode(Bytes::from(record), &mut dst).unwrap();
        }
        assert_eq!(&dst[..], b"0\n1\na10\n0123456789");
        let err = codec
            .encode(Bytes::from_static(b"0123456789abc"), &mut dst)
            .unwrap_err();
        assert!(matches!(
            err,
            RecordIoError::TooLarge {
                length: 13,
                max: 12
            }
        ));
        assert_eq!(dst.len(), 18, "nothing written for a refused record");
    }
}
