//! The RecordIO codec and the record streams: every split of the input, byte
//! by byte, the upstream test vectors of stout and mesos-go (read from
//! `../shared/upstream/mesos` at run time), oversized lengths, truncation,
//! empty records and the encoder.

#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::PathBuf;

use bytes::{Bytes, BytesMut};
use futures_util::{StreamExt, stream};
use mesos_client::recordio::{
    DEFAULT_MAX_RECORD, RecordIoCodec, RecordIoError, RecordStream, Records,
};
use tokio_util::codec::{Decoder, Encoder};

/// What a decoder made of some input: its records and the error that ended
/// it, if any.
#[derive(Debug, Clone, PartialEq)]
struct Outcome {
    records: Vec<Bytes>,
    error: Option<String>,
}

/// Feeds `chunks` one by one to a fresh codec with `max` cap, decoding after
/// each, then ends the input.
fn run<'a>(
    max: usize,
    chunks: impl IntoIterator<Item = &'a [u8]>,
) -> (Outcome, Option<RecordIoError>) {
    let mut codec = RecordIoCodec::with_max_record(max);
    let mut buf = BytesMut::new();
    let mut records = Vec::new();
    let finish = |records, err: Option<RecordIoError>| {
        (
            Outcome {
                records,
                error: err.as_ref().map(ToString::to_string),
            },
            err,
        )
    };
    for chunk in chunks {
        buf.extend_from_slice(chunk);
        loop {
            match codec.decode(&mut buf) {
                Ok(Some(record)) => records.push(record),
                Ok(None) => break,
                Err(err) => return finish(records, Some(err)),
            }
        }
    }
    loop {
        match codec.decode_eof(&mut buf) {
            Ok(Some(record)) => records.push(record),
            Ok(None) => return finish(records, None),
            Err(err) => return finish(records, Some(err)),
        }
    }
}

fn whole(max: usize, input: &[u8]) -> (Outcome, Option<RecordIoError>) {
    run(max, [input])
}

/// Checks that every split of `input` into two chunks, every pair of split
/// points when the input is short, every fixed chunk size and byte-by-byte
/// feeding give what the whole input gives.
fn assert_split_invariant(max: usize, input: &[u8]) -> Outcome {
    let (want, _) = whole(max, input);
    let n = input.len();
    for i in 0..=n {
        let (got, _) = run(max, [&input[..i], &input[i..]]);
        assert_eq!(
            got,
            want,
            "split at {i} of {:?}",
            input.escape_ascii().to_string()
        );
    }
    if n <= 80 {
        for i in 0..=n {
            for j in i..=n {
                let (got, _) = run(max, [&input[..i], &input[i..j], &input[j..]]);
                assert_eq!(got, want, "split at {i} and {j}");
            }
        }
    }
    for size in 1..=n.clamp(1, 64) {
        let (got, _) = run(max, input.chunks(size));
        assert_eq!(got, want, "chunks of {size}");
    }
    let (got, _) = run(max, input.chunks(1));
    assert_eq!(got, want, "byte by byte");
    want
}

fn encode_all(records: &[&[u8]]) -> BytesMut {
    let mut codec = RecordIoCodec::new();
    let mut out = BytesMut::new();
    for record in records {
        codec
            .encode(Bytes::copy_from_slice(record), &mut out)
            .unwrap();
    }
    out
}

#[test]
fn every_split_gives_the_same_records() {
    let records: Vec<Vec<u8>> = vec![
        br#"{"type":"SUBSCRIBED","subscribed":{"framework_id":{"value":"12220-3440-12532-2345"},"heartbeat_interval_seconds":15.0}}"#.to_vec(),
        br#"{"type":"HEARTBEAT"}"#.to_vec(),
        Vec::new(),
        b"x".to_vec(),
        vec![b'\n'; 12],
        b"0123456789".repeat(3),
    ];
    let refs: Vec<&[u8]> = records.iter().map(Vec::as_slice).collect();
    let input = encode_all(&refs);
    let got = assert_split_invariant(DEFAULT_MAX_RECORD, &input);
    assert_eq!(got.error, None);
    assert_eq!(got.records, records);
}

#[test]
fn every_split_gives_the_same_error() {
    for input in [
        &b"5\nabcde5\nfgh"[..],
        b"3\nabc\n",
        b"3\nabc12x\n",
        b"3\nabc2000\n",
        b"3\nabc000000000000000000001\n",
        b"1\na1",
    ] {
        let got = assert_split_invariant(100, input);
        assert!(got.error.is_some(), "{got:?}");
    }
}

