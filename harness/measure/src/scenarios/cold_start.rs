//! The `cold-start` scenario: cold start, phase by phase, and process cold start.
//!
//! In a driver (one per engine x workload), each repetition times on its own: compile (bytes to
//! a ready module, validation included), instantiate (a fresh instance from that module), the
//! first call after instantiation and steady-state calls, and end to end (bytes to the first
//! verified answer). Where the runtime has an ahead-of-time artifact it is serialized once and
//! every repetition also times deserialize and artifact-to-first-answer; where it has none the
//! phase says "not available", never a blank. The `subprocess` baseline times spawn (process
//! start until the runner answers) instead; `native` has only calls.
//!
//! Process cold start is measured from the orchestrator, per engine: from spawning a fresh
//! process (the driver's lean `wasmgauge-once-<driver>`, or `wasmgauge-runner --once ...` for
//! `subprocess`) until its answer is read and verified. That is the figure the seed articles
//! compare with containers.
//!
//! The corpus's WASI programs (SQLite, QuickJS: the multi-megabyte modules whose compile users
//! pay) are started from the orchestrator too, one fresh driver process per repetition: compile
//! from bytes, load the artifact where there is one, instantiate with a fresh WASI context, and
//! `_start` (the "first call") to an exit whose output equals the native twin's; end to end is
//! compile + instantiate + run, from the artifact artifact load + instantiate + run. The native
//! twin's figure is its whole process, spawn to exit.
use crate::engine::Engine;
use crate::executor::subprocess::RunnerChild;
use crate::executor::wasm::{call_run, load_input};
use crate::measurement::{Laps, time};
use crate::process::{runner_once_command, time_processes};
use crate::programs::{Program, check, takes_part};
use crate::sampler::Cap;
use crate::scenario::{
    DriverCell, Orchestrator, Outcome, PROCESS_MS, PlannedCell, RunPlan, Scenario, WorkloadCell, WorkloadTask, verdict,
};
use crate::subject::Subject;
use crate::summary::View;
use crate::wasi_files::{PhasesNs, PreparedRuns, RunTemplate, digest_tree};
use anyhow::{Context, Result, anyhow, bail};
use comfy_table::{Cell as TableCell, CellAlignment};
use protocol::runner::Op;
use results::format::{fmt_ns, new_table};
use results::ids;
use results::manifest::ModuleKind;
use results::measurements::{ColdStartMeasurement, Phase, ProcessPath};
use results::plans::ColdStartPlan;
use results::{CellStatus, ColdStartCell, ColdStartSection, ProcessStartCell, ResultsFile, Size, SubjectKind};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::process::{Command, Stdio};

/// The `cold-start` scenario.
pub struct ColdStart;

/// A cold-start cell: phases in a driver, or a process start timed from the orchestrator.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "part", rename_all = "kebab-case")]
enum Cell {
    Phases(WorkloadTask<ColdStartPlan>),
    Process(ProcessCell),
    Program(ProgramCell),
}

/// One subject's cold start of one WASI program of the corpus.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ProgramCell {
    program: Program,
    /// The subject is the native baseline: its native twin.
    native: bool,
    repetitions: usize,
    max_cell_ms: u64,
}

/// One subject's process start on one workload (small input).
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ProcessCell {
    workload: WorkloadCell,
    kind: SubjectKind,
    /// Whether the subject has an ahead-of-time artifact to start from.
    artifact: bool,
    samples: usize,
}

/// What the orchestrator measured of a process start.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct ProcessMeasurement {
    path: ProcessPath,
    command: Vec<String>,
    samples_ns: Vec<u64>,
}

