//! The [`Scenario`] trait and the registry of scenarios ([`crate::scenarios::REGISTRY`]).
//!
//! A scenario is one module that owns both halves of what it measures: in the orchestrator it
//! plans its cells from the run's subjects and workloads, records each cell's outcome into the
//! results file and summarizes the file for the terminal; inside a driver process it measures
//! one cell (all timing there, every answer verified). The generic runner of the `wasmgauge`
//! CLI only loops over the registry: adding a scenario is one module plus one registry line.
//! A scenario without a typed section in the results schema records into a generic section
//! ([`record_generic`]), whose cells carry their own figures.
use crate::subject::Subject;
use anyhow::{Result, bail};
use results::generic::{Figure, GenericCell, GenericSection};
use results::ids;
use results::manifest::{Corpus, ModuleEntry};
use results::plans::Profile;
use results::{CellStatus, EngineInfo, EngineOptions, ResultsFile, Size};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// One scenario: both halves of what it measures.
pub trait Scenario: Sync {
    /// Its name in `--scenarios`, the results file and reports (`throughput`, `cold-start`).
    fn name(&self) -> &'static str;
    /// One line for `--help` and the docs.
    fn about(&self) -> &'static str;
    /// Whether a run without `--scenarios` measures it.
    fn default_on(&self) -> bool {
        true
    }
    /// Adds this scenario's (empty) section to a new results file, when the run selected it.
    fn begin(&self, results: &mut ResultsFile, run: &RunPlan);
    /// The cells of this scenario in a run (none when the run did not select it).
    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>>;
    /// Measures one cell inside a driver process; the output is recorded by [`Scenario::record`].
    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value>;
    /// Measures one cell planned with [`Place::Orchestrator`] (it starts processes of its own).
    fn measure_here(&self, cell: &PlannedCell, _ctx: &dyn Orchestrator) -> Result<serde_json::Value> {
        bail!("{} measures every cell inside a driver ({})", self.name(), cell.label)
    }
    /// Combines the outcomes of a cell planned [`PlannedCell::in_rounds`], one per worker process
    /// in round order, into the one outcome [`Scenario::record`] takes.
    fn combine(&self, cell: &PlannedCell, runs: Vec<ProcessOutcome>) -> Outcome {
        match <[ProcessOutcome; 1]>::try_from(runs) {
            Ok([only]) => only.outcome,
            Err(_) => {
                Outcome::Failed { error: format!("{} cannot combine several processes", cell.scenario), wall_ms: 0 }
            }
        }
    }
    /// Records a cell's outcome into the results file; returns its status and a progress text.
    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String);
    /// Fills in figures derived from several cells, after the last cell.
    fn finish(&self, _results: &mut ResultsFile) {}
    /// What to print about a finished run: titled tables built from the one flattening.
    fn summarize(&self, _results: &ResultsFile, _view: &crate::summary::View) -> Vec<String> {
        Vec::new()
    }
}

/// What the orchestrator knows when it plans a run.
#[derive(Clone)]
pub struct RunPlan<'a> {
    /// The corpus manifest.
    pub corpus: &'a Corpus,
    /// Absolute path of the corpus directory.
    pub corpus_dir: PathBuf,
    /// The selected workloads, in order.
    pub workloads: Vec<&'a ModuleEntry>,
    /// The selected subjects with their capabilities, in registry order.
    pub subjects: Vec<&'a EngineInfo>,
    /// The profile and its plans (time caps scaled to the budget).
    pub profile: Profile,
    /// Names of the selected scenarios.
    pub selected: Vec<String>,
    /// The engine options the run was asked for.
    pub options: &'a EngineOptions,
    /// Where the orchestrator wrote each workload's input for each size.
    pub inputs: &'a dyn Fn(&str, Size) -> Option<PathBuf>,
    /// The run's scratch directory (the artifacts the processes of a cell in rounds share).
    pub scratch: PathBuf,
    /// The benchmarks of `--suite PATH` (the `suite` scenario); empty without one.
    pub suite: &'a [crate::suite::SuiteBenchmark],
    /// `--measure instructions`: scenarios that can count instead of timing (the suite) count.
    pub count_instructions: bool,
}

impl<'a> RunPlan<'a> {
    /// Whether the run selected `scenario`.
    pub fn is_selected(&self, scenario: &str) -> bool {
        self.selected.iter().any(|s| s == scenario)
    }

