//! The `run` command over the corpus: builds the workload x size x engine matrix, runs every
//! cell in isolation, saves the results file after each cell, and prints the table.
use crate::corpus::{Corpus, ModuleKind};
use crate::engines::{self, EngineOptions};
use crate::environment::Environment;
use crate::isolation::{self, Job, JobOutput, Outcome, ThroughputJob};
use crate::profile::{Profile, ProfileName};
use crate::progress::Progress;
use crate::results::{
    CellStatus, CorpusRecord, ResultsFile, Scenarios, ThroughputCell, ThroughputSection, now_rfc3339,
};
use crate::workloads::Size;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// What the user asked `run` for.
#[derive(Clone, Debug)]
pub struct RunRequest {
    pub profile: ProfileName,
    pub engines: Vec<String>,
    pub workloads: Vec<String>,
    pub sizes: Vec<Size>,
    pub corpus: PathBuf,
    pub out: Option<PathBuf>,
    pub results_dir: PathBuf,
    pub timeout_s: Option<u64>,
    pub in_process: bool,
    pub options: EngineOptions,
}

/// A finished (or partly failed) run.
pub struct RunSummary {
    pub path: PathBuf,
    pub results: ResultsFile,
    pub failed_cells: usize,
    pub wall: Duration,
}

/// `results/run-YYYYMMDDTHHMMSSZ.json`, unique within the directory.
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
        schema: crate::results::SCHEMA.into(),
        schema_version: crate::results::SCHEMA_VERSION,
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
        scenarios: Scenarios::default(),
    }
}

pub fn run(req: &RunRequest) -> Result<RunSummary> {
    let started = Instant::now();
    let corpus = Corpus::load(&req.corpus)?;
    let engine_ids = engines::resolve(&req.engines)?;
    let workloads = corpus.resolve_workloads(&req.workloads)?;
    let mut profile = Profile::get(req.profile);
    if !req.sizes.is_empty() {
        profile.sizes = req.sizes.clone();
    }
    if let Some(t) = req.timeout_s {
        profile.cell_timeout_s = t;
    }
    let timeout = Duration::from_secs(profile.cell_timeout_s);

    let mut jobs = Vec::new();
    for name in &workloads {
        let Some(module) = corpus.module(name) else { bail!("workload `{name}` is not in the corpus") };
        let sizes: Vec<Option<Size>> = match module.kind {
            ModuleKind::Adversarial => vec![None],
            _ => profile.sizes.iter().copied().map(Some).collect(),
        };
        for size in sizes {
            let input = size.and_then(|s| module.inputs.iter().find(|i| i.size == s));
            for engine in &engine_ids {
                jobs.push(ThroughputJob {
                    engine: engine.to_string(),
                    options: req.options.clone(),
                    workload: name.clone(),
                    size,
                    wasm_path: std::path::absolute(corpus.dir.join(&module.file))?,
                    input_sha256: input.map(|i| i.sha256.clone()),
                    expected_checksum: input.map(|i| i.expected_checksum.clone()),
                    plan: profile.throughput.clone(),
                });
            }
        }
    }

    let mut results = new_results(profile, req.in_process, &req.options, &engine_ids);
    results.corpus = Some(CorpusRecord {
        dir: corpus.dir.display().to_string(),
        manifest_sha256: corpus.manifest_sha256()?,
        modules: corpus.manifest.modules.iter().map(|m| (m.name.clone(), m.sha256.clone())).collect(),
    });
    results.scenarios.throughput = Some(ThroughputSection { cells: Vec::new() });
    let path = req.out.clone().unwrap_or_else(|| default_results_path(&req.results_dir, "run"));
    results.save(&path)?;
    eprintln!(
        "wasmgauge: {} cells ({} workloads x {} engines), results -> {}",
        jobs.len(),
        workloads.len(),
        engine_ids.len(),
        path.display()
    );

    let mut progress = Progress::new(jobs.len() as u64);
    let mut failed = 0;
    for job in jobs {
        let label = format!(
            "{}{} on {}",
            job.workload,
            job.size.map(|s| format!(" ({})", s.name())).unwrap_or_default(),
            job.engine
        );
        progress.start(&label);
        let cell_start = Instant::now();
        let outcome = isolation::run(&Job::Throughput(job.clone()), timeout, req.in_process);
        let (status, error, measurement) = match outcome {
            Outcome::Ok(JobOutput::Throughput(m)) => (CellStatus::Ok, None, Some(m)),
            Outcome::Ok(other) => (CellStatus::Failed, Some(format!("unexpected worker output {other:?}")), None),
            Outcome::Failed(e) => (CellStatus::Failed, Some(e), None),
        };
        let verdict = match (&measurement, &error) {
            (Some(m), _) => format!(
                "{} per call ({} calls verified)",
                crate::output::fmt_ns(m.median_ns_per_call),
                m.verified_calls
            ),
            (None, Some(e)) => format!("FAILED: {e}"),
            (None, None) => "FAILED".into(),
        };
        if status == CellStatus::Failed {
            failed += 1;
        }
        progress.finish(&label, &verdict);
        let section = results.scenarios.throughput.as_mut().expect("section created above");
        section.cells.push(ThroughputCell {
            workload: job.workload,
            size: job.size,
            engine: job.engine,
            status,
            error,
            expected_checksum: job.expected_checksum,
            measurement,
            wall_ms: cell_start.elapsed().as_millis() as u64,
        });
        results.save(&path)?;
    }
    progress.close();
    results.complete = true;
    results.finished_at = Some(now_rfc3339());
    results.save(&path)?;
    Ok(RunSummary { path, results, failed_cells: failed, wall: started.elapsed() })
}
