//! wasmgauge's public file formats and their one flattening.
//!
//! The results file is a public, versioned JSON format (documented in `results/README.md`).
//! Every file starts with `"schema": "wasmgauge-results"` and `"schema_version"`. This build
//! writes version [`SCHEMA_VERSION`] and reads every version in [`READABLE_VERSIONS`]; anything
//! else is refused with a message that says what was found and what is readable. Versions 2
//! to 8 only added fields and sections (3: memory, density, concurrency, sandbox tax; 4: the
//! `conformance` section; 5: each engine's driver, driver sha256 and capabilities, and the
//! sections of registered scenarios without a typed section of their own; 6: the
//! `wasi_command` section of `run --module --wasi`; 7: the corpus record describes every module:
//! kind, language, toolchain, size, WASI; 8: cold start of the corpus's WASI programs and
//! instruction counts; 9: throughput cells measured in several worker processes in shuffled
//! rounds, their intervals across processes and rounds, and the run's `schedule`), so older
//! files load
//! into the same types with the new parts absent. Files are written atomically (a temporary file
//! renamed over the old one) after every finished cell, so an interrupted run keeps all the
//! cells it finished (`complete` stays `false`).
//!
//! Modules: [`values`] and [`engine`] (what crosses the interfaces), [`plans`] (profiles),
//! [`measurements`] and [`latency`] (what scenarios measured), [`conformance`], [`generic`]
//! (sections of registered scenarios), [`wasi_command`] (a user's WASI program),
//! [`environment`], [`manifest`] (the corpus manifest) and
//! [`cells`], the one flattening of a results file into figures that the gate, merge, report,
//! BMF export and terminal tables all read.

pub mod cells;
pub mod conformance;
pub mod engine;
pub mod environment;
pub mod format;
pub mod generic;
pub mod latency;
pub mod manifest;
pub mod measurements;
pub mod plans;
pub mod values;
pub mod virtual_best;
pub mod wasi_command;

pub use engine::{Capabilities, EngineInfo, EngineOptions, ExecutionKind, Features, Limits, SubjectKind};
pub use environment::Environment;
pub use values::{CellStatus, Size, Val, ValType};

use anyhow::{Context, Result, bail};
use conformance::ConformanceSection;
use generic::GenericSection;
use latency::LatencyRecord;
use measurements::*;
use plans::Profile;
use serde::{Deserialize, Serialize};
use stats::{Estimate, Summary};
use std::collections::BTreeMap;
use std::path::Path;

pub const SCHEMA: &str = "wasmgauge-results";
pub const SCHEMA_VERSION: u32 = 10;
pub const READABLE_VERSIONS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10];

/// Whether two files' benchmark cells mean the same thing, so a gate may compare them: version 1
/// stored uncalibrated per-call times; versions 2 to 7 store calibrated ones in the same cells.
pub fn cells_comparable(a: u32, b: u32) -> bool {
    a == b || (a >= 2 && b >= 2)
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusRecord {
    pub dir: String,
    pub manifest_sha256: String,
    /// Module name -> sha256 of its wasm.
    pub modules: std::collections::BTreeMap<String, String>,
    /// What each module is (schema 7; empty in older files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub described: Vec<CorpusModule>,
}

/// One corpus module as a results file describes it (schema 7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusModule {
    pub name: String,
    pub kind: manifest::ModuleKind,
    pub language: String,
    pub bytes: u64,
    pub is_wasi: bool,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<manifest::Toolchain>,
}

impl CorpusModule {
    pub fn of(m: &manifest::ModuleEntry) -> CorpusModule {
        CorpusModule {
            name: m.name.clone(),
            kind: m.kind,
            language: m.source_language.clone(),
            bytes: m.bytes as u64,
            is_wasi: m.is_wasi,
            toolchain: m.toolchain.clone(),
        }
    }
}

