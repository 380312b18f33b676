//! Wasmtime glue shared by its configurations (`cranelift`, `cranelift_pooling`, `winch`,
//! `pulley`): engine setup with the common knobs, host-function linker, modules, instances and
//! value conversion.

use anyhow::{Result, anyhow, bail};
use measure::engine::{
    CallPath, CompiledModule, Conformance, Engine, EngineInfo, EngineOptions, FuncId, Instance, Limits, MicroCall, Val,
    check_limits, common_knobs, downcast, time_micro_dynamic, timed_loop,
};
use measure::features::{Features, PROPOSALS};
use measure::host;
use measure::session::{Session, SessionLimits};
use std::any::Any;
use std::hint::black_box;
use wasmtime as wt;

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
pub(crate) fn build(
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
    let mut knobs = common_knobs(options);
    if options.compile_threads > 1 {
        // Wasmtime has no thread count of its own: parallel compilation uses rayon's global pool.
        let pool = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1);
        knobs.retain(|(k, _)| *k != "compile_threads");
        knobs.push((
            "compile_threads",
            format!("parallel: rayon pool of {pool} ({} requested)", options.compile_threads),
        ));
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
        own.retain(|(k, _)| *k != "bounds_checks");
        own.push(("bounds_checks", "explicit (no reservation, no guard pages, no signal handlers)".into()));
    }
    if !own.iter().any(|(k, _)| *k == "allocator") {
        knobs.push(("allocator", "on-demand".into()));
    }
    knobs.push((
        "instantiate",
        if pre_instantiate { "InstancePre (imports linked at compile)" } else { "Linker::instantiate" }.into(),
    ));
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
    fn ready(&self, module: wt::Module) -> Result<Box<dyn CompiledModule>> {
        let pre = if self.pre_instantiate {
            Some(self.linker.instantiate_pre(&module).map_err(|e| anyhow!("linking imports: {e:#}"))?)
        } else {
            None
        };
        Ok(Box::new(WasmtimeModule { module, pre }))
    }
}

impl CompiledModule for WasmtimeModule {
    fn as_any(&self) -> &dyn Any {
        self
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
        Ok(Some(downcast::<WasmtimeModule>(module, &self.info.id)?.module.serialize()?))
    }

    fn deserialize(&self, artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        // SAFETY: Wasmtime checks the artifact's header and engine compatibility; the harness
        // only feeds it artifacts this same configuration produced with `serialize`.
        let module = unsafe { wt::Module::deserialize(&self.engine, artifact)? };
        self.ready(module)
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = downcast::<WasmtimeModule>(module, &self.info.id)?;
        let mut store = wt::Store::new(&self.engine, ());
        if self.limits.instruction_counting {
            store.set_fuel(u64::MAX)?;
        }
        if self.limits.epoch_interruption {
            store.set_epoch_deadline(u64::MAX);
        }
        let instance = match &module.pre {
            Some(pre) => pre.instantiate(&mut store)?,
            None => self.linker.instantiate(&mut store, &module.module)?,
        };
        let memory = instance.get_memory(&mut store, "memory");
        Ok(Box::new(WasmtimeInstance {
            store,
            instance,
            memory,
            funcs: Vec::new(),
            args: Vec::new(),
            results: Vec::new(),
        }))
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
    funcs: Vec<wt::Func>,
    args: Vec<wt::Val>,
    results: Vec<wt::Val>,
}

fn to_wt(v: &Val) -> wt::Val {
    match *v {
        Val::I32(x) => wt::Val::I32(x),
        Val::I64(x) => wt::Val::I64(x),
        Val::F32(b) => wt::Val::F32(b),
        Val::F64(b) => wt::Val::F64(b),
    }
}

fn from_wt(v: &wt::Val) -> Result<Val> {
    Ok(match *v {
        wt::Val::I32(x) => Val::I32(x),
        wt::Val::I64(x) => Val::I64(x),
        wt::Val::F32(b) => Val::F32(b),
        wt::Val::F64(b) => Val::F64(b),
        ref other => bail!("unsupported result value {other:?}"),
    })
}

impl Instance for WasmtimeInstance {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        let f = self
            .instance
            .get_func(&mut self.store, export)
            .ok_or_else(|| anyhow!("no exported function `{export}`"))?;
        self.funcs.push(f);
        Ok(FuncId(self.funcs.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        self.args.clear();
        self.args.extend(args.iter().map(to_wt));
        self.results.clear();
        self.results.resize(results.len(), wt::Val::I32(0));
        self.funcs[func.0].call(&mut self.store, &self.args, &mut self.results)?;
        for (out, v) in results.iter_mut().zip(&self.results) {
            *out = from_wt(v)?;
        }
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        let memory = self.memory.ok_or_else(|| anyhow!("module exports no `memory`"))?;
        memory.read(&self.store, offset, out).map_err(|e| anyhow!("reading guest memory: {e}"))
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let memory = self.memory.ok_or_else(|| anyhow!("module exports no `memory`"))?;
        memory.write(&mut self.store, offset, bytes).map_err(|e| anyhow!("writing guest memory: {e}"))
    }

    // The `Ok(..?)` converts Wasmtime's error into anyhow's on 48; on the 36 line they are the
    // same type, where clippy would call the conversion needless.
    #[allow(clippy::needless_question_mark)]
    fn time_micro(&mut self, call: MicroCall, path: CallPath, iters: u64) -> Result<u64> {
        if path == CallPath::Dynamic {
            return time_micro_dynamic(self, call, iters);
        }
        let (store, instance) = (&mut self.store, self.instance);
        match call {
            MicroCall::Empty => {
                let f = instance.get_typed_func::<(), ()>(&mut *store, call.export())?;
                timed_loop(iters, (), || Ok(f.call(&mut *store, ())?))
            }
            MicroCall::Add4 { args: [a, b, c, d], expected } => {
                let f = instance.get_typed_func::<(i64, i64, i64, i64), i64>(&mut *store, call.export())?;
                timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box((a, b, c, d)))?))
            }
            MicroCall::HostLoop { n, expected } => {
                let f = instance.get_typed_func::<i32, i32>(&mut *store, call.export())?;
                timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box(n))?))
            }
            MicroCall::Spin { n, expected } => {
                let f = instance.get_typed_func::<i64, i64>(&mut *store, call.export())?;
                timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box(n))?))
            }
        }
    }
}
