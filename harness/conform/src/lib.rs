//! Conformance: does a configuration run standard WebAssembly correctly ([`spec`]), contain
//! hostile guests ([`sandbox`]), enforce WASI capabilities ([`wasi`]), and agree with the others
//! on random modules ([`differential`])? This crate decides which unit of work runs on which
//! configuration and puts the answers together into the `conformance` section of a results
//! file (and its terminal tables); every unit runs in a fresh process of its configuration's
//! driver (so a runtime panic, abort or hang is a crash or timeout cell, not a dead harness),
//! through a [`Launcher`] the orchestrator provides. The work inside the driver is
//! `measure::conform`'s.

pub mod differential;
pub mod features;
pub mod sandbox;
pub mod spec;
pub mod wasi;

pub use protocol::client::{CallError, Launcher};
use protocol::conform::ConformJob;
use protocol::{ConformRequest, Request};
use results::EngineInfo;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

/// The configurations a conformance command covers: the WebAssembly subjects with a
/// conformance side, as the subject registry declares them.
pub fn conformance_subjects<'a>(subjects: &[&'a EngineInfo]) -> Vec<&'a EngineInfo> {
    subjects.iter().copied().filter(|e| e.capabilities.as_ref().is_some_and(|c| c.conformance)).collect()
}

/// Runs jobs, each in a fresh process of its subject's driver, `parallel` at a time, each
/// killed after `timeout`; returns each job's output in job order. Progress goes to stderr
/// every tenth of the jobs.
pub fn run_all(
    launcher: &dyn Launcher,
    jobs: &[(String, ConformJob)],
    timeout: Duration,
    parallel: usize,
    what: &str,
) -> Vec<Result<serde_json::Value, CallError>> {
    let next = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<Result<serde_json::Value, CallError>>>> = Mutex::new(vec![None; jobs.len()]);
    let started = std::time::Instant::now();
    let step = (jobs.len() / 10).max(1);
    std::thread::scope(|s| {
        for _ in 0..parallel.max(1) {
            s.spawn(|| {
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some((subject, job)) = jobs.get(i) else { break };
                    let request = Request::Conform(ConformRequest { subject: subject.clone(), job: job.clone() });
                    let out = launcher.call(subject, &request, timeout);
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
        .map(|r| r.unwrap_or_else(|| Err(CallError::Failed("not run".into()))))
        .collect()
}

/// Default number of driver processes at once: one per core.
pub fn default_parallel() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}
