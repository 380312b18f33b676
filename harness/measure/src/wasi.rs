//! What the WASI checks and `run --module --wasi` ask of a runtime's WASI layer: run a command
//! module's `_start` with these arguments, environment, preopened directories and standard
//! streams, and report its exit code and how long each phase took (the types are the
//! protocol's: an orchestrator asks a driver for runs).
//!
//! Each runtime implements [`WasiLayer`] once with its own WASI crate (wasmtime-wasi preview 1,
//! wasmer-wasix, wasmi_wasi); its configurations share it, and [`run`] times the phases the
//! same way for all of them.
//!
//! Every layer also binds Sightglass's benchmark protocol ([`BenchRegion`]): the imports
//! `bench.start` and `bench.end`, whose region is timed as a phase of its own.

use crate::measurement::{Measurement, WallClock, time};
pub use protocol::wasi::{Preopen, Stdio, WasiExit, WasiPhases, WasiRequest, WasiRunOutcome};
use std::sync::{Arc, Mutex};
use std::time::Instant;

/// The import module of Sightglass's benchmark protocol.
pub const BENCH_MODULE: &str = "bench";
/// `bench.start: [] -> []`: the timed region begins.
pub const BENCH_START: &str = "start";
/// `bench.end: [] -> []`: the timed region ends.
pub const BENCH_END: &str = "end";

/// The region between a guest's `bench.start` and `bench.end` (Sightglass's protocol: each is
/// called exactly once, in that order). One per run; a layer binds both imports to it, and a
/// call out of order makes the import trap with the message [`BenchRegion::start`] or
/// [`BenchRegion::end`] returns. Cloning shares the region (the host functions hold clones).
#[derive(Clone, Debug, Default)]
pub struct BenchRegion(Arc<Mutex<Marks>>);

#[derive(Debug, Default)]
struct Marks {
    started: Option<Instant>,
    ns: Option<u64>,
}

impl BenchRegion {
    fn marks(&self) -> std::sync::MutexGuard<'_, Marks> {
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The host side of `bench.start`; the clock is read last, after the checks, and then the
    /// instruction counter's mark is passed (`run --suite --measure instructions`).
    pub fn start(&self) -> Result<(), String> {
        let mut m = self.marks();
        if m.started.is_some() {
            return Err("bench.start was called a second time (the protocol calls it exactly once)".into());
        }
        m.started = Some(WallClock.start());
        crate::measurement::bench_marks::wasmgauge_bench_start_mark();
        Ok(())
    }

    /// The host side of `bench.end`; the instruction counter's mark is passed first, then the
    /// clock is read, before the checks.
    pub fn end(&self) -> Result<(), String> {
        crate::measurement::bench_marks::wasmgauge_bench_end_mark();
        let now = WallClock.start();
        let mut m = self.marks();
        let Some(started) = m.started else {
            return Err("bench.end was called before bench.start".into());
        };
        if m.ns.is_some() {
            return Err("bench.end was called a second time (the protocol calls it exactly once)".into());
        }
        m.ns = Some(now.saturating_duration_since(started).as_nanos() as u64);
        Ok(())
    }

    /// The region's nanoseconds once both were called; `None` before.
    pub fn ns(&self) -> Option<u64> {
        self.marks().ns
    }

    /// Whether `bench.start` was called (a run that returns with the region still open called
    /// `bench.end` no time at all).
    pub fn opened(&self) -> bool {
        self.marks().started.is_some()
    }
}

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
    /// an instance, with `bench.start` and `bench.end` bound to `bench` where the module
    /// imports them.
    fn instantiate(
        &self,
        module: &Self::Module,
        request: &WasiRequest,
        bench: &BenchRegion,
    ) -> anyhow::Result<Self::Ready>;
    /// Calls `_start`: returned or `proc_exit(n)` is an exit code, a trap an error.
    fn start(&self, ready: Self::Ready) -> WasiExit;
    /// For a layer whose runtime runs in another process (V8 in Node.js): what its last
    /// `compile`, `load_artifact`, `instantiate` or `start` took there, measured there, and the
    /// benchmark region of its last `start` (which that side times and checks itself). The
    /// harness uses these in place of its own timing, which would include the pipe. `None`
    /// (every in-process layer): timed here.
    fn far_times(&self) -> Option<FarTimes> {
        None
    }
}

/// The far side's figures of a layer's last operation (see [`WasiLayer::far_times`]).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct FarTimes {
    /// What the operation took there.
    pub ns: u64,
    /// After a `start`: the region between `bench.start` and `bench.end`, when both were called.
    pub bench_ns: Option<u64>,
    /// After a `start`: whether `bench.start` was called.
    pub bench_opened: bool,
}

/// Runs `op` of `layer` and times it: on the far side where the layer runs there, else here.
fn timed<L: WasiLayer, R>(layer: &L, op: impl FnOnce() -> R) -> (R, u64) {
    let (out, here) = time(op);
    (out, layer.far_times().map_or(here, |f| f.ns))
}

