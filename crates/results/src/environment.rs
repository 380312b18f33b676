//! The environment fingerprint written into every result file: what machine, kernel, compiler,
//! runtime versions and harness commit produced the numbers (captured by the `wasmgauge` CLI).
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub cpu_model: String,
    pub logical_cores: usize,
    pub memory_total_kib: Option<u64>,
    pub os: String,
    pub arch: String,
    pub kernel: String,
    pub hostname: String,
    pub rustc: String,
    pub harness_version: String,
    /// `git rev-parse HEAD` of the checkout the run was started in, if any.
    pub harness_commit: Option<String>,
    /// True when that checkout had uncommitted changes.
    pub harness_dirty: Option<bool>,
    /// CPU frequency governor, if the kernel exposes it (a source of noise).
    pub cpu_governor: Option<String>,
    /// Runtime crate -> version, for every driver the run used (since schema 5 read from each
    /// driver's Cargo.lock; a runtime measured at two versions lists both, comma-separated).
    pub runtimes: std::collections::BTreeMap<String, String>,
}
