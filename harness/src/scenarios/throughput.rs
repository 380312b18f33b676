//! Steady-state throughput: time per call of a prepared workload, after an explicit warm-up,
//! in repeated samples. Every call's answer is compared with the native checksum; one wrong
//! answer fails the cell, so a cell never yields a number for a wrong result.
//!
//! A sample times a batch of calls (the batch size is chosen from the warm-up so one sample
//! lasts about `sample_target_ms`), which keeps timer cost far under 1% of what is measured.
//! The clock and the empty-loop cost of this very loop are calibrated in the worker and
//! subtracted; the raw samples are kept beside the corrected per-call figures and their summary.
use crate::calibration::{self, Calibration};
use crate::executor::{Executor, SetupTimes, WorkloadCode};
use crate::stats::{self, Summary};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::time::{Duration, Instant};

/// How one cell is sampled; recorded in the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SamplingPlan {
    /// Warm-up lasts at least this long and at least `warmup_min_calls` calls.
    pub warmup_ms: u64,
    pub warmup_min_calls: u64,
    /// Samples wanted, and how long one sample should last.
    pub samples: usize,
    pub sample_target_ms: u64,
    /// Time cap for the samples of one cell; at least `min_samples` are taken regardless.
    pub max_cell_ms: u64,
    pub min_samples: usize,
}

/// One timed batch: `iters` calls took `ns` nanoseconds in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    pub iters: u64,
    pub ns: u64,
}