impl Scenario for ColdStart {
    fn name(&self) -> &'static str {
        ids::COLD_START
    }

    fn about(&self) -> &'static str {
        "compile, deserialize, instantiate, first and steady call, end to end; and a fresh process to its answer"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.cold_start = Some(ColdStartSection::default());
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        let plan = run.profile.cold_start.clone().expect("profiles define every plan");
        let phases = WorkloadTask::plan_all(self.name(), run, &plan, PROCESS_MS + plan.max_cell_ms / 2)?;
        let mut cells = Vec::new();
        for mut c in phases {
            let task: WorkloadTask<ColdStartPlan> = c.cell()?;
            c.cell = serde_json::to_value(Cell::Phases(task))?;
            cells.push(c);
        }
        if !run.is_selected(self.name()) {
            return Ok(cells);
        }
        // WASI programs: from bytes to a verified exit.
        for program in Program::all_in(run)? {
            for subject in &run.subjects {
                let Some(native) = takes_part(subject) else { continue };
                let cell = Cell::Program(ProgramCell {
                    program: program.clone(),
                    native,
                    repetitions: plan.program_repetitions.max(1),
                    max_cell_ms: plan.max_cell_ms,
                });
                let label = format!("cold-start {} on {}", program.name, subject.id);
                let mut c = PlannedCell::new(
                    self.name(),
                    label,
                    &subject.id,
                    run.options,
                    PROCESS_MS + plan.max_cell_ms,
                    &cell,
                )?;
                c.place = crate::scenario::Place::Orchestrator;
                cells.push(c);
            }
        }
        // Process cold start: small inputs of the Rust workloads.
        for m in run.workloads.iter().filter(|m| m.kind == ModuleKind::RustWorkload) {
            for subject in &run.subjects {
                let caps = subject.capabilities.clone().unwrap_or_default();
                let cell = Cell::Process(ProcessCell {
                    workload: WorkloadCell::of(run, m, Some(Size::Small))?,
                    kind: caps.kind,
                    artifact: caps.artifact,
                    samples: plan.process_samples,
                });
                let label = format!("process-start {} (small) on {}", m.name, subject.id);
                let mut c = PlannedCell::new(self.name(), label, &subject.id, run.options, PROCESS_MS * 2, &cell)?;
                c.place = crate::scenario::Place::Orchestrator;
                cells.push(c);
            }
        }
        Ok(cells)
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let Cell::Phases(task) = serde_json::from_value(cell.clone())? else {
            bail!("process starts are timed by the orchestrator, not in a driver")
        };
        let (wasm, input) = task.workload.inputs()?;
        let mut exec = ctx.subject.executor();
        let code = crate::executor::WorkloadCode { name: &task.workload.workload, wasm: &wasm };
        let expected = task.expected_or_refuse(exec.as_mut(), &code, &input)?;
        let m = match ctx.subject {
            Subject::Wasm(engine) => measure_wasm(engine.as_ref(), &wasm, &input, expected, &task.plan)?,
            Subject::Native { kernels, .. } => {
                let kernel = kernels
                    .kernel(&task.workload.workload)
                    .ok_or_else(|| anyhow!("no native `{}`", task.workload.workload))?;
                measure_native(kernel, &input, expected, &task.plan)?
            }
            Subject::Subprocess { .. } => measure_subprocess(&task.workload.workload, &input, expected, &task.plan)?,
        };
        Ok(serde_json::to_value(m)?)
    }

    fn measure_here(&self, cell: &PlannedCell, ctx: &dyn Orchestrator) -> Result<serde_json::Value> {
        let p = match cell.cell()? {
            Cell::Process(p) => p,
            Cell::Program(p) => return Ok(serde_json::to_value(measure_program(&p, &cell.subject, ctx)?)?),
            Cell::Phases(_) => bail!("phases are measured in a driver"),
        };
        let expected = p.workload.expected_checksum.clone().unwrap_or_default();
        let input = p.workload.input_path.as_ref().map(|i| i.display().to_string()).unwrap_or_default();
        let name = p.workload.workload.clone();
        let (path, command) = match p.kind {
            SubjectKind::Subprocess => (ProcessPath::Native, runner_once_command(&ctx.runner_binary()?, &name)),
            SubjectKind::Native => {
                let exe = ctx.once_binary(&cell.subject)?.display().to_string();
                let args = ["--engine", &cell.subject, "--workload", &name, "--input", &input];
                (ProcessPath::Native, std::iter::once(exe).chain(args.map(String::from)).collect())
            }
            SubjectKind::Wasm => {
                let exe = ctx.once_binary(&cell.subject)?.display().to_string();
                let wasm = p.workload.wasm_path.display().to_string();
                let args = ["--engine", &cell.subject, "--workload", &name, "--input", &input, "--wasm", &wasm];
                let mut cmd: Vec<String> = std::iter::once(exe.clone()).chain(args.map(String::from)).collect();
                if p.artifact {
                    let artifact = ctx.scratch().join(format!("{}-{name}.artifact", cell.subject));
                    let made = Command::new(&exe)
                        .args(&cmd[1..])
                        .arg("--write-artifact")
                        .arg(&artifact)
                        .stderr(Stdio::piped())
                        .output()?;
                    if !made.status.success() {
                        bail!("writing the artifact failed: {}", String::from_utf8_lossy(&made.stderr).trim());
                    }
                    cmd.extend(["--artifact".to_string(), artifact.display().to_string()]);
                    (ProcessPath::Artifact, cmd)
                } else {
                    (ProcessPath::Compile, cmd)
                }
            }
        };
        let samples_ns = time_processes(&command, &expected, p.samples, ctx.timeout())?;
        Ok(serde_json::to_value(ProcessMeasurement { path, command, samples_ns })?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let section = results.scenarios.cold_start.get_or_insert_with(ColdStartSection::default);
        match cell.cell::<Cell>().expect("planned by this scenario") {
            Cell::Phases(task) => {
                let (c, text) = phases_cell(task.workload.workload, task.workload.size, &cell.subject, outcome);
                let status = c.status;
                section.cells.push(c);
                (status, text)
            }
            Cell::Program(p) => {
                let (c, text) = phases_cell(p.program.name, None, &cell.subject, outcome);
                let status = c.status;
                section.programs.push(c);
                (status, text)
            }
            Cell::Process(p) => {
                let (status, error, m) = outcome.settle::<ProcessMeasurement>();
                let mut record = ProcessStartCell {
                    workload: p.workload.workload,
                    size: Size::Small,
                    engine: cell.subject.clone(),
                    status,
                    error,
                    path: ProcessPath::Native,
                    command: vec![],
                    samples_ns: vec![],
                    summary: None,
                };
                if let Some(m) = m {
                    let xs: Vec<f64> = m.samples_ns.iter().map(|&v| v as f64).collect();
                    record.summary = Some(stats::summarize(&xs));
                    (record.path, record.command, record.samples_ns) = (m.path, m.command, m.samples_ns);
                }
                let text = verdict(record.status, &record.error, || {
                    fmt_ns(record.summary.as_ref().map(|s| s.median.value).unwrap_or(f64::NAN))
                });
                let status = record.status;
                section.process.push(record);
                (status, text)
            }
        }
    }

    fn summarize(&self, results: &ResultsFile, view: &View) -> Vec<String> {
        let mut programs: Vec<String> =
            results.scenarios.cold_start.iter().flat_map(|s| s.programs.iter().map(|c| c.workload.clone())).collect();
        programs.dedup();
        let mut out = self.summarize_workload(view);
        if !programs.is_empty() {
            let from_bytes = view.matrix_of(ids::COLD_START, "end_to_end", programs.clone(), |c| fmt_ns(c.value));
            let compile = view.matrix_of(ids::COLD_START, "compile", programs, |c| fmt_ns(c.value));
            out.push(format!(
                "Cold start of the WASI programs, bytes to verified exit in a fresh driver process (compile + \
                 instantiate + _start; the native twin: its whole process):\n{from_bytes}"
            ));
            out.push(format!("Cold start of the WASI programs: compile from bytes:\n{compile}"));
        }
        out
    }
}

