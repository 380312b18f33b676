//! Calibration of what the measurement itself costs, done in every worker before it measures:
//! the clock (cost of one `Instant::now()` pair and its resolution) and the empty-loop cost of
//! each timing loop (the same loop around a call that does nothing). Both are recorded and
//! subtracted from per-call figures; raw samples stay untouched in the results.
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::time::Instant;

#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Median cost of reading the clock twice back to back.
    pub timer_overhead_ns: f64,
    /// Smallest non-zero difference seen between two clock reads.
    pub timer_resolution_ns: f64,
    /// Per-iteration cost of the timing loop around a no-op call.
    pub loop_overhead_ns: f64,
}

impl Calibration {
    /// Per-call time of a batch with the clock and loop costs removed (never below zero).
    pub fn per_call_ns(&self, batch_ns: u64, iters: u64) -> f64 {
        ((batch_ns as f64 - self.timer_overhead_ns) / iters as f64 - self.loop_overhead_ns).max(0.0)
    }
}

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
        let c = super::Calibration { timer_overhead_ns: 20.0, timer_resolution_ns: 1.0, loop_overhead_ns: 1.0 };
        assert_eq!(c.per_call_ns(1020, 100), 9.0);
        assert_eq!(c.per_call_ns(10, 100), 0.0);
    }
}
