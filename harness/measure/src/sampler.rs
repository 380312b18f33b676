//! How samples are taken: the one sampler every scenario measures through (what is measured is
//! [`crate::measurement`]'s). It sees a [`Batch`]: something that runs `iters` verified calls
//! and returns the value they took in its measurement's unit. Over a batch the sampler runs:
//!
//! 1. **calibration** ([`Sampler::new`]): the clock's cost and the batch loop's own cost per
//!    iteration, measured in this process and subtracted from every per-call figure;
//! 2. **warm-up** ([`Sampler::warm_up`]): batches that double (within the time left, as far as
//!    the calls so far tell) until enough calls were made, for long enough, and the last batch
//!    lasted long enough to size samples from; its fastest batch gives the per-call estimate;
//! 3. **batch sizing** ([`batch_iters`]): calls per sample so a sample lasts its target;
//! 4. **samples** ([`Sampler::samples`]): batches of that size until the count is reached or the
//!    time cap passes (a minimum is taken regardless);
//! 5. **latency** ([`Sampler::latency`]): short batches (or single calls) recorded one value
//!    each into an HdrHistogram;
//! 6. **load** ([`under_load`]): an operation repeated on N threads for a duration, each
//!    repetition timed (concurrency) or counted (instantiation rates).
//!
//! A workload on an executor is sampled by [`sample_workload`] (throughput, bring-your-own
//! exports, the test kit); rounds of several processes are combined by [`crate::rounds`].
use crate::calibration::{self, Calibration};
use crate::engine::{Instance, check_answer};
use crate::executor::{Executor, SetupTimes, WorkloadCode};
use crate::measurement::{self, WallClock};
use anyhow::{Result, anyhow};
use results::latency::LatencyRecord;
use results::measurements::{Sample, ThroughputMeasurement};
use results::plans::SamplingPlan;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// Runs `iters` verified calls; returns what they took in its measurement's unit.
pub trait Batch {
    /// One batch.
    fn run(&mut self, iters: u64) -> Result<u64>;
}

impl<F: FnMut(u64) -> Result<u64>> Batch for F {
    fn run(&mut self, iters: u64) -> Result<u64> {
        self(iters)
    }
}

/// The batch of a prepared executor: `iters` calls, each answer checked against `expected`
/// (timed where the executor's calls run: here, or in the engine's own process).
pub fn executor_batch(exec: &mut dyn Executor, expected: u64) -> impl FnMut(u64) -> Result<u64> + '_ {
    move |iters| exec.timed_calls(iters, expected)
}

/// One call of a prepared executor, its answer checked against the native one.
pub fn checked_call(exec: &mut dyn Executor, expected: u64) -> Result<()> {
    check_answer(black_box(exec.call()?), expected)
}

/// A wall-time cap: sampling stops taking more once it has passed.
#[derive(Clone, Copy, Debug)]
pub struct Cap {
    start: Instant,
    limit: Duration,
}

impl Cap {
    /// A cap of `ms` milliseconds from now.
    pub fn ms(ms: u64) -> Cap {
        Cap { start: Instant::now(), limit: Duration::from_millis(ms) }
    }

    /// Whether the cap has passed.
    pub fn passed(&self) -> bool {
        self.start.elapsed() >= self.limit
    }

    /// The time since the cap started.
    pub fn elapsed(&self) -> Duration {
        self.start.elapsed()
    }

    /// Whether one more repetition, at the mean pace of the `done` so far, would end within
    /// the cap (always for the first).
    pub fn fits_another(&self, done: usize) -> bool {
        done == 0 || self.elapsed() * (done as u32 + 1) / done as u32 <= self.limit
    }
}

/// When a warm-up is done: at least `min_calls` calls, `min_ms` of measured time, and a last
/// batch of at least `min_batch_ns` (so the samples are sized from a rate the clock does not
/// dominate).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct WarmUp {
    /// Calls at least.
    pub min_calls: u64,
    /// Measured time at least, in milliseconds.
    pub min_ms: u64,
    /// The last batch at least, in nanoseconds.
    pub min_batch_ns: u64,
}

impl WarmUp {
    /// The warm-up of a sampling plan (throughput, bring-your-own exports).
    pub fn of(plan: &SamplingPlan) -> WarmUp {
        WarmUp { min_calls: plan.warmup_min_calls, min_ms: plan.warmup_ms, min_batch_ns: 0 }
    }
}

/// What a warm-up did.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Warmed {
    /// Calls made (every answer verified).
    pub calls: u64,
    /// Their measured time.
    pub ns: u64,
    /// The fastest batch's time per call: the rate the samples are sized from.
    pub per_call_ns: f64,
}

