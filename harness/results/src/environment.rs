//! The environment fingerprint written into every result file: what machine, kernel, compiler,
//! runtime versions and harness commit produced the numbers (captured by the `wasmgauge` CLI).
use serde::{Deserialize, Serialize};

/// The machine and build that produced a results file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    /// The CPU model, from /proc/cpuinfo.
    pub cpu_model: String,
    /// Logical cores this process may use.
    pub logical_cores: usize,
    /// Memory, from /proc/meminfo.
    pub memory_total_kib: Option<u64>,
    /// `linux`.
    pub os: String,
    /// `x86_64`.
    pub arch: String,
    /// The kernel release.
    pub kernel: String,
    /// The host's name.
    pub hostname: String,
    /// The rustc that built the harness.
    pub rustc: String,
    /// The harness crate's version.
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
    /// How long it waited.
    pub waited_ms: u64,
    /// Probe rounds timed.
    pub rounds: usize,
    /// Whether the probe became steady before the cap.
    pub steady: bool,
    /// Relative spread (max/min - 1) of the last `window` rounds.
    pub spread: f64,
    /// Rounds that must agree.
    pub window: usize,
    /// How close they must agree (relative spread).
    pub tolerance: f64,
    /// The median probe round, in nanoseconds, of the last window.
    pub probe_ns: u64,
}
