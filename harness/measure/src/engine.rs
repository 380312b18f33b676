//! The narrow engine interface every WebAssembly runtime configuration is driven through.
//!
//! An [`Engine`] is one runtime in one configuration (`wasmtime-cranelift`, `wasmi-lazy`, ...).
//! It compiles bytes to a [`CompiledModule`], serializes/deserializes that where the runtime has
//! an ahead-of-time artifact, and instantiates it into an [`Instance`] with the harness's host
//! functions ([`crate::host`]) bound. An instance calls exports and reads/writes its exported
//! memory. Dropping an instance frees it.
//!
//! Each configuration is an adapter file in its runtime's driver (`harness/drivers/<runtime>/src/`),
//! next to the glue its configurations share; the conformance side of a configuration is a
//! trait of its own ([`Conformance`]), so a binary that only measures does not link it.

use crate::session::{Session, SessionLimits};
use anyhow::{Result, bail};
pub use results::measurements::CallPath;
pub use results::{EngineInfo, EngineOptions, Features, Limits, Val, ValType};
use std::any::Any;

/// Fails when `asked` has a limit outside `supported` (a configuration's own list).
pub fn check_limits(id: &str, asked: &Limits, supported: &Limits) -> Result<()> {
    match asked.missing_from(supported) {
        Some(what) => bail!("{id} does not support {what}"),
        None => Ok(()),
    }
}

/// Handle to an export looked up once on an instance, so calls skip the name lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncId(pub usize);

/// A module compiled (or deserialized) by one engine; only that engine can use it.
pub trait CompiledModule: Any + Send + Sync {
    /// The module as `Any`, for [`compiled`] to downcast.
    fn as_any(&self) -> &dyn Any;
}

/// A runtime's own compiled module as the engine interface carries it: an adapter returns
/// `Box::new(Compiled(module))` and reads it back with [`compiled`].
pub struct Compiled<T>(pub T);

impl<T: Any + Send + Sync> CompiledModule for Compiled<T> {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// The runtime's module inside `module`, with a clear error when another engine compiled it.
pub fn compiled<'m, T: 'static>(module: &'m dyn CompiledModule, engine: &str) -> Result<&'m T> {
    match module.as_any().downcast_ref::<Compiled<T>>() {
        Some(m) => Ok(&m.0),
        None => bail!("module was compiled by another engine than {engine}"),
    }
}

/// One WebAssembly runtime configuration.
pub trait Engine: Send + Sync {
    /// What this configuration is, with its knobs.
    fn info(&self) -> &EngineInfo;
    /// Bytes (binary wasm) to a ready module, validation included.
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>>;
    /// The runtime's ahead-of-time artifact for a module; `Ok(None)` when it has none (the
    /// default: a runtime without artifacts implements neither this nor `deserialize`).
    fn serialize(&self, _module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }
    /// Loads an artifact made by [`Engine::serialize`] of this same configuration.
    fn deserialize(&self, _artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        bail!("{}: not available ({} has no ahead-of-time artifact)", self.info().id, self.info().runtime)
    }
    /// A fresh instance with the host functions of [`crate::host`] bound to its imports.
    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>>;

    /// Its component host, if it hosts components (the registry declares which do).
    fn components(&self) -> Option<&dyn crate::component::ComponentHost> {
        None
    }

    /// Its plugin kit, if it is one (the registry declares which are).
    fn plugin_kit(&self) -> Option<&dyn crate::plugin_kit::PluginKit> {
        None
    }
    /// For an engine that runs in another process (V8 in Node.js): what its last `compile` or
    /// `instantiate` took there, measured there. The harness uses it in place of its own
    /// timing, which would include the pipe. `None` (every in-process engine): time it here.
    fn remote_ns(&self) -> Option<u64> {
        None
    }
}

impl crate::measurement::FarClock for dyn Engine + '_ {
    fn far_ns(&self) -> Option<u64> {
        self.remote_ns()
    }
}

/// The conformance side of a configuration: a trait of its own, built by a driver's
/// conformance table only, so that binaries that only measure (a driver's `once` binary, whose
/// process start is a benchmark figure) do not link the conformance code and the WASI layers.
pub trait Conformance: Engine {
    /// The proposals this configuration can run (see [`crate::features`]).
    fn supported_features(&self) -> Features;
    /// True when it validates with one fixed set of proposals, whatever a suite's profile asks
    /// (tinywasm): a module that a profile holds invalid for lack of a later proposal is then
    /// accepted, and the spec suites' `assert_invalid` directives count that as failed.
    fn fixed_proposals(&self) -> bool {
        false
    }
    /// A conformance session: a store of its own, modules linked by name (see [`crate::session`]).
    fn session(&self, limits: &SessionLimits) -> Result<Box<dyn Session>>;
    /// Runs a WASI preview 1 command module through the runtime's WASI layer once per request,
    /// each phase timed; with `compile_once`, compiled once for all of them (see
    /// [`crate::wasi::run_many`]). The default is a runtime without a WASI layer: every run
    /// says so.
    fn run_wasi(
        &self,
        _wasm: &[u8],
        requests: &[crate::wasi::WasiRequest],
        _compile_once: bool,
    ) -> Vec<crate::wasi::WasiRunOutcome> {
        let why = format!("{}: not available ({} has no WASI layer here)", self.info().id, self.info().runtime);
        crate::wasi::not_available(requests, why)
    }
}

/// The call-overhead calls an instance times in a loop of its own (see [`Instance::time_micro`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MicroCall {
    /// `empty()` of the `empty` micro-module.
    Empty,
    /// `add4(a, b, c, d) -> i64` of `add4`, with its native answer.
    Add4 {
        /// The four arguments.
        args: [i64; 4],
        /// Their native sum.
        expected: i64,
    },
    /// `call_host(n) -> i32` of `host_loop`: n guest->host calls of `wasmgauge.tick`.
    HostLoop {
        /// Host calls per guest call.
        n: i32,
        /// The native twin's answer.
        expected: i32,
    },
    /// `spin(n) -> i64` of `spin`: work proportional to n.
    Spin {
        /// The work to do.
        n: i64,
        /// The native twin's answer.
        expected: i64,
    },
}

