//! The `latency` scenario: per-call latency of every workload in an HdrHistogram (p50, p90,
//! p99, p99.9, max; the histogram is saved). Workload calls last microseconds or more, so each
//! is timed on its own with the clock's cost subtracted (the sampler's latency values). The call-overhead benchmarks' latency
//! (mean call of small batches) is recorded by the call-overhead cell of the same engine.
use crate::executor::{Executor, WorkloadCode};
use crate::sampler::{Count, Sampler, WarmUp, executor_batch};
use crate::scenario::{
    DriverCell, Outcome, PROCESS_MS, PlannedCell, ProcessOutcome, RunPlan, Scenario, WorkloadTask, verdict,
};
use crate::summary::View;
use anyhow::Result;
use comfy_table::{Cell as TableCell, CellAlignment};
use results::format::{fmt_ns, new_table};
use results::ids;
use results::latency::LatencyRecord;
use results::plans::LatencyPlan;
use results::{CellStatus, LatencyCell, LatencySection, ResultsFile};

/// The `latency` scenario.
pub struct Latency;

impl Scenario for Latency {
    fn name(&self) -> &'static str {
        ids::LATENCY
    }

    fn about(&self) -> &'static str {
        "per-call latency percentiles (HdrHistogram) of every workload and call-overhead benchmark"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.latency = Some(LatencySection::default());
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        let plan = run.profile.latency.clone().expect("profiles define every plan");
        let estimate = PROCESS_MS + plan.warmup_ms + plan.max_ms;
        WorkloadTask::plan_in_rounds(self.name(), run, &plan, estimate, |_| plan.processes)
    }

    /// The processes' histograms merged, p50 and p99 taken across processes.
    fn combine(&self, _cell: &PlannedCell, runs: Vec<ProcessOutcome>) -> Outcome {
        let (measured, wall_ms) = match crate::rounds::decode_all::<LatencyRecord>(&runs) {
            Ok(m) => m,
            Err(outcome) => return outcome,
        };
        let records: Vec<&LatencyRecord> = measured.iter().map(|(_, r)| r).collect();
        match results::latency::merge(&records) {
            Ok(merged) => crate::rounds::done(&merged, wall_ms),
            Err(e) => Outcome::Failed { error: format!("{e:#}"), wall_ms },
        }
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let task: WorkloadTask<LatencyPlan> = serde_json::from_value(cell.clone())?;
        let (wasm, input) = task.workload.inputs()?;
        let code = WorkloadCode { name: &task.workload.workload, wasm: &wasm };
        let mut exec = task.executor(ctx.subject);
        let expected = task.expected_or_refuse(exec.as_mut(), &code, &input)?;
        Ok(serde_json::to_value(measure_latency(exec.as_mut(), &code, &input, expected, &task.plan)?)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let (status, error, record) = outcome.settle::<LatencyRecord>();
        let task: WorkloadTask<LatencyPlan> = cell.cell().expect("planned by this scenario");
        let text = verdict(status, &error, || {
            let r = record.as_ref().expect("ok has a record");
            format!("p50 {} p99 {}", fmt_ns(r.p50_ns as f64), fmt_ns(r.p99_ns as f64))
        });
        results.scenarios.latency.get_or_insert_with(LatencySection::default).cells.push(LatencyCell {
            engine: cell.subject.clone(),
            kind: "workload".into(),
            target: task.workload.workload,
            size: task.workload.size,
            status,
            error,
            record,
        });
        (status, text)
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        let rows = view.rows(ids::LATENCY, "p50");
        if rows.is_empty() {
            return vec![];
        }
        // The floor (an empty call) and the first workload.
        let mut targets: Vec<String> = rows.iter().filter(|r| r.as_str() == "empty typed").cloned().collect();
        targets.extend(rows.iter().find(|r| r.contains('/')).cloned());
        let mut header = vec!["engine".to_string()];
        header.extend(targets.iter().map(|t| format!("{t} p50 / p99 / p99.9")));
        let mut table = new_table(header);
        for engine in view.engines_in(ids::LATENCY) {
            let mut row = vec![TableCell::new(&engine)];
            for t in &targets {
                let q = |m: &str| view.find(ids::LATENCY, t, &engine, m).map(|c| fmt_ns(c.value));
                let text = match (q("p50"), q("p99"), q("p99.9")) {
                    (Some(a), Some(b), Some(c)) => format!("{a} / {b} / {c}"),
                    _ => view.missing(ids::LATENCY, t, &engine),
                };
                row.push(TableCell::new(text).set_alignment(CellAlignment::Right));
            }
            table.add_row(row);
        }
        vec![format!(
            "Latency percentiles (HdrHistogram; call-overhead values are per-call means of small batches):\n{table}"
        )]
    }
}

/// Per-call latency of a prepared workload: a warm-up of `warmup_ms`, then every call timed
/// on its own (workload calls last microseconds or more, so the clock, whose cost is
/// subtracted, stays a small part) and verified, then recorded in an HdrHistogram.
pub fn measure_latency(
    exec: &mut dyn Executor,
    code: &WorkloadCode,
    input: &[u8],
    expected: u64,
    plan: &LatencyPlan,
) -> Result<LatencyRecord> {
    exec.prepare(code, input)?;
    let sampler = Sampler::for_executor(exec);
    let mut batch = executor_batch(exec, expected);
    sampler.warm_up(&mut batch, WarmUp { min_calls: 1, min_ms: plan.warmup_ms, min_batch_ns: 0 })?;
    sampler.latency(&mut batch, 1, Count { count: plan.calls as usize, min: 10, cap_ms: plan.max_ms })
}