/// One workload x size x engine cell of the throughput scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputCell {
    pub workload: String,
    /// Absent for guests without sizes (adversarial).
    pub size: Option<Size>,
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub expected_checksum: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ThroughputMeasurement>,
    /// Wall time of the cell including its worker process.
    pub wall_ms: u64,
    /// Ratio of this cell's time per call to `native`'s for the same workload and size, with a
    /// 95% interval (schema 2): since schema 9, where both were measured in rounds, the
    /// geometric mean of the per-round ratios with the t interval across rounds; else the
    /// ratio of medians with a bootstrap interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_to_native: Option<Estimate>,
    /// Schema 10: ratio to the fastest WebAssembly configuration of the same workload and size
    /// ([`virtual_best`]); absent for the baselines and where only one configuration ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_to_best: Option<Estimate>,
}

impl ThroughputCell {
    /// Per-call times of the samples: calibrated ones (schema 2) or raw ones (schema 1).
    /// `(round, median of the kept samples)` of each worker process (schema 9; empty before).
    pub fn round_medians(&self) -> Vec<(usize, f64)> {
        let Some(m) = &self.measurement else { return vec![] };
        m.processes.iter().map(|p| (p.round, p.median_ns_per_call)).collect()
    }

    pub fn per_call_ns(&self) -> Option<Vec<f64>> {
        let m = self.measurement.as_ref()?;
        Some(if m.per_call_ns.is_empty() {
            m.samples.iter().map(|s| s.ns_per_call()).collect()
        } else {
            m.per_call_ns.clone()
        })
    }
}

/// Geometric mean over the corpus of an engine's ratios to native (schema 2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineGeomean {
    pub engine: String,
    pub size: Option<Size>,
    /// Workloads in the mean (those where both the engine and native have a measurement).
    pub workloads: usize,
    pub ratio: Estimate,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputSection {
    pub cells: Vec<ThroughputCell>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engine_geomeans: Vec<EngineGeomean>,
    /// Schema 10: each WebAssembly configuration's geometric mean of ratios to the fastest
    /// configuration per workload ([`virtual_best`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub virtual_best: Vec<EngineGeomean>,
}

impl ThroughputSection {
    /// Fills in every cell's ratio to `native` (the in-process baseline's id) and every
    /// engine's geometric mean of ratios. Pure arithmetic on the samples in the file.
    pub fn analyze(&mut self, native: &str) {
        type Native = (String, Option<Size>, Vec<f64>, Vec<(usize, f64)>);
        let native: Vec<Native> = self
            .cells
            .iter()
            .filter(|c| c.engine == native && c.status == CellStatus::Ok)
            .filter_map(|c| Some((c.workload.clone(), c.size, c.per_call_ns()?, c.round_medians())))
            .collect();
        let native_of = |c: &ThroughputCell| native.iter().find(|n| n.0 == c.workload && n.1 == c.size);
        for i in 0..self.cells.len() {
            let c = &self.cells[i];
            let ratio = match (c.per_call_ns(), native_of(c)) {
                (Some(a), Some(n)) if c.status == CellStatus::Ok => {
                    let rounds = round_log_ratios(&c.round_medians(), &n.3);
                    let logs: Vec<f64> = rounds.iter().map(|r| r.1).collect();
                    Some(stats::levels::log_mean_t(&logs, 0.95).unwrap_or_else(|| stats::ratio_of_medians(&a, &n.2)))
                }
                _ => None,
            };
            self.cells[i].ratio_to_native = ratio;
        }
        let mut keys: Vec<(String, Option<Size>)> = Vec::new();
        for c in &self.cells {
            if !keys.contains(&(c.engine.clone(), c.size)) {
                keys.push((c.engine.clone(), c.size));
            }
        }
        self.engine_geomeans = keys
            .into_iter()
            .filter_map(|(engine, size)| {
                let pairs: Vec<(&ThroughputCell, &Native)> = self
                    .cells
                    .iter()
                    .filter(|c| c.engine == engine && c.size == size && c.status == CellStatus::Ok && size.is_some())
                    .filter_map(|c| Some((c, native_of(c)?)))
                    .collect();
                if pairs.is_empty() {
                    return None;
                }
                // Measured in rounds: the mean over workloads of each round's log ratios, with the
                // t interval across the rounds every workload has.
                let per_workload: Vec<Vec<(usize, f64)>> =
                    pairs.iter().map(|(c, n)| round_log_ratios(&c.round_medians(), &n.3)).collect();
                let rounds: Vec<usize> = per_workload
                    .first()
                    .map(|f| {
                        f.iter()
                            .map(|r| r.0)
                            .filter(|r| per_workload.iter().all(|w| w.iter().any(|x| x.0 == *r)))
                            .collect()
                    })
                    .unwrap_or_default();
                let round_means: Vec<f64> = rounds
                    .iter()
                    .map(|r| {
                        per_workload
                            .iter()
                            .map(|w| w.iter().find(|x| x.0 == *r).expect("in every workload").1)
                            .sum::<f64>()
                            / per_workload.len() as f64
                    })
                    .collect();
                let ratio = stats::levels::log_mean_t(&round_means, 0.95).unwrap_or_else(|| {
                    let samples: Vec<(Vec<f64>, &Vec<f64>)> =
                        pairs.iter().filter_map(|(c, n)| Some((c.per_call_ns()?, &n.2))).collect();
                    let refs: Vec<(&[f64], &[f64])> =
                        samples.iter().map(|(a, b)| (a.as_slice(), b.as_slice())).collect();
                    stats::geomean_of_ratios(&refs)
                });
                Some(EngineGeomean { engine, size, workloads: pairs.len(), ratio })
            })
            .collect();
    }
}