#[test]
fn empty_input_and_empty_records() {
    assert_eq!(
        whole(10, b"").0,
        Outcome {
            records: vec![],
            error: None
        }
    );
    let got = assert_split_invariant(10, b"0\n0\n00\n1\na0\n");
    assert_eq!(got.records, vec![&b""[..], b"", b"", b"a", b""]);
    assert_eq!(got.error, None);
}

#[test]
fn an_oversized_length_fails_at_once_without_allocating() {
    let mut codec = RecordIoCodec::with_max_record(1024);
    let mut buf = BytesMut::with_capacity(32);
    buf.extend_from_slice(b"99999999999999\n");
    let before = buf.capacity();
    match codec.decode(&mut buf) {
        Err(RecordIoError::TooLarge { length, max }) => {
            assert_eq!((length, max), (99_999_999_999_999, 1024));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(buf.capacity(), before, "nothing reserved for the record");

    // The cap itself is allowed; one more is not.
    assert_eq!(
        whole(1024, &encode_all(&[&[b'a'; 1024]])).0.records.len(),
        1
    );
    let (_, err) = whole(1024, b"1025\n");
    assert!(matches!(
        err,
        Some(RecordIoError::TooLarge { length: 1025, .. })
    ));
    // Fails before the record's bytes arrive, and stays failed.
    let mut codec = RecordIoCodec::with_max_record(1024);
    let mut buf = BytesMut::from(&b"1025\n"[..]);
    assert!(codec.decode(&mut buf).is_err());
    buf.extend_from_slice(&[b'a'; 1025]);
    assert!(codec.decode(&mut buf).is_err());
    assert!(codec.decode_eof(&mut buf).is_err());
}

#[test]
fn length_lines_are_bounded() {
    // 20 digits with leading zeros are fine; a 21st byte without a line feed
    // is refused before the line ends.
    assert_eq!(
        whole(10, b"00000000000000000001\na").0.records,
        vec![&b"a"[..]]
    );
    let (_, err) = whole(10, b"000000000000000000001");
    assert!(
        matches!(err, Some(RecordIoError::BadLength { .. })),
        "{err:?}"
    );
    let (_, err) = whole(10, b"00000000000000000000");
    assert!(
        matches!(
            err,
            Some(RecordIoError::Truncated {
                expected: None,
                received: 20
            })
        ),
        "{err:?}"
    );
}

#[test]
fn truncated_streams_are_a_distinct_error() {
    let (got, err) = whole(100, b"6\nhello!6\nwor");
    assert_eq!(got.records, vec![&b"hello!"[..]]);
    match err {
        Some(RecordIoError::Truncated { expected, received }) => {
            assert_eq!((expected, received), (Some(6), 3));
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        got.error.as_deref(),
        Some("the RecordIO stream ended inside a record (3 of 6 bytes received)")
    );
    let (_, err) = whole(100, b"6\nhello!1");
    assert!(matches!(
        err,
        Some(RecordIoError::Truncated {
            expected: None,
            received: 1
        })
    ));
    let (_, err) = whole(100, b"6\n");
    assert!(matches!(
        err,
        Some(RecordIoError::Truncated {
            expected: Some(6),
            received: 0
        })
    ));
}

#[test]
fn records_share_the_read_buffer() {
    let mut codec = RecordIoCodec::new();
    let mut buf = BytesMut::from(&b"3\nabc3\ndef"[..]);
    let start = buf.as_ptr() as usize;
    let a = codec.decode(&mut buf).unwrap().unwrap();
    let b = codec.decode(&mut buf).unwrap().unwrap();
    // Slices of the same allocation, not copies.
    assert_eq!(a.as_ptr() as usize, start + 2);
    assert_eq!(b.as_ptr() as usize, start + 7);
}

#[test]
fn encoder_round_trip() {
    let records: Vec<Bytes> = (0..200)
        .map(|i| {
            Bytes::from(format!(
                "{{\"n\":{i},\"pad\":\"{}\"}}",
                "x".repeat(i * 7 % 300)
            ))
        })
        .chain([Bytes::new()])
        .collect();
    let mut codec = RecordIoCodec::new();
    let mut wire = BytesMut::new();
    for record in &records {
        codec.encode(record.clone(), &mut wire).unwrap();
    }
    let (got, err) = run(DEFAULT_MAX_RECORD, wire.chunks(97));
    assert!(err.is_none());
    assert_eq!(got.records, records);
    // The encoder writes what stout's reference encoder writes.
    assert_eq!(
        &encode_all(&[b"hello!", b"", b" "])[..],
        b"6\nhello!0\n1\n "
    );
}

// ---------------------------------------------------------------------------
// Upstream test vectors.

fn upstream() -> Option<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/upstream/mesos");
    if dir.is_dir() {
        Some(dir)
    } else {
        println!(
            "skipped: {} is absent (upstream Mesos examples not available)",
            dir.display()
        );
        None
    }
}

fn read_upstream(name: &str) -> Option<String> {
    let path = upstream()?.join(name);
    match std::fs::read_to_string(&path) {
        Ok(text) => Some(text),
        Err(err) => {
            println!("skipped: cannot read {}: {err}", path.display());
            None
        }
    }
}

/// A token of the C++ or Go test sources: enough to read string literals,
/// identifiers (with `::` and `.`) and punctuation, skipping comments.
#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Str(Vec<u8>),
    Ident(String),
    Punct(char),
}

fn tokenize(src: &str) -> Vec<Tok> {
    let b = src.as_bytes();
    let mut out: Vec<Tok> = Vec::new();
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
        } else if b[i..].starts_with(b"//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if b[i..].starts_with(b"/*") {
            i += 2;
            while i + 1 < b.len() && !b[i..].starts_with(b"*/") {
                i += 1;
            }
            i += 2;
        } else if c == b'"' {
            i += 1;
            let mut s = Vec::new();
            while b[i] != b'"' {
                if b[i] == b'\\' {
                    i += 1;
                    s.push(match b[i] {
                        b'n' => b'\n',
                        b't' => b'\t',
                        b'r' => b'\r',
                        b'0' => 0,
                        other => other,
                    });
                } else {
                    s.push(b[i]);
                }
                i += 1;
            }
            i += 1;
            // Adjacent literals are one string, as in C++.
            if let Some(Tok::Str(prev)) = out.last_mut() {
                prev.extend_from_slice(&s);
            } else {
                out.push(Tok::Str(s));
            }
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            let start = i;
            while i < b.len()
                && (b[i].is_ascii_alphanumeric() || b[i] == b'_' || b[i] == b'.' || b[i] == b':')
            {
                i += 1;
            }
            out.push(Tok::Ident(src[start..i].to_owned()));
        } else {
            out.push(Tok::Punct(c as char));
            i += 1;
        }
    }
    out
}

