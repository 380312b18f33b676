//! Wasmer glue shared by its configurations (`cranelift`, `singlepass`): engine wrapping,
//! modules, instances (each with its own `Store`, since Wasmer keeps every instance alive
//! inside its store until the store is dropped) and value conversion.

use anyhow::{Result, bail};
use measure::engine::{
    Compiled, CompiledModule, Conformance, Engine, EngineInfo, EngineOptions, Instance, Limits, MicroCall,
    check_limits, compiled, timed_loop,
};
use measure::features::Features;
use measure::host;
use measure::kit::{Glue, KitInstance, exported_memory, knobs, memory_error};
use measure::session::{Session, SessionLimits};
use std::hint::black_box;
use std::num::NonZero;

pub struct WasmerEngine {
    info: EngineInfo,
    engine: wasmer::Engine,
    supported_features: Features,
    /// Built with the metering middleware (then sessions can set a point budget).
    metering: bool,
    /// Whether shared memories are on (then `spectest.shared_memory` exists).
    threads: bool,
}

/// Compile threads as the compilers take them.
pub(crate) fn threads(options: &EngineOptions) -> NonZero<usize> {
    NonZero::new(options.compile_threads.max(1)).expect("max(1) is non-zero")
}

/// Wasmer's feature flags for a set of proposals. Sign extension, saturating conversions and
/// mutable globals have no flag (always on).
fn to_wasmer_features(f: &Features) -> wasmer::sys::Features {
    let mut w = wasmer::sys::Features::new();
    w.threads(f.has("threads"))
        .reference_types(f.has("reference-types"))
        .simd(f.has("simd"))
        .bulk_memory(f.has("bulk-memory"))
        .multi_value(f.has("multi-value"))
        .tail_call(f.has("tail-call"))
        .multi_memory(f.has("multi-memory"))
        .memory64(f.has("memory64"))
        .exceptions(f.has("exceptions"))
        .relaxed_simd(f.has("relaxed-simd"))
        .extended_const(f.has("extended-const"))
        .wide_arithmetic(f.has("wide-arithmetic"));
    w
}

/// The proposals a Wasmer compiler says it supports on this host.
fn from_wasmer_features(w: &wasmer::sys::Features) -> Features {
    let flags = [
        ("threads", w.threads),
        ("reference-types", w.reference_types),
        ("simd", w.simd),
        ("bulk-memory", w.bulk_memory),
        ("multi-value", w.multi_value),
        ("tail-call", w.tail_call),
        ("multi-memory", w.multi_memory),
        ("memory64", w.memory64),
        ("exceptions", w.exceptions),
        ("relaxed-simd", w.relaxed_simd),
        ("extended-const", w.extended_const),
        ("wide-arithmetic", w.wide_arithmetic),
    ];
    let mut names: Vec<&str> = vec!["mutable-global", "sign-extension-ops", "nontrapping-float-to-int-conversions"];
    if w.reference_types {
        names.push("gc-types");
    }
    names.extend(flags.iter().filter(|(_, on)| *on).map(|(n, _)| *n));
    Features::of(&names)
}

/// Builds a Wasmer configuration from one compiler: the sandbox limits it supports (metering,
/// as a middleware; the others are refused), the requested proposals it supports, the shared
/// knobs, then `own_knobs`.
pub(crate) fn build<C: wasmer::sys::CompilerConfig + 'static>(
    id: &str,
    description: &str,
    options: &EngineOptions,
    mut compiler: C,
    own_knobs: Vec<(&'static str, String)>,
) -> Result<WasmerEngine> {
    let supported = Limits { instruction_counting: true, ..Default::default() };
    check_limits(id, &options.limits, &supported)?;
    if options.limits.instruction_counting {
        let metering = wasmer_middlewares::Metering::new(u64::MAX, |_: &wasmer::wasmparser::Operator| 1);
        compiler.push_middleware(std::sync::Arc::new(metering));
    }
    let supported_features =
        from_wasmer_features(&compiler.supported_features_for_target(&wasmer::sys::Target::default()));
    let mut knobs = knobs::common(options);
    knobs.push(("allocator", "on-demand (store per instance)".into()));
    knobs.push(("bounds_checks", "guard pages (default tunables)".into()));
    knobs.extend(own_knobs);
    let mut builder = wasmer::sys::EngineBuilder::new(compiler);
    let mut threads = true;
    if let Some(features) = &options.features {
        let on = features.intersect(&supported_features);
        threads = on.has("threads");
        builder = builder.set_features(Some(to_wasmer_features(&on)));
        knobs.push(("features", on.label()));
    }
    let engine: wasmer::Engine = builder.engine().into();
    Ok(WasmerEngine {
        info: EngineInfo::new(id, "wasmer", env!("WG_LOCKED_WASMER"), description, &knobs),
        engine,
        supported_features,
        metering: options.limits.instruction_counting,
        threads,
    })
}

