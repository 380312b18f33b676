//! What the WASI checks and `run --module --wasi` ask of a runtime's WASI layer: run a command
//! module's `_start` with these arguments, environment, preopened directories and standard
//! streams, and report its exit code and how long each phase took (the types are the
//! protocol's: an orchestrator asks a driver for runs).
//!
//! Each runtime implements [`WasiLayer`] once with its own WASI crate (wasmtime-wasi preview 1,
//! wasmer-wasix, wasmi_wasi); its configurations share it, and [`run`] times the phases the
//! same way for all of them.

pub use protocol::wasi::{Preopen, Stdio, WasiExit, WasiPhases, WasiRequest, WasiRunOutcome};
use std::time::Instant;

/// One runtime's WASI layer, split into the phases a run is timed by.
pub trait WasiLayer {
    /// A compiled (or loaded) module.
    type Module;
    /// A store with the WASI context and an instance of the module, ready to start.
    type Ready;
    /// Why this layer cannot express `request` (e.g. a read-only preopen), if it cannot.
    fn unsupported(&self, _request: &WasiRequest) -> Option<String> {
        None
    }
    /// Bytes to a module, validation included.
    fn compile(&self, wasm: &[u8]) -> anyhow::Result<Self::Module>;
    /// The runtime's ahead-of-time artifact of `module`; `None` where it has none.
    fn artifact(&self, module: &Self::Module) -> anyhow::Result<Option<Vec<u8>>>;
    /// Loads an artifact made by [`WasiLayer::artifact`].
    fn load_artifact(&self, artifact: &[u8]) -> anyhow::Result<Self::Module>;
    /// A fresh WASI context for `request` (streams opened, directories preopened), a store and
    /// an instance.
    fn instantiate(&self, module: &Self::Module, request: &WasiRequest) -> anyhow::Result<Self::Ready>;
    /// Calls `_start`: returned or `proc_exit(n)` is an exit code, a trap an error.
    fn start(&self, ready: Self::Ready) -> WasiExit;
}

/// One run of `wasm` on `layer`: compile, load the artifact where there is one (the instance
/// is made from it), instantiate, start; each phase timed on its own.
pub fn run<L: WasiLayer>(layer: &L, wasm: &[u8], request: &WasiRequest) -> WasiRunOutcome {
    if let Some(why) = layer.unsupported(request) {
        return WasiRunOutcome { exit: WasiExit::Unsupported(why), phases: None };
    }
    let failed =
        |what: &str, e: anyhow::Error| WasiRunOutcome { exit: WasiExit::Error(format!("{what}: {e:#}")), phases: None };
    let t = Instant::now();
    let compiled = match layer.compile(wasm) {
        Ok(m) => m,
        Err(e) => return failed("compile", e),
    };
    let compile_ns = t.elapsed().as_nanos() as u64;
    let (module, artifact_load_ns) = match layer.artifact(&compiled) {
        Ok(None) => (compiled, None),
        Ok(Some(bytes)) => {
            drop(compiled);
            let t = Instant::now();
            match layer.load_artifact(&bytes) {
                Ok(m) => (m, Some(t.elapsed().as_nanos() as u64)),
                Err(e) => return failed("load artifact", e),
            }
        }
        Err(e) => return failed("serialize", e),
    };
    let t = Instant::now();
    let ready = match layer.instantiate(&module, request) {
        Ok(r) => r,
        Err(e) => return failed("instantiate", e),
    };
    let instantiate_ns = t.elapsed().as_nanos() as u64;
    let t = Instant::now();
    let exit = layer.start(ready);
    let run_ns = t.elapsed().as_nanos() as u64;
    WasiRunOutcome { exit, phases: Some(WasiPhases { compile_ns, artifact_load_ns, instantiate_ns, run_ns }) }
}

/// Opens a request's stream files: stdin (or `None`), stdout and stderr (created, truncated).
pub fn open_stdio(stdio: &Stdio) -> anyhow::Result<(Option<std::fs::File>, std::fs::File, std::fs::File)> {
    use anyhow::Context;
    let stdin = match &stdio.stdin {
        Some(p) => Some(std::fs::File::open(p).with_context(|| format!("opening stdin {}", p.display()))?),
        None => None,
    };
    let create = |p: &std::path::Path| std::fs::File::create(p).with_context(|| format!("creating {}", p.display()));
    Ok((stdin, create(&stdio.stdout)?, create(&stdio.stderr)?))
}
