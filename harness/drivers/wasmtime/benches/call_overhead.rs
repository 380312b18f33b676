//! Criterion benchmarks of host->guest call overhead on this driver's configurations (the
//! shared body is `measure::benchkit`); reports land in the target dir's `criterion/`.
use criterion::{Criterion, criterion_group, criterion_main};

fn call_overhead(c: &mut Criterion) {
    measure::benchkit::call_overhead(c, driver::SUBJECTS);
}

criterion_group!(benches, call_overhead);
criterion_main!(benches);