fn ident(t: &Tok, name: &str) -> bool {
    matches!(t, Tok::Ident(s) if s == name)
}

fn string_arg(stmt: &[Tok]) -> Option<Vec<u8>> {
    stmt.iter().find_map(|t| match t {
        Tok::Str(s) => Some(s.clone()),
        _ => None,
    })
}

/// Interprets stout's `recordio_tests.cpp` excerpt: each `TEST` block gets a
/// fresh decoder; `recordio::encode` runs our encoder, `decoder.decode` our
/// decoder, and every `EXPECT_*` is checked.
#[test]
fn stout_test_vectors() {
    let Some(src) = read_upstream("recordio_test_vectors_stout.txt") else {
        return;
    };
    let toks = tokenize(&src);
    let mut checks = 0;
    let mut codec = RecordIoCodec::new();
    let mut buf = BytesMut::new();
    let mut data: Vec<u8> = Vec::new();
    let mut records: Vec<Vec<u8>> = Vec::new();
    let statements = toks.split(|t| *t == Tok::Punct(';') || *t == Tok::Punct('{'));
    for stmt in statements {
        let Some(first) = stmt.first() else { continue };
        let calls_decode = stmt.iter().any(|t| ident(t, "decoder.decode"));
        if stmt.iter().any(|t| ident(t, "TEST")) {
            codec = RecordIoCodec::new();
            buf.clear();
            data.clear();
            records.clear();
        } else if ident(first, "data") && stmt.iter().any(|t| ident(t, "recordio::encode")) {
            let record = string_arg(stmt).unwrap();
            let mut enc = BytesMut::new();
            RecordIoCodec::new()
                .encode(Bytes::from(record), &mut enc)
                .unwrap();
            data.extend_from_slice(&enc);
        } else if ident(first, "EXPECT_EQ") && stmt.iter().any(|t| ident(t, "data")) {
            assert_eq!(
                string_arg(stmt).unwrap().escape_ascii().to_string(),
                data.escape_ascii().to_string(),
                "our encoder matches stout's"
            );
            checks += 1;
        } else if ident(first, "records.clear") {
            records.clear();
        } else if ident(first, "records.push_back") {
            records.push(string_arg(stmt).unwrap());
        } else if calls_decode {
            let input = string_arg(stmt).unwrap_or_else(|| data.clone());
            buf.extend_from_slice(&input);
            let mut got = Vec::new();
            let result = loop {
                match codec.decode(&mut buf) {
                    Ok(Some(r)) => got.push(r.to_vec()),
                    Ok(None) => break Ok(got),
                    Err(e) => break Err(e),
                }
            };
            if ident(first, "EXPECT_SOME_EQ") {
                assert_eq!(result.unwrap(), records, "decoding {input:?}");
            } else if ident(first, "EXPECT_ERROR") {
                assert!(result.is_err(), "decoding {input:?} should fail");
            } else {
                panic!("unknown statement {stmt:?}");
            }
            checks += 1;
        }
    }
    println!("stout: {checks} expectations checked");
    assert!(
        checks >= 10,
        "only {checks} expectations found: has the file changed?"
    );
}