impl Sample {
    pub fn ns_per_call(&self) -> f64 {
        self.ns as f64 / self.iters as f64
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputMeasurement {
    pub setup: SetupTimes,
    /// The first call after preparing (includes lazy translation, first-touch page faults...).
    pub first_call_ns: u64,
    pub warmup_calls: u64,
    pub warmup_ns: u64,
    pub iters_per_sample: u64,
    pub samples: Vec<Sample>,
    /// True when `max_cell_ms` stopped sampling before `samples` were taken.
    pub capped_by_time: bool,
    /// Calls whose answer was checked against the native checksum (all of them).
    pub verified_calls: u64,
    /// Median per call; since schema 2 with the calibrated clock and loop costs removed.
    pub median_ns_per_call: f64,
    /// Clock and loop costs measured in this worker (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// Per-call time of each sample after calibration (schema 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_call_ns: Vec<f64>,
    /// Median with bootstrap 95% interval, CV and outliers of `per_call_ns` (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

/// Times `iters` verified calls: the loop every throughput sample runs (and calibration too).
pub(crate) fn timed_batch(exec: &mut dyn Executor, expected: u64, iters: u64) -> Result<u64> {
    let start = Instant::now();
    for _ in 0..iters {
        checked_call(exec, expected)?;
    }
    Ok(start.elapsed().as_nanos() as u64)
}

/// An executor that does nothing, to measure the cost of the timing loop itself.
struct NoopExecutor;

impl Executor for NoopExecutor {
    fn prepare(&mut self, _: &WorkloadCode, _: &[u8]) -> Result<SetupTimes> {
        Ok(SetupTimes::default())
    }
    fn call(&mut self) -> Result<u64> {
        Ok(black_box(7))
    }
}

/// Calibrates the clock and [`timed_batch`]'s own per-iteration cost in this process.
pub fn calibrate() -> Calibration {
    let mut noop = NoopExecutor;
    calibration::calibrate(|iters| timed_batch(&mut noop, 7, iters).unwrap_or(0))
}

fn checked_call(exec: &mut dyn Executor, expected: u64) -> Result<()> {
    let got = black_box(exec.call()?);
    if got != expected {
        bail!("wrong answer: got {got:#018x}, the native answer is {expected:#018x}");
    }
    Ok(())
}

/// Explicit warm-up: verified calls until at least `min_calls` were made and `min_ms` passed;
/// returns the calls made and the nanoseconds they took.
pub(crate) fn warm_up(exec: &mut dyn Executor, expected: u64, min_calls: u64, min_ms: u64) -> Result<(u64, u64)> {
    let budget = Duration::from_millis(min_ms);
    let start = Instant::now();
    let mut calls = 0u64;
    while calls < min_calls || start.elapsed() < budget {
        checked_call(exec, expected)?;
        calls += 1;
    }
    Ok((calls, start.elapsed().as_nanos() as u64))
}

/// Calls per timed batch so that a batch lasts about `target_ms`, from a warm-up of `calls`
/// calls in `ns` nanoseconds (at least one call).
pub(crate) fn batch_iters(calls: u64, ns: u64, target_ms: u64) -> u64 {
    let per_call_ns = (ns as f64 / calls.max(1) as f64).max(1.0);
    ((target_ms as f64 * 1e6) / per_call_ns).floor().max(1.0) as u64
}

/// Prepares `code` on `exec` and measures it under `plan`, verifying every call.
pub fn measure(
    exec: &mut dyn Executor,
    code: &WorkloadCode,
    input: &[u8],
    expected: u64,
    plan: &SamplingPlan,
) -> Result<ThroughputMeasurement> {
    let calibration = calibrate();
    let setup = exec.prepare(code, input)?;
    let mut verified = 0u64;

    let start = Instant::now();
    checked_call(exec, expected)?;
    let first_call_ns = start.elapsed().as_nanos() as u64;
    verified += 1;

    let (warmup_calls, warmup_ns) = warm_up(exec, expected, plan.warmup_min_calls, plan.warmup_ms)?;
    verified += warmup_calls;
    let iters = batch_iters(warmup_calls, warmup_ns, plan.sample_target_ms);
    let cap = Duration::from_millis(plan.max_cell_ms);
    let sampling = Instant::now();
    let mut samples = Vec::with_capacity(plan.samples);
    while samples.len() < plan.samples && (samples.len() < plan.min_samples || sampling.elapsed() < cap) {
        let ns = timed_batch(exec, expected, iters)?;
        samples.push(Sample { iters, ns });
        verified += iters;
    }
    let per_call_ns: Vec<f64> = samples.iter().map(|s| calibration.per_call_ns(s.ns, s.iters)).collect();
    let summary = stats::summarize(&per_call_ns);
    Ok(ThroughputMeasurement {
        setup,
        first_call_ns,
        warmup_calls,
        warmup_ns,
        iters_per_sample: iters,
        capped_by_time: samples.len() < plan.samples,
        verified_calls: verified,
        median_ns_per_call: summary.median.value,
        calibration: Some(calibration),
        per_call_ns,
        summary: Some(summary),
        samples,
    })
}

/// How per-call latency is recorded for a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyPlan {
    pub warmup_ms: u64,
    /// Individually timed calls wanted, and the time cap on them (at least 10 are taken).
    pub calls: u64,
    pub max_ms: u64,
}

/// Per-call latency of a prepared workload: every call timed on its own (workload calls last
/// microseconds or more, so the clock, whose cost is subtracted, stays a small part) and
/// verified, then recorded in an HdrHistogram.
pub fn measure_latency(
    exec: &mut dyn Executor,
    code: &WorkloadCode,
    input: &[u8],
    expected: u64,
    plan: &LatencyPlan,
) -> Result<crate::latency::LatencyRecord> {
    let (timer_overhead, _) = calibration::clock();
    exec.prepare(code, input)?;
    let start = Instant::now();
    while start.elapsed() < Duration::from_millis(plan.warmup_ms) {
        checked_call(exec, expected)?;
    }
    let cap = Duration::from_millis(plan.max_ms);
    let start = Instant::now();
    let mut values = Vec::with_capacity(plan.calls as usize);
    while (values.len() as u64) < plan.calls && (values.len() < 10 || start.elapsed() < cap) {
        let t = Instant::now();
        checked_call(exec, expected)?;
        values.push(((t.elapsed().as_nanos() as f64) - timer_overhead).max(1.0) as u64);
    }
    crate::latency::record(&values, 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An executor that answers a scripted sequence, to test verification without a runtime.
    struct Scripted(Vec<u64>, usize);

    impl Executor for Scripted {
        fn prepare(&mut self, _: &WorkloadCode, _: &[u8]) -> Result<SetupTimes> {
            Ok(SetupTimes::default())
        }
        fn call(&mut self) -> Result<u64> {
            self.1 += 1;
            Ok(self.0[(self.1 - 1).min(self.0.len() - 1)])
        }
    }

    fn plan() -> SamplingPlan {
        SamplingPlan {
            warmup_ms: 0,
            warmup_min_calls: 2,
            samples: 3,
            sample_target_ms: 0,
            max_cell_ms: 1000,
            min_samples: 1,
        }
    }

    #[test]
    fn a_wrong_answer_mid_run_fails_the_cell() {
        let code = WorkloadCode { name: "x", wasm: &[] };
        let mut exec = Scripted(vec![7, 7, 7, 7, 8], 0);
        let err = measure(&mut exec, &code, &[], 7, &plan()).unwrap_err().to_string();
        assert!(err.contains("wrong answer") && err.contains("0x0000000000000008"), "{err}");
    }

    #[test]
    fn every_call_is_counted_as_verified() {
        let code = WorkloadCode { name: "x", wasm: &[] };
        let mut exec = Scripted(vec![7], 0);
        let m = measure(&mut exec, &code, &[], 7, &plan()).unwrap();
        assert_eq!(m.samples.len(), 3);
        assert_eq!(m.verified_calls, exec.1 as u64);
    }
}
