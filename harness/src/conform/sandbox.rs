//! `conform sandbox`: hostile guests (WAT under `workloads/adversarial/sandbox/`) on every
//! configuration with its resource limits on, each with the outcome a sandbox must give.
//!
//! Limits set: instruction counting (Wasmtime/wasmi fuel, Wasmer metering) with a budget of
//! [`FUEL`]; a [`DEADLINE`] through Wasmtime's epoch interruption where the configuration has
//! it; memories capped at [`MEMORY_CAP`] and tables at [`TABLE_CAP`] elements where the adapter
//! can cap them; each runtime's default stack limit. Every cell runs in its own worker process
//! with a data-size rlimit ([`WORKER_DATA_LIMIT`], so a runtime that lets a guest allocate
//! without bound fails its own worker instead of the machine) and a wall-clock watchdog (a
//! worker still running after the job timeout is killed: the cell is *not contained: hang*).

use crate::engines::session::{Failure, FailureClass, Session, SessionLimits, Value};
use crate::engines::{EngineOptions, Limits};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// Instruction budget of a sandboxed store.
pub const FUEL: u64 = 100_000_000;
/// Wall-clock deadline of one call, where the runtime can interrupt (Wasmtime epochs).
pub const DEADLINE: Duration = Duration::from_millis(200);
/// Largest linear memory a guest may have.
pub const MEMORY_CAP: u64 = 64 << 20;
/// Largest table a guest may have.
pub const TABLE_CAP: u64 = 10_000;
/// Address-space budget for writable data of a sandbox worker (`RLIMIT_DATA`).
pub const WORKER_DATA_LIMIT: u64 = 3 << 30;

/// What a sandbox must do with a guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Expect {
    /// Stopped by instruction counting or the deadline (class `Interrupted`).
    Stopped,
    /// A trap whose message names one of the given words.
    Trap(&'static [&'static str]),
    /// Stack exhaustion.
    Exhaustion,
    /// Instantiation refused (a limit).
    InstantiationRefused,
    /// `run` returns a page count within the memory cap (grow failed), or a limit trap.
    GrowCapped,
    /// `run` returns -1 (table.grow failed), or a limit trap.
    GrowRefused,
    /// Compiles (or is rejected) within the job's time limit; `run` answers `expected`.
    CompileBounded,
}

impl Expect {
    pub fn describe(&self) -> String {
        match self {
            Expect::Stopped => "stopped by fuel/metering or the deadline".into(),
            Expect::Trap(words) => format!("trap ({})", words.join(" / ")),
            Expect::Exhaustion => "stack-overflow trap".into(),
            Expect::InstantiationRefused => "instantiation refused".into(),
            Expect::GrowCapped => format!("memory.grow fails at the {} MiB cap", MEMORY_CAP >> 20),
            Expect::GrowRefused => "table.grow fails (-1)".into(),
            Expect::CompileBounded => "compiles or is rejected in bounded time".into(),
        }
    }
}

/// One adversarial guest.
pub struct Case {
    pub name: &'static str,
    pub source: &'static str,
    pub expect: Expect,
    /// Bytes `(offset from the end of memory, length)` that must still be zero afterwards.
    pub untouched_tail: Option<usize>,
}

macro_rules! case {
    ($name:literal, $expect:expr) => {
        case!($name, $expect, None)
    };
    ($name:literal, $expect:expr, $tail:expr) => {
        Case {
            name: $name,
            source: include_str!(concat!("../../../workloads/adversarial/sandbox/", $name, ".wat")),
            expect: $expect,
            untouched_tail: $tail,
        }
    };
}

const OOB: &[&str] = &["out of bounds", "out-of-bounds", "outofbounds", "memory access"];

/// Every case, in report order ([`COMPILE_BOMB`] is generated, not a file).
pub fn cases() -> Vec<Case> {
    vec![
        case!("infinite_loop", Expect::Stopped),
        case!("slow_host_loop", Expect::Stopped),
        case!("memory_grow_past_cap", Expect::GrowCapped),
        case!("initial_memory_over_cap", Expect::InstantiationRefused),
        case!("deep_recursion", Expect::Exhaustion),
        case!("mutual_recursion", Expect::Exhaustion),
        case!("load_at_edge", Expect::Trap(OOB)),
        case!("load_at_max_address", Expect::Trap(OOB)),
        case!("store_large_offset", Expect::Trap(OOB), Some(16)),
        case!("fill_past_end", Expect::Trap(OOB), Some(536)),
        case!("copy_past_end", Expect::Trap(OOB), Some(536)),
        case!("call_indirect_out_of_bounds", Expect::Trap(&["undefined element", "out of bounds", "table"])),
        case!("call_indirect_null", Expect::Trap(&["uninitialized", "null", "undefined element"])),
        case!("call_indirect_wrong_type", Expect::Trap(&["signature", "type mismatch", "bad signature"])),
        case!("unreachable", Expect::Trap(&["unreachable"])),
        case!("divide_by_zero", Expect::Trap(&["divide by zero", "division by zero"])),
        case!("int_min_div_minus_one", Expect::Trap(&["overflow"])),
        case!("float_to_int_nan", Expect::Trap(&["invalid conversion", "bad conversion", "integer"])),
        case!("hostile_host_pointer", Expect::Trap(&[crate::engines::host::OUTSIDE_MEMORY])),
        case!("huge_table_grow", Expect::GrowRefused),
        Case { name: COMPILE_BOMB, source: "", expect: Expect::CompileBounded, untouched_tail: None },
    ]
}

