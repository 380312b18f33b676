//! The in-driver half of `conform sandbox`: one hostile guest on one configuration with its
//! resource limits on, judged against the outcome a sandbox must give (the orchestrator's
//! `conform` crate holds the cases and sends each one with what it expects).

use crate::engine::Conformance;
use crate::session::{Failure, FailureClass, Session, Value};
use anyhow::Result;
use protocol::conform::{Expect, SandboxJob};
use results::conformance::{Containment, SandboxCell};
use std::time::Instant;

fn has_limit(limits: &[(String, String)], name: &str) -> bool {
    limits.iter().any(|(k, _)| k == name)
}

/// Limits this driver process to `bytes` of writable data (`RLIMIT_DATA`), so a runtime that
/// lets a guest allocate without bound fails its own process instead of the machine.
pub fn limit_data(bytes: u64) {
    // SAFETY: setrlimit only affects this (driver) process.
    unsafe {
        let lim = libc::rlimit { rlim_cur: bytes, rlim_max: bytes };
        libc::setrlimit(libc::RLIMIT_DATA, &lim);
    }
}

/// Runs one case on one configuration (built with the job's engine limits), in this process.
pub fn run_cell(conformance: &dyn Conformance, engine_id: &str, job: &SandboxJob) -> Result<SandboxCell> {
    let mut session = conformance.session(&job.session)?;
    let limits = session.limits_in_force();
    let start = Instant::now();
    let (containment, detail) = judge(job, &mut *session, &limits);
    Ok(SandboxCell {
        case: job.case.clone(),
        engine: engine_id.to_string(),
        expected: job.expected.clone(),
        containment,
        detail: detail.chars().take(300).collect(),
        duration_ms: start.elapsed().as_millis() as u64,
        peak_rss_bytes: crate::memstat::self_peak_rss_bytes().ok(),
        limits,
    })
}

fn judge(case: &SandboxJob, session: &mut dyn Session, limits: &[(String, String)]) -> (Containment, String) {
    let (wasm, bomb_answer) = (&case.wasm, case.answer);
    use Containment::*;
    let memory_capped = has_limit(limits, "memory");
    let compile_start = Instant::now();
    let module = match session.compile(wasm) {
        Ok(m) => m,
        Err(f) if case.expect == Expect::CompileBounded => {
            return (Contained, format!("rejected in {} ms: {f}", compile_start.elapsed().as_millis()));
        }
        Err(f) => return (ContainedOther, format!("did not compile: {f}")),
    };
    let compile_ms = compile_start.elapsed().as_millis();
    let instance = match session.instantiate(module) {
        Ok(i) => i,
        Err(f) if case.expect == Expect::InstantiationRefused => return (Contained, format!("refused: {f}")),
        Err(f) => return (ContainedOther, format!("instantiation failed: {f}")),
    };
    if case.expect == Expect::InstantiationRefused {
        let note = if memory_capped { "" } else { " (this adapter sets no memory cap)" };
        return (NotContained, format!("instantiated a 128 MiB memory over the 64 MiB cap{note}"));
    }
    let result = session.invoke(instance, "run", &[]);
    let mut tail_ok = || -> Result<bool, Failure> {
        let Some(n) = case.untouched_tail else { return Ok(true) };
        let size = session.memory_size(instance, "memory")?;
        let bytes = session.read_memory(instance, "memory", size - n as u64, n)?;
        Ok(bytes.iter().all(|b| *b == 0))
    };
    let words_match = |f: &Failure, words: &[String]| {
        let m = f.message.to_ascii_lowercase();
        words.iter().any(|w| m.contains(&w.to_ascii_lowercase()))
    };
    match (case.expect.clone(), result) {
        (Expect::Stopped, Err(f)) if f.class == FailureClass::Interrupted => (Contained, f.to_string()),
        (Expect::Exhaustion, Err(f)) if f.class == FailureClass::Exhaustion => (Contained, f.to_string()),
        (Expect::Trap(words), Err(f)) if f.class == FailureClass::Trap => match tail_ok() {
            Ok(true) if words_match(&f, &words) => (Contained, f.to_string()),
            Ok(true) => (ContainedOther, format!("trapped with another message: {f}")),
            Ok(false) => (NotContained, format!("trapped but wrote past the end first: {f}")),
            Err(e) => (ContainedOther, format!("trapped ({f}); memory could not be checked: {e}")),
        },
        (Expect::GrowCapped, Ok(v)) => {
            let pages = match v.first() {
                Some(Value::I32(p)) => *p as i64,
                _ => -1,
            };
            let mib = pages * 64 / 1024;
            let cap = case.session.max_memory_bytes.unwrap_or(u64::MAX);
            if pages >= 0 && (pages as u64) * 65536 <= cap {
                (Contained, format!("memory.grow failed at {pages} pages ({mib} MiB)"))
            } else {
                let note = if memory_capped { "" } else { "; this adapter sets no memory cap" };
                (NotContained, format!("grew to {pages} pages ({mib} MiB) past the cap{note}"))
            }
        }
        (Expect::GrowCapped | Expect::GrowRefused, Err(f)) if f.class == FailureClass::Limit => {
            (Contained, f.to_string())
        }
        (Expect::GrowRefused, Ok(v)) => match v.first() {
            Some(Value::I32(-1)) => (Contained, "table.grow returned -1".into()),
            other => (NotContained, format!("table.grow succeeded: {other:?}")),
        },
        (Expect::CompileBounded, Ok(v)) => match (v.first(), bomb_answer) {
            (Some(Value::I32(got)), Some(want)) if *got == want => {
                (Contained, format!("compiled in {compile_ms} ms; answer {got} verified"))
            }
            (got, want) => (ContainedOther, format!("compiled in {compile_ms} ms but answered {got:?}, not {want:?}")),
        },
        // Lazy translation rejects the function at its first call instead of at compile.
        (Expect::CompileBounded, Err(f)) => {
            (Contained, format!("compiled in {compile_ms} ms; rejected at the first call: {f}"))
        }
        (_, Ok(v)) => (NotContained, format!("returned {v:?} instead of failing")),
        (_, Err(f)) => (ContainedOther, format!("failed differently: {f}")),
    }
}