    /// This plan with only the subjects that take part in `scenario` (the registry's
    /// `scenarios` list of a subject; every scenario when it has none).
    pub fn taking_part_in(&self, scenario: &str) -> RunPlan<'a> {
        let mut view = self.clone();
        view.subjects.retain(|s| s.capabilities.as_ref().is_none_or(|c| c.takes_part_in(scenario)));
        view
    }
}

/// Where a planned cell is measured.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Place {
    /// In a fresh process of the subject's driver.
    Driver,
    /// By the orchestrator itself (it starts and times processes of its own).
    Orchestrator,
}

/// One cell of a run, as planned.
#[derive(Clone, Debug)]
pub struct PlannedCell {
    /// The scenario that planned it.
    pub scenario: &'static str,
    /// `throughput sha256 (small) on wasmtime-cranelift`: progress lines and shards use it.
    pub label: String,
    /// The subject it is measured on.
    pub subject: String,
    /// Upper estimate of its duration, for fitting a time budget.
    pub estimate_ms: u64,
    /// Where it is measured.
    pub place: Place,
    /// The engine options its subject is built with.
    pub options: EngineOptions,
    /// The scenario's own description of the cell (sent to the driver).
    pub cell: serde_json::Value,
    /// Measured in several worker processes, in rounds shared with the other cells of its
    /// group ([`PlannedCell::in_rounds`]); `None`: one process, in plan order.
    pub rounds: Option<Rounds>,
}

/// How a cell is measured in rounds: `processes` fresh worker processes, one per round; in every
/// round the cells of one `group` (one workload at one size, on every engine, native included)
/// run back to back in a shuffled order, so drift hits every side of a ratio alike.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rounds {
    /// Worker processes, one per round.
    pub processes: usize,
    /// The group it runs with in every round (its workload and size).
    pub group: String,
}

/// One worker process of a cell measured in rounds.
#[derive(Clone, Debug)]
pub struct ProcessOutcome {
    /// Its round (0-based).
    pub round: usize,
    /// Its place in the round's shuffled order of its group.
    pub position: usize,
    /// How it was started.
    pub layout: results::measurements::Layout,
    /// What it measured.
    pub outcome: Outcome,
}

impl PlannedCell {
    /// A cell measured in a driver.
    pub fn new(
        scenario: &'static str,
        label: String,
        subject: &str,
        options: &EngineOptions,
        estimate_ms: u64,
        cell: &impl Serialize,
    ) -> Result<PlannedCell> {
        Ok(PlannedCell {
            scenario,
            label,
            subject: subject.to_string(),
            estimate_ms,
            place: Place::Driver,
            options: options.clone(),
            cell: serde_json::to_value(cell)?,
            rounds: None,
        })
    }

    /// This cell measured in `processes` worker processes in the rounds of `group`.
    pub fn in_rounds(mut self, processes: usize, group: String) -> PlannedCell {
        self.rounds = Some(Rounds { processes: processes.max(1), group });
        self
    }

    /// The scenario's description of the cell, read back.
    pub fn cell<T: serde::de::DeserializeOwned>(&self) -> Result<T> {
        Ok(serde_json::from_value(self.cell.clone())?)
    }
}

/// What became of a cell.
#[derive(Clone, Debug)]
pub enum Outcome {
    /// Measured: the scenario's output and the cell's wall time.
    Done {
        /// The scenario's measurement, as the driver sent it.
        output: serde_json::Value,
        /// Wall time of the cell, its process included.
        wall_ms: u64,
    },
    /// It failed; the error and the wall time until then.
    Failed {
        /// What went wrong.
        error: String,
        /// Wall time until it failed.
        wall_ms: u64,
    },
    /// Not run (the time budget was used up, or the mode cannot run it).
    Skipped(String),
    /// Not run: the subject cannot take part (the reason, as the registry declares it).
    Unsupported(String),
}

impl Outcome {
    /// Wall time of the cell (0 when it did not run).
    pub fn wall_ms(&self) -> u64 {
        match self {
            Outcome::Done { wall_ms, .. } | Outcome::Failed { wall_ms, .. } => *wall_ms,
            Outcome::Skipped(_) | Outcome::Unsupported(_) => 0,
        }
    }

    /// Status, error and the decoded output (an output that does not decode fails the cell).
    pub fn settle<T: serde::de::DeserializeOwned>(self) -> (CellStatus, Option<String>, Option<T>) {
        match self {
            Outcome::Skipped(why) => (CellStatus::Skipped, Some(why), None),
            Outcome::Unsupported(why) => (CellStatus::Unsupported, Some(why), None),
            Outcome::Failed { error, .. } => (CellStatus::Failed, Some(error), None),
            Outcome::Done { output, .. } => match serde_json::from_value(output) {
                Ok(v) => (CellStatus::Ok, None, Some(v)),
                Err(e) => (CellStatus::Failed, Some(format!("unreadable driver output: {e}")), None),
            },
        }
    }
}