impl ColdStart {
    /// The phase table of the first workload.
    fn summarize_workload(&self, view: &View) -> Vec<String> {
        let Some(workload) = view.rows(ids::COLD_START, "end_to_end").into_iter().next() else { return vec![] };
        let mut table = new_table(
            [
                "engine",
                "compile",
                "deserialize",
                "instantiate",
                "first call",
                "steady call",
                "end to end",
                "process start",
            ]
            .map(String::from)
            .to_vec(),
        );
        let phase = |engine: &str, p: &str| -> Option<String> {
            view.find(ids::COLD_START, &workload, engine, p).map(|c| fmt_ns(c.value))
        };
        for engine in view.engines_in(ids::COLD_START) {
            let missing = view.missing(ids::COLD_START, &workload, &engine);
            let or = |p: &str, absent: &str| {
                phase(&engine, p)
                    .unwrap_or_else(|| if missing.is_empty() { absent.to_string() } else { missing.clone() })
            };
            let mut e2e = or("end_to_end", "-");
            if let Some(a) = phase(&engine, "end_to_end_from_artifact") {
                e2e = format!("{e2e} (artifact {a})");
            }
            let mut first = or("first_call", "-");
            if let Some(s) = phase(&engine, "spawn") {
                first = format!("{first} (spawn {s})");
            }
            let process = match view.find(ids::PROCESS_START, &workload, &engine, "exec_to_answer") {
                Some(c) => format!("{} ({})", fmt_ns(c.value), c.note),
                None => view.missing(ids::PROCESS_START, &workload, &engine),
            };
            let row = [
                engine.clone(),
                or("compile", "n/a"),
                or("deserialize", "not available"),
                or("instantiate", "n/a"),
                first,
                or("steady_call", "-"),
                e2e,
                process,
            ];
            table.add_row(row.map(|c| TableCell::new(c).set_alignment(CellAlignment::Right)).to_vec());
        }
        vec![format!(
            "Cold start of `{workload}` (medians; process start = exec of a fresh process to its verified answer):\n{table}"
        )]
    }
}

