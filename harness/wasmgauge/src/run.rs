//! The `run` command over the corpus: the generic runner. It plans the cells of every
//! selected scenario from the scenario registry (`measure::scenarios::REGISTRY`) and the subject
//! registry, runs each in a fresh process of its subject's driver (or, for process starts, from
//! here), lets the scenario record each outcome, saves the results file after every cell, and
//! hands the finished file back for printing. It names no scenario.
//!
//! `--time-budget` first scales every time cap so the planned total fits in 85% of the budget,
//! then, as a hard cap, records any cell not started before the deadline as skipped.
use crate::environment;
use crate::progress::Progress;
use crate::registry::Subject;
use crate::subjects::Subjects;
use anyhow::{Context, Result, bail};
use measure::scenario::{Orchestrator, Outcome, Place, PlannedCell, RunPlan};
use measure::scenarios::REGISTRY;
use protocol::client::Launcher;
use protocol::{MeasureRequest, Request};
use results::manifest::Corpus;
use results::plans::{Profile, ProfileName};
use results::*;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the user asked `run` for.
#[derive(Clone, Debug)]
pub struct RunRequest {
    pub profile: ProfileName,
    pub scenarios: Vec<String>,
    pub engines: Vec<String>,
    pub workloads: Vec<String>,
    pub sizes: Vec<Size>,
    pub corpus: PathBuf,
    pub out: Option<PathBuf>,
    pub results_dir: PathBuf,
    pub timeout_s: Option<u64>,
    pub time_budget_s: Option<u64>,
    pub options: EngineOptions,
    /// Density's memory budget in bytes (default: the profile's, 1 GiB).
    pub memory_budget: Option<u64>,
    /// `(I, N)`: run only shard I of N (1-based), a deterministic slice of the matrix.
    pub shard: Option<(usize, usize)>,
    /// Seed of the rounds' order and the processes' layouts (default: drawn from the clock).
    pub seed: Option<u64>,
    /// `--threads`: the scaling scenarios' thread levels (default: the machine's).
    pub threads: Option<Vec<usize>>,
    /// `--suite PATH`: the benchmarks the `suite` scenario runs.
    pub suite: Option<PathBuf>,
    /// `--measure instructions`: the suite's cells count under Valgrind instead of timing.
    pub count_instructions: bool,
}

/// The machine's limits in one line, as a run prints them before its first cell.
fn limits_line(l: &results::environment::MachineLimits) -> String {
    let copies: Vec<String> = l
        .copy
        .iter()
        .map(|c| format!("{} {:.1} GB/s", results::format::fmt_bytes(c.bytes as f64), c.mb_per_s / 1e3))
        .collect();
    format!(
        "limits: memory copy {}; clock resolution {:.0} ns; empty system call {:.0} ns (figures beyond them are flagged)",
        copies.join(", "),
        l.clock_resolution_ns,
        l.empty_syscall_ns
    )
}

