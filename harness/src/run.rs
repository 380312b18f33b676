//! The `run` command over the corpus: plans the cells of every selected scenario, runs each
//! in isolation (a worker process per cell; process cold start spawns its own processes),
//! saves the results file after each cell, analyzes it (ratios, geometric means) and hands it
//! back for printing.
//!
//! `--time-budget` first scales every time cap so the planned total fits in 85% of the budget,
//! then, as a hard cap, records any cell not started before the deadline as skipped.
use crate::corpus::{Corpus, ModuleEntry, ModuleKind};
use crate::engines::{self, EngineOptions};
use crate::environment::Environment;
use crate::isolation::{
    self, CallOverheadJob, CellSpec, EngineJob, EngineTask, Job, JobOutput, Outcome, SandboxTaxJob, WorkloadJob,
    WorkloadTask,
};
use crate::profile::{Profile, ProfileName, Scenario};
use crate::progress::Progress;
use crate::results::*;
use crate::scenarios::call_overhead::Modes;
use crate::scenarios::cold_start::{self, ProcessPath};
use crate::stats;
use crate::workloads::Size;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the user asked `run` for.
#[derive(Clone, Debug)]
pub struct RunRequest {
    pub profile: ProfileName,
    pub scenarios: Vec<Scenario>,
    pub engines: Vec<String>,
    pub workloads: Vec<String>,
    pub sizes: Vec<Size>,
    pub corpus: PathBuf,
    pub out: Option<PathBuf>,
    pub results_dir: PathBuf,
    pub timeout_s: Option<u64>,
    pub time_budget_s: Option<u64>,
    pub in_process: bool,
    pub options: EngineOptions,
    /// Density's memory budget in bytes (default: the profile's, 1 GiB).
    pub memory_budget: Option<u64>,
    /// `(I, N)`: run only shard I of N (1-based), a deterministic slice of the matrix.
    pub shard: Option<(usize, usize)>,
}

/// Which shard (0-based) of `n` a cell belongs to: from a hash of its label, so every machine
/// slices the same matrix the same way, whatever order cells are planned in.
pub fn shard_of(label: &str, n: usize) -> usize {
    use sha2::Digest;
    let digest = sha2::Sha256::digest(label.as_bytes());
    (u64::from_le_bytes(digest[..8].try_into().expect("8 bytes")) % n as u64) as usize
}

/// A finished (or partly failed) run.
pub struct RunSummary {
    pub path: PathBuf,
    pub results: ResultsFile,
    pub failed_cells: usize,
    pub skipped_cells: usize,
    pub wall: Duration,
}

/// `results/<stem>-YYYYMMDDTHHMMSSZ.json`, unique within the directory.
pub fn default_results_path(dir: &Path, stem: &str) -> PathBuf {
    let stamp: String = now_rfc3339().chars().filter(|c| c.is_ascii_alphanumeric()).collect();
    let mut path = dir.join(format!("{stem}-{stamp}.json"));
    let mut n = 1;
    while path.exists() {
        n += 1;
        path = dir.join(format!("{stem}-{stamp}-{n}.json"));
    }
    path
}

/// The parts of a results file every command fills the same way.
pub fn new_results(profile: Profile, in_process: bool, options: &EngineOptions, engine_ids: &[&str]) -> ResultsFile {
    let all = engines::describe_all(options);
    ResultsFile {
        schema: SCHEMA.into(),
        schema_version: SCHEMA_VERSION,
        run_id: format!("{}-{}", now_rfc3339(), std::process::id()),
        started_at: now_rfc3339(),
        finished_at: None,
        complete: false,
        command: std::env::args().collect(),
        profile,
        isolation: if in_process { "in-process" } else { "worker-process" }.into(),
        engine_options: options.clone(),
        environment: Environment::capture(&std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))),
        engines: all.into_iter().filter(|e| engine_ids.contains(&e.id.as_str())).collect(),
        corpus: None,
        scenarios_selected: vec![],
        time_budget_s: None,
        budget_scale: None,
        shard: None,
        merged_from: vec![],
        scenarios: Scenarios::default(),
        conformance: None,
    }
}

/// One unit of work of a run.
enum Planned {
    Workload(WorkloadJob),
    Process { cell: CellSpec, module: ModuleEntry },
    CallOverhead(CallOverheadJob),
    Engine(EngineJob),
    SandboxTax(SandboxTaxJob),
}

