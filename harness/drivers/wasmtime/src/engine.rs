//! Wasmtime glue shared by its configurations (`cranelift`, `cranelift_pooling`, `winch`,
//! `pulley`): engine setup with the common knobs, host-function linker, modules, instances and
//! value conversion.

use anyhow::{Result, anyhow};
use measure::engine::{
    Compiled, CompiledModule, Conformance, Engine, EngineInfo, EngineOptions, Instance, Limits, MicroCall,
    check_limits, compiled,
};
use measure::features::{Features, PROPOSALS};
use measure::host;
use measure::kit::{Glue, KitInstance, exported_memory, knobs, memory_error};
use measure::session::{Session, SessionLimits};
use wasmtime as wt;

/// What the knobs say about how this driver hosts components (`crate::component`).
const COMPONENTS_KNOB: &str = "wasmtime::component, typed bindings (bindgen!); WASI 0.2: wasmtime-wasi p2, synchronous; \
    component-model-async not compiled in; Config::async_support off";

pub struct WasmtimeEngine {
    info: EngineInfo,
    engine: wt::Engine,
    linker: wt::Linker<()>,
    /// Link imports once per module (`InstancePre`) when it is compiled, so instantiation only
    /// allocates and initializes (the serverless setup).
    pre_instantiate: bool,
    /// Fuel and epoch deadlines are per store: set at every instantiation when switched on.
    limits: Limits,
    /// The configuration before any proposal was switched on or off, to probe which proposals
    /// it supports.
    base_config: wt::Config,
    /// The proposals it supports, probed once (at build when features were asked for).
    supported: std::sync::OnceLock<Features>,
    /// Whether shared memories are on (then `spectest.shared_memory` exists).
    threads: bool,
}

/// Builds a Wasmtime configuration: the shared knobs first, then `configure` sets the
/// configuration's own and returns them for the record.
pub fn build(
    id: &str,
    description: &str,
    options: &EngineOptions,
    pre_instantiate: bool,
    configure: impl FnOnce(&mut wt::Config) -> Result<Vec<(&'static str, String)>>,
) -> Result<WasmtimeEngine> {
    let mut config = wt::Config::new();
    config.parallel_compilation(options.compile_threads > 1);
    config.consume_fuel(false);
    config.epoch_interruption(false);
    config.allocation_strategy(wt::InstanceAllocationStrategy::OnDemand);
    let mut knobs = knobs::common(options);
    if options.compile_threads > 1 {
        // Wasmtime has no thread count of its own: parallel compilation uses rayon's global pool.
        let pool = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        let threads = format!("parallel: rayon pool of {pool} ({} requested)", options.compile_threads);
        knobs::set(&mut knobs, "compile_threads", threads);
    }
    let mut own = configure(&mut config)?;
    let supported = Limits { instruction_counting: true, epoch_interruption: true, explicit_bounds_checks: true };
    check_limits(id, &options.limits, &supported)?;
    config.consume_fuel(options.limits.instruction_counting);
    config.epoch_interruption(options.limits.epoch_interruption);
    if options.limits.explicit_bounds_checks {
        // No virtual-memory reservation and no guard region: every access is checked in code.
        config.memory_reservation(0).memory_guard_size(0).memory_reservation_for_growth(0);
        config.signals_based_traps(false);
        knobs::set(&mut own, "bounds_checks", "explicit (no reservation, no guard pages, no signal handlers)");
    }
    if !own.iter().any(|(k, _)| *k == "allocator") {
        knobs.push(("allocator", "on-demand".into()));
    }
    knobs.push((
        "instantiate",
        if pre_instantiate { "InstancePre (imports linked at compile)" } else { "Linker::instantiate" }.into(),
    ));
    knobs.push(("components", COMPONENTS_KNOB.into()));
    knobs.extend(own);
    let base_config = config.clone();
    let supported = std::sync::OnceLock::new();
    let mut threads = false;
    if let Some(features) = &options.features {
        let on = features.intersect(supported.get_or_init(|| probe_features(&config)));
        threads = on.has("threads");
        // Host-created shared memories (`spectest.shared_memory`) need this too.
        crate::compat::shared_memory(&mut config, threads);
        for (name, bits) in PROPOSALS {
            crate::compat::set_proposal(&mut config, name, *bits, on.has(name));
        }
        knobs.push(("features", on.label()));
    }
    let engine = wt::Engine::new(&config).map_err(|e| anyhow!("creating the {id} engine: {e:#}"))?;
    let mut linker = wt::Linker::new(&engine);
    linker.func_wrap(host::MODULE, host::TICK, host::tick)?;
    Ok(WasmtimeEngine {
        info: EngineInfo::new(id, "wasmtime", env!("WG_LOCKED_WASMTIME"), description, &knobs),
        engine,
        linker,
        pre_instantiate,
        limits: options.limits,
        base_config,
        supported,
        threads,
    })
}

/// The proposals this configuration accepts: each switched on alone must give an engine
/// (Wasmtime refuses, at `Engine::new`, proposals its compiler or target cannot run).
fn probe_features(config: &wt::Config) -> Features {
    let names = PROPOSALS
        .iter()
        .filter(|(_, bits)| !bits.is_empty())
        .filter(|(name, bits)| {
            let mut c = config.clone();
            if !crate::compat::set_proposal(&mut c, name, *bits, true) {
                return false;
            }
            // GC needs its prerequisites on to be judged alone.
            if bits.contains(wasmparser::WasmFeatures::GC) {
                c.wasm_function_references(true).wasm_reference_types(true);
            }
            wt::Engine::new(&c).is_ok()
        })
        .map(|(name, _)| *name)
        .collect::<Vec<_>>();
    Features::of(&names)
}

struct WasmtimeModule {
    module: wt::Module,
    pre: Option<wt::InstancePre<()>>,
}

impl WasmtimeEngine {
    /// The Wasmtime engine behind this configuration.
    pub(crate) fn wt_engine(&self) -> &wt::Engine {
        &self.engine
    }

    /// Sets a new store's fuel and epoch deadline when the configuration's limits are on.
    pub(crate) fn prepare_store<T>(&self, store: &mut wt::Store<T>) -> Result<()> {
        if self.limits.instruction_counting {
            store.set_fuel(u64::MAX)?;
        }
        if self.limits.epoch_interruption {
            store.set_epoch_deadline(u64::MAX);
        }
        Ok(())
    }

    fn ready(&self, module: wt::Module) -> Result<Box<dyn CompiledModule>> {
        let pre = if self.pre_instantiate {
            Some(self.linker.instantiate_pre(&module).map_err(|e| anyhow!("linking imports: {e:#}"))?)
        } else {
            None
        };
        Ok(Box::new(Compiled(WasmtimeModule { module, pre })))
    }
}

impl Engine for WasmtimeEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        self.ready(wt::Module::from_binary(&self.engine, wasm)?)
    }

    fn serialize(&self, module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(Some(compiled::<WasmtimeModule>(module, &self.info.id)?.module.serialize()?))
    }

    fn deserialize(&self, artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        // SAFETY: Wasmtime checks the artifact's header and engine compatibility; the harness
        // only feeds it artifacts this same configuration produced with `serialize`.
        let module = unsafe { wt::Module::deserialize(&self.engine, artifact)? };
        self.ready(module)
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<WasmtimeModule>(module, &self.info.id)?;
        let mut store = wt::Store::new(&self.engine, ());
        self.prepare_store(&mut store)?;
        let instance = match &module.pre {
            Some(pre) => pre.instantiate(&mut store)?,
            None => self.linker.instantiate(&mut store, &module.module)?,
        };
        let memory = instance.get_memory(&mut store, "memory");
        Ok(KitInstance::boxed(WasmtimeInstance { store, instance, memory }))
    }

    fn components(&self) -> Option<&dyn measure::component::ComponentHost> {
        Some(self)
    }
}