impl MicroCall {
    /// The export the call names.
    pub fn export(&self) -> &'static str {
        match self {
            MicroCall::Empty => "empty",
            MicroCall::Add4 { .. } => "add4",
            MicroCall::HostLoop { .. } => "call_host",
            MicroCall::Spin { .. } => "spin",
        }
    }
}

/// Fails with the message every scenario gives for a checksum that is not the native answer.
pub fn check_answer(got: u64, expected: u64) -> Result<()> {
    if got != expected {
        bail!("wrong answer: got {got:#018x}, the native answer is {expected:#018x}");
    }
    Ok(())
}

/// Times `iters` calls of `call`, checking every answer against `expected`; returns the
/// elapsed nanoseconds. Generic, so each adapter's typed path compiles to a monomorphic loop.
#[inline(always)]
pub fn timed_loop<R: PartialEq + std::fmt::Debug>(
    iters: u64,
    expected: R,
    mut call: impl FnMut() -> Result<R>,
) -> Result<u64> {
    crate::measurement::time_batch(iters, || {
        let got = std::hint::black_box(call()?);
        if got != expected {
            bail!("wrong answer: got {got:?}, the native answer is {expected:?}");
        }
        Ok(())
    })
}

/// The dynamic path of [`Instance::time_micro`], shared by every adapter: the interface's
/// `call` with values in a slice.
pub fn time_micro_dynamic(instance: &mut dyn Instance, call: MicroCall, iters: u64) -> Result<u64> {
    let f = instance.func(call.export())?;
    let (args, expected): (Vec<Val>, Vec<Val>) = match call {
        MicroCall::Empty => (vec![], vec![]),
        MicroCall::Add4 { args, expected } => (args.iter().map(|a| Val::I64(*a)).collect(), vec![Val::I64(expected)]),
        MicroCall::HostLoop { n, expected } => (vec![Val::I32(n)], vec![Val::I32(expected)]),
        MicroCall::Spin { n, expected } => (vec![Val::I64(n)], vec![Val::I64(expected)]),
    };
    let mut results = expected.clone();
    timed_loop(iters, true, || {
        instance.call(f, std::hint::black_box(&args), &mut results)?;
        Ok(results == expected)
    })
}