/// A compiled module ready for runs, with what compiling (and loading the artifact) took.
struct Prepared<M> {
    module: M,
    compile_ns: u64,
    artifact_load_ns: Option<u64>,
}

fn failed(what: &str, e: anyhow::Error) -> WasiRunOutcome {
    WasiRunOutcome { exit: WasiExit::Error(format!("{what}: {e:#}")), phases: None }
}

/// Compiles `wasm`, then loads the runtime's artifact of it where there is one (runs are made
/// from the loaded module); each step timed.
fn prepare<L: WasiLayer>(layer: &L, wasm: &[u8]) -> Result<Prepared<L::Module>, WasiRunOutcome> {
    let (compiled, compile_ns) = timed(layer, || layer.compile(wasm));
    let compiled = compiled.map_err(|e| failed("compile", e))?;
    match layer.artifact(&compiled) {
        Ok(None) => Ok(Prepared { module: compiled, compile_ns, artifact_load_ns: None }),
        Ok(Some(bytes)) => {
            drop(compiled);
            let (module, load_ns) = timed(layer, || layer.load_artifact(&bytes));
            let module = module.map_err(|e| failed("load artifact", e))?;
            Ok(Prepared { module, compile_ns, artifact_load_ns: Some(load_ns) })
        }
        Err(e) => Err(failed("serialize", e)),
    }
}

/// Instantiates a prepared module for `request` and starts it; both timed, and the region of
/// Sightglass's protocol where the guest marked one. A guest that called `bench.start` and
/// returned without `bench.end` has failed the protocol.
fn start<L: WasiLayer>(layer: &L, p: &Prepared<L::Module>, request: &WasiRequest) -> WasiRunOutcome {
    let bench = BenchRegion::default();
    let (ready, instantiate_ns) = timed(layer, || layer.instantiate(&p.module, request, &bench));
    let ready = match ready {
        Ok(r) => r,
        Err(e) => return failed("instantiate", e),
    };
    let (mut exit, run_ns) = timed(layer, || layer.start(ready));
    let (bench_ns, opened) = match layer.far_times() {
        Some(far) => (far.bench_ns, far.bench_opened),
        None => (bench.ns(), bench.opened()),
    };
    if opened && bench_ns.is_none() && matches!(exit, WasiExit::Code(_)) {
        exit = WasiExit::Error("the guest called bench.start but exited without calling bench.end".into());
    }
    let phases =
        WasiPhases { compile_ns: p.compile_ns, artifact_load_ns: p.artifact_load_ns, instantiate_ns, run_ns, bench_ns };
    WasiRunOutcome { exit, phases: Some(phases) }
}

/// One run of `wasm` on `layer`: compile, load the artifact where there is one (the instance
/// is made from it), instantiate, start; each phase timed on its own.
pub fn run<L: WasiLayer>(layer: &L, wasm: &[u8], request: &WasiRequest) -> WasiRunOutcome {
    if let Some(why) = layer.unsupported(request) {
        return WasiRunOutcome { exit: WasiExit::Unsupported(why), phases: None };
    }
    match prepare(layer, wasm) {
        Ok(p) => start(layer, &p, request),
        Err(outcome) => outcome,
    }
}

/// One run per request: each compiled anew ([`run`]), or with `compile_once` all made from one
/// compile (every run's phases then carry that compile's figures).
pub fn run_many<L: WasiLayer>(
    layer: &L,
    wasm: &[u8],
    requests: &[WasiRequest],
    compile_once: bool,
) -> Vec<WasiRunOutcome> {
    if !compile_once {
        return requests.iter().map(|r| run(layer, wasm, r)).collect();
    }
    if let Some(why) = requests.iter().find_map(|r| layer.unsupported(r)) {
        return requests
            .iter()
            .map(|_| WasiRunOutcome { exit: WasiExit::Unsupported(why.clone()), phases: None })
            .collect();
    }
    match prepare(layer, wasm) {
        Ok(p) => requests.iter().map(|r| start(layer, &p, r)).collect(),
        Err(outcome) => requests.iter().map(|_| outcome.clone()).collect(),
    }
}

/// Every request's outcome when the configuration cannot run it at all: `why`, an error.
pub fn not_available(requests: &[WasiRequest], why: String) -> Vec<WasiRunOutcome> {
    requests.iter().map(|_| WasiRunOutcome { exit: WasiExit::Error(why.clone()), phases: None }).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bench_region_is_timed_once_and_refuses_calls_out_of_order() {
        let region = BenchRegion::default();
        assert_eq!(region.end().unwrap_err(), "bench.end was called before bench.start");
        assert!(!region.opened() && region.ns().is_none());
        region.start().unwrap();
        assert!(region.start().unwrap_err().contains("bench.start was called a second time"));
        std::thread::sleep(std::time::Duration::from_millis(2));
        let shared = region.clone();
        shared.end().unwrap();
        assert!(region.ns().unwrap() >= 2_000_000, "{:?}", region.ns());
        assert!(region.end().unwrap_err().contains("bench.end was called a second time"));
    }
}