impl Conformance for WasmtimeEngine {
    fn supported_features(&self) -> Features {
        self.supported.get_or_init(|| probe_features(&self.base_config)).clone()
    }

    fn run_wasi(
        &self,
        wasm: &[u8],
        requests: &[measure::wasi::WasiRequest],
        compile_once: bool,
    ) -> Vec<measure::wasi::WasiRunOutcome> {
        measure::wasi::run_many(&crate::wasi::Layer(&self.engine), wasm, requests, compile_once)
    }

    fn session(&self, limits: &SessionLimits) -> Result<Box<dyn Session>> {
        crate::session::new(
            &self.engine,
            limits,
            self.limits.instruction_counting,
            self.limits.epoch_interruption,
            self.threads,
        )
    }
}

struct WasmtimeInstance {
    store: wt::Store<()>,
    instance: wt::Instance,
    memory: Option<wt::Memory>,
}

impl Glue for WasmtimeInstance {
    type Func = wt::Func;
    type Val = wt::Val;
    measure::val_conversions!(wt::Val, bits);

    fn export(&mut self, name: &str) -> Option<wt::Func> {
        self.instance.get_func(&mut self.store, name)
    }

    // The `Ok(..?)` converts Wasmtime's error into anyhow's on 48; on the 36 line they are the
    // same type, where clippy would call the conversion needless.
    #[allow(clippy::needless_question_mark)]
    fn invoke(&mut self, func: &wt::Func, args: &[wt::Val], results: &mut Vec<wt::Val>) -> Result<()> {
        Ok(func.call(&mut self.store, args, results)?)
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        exported_memory(self.memory)?.read(&self.store, offset, out).map_err(memory_error("reading"))
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        exported_memory(self.memory)?.write(&mut self.store, offset, bytes).map_err(memory_error("writing"))
    }

    fn time_typed(&mut self, call: MicroCall, iters: u64) -> Option<Result<u64>> {
        let (store, instance) = (&mut self.store, self.instance);
        measure::typed_micro!(call, iters, |name| instance.get_typed_func(&mut *store, name), |f, args| f
            .call(&mut *store, args))
    }
}
