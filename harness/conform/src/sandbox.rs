//! `conform sandbox`: hostile guests (WAT under `workloads/adversarial/sandbox/`) on every
//! configuration with its resource limits on, each with the outcome a sandbox must give.
//!
//! Limits set: instruction counting (Wasmtime/wasmi fuel, Wasmer metering) with a budget of
//! [`FUEL`]; a [`DEADLINE`] through Wasmtime's epoch interruption where the configuration has
//! it; memories capped at [`MEMORY_CAP`] and tables at [`TABLE_CAP`] elements where the adapter
//! can cap them; each runtime's default stack limit. Every cell runs in a fresh driver process
//! with a data-size rlimit ([`WORKER_DATA_LIMIT`], so a runtime that lets a guest allocate
//! without bound fails its own process instead of the machine) and a wall-clock watchdog (a
//! driver still running after the job timeout is killed: the cell is *not contained: hang*).

use crate::{CallError, Launcher};
use anyhow::{Result, bail};
use protocol::client::decode;
use protocol::conform::{ConformJob, Expect, OUTSIDE_MEMORY, SandboxJob, SessionLimits};
use results::conformance::{Containment, SandboxCell, SandboxSection};
use results::{EngineInfo, Limits};
use std::time::Duration;

/// Instruction budget of a sandboxed store.
pub const FUEL: u64 = 100_000_000;
/// Wall-clock deadline of one call, where the runtime can interrupt (Wasmtime epochs, fuel
/// slices). It backs up the instruction budget, so it must not race legitimate work: growing
/// to the 64 MiB cap page by page took tinywasm 45-120 ms here and 202 ms on a slower CI
/// machine, where the 200 ms this used to be stopped it before the cap did.
pub const DEADLINE: Duration = Duration::from_millis(1000);
/// Largest linear memory a guest may have.
pub const MEMORY_CAP: u64 = 64 << 20;
/// Largest table a guest may have.
pub const TABLE_CAP: u64 = 10_000;
/// Address-space budget for writable data of a sandbox driver process (`RLIMIT_DATA`).
pub const WORKER_DATA_LIMIT: u64 = 3 << 30;

