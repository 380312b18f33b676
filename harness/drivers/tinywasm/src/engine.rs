//! tinywasm glue: an interpreter with no ahead-of-time artifact (its `twasm` archive is the
//! parsed module, not compiled code, and is not used here), no fuel or epoch limits through
//! the benchmark interface (the conformance session runs its calls in fuel slices), and
//! instances that live on the thread that made them (a store holds `Rc`s; the parsed module is
//! shared).

use anyhow::{Result, anyhow};
use measure::engine::{
    Compiled, CompiledModule, Conformance, Engine, EngineInfo, EngineOptions, Instance, Limits, MicroCall,
    check_limits, compiled,
};
use measure::features::Features;
use measure::host;
use measure::kit::{Glue, KitInstance, exported_memory, knobs, memory_error};
use measure::session::{Session, SessionLimits};
use tinywasm::types::WasmValue;

/// The proposals tinywasm 0.10 validates and runs: one fixed set (its parser's validator
/// also accepts typed function references, which it cannot run).
const SUPPORTED: &[&str] = measure::features::NO_GC_EXCEPTIONS_THREADS;

pub struct TinywasmEngine {
    info: EngineInfo,
    engine: tinywasm::Engine,
}

pub(crate) fn build(id: &str, description: &str, options: &EngineOptions) -> Result<TinywasmEngine> {
    check_limits(id, &options.limits, &Limits::NONE)?;
    let mut knobs = knobs::single_threaded(options, "1 (feature `parallel-parser` off)");
    knobs.push(("compiler", "none: tinywasm interprets its own bytecode".into()));
    knobs.push(("execution", "interpreter (tinywasm bytecode)".into()));
    knobs.push((
        "features",
        "std, parser, archive, canonicalize-nans (crate defaults without parallel-parser, log)".into(),
    ));
    knobs.push(("bounds_checks", "explicit checks".into()));
    if options.features.is_some() {
        // Asked for a suite's proposals: tinywasm's validator has one fixed set, whatever the
        // suite; a module a suite holds invalid for lack of a later proposal is accepted.
        knobs.push(("proposals", format!("fixed: {} (not switched per suite)", Features::of(SUPPORTED).label())));
    }
    Ok(TinywasmEngine {
        info: EngineInfo::new(id, "tinywasm", env!("WG_LOCKED_TINYWASM"), description, &knobs),
        engine: tinywasm::Engine::default(),
    })
}

// The parsed module is an `Arc` of plain data: shared by threads that each instantiate it.
const _: fn() = || {
    fn shared<T: Send + Sync>() {}
    shared::<tinywasm::Module>();
};

impl Engine for TinywasmEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let module = tinywasm::parse_bytes(wasm).map_err(|e| anyhow!("{e}"))?;
        Ok(Box::new(Compiled(module)))
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<tinywasm::Module>(module, &self.info.id)?;
        let mut store = tinywasm::Store::new(self.engine.clone());
        let tick = tinywasm::HostFunction::from(&mut store, |_ctx, i: i32| Ok(host::tick(i)));
        let mut imports = tinywasm::Imports::new();
        imports.define(host::MODULE, host::TICK, tick);
        let instance =
            tinywasm::ModuleInstance::instantiate(&mut store, module, Some(imports)).map_err(|e| anyhow!("{e}"))?;
        let memory = instance.memory("memory").ok();
        Ok(KitInstance::boxed(TinywasmInstance { store, instance, memory }))
    }
}

impl Conformance for TinywasmEngine {
    fn supported_features(&self) -> Features {
        Features::of(SUPPORTED)
    }

    fn fixed_proposals(&self) -> bool {
        true
    }

    fn session(&self, limits: &SessionLimits) -> Result<Box<dyn Session>> {
        crate::session::new(limits)
    }
}

struct TinywasmInstance {
    store: tinywasm::Store,
    instance: tinywasm::ModuleInstance,
    memory: Option<tinywasm::Memory>,
}

impl Glue for TinywasmInstance {
    type Func = tinywasm::Function;
    type Val = WasmValue;
    measure::val_conversions!(WasmValue, floats: f32::from_bits, f64::from_bits);

    fn export(&mut self, name: &str) -> Option<tinywasm::Function> {
        self.instance.func_untyped(&self.store, name).ok()
    }

    fn invoke(&mut self, func: &tinywasm::Function, args: &[WasmValue], results: &mut Vec<WasmValue>) -> Result<()> {
        *results = func.call(&mut self.store, args).map_err(|e| anyhow!("{e}"))?;
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        exported_memory(self.memory.as_ref())?.read_exact(&self.store, offset, out).map_err(memory_error("reading"))
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let memory = exported_memory(self.memory.as_ref())?;
        memory.copy_from_slice(&mut self.store, offset, bytes).map_err(memory_error("writing"))
    }

    fn time_typed(&mut self, call: MicroCall, iters: u64) -> Option<Result<u64>> {
        let (store, instance) = (&mut self.store, &self.instance);
        let e = |e: tinywasm::Error| anyhow!("{e}");
        measure::typed_micro!(call, iters, |name| instance.func(store, name).map_err(e), |f, args| f
            .call(&mut *store, args)
            .map_err(e))
    }
}