/// The generated case: one function with [`BOMB_LOCALS`] locals all live at once.
pub const COMPILE_BOMB: &str = "compile_bomb";
const BOMB_LOCALS: u32 = 40_000;

/// The compile bomb's WAT: sets every local from the previous one, then sums them all in
/// reverse, so every value is live at the same time (register-allocator pressure); its answer.
pub fn compile_bomb() -> (String, i32) {
    let n = BOMB_LOCALS;
    let mut wat = format!("(module (func (export \"run\") (result i32) (local {})\n", "i32 ".repeat(n as usize));
    let mut values = vec![0i32; n as usize];
    wat.push_str("(local.set 0 (i32.const 1))\n");
    values[0] = 1;
    for i in 1..n {
        wat.push_str(&format!("(local.set {i} (i32.add (local.get {}) (i32.const {i})))\n", i - 1));
        values[i as usize] = values[i as usize - 1].wrapping_add(i as i32);
    }
    wat.push_str(&format!("(local.get {})\n", n - 1));
    for i in (0..n - 1).rev() {
        wat.push_str(&format!("(i32.add (local.get {i}))\n"));
    }
    wat.push_str("))\n");
    let answer = values.iter().fold(0i32, |a, v| a.wrapping_add(*v));
    (wat, answer)
}

/// Where a sandbox cell ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Containment {
    /// Contained, with the outcome the case expects.
    Contained,
    /// Contained (the host is fine) but with another trap or failure than expected.
    ContainedOther,
    /// Not contained: the host would crash, hang or grow without bound.
    NotContained,
    /// The limit the case tests is not available in this configuration.
    NotApplicable,
}

/// Short label of a containment outcome, for tables.
pub fn containment_label(c: Containment) -> &'static str {
    match c {
        Containment::Contained => "contained",
        Containment::ContainedOther => "contained (other)",
        Containment::NotContained => "NOT CONTAINED",
        Containment::NotApplicable => "n/a",
    }
}

/// One guest on one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SandboxCell {
    pub case: String,
    pub engine: String,
    pub expected: String,
    pub containment: Containment,
    /// What happened (the failure or the answer).
    pub detail: String,
    pub duration_ms: u64,
    /// Peak resident memory of the worker (`VmHWM`), when it finished.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub peak_rss_bytes: Option<u64>,
    /// The limits the session enforced, as the runtime reported them.
    #[serde(default)]
    pub limits: Vec<(String, String)>,
}

/// The sandbox matrix.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SandboxSection {
    pub fuel: u64,
    pub deadline_ms: u64,
    pub memory_cap_bytes: u64,
    pub table_cap_elements: u64,
    pub watchdog_s: u64,
    pub cells: Vec<SandboxCell>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SandboxJob {
    pub engine: String,
    pub case: String,
}

/// The engine with every limit it supports switched on.
fn limited_engine(id: &str) -> Result<Box<dyn crate::engines::Engine>> {
    let with_epochs = Limits { instruction_counting: true, epoch_interruption: true, ..Default::default() };
    let without = Limits { instruction_counting: true, ..Default::default() };
    crate::engines::make(id, &EngineOptions { limits: with_epochs, ..Default::default() })
        .or_else(|_| crate::engines::make(id, &EngineOptions { limits: without, ..Default::default() }))
}

fn has_limit(limits: &[(String, String)], name: &str) -> bool {
    limits.iter().any(|(k, _)| k == name)
}

