//! The `instructions` scenario (`run --measure instructions`): instructions executed per call
//! of every workload, counted under Valgrind, a measure that does not depend on the clock, the
//! machine's load or its drift, so a CI gate can resolve a 1% change on a shared runner.
//!
//! Each cell is one driver process started under Valgrind's callgrind tool from the
//! orchestrator. In the driver ([`Scenario::measure`]) the workload is compiled, instantiated
//! and warmed up, then called in `regions` counted regions of `calls` verified calls each
//! (what is counted and how: [`crate::measurement::instructions`]). Every region gives one
//! sample: the instructions of the region divided by its calls. The samples of a cell differ
//! only by what the runtime does differently from one call to the next (allocator state,
//! lazily compiled functions in the first region: the warm-up takes those).
//!
//! Configurations that cannot run under Valgrind say why in the subject registry
//! (`no_instruction_counts`) and get an "unsupported" cell with that reason.
use crate::executor::export_call::ExportCallExecutor;
use crate::executor::{Executor, WorkloadCode};
use crate::measurement::instructions::{Measurement, count, run_regions};
use crate::scenario::{
    DriverCell, Orchestrator, Outcome, PROCESS_MS, PlannedCell, RunPlan, Scenario, WorkloadTask, begin_generic,
    record_generic,
};
use crate::summary::View;
use anyhow::{Result, anyhow};
use protocol::{MeasureRequest, Request};
use results::generic::Figure;
use results::ids;
use results::plans::ProfileName;
use results::{CellStatus, ResultsFile};
use serde::{Deserialize, Serialize};

/// The `instructions` scenario.
pub struct Instructions;

const NAME: &str = ids::INSTRUCTIONS;

pub use crate::measurement::instructions::CountPlan;

/// The plan of a profile: 5 regions (quick) or 10 (full), 3 calls each.
pub fn plan_for(profile: ProfileName) -> CountPlan {
    let regions = match profile {
        ProfileName::Quick => 5,
        ProfileName::Full => 10,
    };
    CountPlan { warmup_calls: 3, calls: 3, regions }
}

/// A cell: a workload task, or the reason its subject cannot be counted.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    task: WorkloadTask<CountPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    unsupported: Option<String>,
}

/// One export of a user's module, counted (the paired gate's `--measure instructions`): every
/// call must repeat the first call's answer.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportTarget {
    /// The user's module.
    pub wasm_path: std::path::PathBuf,
    /// The export counted.
    pub export: String,
    /// Its arguments.
    pub args: Vec<results::Val>,
    /// Its result types.
    pub result_types: Vec<results::ValType>,
    /// How it is counted.
    pub plan: CountPlan,
}

/// What the in-driver half is asked to count.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "target", rename_all = "kebab-case")]
enum Target {
    Workload(Cell),
    Export(ExportTarget),
}

/// The request that counts `target` on `subject` (sent under [`valgrind_command`]).
pub fn export_request(subject: &str, options: &results::EngineOptions, target: &ExportTarget) -> Result<Request> {
    request(subject, options, Target::Export(target.clone()))
}

/// The in-driver half's request for `target`.
fn request(subject: &str, options: &results::EngineOptions, target: Target) -> Result<Request> {
    Ok(Request::Measure(MeasureRequest {
        scenario: NAME.to_string(),
        subject: subject.to_string(),
        options: options.clone(),
        cell: serde_json::to_value(target)?,
    }))
}

impl Scenario for Instructions {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "instructions per call of every workload, counted under Valgrind (callgrind): clock-free figures for CI gates (`--measure instructions`; not in the default set)"
    }

    fn default_on(&self) -> bool {
        false
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(NAME) {
            begin_generic(results, NAME, serde_json::to_value(plan_for(run.profile.name)).unwrap_or_default());
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        // Under Valgrind a driver runs about 50 times slower: a few seconds per cell.
        let mut cells = WorkloadTask::plan_all(NAME, run, &plan_for(run.profile.name), PROCESS_MS * 10)?;
        for c in &mut cells {
            let task: WorkloadTask<CountPlan> = c.cell()?;
            let caps = run.subjects.iter().find(|s| s.id == c.subject).and_then(|s| s.capabilities.clone());
            let unsupported = caps.and_then(|c| c.no_instruction_counts);
            c.cell = serde_json::to_value(Cell { task, unsupported })?;
            c.place = crate::scenario::Place::Orchestrator;
        }
        Ok(cells)
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let side = match serde_json::from_value(cell.clone())? {
            Target::Workload(Cell { task, .. }) => {
                let (wasm, input) = task.workload.inputs()?;
                let code = WorkloadCode { name: &task.workload.workload, wasm: &wasm };
                let mut exec = ctx.subject.executor();
                let expected = task.expected_or_refuse(exec.as_mut(), &code, &input)?;
                exec.prepare(&code, &input)?;
                run_regions(exec.as_mut(), expected, &task.plan)?
            }
            Target::Export(t) => {
                let wasm = wat::parse_file(&t.wasm_path)
                    .map_err(|e| anyhow!("malformed module {}: {e}", t.wasm_path.display()))?;
                let engine = (ctx.rebuild)(ctx.options)?.into_engine()?;
                let mut exec = ExportCallExecutor::new(engine, &t.export, t.args.clone(), t.result_types.clone());
                exec.prepare(&WorkloadCode { name: &t.export, wasm: &wasm }, &[])?;
                // The first call fixes the answer every counted call must repeat.
                let expected = exec.call()?;
                run_regions(&mut exec, expected, &t.plan)?
            }
        };
        Ok(serde_json::to_value(side)?)
    }

    fn measure_here(&self, planned: &PlannedCell, orch: &dyn Orchestrator) -> Result<serde_json::Value> {
        let cell: Cell = planned.cell()?;
        if cell.unsupported.is_some() {
            // Recorded as unsupported, with the registry's reason (see `record`).
            return Ok(serde_json::Value::Null);
        }
        let dir = orch.scratch().join(format!("callgrind-{}", planned.label.replace([' ', '/', '@', '(', ')'], "_")));
        let request = request(&planned.subject, &planned.options, Target::Workload(cell))?;
        let m = count(&dir, |wrapper| orch.call_wrapped(&planned.subject, wrapper, &request, orch.timeout() * 20))?;
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let planned: Option<Cell> = cell.cell().ok();
        let (workload, size) =
            planned.as_ref().map(|c| (c.task.workload.workload.clone(), c.task.workload.size)).unwrap_or_default();
        let outcome = match planned.and_then(|c| c.unsupported) {
            Some(why) => Outcome::Unsupported(format!("no instruction counts: {why}")),
            None => outcome,
        };
        record_generic(results, NAME, cell, &workload, size, outcome, |m: &Measurement| {
            let mut f = Figure::from_samples("instructions_per_call", "instructions", m.per_call.clone());
            f.note = format!("callgrind, {} regions of {} calls", m.per_call.len(), m.calls_per_region);
            vec![f]
        })
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        if view.engines_in(NAME).is_empty() {
            return vec![];
        }
        let table = view.matrix(NAME, "instructions_per_call", |c| match c.ci95 {
            Some((lo, hi)) if c.value > 0.0 => format!("{:.0} (±{:.3}%)", c.value, (hi - lo) / 2.0 / c.value * 100.0),
            _ => format!("{:.0}", c.value),
        });
        vec![format!(
            "Instructions per call (callgrind; median of the regions, ± half its 95% interval); every call verified:\n{table}"
        )]
    }
}
