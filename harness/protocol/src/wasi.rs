//! A WASI command run, as a driver's WASI layer takes it (`ConformJob::WasiRun` for the WASI
//! checks, `ConformJob::WasiCommand` for `run --module --wasi`): arguments, environment,
//! preopened directories and standard streams in; an exit code and the phases' times out.
use serde::{Deserialize, Serialize};
use std::path::PathBuf;

/// A host directory the guest may use, and under what name.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Preopen {
    /// The directory on the host.
    pub host: PathBuf,
    /// The guest's path for it, e.g. `/sandbox`.
    pub guest: String,
    /// Read-only: the guest may read but not create, write or delete.
    pub read_only: bool,
}

/// What one run of a WASI command gets: arguments, environment, directories, streams.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasiRequest {
    /// `argv`, program name first.
    pub args: Vec<String>,
    /// The guest's environment.
    pub env: Vec<(String, String)>,
    /// The directories granted.
    pub preopens: Vec<Preopen>,
    /// Files for the standard streams; `None`: no stdin, stdout and stderr discarded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stdio: Option<Stdio>,
}

/// Host files standing in for a run's standard streams.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stdio {
    /// Read as the guest's stdin; `None`: an empty stdin.
    pub stdin: Option<PathBuf>,
    /// Created (truncated) and written with the guest's stdout.
    pub stdout: PathBuf,
    /// Created (truncated) and written with the guest's stderr.
    pub stderr: PathBuf,
}

/// The phases of one timed WASI command run, in nanoseconds, each timed inside the driver.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WasiPhases {
    /// Bytes to a ready module (validation and compilation).
    pub compile_ns: u64,
    /// Loading the runtime's ahead-of-time artifact of the module; `None` where it has none.
    pub artifact_load_ns: Option<u64>,
    /// A fresh WASI context, store and instance of the module (from the artifact where loaded).
    pub instantiate_ns: u64,
    /// `_start` until it returned or the guest exited.
    pub run_ns: u64,
    /// Sightglass's benchmark protocol: from the guest's `bench.start` to its `bench.end`
    /// (inside `run_ns`); `None` when the guest called neither.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bench_ns: Option<u64>,
}

/// One timed run: how it ended, and its phases when it got as far as running.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WasiRunOutcome {
    /// How it ended.
    pub exit: WasiExit,
    /// Its phases, where it got as far as running.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub phases: Option<WasiPhases>,
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