/// Runs one case on one configuration, in this process (the worker calls it).
pub fn run_cell(job: &SandboxJob) -> Result<SandboxCell> {
    // SAFETY: setrlimit only affects this (worker) process.
    unsafe {
        let lim = libc::rlimit { rlim_cur: WORKER_DATA_LIMIT, rlim_max: WORKER_DATA_LIMIT };
        libc::setrlimit(libc::RLIMIT_DATA, &lim);
    }
    let Some(case) = cases().into_iter().find(|c| c.name == job.case) else {
        bail!("unknown sandbox case `{}`", job.case)
    };
    let engine = limited_engine(&job.engine)?;
    let session_limits = SessionLimits {
        fuel: Some(FUEL),
        deadline: Some(DEADLINE),
        max_memory_bytes: Some(MEMORY_CAP),
        max_table_elements: Some(TABLE_CAP),
    };
    let mut session = crate::engines::conformance(&*engine)?.session(&session_limits)?;
    let limits = session.limits_in_force();
    let (wasm, bomb_answer) = if case.name == COMPILE_BOMB {
        let (wat, answer) = compile_bomb();
        (wat::parse_str(&wat)?, Some(answer))
    } else {
        (wat::parse_str(case.source)?, None)
    };
    let start = Instant::now();
    let (containment, detail) = judge(&case, &mut *session, &wasm, bomb_answer, &limits);
    Ok(SandboxCell {
        case: case.name.into(),
        engine: job.engine.clone(),
        expected: case.expect.describe(),
        containment,
        detail: detail.chars().take(300).collect(),
        duration_ms: start.elapsed().as_millis() as u64,
        peak_rss_bytes: crate::memstat::self_peak_rss_bytes().ok(),
        limits,
    })
}

fn judge(
    case: &Case,
    session: &mut dyn Session,
    wasm: &[u8],
    bomb_answer: Option<i32>,
    limits: &[(String, String)],
) -> (Containment, String) {
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
    let words_match = |f: &Failure, words: &[&str]| {
        let m = f.message.to_ascii_lowercase();
        words.iter().any(|w| m.contains(&w.to_ascii_lowercase()))
    };
    match (case.expect, result) {
        (Expect::Stopped, Err(f)) if f.class == FailureClass::Interrupted => (Contained, f.to_string()),
        (Expect::Exhaustion, Err(f)) if f.class == FailureClass::Exhaustion => (Contained, f.to_string()),
        (Expect::Trap(words), Err(f)) if f.class == FailureClass::Trap => match tail_ok() {
            Ok(true) if words_match(&f, words) => (Contained, f.to_string()),
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
            if pages >= 0 && (pages as u64) * 65536 <= MEMORY_CAP {
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

/// Runs every case (or those named in `only`) on every configuration, in worker processes.
pub fn run(engines: &[&str], only: &[String], watchdog: Duration, parallel: usize) -> Result<SandboxSection> {
    let all = cases();
    let names: Vec<&'static str> = all.iter().map(|c| c.name).collect();
    for o in only {
        if !names.contains(&o.as_str()) {
            bail!("unknown sandbox case `{o}`; cases: {}", names.join(", "));
        }
    }
    let mut jobs = Vec::new();
    for case in names.iter().filter(|n| only.is_empty() || only.iter().any(|o| o == *n)) {
        for engine in engines {
            jobs.push(super::ConformJob::Sandbox(SandboxJob { engine: engine.to_string(), case: case.to_string() }));
        }
    }
    let outcomes = super::run_all(&jobs, watchdog, parallel, "sandbox");
    let mut section = SandboxSection {
        fuel: FUEL,
        deadline_ms: DEADLINE.as_millis() as u64,
        memory_cap_bytes: MEMORY_CAP,
        table_cap_elements: TABLE_CAP,
        watchdog_s: watchdog.as_secs(),
        cells: Vec::new(),
    };
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let super::ConformJob::Sandbox(j) = job else { continue };
        let expected = all.iter().find(|c| c.name == j.case).map(|c| c.expect.describe()).unwrap_or_default();
        section.cells.push(match outcome {
            Ok(super::ConformOutput::Sandbox(c)) => c,
            Ok(_) => bail!("worker answered a sandbox job with another kind of output"),
            Err(e) => SandboxCell {
                case: j.case.clone(),
                engine: j.engine.clone(),
                expected,
                // A crash or a hang is the guest escaping containment; any other error is the
                // harness failing to set the cell up, which says nothing about the runtime.
                containment: if e.starts_with("timed out") || e.starts_with("worker crashed") {
                    Containment::NotContained
                } else {
                    Containment::NotApplicable
                },
                detail: if e.starts_with("timed out") {
                    format!("hang: still running after the {} s watchdog; worker killed", watchdog.as_secs())
                } else if e.starts_with("worker crashed") {
                    format!("host crash: {e}")
                } else {
                    format!("could not run: {e}")
                }
                .chars()
                .take(300)
                .collect(),
                duration_ms: 0,
                peak_rss_bytes: None,
                limits: vec![],
            },
        });
    }
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_assembles_and_the_bomb_knows_its_answer() {
        for c in cases().iter().filter(|c| c.name != COMPILE_BOMB) {
            wat::parse_str(c.source).unwrap_or_else(|e| panic!("{}: {e}", c.name));
        }
        let (wat, answer) = compile_bomb();
        assert!(wat::parse_str(&wat).is_ok());
        assert_ne!(answer, 0);
    }
}
