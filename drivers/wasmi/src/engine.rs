//! wasmi glue shared by its configurations (`eager`, `lazy`): an interpreter with no
//! ahead-of-time artifact, so `serialize` answers "not available".

use anyhow::{Result, anyhow, bail};
use measure::engine::{
    CallPath, CompiledModule, Conformance, Engine, EngineInfo, EngineOptions, FuncId, Instance, Limits, MicroCall, Val,
    check_limits, common_knobs, downcast, time_micro_dynamic, timed_loop,
};
use measure::features::Features;
use measure::host;
use measure::session::{Session, SessionLimits};
use std::any::Any;
use std::hint::black_box;

pub struct WasmiEngine {
    info: EngineInfo,
    engine: wasmi::Engine,
    linker: wasmi::Linker<()>,
    /// Fuel is per store: filled at every instantiation when switched on.
    fuel: bool,
}

/// The proposals wasmi 2.0 implements (no GC, typed function references, exceptions or
/// threads).
const SUPPORTED: &[&str] = &[
    "mutable-global",
    "sign-extension-ops",
    "nontrapping-float-to-int-conversions",
    "multi-value",
    "bulk-memory",
    "reference-types",
    "gc-types",
    "simd",
    "relaxed-simd",
    "tail-call",
    "extended-const",
    "multi-memory",
    "memory64",
    "custom-page-sizes",
    "wide-arithmetic",
];

fn apply_features(config: &mut wasmi::Config, f: &Features) {
    config
        .wasm_mutable_global(f.has("mutable-global"))
        .wasm_sign_extension(f.has("sign-extension-ops"))
        .wasm_saturating_float_to_int(f.has("nontrapping-float-to-int-conversions"))
        .wasm_multi_value(f.has("multi-value"))
        .wasm_bulk_memory(f.has("bulk-memory"))
        .wasm_reference_types(f.has("reference-types"))
        .wasm_simd(f.has("simd"))
        .wasm_relaxed_simd(f.has("relaxed-simd"))
        .wasm_tail_call(f.has("tail-call"))
        .wasm_extended_const(f.has("extended-const"))
        .wasm_multi_memory(f.has("multi-memory"))
        .wasm_memory64(f.has("memory64"))
        .wasm_custom_page_sizes(f.has("custom-page-sizes"))
        .wasm_wide_arithmetic(f.has("wide-arithmetic"));
}

/// Builds a wasmi configuration in the given compilation mode.
pub(crate) fn build(
    id: &str,
    description: &str,
    options: &EngineOptions,
    mode: wasmi::CompilationMode,
    mode_name: &str,
) -> Result<WasmiEngine> {
    let mut config = wasmi::Config::default();
    config.compilation_mode(mode);
    let supported = Limits { instruction_counting: true, ..Default::default() };
    check_limits(id, &options.limits, &supported)?;
    config.consume_fuel(options.limits.instruction_counting);
    let mut feature_knob = None;
    if let Some(features) = &options.features {
        let on = features.intersect(&Features::of(SUPPORTED));
        apply_features(&mut config, &on);
        feature_knob = Some(on.label());
    }
    let engine = wasmi::Engine::new(&config);
    let mut linker = wasmi::Linker::new(&engine);
    linker.func_wrap(host::MODULE, host::TICK, host::tick)?;
    let mut knobs = common_knobs(options);
    // wasmi translates on one thread whatever is asked: record what really happens.
    knobs.retain(|(k, _)| *k != "compile_threads");
    knobs.push(("compile_threads", "1 (wasmi is single-threaded)".into()));
    knobs.push(("compilation_mode", mode_name.into()));
    knobs.push(("execution", "interpreter (register bytecode)".into()));
    knobs.push(("simd", "on (feature `simd`)".into()));
    knobs.push(("bounds_checks", "explicit checks".into()));
    if let Some(label) = feature_knob {
        knobs.push(("features", label));
    }
    Ok(WasmiEngine {
        info: EngineInfo::new(id, "wasmi", env!("WG_LOCKED_WASMI"), description, &knobs),
        engine,
        linker,
        fuel: options.limits.instruction_counting,
    })
}