/// A cell of phases (a workload's, or a WASI program's) from its outcome, and its progress text.
fn phases_cell(workload: String, size: Option<Size>, engine: &str, outcome: Outcome) -> (ColdStartCell, String) {
    let wall_ms = outcome.wall_ms();
    let (status, error, measurement) = outcome.settle::<ColdStartMeasurement>();
    let text = verdict(status, &error, || {
        let m = measurement.as_ref().expect("ok has a measurement");
        format!("end to end {}", fmt_ns(m.end_to_end.median_ns().unwrap_or(f64::NAN)))
    });
    (ColdStartCell { workload, size, engine: engine.to_string(), status, error, measurement, wall_ms }, text)
}

pub use crate::engine::check_answer as verify;

/// Median of `calls` single calls after 3 untimed ones; `timed_call` makes one call, verifies
/// its answer and returns how long it took (timed here, or by an engine in another process).
fn median_call(calls: usize, mut timed_call: impl FnMut() -> Result<u64>) -> Result<u64> {
    for _ in 0..3 {
        timed_call()?;
    }
    let times = (0..calls.max(1)).map(|_| timed_call().map(|ns| ns as f64)).collect::<Result<Vec<_>>>()?;
    Ok(stats::median(&times) as u64)
}

/// [`median_call`] of `call`, timed here, each answer checked against `expected`.
fn steady(calls: usize, mut call: impl FnMut() -> Result<u64>, expected: u64) -> Result<u64> {
    median_call(calls, || {
        let (answer, ns) = time(&mut call);
        verify(black_box(answer?), expected)?;
        Ok(ns)
    })
}

