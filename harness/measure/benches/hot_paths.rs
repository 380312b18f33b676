//! Criterion benchmarks of the harness's own hot paths: what it does between or around the
//! measured calls (statistics, latency recording, the subprocess frame codec, checksums).
use criterion::{Criterion, criterion_group, criterion_main};
use protocol::runner::{read_frame, write_frame};
use results::latency;
use std::hint::black_box;

fn hot_paths(c: &mut Criterion) {
    let samples: Vec<f64> = (0..30).map(|i| 1000.0 + ((i * 7919) % 97) as f64).collect();
    c.bench_function("stats/summarize-30-samples", |b| b.iter(|| stats::summarize(black_box(&samples))));
    let values: Vec<u64> = (0..2000).map(|i| 20_000 + (i * 31) % 5000).collect();
    c.bench_function("latency/record-2000-values", |b| {
        b.iter(|| latency::record(black_box(&values), 1).expect("record"))
    });
    let payload = vec![0xa5u8; 4096];
    c.bench_function("protocol/frame-round-trip-4KiB", |b| {
        let mut buf = Vec::with_capacity(8192);
        b.iter(|| {
            buf.clear();
            write_frame(&mut buf, 6, black_box(&payload)).expect("write");
            read_frame(&mut buf.as_slice()).expect("read")
        })
    });
    let bytes = vec![7u8; 64 << 10];
    c.bench_function("checksum/fnv1a-64KiB", |b| b.iter(|| wg_common::fnv1a(black_box(&bytes))));
}

criterion_group!(benches, hot_paths);
criterion_main!(benches);