/// The progress text of a cell: `ok()` when it was measured, else its status.
pub fn verdict(status: CellStatus, error: &Option<String>, ok: impl FnOnce() -> String) -> String {
    match status {
        CellStatus::Ok => ok(),
        CellStatus::Skipped => "skipped".into(),
        CellStatus::Unsupported => format!("unsupported: {}", error.as_deref().unwrap_or("")),
        CellStatus::Failed => format!("FAILED: {}", error.as_deref().unwrap_or("")),
    }
}

/// What a scenario gets inside a driver for one cell.
pub struct DriverCell<'a> {
    /// The subject built for the cell.
    pub subject: &'a Subject,
    /// The options it was built with.
    pub options: &'a EngineOptions,
    /// Builds this cell's subject again with other options (sandbox tax: with a limit on).
    pub rebuild: &'a dyn Fn(&EngineOptions) -> Result<Subject>,
}

/// What a scenario measuring from the orchestrator can ask of it.
pub trait Orchestrator {
    /// The lean one-answer binary of a subject's driver (`wasmgauge-once-<driver>`).
    fn once_binary(&self, subject: &str) -> Result<PathBuf>;
    /// The native driver's `wasmgauge-runner` (the subprocess baseline).
    fn runner_binary(&self) -> Result<PathBuf>;
    /// A directory for this run's scratch files.
    fn scratch(&self) -> &Path;
    /// How long one process may take.
    fn timeout(&self) -> Duration;
    /// Sends `request` to a fresh process of `subject`'s driver and returns its answer.
    fn call(&self, subject: &str, request: &protocol::Request, timeout: Duration) -> Result<serde_json::Value>;
    /// [`Orchestrator::call`] with the driver started by `wrapper` (e.g. Valgrind).
    fn call_wrapped(
        &self,
        subject: &str,
        wrapper: &[String],
        request: &protocol::Request,
        timeout: Duration,
    ) -> Result<serde_json::Value>;
}

/// One workload at one size on one subject: what every workload scenario's cell names.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkloadCell {
    /// The workload's name.
    pub workload: String,
    /// `None` for adversarial guests, which get a fixed 16-byte input.
    pub size: Option<Size>,
    /// Its wasm module in the corpus.
    pub wasm_path: PathBuf,
    /// The input file the orchestrator wrote, and its hash as the manifest records it.
    pub input_path: Option<PathBuf>,
    /// The input's sha256, as the manifest records it.
    pub input_sha256: Option<String>,
    /// The native answer (hex); `None` for guests that have no correct answer.
    pub expected_checksum: Option<String>,
}

/// Fixed input of the adversarial guests (they ignore it).
const ADVERSARIAL_INPUT: [u8; 16] = [0; 16];

impl WorkloadCell {
    /// The cell of `module` at `size` in a run.
    pub fn of(run: &RunPlan, module: &ModuleEntry, size: Option<Size>) -> Result<WorkloadCell> {
        let input = size.and_then(|s| module.inputs.iter().find(|i| i.size == s));
        Ok(WorkloadCell {
            workload: module.name.clone(),
            size,
            wasm_path: run.corpus_dir.join(&module.file),
            input_path: size.and_then(|s| (run.inputs)(&module.name, s)),
            input_sha256: input.map(|i| i.sha256.clone()),
            expected_checksum: input.map(|i| i.expected_checksum.clone()),
        })
    }

    /// `what workload (size) on subject`.
    pub fn label(&self, what: &str, subject: &str) -> String {
        format!(
            "{what} {}{} on {subject}",
            self.workload,
            self.size.map(|s| format!(" ({})", s.name())).unwrap_or_default()
        )
    }

    /// The wasm bytes and the input, the input checked against the corpus's hash.
    pub fn inputs(&self) -> Result<(Vec<u8>, Vec<u8>)> {
        let wasm =
            std::fs::read(&self.wasm_path).map_err(|e| anyhow::anyhow!("reading {}: {e}", self.wasm_path.display()))?;
        let input = match &self.input_path {
            Some(p) => std::fs::read(p).map_err(|e| anyhow::anyhow!("reading the input {}: {e}", p.display()))?,
            None => ADVERSARIAL_INPUT.to_vec(),
        };
        if let Some(want) = &self.input_sha256
            && &results::manifest::sha256_hex(&input) != want
        {
            bail!(
                "the input of `{}` differs from the one the corpus was built with; rebuild the corpus",
                self.workload
            );
        }
        Ok((wasm, input))
    }

