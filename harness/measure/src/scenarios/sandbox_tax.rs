//! The `sandbox-tax` scenario: what switching a resource limit on costs a workload's
//! throughput. For each configuration and each limit its capabilities declare (instruction
//! counting = fuel or metering, epoch interruption, explicit bounds checks instead of guard
//! pages), the same
//! workload runs on the configuration without limits and with the limit, in the same driver,
//! in alternating rounds (so drift hits both sides alike); the figure is the ratio of median
//! times per call with a bootstrap 95% interval. Every call is verified on both sides.
use crate::engine::{Engine, EngineOptions, Limits};
use crate::executor::{Executor, WorkloadCode, wasm::WasmExecutor};
use crate::sampler::{Count, Sampler, WarmUp, batch_iters, executor_batch};
use crate::scenario::{
    DriverCell, Outcome, PROCESS_MS, PlannedCell, RunPlan, Scenario, WorkloadCell, WorkloadTask, verdict,
};
use crate::summary::View;
use anyhow::Result;
use results::format::{fmt_estimate, new_table};
use results::ids;
use results::manifest::ModuleKind;
use results::measurements::TaxMeasurement;
use results::plans::TaxPlan;
use results::{CellStatus, ResultsFile, SandboxTaxCell, SandboxTaxSection, Size};
use serde::{Deserialize, Serialize};

/// The `sandbox-tax` scenario.
pub struct SandboxTax;

/// One workload on one engine, without and with one limit.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    task: WorkloadTask<TaxPlan>,
    limits: Limits,
}

impl Scenario for SandboxTax {
    fn name(&self) -> &'static str {
        ids::SANDBOX_TAX
    }

    fn about(&self) -> &'static str {
        "what fuel/metering, epochs and explicit bounds checks cost each workload (ratio with / without)"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.sandbox_tax = Some(SandboxTaxSection::default());
        }
    }

    /// Every selected Rust workload at every size on every subject, once per limit it declares;
    /// when the plan names workloads, only those of them that are selected (or, when none of
    /// them is, the selected ones: `--workloads` always gets a tax).
    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        let Some(plan) = run.profile.sandbox_tax.clone().filter(|_| run.is_selected(self.name())) else {
            return Ok(vec![]);
        };
        let estimate = PROCESS_MS
            + 1_000
            + 2 * (plan.warmup_ms + plan.rounds as u64 * plan.samples_per_round as u64 * plan.sample_target_ms);
        let mut cells = Vec::new();
        let rust: Vec<_> = run.workloads.iter().filter(|m| m.kind == ModuleKind::RustWorkload).collect();
        let named: Vec<_> = rust.iter().copied().filter(|m| plan.workloads.contains(&m.name)).collect();
        for m in if named.is_empty() { rust } else { named } {
            for size in &run.profile.sizes {
                for subject in &run.subjects {
                    let declared = subject.capabilities.as_ref().map(|c| c.limits).unwrap_or_default();
                    for limits in declared.each() {
                        let task = WorkloadTask {
                            workload: WorkloadCell::of(run, m, Some(*size))?,
                            plan: plan.clone(),
                            artifact: None,
                        };
                        let label = task.workload.label(&format!("sandbox-tax {}", limits.label()), &subject.id);
                        let cell = Cell { task, limits };
                        cells.push(PlannedCell::new(self.name(), label, &subject.id, run.options, estimate, &cell)?);
                    }
                }
            }
        }
        Ok(cells)
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: Cell = serde_json::from_value(cell.clone())?;
        let (wasm, input) = cell.task.workload.inputs()?;
        let code = WorkloadCode { name: &cell.task.workload.workload, wasm: &wasm };
        let limited = (ctx.rebuild)(&EngineOptions { limits: cell.limits, ..ctx.options.clone() })?;
        let expected = cell.task.workload.expected()?;
        let m =
            measure(ctx.subject.engine()?, limited.engine()?, cell.limits, &code, &input, expected, &cell.task.plan)?;
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let c: Cell = cell.cell().expect("planned by this scenario");
        let wall_ms = outcome.wall_ms();
        let (status, error, m) = outcome.settle::<TaxMeasurement>();
        let text = verdict(status, &error, || format!("x{:.3}", m.as_ref().expect("ok").ratio.value));
        results.scenarios.sandbox_tax.get_or_insert_with(SandboxTaxSection::default).cells.push(SandboxTaxCell {
            workload: c.task.workload.workload,
            size: c.task.workload.size.unwrap_or(Size::Small),
            engine: cell.subject.clone(),
            limit: c.limits.label(),
            status,
            error,
            measurement: m,
            wall_ms,
        });
        (status, text)
    }

    fn summarize(&self, results: &ResultsFile, _view: &View) -> Vec<String> {
        let Some(section) = &results.scenarios.sandbox_tax else { return vec![] };
        let mut t = new_table(
            ["engine", "limit", "size", "workloads", "time with / without (geomean, 95% CI)"]
                .map(String::from)
                .to_vec(),
        );
        for g in section.geomeans() {
            t.add_row(vec![
                comfy_table::Cell::new(&g.engine),
                comfy_table::Cell::new(&g.limit),
                comfy_table::Cell::new(g.size.name()),
                comfy_table::Cell::new(g.workloads),
                comfy_table::Cell::new(fmt_estimate(&g.ratio, |v| format!("{v:.3}")))
                    .set_alignment(comfy_table::CellAlignment::Right),
            ]);
        }
        vec![format!("Sandbox tax: time per call with the limit on / without, geometric mean over the workloads:\n{t}")]
    }
}

/// The same workload without and with `limits`, warmed up and sampled in alternating rounds.
pub fn measure(
    without: &dyn Engine,
    with: &dyn Engine,
    limits: Limits,
    code: &WorkloadCode,
    input: &[u8],
    expected: u64,
    plan: &TaxPlan,
) -> Result<TaxMeasurement> {
    let mut sides = [WasmExecutor::new(without), WasmExecutor::new(with)];
    let sampler = Sampler::for_executors();
    let mut verified = 0;
    // Prepare and warm up both sides; size each side's batches from its own warm-up.
    let mut iters = [0u64; 2];
    for (i, exec) in sides.iter_mut().enumerate() {
        exec.prepare(code, input)?;
        let w = WarmUp { min_calls: 3, min_ms: plan.warmup_ms, min_batch_ns: 0 };
        let warmed = sampler.warm_up(&mut executor_batch(exec, expected), w)?;
        iters[i] = batch_iters(warmed.per_call_ns, plan.sample_target_ms);
        verified += warmed.calls;
    }
    let mut per_side: [Vec<f64>; 2] = Default::default();
    let round = Count { count: plan.samples_per_round.max(1), min: plan.samples_per_round.max(1), cap_ms: 0 };
    for _ in 0..plan.rounds.max(1) {
        for (i, exec) in sides.iter_mut().enumerate() {
            let samples = sampler.samples(&mut executor_batch(exec, expected), iters[i], round)?;
            verified += samples.iter().map(|s| s.iters).sum::<u64>();
            per_side[i].extend(sampler.per_call(&samples));
        }
    }
    let [without_ns, with_ns] = per_side;
    Ok(TaxMeasurement {
        limit: limits.label(),
        ratio: stats::ratio_of_medians(&with_ns, &without_ns),
        without_ns,
        with_ns,
        verified_calls: verified,
    })
}