/// A live instance. Traps come back as errors naming the trap.
pub trait Instance {
    /// The export `export`, looked up once.
    fn func(&mut self, export: &str) -> Result<FuncId>;
    /// Calls `func` with `args`, writing `results` (as many as it returns).
    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()>;
    /// Copies `out.len()` bytes from the exported memory `memory` at `offset`.
    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()>;
    /// Copies `bytes` into the exported memory `memory` at `offset`.
    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()>;
    /// Times `iters` calls of a call-overhead export through `path`, verifying every answer;
    /// returns elapsed nanoseconds. The loop runs inside the adapter (see [`timed_loop`]).
    fn time_micro(&mut self, call: MicroCall, path: CallPath, iters: u64) -> Result<u64>;
    /// Times `iters` calls of a workload's `run(ptr, len) -> i64`, each checksum checked against
    /// `expected`; returns the elapsed nanoseconds. Timed here by default; an engine in another
    /// process times the batch there, so no pipe round trip is counted.
    fn timed_run(&mut self, run: FuncId, args: &[Val; 2], iters: u64, expected: u64) -> Result<u64> {
        let mut result = [Val::I64(0)];
        crate::measurement::time_batch(iters, || {
            self.call(run, std::hint::black_box(args), &mut result)?;
            match result[0] {
                Val::I64(v) => check_answer(v as u64, expected),
                other => bail!("`run` returned {other}, expected an i64"),
            }
        })
    }
    /// For an instance whose batches run in another process (V8 in Node.js): `iters` turns of
    /// the batch loop there with no call in it, timed there, which calibrates that loop as
    /// [`crate::sampler::Sampler::new`] calibrates the harness's own. `None` (every in-process
    /// instance): its batches run here, in the harness's loops.
    fn far_empty_batch(&mut self, _iters: u64) -> Option<Result<u64>> {
        None
    }
    /// Times `iters` rounds of the core data call (see [`DataCall`]) with `invert`, the
    /// checksum checked on every call and the bytes read back after the batch, outside the
    /// clock. Timed here by default; an engine in another process times the batch there.
    fn time_data(&mut self, invert: FuncId, call: &DataCall, iters: u64) -> Result<u64> {
        let mut back = vec![0u8; call.input.len()];
        let mut result = [Val::I64(0)];
        let args = [Val::I32(call.ptr as i32), Val::I32(call.input.len() as i32)];
        let ns = crate::measurement::time_batch(iters, || {
            self.write_memory(call.ptr, std::hint::black_box(call.input))?;
            self.call(invert, &args, &mut result)?;
            if result[0] != Val::I64(call.expected) {
                bail!("wrong answer: got {}, the native answer is {}", result[0], call.expected);
            }
            self.read_memory(call.ptr, &mut back)
        })?;
        if back != call.expected_bytes {
            bail!("the bytes read back differ from the native answer");
        }
        Ok(ns)
    }
}

/// One round of the core-module data call: the host writes `input` into guest memory at `ptr`,
/// calls `invert(ptr, len)` (the guest checksums and inverts the bytes in place), and reads
/// the bytes back; `expected` is the native checksum, `expected_bytes` the native bytes.
#[derive(Clone, Copy, Debug)]
pub struct DataCall<'a> {
    /// Where in guest memory.
    pub ptr: usize,
    /// The bytes written.
    pub input: &'a [u8],
    /// The native checksum.
    pub expected: i64,
    /// The native bytes read back.
    pub expected_bytes: &'a [u8],
}

/// The message of a caught panic.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// A runtime value that must stay on the thread that made it (a C runtime's environment behind
/// an `Rc`, as Wasm3's and WAMR's bindings have), carried by an engine the interface wants
/// `Send + Sync`. Reaching it from another thread is an error, never a data race; dropped on
/// another thread it is leaked instead of freed there. The registry declares such runtimes
/// without `threads`, so no scenario shares their engines between threads.
pub struct ThreadBound<T> {
    value: std::mem::ManuallyDrop<T>,
    owner: std::thread::ThreadId,
}

// SAFETY: the value is only reached through `get`/`get_mut`, which refuse any thread but the
// owner, and it is only dropped on the owner thread (see `Drop`).
unsafe impl<T> Send for ThreadBound<T> {}
// SAFETY: as above: no shared access from a thread other than the owner.
unsafe impl<T> Sync for ThreadBound<T> {}

impl<T> ThreadBound<T> {
    /// Binds `value` to the calling thread.
    pub fn new(value: T) -> Self {
        ThreadBound { value: std::mem::ManuallyDrop::new(value), owner: std::thread::current().id() }
    }

    fn check(&self) -> Result<()> {
        if std::thread::current().id() != self.owner {
            bail!("this runtime is single-threaded: its engine and modules stay on the thread that made them");
        }
        Ok(())
    }

    /// The value, on its owner thread.
    pub fn get(&self) -> Result<&T> {
        self.check()?;
        Ok(&self.value)
    }

    /// The value, mutably, on its owner thread.
    pub fn get_mut(&mut self) -> Result<&mut T> {
        self.check()?;
        Ok(&mut self.value)
    }
}

impl<T> Drop for ThreadBound<T> {
    fn drop(&mut self) {
        if std::thread::current().id() == self.owner {
            // SAFETY: dropped once, here, on the owner thread.
            unsafe { std::mem::ManuallyDrop::drop(&mut self.value) }
        }
    }
}

#[cfg(test)]
mod thread_bound_tests {
    use super::ThreadBound;

    #[test]
    fn a_thread_bound_value_is_refused_on_other_threads() {
        let bound = ThreadBound::new(std::rc::Rc::new(5));
        assert_eq!(**bound.get().unwrap(), 5);
        std::thread::scope(|s| {
            let err = s.spawn(|| bound.get().map(|_| ()).unwrap_err().to_string()).join().unwrap();
            assert!(err.contains("single-threaded"), "{err}");
        });
    }
}
