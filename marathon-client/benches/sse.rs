//! The SSE decoder alone, and with typed events, on ~10 MB of generated
//! Marathon event stream fed in 16 KiB chunks.
//!
//! `cargo bench -p marathon-client --bench sse -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;

use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_main};
use marathon_client::events::Event;
use marathon_client::sse::SseDecoder;
use tokio_util::codec::Decoder;

const TARGET: usize = 10 * 1024 * 1024;
const CHUNK: usize = 16 * 1024;

/// A stream of `status_update_event` frames with a `deployment_info` frame
/// (a plan of three steps) every tenth frame.
fn stream() -> (Vec<u8>, u64) {
    let mut out = String::with_capacity(TARGET + 4096);
    let mut frames = 0u64;
    while out.len() < TARGET {
        let n = frames;
        if n % 10 == 9 {
            let steps: Vec<String> = (0..3)
                .map(|s| {
                    format!(
                        r#"{{"actions":[{{"action":"RestartApplication","app":"/prod/svc-{n}","readinessCheckResults":[]}},{{"action":"ScaleApplication","app":"/prod/worker-{s}"}}]}}"#
                    )
                })
                .collect();
            out.push_str("event: deployment_info\ndata: ");
            out.push_str(&format!(
                r#"{{"plan":{{"id":"5c2d6b0e-{n:04}-4f7e-9a3b-1c2d3e4f5a6b","version":"2024-05-01T10:{m:02}:00.000Z","affectedApps":["/prod/svc-{n}"],"affectedPods":[],"steps":[{steps}]}},"currentStep":{current},"eventType":"deployment_info","timestamp":"2024-05-01T10:{m:02}:01.123Z"}}"#,
                m = n % 60,
                steps = steps.join(","),
                current = steps[1],
            ));
        } else {
            out.push_str("event: status_update_event\ndata: ");
            out.push_str(&format!(
                r#"{{"slaveId":"7a1f3c5e-2b4d-4e6f-8a0b-1c2d3e4f5a6b-S{agent}","taskId":"prod_svc-{app}.instance-{n:08x}-0b1c-11ef-9a3b-0242ac110002._app.1","taskStatus":"TASK_RUNNING","message":"","appId":"/prod/svc-{app}","host":"10.0.{agent}.{host}","ipAddresses":[{{"ipAddress":"10.0.{agent}.{host}","protocol":"IPv4"}}],"ports":[{p1},{p2}],"version":"2024-05-01T09:59:00.000Z","eventType":"status_update_event","timestamp":"2024-05-01T10:00:00.{ms:03}Z"}}"#,
                agent = n % 7,
                app = n % 50,
                host = n % 250,
                p1 = 31000 + n % 1000,
                p2 = 32000 + n % 1000,
                ms = n % 1000,
            ));
        }
        out.push_str("\n\n");
        frames += 1;
    }
    (out.into_bytes(), frames)
}

/// Feeds `input` to a fresh decoder in 16 KiB chunks, calling `each` per frame.
fn decode(input: &[u8], mut each: impl FnMut(&marathon_client::sse::SseFrame)) -> u64 {
    let mut decoder = SseDecoder::new();
    let mut buf = BytesMut::with_capacity(2 * CHUNK);
    let mut frames = 0;
    for chunk in input.chunks(CHUNK) {
        buf.extend_from_slice(chunk);
        while let Ok(Some(frame)) = decoder.decode(&mut buf) {
            each(&frame);
            frames += 1;
        }
    }
    frames
}

fn typed(input: &[u8]) -> u64 {
    let mut events = 0;
    decode(input, |frame| {
        if let Ok(event) = Event::from_frame(frame) {
            black_box(&event);
            events += 1;
        }
    });
    events
}

fn bench(c: &mut Criterion) {
    let (input, frames) = stream();
    // Check once that every frame decodes, so the figures mean something.
    if decode(&input, |_| {}) != frames || typed(&input) != frames {
        panic!("the generated stream does not decode into {frames} events");
    }
    eprintln!(
        "input: {} bytes, {frames} frames, {} bytes per frame on average",
        input.len(),
        input.len() as u64 / frames
    );

    let mut group = c.benchmark_group("sse");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("codec/bytes", |b| {
        b.iter(|| {
            decode(black_box(&input), |f| {
                black_box(f);
            })
        })
    });
    group.bench_function("codec+typed/bytes", |b| b.iter(|| typed(black_box(&input))));
    group.throughput(Throughput::Elements(frames));
    group.bench_function("codec/frames", |b| {
        b.iter(|| {
            decode(black_box(&input), |f| {
                black_box(f);
            })
        })
    });
    group.bench_function("codec+typed/frames", |b| {
        b.iter(|| typed(black_box(&input)))
    });
    group.finish();
}

mod group {
    // In a private module: the function the macro makes needs no docs.
    criterion::criterion_group!(benches, super::bench);
}
criterion_main!(group::benches);
