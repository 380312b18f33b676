//! A WASI command run, as a driver's WASI layer takes it (`ConformJob::WasiRun`, the WASI
//! checks): arguments, environment and preopened directories in, an exit code out.
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A host directory the guest may use, and under what name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preopen {
    pub host: PathBuf,
    /// The guest's path for it, e.g. `/sandbox`.
    pub guest: String,
    /// Read-only: the guest may read but not create, write or delete.
    pub read_only: bool,
}

#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasiRequest {
    /// `argv`, program name first.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub preopens: Vec<Preopen>,
}

/// How a WASI run ended.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WasiExit {
    /// `_start` returned (0) or the guest called `proc_exit(code)`.
    Code(i32),
    /// The runtime trapped or failed to run the module.
    Error(String),
    /// The request needs something this runtime's WASI layer cannot express.
    Unsupported(String),
}