struct WasmiModule(wasmi::Module);

impl CompiledModule for WasmiModule {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Engine for WasmiEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        Ok(Box::new(WasmiModule(wasmi::Module::new(&self.engine, wasm)?)))
    }

    fn serialize(&self, _module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn deserialize(&self, _artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        bail!("{}: not available (wasmi has no ahead-of-time artifact)", self.info.id)
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = downcast::<WasmiModule>(module, &self.info.id)?;
        let mut store = wasmi::Store::new(&self.engine, ());
        if self.fuel {
            store.set_fuel(u64::MAX)?;
        }
        let instance = self.linker.instantiate_and_start(&mut store, &module.0)?;
        let memory = instance.get_memory(&store, "memory");
        Ok(Box::new(WasmiInstance {
            store,
            instance,
            memory,
            funcs: Vec::new(),
            args: Vec::new(),
            results: Vec::new(),
        }))
    }
}

impl Conformance for WasmiEngine {
    fn supported_features(&self) -> Features {
        Features::of(SUPPORTED)
    }

    fn session(&self, limits: &SessionLimits) -> Result<Box<dyn Session>> {
        crate::session::new(&self.engine, limits, self.fuel)
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

struct WasmiInstance {
    store: wasmi::Store<()>,
    instance: wasmi::Instance,
    memory: Option<wasmi::Memory>,
    funcs: Vec<wasmi::Func>,
    args: Vec<wasmi::Val>,
    results: Vec<wasmi::Val>,
}

fn to_wasmi(v: &Val) -> wasmi::Val {
    match *v {
        Val::I32(x) => wasmi::Val::I32(x),
        Val::I64(x) => wasmi::Val::I64(x),
        Val::F32(b) => wasmi::Val::F32(wasmi::F32::from_bits(b)),
        Val::F64(b) => wasmi::Val::F64(wasmi::F64::from_bits(b)),
    }
}

fn from_wasmi(v: &wasmi::Val) -> Result<Val> {
    Ok(match v {
        wasmi::Val::I32(x) => Val::I32(*x),
        wasmi::Val::I64(x) => Val::I64(*x),
        wasmi::Val::F32(x) => Val::F32(x.to_bits()),
        wasmi::Val::F64(x) => Val::F64(x.to_bits()),
        other => bail!("unsupported result type {:?}", other.ty()),
    })
}

impl Instance for WasmiInstance {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        let f =
            self.instance.get_func(&self.store, export).ok_or_else(|| anyhow!("no exported function `{export}`"))?;
        self.funcs.push(f);
        Ok(FuncId(self.funcs.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        self.args.clear();
        self.args.extend(args.iter().map(to_wasmi));
        self.results.clear();
        self.results.resize(results.len(), wasmi::Val::I32(0));
        self.funcs[func.0].call(&mut self.store, &self.args, &mut self.results)?;
        for (out, v) in results.iter_mut().zip(&self.results) {
            *out = from_wasmi(v)?;
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

    fn time_micro(&mut self, call: MicroCall, path: CallPath, iters: u64) -> Result<u64> {
        if path == CallPath::Dynamic {
            return time_micro_dynamic(self, call, iters);
        }
        let (store, instance) = (&mut self.store, self.instance);
        match call {
            MicroCall::Empty => {
                let f = instance.get_typed_func::<(), ()>(&*store, call.export())?;
                timed_loop(iters, (), || Ok(f.call(&mut *store, ())?))
            }
            MicroCall::Add4 { args: [a, b, c, d], expected } => {
                let f = instance.get_typed_func::<(i64, i64, i64, i64), i64>(&*store, call.export())?;
                timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box((a, b, c, d)))?))
            }
            MicroCall::HostLoop { n, expected } => {
                let f = instance.get_typed_func::<i32, i32>(&*store, call.export())?;
                timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box(n))?))
            }
            MicroCall::Spin { n, expected } => {
                let f = instance.get_typed_func::<i64, i64>(&*store, call.export())?;
                timed_loop(iters, expected, || Ok(f.call(&mut *store, black_box(n))?))
            }
        }
    }
}
