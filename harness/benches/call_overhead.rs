//! Criterion benchmarks of host->guest call overhead per engine configuration (the empty export
//! through the typed path, `add4` through both paths), beside a plain native call. The loops
//! are the adapters' own (`Instance::time_micro`), timed with `iter_custom`.
use criterion::{Criterion, criterion_group, criterion_main};
use std::hint::black_box;
use std::time::Duration;
use wasmgauge::engines::{CallPath, EngineOptions, MicroCall, WASM_ENGINES};
use wasmgauge::workloads::{micro_module, micro_native};

fn wasm(name: &str) -> Vec<u8> {
    wat::parse_str(micro_module(name).expect("micro-module").source).expect("valid WAT")
}

fn call_overhead(c: &mut Criterion) {
    let (empty, add4) = (wasm("empty"), wasm("add4"));
    let add4_call = MicroCall::Add4 { args: [7, -3, 11, 0x55], expected: micro_native::add4(7, -3, 11, 0x55) };
    let mut group = c.benchmark_group("call-overhead");
    group.warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for spec in WASM_ENGINES {
        let engine = (spec.make)(&EngineOptions::default()).expect("engine");
        let mut e = engine.instantiate(engine.compile(&empty).expect("compile").as_ref()).expect("instantiate");
        group.bench_function(format!("{}/empty-typed", spec.id), |b| {
            b.iter_custom(|iters| {
                Duration::from_nanos(e.time_micro(MicroCall::Empty, CallPath::Typed, iters).expect("call"))
            })
        });
        let mut a = engine.instantiate(engine.compile(&add4).expect("compile").as_ref()).expect("instantiate");
        for path in [CallPath::Typed, CallPath::Dynamic] {
            group.bench_function(format!("{}/add4-{path:?}", spec.id).to_lowercase(), |b| {
                b.iter_custom(|iters| Duration::from_nanos(a.time_micro(add4_call, path, iters).expect("call")))
            });
        }
    }
    let add4_native: fn(i64, i64, i64, i64) -> i64 = black_box(micro_native::add4);
    group.bench_function("native/add4", |b| {
        b.iter(|| add4_native(black_box(7), black_box(-3), black_box(11), black_box(0x55)))
    });
    group.finish();
}

criterion_group!(benches, call_overhead);
criterion_main!(benches);
