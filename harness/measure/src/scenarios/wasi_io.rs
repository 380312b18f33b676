//! The `wasi-io` scenario: what one WASI call costs through each configuration's WASI layer,
//! against the same Rust program built natively (`wasi_io` of the corpus, `io` mode). Each
//! operation is one call or a short fixed sequence: `write` (seek to 0 + write of B bytes to a
//! file), `read` (seek to 0 + read of B bytes), `stat` (open + fstat + close), `stdout` (a write
//! of B bytes to stdout), `clock` (the monotonic and the real-time clock), `random` (B random
//! bytes); buffers from 4 KiB to 1 MiB.
//!
//! Per operation the program runs `reps` times, each run doing one untimed operation and then
//! K timed ones, every run in a fresh directory. Each run times its own loop with the
//! monotonic clock and reports it on stderr (`loop_ns N`: WASI's `clock_time_get` in the
//! guest, `clock_gettime` native), the same on WebAssembly (compiled once per cell) and native
//! (one process per run), so start-up, instantiation, a process's spawn-to-exit jitter and what
//! only a first operation pays (the buffer's page faults) never reach the figure; one run's
//! loop time over K is one sample. (Until schema 15 each run was timed whole, `_start` or spawn
//! to exit, and a sample was (t(2K) - t(K)) / K: the native processes' jitter, about 0.6 ms
//! between two runs here, over K = 64 put the native 1 MiB read anywhere from 4 to 55 µs, up to
//! an impossible 110 GB/s.) Every run's exit code, stdout and files must equal the native twin's for the same
//! arguments. Figures per operation: `ns_per_op` (median with its 95% interval) and, for the
//! operations that move bytes, `mb_per_s`.
use crate::programs::{Program, check, takes_part};
use crate::scenario::{Orchestrator, Outcome, PROCESS_MS, PlannedCell, RunPlan, Scenario, begin_generic, verdict};
use crate::summary::View;
use crate::wasi_files::{PreparedRuns, RunTemplate, Tree};
use anyhow::{Result, anyhow, bail};
use results::generic::{Figure, GenericCell};
use results::ids;
use results::plans::ProfileName;
use results::{CellStatus, ResultsFile};
use serde::{Deserialize, Serialize};

/// The `wasi-io` scenario.
pub struct WasiIo;

const NAME: &str = ids::WASI_IO;
/// The corpus program that holds the operations.
pub const PROGRAM: &str = "wasi_io";
/// How a run is timed (the plan's knob `timing`).
pub const TIMING: &str = "each run's own monotonic clock around its loop of operations (stderr `loop_ns`; \
                          clock_time_get in the guest, clock_gettime native); no start-up or process time";

/// The time a run reports of its loop of operations (`loop_ns N` on its stderr).
fn loop_ns(o: &results::wasi_command::Observed) -> Option<u64> {
    o.stderr.head.iter().find_map(|l| l.strip_prefix("loop_ns ")?.trim().parse().ok())
}

/// One operation and how many of it a run does (K).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct IoOp {
    /// The operation (`write`, `read`, `stat`, ...).
    pub op: String,
    /// Bytes it moves.
    pub bytes: usize,
    /// K: how many of it a run does.
    pub count: usize,
}

impl IoOp {
    /// `read 64 KiB`, `stat`, `clock`: the row name in tables.
    pub fn label(&self) -> String {
        match self.op.as_str() {
            "stat" | "clock" => self.op.clone(),
            _ if self.bytes >= 1 << 20 => format!("{} {} MiB", self.op, self.bytes >> 20),
            _ if self.bytes >= 1 << 10 => format!("{} {} KiB", self.op, self.bytes >> 10),
            _ => format!("{} {} B", self.op, self.bytes),
        }
    }

    /// Whether the operation moves its bytes through the boundary (a MB/s figure applies).
    pub fn moves_bytes(&self) -> bool {
        matches!(self.op.as_str(), "read" | "write" | "stdout")
    }

    fn args(&self) -> Vec<String> {
        ["io", &self.op, &self.bytes.to_string(), &self.count.to_string(), "{dir}"].map(String::from).to_vec()
    }
}

/// The operations of a profile: K sized so that K more operations take a millisecond or more
/// even native (well above the clock's resolution and a stray interrupt).
pub fn ops_for(profile: ProfileName) -> Vec<IoOp> {
    let scale = match profile {
        ProfileName::Quick => 1,
        ProfileName::Full => 2,
    };
    let op = |op: &str, bytes: usize, count: usize| IoOp { op: op.into(), bytes, count: count * scale };
    vec![
        op("write", 4 << 10, 2_000),
        op("write", 64 << 10, 500),
        op("write", 1 << 20, 64),
        op("read", 4 << 10, 2_000),
        op("read", 64 << 10, 500),
        op("read", 1 << 20, 64),
        op("stat", 64, 2_000),
        op("stdout", 4 << 10, 2_000),
        op("clock", 0, 100_000),
        op("random", 32, 20_000),
    ]
}

