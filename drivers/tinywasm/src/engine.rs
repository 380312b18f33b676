//! tinywasm glue: an interpreter with no ahead-of-time artifact (its `twasm` archive is the
//! parsed module, not compiled code, and is not used here), no fuel or epoch limits through
//! the benchmark interface (the conformance session runs its calls in fuel slices), and
//! instances that live on the thread that made them (a store holds `Rc`s; the parsed module is
//! shared).

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
use tinywasm::types::WasmValue;

/// The proposals tinywasm 0.10 validates and runs: one fixed set (its parser's validator
/// also accepts typed function references, which it cannot run).
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

pub struct TinywasmEngine {
    info: EngineInfo,
    engine: tinywasm::Engine,
}

pub(crate) fn build(id: &str, description: &str, options: &EngineOptions) -> Result<TinywasmEngine> {
    check_limits(id, &options.limits, &Limits::NONE)?;
    let mut knobs = common_knobs(options);
    knobs.retain(|(k, _)| *k != "compile_threads");
    knobs.push(("compiler", "none: tinywasm interprets its own bytecode".into()));
    knobs.push(("compile_threads", "1 (feature `parallel-parser` off)".into()));
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

struct TinywasmModule(tinywasm::Module);

impl CompiledModule for TinywasmModule {
    fn as_any(&self) -> &dyn Any {
        self
    }
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
        Ok(Box::new(TinywasmModule(module)))
    }

    fn serialize(&self, _module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn deserialize(&self, _artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        bail!("{}: not available (tinywasm has no ahead-of-time artifact)", self.info.id)
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = downcast::<TinywasmModule>(module, &self.info.id)?;
        let mut store = tinywasm::Store::new(self.engine.clone());
        let tick = tinywasm::HostFunction::from(&mut store, |_ctx, i: i32| Ok(host::tick(i)));
        let mut imports = tinywasm::Imports::new();
        imports.define(host::MODULE, host::TICK, tick);
        let instance =
            tinywasm::ModuleInstance::instantiate(&mut store, &module.0, Some(imports)).map_err(|e| anyhow!("{e}"))?;
        let memory = instance.memory("memory").ok();
        Ok(Box::new(TinywasmInstance { store, instance, memory, funcs: Vec::new() }))
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

    fn run_wasi(
        &self,
        _wasm: &[u8],
        requests: &[measure::wasi::WasiRequest],
        _compile_once: bool,
    ) -> Vec<measure::wasi::WasiRunOutcome> {
        let exit =
            measure::wasi::WasiExit::Error(format!("{}: not available (tinywasm has no WASI layer)", self.info.id));
        requests.iter().map(|_| measure::wasi::WasiRunOutcome { exit: exit.clone(), phases: None }).collect()
    }
}

struct TinywasmInstance {
    store: tinywasm::Store,
    instance: tinywasm::ModuleInstance,
    memory: Option<tinywasm::Memory>,
    funcs: Vec<tinywasm::Function>,
}

fn to_tinywasm(v: &Val) -> WasmValue {
    match *v {
        Val::I32(x) => WasmValue::I32(x),
        Val::I64(x) => WasmValue::I64(x),
        Val::F32(b) => WasmValue::F32(f32::from_bits(b)),
        Val::F64(b) => WasmValue::F64(f64::from_bits(b)),
    }
}

fn from_tinywasm(v: &WasmValue) -> Result<Val> {
    Ok(match v {
        WasmValue::I32(x) => Val::I32(*x),
        WasmValue::I64(x) => Val::I64(*x),
        WasmValue::F32(x) => Val::F32(x.to_bits()),
        WasmValue::F64(x) => Val::F64(x.to_bits()),
        other => bail!("unsupported result {other:?}"),
    })
}

impl Instance for TinywasmInstance {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        let f = self
            .instance
            .func_untyped(&self.store, export)
            .map_err(|e| anyhow!("no exported function `{export}`: {e}"))?;
        self.funcs.push(f);
        Ok(FuncId(self.funcs.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        let args: Vec<WasmValue> = args.iter().map(to_tinywasm).collect();
        let out = self.funcs[func.0].call(&mut self.store, &args).map_err(|e| anyhow!("{e}"))?;
        if out.len() != results.len() {
            bail!("{} results where {} were expected", out.len(), results.len());
        }
        for (slot, v) in results.iter_mut().zip(&out) {
            *slot = from_tinywasm(v)?;
        }
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        let memory = self.memory.as_ref().ok_or_else(|| anyhow!("module exports no `memory`"))?;
        memory.read_exact(&self.store, offset, out).map_err(|e| anyhow!("reading guest memory: {e}"))
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let memory = self.memory.as_ref().ok_or_else(|| anyhow!("module exports no `memory`"))?;
        memory.copy_from_slice(&mut self.store, offset, bytes).map_err(|e| anyhow!("writing guest memory: {e}"))
    }

    fn time_micro(&mut self, call: MicroCall, path: CallPath, iters: u64) -> Result<u64> {
        if path == CallPath::Dynamic {
            return time_micro_dynamic(self, call, iters);
        }
        let (store, instance) = (&mut self.store, &self.instance);
        let e = |e: tinywasm::Error| anyhow!("{e}");
        match call {
            MicroCall::Empty => {
                let f = instance.func::<(), ()>(store, call.export()).map_err(e)?;
                timed_loop(iters, (), || f.call(&mut *store, ()).map_err(e))
            }
            MicroCall::Add4 { args: [a, b, c, d], expected } => {
                let f = instance.func::<(i64, i64, i64, i64), i64>(store, call.export()).map_err(e)?;
                timed_loop(iters, expected, || f.call(&mut *store, black_box((a, b, c, d))).map_err(e))
            }
            MicroCall::HostLoop { n, expected } => {
                let f = instance.func::<i32, i32>(store, call.export()).map_err(e)?;
                timed_loop(iters, expected, || f.call(&mut *store, black_box(n)).map_err(e))
            }
            MicroCall::Spin { n, expected } => {
                let f = instance.func::<i64, i64>(store, call.export()).map_err(e)?;
                timed_loop(iters, expected, || f.call(&mut *store, black_box(n)).map_err(e))
            }
        }
    }
}