/// Runs mesos-go's `TestReadFrame` table (MaxMessageSize 22) and its
/// `Example`, each input whole, split at every byte and byte by byte.
#[test]
fn mesos_go_test_vectors() {
    let Some(src) = read_upstream("recordio_test_vectors_mesos_go.txt") else {
        return;
    };
    let toks = tokenize(&src);
    let mut cases = 0;
    let mut i = 0;
    while i + 4 < toks.len() {
        // { "in", frames, err }
        let (Tok::Punct('{'), Tok::Str(input), Tok::Punct(',')) =
            (&toks[i], &toks[i + 1], &toks[i + 2])
        else {
            i += 1;
            continue;
        };
        let mut j = i + 3;
        let mut frames: Vec<Vec<u8>> = Vec::new();
        if ident(&toks[j], "list") {
            j += 1;
            while toks[j] != Tok::Punct(')') {
                if let Tok::Str(s) = &toks[j] {
                    frames.push(s.clone());
                }
                j += 1;
            }
            j += 1;
        } else if ident(&toks[j], "nil") {
            j += 1;
        } else {
            // Another brace-enclosed list, such as the reader variants.
            i += 1;
            continue;
        }
        assert_eq!(toks[j], Tok::Punct(','));
        let Tok::Ident(err) = &toks[j + 1] else {
            panic!("error: {:?}", toks[j + 1]);
        };
        assert_eq!(toks[j + 2], Tok::Punct('}'));
        i = j + 3;

        let got = assert_split_invariant(22, input);
        let (_, error) = whole(22, input);
        let shown = input.escape_ascii().to_string();
        // mesos-go's reader skips empty frames; our codec yields them (as
        // stout's does), so compare the non-empty ones.
        let non_empty: Vec<Vec<u8>> = got
            .records
            .iter()
            .filter(|r| !r.is_empty())
            .map(|r| r.to_vec())
            .collect();
        assert_eq!(non_empty, frames, "case {cases} {shown:?}");
        match (err.as_str(), &error) {
            ("nil", None) => {}
            ("framing.ErrorUnderrun", Some(RecordIoError::Truncated { .. })) => {}
            ("framing.ErrorBadSize", Some(RecordIoError::BadLength { .. })) => {}
            ("framing.ErrorOversizedFrame", Some(RecordIoError::TooLarge { .. })) => {}
            // The one deliberate difference: mesos-go waits for the line feed
            // (or a 21st byte) before it looks at the digits, so "a" then EOF is
            // an underrun. We refuse a non-digit as soon as it arrives.
            (
                "framing.ErrorUnderrun",
                Some(RecordIoError::BadLength {
                    reason: "not a decimal digit",
                    ..
                }),
            ) => println!("case {cases} {shown:?}: bad length at once (mesos-go: underrun at EOF)"),
            (want, got) => panic!("case {cases} {shown:?}: want {want}, got {got:?}"),
        }
        cases += 1;
    }
    println!("mesos-go: {cases} table cases checked");
    assert!(
        cases >= 18,
        "only {cases} cases found: has the file changed?"
    );

    // func Example(): NewReader(strings.NewReader("…")) and its "// Output:".
    let start = src.find("strings.NewReader(").expect("Example input") + "strings.NewReader(".len();
    let Some(Tok::Str(input)) = tokenize(&src[start..]).into_iter().next() else {
        panic!("Example input is not a string");
    };
    let output = src
        .split("// Output:")
        .nth(1)
        .and_then(|rest| rest.lines().nth(1))
        .map(|line| line.trim().trim_start_matches("//").trim().to_owned())
        .expect("Example output");
    let got = assert_split_invariant(DEFAULT_MAX_RECORD, &input);
    let printed: Vec<String> = got
        .records
        .iter()
        .filter(|r| !r.is_empty())
        .map(|r| String::from_utf8_lossy(r).into_owned())
        .collect();
    assert_eq!(format!("[{}]", printed.join(" ")), output);
}

