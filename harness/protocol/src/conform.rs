//! The payloads of conformance requests: what the orchestrator (the `conform` crate) sends a
//! driver for one unit of work, and what comes back when it is not a results type already.
pub use results::conformance::ProbeCell;
use results::conformance::{FileOutcome, SandboxCell, WasiCell};
use results::{Features, Limits};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::time::Duration;

/// One unit of conformance work on one subject.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "job", rename_all = "kebab-case")]
pub enum ConformJob {
    /// The proposals the subject can run (answer: [`Features`]).
    Features,
    /// One spec test file, judged with its suite's profile (answer: [`FileOutcome`]).
    SpecFile(SpecFileJob),
    /// One hostile guest with the limits on (answer: [`SandboxCell`]).
    Sandbox(SandboxJob),
    /// Every WASI capability check with the probe guest (answer: `Vec<`[`WasiCell`]`>`).
    Wasi(WasiJob),
    /// A round of random modules (answer: [`EngineAnswers`]).
    Differential(DifferentialJob),
    /// One WASI command run through the subject's WASI layer (answer: [`crate::wasi::WasiExit`]).
    WasiRun(WasiRunJob),
    /// Timed runs of a user's WASI command, one per request, each phase timed (answer:
    /// `Vec<`[`crate::wasi::WasiRunOutcome`]`>`).
    WasiCommand(WasiCommandJob),
    /// One small module per proposal, each built with that proposal on (answer:
    /// `Vec<`[`ProbeCell`]`>`, one per probe, in order).
    Probes(ProbesJob),
}

/// The feature probes of `conform features`: for each proposal, a module that needs it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ProbesJob {
    /// The probes, each judged on a configuration built with its own proposals on.
    pub probes: Vec<Probe>,
}

/// A module that uses one proposal: its export `probe() -> i32` answers `expected`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Probe {
    /// The proposal (the spec testsuite's name: `simd`, `tail-call`, ...).
    pub proposal: String,
    /// The module's bytes.
    pub wasm: Vec<u8>,
    /// The proposals the configuration is asked to switch on (those of the proposal's suite).
    pub needs: Features,
    /// What `probe()` answers where the proposal works.
    pub expected: i32,
}

/// A user's WASI command, run by `run --module --wasi` and the paired gate.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WasiCommandJob {
    /// The command module.
    pub wasm: PathBuf,
    /// The proposals the configuration is built with (exactly these on): what the module needs,
    /// and WebAssembly 2.0 where the configuration has it.
    pub features: Features,
    /// One request per run, each with its own copies of the granted directories and its own
    /// stream files, so runs cannot see each other.
    pub runs: Vec<crate::wasi::WasiRequest>,
    /// Compile (and load the artifact) once, then instantiate and start once per run; every
    /// run's phases then repeat that one compile's figures. Otherwise each run compiles anew.
    #[serde(default)]
    pub compile_once: bool,
    /// The command is a `wasi:cli/run` component (`run --component --wasi`), run by the
    /// configuration's component host with WASI 0.2; `features` is then unused.
    #[serde(default)]
    pub component: bool,
}

/// One run of a WASI program (the corpus build checks its native twin's output with it).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WasiRunJob {
    /// The command module.
    pub wasm: PathBuf,
    /// The run.
    pub request: crate::wasi::WasiRequest,
}

/// One spec testsuite file.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SpecFileJob {
    /// `wasm-v1`, ..., `proposals/<name>`.
    pub suite: String,
    /// Its file name.
    pub file: String,
    /// The proposals the suite is judged with.
    pub profile: Features,
    /// The `.wast` text.
    pub text: String,
}

/// The message of a `read_guest` host call refused for a range outside the guest's memory
/// (the host side is `measure::host`; the `hostile_host_pointer` case expects this trap).
pub const OUTSIDE_MEMORY: &str = "read_guest: range outside guest memory";

/// What a sandbox must do with a guest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Expect {
    /// Stopped by instruction counting or the deadline (class `Interrupted`).
    Stopped,
    /// A trap whose message names one of the given words.
    Trap(Vec<String>),
    /// Stack exhaustion.
    Exhaustion,
    /// Instantiation refused (a limit).
    InstantiationRefused,
    /// `run` returns a page count within the memory cap (grow failed), or a limit trap.
    GrowCapped,
    /// `run` returns -1 (table.grow failed), or a limit trap.
    GrowRefused,
    /// Compiles (or is rejected) within the job's time limit; `run` answers the job's answer.
    CompileBounded,
}

/// Resource limits a session enforces on its guests (all off by default). The sandbox checks
/// switch them on; a runtime that lacks one says so in its list of limits in force.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionLimits {
    /// Instructions (fuel or metering points) a store may spend; needs an engine built with
    /// instruction counting.
    pub fuel: Option<u64>,
    /// Wall-clock deadline for one invocation, enforced inside the runtime (Wasmtime epochs);
    /// needs an engine built with epoch interruption.
    pub deadline: Option<Duration>,
    /// Largest linear memory, in bytes.
    pub max_memory_bytes: Option<u64>,
    /// Largest table, in elements.
    pub max_table_elements: Option<u64>,
}

/// One hostile guest with its limits.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SandboxJob {
    /// The case's name.
    pub case: String,
    /// The guest, a binary module.
    pub wasm: Vec<u8>,
    /// What must happen.
    pub expect: Expect,
    /// What [`Expect`] says, in words, for the record.
    pub expected: String,
    /// Bytes at the end of memory that must still be zero afterwards.
    pub untouched_tail: Option<usize>,
    /// The answer `run` must give (the compile bomb).
    pub answer: Option<i32>,
    /// Engine limits to build the subject with (the ones it has, of fuel and epochs).
    pub engine_limits: Limits,
    /// The limits of the conformance session.
    pub session: SessionLimits,
    /// Address-space budget of the driver process (`RLIMIT_DATA`).
    pub data_limit_bytes: u64,
}

/// The WASI capability checks.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WasiJob {
    /// The probe guest (`wasi_probe.wasm`).
    pub probe: PathBuf,
}

/// A round of random modules.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DifferentialJob {
    /// `(seed, path of the module)`.
    pub modules: Vec<(u64, PathBuf)>,
}

/// One configuration's answers for a round: per seed, one line per observation
/// (`instantiate: ok`, `call f2: [I32(5)]`, `call f3: trap`, `global g0: I64(1)`,
/// `memory m0: <sha256>`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineAnswers {
    /// The configuration.
    pub engine: String,
    /// Per seed, its observations.
    pub answers: BTreeMap<u64, Vec<String>>,
}

/// Answers of each job kind, for decoding a reply.
pub type FeaturesAnswer = Features;
/// The answer to a [`ConformJob::SpecFile`].
pub type SpecFileAnswer = FileOutcome;
/// The answer to a [`ConformJob::Sandbox`].
pub type SandboxAnswer = SandboxCell;
/// The answer to a [`ConformJob::Wasi`].
pub type WasiAnswer = Vec<WasiCell>;