/// Which shard (0-based) of `n` a cell belongs to: from a hash of its label, so every machine
/// slices the same matrix the same way, whatever order cells are planned in.
pub fn shard_of(label: &str, n: usize) -> usize {
    (u64::from_le_bytes(sha2_8(label)) % n as u64) as usize
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

/// The parts of a results file every command fills the same way, for `subjects`.
pub fn new_results(
    profile: Profile,
    options: &EngineOptions,
    registry: &Subjects,
    subjects: &[&Subject],
) -> Result<ResultsFile> {
    let mut environment = environment::capture(&std::env::current_dir().unwrap_or_else(|_| PathBuf::from(".")));
    environment.runtimes = registry.runtimes(subjects);
    Ok(ResultsFile {
        schema: SCHEMA.into(),
        schema_version: SCHEMA_VERSION,
        run_id: format!("{}-{}", now_rfc3339(), std::process::id()),
        started_at: now_rfc3339(),
        finished_at: None,
        complete: false,
        command: std::env::args().collect(),
        profile,
        isolation: "driver-process".into(),
        engine_options: options.clone(),
        environment,
        engines: registry.infos(subjects)?,
        corpus: None,
        scenarios_selected: vec![],
        time_budget_s: None,
        budget_scale: None,
        shard: None,
        merged_from: vec![],
        scenarios: Scenarios::default(),
        conformance: None,
        schedule: None,
    })
}

/// The scenario names asked for, checked against the registry (all defaults when none).
pub fn resolve_scenarios(requested: &[String]) -> Result<Vec<String>> {
    if requested.is_empty() {
        return Ok(measure::scenarios::defaults().into_iter().map(String::from).collect());
    }
    let known: Vec<&str> = REGISTRY.iter().map(|s| s.name()).collect();
    for s in requested {
        if !known.contains(&s.as_str()) {
            bail!("unknown scenario `{s}`; scenarios: {}", known.join(", "));
        }
    }
    Ok(requested.to_vec())
}

/// The benchmarks of `--suite PATH`, each module checked as a WASI command (WASI preview 1 and
/// Sightglass's `bench` imports only, a `_start`): a suite of one such module is an error; in a
/// larger suite (Sightglass's own holds a component and wasi-nn guests) the module's cells are
/// unsupported, with the reason. The `suite` scenario without a suite is an error.
fn load_suite(path: Option<&Path>, scenarios: &[String]) -> Result<Vec<measure::suite::SuiteBenchmark>> {
    let Some(path) = path else {
        if scenarios.iter().any(|s| s == ids::SUITE) {
            bail!("the `{}` scenario runs the benchmarks of --suite PATH: name a suite", ids::SUITE);
        }
        return Ok(Vec::new());
    };
    let mut suite = measure::suite::load(path)?;
    let one = suite.len() == 1;
    for b in &mut suite {
        if let Err(e) = crate::wasi_command::load_command(&b.wasm) {
            if one {
                return Err(e.context(format!("benchmark `{}`", b.name)));
            }
            eprintln!("suite: {}: unsupported: {e:#}", b.name);
            b.refused = Some(format!("{e:#}"));
        }
    }
    Ok(suite)
}

/// Writes every selected workload's input for every size into `dir` (the drivers read them
/// there), checked against the manifest; returns where each is.
fn write_inputs(
    corpus: &Corpus,
    workloads: &[String],
    sizes: &[Size],
    dir: &Path,
) -> Result<Vec<(String, Size, PathBuf)>> {
    let mut out = Vec::new();
    for name in workloads {
        let Some(w) = wg_workloads::rust_workload(name) else { continue };
        let module = corpus.module(name).context("workload not in the corpus")?;
        for size in sizes {
            let input = w.input_for(*size);
            if let Some(entry) = module.inputs.iter().find(|i| i.size == *size)
                && results::manifest::sha256_hex(&input) != entry.sha256
            {
                bail!(
                    "the generated input of `{name}` ({}) differs from the corpus's; rebuild the corpus",
                    size.name()
                );
            }
            let path = dir.join(format!("{name}-{}.input", size.name()));
            std::fs::write(&path, &input).with_context(|| format!("writing {}", path.display()))?;
            out.push((name.clone(), *size, path));
        }
    }
    Ok(out)
}

/// The first 8 bytes of the sha256 of `text` (a scenario's own stream of the run's seed).
fn sha2_8(text: &str) -> [u8; 8] {
    use sha2::Digest;
    sha2::Sha256::digest(text.as_bytes())[..8].try_into().expect("8 bytes")
}

/// What a scenario measuring from here (process starts) can ask for.
pub struct Here<'a> {
    pub subjects: &'a Subjects,
    pub scratch: &'a Path,
    pub timeout: Duration,
}

impl Orchestrator for Here<'_> {
    fn once_binary(&self, subject: &str) -> Result<PathBuf> {
        self.subjects.once_of(subject)
    }
    fn runner_binary(&self) -> Result<PathBuf> {
        crate::drivers::runner_executable()
    }
    fn scratch(&self) -> &Path {
        self.scratch
    }
    fn timeout(&self) -> Duration {
        self.timeout
    }
    fn call(&self, subject: &str, request: &Request, timeout: Duration) -> Result<serde_json::Value> {
        use protocol::client::Launcher;
        self.subjects.call(subject, request, timeout).map_err(|e| anyhow::anyhow!("{e}"))
    }
    fn call_wrapped(
        &self,
        subject: &str,
        wrapper: &[String],
        request: &Request,
        timeout: Duration,
    ) -> Result<serde_json::Value> {
        let exe = self.subjects.executable_of(subject)?;
        protocol::client::call_wrapped(wrapper, &exe, request, timeout).map_err(|e| anyhow::anyhow!("{e}"))
    }
}

