//! The `throughput` scenario: steady-state time per call of a prepared workload, after an
//! explicit warm-up, in repeated samples. Every call's answer is compared with the native
//! checksum; one wrong answer fails the cell, so a cell never yields a number for a wrong result.
//!
//! A sample times a batch of calls (the batch size is chosen from the warm-up so one sample
//! lasts about `sample_target_ms`), which keeps timer cost far under 1% of what is measured.
//! The clock and the empty-loop cost of this very loop are calibrated in the driver and
//! subtracted; the raw samples are kept beside the corrected per-call figures and their summary.
//! After the run, every cell's ratio to `native` and each engine's geometric mean of ratios are
//! worked out from the samples in the file. The sampler ([`measure`], [`warm_up`],
//! [`timed_batch`]) is shared with latency, sandbox tax, bring-your-own and the paired gate.
use crate::calibration::{self, Calibration};
use crate::executor::{Executor, SetupTimes, WorkloadCode};
use crate::rounds::Series;
use crate::scenario::{
    DriverCell, Outcome, PROCESS_MS, PlannedCell, ProcessOutcome, RunPlan, Scenario, WorkloadTask, verdict,
};
use crate::summary::View;
use anyhow::Result;
use results::format::{fmt_estimate, fmt_ns, new_table};
use results::measurements::{Sample, ThroughputMeasurement};
use results::plans::SamplingPlan;
use results::{CellStatus, ExecutionKind, ResultsFile, ThroughputCell, ThroughputSection};
use std::hint::black_box;
use std::time::{Duration, Instant};

pub struct Throughput;

impl Scenario for Throughput {
    fn name(&self) -> &'static str {
        "throughput"
    }

    fn about(&self) -> &'static str {
        "steady-state time per call of every workload, ratio to native with its interval"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.throughput =
                Some(ThroughputSection { cells: vec![], engine_geomeans: vec![], virtual_best: vec![] });
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        let plan = &run.profile.throughput;
        let estimate =
            PROCESS_MS + plan.warmup_ms + plan.max_cell_ms.min(plan.samples as u64 * plan.sample_target_ms * 2);
        // The interpreters and JS engines take `slow_processes` where the plan has it.
        let processes = |c: &results::Capabilities| match (plan.slow_processes, c.execution) {
            (Some(k), Some(ExecutionKind::Interpreter | ExecutionKind::JsEngine)) => k.min(plan.processes),
            _ => plan.processes,
        };
        WorkloadTask::plan_in_rounds(self.name(), run, plan, estimate, processes)
    }

    fn combine(&self, _cell: &PlannedCell, runs: Vec<ProcessOutcome>) -> Outcome {
        combine_runs(runs)
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let task: WorkloadTask<SamplingPlan> = serde_json::from_value(cell.clone())?;
        let (wasm, input) = task.workload.inputs()?;
        let code = WorkloadCode { name: &task.workload.workload, wasm: &wasm };
        let mut exec = task.executor(ctx.subject);
        let expected = task.expected_or_refuse(exec.as_mut(), &code, &input)?;
        Ok(serde_json::to_value(measure(exec.as_mut(), &code, &input, expected, &task.plan)?)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let wall_ms = outcome.wall_ms();
        let (status, error, measurement) = outcome.settle::<ThroughputMeasurement>();
        let task: WorkloadTask<SamplingPlan> = cell.cell().expect("planned by this scenario");
        let text = verdict(status, &error, || {
            let m = measurement.as_ref().expect("ok has a measurement");
            let across = match &m.levels {
                Some(l) => format!(", {}", results::cells::processes_note(&m.processes, l)),
                None => String::new(),
            };
            format!("{} per call ({} calls verified{across})", fmt_ns(m.median_ns_per_call), m.verified_calls)
        });
        results
            .scenarios
            .throughput
            .get_or_insert_with(|| ThroughputSection { cells: vec![], engine_geomeans: vec![], virtual_best: vec![] })
            .cells
            .push(ThroughputCell {
                workload: task.workload.workload,
                size: task.workload.size,
                engine: cell.subject.clone(),
                status,
                error,
                expected_checksum: task.workload.expected_checksum,
                measurement,
                wall_ms,
                ratio_to_native: None,
                ratio_to_best: None,
            });
        (status, text)
    }

    fn finish(&self, results: &mut ResultsFile) {
        results.analyze();
        results::virtual_best::analyze_file(results);
    }

    fn summarize(&self, results: &ResultsFile, view: &View) -> Vec<String> {
        let Some(t) = &results.scenarios.throughput else { return vec![] };
        let table = view.matrix("throughput", "time_per_call", |c| {
            match view.find("throughput", &c.workload, &c.engine, "ratio_to_native") {
                Some(r) => format!("{} x{:.2}", fmt_ns(c.value), r.value),
                None => fmt_ns(c.value),
            }
        });
        let mut out = vec![format!(
            "Throughput: time per call (x ratio to native; measured in rounds: geometric mean of the processes' medians); every call verified against the native answer\n{table}\n{}",
            view.noise("throughput", "time_per_call")
        )];
        if !t.engine_geomeans.is_empty() {
            let mut g = new_table(vec![
                "engine".into(),
                "size".into(),
                "workloads".into(),
                "geomean ratio to native [95% CI]".into(),
            ]);
            for e in &t.engine_geomeans {
                g.add_row(vec![
                    e.engine.clone(),
                    e.size.map(|s| s.name().to_string()).unwrap_or_default(),
                    e.workloads.to_string(),
                    fmt_estimate(&e.ratio, |v| format!("x{v:.3}")),
                ]);
            }
            let method = if results.schedule.is_some() {
                "95% interval across rounds (t over the per-round geomeans)"
            } else {
                "bootstrap 95% interval"
            };
            out.push(format!("Geometric mean over the corpus of each engine's ratio to native, {method}:\n{g}"));
        }
        out
    }
}

