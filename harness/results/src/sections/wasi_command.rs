//! The `wasi_command` section (schema 6): a user's WASI command module run by
//! `wasmgauge run --module APP.wasm --wasi` on every configuration with a WASI layer. Per
//! configuration: how each run ended, what it wrote (stdout, stderr, files in the granted
//! directories) and how long each phase took; and whether the configurations agree.
use crate::cells::Flat;
use crate::section::Section;
use crate::values::CellStatus;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use stats::Estimate;

pub use crate::observed::{FileChange, HEAD_LINE_CHARS, HEAD_LINES, Observed, StreamDigest};

/// The scenario's id (`run --module --wasi`).
pub const ID: &str = "wasi-command";

/// A directory granted to the guest: `--dir HOST[::GUEST]`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GrantedDir {
    /// The directory on the host.
    pub host: String,
    /// Where the guest sees it.
    pub guest: String,
}

/// Each phase's times over the runs, in nanoseconds, and their medians with 95% intervals.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PhaseTimes {
    /// Compiling the module, per run.
    pub compile_ns: Vec<f64>,
    /// Empty where the configuration has no ahead-of-time artifact.
    pub artifact_load_ns: Vec<f64>,
    /// A fresh WASI context and instance, per run.
    pub instantiate_ns: Vec<f64>,
    /// `_start` to its exit, per run.
    pub run_ns: Vec<f64>,
    /// Schema 13: the region between `bench.start` and `bench.end` (Sightglass's benchmark
    /// protocol), per run; empty when the module does not mark one.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub bench_ns: Vec<f64>,
}

impl PhaseTimes {
    /// `(phase, samples)` of the phases that have samples, in run order.
    pub fn phases(&self) -> Vec<(&'static str, &[f64])> {
        [
            ("compile", self.compile_ns.as_slice()),
            ("artifact_load", self.artifact_load_ns.as_slice()),
            ("instantiate", self.instantiate_ns.as_slice()),
            ("run", self.run_ns.as_slice()),
            ("bench", self.bench_ns.as_slice()),
        ]
        .into_iter()
        .filter(|(_, s)| !s.is_empty())
        .collect()
    }

    /// The median of a phase with its 95% bootstrap interval.
    pub fn median(samples: &[f64]) -> Estimate {
        stats::median_estimate(samples)
    }
}

/// One configuration's runs of the command.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WasiCommandCell {
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why the configuration cannot run this module (a proposal it lacks, a WASI feature its
    /// layer cannot express); such a cell is neither a failure nor a disagreement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the first run did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub observed: Option<Observed>,
    /// Runs whose exit code, streams or files differ from the first run's, by index.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub runs_differing: Vec<usize>,
    /// Each phase's times over the runs.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<PhaseTimes>,
    /// The timeout the driver ran under (it scales with the module's size and the runs).
    pub timeout_s: u64,
    /// Wall time of the cell, its process included.
    pub wall_ms: u64,
}

/// A user's WASI command (`run --module --wasi`) on every configuration with a WASI layer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WasiCommandSection {
    /// The module's path as given.
    pub module: String,
    /// Its sha256.
    pub module_sha256: String,
    /// Its size in bytes.
    pub module_bytes: u64,
    /// Schema 12: it is a `wasi:cli/run` command component (`run --component --wasi`), run on
    /// the component hosts with WASI 0.2; absent (false) for a WASI preview 1 command module.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub component: bool,
    /// `argv` after the program name.
    pub args: Vec<String>,
    /// The guest's environment.
    pub env: Vec<(String, String)>,
    /// The granted directories.
    pub dirs: Vec<GrantedDir>,
    /// The file the guest read as its stdin.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdin: Option<String>,
    /// Timed runs per configuration.
    pub runs: usize,
    /// True when every configuration that ran agrees on exit code, stdout and files (and each
    /// configuration's runs agree with each other).
    pub engines_agree: bool,
    /// One cell per configuration.
    pub cells: Vec<WasiCommandCell>,
}

impl Section for WasiCommandSection {
    const ID: &'static str = ID;

    /// Two files of the same command (module, arguments, environment, directories): their
    /// cells joined; of different ones: refused.
    fn merge(&mut self, other: Self) -> Result<()> {
        let same = |s: &Self| (s.module_sha256.clone(), s.args.clone(), s.env.clone(), s.dirs.clone(), s.stdin.clone());
        if same(self) != same(&other) {
            bail!("the wasi-command sections are of different commands ({} and {})", self.module, other.module);
        }
        self.engines_agree &= other.engines_agree;
        self.runs = self.runs.max(other.runs);
        self.cells.extend(other.cells);
        Ok(())
    }

    /// `run --module --wasi`: each phase's median over the runs (workload: the module's file
    /// name), gated on its samples.
    fn flatten(&self, out: &mut Flat) {
        let w = self;
        let workload = w.workload();
        for c in &w.cells {
            let why = c.error.as_deref().or(c.unsupported.as_deref());
            out.problem(ID, &workload, &c.engine, c.status, why);
            let Some(p) = c.phases.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            for (phase, samples) in p.phases() {
                let est = PhaseTimes::median(samples);
                let metric = format!("{phase}_time");
                let cell = out.push(ID, &workload, &c.engine, &metric, "ns", est, Some(samples.len()));
                Flat::gated(cell, samples.to_vec(), vec![w.module_sha256.clone()]);
            }
        }
    }
}

impl WasiCommandSection {
    /// The module's file name: the workload key of its flattened cells.
    pub fn workload(&self) -> String {
        let name = std::path::Path::new(&self.module).file_name().map(|n| n.to_string_lossy().into_owned());
        name.unwrap_or_else(|| self.module.clone())
    }

    /// What the first configuration that ran observed: the others are compared with it.
    pub fn reference(&self) -> Option<&Observed> {
        self.cells.iter().filter(|c| c.status == CellStatus::Ok).find_map(|c| c.observed.as_ref())
    }

    /// Whether `cell` ran and agrees with the reference, its runs with each other.
    pub fn agrees(&self, cell: &WasiCommandCell) -> bool {
        match (cell.observed.as_ref().filter(|_| cell.status == CellStatus::Ok), self.reference()) {
            (Some(o), Some(r)) => o.agrees_with(r) && cell.runs_differing.is_empty(),
            _ => false,
        }
    }
}
