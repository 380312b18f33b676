//! The `wasi-programs` scenario: the corpus's WASI programs (Rust, C, JavaScript on QuickJS,
//! SQLite; see `corpus build`) run as commands on every configuration with a WASI layer and as
//! their native twins. Per cell: `runs` runs, each in a fresh copy of the program's data
//! directory; every run's exit code, stdout and written files must equal what the native twin
//! produced when the corpus was built (a run that differs fails the cell: no number comes from a
//! wrong answer). Figures: compile (from bytes, once per cell), artifact load where the
//! configuration has one, instantiate and run `_start` (per run); for the native twin, the whole
//! process from spawn to exit (so its `run` includes exec, about a millisecond, and wasm's does
//! not). Compile time against module size, per configuration, is read from these cells and the
//! cold-start cells.
use crate::programs::{Program, check, takes_part};
use crate::scenario::{
    Orchestrator, Outcome, PROCESS_MS, PlannedCell, RunPlan, Scenario, begin_generic, record_generic,
};
use crate::summary::View;
use results::ids;

use crate::wasi_files::{PhasesNs, PreparedRuns, RunTemplate, digest_tree};
use anyhow::{Result, anyhow, bail};
use results::format::fmt_ns;
use results::generic::Figure;
use results::plans::ProfileName;
use results::{CellStatus, ResultsFile};
use serde::{Deserialize, Serialize};

/// The `wasi-programs` scenario.
pub struct WasiPrograms;

const NAME: &str = ids::WASI_PROGRAMS;

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    program: Program,
    runs: usize,
    /// The subject is the native baseline: run the native twin.
    native: bool,
}

/// The measurement of one cell: every run's phases.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Measurement {
    /// The module's size.
    pub module_bytes: u64,
    /// The native twin: `run` is its whole process.
    pub process: bool,
    /// Every run's phases.
    pub runs: Vec<PhasesNs>,
    /// Compiled once, before the first run.
    pub compile_ns: Option<u64>,
}

fn runs_for(profile: ProfileName) -> usize {
    match profile {
        ProfileName::Quick => 3,
        ProfileName::Full => 6,
    }
}

impl Scenario for WasiPrograms {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "the corpus's WASI programs (Rust, C, SQLite, JavaScript on QuickJS) as commands, checked against their native twins: compile, instantiate, run"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(NAME) {
            begin_generic(results, NAME, serde_json::json!({ "runs": runs_for(run.profile.name) }));
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        if !run.is_selected(NAME) {
            return Ok(vec![]);
        }
        let mut cells = Vec::new();
        for program in Program::all_in(run)? {
            for s in &run.subjects {
                let Some(native) = takes_part(s) else { continue };
                let cell = Cell { program: program.clone(), runs: runs_for(run.profile.name), native };
                let label = format!("{NAME} {} on {}", program.name, s.id);
                let mut planned = PlannedCell::new(NAME, label, &s.id, run.options, PROCESS_MS + 4_000, &cell)?;
                planned.place = crate::scenario::Place::Orchestrator;
                cells.push(planned);
            }
        }
        Ok(cells)
    }

    fn measure(&self, _ctx: &crate::scenario::DriverCell, _cell: &serde_json::Value) -> Result<serde_json::Value> {
        bail!("{NAME} runs its programs from the orchestrator")
    }

    fn measure_here(&self, planned: &PlannedCell, orch: &dyn Orchestrator) -> Result<serde_json::Value> {
        let cell: Cell = planned.cell()?;
        let p = &cell.program;
        let base = orch.scratch().join(format!("{NAME}-{}-{}", p.name, planned.subject.replace(['@', '/'], "_")));
        let before = digest_tree(&p.data_dir)?;
        let args = vec![p.args.clone(); cell.runs.max(1)];
        let template = RunTemplate::one_dir(&format!("{}.wasm", p.name), Some(&p.data_dir), &p.guest_dir, &before);
        let prepared = PreparedRuns::new(&base, &template, args)?;
        let observed = if cell.native {
            prepared.run_native(&p.native)?
        } else {
            prepared.run_wasm(orch, &planned.subject, &p.wasm, &p.features, p.timeout(orch.timeout()))?
        };
        let mut runs = Vec::new();
        for (i, (o, phases)) in observed.iter().enumerate() {
            check(o, &p.expected, &format!("run {}", i + 1))?;
            runs.push(phases.ok_or_else(|| anyhow!("run {} has no timings", i + 1))?);
        }
        let _ = std::fs::remove_dir_all(&base);
        let compile_ns = (!cell.native).then(|| runs.first().map(|r| r.compile)).flatten();
        Ok(serde_json::to_value(Measurement { module_bytes: p.module_bytes, process: cell.native, runs, compile_ns })?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let program = cell.cell::<Cell>().map(|c| c.program.name).unwrap_or_default();
        record_generic(results, NAME, cell, &program, None, outcome, |m: &Measurement| figures(m))
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        if view.engines_in(NAME).is_empty() {
            return vec![];
        }
        let run = view.matrix(NAME, "run", |c| fmt_ns(c.value));
        let compile = view.matrix(NAME, "compile", |c| fmt_ns(c.value));
        vec![
            format!(
                "WASI programs: median time of one run (_start; the native twin: its whole process), every run checked against the native twin's output:\n{run}"
            ),
            format!("WASI programs: compile from bytes:\n{compile}"),
        ]
    }
}

/// The figures of a cell: `run` (every configuration, and the native twin's process), and for
/// WebAssembly `compile` (one per cell), `artifact_load` and `instantiate`.
fn figures(m: &Measurement) -> Vec<Figure> {
    let of = |f: fn(&PhasesNs) -> u64| m.runs.iter().map(|r| f(r) as f64).collect::<Vec<f64>>();
    let mut run = Figure::from_samples("run", "ns", of(|r| r.run));
    if m.process {
        run.note = "native twin: the whole process, spawn to exit".into();
        return vec![run];
    }
    let mut out = vec![run];
    if let Some(c) = m.compile_ns {
        let mut f = Figure::from_samples("compile", "ns", vec![c as f64]);
        f.note = format!("one compile of {} bytes", m.module_bytes);
        out.push(f);
    }
    let loads: Vec<f64> = m.runs.iter().filter_map(|r| r.artifact_load.map(|v| v as f64)).take(1).collect();
    if !loads.is_empty() {
        out.push(Figure::from_samples("artifact_load", "ns", loads));
    }
    out.push(Figure::from_samples("instantiate", "ns", of(|r| r.instantiate)));
    out
}