impl Planned {
    fn label(&self) -> String {
        let cell_label = |c: &CellSpec, what: &str| {
            format!(
                "{what} {}{} on {}",
                c.workload,
                c.size.map(|s| format!(" ({})", s.name())).unwrap_or_default(),
                c.engine
            )
        };
        match self {
            Planned::Workload(j) => cell_label(
                &j.cell,
                match j.task {
                    WorkloadTask::Throughput(_) => "throughput",
                    WorkloadTask::Latency(_) => "latency",
                    WorkloadTask::ColdStart(_) => "cold-start",
                },
            ),
            Planned::Process { cell, .. } => cell_label(cell, "process-start"),
            Planned::CallOverhead(j) => {
                format!("{} on {}", if j.modes.sample { "call-overhead" } else { "call-overhead latency" }, j.engine)
            }
            Planned::Engine(j) => match j.task {
                EngineTask::Memory(_) => format!("memory on {}", j.cell.engine),
                EngineTask::Density(_) => cell_label(&j.cell, "density"),
                EngineTask::Concurrency(_) => cell_label(&j.cell, "concurrency"),
            },
            Planned::SandboxTax(j) => cell_label(&j.cell, &format!("sandbox-tax {}", j.limits.label())),
        }
    }

    /// Upper estimate of the cell's duration, for fitting a time budget.
    fn estimate_ms(&self) -> u64 {
        const PROCESS_MS: u64 = 300;
        match self {
            Planned::Workload(j) => {
                PROCESS_MS
                    + match &j.task {
                        WorkloadTask::Throughput(p) => {
                            p.warmup_ms + p.max_cell_ms.min(p.samples as u64 * p.sample_target_ms * 2)
                        }
                        WorkloadTask::Latency(p) => p.warmup_ms + p.max_ms,
                        WorkloadTask::ColdStart(p) => p.max_cell_ms / 2,
                    }
            }
            Planned::Process { .. } => PROCESS_MS * 2,
            Planned::CallOverhead(j) => {
                let benches = 5 + j.plan.data_sizes.len() as u64;
                let per = j.plan.warmup_ms
                    + if j.modes.sample {
                        j.plan.max_bench_ms.min(j.plan.samples as u64 * j.plan.sample_target_ms * 2)
                    } else {
                        0
                    }
                    + if j.modes.latency { j.plan.max_bench_ms / 2 } else { 0 };
                PROCESS_MS + benches * per
            }
            Planned::Engine(j) => {
                PROCESS_MS
                    + match &j.task {
                        EngineTask::Memory(_) => 1_500,
                        EngineTask::Density(p) => p.max_fill_ms / 2 + 2 * p.rate_ms + 500,
                        EngineTask::Concurrency(p) => p.threads.len() as u64 * p.ms_per_level + 500,
                    }
            }
            Planned::SandboxTax(j) => {
                let p = &j.plan;
                PROCESS_MS
                    + 1_000
                    + 2 * (p.warmup_ms + p.rounds as u64 * p.samples_per_round as u64 * p.sample_target_ms)
            }
        }
    }
}

fn cell_spec(
    corpus: &Corpus,
    module: &ModuleEntry,
    engine: &str,
    size: Option<Size>,
    options: &EngineOptions,
) -> Result<CellSpec> {
    let input = size.and_then(|s| module.inputs.iter().find(|i| i.size == s));
    Ok(CellSpec {
        engine: engine.to_string(),
        options: options.clone(),
        workload: module.name.clone(),
        size,
        wasm_path: std::path::absolute(corpus.dir.join(&module.file))?,
        input_sha256: input.map(|i| i.sha256.clone()),
        expected_checksum: input.map(|i| i.expected_checksum.clone()),
    })
}

