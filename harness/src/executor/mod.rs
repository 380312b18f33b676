//! The workload-level interface: prepare a workload with its input, then call it for a checksum.
//!
//! Three kinds of executor stand behind it: [`wasm::WasmExecutor`] drives any WebAssembly
//! engine through the narrow engine interface (compile, instantiate, write the input into guest
//! memory, call `run`); [`native::NativeExecutor`] calls the same workload source compiled into
//! the harness (no isolation); [`subprocess::SubprocessExecutor`] talks over pipes to the native
//! runner binary in a child process (OS isolation). Scenarios see only this trait.

pub mod export_call;
pub mod native;
pub mod subprocess;
pub mod wasm;

use crate::engines::{self, EngineInfo, EngineOptions};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// A workload as every executor needs it: its name (native and subprocess look the kernel up by
/// name) and its wasm bytes (the wasm executor compiles them).
pub struct WorkloadCode<'a> {
    pub name: &'a str,
    pub wasm: &'a [u8],
}

/// What preparing a workload cost, phase by phase; `None` where a phase does not exist.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetupTimes {
    pub compile_ns: Option<u64>,
    pub instantiate_ns: Option<u64>,
    /// Process spawn until the child answered its first request (subprocess only).
    pub spawn_ns: Option<u64>,
}

pub trait Executor {
    /// Makes the workload callable with `input` (compile, instantiate, copy input in, ...).
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> Result<SetupTimes>;
    /// One call of the prepared workload; returns its checksum.
    fn call(&mut self) -> Result<u64>;
}

/// An executor for any engine id: a WebAssembly configuration or a baseline.
pub fn make(engine_id: &str, options: &EngineOptions) -> Result<Box<dyn Executor>> {
    Ok(match engine_id {
        "native" => Box::new(native::NativeExecutor::default()),
        "subprocess" => Box::new(subprocess::SubprocessExecutor::default()),
        other => Box::new(wasm::WasmExecutor::new(engines::make(other, options)?)),
    })
}

/// What the two baselines are, in the same form as the engines' descriptions.
pub fn baseline_infos() -> Vec<EngineInfo> {
    vec![
        EngineInfo::new(
            "native",
            "baseline",
            "the workload's Rust source compiled for the host and called in-process (no isolation)",
            &[("compiler", "rustc (release profile)".into()), ("isolation", "none".into())],
        ),
        EngineInfo::new(
            "subprocess",
            "baseline",
            "the same native code in a child process (wasmgauge-runner), one pipe round trip per call",
            &[
                ("compiler", "rustc (release profile)".into()),
                ("isolation", "OS process".into()),
                ("transport", "anonymous pipes, length-prefixed frames".into()),
            ],
        ),
    ]
}

/// The native kernel for a workload name: the Rust workloads and the adversarial guests.
pub fn native_kernel(name: &str) -> Option<fn(&[u8]) -> u64> {
    crate::workloads::rust_workload(name)
        .map(|w| w.run)
        .or_else(|| crate::workloads::adversarial_guest(name).map(|g| g.native))
}
