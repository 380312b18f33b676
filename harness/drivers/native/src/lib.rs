//! The native driver's subjects: the `native` baseline (the workloads' Rust source, compiled
//! into this driver, called in-process: no isolation) and `subprocess` (the same code in a
//! `wasmgauge-runner` child, one pipe round trip per call: OS isolation). The same source built
//! for the host's CPU is `harness/drivers/native-tuned` (ids `native-tuned`, ...: the manifest's
//! `id-suffix`). Every subject's knobs say how its code was built: target CPU, the features it
//! was compiled with, opt level, LTO and codegen units.
use measure::driver::Driver;
use measure::engine::{EngineInfo, EngineOptions};
use measure::executor::native::Kernels;
use measure::subject::{Subject, SubjectEntry};

/// The workloads' native kernels, from the workload registry.
struct Registry;

impl Kernels for Registry {
    fn kernel(&self, workload: &str) -> Option<fn(&[u8]) -> u64> {
        wg_workloads::native_kernel(workload)
    }
}

/// The x86-64 and AArch64 features a kernel may use, as named by `target_feature`.
const FEATURES: &[(&str, bool)] = &[
    ("sse4.2", cfg!(target_feature = "sse4.2")),
    ("avx", cfg!(target_feature = "avx")),
    ("avx2", cfg!(target_feature = "avx2")),
    ("fma", cfg!(target_feature = "fma")),
    ("bmi2", cfg!(target_feature = "bmi2")),
    ("avx512f", cfg!(target_feature = "avx512f")),
    ("avx512bw", cfg!(target_feature = "avx512bw")),
    ("sha", cfg!(target_feature = "sha")),
    ("aes", cfg!(target_feature = "aes")),
    ("neon", cfg!(target_feature = "neon")),
];

/// How this driver's native code was built (from the shared build script and `cfg!`).
fn build_knobs() -> Vec<(&'static str, String)> {
    let flags = env!("WG_RUSTFLAGS");
    let cpu = flags
        .split_whitespace()
        .find_map(|f| f.strip_prefix("target-cpu="))
        .or_else(|| flags.split("-C target-cpu=").nth(1).and_then(|r| r.split_whitespace().next()))
        .map(|c| format!("{c} (the CPU it was built on)"))
        .unwrap_or_else(|| format!("{} baseline (rustc's default)", std::env::consts::ARCH));
    let features: Vec<&str> = FEATURES.iter().filter(|(_, on)| *on).map(|(f, _)| *f).collect();
    vec![
        ("compiler", "rustc (release profile)".into()),
        ("target_cpu", cpu),
        ("target_features", if features.is_empty() { "none beyond the baseline".into() } else { features.join(",") }),
        ("opt_level", env!("WG_OPT_LEVEL").into()),
        ("lto", env!("WG_LTO").into()),
        ("codegen_units", env!("WG_CODEGEN_UNITS").into()),
        ("rustflags", if flags.is_empty() { "none".into() } else { flags.into() }),
    ]
}

fn native(_: &EngineOptions) -> anyhow::Result<Subject> {
    let mut knobs = build_knobs();
    knobs.push(("isolation", "none".into()));
    let info = EngineInfo::new(
        measure::subject_id!("native"),
        "baseline",
        env!("CARGO_PKG_VERSION"),
        if env!("WG_RUSTFLAGS").contains("target-cpu") {
            "the workload's Rust source compiled for this machine's CPU (every feature it has) and called in-process (no isolation)"
        } else {
            "the workload's Rust source compiled for the architecture's baseline CPU (what a distributed binary targets) and called in-process (no isolation)"
        },
        &knobs,
    );
    Ok(Subject::Native { info, kernels: &Registry })
}

fn subprocess(_: &EngineOptions) -> anyhow::Result<Subject> {
    let mut knobs = build_knobs();
    knobs.push(("isolation", "OS process".into()));
    knobs.push(("transport", "anonymous pipes, length-prefixed frames".into()));
    let info = EngineInfo::new(
        measure::subject_id!("subprocess"),
        "baseline",
        env!("CARGO_PKG_VERSION"),
        "the same native code in a child process (wasmgauge-runner), one pipe round trip per call",
        &knobs,
    );
    Ok(Subject::Subprocess { info })
}

/// Every subject of this driver, in registry order.
pub static SUBJECTS: &[SubjectEntry] = &[
    SubjectEntry { id: measure::subject_id!("native"), make: native },
    SubjectEntry { id: measure::subject_id!("subprocess"), make: subprocess },
];

/// The driver: native code has no conformance side and embeds no runtime.
pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: &[],
    runtimes: env!("WG_RUNTIMES"),
    rustc: env!("WG_RUSTC"),
};