/// Cold start of a workload on a WebAssembly engine. For an engine in another process (V8 in
/// Node.js, `Engine::remote_ns`) every phase is the time that process measured: compile and
/// instantiate as it reports them, the first and each steady call as a batch of one call it
/// timed and verified (`Instance::timed_run`); end to end is then the sum of those phases (the
/// copy of the input into guest memory, a pipe round trip away, is left out).
pub fn measure_wasm(
    engine: &dyn Engine,
    wasm: &[u8],
    input: &[u8],
    expected: u64,
    plan: &ColdStartPlan,
) -> Result<ColdStartMeasurement> {
    let cap = Cap::ms(plan.max_cell_ms);
    let far = engine.remote_ns().is_some();
    let (mut compile, mut instantiate, mut first, mut steady_ns, mut e2e) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut deserialize, mut e2e_artifact) = (vec![], vec![]);
    let mut artifact: Option<Vec<u8>> = None;
    let mut no_artifact_reason = None;
    let mut reps = 0;
    while reps < plan.repetitions.max(1) && (reps == 0 || !cap.passed()) {
        let mut laps = Laps::start();
        let module = engine.compile(wasm).context("compile")?;
        let compile_ns = engine.remote_ns().unwrap_or(laps.lap());
        let mut instance = engine.instantiate(module.as_ref()).context("instantiate")?;
        let instantiate_ns = engine.remote_ns().unwrap_or(laps.lap());
        let (run, args) = load_input(instance.as_mut(), input)?;
        laps.lap();
        let first_ns = if far {
            instance.timed_run(run, &args, 1, expected).context("first call")?
        } else {
            verify(call_run(instance.as_mut(), run, &args)?, expected)?;
            laps.lap()
        };
        compile.push(compile_ns);
        instantiate.push(instantiate_ns);
        first.push(first_ns);
        e2e.push(if far { compile_ns + instantiate_ns + first_ns } else { laps.total() });
        steady_ns.push(if far {
            // Each call a batch of one, timed and verified in the engine's process.
            median_call(plan.steady_calls, || instance.timed_run(run, &args, 1, expected))?
        } else {
            steady(plan.steady_calls, || call_run(instance.as_mut(), run, &args), expected)?
        });

        if reps == 0 {
            match engine.serialize(module.as_ref())? {
                Some(bytes) => artifact = Some(bytes),
                None => {
                    no_artifact_reason =
                        Some(format!("not available: {} has no ahead-of-time artifact", engine.info().runtime))
                }
            }
        }
        if let Some(bytes) = &artifact {
            let mut laps = Laps::start();
            let loaded = engine.deserialize(bytes).context("deserialize")?;
            deserialize.push(laps.lap());
            let mut instance = engine.instantiate(loaded.as_ref())?;
            let (run, args) = load_input(instance.as_mut(), input)?;
            verify(call_run(instance.as_mut(), run, &args)?, expected)?;
            e2e_artifact.push(laps.total());
        }
        reps += 1;
    }
    let artifact_phase = |samples: Vec<u64>| match &no_artifact_reason {
        Some(reason) => Phase::NotAvailable { reason: reason.clone() },
        None => Phase::from_samples(samples),
    };
    Ok(ColdStartMeasurement {
        repetitions: reps,
        compile: Phase::from_samples(compile),
        artifact_bytes: artifact.as_ref().map(|a| a.len() as u64),
        deserialize: artifact_phase(deserialize),
        instantiate: Phase::from_samples(instantiate),
        first_call: Phase::from_samples(first),
        steady_call: Phase::from_samples(steady_ns),
        spawn: Phase::na("in-process engine: no process is started"),
        end_to_end: Phase::from_samples(e2e),
        end_to_end_from_artifact: artifact_phase(e2e_artifact),
    })
}

/// Cold start of a WASI program: repetitions (at least one, then another while it is expected
/// to end within the cell's time cap), each a fresh driver process compiling from bytes, or a fresh native twin process;
/// every run's output checked against the native twin's.
fn measure_program(cell: &ProgramCell, subject: &str, orch: &dyn Orchestrator) -> Result<ColdStartMeasurement> {
    let p = &cell.program;
    let base = orch.scratch().join(format!("cold-start-{}-{}", p.name, subject.replace(['@', '/'], "_")));
    let before = digest_tree(&p.data_dir)?;
    let template = RunTemplate::one_dir(&format!("{}.wasm", p.name), Some(&p.data_dir), &p.guest_dir, &before);
    let mut runs: Vec<PhasesNs> = Vec::new();
    // Another repetition only when it is expected to end within the time cap.
    let cap = Cap::ms(cell.max_cell_ms);
    while runs.len() < cell.repetitions && cap.fits_another(runs.len()) {
        let at = base.join(format!("rep-{}", runs.len()));
        let prepared = PreparedRuns::new(&at, &template, vec![p.args.clone()])?;
        let observed = if cell.native {
            prepared.run_native(&p.native)?
        } else {
            prepared.run_wasm(orch, subject, &p.wasm, &p.features, p.timeout(orch.timeout()))?
        };
        let (o, phases) = observed.into_iter().next().ok_or_else(|| anyhow!("no run"))?;
        check(&o, &p.expected, &format!("repetition {}", runs.len() + 1))?;
        runs.push(phases.ok_or_else(|| anyhow!("repetition {} has no timings", runs.len() + 1))?);
        let _ = std::fs::remove_dir_all(&at);
    }
    let _ = std::fs::remove_dir_all(&base);
    let of = |f: &dyn Fn(&PhasesNs) -> u64| Phase::from_samples(runs.iter().map(f).collect());
    if cell.native {
        let twin = "native twin: compiled ahead of time by the host C/Rust compiler";
        return Ok(ColdStartMeasurement {
            repetitions: runs.len(),
            compile: Phase::na(twin),
            artifact_bytes: None,
            deserialize: Phase::na(twin),
            instantiate: Phase::na(twin),
            first_call: Phase::na("native twin: measured as its whole process (end to end)"),
            steady_call: Phase::na("a command runs `_start` once"),
            spawn: Phase::na("native twin: its spawn is part of end to end"),
            end_to_end: of(&|r| r.run),
            end_to_end_from_artifact: Phase::na(twin),
        });
    }
    let loaded = runs.iter().all(|r| r.artifact_load.is_some());
    let artifact = |f: &dyn Fn(&PhasesNs) -> u64| {
        if loaded { of(f) } else { Phase::NotAvailable { reason: "not available: no ahead-of-time artifact".into() } }
    };
    Ok(ColdStartMeasurement {
        repetitions: runs.len(),
        compile: of(&|r| r.compile),
        artifact_bytes: None,
        deserialize: artifact(&|r| r.artifact_load.unwrap_or(0)),
        instantiate: of(&|r| r.instantiate),
        first_call: of(&|r| r.run),
        steady_call: Phase::na("a command runs `_start` once per instance"),
        spawn: Phase::na("timed inside the driver process"),
        end_to_end: of(&|r| r.compile + r.instantiate + r.run),
        end_to_end_from_artifact: artifact(&|r| r.artifact_load.unwrap_or(0) + r.instantiate + r.run),
    })
}

