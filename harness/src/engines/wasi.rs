//! What the WASI checks ask of a runtime's WASI layer: run a command module's `_start` with
//! these arguments, environment and preopened directories, and report its exit code.
//!
//! Each runtime implements it once with its own WASI crate (wasmtime-wasi preview 1,
//! wasmer-wasix, wasmi_wasi); its configurations share it.

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
