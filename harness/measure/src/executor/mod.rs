//! The workload-level interface: prepare a workload with its input, then call it for a checksum.
//!
//! Three kinds of executor stand behind it: [`wasm::WasmExecutor`] drives any WebAssembly
//! engine through the narrow engine interface (compile, instantiate, write the input into guest
//! memory, call `run`); [`native::NativeExecutor`] calls the same workload source compiled into
//! the native driver (no isolation); [`subprocess::SubprocessExecutor`] talks over pipes to the
//! native runner binary in a child process (OS isolation). Scenarios see only this trait, and
//! get a subject's executor from `Subject::executor`.

pub mod export_call;
pub mod native;
pub mod subprocess;
pub mod wasm;

use anyhow::Result;
pub use results::measurements::SetupTimes;

/// A workload as every executor needs it: its name (native and subprocess look the kernel up by
/// name) and its wasm bytes (the wasm executor compiles them).
pub struct WorkloadCode<'a> {
    /// The workload's name.
    pub name: &'a str,
    /// Its wasm bytes.
    pub wasm: &'a [u8],
}

/// A workload prepared on one subject, called for checksums.
pub trait Executor {
    /// Makes the workload callable with `input` (compile, instantiate, copy input in, ...).
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> Result<SetupTimes>;
    /// One call of the prepared workload; returns its checksum.
    fn call(&mut self) -> Result<u64>;
    /// Times `iters` calls, each checksum checked against `expected`; returns the elapsed
    /// nanoseconds. The default times [`Executor::call`] here; an executor whose calls run in
    /// another process has them timed there (see `Instance::timed_run`).
    fn timed_calls(&mut self, iters: u64, expected: u64) -> Result<u64> {
        crate::measurement::time_batch(iters, || {
            crate::engine::check_answer(std::hint::black_box(self.call()?), expected)
        })
    }
    /// Where the runtime has an ahead-of-time artifact: [`Executor::prepare`] loads the module
    /// from `path` when it exists, else compiles it and saves its artifact there. The worker
    /// processes of a cell measured in rounds share one, so only the first pays the compile
    /// (the code that runs is the same). Executors without artifacts ignore it.
    fn reuse_artifact(&mut self, _path: &std::path::Path) {}
    /// For a prepared executor whose batches run in another process: that process's batch loop
    /// with no call (see `Instance::far_empty_batch`). `None`: its batches run here.
    fn far_empty_batch(&mut self, _iters: u64) -> Option<Result<u64>> {
        None
    }
}