    /// The native answer.
    pub fn expected(&self) -> Result<u64> {
        let hex = self
            .expected_checksum
            .as_deref()
            .ok_or_else(|| anyhow::anyhow!("`{}` has no native answer", self.workload))?;
        results::manifest::parse_checksum(hex)
    }
}

/// The sizes a module is measured at in a run (adversarial guests have none).
pub fn sizes_of(run: &RunPlan, module: &ModuleEntry) -> Vec<Option<Size>> {
    match module.kind {
        results::manifest::ModuleKind::Adversarial => vec![None],
        // Run as commands by `wasi-programs`, never called like a workload.
        results::manifest::ModuleKind::WasiProgram => vec![],
        _ => run.profile.sizes.iter().copied().map(Some).collect(),
    }
}

/// The process cost every planned cell pays (spawning its driver), for time estimates.
pub const PROCESS_MS: u64 = 300;

/// Adds a registered scenario's generic section to a results file, with its plan.
pub fn begin_generic(results: &mut ResultsFile, scenario: &str, plan: serde_json::Value) {
    results.scenarios.other.insert(scenario.to_string(), GenericSection { plan, cells: Vec::new() });
}

/// Records a cell of a registered scenario into its generic section: the measurement as the
/// driver sent it and the figures `figures` works out from it.
pub fn record_generic<T: serde::de::DeserializeOwned + Serialize>(
    results: &mut ResultsFile,
    scenario: &str,
    cell: &PlannedCell,
    workload: &str,
    size: Option<Size>,
    outcome: Outcome,
    figures: impl FnOnce(&T) -> Vec<Figure>,
) -> (CellStatus, String) {
    let wall_ms = outcome.wall_ms();
    let (status, error, measurement) = outcome.settle::<T>();
    let figs = measurement.as_ref().map(figures).unwrap_or_default();
    let text = verdict(status, &error, || {
        figs.first().map(|f| format!("{} {:.3} {}", f.metric, f.value, f.unit)).unwrap_or_default()
    });
    let section = results.scenarios.other.entry(scenario.to_string()).or_default();
    section.cells.push(GenericCell {
        workload: workload.to_string(),
        size,
        engine: cell.subject.clone(),
        status,
        error,
        figures: figs,
        measurement: measurement.and_then(|m| serde_json::to_value(m).ok()),
        wall_ms,
    });
    (status, text)
}

/// A workload cell with a scenario's plan: what most workload scenarios send a driver.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkloadTask<P> {
    /// The workload at its size.
    pub workload: WorkloadCell,
    /// The scenario's plan.
    pub plan: P,
    /// For a cell measured in rounds: the runtime artifact its processes share
    /// ([`crate::executor::Executor::reuse_artifact`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact: Option<PathBuf>,
}

impl<P: Serialize + Clone> WorkloadTask<P> {
    /// One cell per selected workload, size and subject (in that order), each labelled
    /// `scenario workload (size) on subject`; none when the run did not select `scenario`.
    pub fn plan_all(scenario: &'static str, run: &RunPlan, plan: &P, estimate_ms: u64) -> Result<Vec<PlannedCell>> {
        Self::plan_in_rounds(scenario, run, plan, estimate_ms, |_| 1)
    }

    /// [`WorkloadTask::plan_all`], each cell measured in `processes_for(its subject's
    /// capabilities)` worker processes in rounds grouped by workload and size (every engine,
    /// native included, in the same round; a cell with fewer processes sits out the later
    /// rounds), the processes of a cell sharing one runtime artifact; 1 plans a plain cell.
    pub fn plan_in_rounds(
        scenario: &'static str,
        run: &RunPlan,
        plan: &P,
        estimate_ms: u64,
        processes_for: impl Fn(&results::Capabilities) -> usize,
    ) -> Result<Vec<PlannedCell>> {
        let mut cells = Vec::new();
        if !run.is_selected(scenario) {
            return Ok(cells);
        }
        for m in &run.workloads {
            for size in sizes_of(run, m) {
                for subject in &run.subjects {
                    let processes = processes_for(&subject.capabilities.clone().unwrap_or_default());
                    let estimate_ms = estimate_ms * processes.max(1) as u64;
                    let mut task =
                        WorkloadTask { workload: WorkloadCell::of(run, m, size)?, plan: plan.clone(), artifact: None };
                    let label = task.workload.label(scenario, &subject.id);
                    let group = task.workload.label(scenario, "").trim_end_matches(" on ").to_string();
                    if processes > 1 {
                        let file = format!("{scenario}-{}-{group}.artifact", subject.id).replace([' ', '(', ')'], "_");
                        task.artifact = Some(run.scratch.join(file));
                    }
                    let cell = PlannedCell::new(scenario, label, &subject.id, run.options, estimate_ms, &task)?;
                    cells.push(if processes > 1 { cell.in_rounds(processes, group) } else { cell });
                }
            }
        }
        Ok(cells)
    }
}