// ---------------------------------------------------------------------------
// Record streams.

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .unwrap()
        .block_on(f)
}

fn body(
    chunks: Vec<Result<&'static [u8], dcos_auth::Error>>,
) -> impl futures_util::Stream<Item = Result<Bytes, dcos_auth::Error>> + Unpin {
    stream::iter(chunks.into_iter().map(|c| c.map(Bytes::from_static)))
}

fn timeout() -> dcos_auth::Error {
    dcos_auth::Error::Timeout {
        method: dcos_auth::http::Method::POST,
        url: Box::new(dcos_auth::http::Url::parse("http://master:5050/api/v1").unwrap()),
        after: std::time::Duration::from_secs(75),
    }
}

#[derive(Debug, PartialEq, serde::Deserialize)]
struct Event {
    #[serde(rename = "type")]
    kind: String,
}

#[test]
fn a_malformed_record_is_an_item_and_the_stream_goes_on() {
    let got: Vec<_> = block_on(
        RecordStream::<Event, _>::new(body(vec![
            Ok(b"20\n{\"type\":\"HEART"),
            Ok(b"BEAT\"}10\n{\"type\":1}0\n2"),
            Ok(b"0\n{\"type\":\"HEARTBEAT\"}0\n"),
        ]))
        .context("POST http://master:5050/api/v1/scheduler")
        .collect(),
    );
    assert_eq!(got.len(), 3, "{got:?}");
    assert_eq!(got[0].as_ref().unwrap().kind, "HEARTBEAT");
    let err = got[1].as_ref().unwrap_err();
    let text = err.to_string();
    assert!(
        text.contains("record 2 of POST http://master:5050/api/v1/scheduler")
            && text.contains("`type`"),
        "{text}"
    );
    assert!(matches!(
        err,
        mesos_client::Error::Http(dcos_auth::Error::Decode { .. })
    ));
    // The empty records ("0\n") carry no document and are skipped.
    assert_eq!(got[2].as_ref().unwrap().kind, "HEARTBEAT");
}

#[test]
fn a_transport_error_ends_the_stream() {
    let mut records = Records::new(body(vec![Ok(b"1\na1\n"), Err(timeout()), Ok(b"b")]));
    let got: Vec<_> = block_on(async {
        let mut out = Vec::new();
        while let Some(item) = records.next().await {
            out.push(item);
        }
        out
    });
    assert_eq!(got.len(), 2, "{got:?}");
    assert_eq!(got[0].as_ref().unwrap(), &b"a"[..]);
    assert!(matches!(
        got[1],
        Err(mesos_client::Error::Http(dcos_auth::Error::Timeout { .. }))
    ));
    assert!(got[1].as_ref().unwrap_err().is_retryable());
}

#[test]
fn truncation_and_framing_errors_end_the_stream() {
    let got: Vec<_> = block_on(
        RecordStream::<Event, _>::new(body(vec![Ok(b"20\n{\"type\":\"HEARTBEAT\"}5\n{\"ty")]))
            .collect(),
    );
    assert_eq!(got.len(), 2);
    assert!(matches!(
        got[1],
        Err(mesos_client::Error::RecordIo(RecordIoError::Truncated {
            expected: Some(5),
            received: 4
        }))
    ));

    let got: Vec<_> = block_on(
        RecordStream::<Event, _>::with_codec(
            body(vec![Ok(b"2000\n"), Ok(b"{}")]),
            RecordIoCodec::with_max_record(1000),
        )
        .collect(),
    );
    assert_eq!(got.len(), 1);
    assert!(matches!(
        got[0],
        Err(mesos_client::Error::RecordIo(RecordIoError::TooLarge {
            length: 2000,
            max: 1000
        }))
    ));
}

#[test]
fn a_clean_end_ends_the_stream_without_error() {
    let mut events = RecordStream::<Event, _>::new(body(vec![Ok(b"20\n{\"type\":\"HEARTBEAT\"}")]));
    let got: Vec<_> = block_on((&mut events).collect());
    assert_eq!(got.len(), 1);
    assert_eq!(events.records_read(), 1);
    assert!(block_on(events.next()).is_none(), "stays ended");
}
