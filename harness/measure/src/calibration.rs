//! Calibration of what the measurement itself costs, done in every worker before it measures:
//! the clock (cost of one `Instant::now()` pair and its resolution) and the empty-loop cost of
//! each timing loop (the same loop around a call that does nothing). Both are recorded and
//! subtracted from per-call figures; raw samples stay untouched in the results.
pub use results::measurements::Calibration;
use std::hint::black_box;
use std::time::Instant;

/// Measures the clock: the median of many back-to-back `Instant::now()` pairs.
pub fn clock() -> (f64, f64) {
    let mut diffs: Vec<u64> = (0..20_000)
        .map(|_| {
            let a = Instant::now();
            let b = Instant::now();
            (b - a).as_nanos() as u64
        })
        .collect();
    diffs.sort_unstable();
    let resolution = diffs.iter().copied().find(|&d| d > 0).unwrap_or(1);
    (diffs[diffs.len() / 2] as f64, resolution as f64)
}

/// Per-iteration cost of `timing_loop(iters)`, which must run the same loop as the measurement
/// around a call that does nothing: the minimum over a few batches of `iters` iterations.
pub fn loop_cost(iters: u64, mut timing_loop: impl FnMut(u64) -> u64) -> f64 {
    (0..7).map(|_| timing_loop(black_box(iters)) as f64 / iters as f64).fold(f64::INFINITY, f64::min)
}

/// Full calibration for one timing loop.
pub fn calibrate(timing_loop: impl FnMut(u64) -> u64) -> Calibration {
    let (timer_overhead_ns, timer_resolution_ns) = clock();
    Calibration { timer_overhead_ns, timer_resolution_ns, loop_overhead_ns: loop_cost(100_000, timing_loop) }
}

#[cfg(test)]
mod tests {
    #[test]
    fn clock_costs_are_positive_and_small() {
        let (overhead, resolution) = super::clock();
        assert!(overhead < 10_000.0 && resolution >= 1.0, "{overhead} {resolution}");
    }
}
