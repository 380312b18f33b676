//! The instructions measurement: instructions per call, counted by Valgrind's callgrind over
//! one function ([`wasmgauge_counted_region`]), which callgrind counts alone
//! (`--toggle-collect`, everything it calls included: the runtime's entry path, the
//! JIT-compiled guest code, the answer check) and dumps after each exit (`--dump-after`). So
//! compiling, instantiating and warming up are never counted, and every region gives one
//! value: its instructions divided by its calls. `--smc-check=all` makes Valgrind retranslate
//! code the runtime writes (the JIT's output). The driver runs the regions
//! ([`crate::scenarios::instructions`] plans them); [`count`] reads the dumps afterwards.
//!
//! A suite's benchmark marks its own region with `bench.start` and `bench.end`
//! ([`crate::wasi::BenchRegion`]): their host sides pass the marks of
//! [`crate::measurement::bench_marks`], and [`bench_valgrind_command`] zeroes the counters on entering
//! the first and dumps them on leaving the second, so each run's region is one dump.
use crate::executor::Executor;
use crate::measurement::bench_marks::{BENCH_END_MARK, BENCH_START_MARK};
use crate::sampler::checked_call;
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The function callgrind counts (its name is not mangled, so the option can name it).
pub const REGION: &str = "wasmgauge_counted_region";

/// How a cell counts: untimed warm-up calls, then `regions` counted regions of `calls` calls.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CountPlan {
    /// Untimed calls before the first region.
    pub warmup_calls: u64,
    /// Calls per counted region.
    pub calls: u64,
    /// Counted regions.
    pub regions: usize,
}

/// Warm-up calls, then the counted regions (what the driver does under Valgrind).
pub fn run_regions(exec: &mut dyn Executor, expected: u64, plan: &CountPlan) -> Result<DriverSide> {
    for _ in 0..plan.warmup_calls.max(1) {
        checked_call(exec, expected)?;
    }
    for _ in 0..plan.regions.max(1) {
        wasmgauge_counted_region(exec, expected, plan.calls.max(1))?;
    }
    Ok(DriverSide { regions: plan.regions.max(1), calls: plan.calls.max(1) })
}

/// What the driver reports from inside Valgrind: the regions it ran.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DriverSide {
    /// Regions run.
    pub regions: usize,
    /// Calls per region.
    pub calls: u64,
}

/// Runs `call` (a driver request under the Valgrind command it is given) in a fresh scratch
/// directory `dir` and reads the regions' counts: the instructions per call of each region.
pub fn count(dir: &Path, call: impl FnOnce(&[String]) -> Result<serde_json::Value>) -> Result<Measurement> {
    let (per_call, valgrind, side) = under_callgrind(dir, valgrind_command, call, |out, answer| {
        let side: DriverSide = serde_json::from_value(answer).context("the driver's answer")?;
        read_dumps(out, side.regions, side.calls).map(|counts| (counts, side))
    })?;
    Ok(Measurement { per_call, calls_per_region: side.calls, valgrind })
}

/// Runs `call` (a driver request running `runs` benchmark runs, under the Valgrind command it
/// is given) in a fresh scratch directory `dir`: the instructions of each run's region between
/// `bench.start` and `bench.end`, and the command. The call's own answer is handed back.
pub fn count_bench_regions<T>(
    dir: &Path,
    runs: usize,
    call: impl FnOnce(&[String]) -> Result<T>,
) -> Result<(Vec<f64>, Vec<String>, T)> {
    under_callgrind(dir, bench_valgrind_command, call, |out, answer| {
        read_dumps(out, runs, 1).map(|counts| (counts, answer))
    })
}