/// How many samples to take: `count`, or fewer once `cap_ms` has passed, but never fewer than
/// `min`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Count {
    /// Samples wanted.
    pub count: usize,
    /// Samples taken regardless of the cap.
    pub min: usize,
    /// The wall-time cap, in milliseconds.
    pub cap_ms: u64,
}

/// Calls per batch so that a batch lasts about `target_ms` at `per_call_ns` (at least one).
pub fn batch_iters(per_call_ns: f64, target_ms: u64) -> u64 {
    ((target_ms as f64 * 1e6) / per_call_ns.max(0.1)).floor().max(1.0) as u64
}

/// The one sampler, with the calibration of the batch loop it drives.
#[derive(Clone, Copy, Debug)]
pub struct Sampler {
    /// The calibration subtracted from every per-call figure.
    pub calibration: Calibration,
}

/// An executor that does nothing, to measure the cost of the executor batch loop itself.
struct NoopExecutor;

impl Executor for NoopExecutor {
    fn prepare(&mut self, _: &WorkloadCode, _: &[u8]) -> Result<SetupTimes> {
        Ok(SetupTimes::default())
    }
    fn call(&mut self) -> Result<u64> {
        Ok(black_box(7))
    }
}

impl Sampler {
    /// Calibrates the clock and `empty_batch` (the batch loop around a call that does nothing).
    pub fn new(mut empty_batch: impl FnMut(u64) -> Result<u64>) -> Sampler {
        Sampler { calibration: calibration::calibrate(|iters| empty_batch(iters).unwrap_or(0)) }
    }

    /// A sampler for executors: the executor batch loop ([`Executor::timed_calls`]) calibrated.
    pub fn for_executors() -> Sampler {
        let mut noop = NoopExecutor;
        Sampler::new(|iters| noop.timed_calls(iters, 7))
    }

    /// A sampler for a prepared executor: calibrated in the process its batches run in, where
    /// that is another one ([`Executor::far_empty_batch`]), else [`Sampler::for_executors`].
    pub fn for_executor(exec: &mut dyn Executor) -> Sampler {
        match exec.far_empty_batch(1) {
            Some(_) => Sampler::new(|iters| exec.far_empty_batch(iters).unwrap_or(Ok(0))),
            None => Sampler::for_executors(),
        }
    }

    /// A sampler for the typed loops of `instance` (call overhead): calibrated in the process
    /// its batches run in, where that is another one ([`Instance::far_empty_batch`]), else
    /// [`Sampler::for_typed_loops`].
    pub fn for_instance(instance: &mut dyn Instance) -> Sampler {
        match instance.far_empty_batch(1) {
            Some(_) => Sampler::new(|iters| instance.far_empty_batch(iters).unwrap_or(Ok(0))),
            None => Sampler::for_typed_loops(),
        }
    }

    /// A sampler for the adapters' typed loops ([`crate::engine::timed_loop`]) and the loops
    /// of the same shape (call overhead).
    pub fn for_typed_loops() -> Sampler {
        Sampler::new(|iters| crate::engine::timed_loop(iters, 7i64, || Ok(black_box(7i64))))
    }

    /// A batch's time per call with the clock and the loop's costs removed.
    pub fn per_call_ns(&self, sample: &Sample) -> f64 {
        self.calibration.per_call_ns(sample.ns, sample.iters)
    }

    /// Warms `batch` up (see the module doc); every call is verified by the batch.
    pub fn warm_up(&self, batch: &mut dyn Batch, w: WarmUp) -> Result<Warmed> {
        let budget_ns = w.min_ms.saturating_mul(1_000_000);
        let (mut calls, mut ns, mut size) = (0u64, 0u64, 1u64);
        let mut fastest = f64::INFINITY;
        loop {
            let took = batch.run(size)?;
            calls += size;
            ns += took;
            fastest = fastest.min(took as f64 / size as f64);
            if calls >= w.min_calls && ns >= budget_ns && took >= w.min_batch_ns {
                break;
            }
            let per_call = (ns / calls).max(1);
            let left = budget_ns.saturating_sub(ns) / per_call;
            // Double, within the time left, unless the calls or the batch length still fall short.
            let short_batch = if took < w.min_batch_ns { size * 2 } else { 1 };
            size = (size * 2).min(left.max(w.min_calls.saturating_sub(calls)).max(short_batch)).max(1);
        }
        Ok(Warmed { calls, ns, per_call_ns: fastest.max(0.1) })
    }

