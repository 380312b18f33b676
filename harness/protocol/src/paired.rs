//! The payloads of the paired gate: two guest modules measured in interleaved ABBA rounds in
//! one driver process ([`PairedJob`]), or one side of a comparison between two driver builds
//! ([`SideSpec`], sent to a driver started with `probe`, which then answers `prepare`, `batch`
//! and `verified` one line each, or `error <message>`).
use results::{EngineOptions, Val, ValType};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// One engine's paired measurement, run in a driver.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PairedJob {
    /// The engine configuration both sides run on.
    pub engine: String,
    /// Its options.
    pub options: EngineOptions,
    /// Baseline (A) and candidate (B) modules.
    pub modules: [PathBuf; 2],
    /// The export both modules have.
    pub export: String,
    /// Its arguments.
    pub args: Vec<Val>,
    /// Its result types.
    pub result_types: Vec<ValType>,
    /// ABBA rounds.
    pub rounds: usize,
    /// Milliseconds per timed batch.
    pub batch_ms: u64,
    /// Warm-up of each side before the first round.
    pub warmup_ms: u64,
}

impl PairedJob {
    /// What one side of this job runs: `module` under the job's engine and call.
    pub fn side(&self, module: &std::path::Path) -> SideSpec {
        SideSpec {
            engine: self.engine.clone(),
            options: self.options.clone(),
            module: module.to_path_buf(),
            export: self.export.clone(),
            args: self.args.clone(),
            result_types: self.result_types.clone(),
            batch_ms: self.batch_ms,
            warmup_ms: self.warmup_ms,
        }
    }
}

/// What one side runs.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SideSpec {
    /// The engine configuration.
    pub engine: String,
    /// Its options.
    pub options: EngineOptions,
    /// The guest module.
    pub module: PathBuf,
    /// The export called.
    pub export: String,
    /// Its arguments.
    pub args: Vec<Val>,
    /// Its result types.
    pub result_types: Vec<ValType>,
    /// Milliseconds per timed batch.
    pub batch_ms: u64,
    /// Warm-up before the first batch.
    pub warmup_ms: u64,
}

/// What a paired job measured: both sides' batches and the per-round log ratios the gate decides
/// on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairedMeasurement {
    /// log(B / A) of each round.
    pub log_ratios: Vec<f64>,
    /// Calibrated time per call of each batch.
    pub a_ns: Vec<f64>,
    /// The same for the candidate (B).
    pub b_ns: Vec<f64>,
    /// Calls checked on both sides.
    pub verified_calls: u64,
}