impl Engine for WasmerEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        Ok(Box::new(Compiled(wasmer::Module::from_binary(&self.engine, wasm)?)))
    }

    fn serialize(&self, module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(Some(compiled::<wasmer::Module>(module, &self.info.id)?.serialize()?.to_vec()))
    }

    fn deserialize(&self, artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        // SAFETY: the harness only feeds Wasmer artifacts this same configuration produced with
        // `serialize`; Wasmer checks the header and version.
        let module = unsafe { wasmer::Module::deserialize(&self.engine, artifact)? };
        Ok(Box::new(Compiled(module)))
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<wasmer::Module>(module, &self.info.id)?;
        let mut store = wasmer::Store::new(self.engine.clone());
        let mut imports = wasmer::Imports::new();
        for import in module.imports() {
            if !host::provides(import.module(), import.name()) {
                bail!(
                    "unknown import `{}.{}`: the harness provides only {}.{}",
                    import.module(),
                    import.name(),
                    host::MODULE,
                    host::TICK
                );
            }
            imports.define(host::MODULE, host::TICK, wasmer::Function::new_typed(&mut store, host::tick));
        }
        let instance = wasmer::Instance::new(&mut store, module, &imports)?;
        let memory = instance.exports.get_memory("memory").ok().cloned();
        Ok(KitInstance::boxed(WasmerInstance { store, instance, memory }))
    }
}

impl Conformance for WasmerEngine {
    fn supported_features(&self) -> Features {
        self.supported_features.clone()
    }

    fn session(&self, limits: &SessionLimits) -> Result<Box<dyn Session>> {
        crate::session::new(&self.engine, limits, self.metering, self.threads)
    }

    fn run_wasi(
        &self,
        wasm: &[u8],
        requests: &[measure::wasi::WasiRequest],
        compile_once: bool,
    ) -> Vec<measure::wasi::WasiRunOutcome> {
        measure::wasi::run_many(&crate::wasi::Layer(&self.engine), wasm, requests, compile_once)
    }
}

struct WasmerInstance {
    store: wasmer::Store,
    instance: wasmer::Instance,
    memory: Option<wasmer::Memory>,
}

impl Glue for WasmerInstance {
    type Func = wasmer::Function;
    type Val = wasmer::Value;
    measure::val_conversions!(wasmer::Value, floats: f32::from_bits, f64::from_bits);

    fn export(&mut self, name: &str) -> Option<wasmer::Function> {
        self.instance.exports.get_function(name).ok().cloned()
    }

    fn invoke(
        &mut self,
        func: &wasmer::Function,
        args: &[wasmer::Value],
        results: &mut Vec<wasmer::Value>,
    ) -> Result<()> {
        *results = func.call(&mut self.store, args)?.into_vec();
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        let view = exported_memory(self.memory.as_ref())?.view(&self.store);
        view.read(offset as u64, out).map_err(memory_error("reading"))
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let view = exported_memory(self.memory.as_ref())?.view(&self.store);
        view.write(offset as u64, bytes).map_err(memory_error("writing"))
    }

    /// Wasmer's typed functions take their arguments spread, not as a tuple: the four loops
    /// of the kit's `typed_micro!` written out.
    fn time_typed(&mut self, call: MicroCall, iters: u64) -> Option<Result<u64>> {
        let (store, exports) = (&mut self.store, &self.instance.exports);
        let mut timed = || -> Result<u64> {
            match call {
                MicroCall::Empty => {
                    let f = exports.get_typed_function::<(), ()>(&*store, call.export())?;
                    timed_loop(iters, (), || Ok(f.call(&mut *store)?))
                }
                MicroCall::Add4 { args: [a, b, c, d], expected } => {
                    let f = exports.get_typed_function::<(i64, i64, i64, i64), i64>(&*store, call.export())?;
                    timed_loop(iters, expected, || {
                        let (a, b, c, d) = black_box((a, b, c, d));
                        Ok(f.call(&mut *store, a, b, c, d)?)
                    })
                }
                MicroCall::HostLoop { n, expected } => {
                    let f = exports.get_typed_function::<i32, i32>(&*store, call.export())?;
                    timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box(n))?))
                }
                MicroCall::Spin { n, expected } => {
                    let f = exports.get_typed_function::<i64, i64>(&*store, call.export())?;
                    timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box(n))?))
                }
            }
        };
        Some(timed())
    }
}