    /// Batches of `iters` calls as [`Count`] says.
    pub fn samples(&self, batch: &mut dyn Batch, iters: u64, count: Count) -> Result<Vec<Sample>> {
        let cap = Cap::ms(count.cap_ms);
        let mut samples = Vec::with_capacity(count.count);
        while samples.len() < count.count && (samples.len() < count.min || !cap.passed()) {
            samples.push(Sample { iters, ns: batch.run(iters)? });
        }
        Ok(samples)
    }

    /// The calibrated per-call times of `samples`.
    pub fn per_call(&self, samples: &[Sample]) -> Vec<f64> {
        samples.iter().map(|s| self.per_call_ns(s)).collect()
    }

    /// Calls per latency value: single calls when one call lasts at least 100 clock costs,
    /// else batches of at least that long, so the clock stays under 1% of each value.
    pub fn latency_iters(&self, per_call_ns: f64) -> u64 {
        ((100.0 * self.calibration.timer_overhead_ns.max(10.0)) / per_call_ns.max(0.1)).ceil().max(1.0) as u64
    }

    /// Latency values of `iters`-call batches as [`Count`] says, each the calibrated time per
    /// call, in a histogram.
    pub fn latency(&self, batch: &mut dyn Batch, iters: u64, count: Count) -> Result<LatencyRecord> {
        let samples = self.samples(batch, iters, count)?;
        let values: Vec<u64> = samples.iter().map(|s| self.per_call_ns(s).max(1.0) as u64).collect();
        results::latency::record(&values, iters)
    }
}

/// The throughput measurement of a workload on `exec`: prepare, a first call, the warm-up of
/// `plan`, then its samples, every call verified against `expected`.
pub fn sample_workload(
    exec: &mut dyn Executor,
    code: &WorkloadCode,
    input: &[u8],
    expected: u64,
    plan: &SamplingPlan,
) -> Result<ThroughputMeasurement> {
    let setup = exec.prepare(code, input)?;
    sample_calls(Sampler::for_executor(exec), setup, executor_batch(exec, expected), plan)
}

/// The throughput measurement of a prepared call's `batch` (calls verified inside it): a first
/// call, the warm-up of `plan`, then its samples; `setup` is what preparing took.
pub fn sample_calls(
    sampler: Sampler,
    setup: SetupTimes,
    mut batch: impl FnMut(u64) -> Result<u64>,
    plan: &SamplingPlan,
) -> Result<ThroughputMeasurement> {
    let first_call_ns = batch(1)?;
    let warmed = sampler.warm_up(&mut batch, WarmUp::of(plan))?;
    let iters = batch_iters(warmed.per_call_ns, plan.sample_target_ms);
    let count = Count { count: plan.samples, min: plan.min_samples, cap_ms: plan.max_cell_ms };
    let samples = sampler.samples(&mut batch, iters, count)?;
    let per_call_ns = sampler.per_call(&samples);
    let summary = stats::summarize(&per_call_ns);
    Ok(ThroughputMeasurement {
        setup,
        first_call_ns,
        warmup_calls: warmed.calls,
        warmup_ns: warmed.ns,
        iters_per_sample: iters,
        capped_by_time: samples.len() < plan.samples,
        verified_calls: 1 + warmed.calls + samples.iter().map(|s| s.iters).sum::<u64>(),
        median_ns_per_call: summary.median.value,
        calibration: Some(sampler.calibration),
        per_call_ns,
        summary: Some(summary),
        samples,
        processes: Vec::new(),
        levels: None,
    })
}

/// What [`under_load`] measured: how many repetitions ran over all threads, each one's time
/// where they were timed, and the seconds the whole load took.
#[derive(Clone, Debug)]
pub struct Load {
    /// Repetitions over all threads.
    pub count: u64,
    /// Each repetition's time, where timed.
    pub times_ns: Vec<u64>,
    /// The seconds the load took.
    pub seconds: f64,
}

impl Load {
    /// Repetitions per second over all threads.
    pub fn per_second(&self) -> f64 {
        self.count as f64 / self.seconds
    }
}

/// Whether [`under_load`] times each repetition (latency under load) or only counts them (a
/// rate, where two clock reads per repetition would be part of what is counted).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Repetitions {
    /// Each repetition timed.
    Timed,
    /// Repetitions counted only.
    Counted,
}