/// Times `iters` verified calls: the loop every throughput sample runs (and calibration too).
pub fn timed_batch(exec: &mut dyn Executor, expected: u64, iters: u64) -> Result<u64> {
    exec.timed_calls(iters, expected)
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

/// One call, its answer checked against the native one.
pub fn checked_call(exec: &mut dyn Executor, expected: u64) -> Result<()> {
    crate::engine::check_answer(black_box(exec.call()?), expected)
}

/// Explicit warm-up: verified calls until at least `min_calls` were made and they took
/// `min_ms`; returns the calls made and the nanoseconds they took. Calls go in timed batches
/// that double (never past the time left, as far as the calls so far tell), so an executor
/// that times its batches in another process is not asked once per call.
pub fn warm_up(exec: &mut dyn Executor, expected: u64, min_calls: u64, min_ms: u64) -> Result<(u64, u64)> {
    let budget_ns = min_ms.saturating_mul(1_000_000);
    let (mut calls, mut ns, mut batch) = (0u64, 0u64, 1u64);
    while calls < min_calls || ns < budget_ns {
        ns += timed_batch(exec, expected, batch)?;
        calls += batch;
        let per_call = (ns / calls).max(1);
        let left = budget_ns.saturating_sub(ns) / per_call;
        batch = (batch * 2).min(left.max(min_calls.saturating_sub(calls))).max(1);
    }
    Ok((calls, ns))
}

/// Calls per timed batch so that a batch lasts about `target_ms`, from a warm-up of `calls`
/// calls in `ns` nanoseconds (at least one call).
pub fn batch_iters(calls: u64, ns: u64, target_ms: u64) -> u64 {
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

    let first_call_ns = timed_batch(exec, expected, 1)?;
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
        processes: Vec::new(),
        levels: None,
    })
}

/// [`Scenario::combine`] for throughput: the processes' sample series pooled
/// ([`crate::rounds::pool_series`]); setup times, first call and calibration are the first
/// process's (the later ones load the artifact the first one compiled).
pub fn combine_runs(runs: Vec<ProcessOutcome>) -> Outcome {
    let (measured, wall_ms) = match crate::rounds::decode_all::<ThroughputMeasurement>(&runs) {
        Ok(m) => m,
        Err(outcome) => return outcome,
    };
    let series: Vec<Series> = measured
        .iter()
        .map(|(run, m)| Series {
            run,
            per_call_ns: &m.per_call_ns,
            samples: &m.samples,
            verified_calls: m.verified_calls,
        })
        .collect();
    let pooled = crate::rounds::pool_series(&series);
    let first = &measured[0].1;
    let sum = |f: fn(&ThroughputMeasurement) -> u64| measured.iter().map(|(_, m)| f(m)).sum::<u64>();
    let m = ThroughputMeasurement {
        setup: first.setup.clone(),
        first_call_ns: first.first_call_ns,
        warmup_calls: sum(|m| m.warmup_calls),
        warmup_ns: sum(|m| m.warmup_ns),
        iters_per_sample: first.iters_per_sample,
        capped_by_time: measured.iter().any(|(_, m)| m.capped_by_time),
        verified_calls: sum(|m| m.verified_calls),
        median_ns_per_call: pooled.estimate().value,
        calibration: first.calibration,
        per_call_ns: pooled.per_call_ns,
        summary: Some(pooled.summary),
        samples: pooled.samples,
        processes: pooled.processes,
        levels: pooled.levels,
    };
    crate::rounds::done(&m, wall_ms)
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
