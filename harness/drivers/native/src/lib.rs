//! The native driver's subjects: the `native` baseline (the workloads' Rust source, compiled
//! into this driver, called in-process: no isolation) and `subprocess` (the same code in a
//! `wasmgauge-runner` child, one pipe round trip per call: OS isolation).
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

fn native(_: &EngineOptions) -> anyhow::Result<Subject> {
    let info = EngineInfo::new(
        "native",
        "baseline",
        env!("CARGO_PKG_VERSION"),
        "the workload's Rust source compiled for the host and called in-process (no isolation)",
        &[("compiler", "rustc (release profile)".into()), ("isolation", "none".into())],
    );
    Ok(Subject::Native { info, kernels: &Registry })
}

fn subprocess(_: &EngineOptions) -> anyhow::Result<Subject> {
    let info = EngineInfo::new(
        "subprocess",
        "baseline",
        env!("CARGO_PKG_VERSION"),
        "the same native code in a child process (wasmgauge-runner), one pipe round trip per call",
        &[
            ("compiler", "rustc (release profile)".into()),
            ("isolation", "OS process".into()),
            ("transport", "anonymous pipes, length-prefixed frames".into()),
        ],
    );
    Ok(Subject::Subprocess { info })
}

/// Every subject of this driver, in registry order.
pub static SUBJECTS: &[SubjectEntry] =
    &[SubjectEntry { id: "native", make: native }, SubjectEntry { id: "subprocess", make: subprocess }];

/// The driver: native code has no conformance side and embeds no runtime.
pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: &[],
    runtimes: env!("WG_RUNTIMES"),
    rustc: env!("WG_RUSTC"),
};
