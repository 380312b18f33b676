//! Wasm3 glue. `compile` parses and checks the module's structure; Wasm3 keeps no compiled
//! module apart from a runtime, so `instantiate` makes a runtime (a store), loads the module
//! into it and links the host functions: instantiation includes Wasm3's load, and each function
//! is compiled to threaded code on its first call. No ahead-of-time artifact, no fuel or epoch
//! limits. The environment and modules stay on the thread that made them
//! ([`measure::engine::ThreadBound`]).

use anyhow::{Result, anyhow, bail};
use measure::engine::{
    CallPath, CompiledModule, Engine, EngineInfo, EngineOptions, FuncId, Instance, Limits, MicroCall, ThreadBound, Val,
    check_limits, common_knobs, downcast, time_micro_dynamic, timed_loop,
};
use measure::host;
use std::any::Any;
use std::hint::black_box;

pub struct Wasm3Engine {
    info: EngineInfo,
    engine: ThreadBound<(wasm3x::Engine, wasm3x::Linker<()>)>,
}

pub(crate) fn build(
    id: &str,
    description: &str,
    options: &EngineOptions,
    mode: wasm3x::CompilationMode,
    mode_name: &str,
) -> Result<Wasm3Engine> {
    check_limits(id, &options.limits, &Limits::NONE)?;
    if options.features.is_some() {
        bail!("{id}: not available (no conformance side: its proposals are not switched per run)");
    }
    let mut config = wasm3x::Config::new();
    config.compilation_mode(mode);
    let engine = wasm3x::Engine::new(&config);
    let mut linker = wasm3x::Linker::new(&engine);
    linker.func_wrap(host::MODULE, host::TICK, host::tick)?;
    let mut knobs = common_knobs(options);
    knobs.retain(|(k, _)| *k != "compile_threads");
    knobs.push(("compiler", "none: Wasm3 translates each function to threaded code".into()));
    knobs.push(("bounds_checks", "explicit checks (software)".into()));
    knobs.push(("compile_threads", "1".into()));
    knobs.push(("compilation_mode", mode_name.into()));
    knobs.push(("execution", "interpreter (Wasm3 threaded code, C)".into()));
    knobs.push(("wasm3", "0.9.0 (the C sources wasm3x-sys vendors)".into()));
    knobs.push(("stack", "1 MiB value stack (wasm3x default)".into()));
    knobs.push(("instantiate", "a fresh runtime per instance; loads the module into it".into()));
    knobs.push(("threads", "single-threaded (engine and modules stay on one thread)".into()));
    Ok(Wasm3Engine {
        info: EngineInfo::new(id, "wasm3x", env!("WG_LOCKED_WASM3X"), description, &knobs),
        engine: ThreadBound::new((engine, linker)),
    })
}

struct Wasm3Module(ThreadBound<wasm3x::Module>);

impl CompiledModule for Wasm3Module {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Engine for Wasm3Engine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let (engine, _) = self.engine.get()?;
        Ok(Box::new(Wasm3Module(ThreadBound::new(wasm3x::Module::new(engine, wasm)?))))
    }

    fn serialize(&self, _module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn deserialize(&self, _artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        bail!("{}: not available (Wasm3 has no ahead-of-time artifact)", self.info.id)
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = downcast::<Wasm3Module>(module, &self.info.id)?.0.get()?;
        let (engine, linker) = self.engine.get()?;
        let mut store = wasm3x::Store::new(engine, ());
        let instance = linker.instantiate_and_start(&mut store, module)?;
        let memory = instance.get_memory(&store);
        Ok(Box::new(Wasm3Instance {
            store,
            instance,
            memory,
            funcs: Vec::new(),
            args: Vec::new(),
            results: Vec::new(),
        }))
    }
}

struct Wasm3Instance {
    store: wasm3x::Store<()>,
    instance: wasm3x::Instance,
    memory: Option<wasm3x::Memory>,
    funcs: Vec<wasm3x::Func>,
    args: Vec<wasm3x::Val>,
    results: Vec<wasm3x::Val>,
}

fn to_wasm3(v: &Val) -> wasm3x::Val {
    match *v {
        Val::I32(x) => wasm3x::Val::I32(x),
        Val::I64(x) => wasm3x::Val::I64(x),
        Val::F32(b) => wasm3x::Val::F32(f32::from_bits(b)),
        Val::F64(b) => wasm3x::Val::F64(f64::from_bits(b)),
    }
}

fn from_wasm3(v: &wasm3x::Val) -> Result<Val> {
    Ok(match v {
        wasm3x::Val::I32(x) => Val::I32(*x),
        wasm3x::Val::I64(x) => Val::I64(*x),
        wasm3x::Val::F32(x) => Val::F32(x.to_bits()),
        wasm3x::Val::F64(x) => Val::F64(x.to_bits()),
        _ => bail!("unsupported result (a reference)"),
    })
}

impl Instance for Wasm3Instance {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        let f =
            self.instance.get_func(&self.store, export).ok_or_else(|| anyhow!("no exported function `{export}`"))?;
        self.funcs.push(f);
        Ok(FuncId(self.funcs.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        self.args.clear();
        self.args.extend(args.iter().map(to_wasm3));
        // Result slots typed as the caller's are (the runtime writes each in its slot's type).
        self.results.clear();
        self.results.extend(results.iter().map(to_wasm3));
        self.funcs[func.0].call(&mut self.store, &self.args, &mut self.results)?;
        for (out, v) in results.iter_mut().zip(&self.results) {
            *out = from_wasm3(v)?;
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
        let (store, instance) = (&mut self.store, &self.instance);
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