fn plan_cells(
    corpus: &Corpus,
    workloads: &[String],
    engine_ids: &[&str],
    profile: &Profile,
    scenarios: &[Scenario],
    options: &EngineOptions,
) -> Result<Vec<Planned>> {
    let mut cells = Vec::new();
    let modules: Vec<&ModuleEntry> = workloads
        .iter()
        .map(|name| corpus.module(name).ok_or_else(|| anyhow::anyhow!("workload `{name}` is not in the corpus")))
        .collect::<Result<_>>()?;
    let sizes_of = |m: &ModuleEntry| -> Vec<Option<Size>> {
        match m.kind {
            ModuleKind::Adversarial => vec![None],
            _ => profile.sizes.iter().copied().map(Some).collect(),
        }
    };
    let mut workload_scenario = |task: &dyn Fn() -> WorkloadTask| -> Result<()> {
        for m in &modules {
            for size in sizes_of(m) {
                for engine in engine_ids {
                    cells.push(Planned::Workload(WorkloadJob {
                        cell: cell_spec(corpus, m, engine, size, options)?,
                        task: task(),
                    }));
                }
            }
        }
        Ok(())
    };
    if scenarios.contains(&Scenario::Throughput) {
        workload_scenario(&|| WorkloadTask::Throughput(profile.throughput.clone()))?;
    }
    if scenarios.contains(&Scenario::Latency) {
        let plan = profile.latency.clone().expect("profiles define every plan");
        workload_scenario(&|| WorkloadTask::Latency(plan.clone()))?;
    }
    if scenarios.contains(&Scenario::ColdStart) {
        let plan = profile.cold_start.clone().expect("profiles define every plan");
        workload_scenario(&|| WorkloadTask::ColdStart(plan.clone()))?;
        // Process cold start: small inputs of the Rust workloads.
        for m in modules.iter().filter(|m| m.kind == ModuleKind::RustWorkload) {
            for engine in engine_ids {
                cells.push(Planned::Process {
                    cell: cell_spec(corpus, m, engine, Some(Size::Small), options)?,
                    module: (*m).clone(),
                });
            }
        }
    }
    // Engine-level scenarios serve one workload: the profile's, or the first selected one.
    let host = modules
        .iter()
        .find(|m| Some(&m.name) == profile.host_workload.as_ref())
        .or_else(|| modules.iter().find(|m| m.kind == ModuleKind::RustWorkload));
    let corpus_dir = std::path::absolute(&corpus.dir)?;
    if let Some(host) = host {
        let engine_scenarios = [
            (Scenario::Memory, profile.memory.clone().map(EngineTask::Memory)),
            (Scenario::Density, profile.density.clone().map(EngineTask::Density)),
            (Scenario::Concurrency, profile.concurrency.clone().map(EngineTask::Concurrency)),
        ];
        for (scenario, task) in engine_scenarios {
            let Some(task) = task.filter(|_| scenarios.contains(&scenario)) else { continue };
            for engine in engine_ids {
                // Native code has no instances to count or create.
                if *engine == "native" && scenario != Scenario::Concurrency {
                    continue;
                }
                cells.push(Planned::Engine(EngineJob {
                    cell: cell_spec(corpus, host, engine, Some(Size::Small), options)?,
                    corpus_dir: corpus_dir.clone(),
                    task: task.clone(),
                }));
            }
        }
    }
    if let Some(plan) = profile.sandbox_tax.clone().filter(|_| scenarios.contains(&Scenario::SandboxTax)) {
        for m in modules.iter().filter(|m| m.kind == ModuleKind::RustWorkload) {
            for size in &profile.sizes {
                for engine in engine_ids {
                    for limits in crate::scenarios::sandbox_tax::limits_for(engine) {
                        cells.push(Planned::SandboxTax(SandboxTaxJob {
                            cell: cell_spec(corpus, m, engine, Some(*size), options)?,
                            limits,
                            plan: plan.clone(),
                        }));
                    }
                }
            }
        }
    }
    let sample = scenarios.contains(&Scenario::CallOverhead);
    let latency = scenarios.contains(&Scenario::Latency);
    if sample || latency {
        for engine in engine_ids {
            cells.push(Planned::CallOverhead(CallOverheadJob {
                engine: engine.to_string(),
                options: options.clone(),
                corpus_dir: std::path::absolute(&corpus.dir)?,
                plan: profile.call_overhead.clone().expect("profiles define every plan"),
                modes: Modes { sample, latency },
            }));
        }
    }
    Ok(cells)
}

/// Splits a cell's outcome into status, error and the output `pick` accepts; `None` means the
/// cell was not run (skipped for the time budget).
fn settle<T>(
    outcome: Option<Outcome>,
    skip_reason: impl FnOnce() -> Option<String>,
    pick: impl FnOnce(JobOutput) -> Result<T, Box<JobOutput>>,
) -> (CellStatus, Option<String>, Option<T>) {
    match outcome {
        None => (CellStatus::Skipped, skip_reason(), None),
        Some(Outcome::Failed(e)) => (CellStatus::Failed, Some(e), None),
        Some(Outcome::Ok(output)) => match pick(output) {
            Ok(v) => (CellStatus::Ok, None, Some(v)),
            Err(other) => {
                let text: String = format!("{other:?}").chars().take(120).collect();
                (CellStatus::Failed, Some(format!("unexpected worker output {text}")), None)
            }
        },
    }
}

