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
    /// Schema 15: the limits every figure must respect, measured at run start
    /// ([`crate::plausibility`] flags a figure beyond them).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limits: Option<MachineLimits>,
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

/// What this machine can do at best, measured at run start: no honest figure goes beyond it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MachineLimits {
    /// The fastest memory copy, per size copied (best of many copies; smaller copies stay in a
    /// nearer cache and go faster).
    pub copy: Vec<CopyRate>,
    /// The clock's resolution: the smallest nonzero difference of two readings, ns.
    pub clock_resolution_ns: f64,
    /// The cheapest system call (`getpid`, best batch per call), ns.
    pub empty_syscall_ns: f64,
}

/// The fastest copy of `bytes` this machine did.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CopyRate {
    /// Bytes per copy.
    pub bytes: u64,
    /// 10^6 bytes per second.
    pub mb_per_s: f64,
}

impl MachineLimits {
    /// The fastest rate at which this machine could move `bytes` bytes: its copy rate at the
    /// largest measured size not above `bytes` (a smaller copy goes at least as fast), the
    /// fastest of all when the size is unknown or below every measured one.
    pub fn copy_limit_mb_per_s(&self, bytes: Option<u64>) -> Option<f64> {
        let fastest =
            self.copy.iter().map(|c| c.mb_per_s).fold(None, |m: Option<f64>, r| Some(m.map_or(r, |m| m.max(r))));
        let Some(bytes) = bytes else { return fastest };
        self.copy.iter().filter(|c| c.bytes <= bytes).max_by_key(|c| c.bytes).map(|c| c.mb_per_s).or(fastest)
    }
}
