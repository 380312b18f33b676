//! Criterion benchmarks every runtime driver runs on its own subject table
//! (`harness/drivers/<name>/benches/call_overhead.rs`): host->guest call overhead per configuration (the
//! empty export through the typed path, `add4` through both paths), beside a plain native call.
//! The loops are the adapters' own (`Instance::time_micro`), timed with `iter_custom`.
use crate::engine::{CallPath, EngineOptions, MicroCall};
use crate::micro;
use crate::subject::{Subject, SubjectEntry};
use crate::testkit::wat;
use criterion::Criterion;
use results::ids;
use std::hint::black_box;
use std::time::Duration;

/// Criterion benchmarks of the call-overhead calls on every configuration of `table`.
pub fn call_overhead(c: &mut Criterion, table: &[SubjectEntry]) {
    let (empty, add4) = (wat("empty"), wat("add4"));
    let [a, b, x, d] = micro::ADD4_ARGS;
    let add4_call = MicroCall::Add4 { args: micro::ADD4_ARGS, expected: micro::add4(a, b, x, d) };
    let mut group = c.benchmark_group(ids::CALL_OVERHEAD);
    group.warm_up_time(Duration::from_millis(300)).measurement_time(Duration::from_secs(2));
    for entry in table {
        let Ok(Subject::Wasm(engine)) = (entry.make)(&EngineOptions::default()) else { continue };
        let mut e = engine.instantiate(engine.compile(&empty).expect("compile").as_ref()).expect("instantiate");
        group.bench_function(format!("{}/empty-typed", entry.id), |bench| {
            bench.iter_custom(|iters| {
                Duration::from_nanos(e.time_micro(MicroCall::Empty, CallPath::Typed, iters).expect("call"))
            })
        });
        let mut i = engine.instantiate(engine.compile(&add4).expect("compile").as_ref()).expect("instantiate");
        for path in [CallPath::Typed, CallPath::Dynamic] {
            group.bench_function(format!("{}/add4-{path:?}", entry.id).to_lowercase(), |bench| {
                bench.iter_custom(|iters| Duration::from_nanos(i.time_micro(add4_call, path, iters).expect("call")))
            });
        }
    }
    let add4_native: fn(i64, i64, i64, i64) -> i64 = black_box(micro::add4);
    group.bench_function("native/add4", |bench| {
        bench.iter(|| add4_native(black_box(a), black_box(b), black_box(x), black_box(d)))
    });
    group.finish();
}