/// A baseline's measurement: native code has no compile, artifact or instantiate phase.
fn baseline_measurement(
    repetitions: usize,
    first_call: Phase,
    steady_call: Phase,
    spawn: Phase,
    end_to_end: Phase,
) -> ColdStartMeasurement {
    let compiled = "native code: compiled ahead of time by rustc";
    ColdStartMeasurement {
        repetitions,
        compile: Phase::na(compiled),
        artifact_bytes: None,
        deserialize: Phase::na(compiled),
        instantiate: Phase::na("native code: nothing to instantiate"),
        first_call,
        steady_call,
        spawn,
        end_to_end,
        end_to_end_from_artifact: Phase::na(compiled),
    }
}

/// Cold start of the `native` baseline: only calls exist; the first call is the first one this
/// (fresh) worker process makes.
pub fn measure_native(
    kernel: fn(&[u8]) -> u64,
    input: &[u8],
    expected: u64,
    plan: &ColdStartPlan,
) -> Result<ColdStartMeasurement> {
    let (answer, first) = time(|| kernel(black_box(input)));
    verify(black_box(answer), expected)?;
    let steady_ns = steady(plan.steady_calls, || Ok(kernel(black_box(input))), expected)?;
    let first = Phase::from_samples(vec![first]);
    Ok(baseline_measurement(
        1,
        first.clone(),
        Phase::from_samples(vec![steady_ns]),
        Phase::na("in-process baseline: no process is started"),
        first,
    ))
}

/// Cold start of the `subprocess` baseline: spawn, first call and steady calls per repetition.
pub fn measure_subprocess(
    workload: &str,
    input: &[u8],
    expected: u64,
    plan: &ColdStartPlan,
) -> Result<ColdStartMeasurement> {
    let cap = Cap::ms(plan.max_cell_ms);
    let (mut spawn, mut first, mut steady_ns, mut e2e) = (vec![], vec![], vec![], vec![]);
    let mut reps = 0;
    let answer = |reply: Vec<u8>| -> Result<u64> {
        Ok(u64::from_le_bytes(reply.as_slice().try_into().map_err(|_| anyhow!("runner sent {} bytes", reply.len()))?))
    };
    while reps < plan.repetitions.max(1) && (reps == 0 || !cap.passed()) {
        let mut laps = Laps::start();
        let mut child = RunnerChild::spawn()?;
        child.request(Op::Load, workload.as_bytes())?;
        spawn.push(laps.lap());
        child.request(Op::Input, input)?;
        laps.lap();
        verify(answer(child.request(Op::Run, &[])?)?, expected)?;
        first.push(laps.lap());
        e2e.push(laps.total());
        steady_ns.push(steady(plan.steady_calls, || answer(child.request(Op::Run, &[])?), expected)?);
        reps += 1;
    }
    Ok(baseline_measurement(
        reps,
        Phase::from_samples(first),
        Phase::from_samples(steady_ns),
        Phase::from_samples(spawn),
        Phase::from_samples(e2e),
    ))
}