/// Runs per operation (each one sample).
fn reps_for(profile: ProfileName) -> usize {
    match profile {
        ProfileName::Quick => 4,
        ProfileName::Full => 10,
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    program: Program,
    ops: Vec<IoOp>,
    reps: usize,
    native: bool,
}

/// One operation's runs: the loop time each run reported, in order.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct OpRuns {
    /// The operation.
    pub op: IoOp,
    /// Each run's time of its K timed operations.
    pub k_ns: Vec<u64>,
    /// Before schema 15: the times of the runs doing 2K (each run timed whole); empty since.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub k2_ns: Vec<u64>,
}

impl OpRuns {
    /// Per run, the cost of one operation: its loop time over K (before schema 15, when runs
    /// were timed whole: (t(2K) - t(K)) / K).
    pub fn per_op_ns(&self) -> Vec<f64> {
        let k = self.op.count.max(1) as f64;
        if self.k2_ns.is_empty() {
            return self.k_ns.iter().map(|t| *t as f64 / k).collect();
        }
        self.k_ns.iter().zip(&self.k2_ns).map(|(a, b)| (*b as f64 - *a as f64) / k).collect()
    }
}

/// What a `wasi-io` cell measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Measurement {
    /// The native twin: its runs are processes (each timing its own loop, like the guest).
    pub process: bool,
    /// Each operation's runs.
    pub ops: Vec<OpRuns>,
}

impl Scenario for WasiIo {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "the cost of one WASI call (file write/read 4 KiB-1 MiB, stat, stdout, clocks, random) per configuration vs the same program native"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(NAME) {
            let plan = serde_json::json!({
                "ops": ops_for(run.profile.name),
                "reps": reps_for(run.profile.name),
                "timing": TIMING,
            });
            begin_generic(results, NAME, plan);
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        if !run.is_selected(NAME) {
            return Ok(vec![]);
        }
        let Some(program) = Program::all_in(run)?.into_iter().find(|p| p.name == PROGRAM) else { return Ok(vec![]) };
        let mut cells = Vec::new();
        for s in &run.subjects {
            let Some(native) = takes_part(s) else { continue };
            let cell = Cell {
                program: program.clone(),
                ops: ops_for(run.profile.name),
                reps: reps_for(run.profile.name),
                native,
            };
            let mut planned =
                PlannedCell::new(NAME, format!("{NAME} on {}", s.id), &s.id, run.options, PROCESS_MS + 3_000, &cell)?;
            planned.place = crate::scenario::Place::Orchestrator;
            cells.push(planned);
        }
        Ok(cells)
    }

    fn measure(&self, _ctx: &crate::scenario::DriverCell, _cell: &serde_json::Value) -> Result<serde_json::Value> {
        bail!("{NAME} runs its program from the orchestrator")
    }