/// Runs `call` under `command`'s callgrind with its dumps in a fresh scratch directory `dir`,
/// then `read`s the dumps from the call's answer; the directory is removed afterwards.
fn under_callgrind<A, T>(
    dir: &Path,
    command: fn(&Path) -> Vec<String>,
    call: impl FnOnce(&[String]) -> Result<A>,
    read: impl FnOnce(&Path, A) -> Result<(Vec<f64>, T)>,
) -> Result<(Vec<f64>, Vec<String>, T)> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let out = dir.join("cg.out");
    let wrapper = command(&out);
    let (counts, kept) = read(&out, call(&wrapper)?)?;
    let _ = std::fs::remove_dir_all(dir);
    Ok((counts, wrapper, kept))
}

/// A cell's measurement: instructions per call of every region, and how they were counted.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Measurement {
    /// Instructions per call of each region.
    pub per_call: Vec<f64>,
    /// Calls per region.
    pub calls_per_region: u64,
    /// The Valgrind command the driver ran under (its program and options).
    pub valgrind: Vec<String>,
}

/// The Valgrind command line a cell's driver runs under, its dumps named after `out`.
pub fn valgrind_command(out: &Path) -> Vec<String> {
    callgrind(
        &[format!("--toggle-collect={REGION}"), format!("--dump-after={REGION}"), "--collect-atstart=no".into()],
        out,
    )
}

/// The Valgrind command line a suite's driver runs under: counters zeroed on entering
/// [`BENCH_START_MARK`], dumped on leaving [`BENCH_END_MARK`] (one dump per run's region).
pub fn bench_valgrind_command(out: &Path) -> Vec<String> {
    callgrind(&[format!("--zero-before={BENCH_START_MARK}"), format!("--dump-after={BENCH_END_MARK}")], out)
}

/// Callgrind with the region options `region`, retranslating code the runtime writes, its
/// dumps named after `out`.
fn callgrind(region: &[String], out: &Path) -> Vec<String> {
    let mut command = vec!["valgrind".to_string(), "--tool=callgrind".into()];
    command.extend_from_slice(region);
    command.extend([
        "--smc-check=all".into(),
        "--dump-instr=no".into(),
        "--compress-strings=no".into(),
        "--compress-pos=no".into(),
        format!("--callgrind-out-file={}", out.display()),
        "--log-file=/dev/null".into(),
    ]);
    command
}

/// The counted region: `calls` verified calls. Not inlined and not mangled, so callgrind finds
/// it by name; everything it calls is counted.
#[inline(never)]
#[unsafe(no_mangle)]
pub fn wasmgauge_counted_region(exec: &mut dyn Executor, expected: u64, calls: u64) -> Result<()> {
    for _ in 0..calls {
        checked_call(exec, expected)?;
    }
    Ok(())
}

/// The instructions (`Ir`) of one callgrind dump: its `summary:` (or `totals:`) line.
pub fn dump_instructions(text: &str) -> Option<u64> {
    let line =
        text.lines().find(|l| l.starts_with("summary:")).or_else(|| text.lines().find(|l| l.starts_with("totals:")))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// The per-call counts of the numbered dumps `out.1`, `out.2`, ... (one per region).
fn read_dumps(out: &Path, regions: usize, calls: u64) -> Result<Vec<f64>> {
    let mut per_call = Vec::new();
    for i in 1..=regions {
        let path = out.with_file_name(format!("{}.{i}", out.file_name().and_then(|n| n.to_str()).unwrap_or("cg")));
        let text =
            std::fs::read_to_string(&path).with_context(|| format!("reading callgrind's dump {}", path.display()))?;
        let ir = dump_instructions(&text).ok_or_else(|| anyhow!("no instruction total in {}", path.display()))?;
        if ir == 0 {
            bail!("callgrind counted nothing in region {i}: the counted function was not found");
        }
        per_call.push(ir as f64 / calls.max(1) as f64);
    }
    Ok(per_call)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dump_total_is_its_summary_line() {
        let dump = "version: 1\ncreator: callgrind-3.19.0\nevents: Ir\nsummary: 123456\n\nfl=(1) x\n";
        assert_eq!(dump_instructions(dump), Some(123456));
        assert_eq!(dump_instructions("events: Ir\ntotals: 42\n"), Some(42));
        assert_eq!(dump_instructions("events: Ir\n"), None);
    }
}