/// `(round, ln(a / b))` for every round both sides measured.
fn round_log_ratios(a: &[(usize, f64)], b: &[(usize, f64)]) -> Vec<(usize, f64)> {
    a.iter()
        .filter_map(|(r, x)| b.iter().find(|(s, _)| s == r).map(|(_, y)| (*r, (x / y).ln())))
        .filter(|(_, l)| l.is_finite())
        .collect()
}

/// Per-call latency of a workload or a call-overhead benchmark on one engine (schema 2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyCell {
    pub engine: String,
    /// `workload` or `call-overhead`.
    pub kind: String,
    /// Workload name, or the benchmark's label (`empty typed`, `data 4 KiB`).
    pub target: String,
    pub size: Option<Size>,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<LatencyRecord>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySection {
    pub cells: Vec<LatencyCell>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdStartCell {
    pub workload: String,
    pub size: Option<Size>,
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ColdStartMeasurement>,
    pub wall_ms: u64,
}

/// From exec of a fresh process to its verified answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessStartCell {
    pub workload: String,
    pub size: Size,
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub path: ProcessPath,
    /// The command timed (program and arguments).
    pub command: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples_ns: Vec<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColdStartSection {
    pub cells: Vec<ColdStartCell>,
    pub process: Vec<ProcessStartCell>,
    /// Schema 8: the corpus's WASI programs from bytes (and from the artifact) to their
    /// verified exit, one fresh driver process per repetition; `first_call` is `_start`. Kept
    /// apart from `cells` so the corpus geomeans stay over the same workloads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<ColdStartCell>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallOverheadCell {
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<CallOverheadMeasurement>,
    pub wall_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallOverheadSection {
    pub cells: Vec<CallOverheadCell>,
}

/// One engine's answer to a bring-your-own module call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportCallCell {
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Val>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ThroughputMeasurement>,
    pub wall_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportCallSection {
    pub module: String,
    pub module_sha256: String,
    pub export: String,
    pub args: Vec<Val>,
    /// True when every engine that ran gave the same results.
    pub engines_agree: bool,
    pub cells: Vec<ExportCallCell>,
}

/// One engine's cell of an engine-level scenario (memory, density, concurrency; schema 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct EngineCell<T> {
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<T>,
    pub wall_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemorySection {
    pub cells: Vec<EngineCell<MemoryOutput>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DensitySection {
    pub cells: Vec<EngineCell<DensityMeasurement>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencySection {
    pub cells: Vec<EngineCell<ConcurrencyMeasurement>>,
}

/// One workload on one engine, without and with one limit (schema 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SandboxTaxCell {
    pub workload: String,
    pub size: Size,
    pub engine: String,
    /// `fuel`, `epoch`, `bounds-checks`.
    pub limit: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<TaxMeasurement>,
    pub wall_ms: u64,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SandboxTaxSection {
    pub cells: Vec<SandboxTaxCell>,
}

/// Geometric mean over workloads of one (engine, limit)'s tax ratios.
#[derive(Clone, Debug, PartialEq)]
pub struct TaxGeomean {
    pub engine: String,
    pub limit: String,
    pub size: Size,
    pub workloads: usize,
    pub ratio: Estimate,
}

impl SandboxTaxSection {
    /// Per engine, limit and size: the geometric mean of the ratios, with a bootstrap interval
    /// (each workload's samples resampled on both sides). Computed from the samples in the file.
    pub fn geomeans(&self) -> Vec<TaxGeomean> {
        let mut keys: Vec<(String, String, Size)> = Vec::new();
        for c in self.cells.iter().filter(|c| c.measurement.is_some()) {
            let k = (c.engine.clone(), c.limit.clone(), c.size);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys.into_iter()
            .map(|(engine, limit, size)| {
                let pairs: Vec<(&[f64], &[f64])> = self
                    .cells
                    .iter()
                    .filter(|c| c.engine == engine && c.limit == limit && c.size == size)
                    .filter_map(|c| c.measurement.as_ref())
                    .map(|m| (m.with_ns.as_slice(), m.without_ns.as_slice()))
                    .collect();
                TaxGeomean { workloads: pairs.len(), ratio: stats::geomean_of_ratios(&pairs), engine, limit, size }
            })
            .collect()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scenarios {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<ThroughputSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_call: Option<ExportCallSection>,
    /// `run --module APP.wasm --wasi` (schema 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasi_command: Option<wasi_command::WasiCommandSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencySection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<ColdStartSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_overhead: Option<CallOverheadSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemorySection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<DensitySection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<ConcurrencySection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_tax: Option<SandboxTaxSection>,
    /// Sections of registered scenarios without a typed field above, by scenario name (schema 5).
    #[serde(flatten)]
    pub other: BTreeMap<String, GenericSection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    pub schema: String,
    pub schema_version: u32,
    pub run_id: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// False while running or when the run was interrupted.
    pub complete: bool,
    pub command: Vec<String>,
    pub profile: Profile,
    /// `worker-process` (each cell in its own process) or `in-process` (debugging).
    pub isolation: String,
    pub engine_options: EngineOptions,
    pub environment: Environment,
    pub engines: Vec<EngineInfo>,
    pub corpus: Option<CorpusRecord>,
    /// Scenarios the run was asked for (schema 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios_selected: Vec<String>,
    /// `--time-budget`, and the factor every time cap was scaled by to fit it (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_budget_s: Option<u64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_scale: Option<f64>,
    /// `I/N` when this run measured one deterministic slice of the matrix (schema 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The runs `wasmgauge merge` joined into this file (schema 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<MergedRun>,
    pub scenarios: Scenarios,
    /// Conformance results (schema 4), from `wasmgauge conform`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conformance: Option<ConformanceSection>,
    /// How the cells measured in several processes were ordered (schema 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// The order of a run's multi-process cells (schema 9): in every round, each such cell of each
/// workload runs once in a fresh process, workloads and engines in an order shuffled per round
/// from `seed` (`run --seed` repeats it), each process with a layout drawn from the same seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    pub seed: u64,
    /// The rounds run per scenario (its plan's `processes`).
    pub rounds: BTreeMap<String, usize>,
    /// What each process's layout varies, in words.
    pub layout: String,
}

/// One input of a merged results file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MergedRun {
    pub run_id: String,
    pub shard: Option<String>,
    pub hostname: String,
    pub cpu_model: String,
    pub logical_cores: usize,
}

pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl ResultsFile {
    /// Describes engine `id` as the file records it.
    pub fn engine(&self, id: &str) -> Option<&EngineInfo> {
        self.engines.iter().find(|e| e.id == id)
    }

    /// The id of the first subject of a kind (the baselines: one of each).
    pub fn subject_of_kind(&self, kind: SubjectKind) -> Option<&str> {
        self.engines.iter().find(|e| e.kind() == kind).map(|e| e.id.as_str())
    }

    /// The id of the in-process native baseline, the reference of every ratio.
    pub fn native_id(&self) -> Option<&str> {
        self.subject_of_kind(SubjectKind::Native)
    }

    /// Recomputes every derived figure stored in the file (throughput ratios and geomeans).
    pub fn analyze(&mut self) {
        let native = self.native_id().unwrap_or("native").to_string();
        if let Some(t) = self.scenarios.throughput.as_mut() {
            t.analyze(&native);
        }
    }

    /// Writes the file atomically: a temporary file beside it, then a rename.
    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
        Ok(())
    }

    /// Reads a results file, refusing other formats and unreadable versions with a clear message.
    pub fn load(path: &Path) -> Result<ResultsFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON (corrupt or truncated results file)", path.display()))?;
        let schema = value.get("schema").and_then(|s| s.as_str());
        if schema != Some(SCHEMA) {
            bail!("{} is not a wasmgauge results file (schema {:?}, expected {SCHEMA:?})", path.display(), schema);
        }
        let version = value.get("schema_version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if !READABLE_VERSIONS.contains(&version) {
            let newer = if version > SCHEMA_VERSION { " (written by a newer wasmgauge)" } else { "" };
            bail!(
                "{} has results schema version {version}{newer}; this wasmgauge reads versions {:?}",
                path.display(),
                READABLE_VERSIONS
            );
        }
        serde_json::from_value(value).with_context(|| {
            format!(
                "{} has schema version {version} but its content does not match it (corrupt results file)",
                path.display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plans::{Profile, ProfileName};

    fn sample() -> ResultsFile {
        ResultsFile {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            run_id: "t".into(),
            started_at: now_rfc3339(),
            finished_at: None,
            complete: false,
            command: vec!["wasmgauge".into()],
            profile: Profile::get(ProfileName::Quick),
            isolation: "in-process".into(),
            engine_options: EngineOptions::default(),
            environment: Environment {
                cpu_model: "test cpu".into(),
                logical_cores: 2,
                memory_total_kib: None,
                os: "linux".into(),
                arch: "x86_64".into(),
                kernel: "6".into(),
                hostname: "test".into(),
                rustc: "rustc".into(),
                harness_version: "0".into(),
                harness_commit: None,
                harness_dirty: None,
                harness_commit_time: None,
                settle: None,
                cpu_governor: None,
                runtimes: Default::default(),
            },
            engines: vec![],
            corpus: None,
            scenarios_selected: vec![],
            time_budget_s: None,
            budget_scale: None,
            shard: None,
            merged_from: vec![],
            scenarios: Scenarios::default(),
            conformance: None,
            schedule: None,
        }
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/r.json");
        let r = sample();
        r.save(&path).unwrap();
        assert_eq!(ResultsFile::load(&path).unwrap(), r);
        assert!(!path.with_extension("json.tmp").exists());
    }

    #[test]
    fn other_versions_and_corrupt_files_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        let mut v = serde_json::to_value(sample()).unwrap();
        v["schema_version"] = 99.into();
        std::fs::write(&path, v.to_string()).unwrap();
        let err = ResultsFile::load(&path).unwrap_err().to_string();
        assert!(err.contains("version 99") && err.contains("newer"), "{err}");

        std::fs::write(&path, "{\"schema\": \"wasmgauge-results\", \"schema_version\": 1, \"run_id\": 5}").unwrap();
        let err = format!("{:#}", ResultsFile::load(&path).unwrap_err());
        assert!(err.contains("corrupt results file"), "{err}");

        std::fs::write(&path, "{ truncated").unwrap();
        assert!(ResultsFile::load(&path).unwrap_err().to_string().contains("not valid JSON"));

        std::fs::write(&path, "{\"hello\": 1}").unwrap();
        assert!(ResultsFile::load(&path).unwrap_err().to_string().contains("not a wasmgauge results file"));
    }
}
