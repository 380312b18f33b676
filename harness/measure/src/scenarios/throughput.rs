//! The `throughput` scenario: steady-state time per call of a prepared workload, after an
//! explicit warm-up, in repeated samples. Every call's answer is compared with the native
//! checksum; one wrong answer fails the cell, so a cell never yields a number for a wrong result.
//!
//! A sample times a batch of calls (the batch size is chosen from the warm-up so one sample
//! lasts about `sample_target_ms`), which keeps timer cost far under 1% of what is measured.
//! The clock and the empty-loop cost of this very loop are calibrated in the driver and
//! subtracted; the raw samples are kept beside the corrected per-call figures and their summary.
//! After the run, every cell's ratio to `native` and each engine's geometric mean of ratios are
//! worked out from the samples in the file. Sampling is the one sampler's
//! ([`crate::sampler::sample_workload`]).
use crate::executor::WorkloadCode;
use crate::rounds::Series;
use crate::scenario::{
    DriverCell, Outcome, PROCESS_MS, PlannedCell, ProcessOutcome, RunPlan, Scenario, WorkloadTask, verdict,
};
use crate::summary::View;
use anyhow::Result;
use results::format::{fmt_estimate, fmt_ns, new_table};
use results::ids;
use results::measurements::ThroughputMeasurement;
use results::plans::SamplingPlan;
use results::{CellStatus, ExecutionKind, ResultsFile, ThroughputCell, ThroughputSection};

/// The `throughput` scenario.
pub struct Throughput;

impl Scenario for Throughput {
    fn name(&self) -> &'static str {
        ids::THROUGHPUT
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
        Ok(serde_json::to_value(crate::sampler::sample_workload(exec.as_mut(), &code, &input, expected, &task.plan)?)?)
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
    }

    fn summarize(&self, results: &ResultsFile, view: &View) -> Vec<String> {
        let Some(t) = &results.scenarios.throughput else { return vec![] };
        let table = view.matrix(ids::THROUGHPUT, "time_per_call", |c| {
            match view.find(ids::THROUGHPUT, &c.workload, &c.engine, "ratio_to_native") {
                Some(r) => format!("{} x{:.2}", fmt_ns(c.value), r.value),
                None => fmt_ns(c.value),
            }
        });
        let mut out = vec![format!(
            "Throughput: time per call (x ratio to native; measured in rounds: geometric mean of the processes' medians); every call verified against the native answer\n{table}\n{}",
            view.noise(ids::THROUGHPUT, "time_per_call")
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