/// Runs `op` on `threads` threads until `duration` has passed (one thread: the calling thread,
/// so a single-threaded runtime can be measured too).
pub fn under_load(
    threads: usize,
    duration: Duration,
    each: Repetitions,
    op: &(dyn Fn() -> Result<()> + Sync),
) -> Result<Load> {
    let cap = Cap { start: Instant::now(), limit: duration };
    let repeat = || -> Result<(u64, Vec<u64>)> {
        let (mut count, mut times) = (0u64, Vec::new());
        while !cap.passed() {
            match each {
                Repetitions::Timed => {
                    let (done, ns) = measurement::measure(&WallClock, op);
                    done?;
                    times.push(ns);
                }
                Repetitions::Counted => op()?,
            }
            count += 1;
        }
        Ok((count, times))
    };
    let per_thread: Vec<(u64, Vec<u64>)> = if threads <= 1 {
        vec![repeat()?]
    } else {
        let joined: Vec<Result<(u64, Vec<u64>)>> = std::thread::scope(|s| {
            let handles: Vec<_> = (0..threads).map(|_| s.spawn(repeat)).collect();
            handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow!("thread panicked")))).collect()
        });
        joined.into_iter().collect::<Result<Vec<_>>>()?
    };
    let seconds = cap.elapsed().as_secs_f64();
    let count = per_thread.iter().map(|(n, _)| n).sum();
    let times_ns = per_thread.into_iter().flat_map(|(_, t)| t).collect();
    Ok(Load { count, times_ns, seconds })
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
            processes: 1,
            slow_processes: None,
        }
    }

    #[test]
    fn a_wrong_answer_mid_run_fails_the_cell() {
        let code = WorkloadCode { name: "x", wasm: &[] };
        let mut exec = Scripted(vec![7, 7, 7, 7, 8], 0);
        let err = sample_workload(&mut exec, &code, &[], 7, &plan()).unwrap_err().to_string();
        assert!(err.contains("wrong answer") && err.contains("0x0000000000000008"), "{err}");
    }

    #[test]
    fn every_call_is_counted_as_verified() {
        let code = WorkloadCode { name: "x", wasm: &[] };
        let mut exec = Scripted(vec![7], 0);
        let m = sample_workload(&mut exec, &code, &[], 7, &plan()).unwrap();
        assert_eq!(m.samples.len(), 3);
        assert_eq!(m.verified_calls, exec.1 as u64);
    }

    #[test]
    fn a_warm_up_meets_every_condition_and_sizes_from_its_fastest_batch() {
        let sampler = Sampler::for_executors();
        // A batch of n calls "takes" 100 ns per call, the first batch 10 000 ns per call.
        let mut made = Vec::new();
        let mut batch = |n: u64| -> Result<u64> {
            made.push(n);
            Ok(if made.len() == 1 { 10_000 * n } else { 100 * n })
        };
        let w = sampler.warm_up(&mut batch, WarmUp { min_calls: 5, min_ms: 0, min_batch_ns: 50_000 }).unwrap();
        assert!(w.calls >= 5, "{w:?}");
        assert_eq!(w.per_call_ns, 100.0);
        // The last batch lasted at least 50 µs: 500 calls or more.
        assert!(*made.last().unwrap() >= 500, "{made:?}");
        assert_eq!(batch_iters(w.per_call_ns, 1), 10_000);
    }

    #[test]
    fn samples_stop_at_the_count_or_after_the_cap_but_not_below_the_minimum() {
        let sampler = Sampler::for_executors();
        let mut batch = |n: u64| -> Result<u64> { Ok(n) };
        let all = sampler.samples(&mut batch, 3, Count { count: 4, min: 1, cap_ms: 10_000 }).unwrap();
        assert_eq!(all.len(), 4);
        let mut slow = |n: u64| -> Result<u64> {
            std::thread::sleep(Duration::from_millis(3));
            Ok(n)
        };
        let capped = sampler.samples(&mut slow, 1, Count { count: 1000, min: 2, cap_ms: 1 }).unwrap();
        assert_eq!(capped.len(), 2);
    }

    #[test]
    fn a_load_on_two_threads_times_every_repetition() {
        let load = under_load(2, Duration::from_millis(20), Repetitions::Timed, &|| Ok(())).unwrap();
        assert!(load.times_ns.len() > 10 && load.seconds >= 0.02, "{load:?}");
        assert_eq!(load.count, load.times_ns.len() as u64);
        let counted = under_load(2, Duration::from_millis(5), Repetitions::Counted, &|| Ok(())).unwrap();
        assert!(counted.count > 10 && counted.times_ns.is_empty(), "{counted:?}");
        let err = under_load(1, Duration::from_millis(5), Repetitions::Timed, &|| anyhow::bail!("no")).unwrap_err();
        assert_eq!(err.to_string(), "no");
    }
}