/// Runs one planned cell where it belongs, in its subject's driver (started with `layout`, when
/// given) or from here.
pub fn measure_cell(
    subjects: &Subjects,
    cell: &PlannedCell,
    here: &dyn Orchestrator,
    timeout: Duration,
    layout: Option<measurements::Layout>,
) -> Outcome {
    let start = Instant::now();
    let scenario = measure::scenarios::find(cell.scenario).expect("planned by a registered scenario");
    let result = match cell.place {
        Place::Driver => {
            let request = Request::Measure(MeasureRequest {
                scenario: cell.scenario.to_string(),
                subject: cell.subject.clone(),
                options: cell.options.clone(),
                cell: cell.cell.clone(),
            });
            match layout {
                Some(layout) => here
                    .call_wrapped(&cell.subject, &crate::rounds::layout_wrapper(layout), &request, timeout)
                    .map_err(|e| format!("{e:#}")),
                None => subjects.call(&cell.subject, &request, timeout).map_err(|e| e.to_string()),
            }
        }
        Place::Orchestrator => scenario.measure_here(cell, here).map_err(|e| format!("{e:#}")),
    };
    let wall_ms = start.elapsed().as_millis() as u64;
    match result {
        Ok(output) => Outcome::Done { output, wall_ms },
        Err(error) => Outcome::Failed { error, wall_ms },
    }
}