/// Process cold start of one engine on one workload, measured from this process.
/// A process-start record for a cell, with nothing measured yet.
fn process_record(cell: &CellSpec, status: CellStatus, error: Option<String>) -> ProcessStartCell {
    ProcessStartCell {
        workload: cell.workload.clone(),
        size: Size::Small,
        engine: cell.engine.clone(),
        status,
        error,
        path: ProcessPath::Native,
        command: vec![],
        samples_ns: vec![],
        summary: None,
    }
}

fn process_start(
    cell: &CellSpec,
    module: &ModuleEntry,
    samples: usize,
    timeout: Duration,
    scratch: &Path,
) -> ProcessStartCell {
    let expected = cell.expected_checksum.clone().unwrap_or_default();
    let mut record = process_record(cell, CellStatus::Failed, None);
    let outcome = (|| -> Result<Vec<u64>> {
        // A lean binary of its own (no conformance code, no WASI layers), so the process start
        // measured is the runtime's, not the harness's.
        let exe =
            crate::executor::subprocess::sibling_binary("wasmgauge-once", "WASMGAUGE_ONCE")?.display().to_string();
        let wasm = cell.wasm_path.display().to_string();
        record.command = match cell.engine.as_str() {
            "subprocess" => cold_start::runner_once_command(&module.name)?,
            "native" => {
                vec![exe, "--engine".into(), "native".into(), "--workload".into(), module.name.clone()]
            }
            engine => {
                let mut cmd = vec![
                    exe.clone(),
                    "--engine".into(),
                    engine.into(),
                    "--workload".into(),
                    module.name.clone(),
                    "--wasm".into(),
                    wasm,
                ];
                let artifact = scratch.join(format!("{engine}-{}.artifact", module.name));
                let made = std::process::Command::new(&exe)
                    .args(&cmd[1..])
                    .arg("--write-artifact")
                    .arg(&artifact)
                    .stderr(std::process::Stdio::null())
                    .status()?;
                if made.success() {
                    record.path = ProcessPath::Artifact;
                    cmd.push("--artifact".into());
                    cmd.push(artifact.display().to_string());
                } else {
                    record.path = ProcessPath::Compile;
                }
                cmd
            }
        };
        cold_start::time_processes(&record.command, &expected, samples, timeout)
    })();
    match outcome {
        Ok(samples) => {
            let xs: Vec<f64> = samples.iter().map(|&v| v as f64).collect();
            record.summary = Some(stats::summarize(&xs));
            record.samples_ns = samples;
            record.status = CellStatus::Ok;
        }
        Err(e) => record.error = Some(format!("{e:#}")),
    }
    record
}

fn verdict(status: CellStatus, error: &Option<String>, ok: impl FnOnce() -> String) -> String {
    match status {
        CellStatus::Ok => ok(),
        CellStatus::Skipped => "skipped".into(),
        CellStatus::Failed => format!("FAILED: {}", error.as_deref().unwrap_or("")),
    }
}

