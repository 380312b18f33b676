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
    /// Schema 8: that commit's committer time (RFC 3339), which `history` orders runs by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub harness_commit_time: Option<String>,
    /// Schema 8: how long the run waited for the machine to settle before its first cell, and
    /// the spread of the probe when it stopped waiting (see `settle`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settle: Option<Settle>,
    /// CPU frequency governor, if the kernel exposes it (a source of noise).
    pub cpu_governor: Option<String>,
    /// Runtime crate -> version, for every driver the run used (since schema 5 read from each
    /// driver's Cargo.lock; a runtime measured at two versions lists both, comma-separated).
    pub runtimes: std::collections::BTreeMap<String, String>,
}

/// The wait for a steady machine before a run's first cell: a fixed probe loop timed in rounds
/// until `window` consecutive rounds agree within `tolerance` (or `max_ms` passed).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settle {
    pub waited_ms: u64,
    pub rounds: usize,
    /// Whether the probe became steady before the cap.
    pub steady: bool,
    /// Relative spread (max/min - 1) of the last `window` rounds.
    pub spread: f64,
    pub window: usize,
    pub tolerance: f64,
    /// The median probe round, in nanoseconds, of the last window.
    pub probe_ns: u64,
}