impl<P> WorkloadTask<P> {
    /// `subject`'s executor for this cell, sharing the cell's runtime artifact across its
    /// worker processes where it has one.
    pub fn executor<'s>(&self, subject: &'s Subject) -> Box<dyn crate::executor::Executor + 's> {
        let mut exec = subject.executor();
        if let Some(path) = &self.artifact {
            exec.reuse_artifact(path);
        }
        exec
    }

    /// The native answer; a guest without one (an adversarial guest) is run once on `exec` and
    /// the cell refused, saying what it returned.
    pub fn expected_or_refuse(
        &self,
        exec: &mut dyn crate::executor::Executor,
        code: &crate::executor::WorkloadCode,
        input: &[u8],
    ) -> Result<u64> {
        if self.workload.expected_checksum.is_some() {
            return self.workload.expected();
        }
        exec.prepare(code, input)?;
        let got = exec.call()?;
        bail!("`{}` returned {got:#018x}, but it has no correct answer to check against", self.workload.workload)
    }
}

/// The cell of a hosting scenario (memory, density, concurrency): one subject serving one
/// workload's small input; `corpus_dir` holds the micro-modules (memory uses `mem_touch`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct HostCell<P> {
    /// The workload served (small input).
    pub workload: WorkloadCell,
    /// The corpus directory.
    pub corpus_dir: PathBuf,
    /// The scenario's plan for this subject.
    pub plan: P,
}

impl<P: Serialize + Clone> HostCell<P> {
    /// One cell per selected subject for which `plan_for` gives a plan (its capabilities and
    /// the profile's plan in, the subject's plan out, `None` to leave it out), serving the
    /// profile's host workload (or the first selected Rust workload); none when the run did
    /// not select `scenario`.
    pub fn plan_all(
        scenario: &'static str,
        run: &RunPlan,
        plan: Option<&P>,
        estimate_ms: u64,
        plan_for: impl Fn(&results::Capabilities, &P) -> Option<P>,
    ) -> Result<Vec<PlannedCell>> {
        let Some(plan) = plan.filter(|_| run.is_selected(scenario)) else { return Ok(vec![]) };
        let rust = |m: &&&ModuleEntry| m.kind == results::manifest::ModuleKind::RustWorkload;
        let host = run
            .workloads
            .iter()
            .find(|m| Some(&m.name) == run.profile.host_workload.as_ref())
            .or_else(|| run.workloads.iter().find(rust));
        let Some(host) = host else { return Ok(vec![]) };
        let mut cells = Vec::new();
        for subject in &run.subjects {
            let Some(plan) = plan_for(&subject.capabilities.clone().unwrap_or_default(), plan) else { continue };
            let cell = HostCell {
                workload: WorkloadCell::of(run, host, Some(Size::Small))?,
                corpus_dir: run.corpus_dir.clone(),
                plan,
            };
            let label = if scenario == ids::MEMORY {
                format!("memory on {}", subject.id)
            } else {
                cell.workload.label(scenario, &subject.id)
            };
            cells.push(PlannedCell::new(scenario, label, &subject.id, run.options, PROCESS_MS + estimate_ms, &cell)?);
        }
        Ok(cells)
    }
}

/// Records an engine-level cell (memory, density, concurrency) into `section`.
pub fn record_engine_cell<T: serde::de::DeserializeOwned>(
    section: &mut Vec<results::EngineCell<T>>,
    cell: &PlannedCell,
    outcome: Outcome,
    ok: impl FnOnce(&T) -> String,
) -> (CellStatus, String) {
    let wall_ms = outcome.wall_ms();
    let (status, error, measurement) = outcome.settle::<T>();
    let text = verdict(status, &error, || ok(measurement.as_ref().expect("ok has a measurement")));
    section.push(results::EngineCell { engine: cell.subject.clone(), status, error, measurement, wall_ms });
    (status, text)
}