/// What a sandbox must do with a guest, in words.
pub fn describe(expect: &Expect) -> String {
    match expect {
        Expect::Stopped => "stopped by fuel/metering or the deadline".into(),
        Expect::Trap(words) => format!("trap ({})", words.join(" / ")),
        Expect::Exhaustion => "stack-overflow trap".into(),
        Expect::InstantiationRefused => "instantiation refused".into(),
        Expect::GrowCapped => format!("memory.grow fails at the {} MiB cap", MEMORY_CAP >> 20),
        Expect::GrowRefused => "table.grow fails (-1)".into(),
        Expect::CompileBounded => "compiles or is rejected in bounded time".into(),
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

fn words(w: &[&str]) -> Expect {
    Expect::Trap(w.iter().map(|s| s.to_string()).collect())
}

/// Every case, in report order ([`COMPILE_BOMB`] is generated, not a file).
pub fn cases() -> Vec<Case> {
    vec![
        case!("infinite_loop", Expect::Stopped),
        case!("slow_host_loop", Expect::Stopped),
        case!("memory_grow_past_cap", Expect::GrowCapped),
        case!("initial_memory_over_cap", Expect::InstantiationRefused),
        case!("deep_recursion", Expect::Exhaustion),
        case!("mutual_recursion", Expect::Exhaustion),
        case!("load_at_edge", words(OOB)),
        case!("load_at_max_address", words(OOB)),
        case!("store_large_offset", words(OOB), Some(16)),
        case!("fill_past_end", words(OOB), Some(536)),
        case!("copy_past_end", words(OOB), Some(536)),
        case!("call_indirect_out_of_bounds", words(&["undefined element", "out of bounds", "table"])),
        case!("call_indirect_null", words(&["uninitialized", "null", "undefined element"])),
        case!("call_indirect_wrong_type", words(&["signature", "type mismatch", "bad signature"])),
        case!("unreachable", words(&["unreachable"])),
        case!("divide_by_zero", words(&["divide by zero", "division by zero"])),
        case!("int_min_div_minus_one", words(&["overflow"])),
        case!("float_to_int_nan", words(&["invalid conversion", "bad conversion", "integer"])),
        case!("hostile_host_pointer", words(&[OUTSIDE_MEMORY])),
        case!("huge_table_grow", Expect::GrowRefused),
        Case { name: COMPILE_BOMB, source: "", expect: Expect::CompileBounded, untouched_tail: None },
    ]
}

/// The generated case: one function with [`BOMB_LOCALS`] locals all live at once.
pub use results::conformance::COMPILE_BOMB;
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

/// Runs every case (or those named in `only`) on every configuration, in driver processes.
pub fn run(
    launcher: &dyn Launcher,
    engines: &[&EngineInfo],
    only: &[String],
    watchdog: Duration,
    parallel: usize,
) -> Result<SandboxSection> {
    let all = cases();
    let names: Vec<&'static str> = all.iter().map(|c| c.name).collect();
    for o in only {
        if !names.contains(&o.as_str()) {
            bail!("unknown sandbox case `{o}`; cases: {}", names.join(", "));
        }
    }
    let session = SessionLimits {
        fuel: Some(FUEL),
        deadline: Some(DEADLINE),
        max_memory_bytes: Some(MEMORY_CAP),
        max_table_elements: Some(TABLE_CAP),
    };
    let mut jobs = Vec::new();
    for case in all.iter().filter(|c| only.is_empty() || only.iter().any(|o| o == c.name)) {
        let (wasm, answer) = if case.name == COMPILE_BOMB {
            let (wat, answer) = compile_bomb();
            (wat::parse_str(&wat)?, Some(answer))
        } else {
            (wat::parse_str(case.source)?, None)
        };
        for engine in engines {
            // Instruction counting and epochs, where the configuration has them.
            let declared = engine.capabilities.as_ref().map(|c| c.limits).unwrap_or_default();
            let engine_limits = Limits { explicit_bounds_checks: false, ..declared };
            let job = SandboxJob {
                case: case.name.into(),
                wasm: wasm.clone(),
                expect: case.expect.clone(),
                expected: describe(&case.expect),
                untouched_tail: case.untouched_tail,
                answer,
                engine_limits,
                session,
                data_limit_bytes: WORKER_DATA_LIMIT,
            };
            jobs.push((engine.id.clone(), ConformJob::Sandbox(job)));
        }
    }
    let outcomes = super::run_all(launcher, &jobs, watchdog, parallel, "sandbox");
    let mut section = SandboxSection {
        fuel: FUEL,
        deadline_ms: DEADLINE.as_millis() as u64,
        memory_cap_bytes: MEMORY_CAP,
        table_cap_elements: TABLE_CAP,
        watchdog_s: watchdog.as_secs(),
        cells: Vec::new(),
    };
    for ((engine, job), outcome) in jobs.iter().zip(outcomes) {
        let ConformJob::Sandbox(j) = job else { continue };
        section.cells.push(match outcome.and_then(decode::<SandboxCell>) {
            Ok(c) => c,
            Err(e) => SandboxCell {
                case: j.case.clone(),
                engine: engine.clone(),
                expected: j.expected.clone(),
                // A crash or a hang is the guest escaping containment; any other error is the
                // harness failing to set the cell up, which says nothing about the runtime.
                containment: match e {
                    CallError::TimedOut(_) | CallError::Crashed(_) => Containment::NotContained,
                    CallError::Failed(_) => Containment::NotApplicable,
                },
                detail: match &e {
                    CallError::TimedOut(_) => {
                        format!("hang: still running after the {} s watchdog; driver killed", watchdog.as_secs())
                    }
                    CallError::Crashed(_) => format!("host crash: {e}"),
                    CallError::Failed(_) => format!("could not run: {e}"),
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