pub fn run(req: &RunRequest, subjects: &Subjects) -> Result<RunSummary> {
    let started = Instant::now();
    let scenarios = resolve_scenarios(&req.scenarios)?;
    let suite = load_suite(req.suite.as_deref(), &scenarios)?;
    let corpus = Corpus::load(&req.corpus)?;
    let chosen = subjects.resolve_for(req.profile, &req.engines)?;
    let workloads = corpus.resolve_workloads(&req.workloads)?;
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
    if let Some(levels) = &req.threads {
        if levels.is_empty() || levels.contains(&0) {
            bail!("--threads takes thread counts of at least 1, e.g. 1,2,4,8 (got {levels:?})");
        }
        if let Some(c) = profile.concurrency.as_mut() {
            c.threads = levels.clone();
        }
        if let Some(d) = profile.density.as_mut() {
            d.threads = levels.clone();
        }
    }
    if let Some((i, n)) = req.shard
        && (n == 0 || i == 0 || i > n)
    {
        bail!("--shard must be I/N with 1 <= I <= N, got {i}/{n}");
    }
    if req.time_budget_s == Some(0) {
        bail!("--time-budget must be at least 1 second");
    }
    let mut results = new_results(profile.clone(), &req.options, subjects, &chosen)?;
    let scratch = tempfile::tempdir()?;
    let inputs = write_inputs(&corpus, &workloads, &profile.sizes, scratch.path())?;
    let input_of = |w: &str, s: Size| inputs.iter().find(|(n, z, _)| n == w && *z == s).map(|(_, _, p)| p.clone());
    let engines = results.engines.clone();
    let plan_with = |profile: &Profile| -> Result<(RunPlan<'_>, Vec<PlannedCell>)> {
        let run = RunPlan {
            corpus: &corpus,
            corpus_dir: std::path::absolute(&corpus.dir)?,
            workloads: workloads.iter().map(|w| corpus.module(w).expect("resolved")).collect(),
            subjects: engines.iter().collect(),
            profile: profile.clone(),
            selected: scenarios.clone(),
            options: &req.options,
            inputs: &input_of,
            scratch: scratch.path().to_path_buf(),
            suite: &suite,
            count_instructions: req.count_instructions,
        };
        let mut cells = Vec::new();
        for s in REGISTRY {
            cells.extend(s.plan(&run.taking_part_in(s.name()))?);
        }
        cells.retain(|c| req.shard.is_none_or(|(i, n)| shard_of(&c.label, n) == i - 1));
        Ok((run, cells))
    };
    let (mut run, mut cells) = plan_with(&profile)?;
    let mut scale = None;
    if let Some(budget) = req.time_budget_s {
        let planned: u64 = cells.iter().map(|c| c.estimate_ms).sum();
        let factor = (0.85 * budget as f64 * 1000.0 / planned.max(1) as f64).min(1.0);
        if factor < 1.0 {
            profile = profile.scaled(factor);
            (run, cells) = plan_with(&profile)?;
        }
        scale = Some(factor);
    }
    let deadline = req.time_budget_s.map(|b| started + Duration::from_secs(b));
    let timeout = Duration::from_secs(profile.cell_timeout_s);
    results.profile = profile.clone();
    results.corpus = Some(CorpusRecord {
        dir: corpus.dir.display().to_string(),
        manifest_sha256: corpus.manifest_sha256()?,
        modules: corpus.manifest.modules.iter().map(|m| (m.name.clone(), m.sha256.clone())).collect(),
        described: corpus.manifest.modules.iter().map(results::CorpusModule::of).collect(),
    });
    results.scenarios_selected = scenarios.clone();
    results.time_budget_s = req.time_budget_s;
    results.budget_scale = scale;
    results.shard = req.shard.map(|(i, n)| format!("{i}/{n}"));
    for s in REGISTRY {
        s.begin(&mut results, &run);
    }
    let path = req.out.clone().unwrap_or_else(|| default_results_path(&req.results_dir, "run"));
    results.save(&path)?;
    eprintln!(
        "wasmgauge: {} cells ({} workloads x {} engines; scenarios: {}), results -> {}",
        cells.len(),
        workloads.len(),
        chosen.len(),
        scenarios.join(", "),
        path.display()
    );
    // A steady machine before the first cell (the probe's figures go into the results file).
    let cap = Duration::from_secs(if req.profile == ProfileName::Quick { 5 } else { 15 });
    let settle = measure::settle::wait(5, 0.02, cap);
    eprintln!(
        "settle: {} after {} ms ({} probe rounds; the last {} within {:.1}%)",
        if settle.steady { "machine steady" } else { "NOT steady, starting anyway" },
        settle.waited_ms,
        settle.rounds,
        settle.window,
        settle.spread * 100.0
    );
    results.environment.settle = Some(settle);
    let limits = measure::limits::measure();
    eprintln!("{}", limits_line(&limits));
    results.environment.limits = Some(limits);
    results.save(&path)?;
    let here = Here { subjects, scratch: scratch.path(), timeout };
    let processes: u64 = cells.iter().map(|c| c.rounds.as_ref().map_or(1, |r| r.processes as u64)).sum();
    let mut progress = Progress::new(processes);
    let (mut failed, mut skipped) = (0, 0);
    let seed = req.seed.unwrap_or_else(|| {
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos() as u64).unwrap_or(0)
    });
    let mut rounds_of: std::collections::BTreeMap<String, usize> = Default::default();
    for c in &cells {
        if let Some(r) = &c.rounds {
            let k = rounds_of.entry(c.scenario.to_string()).or_default();
            *k = (*k).max(r.processes);
        }
    }
    if !rounds_of.is_empty() {
        results.schedule = Some(Schedule { seed, rounds: rounds_of, layout: crate::rounds::LAYOUT_TEXT.to_string() });
    }
    let budget_used = || {
        deadline
            .is_some_and(|d| Instant::now() >= d)
            .then(|| format!("time budget of {} s used up", req.time_budget_s.unwrap_or(0)))
    };
    let mut tally = |status: CellStatus| match status {
        CellStatus::Failed => failed += 1,
        CellStatus::Skipped => skipped += 1,
        CellStatus::Ok | CellStatus::Unsupported => {}
    };
    let mut done_in_rounds: Vec<&'static str> = Vec::new();
    for cell in &cells {
        let scenario = measure::scenarios::find(cell.scenario).expect("planned by a registered scenario");
        if cell.rounds.is_some() {
            if done_in_rounds.contains(&cell.scenario) {
                continue;
            }
            // Every cell of this scenario planned in rounds, measured together (rounds::run_rounds).
            done_in_rounds.push(cell.scenario);
            let block: Vec<&PlannedCell> =
                cells.iter().filter(|c| c.scenario == cell.scenario && c.rounds.is_some()).collect();
            let block_seed = seed ^ u64::from_le_bytes(sha2_8(cell.scenario));
            let runs = crate::rounds::run_rounds(
                &block,
                block_seed,
                &mut progress,
                |c, layout| measure_cell(subjects, c, &here, timeout, Some(layout)),
                budget_used,
            );
            for (c, processes) in block.iter().zip(runs) {
                let outcome = scenario.combine(c, processes);
                let (status, text) = scenario.record(&mut results, c, outcome);
                tally(status);
                progress.say(&format!("{}: {text}", c.label));
            }
            results.save(&path)?;
            continue;
        }
        progress.start(&cell.label);
        let outcome = match budget_used() {
            Some(why) => Outcome::Skipped(why),
            None => measure_cell(subjects, cell, &here, timeout, None),
        };
        let (status, text) = scenario.record(&mut results, cell, outcome);
        tally(status);
        progress.finish(&cell.label, &text);
        results.save(&path)?;
    }
    progress.close();
    for s in REGISTRY {
        s.finish(&mut results);
    }
    results.complete = true;
    results.finished_at = Some(now_rfc3339());
    results.save(&path)?;
    Ok(RunSummary { path, results, failed_cells: failed, skipped_cells: skipped, wall: started.elapsed() })
}