    fn measure_here(&self, planned: &PlannedCell, orch: &dyn Orchestrator) -> Result<serde_json::Value> {
        let cell: Cell = planned.cell()?;
        let p = &cell.program;
        let base = orch.scratch().join(format!("{NAME}-{}", planned.subject.replace(['@', '/'], "_")));
        let empty = Tree::new();
        // The runs: per operation, `reps` of them.
        let args: Vec<Vec<String>> =
            cell.ops.iter().flat_map(|op| std::iter::repeat_n(op.args(), cell.reps.max(1))).collect();
        // What the native twin does with each operation's arguments: the expected observation.
        let reference_args: Vec<Vec<String>> = cell.ops.iter().map(IoOp::args).collect();
        let template = RunTemplate::one_dir("wasi_io.wasm", None, &p.guest_dir, &empty);
        let reference =
            PreparedRuns::new(&base.join("reference"), &template, reference_args.clone())?.run_native(&p.native)?;
        let prepared = PreparedRuns::new(&base.join("timed"), &template, args.clone())?;
        let observed = if cell.native {
            prepared.run_native(&p.native)?
        } else {
            prepared.run_wasm(orch, &planned.subject, &p.wasm, &p.features, p.timeout(orch.timeout()))?
        };
        let mut ops: Vec<OpRuns> =
            cell.ops.iter().map(|op| OpRuns { op: op.clone(), k_ns: Vec::new(), k2_ns: Vec::new() }).collect();
        for (i, ((o, _), a)) in observed.iter().zip(&args).enumerate() {
            let which =
                reference_args.iter().position(|r| r == a).ok_or_else(|| anyhow!("run {} has no reference", i + 1))?;
            check(o, &reference[which].0, &format!("run {} ({})", i + 1, a.join(" ")))?;
            let ns = loop_ns(o).ok_or_else(|| anyhow!("run {} reported no `loop_ns` on stderr", i + 1))?;
            ops[which].k_ns.push(ns);
        }
        let _ = std::fs::remove_dir_all(&base);
        Ok(serde_json::to_value(Measurement { process: cell.native, ops })?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let wall_ms = outcome.wall_ms();
        let (status, error, measurement) = outcome.settle::<Measurement>();
        let section = results.scenarios.other.entry(NAME.to_string()).or_default();
        let mut first = None;
        match &measurement {
            Some(m) => {
                for o in &m.ops {
                    let figs = figures(o);
                    first.get_or_insert_with(|| format!("{} {:.0} ns/op", o.op.label(), figs[0].value));
                    section.cells.push(GenericCell {
                        workload: o.op.label(),
                        size: None,
                        engine: cell.subject.clone(),
                        status,
                        error: None,
                        figures: figs,
                        measurement: serde_json::to_value(o).ok(),
                        wall_ms,
                    });
                }
            }
            None => section.cells.push(GenericCell {
                workload: String::new(),
                size: None,
                engine: cell.subject.clone(),
                status,
                error: error.clone(),
                figures: Vec::new(),
                measurement: None,
                wall_ms,
            }),
        }
        (status, verdict(status, &error, || first.unwrap_or_default()))
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        if view.engines_in(NAME).is_empty() {
            return vec![];
        }
        let table = view.matrix(NAME, "ns_per_op", |c| format!("{:.0} ns", c.value));
        vec![format!(
            "WASI I/O: median cost of one operation (each run's loop of K timed by the program itself, over K; every run checked against the native twin):\n{table}"
        )]
    }
}

/// `ns_per_op` with its interval, and `mb_per_s` (10^6 bytes per second) where bytes move.
pub fn figures(o: &OpRuns) -> Vec<Figure> {
    let ns = Figure::from_samples("ns_per_op", "ns", o.per_op_ns());
    let mut out = vec![ns.clone()];
    if o.op.moves_bytes() && ns.value > 0.0 {
        let rate = |ns: f64| o.op.bytes as f64 * 1e3 / ns;
        // A time interval reaching zero leaves the rate's upper bound open: no interval then.
        let ci95 = ns.ci95.filter(|(lo, _)| *lo > 0.0).map(|(lo, hi)| (rate(hi), rate(lo)));
        let open = if ci95.is_none() { "; interval open (a repetition measured no cost)" } else { "" };
        out.push(Figure {
            metric: "mb_per_s".into(),
            unit: "MB/s".into(),
            value: rate(ns.value),
            ci95,
            n: ns.n,
            samples: Vec::new(),
            note: format!("{} bytes per operation{open}", o.op.bytes),
            bytes: Some(o.op.bytes as u64),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_run_reports_its_loop_time_on_stderr() {
        let stream = |head: &[&str]| results::wasi_command::StreamDigest {
            sha256: String::new(),
            bytes: 0,
            head: head.iter().map(|l| l.to_string()).collect(),
        };
        let o = |head: &[&str]| results::wasi_command::Observed {
            exit_code: 0,
            stdout: stream(&[]),
            stderr: stream(head),
            files: vec![],
        };
        assert_eq!(loop_ns(&o(&["loop_ns 123456"])), Some(123456));
        assert_eq!(loop_ns(&o(&["warning", "loop_ns 7"])), Some(7));
        assert_eq!(loop_ns(&o(&["loop_ns x"])), None);
        assert_eq!(loop_ns(&o(&[])), None);
    }

    #[test]
    fn the_cost_of_one_operation_is_a_loop_over_its_count() {
        let old = OpRuns {
            op: IoOp { op: "read".into(), bytes: 1 << 20, count: 10 },
            k_ns: vec![1_000_000, 1_100_000],
            k2_ns: vec![2_000_000, 2_000_000],
        };
        assert_eq!(old.per_op_ns(), vec![100_000.0, 90_000.0], "files before schema 15: the difference");
        let o = OpRuns { k_ns: vec![1_000_000, 900_000], k2_ns: vec![], ..old };
        assert_eq!(o.per_op_ns(), vec![100_000.0, 90_000.0]);
        let f = figures(&o);
        assert_eq!(f[0].metric, "ns_per_op");
        assert_eq!(f[1].metric, "mb_per_s");
        // 1 MiB in 95 µs (the median) is 11,038 MB/s.
        assert!((f[1].value - 1048576.0 * 1e3 / 95_000.0).abs() < 1e-6, "{}", f[1].value);
        assert_eq!(IoOp { op: "write".into(), bytes: 4096, count: 1 }.label(), "write 4 KiB");
        assert_eq!(IoOp { op: "stat".into(), bytes: 64, count: 1 }.label(), "stat");
    }
}
