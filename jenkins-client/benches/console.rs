//! progressiveText throughput on ~8 MiB of generated build log: the line
//! splitter alone, gunzip plus lines, and the whole follow over loopback HTTP
//! (offsets, headers, body streaming) against a local mock Jenkins that
//! serves the log in 2 MiB answers.
//!
//! `cargo bench -p jenkins-client --bench console -- --warm-up-time 1 --measurement-time 3`

use std::hint::black_box;
use std::io::Write;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use bytes::BytesMut;
use criterion::{Criterion, Throughput, criterion_main};
use futures_util::StreamExt;
use jenkins_client::console::{FollowOptions, Gunzip, LineDecoder};
use jenkins_client::{JenkinsAuth, JenkinsClient, JobPath};
use tokio_util::codec::Decoder;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

const TARGET: usize = 8 * 1024 * 1024;
const CHUNK: usize = 16 * 1024;
const ANSWER: usize = 2 * 1024 * 1024;

/// A Pipeline-like log: step markers, shell commands and docker build output.
fn log() -> (Vec<u8>, u64) {
    let mut out = String::with_capacity(TARGET + 256);
    let mut lines = 0u64;
    while out.len() < TARGET {
        let n = lines;
        let line = match n % 8 {
            0 => "[Pipeline] sh".to_owned(),
            1 => format!("+ docker build -t registry.example.com/team/app:{n} ."),
            2 => format!(
                "Step {}/12 : RUN apt-get update && apt-get install -y curl",
                n % 12
            ),
            3 => format!(" ---> Running in {n:012x}"),
            4 => format!(
                "Get:{} http://archive.ubuntu.com/ubuntu focal/main amd64 Packages [{} kB]",
                n % 40,
                n % 977
            ),
            5 => format!("Removing intermediate container {n:012x}"),
            6 => "The push refers to repository [registry.example.com/team/app]".to_owned(),
            _ => format!("{n:08x}: Pushed ✓"),
        };
        out.push_str(&line);
        out.push_str("\r\n");
        lines += 1;
    }
    (out.into_bytes(), lines)
}

fn split_lines(input: &[u8]) -> u64 {
    let mut decoder = LineDecoder::new();
    let mut buf = BytesMut::with_capacity(2 * CHUNK);
    let mut lines = 0;
    for chunk in input.chunks(CHUNK) {
        buf.extend_from_slice(chunk);
        while let Ok(Some(line)) = decoder.decode(&mut buf) {
            black_box(&line);
            lines += 1;
        }
    }
    while let Ok(Some(line)) = decoder.decode_eof(&mut buf) {
        black_box(&line);
        lines += 1;
    }
    lines
}

fn gunzip_lines(packed: &[u8]) -> u64 {
    let mut gunzip = Gunzip::new();
    let mut text = Vec::with_capacity(TARGET + CHUNK);
    for chunk in packed.chunks(CHUNK) {
        text.extend_from_slice(&gunzip.feed(chunk).unwrap_or_default());
    }
    text.extend_from_slice(&gunzip.finish().unwrap_or_default());
    split_lines(&text)
}

/// Serves the log from `start` in answers of at most [`ANSWER`] bytes,
/// ending each at a line end as Jenkins does while a build runs, with
/// `X-More-Data` until the last.
struct ServeLog(Vec<u8>, AtomicUsize);

impl Respond for ServeLog {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.1.fetch_add(1, Ordering::Relaxed);
        let start: usize = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "start")
            .and_then(|(_, v)| v.parse().ok())
            .unwrap_or(0);
        let log = &self.0;
        let mut end = (start + ANSWER).min(log.len());
        while end < log.len() && end > start && log[end - 1] != b'\n' {
            end -= 1;
        }
        let mut t = ResponseTemplate::new(200)
            .insert_header("x-text-size", end.to_string().as_str())
            .set_body_bytes(log[start..end].to_vec());
        if end < log.len() {
            t = t.insert_header("x-more-data", "true");
        }
        t
    }
}

fn bench(c: &mut Criterion) {
    let (input, lines) = log();
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(&input).unwrap_or_default();
    let packed = e.finish().unwrap_or_default();
    if split_lines(&input) != lines || gunzip_lines(&packed) != lines {
        panic!("the generated log does not split into {lines} lines");
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap_or_else(|e| panic!("runtime: {e}"));
    let server = rt.block_on(async {
        let server = MockServer::start().await;
        Mock::given(method("GET"))
            .and(path("/job/app/1/logText/progressiveText"))
            .respond_with(ServeLog(input.clone(), AtomicUsize::new(0)))
            .mount(&server)
            .await;
        server
    });
    let jenkins = JenkinsClient::direct(&server.uri(), JenkinsAuth::api_token("ci", "tok"))
        .unwrap_or_else(|e| panic!("client: {e}"));
    let job = JobPath::parse("app").unwrap_or_else(|e| panic!("{e}"));
    let follow = || {
        rt.block_on(async {
            let mut stream = jenkins.console().follow(
                &job,
                1,
                FollowOptions::default().poll(Duration::from_millis(1)),
            );
            let mut bytes = 0usize;
            while let Some(chunk) = stream.next().await {
                bytes += chunk
                    .map(|c| c.text.len())
                    .unwrap_or_else(|e| panic!("{e}"));
            }
            bytes
        })
    };
    if follow() != input.len() {
        panic!("the follow did not deliver the whole log");
    }
    eprintln!(
        "input: {} bytes, {lines} lines, gzip {} bytes",
        input.len(),
        packed.len()
    );

    let mut group = c.benchmark_group("console");
    group.sample_size(20);
    group.throughput(Throughput::Bytes(input.len() as u64));
    group.bench_function("lines", |b| b.iter(|| split_lines(black_box(&input))));
    group.bench_function("gunzip+lines", |b| {
        b.iter(|| gunzip_lines(black_box(&packed)))
    });
    group.bench_function("follow/loopback", |b| b.iter(follow));
    group.finish();
}

mod group {
    // In a private module: the function the macro makes needs no docs.
    criterion::criterion_group!(benches, super::bench);
}
criterion_main!(group::benches);