pub fn run(req: &RunRequest) -> Result<RunSummary> {
    let started = Instant::now();
    let corpus = Corpus::load(&req.corpus)?;
    let engine_ids = engines::resolve(&req.engines)?;
    let workloads = corpus.resolve_workloads(&req.workloads)?;
    let scenarios: Vec<Scenario> =
        if req.scenarios.is_empty() { Scenario::ALL.to_vec() } else { req.scenarios.clone() };
    let mut profile = Profile::get(req.profile);
    if !req.sizes.is_empty() {
        profile.sizes = req.sizes.clone();
    }
    if let Some(t) = req.timeout_s {
        profile.cell_timeout_s = t;
    }
    if let (Some(budget), Some(d)) = (req.memory_budget, profile.density.as_mut()) {
        d.memory_budget_bytes = budget;
    }
    if let Some((i, n)) = req.shard
        && (n == 0 || i == 0 || i > n)
    {
        bail!("--shard must be I/N with 1 <= I <= N, got {i}/{n}");
    }
    let in_shard = |c: &Planned| req.shard.is_none_or(|(i, n)| shard_of(&c.label(), n) == i - 1);
    let mut cells = plan_cells(&corpus, &workloads, &engine_ids, &profile, &scenarios, &req.options)?;
    cells.retain(in_shard);
    let mut scale = None;
    if let Some(budget) = req.time_budget_s {
        if budget == 0 {
            bail!("--time-budget must be at least 1 second");
        }
        let planned: u64 = cells.iter().map(Planned::estimate_ms).sum();
        let factor = (0.85 * budget as f64 * 1000.0 / planned.max(1) as f64).min(1.0);
        if factor < 1.0 {
            profile = profile.scaled(factor);
            cells = plan_cells(&corpus, &workloads, &engine_ids, &profile, &scenarios, &req.options)?;
            cells.retain(in_shard);
        }
        scale = Some(factor);
    }
    let deadline = req.time_budget_s.map(|b| started + Duration::from_secs(b));
    let timeout = Duration::from_secs(profile.cell_timeout_s);
    let process_samples = profile.cold_start.as_ref().map(|c| c.process_samples).unwrap_or(0);

    let mut results = new_results(profile, req.in_process, &req.options, &engine_ids);
    results.corpus = Some(CorpusRecord {
        dir: corpus.dir.display().to_string(),
        manifest_sha256: corpus.manifest_sha256()?,
        modules: corpus.manifest.modules.iter().map(|m| (m.name.clone(), m.sha256.clone())).collect(),
    });
    results.scenarios_selected = scenarios.clone();
    results.time_budget_s = req.time_budget_s;
    results.budget_scale = scale;
    results.shard = req.shard.map(|(i, n)| format!("{i}/{n}"));
    let sc = &mut results.scenarios;
    if scenarios.contains(&Scenario::Throughput) {
        sc.throughput = Some(ThroughputSection { cells: vec![], engine_geomeans: vec![] });
    }
    if scenarios.contains(&Scenario::Latency) {
        sc.latency = Some(LatencySection::default());
    }
    if scenarios.contains(&Scenario::ColdStart) {
        sc.cold_start = Some(ColdStartSection::default());
    }
    if scenarios.contains(&Scenario::CallOverhead) {
        sc.call_overhead = Some(CallOverheadSection::default());
    }
    if scenarios.contains(&Scenario::Memory) {
        sc.memory = Some(MemorySection::default());
    }
    if scenarios.contains(&Scenario::Density) {
        sc.density = Some(DensitySection::default());
    }
    if scenarios.contains(&Scenario::Concurrency) {
        sc.concurrency = Some(ConcurrencySection::default());
    }
    if scenarios.contains(&Scenario::SandboxTax) {
        sc.sandbox_tax = Some(SandboxTaxSection::default());
    }
    let path = req.out.clone().unwrap_or_else(|| default_results_path(&req.results_dir, "run"));
    results.save(&path)?;
    eprintln!(
        "wasmgauge: {} cells ({} workloads x {} engines; scenarios: {}), results -> {}",
        cells.len(),
        workloads.len(),
        engine_ids.len(),
        scenarios.iter().map(|s| format!("{s:?}")).collect::<Vec<_>>().join(", "),
        path.display()
    );
    let scratch = tempfile::tempdir()?;
    let mut progress = Progress::new(cells.len() as u64);
    let (mut failed, mut skipped) = (0, 0);
    for planned in cells {
        let label = planned.label();
        progress.start(&label);
        let cell_start = Instant::now();
        let out_of_time = deadline.is_some_and(|d| Instant::now() >= d);
        let skip_reason = || Some(format!("time budget of {} s used up", req.time_budget_s.unwrap_or(0)));
        let wall_ms = |start: Instant| start.elapsed().as_millis() as u64;
        let status_of_cell;
        let text;
        match planned {
            Planned::Workload(job) => {
                let outcome = if out_of_time {
                    None
                } else {
                    Some(isolation::run(&Job::Workload(job.clone()), timeout, req.in_process))
                };
                let cell = job.cell;
                let sc = &mut results.scenarios;
                match job.task {
                    WorkloadTask::Throughput(_) => {
                        let (status, error, measurement) = settle(outcome, skip_reason, |o| match o {
                            JobOutput::Throughput(m) => Ok(m),
                            other => Err(Box::new(other)),
                        });
                        text = verdict(status, &error, || {
                            let m = measurement.as_ref().expect("ok has a measurement");
                            format!(
                                "{} per call ({} calls verified)",
                                crate::output::fmt_ns(m.median_ns_per_call),
                                m.verified_calls
                            )
                        });
                        status_of_cell = status;
                        sc.throughput.as_mut().expect("section").cells.push(ThroughputCell {
                            workload: cell.workload,
                            size: cell.size,
                            engine: cell.engine,
                            status,
                            error,
                            expected_checksum: cell.expected_checksum,
                            measurement,
                            wall_ms: wall_ms(cell_start),
                            ratio_to_native: None,
                        });
                    }
                    WorkloadTask::Latency(_) => {
                        let (status, error, record) = settle(outcome, skip_reason, |o| match o {
                            JobOutput::Latency(r) => Ok(r),
                            other => Err(Box::new(other)),
                        });
                        text = verdict(status, &error, || {
                            let r = record.as_ref().expect("ok has a record");
                            format!(
                                "p50 {} p99 {}",
                                crate::output::fmt_ns(r.p50_ns as f64),
                                crate::output::fmt_ns(r.p99_ns as f64)
                            )
                        });
                        status_of_cell = status;
                        sc.latency.as_mut().expect("section").cells.push(LatencyCell {
                            engine: cell.engine,
                            kind: "workload".into(),
                            target: cell.workload,
                            size: cell.size,
                            status,
                            error,
                            record,
                        });
                    }
                    WorkloadTask::ColdStart(_) => {
                        let (status, error, measurement) = settle(outcome, skip_reason, |o| match o {
                            JobOutput::ColdStart(m) => Ok(*m),
                            other => Err(Box::new(other)),
                        });
                        text = verdict(status, &error, || {
                            let m = measurement.as_ref().expect("ok has a measurement");
                            format!(
                                "end to end {}",
                                crate::output::fmt_ns(m.end_to_end.median_ns().unwrap_or(f64::NAN))
                            )
                        });
                        status_of_cell = status;
                        sc.cold_start.as_mut().expect("section").cells.push(ColdStartCell {
                            workload: cell.workload,
                            size: cell.size,
                            engine: cell.engine,
                            status,
                            error,
                            measurement,
                            wall_ms: wall_ms(cell_start),
                        });
                    }
                }
            }
            Planned::Process { cell, module } => {
                let record = if out_of_time {
                    process_record(&cell, CellStatus::Skipped, skip_reason())
                } else if req.in_process {
                    process_record(&cell, CellStatus::Skipped, Some("not measured with --in-process".into()))
                } else {
                    process_start(&cell, &module, process_samples, timeout, scratch.path())
                };
                text = verdict(record.status, &record.error, || {
                    crate::output::fmt_ns(record.summary.as_ref().map(|s| s.median.value).unwrap_or(f64::NAN))
                });
                status_of_cell = record.status;
                results.scenarios.cold_start.as_mut().expect("section").process.push(record);
            }
            Planned::CallOverhead(job) => {
                let outcome = if out_of_time {
                    None
                } else {
                    Some(isolation::run(&Job::CallOverhead(job.clone()), timeout, req.in_process))
                };
                let (status, error, measurement) = settle(outcome, skip_reason, |o| match o {
                    JobOutput::CallOverhead(m) => Ok(m),
                    other => Err(Box::new(other)),
                });
                let bench_errors: Vec<String> = measurement
                    .iter()
                    .flat_map(|m| m.benches.iter())
                    .filter_map(|b| b.error.as_ref().map(|e| format!("{}: {e}", b.label())))
                    .collect();
                let status =
                    if status == CellStatus::Ok && !bench_errors.is_empty() { CellStatus::Failed } else { status };
                let error = error.or_else(|| (!bench_errors.is_empty()).then(|| bench_errors.join("; ")));
                text = verdict(status, &error, || {
                    format!("{} benchmarks", measurement.as_ref().map_or(0, |m| m.benches.len()))
                });
                status_of_cell = status;
                let sc = &mut results.scenarios;
                if let Some(latency) = sc.latency.as_mut().filter(|_| job.modes.latency) {
                    for b in measurement.iter().flat_map(|m| m.benches.iter()).filter(|b| b.not_applicable.is_none()) {
                        latency.cells.push(LatencyCell {
                            engine: job.engine.clone(),
                            kind: "call-overhead".into(),
                            target: b.label(),
                            size: None,
                            status: if b.latency.is_some() { CellStatus::Ok } else { CellStatus::Failed },
                            error: b.error.clone().or_else(|| error.clone()),
                            record: b.latency.clone(),
                        });
                    }
                }
                if let Some(section) = sc.call_overhead.as_mut().filter(|_| job.modes.sample) {
                    section.cells.push(CallOverheadCell {
                        engine: job.engine,
                        status,
                        error,
                        measurement,
                        wall_ms: wall_ms(cell_start),
                    });
                }
            }
            Planned::Engine(job) => {
                let outcome = if out_of_time {
                    None
                } else {
                    Some(isolation::run(&Job::Engine(job.clone()), timeout, req.in_process))
                };
                let engine = job.cell.engine.clone();
                let sc = &mut results.scenarios;
                let fmt_b = crate::output::fmt_bytes;
                (status_of_cell, text) = match job.task {
                    EngineTask::Memory(_) => {
                        let (status, error, m) = settle(outcome, skip_reason, |o| match o {
                            JobOutput::Memory(m) => Ok(m),
                            other => Err(Box::new(other)),
                        });
                        let text = verdict(status, &error, || match m.as_ref().expect("ok") {
                            crate::scenarios::memory::MemoryOutput::Instances(x) => {
                                format!("{} per instance", fmt_b(x.bytes_per_instance))
                            }
                            crate::scenarios::memory::MemoryOutput::Process(p) => {
                                format!("process RSS {}", fmt_b(p.usage.rss_bytes as f64))
                            }
                        });
                        let cell = EngineCell { engine, status, error, measurement: m, wall_ms: wall_ms(cell_start) };
                        sc.memory.as_mut().expect("section").cells.push(cell);
                        (status, text)
                    }
                    EngineTask::Density(_) => {
                        let (status, error, m) = settle(outcome, skip_reason, |o| match o {
                            JobOutput::Density(m) => Ok(m),
                            other => Err(Box::new(other)),
                        });
                        let text = verdict(status, &error, || {
                            let d = m.as_ref().expect("ok");
                            format!(
                                "{} live ({}), {:.0}/s",
                                d.live_instances, d.stopped_by, d.instantiate_per_s_one_thread
                            )
                        });
                        let cell = EngineCell { engine, status, error, measurement: m, wall_ms: wall_ms(cell_start) };
                        sc.density.as_mut().expect("section").cells.push(cell);
                        (status, text)
                    }
                    EngineTask::Concurrency(_) => {
                        let (status, error, m) = settle(outcome, skip_reason, |o| match o {
                            JobOutput::Concurrency(m) => Ok(m),
                            other => Err(Box::new(other)),
                        });
                        let text = verdict(status, &error, || {
                            let c = m.as_ref().expect("ok");
                            let best = c.points.iter().map(|p| p.requests_per_s).fold(0.0, f64::max);
                            format!("up to {best:.0} requests/s")
                        });
                        let cell = EngineCell { engine, status, error, measurement: m, wall_ms: wall_ms(cell_start) };
                        sc.concurrency.as_mut().expect("section").cells.push(cell);
                        (status, text)
                    }
                };
            }
            Planned::SandboxTax(job) => {
                let outcome = if out_of_time {
                    None
                } else {
                    Some(isolation::run(&Job::SandboxTax(job.clone()), timeout, req.in_process))
                };
                let (status, error, m) = settle(outcome, skip_reason, |o| match o {
                    JobOutput::SandboxTax(m) => Ok(m),
                    other => Err(Box::new(other)),
                });
                text = verdict(status, &error, || format!("x{:.3}", m.as_ref().expect("ok").ratio.value));
                status_of_cell = status;
                results.scenarios.sandbox_tax.as_mut().expect("section").cells.push(SandboxTaxCell {
                    workload: job.cell.workload,
                    size: job.cell.size.unwrap_or(Size::Small),
                    engine: job.cell.engine,
                    limit: job.limits.label(),
                    status,
                    error,
                    measurement: m,
                    wall_ms: wall_ms(cell_start),
                });
            }
        }
        match status_of_cell {
            CellStatus::Failed => failed += 1,
            CellStatus::Skipped => skipped += 1,
            CellStatus::Ok => {}
        }
        progress.finish(&label, &text);
        results.save(&path)?;
    }
    progress.close();
    if let Some(t) = results.scenarios.throughput.as_mut() {
        t.analyze();
    }
    results.complete = true;
    results.finished_at = Some(now_rfc3339());
    results.save(&path)?;
    Ok(RunSummary { path, results, failed_cells: failed, skipped_cells: skipped, wall: started.elapsed() })
}
