//! RecordIO framing throughput on ~16 MiB of generated Mesos events (JSON
//! records of 200 B to 8 KiB) fed in 16 KiB chunks, and the same with each
//! record parsed as JSON (into `IgnoredAny`) for scale.
//!
//! `cargo bench -p mesos-client --bench recordio -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use bytes::{Bytes, BytesMut};
use criterion::{Criterion, Throughput, criterion_main};
use mesos_client::recordio::RecordIoCodec;
use tokio_util::codec::{Decoder, Encoder};

const TARGET: usize = 16 * 1024 * 1024;
const CHUNK: usize = 16 * 1024;
const MIN_RECORD: usize = 200;
const MAX_RECORD: usize = 8 * 1024;

/// One UPDATE event of about `size` bytes: a task status whose message pads
/// it to size.
fn event(n: u64, size: usize) -> String {
    let head = format!(
        r#"{{"type":"UPDATE","update":{{"status":{{"task_id":{{"value":"build-agent-{n:08}"}},"state":"TASK_RUNNING","source":"SOURCE_EXECUTOR","agent_id":{{"value":"7a1f3c5e-2b4d-4e6f-8a0b-1c2d3e4f5a6b-S{agent}"}},"timestamp":1470820172.046,"uuid":"0RC72iyRTQefoUL0ClcL0g==","message":""#,
        agent = n % 97,
    );
    let tail = r#""}}}"#;
    let pad = size.saturating_sub(head.len() + tail.len());
    let mut out = String::with_capacity(size);
    out.push_str(&head);
    out.extend(std::iter::repeat_n('x', pad));
    out.push_str(tail);
    out
}

/// ~16 MiB of RecordIO, with record sizes spread over 200 B to 8 KiB by a
/// fixed linear congruential sequence.
fn stream() -> (Vec<u8>, u64) {
    let mut codec = RecordIoCodec::new();
    let mut out = BytesMut::with_capacity(TARGET + MAX_RECORD + 32);
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut records = 0;
    while out.len() < TARGET {
        state = state
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        let size = MIN_RECORD + (state >> 33) as usize % (MAX_RECORD - MIN_RECORD + 1);
        if let Err(err) = codec.encode(Bytes::from(event(records, size)), &mut out) {
            panic!("encoding the bench input failed: {err}");
        }
        records += 1;
    }
    (out.to_vec(), records)
}

/// Feeds `input` to a fresh codec in 16 KiB chunks, calling `each` per record.
fn frame(input: &[u8], mut each: impl FnMut(&Bytes)) -> u64 {
    let mut codec = RecordIoCodec::new();
    let mut buf = BytesMut::with_capacity(2 * CHUNK);
    let mut records = 0;
    for chunk in input.chunks(CHUNK) {
        buf.extend_from_slice(chunk);
        while let Ok(Some(record)) = codec.decode(&mut buf) {
            each(&record);
            records += 1;
        }
    }
    records
}

fn bench(c: &mut Criterion) {
    let (input, records) = stream();
    assert_eq!(frame(&input, |_| {}), records);
    eprintln!(
        "input: {} bytes, {records} records, mean {} bytes",
        input.len(),
        input.len() as u64 / records
    );

    let mut group = c.benchmark_group("recordio");
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("frame_16k_chunks", |b| {
        b.iter(|| {
            frame(black_box(&input), |r| {
                black_box(r);
            })
        })
    });
    group.bench_function("frame_and_parse_json", |b| {
        b.iter(|| {
            frame(black_box(&input), |r| {
                let parsed: Result<serde::de::IgnoredAny, _> = serde_json::from_slice(r);
                black_box(parsed.is_ok());
            })
        })
    });
    group.finish();
}

mod group {
    // In a private module: the function the macro makes needs no docs.
    criterion::criterion_group!(benches, super::bench);
}
criterion_main!(group::benches);
