//! makepad-stitch glue: `compile` decodes and validates; each function is translated to
//! threaded code on its first call (stitch has no eager mode), so that translation lands in
//! the first call, which the results keep apart from the steady calls. No ahead-of-time
//! artifact, no fuel or epoch limits. Instances live on the thread that made them; the decoded
//! module is shared.

use anyhow::{Result, anyhow, bail};
use measure::engine::{
    CallPath, CompiledModule, Engine, EngineInfo, EngineOptions, FuncId, Instance, Limits, MicroCall, ThreadBound, Val,
    check_limits, common_knobs, downcast, time_micro_dynamic,
};
use measure::host;
use std::any::Any;

pub struct StitchEngine {
    info: EngineInfo,
    engine: ThreadBound<makepad_stitch::Engine>,
}

pub(crate) fn build(id: &str, description: &str, options: &EngineOptions) -> Result<StitchEngine> {
    check_limits(id, &options.limits, &Limits::NONE)?;
    if options.features.is_some() {
        bail!("{id}: not available (no conformance side: its proposals are not switched per run)");
    }
    let mut knobs = common_knobs(options);
    knobs.retain(|(k, _)| *k != "compile_threads");
    knobs.push(("compiler", "none: stitch translates each function to threaded code".into()));
    knobs.push(("compile_threads", "1".into()));
    knobs.push(("execution", "interpreter (threaded code, sibling calls)".into()));
    knobs.push(("translation", "lazy: each function on its first call".into()));
    knobs.push(("bounds_checks", "explicit checks".into()));
    knobs.push(("typed_calls", "none: values in a slice only (the typed call path is the dynamic one)".into()));
    knobs.push(("threads", "single-threaded (the engine's compiler pool is not Send)".into()));
    Ok(StitchEngine {
        info: EngineInfo::new(id, "makepad-stitch", env!("WG_LOCKED_MAKEPAD_STITCH"), description, &knobs),
        engine: ThreadBound::new(makepad_stitch::Engine::new()),
    })
}

struct StitchModule(ThreadBound<makepad_stitch::Module>);

impl CompiledModule for StitchModule {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Engine for StitchEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let module = makepad_stitch::Module::new(self.engine.get()?, wasm).map_err(|e| anyhow!("{e}"))?;
        Ok(Box::new(StitchModule(ThreadBound::new(module))))
    }

    fn serialize(&self, _module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn deserialize(&self, _artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        bail!("{}: not available (stitch has no ahead-of-time artifact)", self.info.id)
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = downcast::<StitchModule>(module, &self.info.id)?;
        let mut store = makepad_stitch::Store::new(self.engine.get()?.clone());
        let tick = makepad_stitch::Func::wrap(&mut store, host::tick);
        let mut linker = makepad_stitch::Linker::new();
        linker.define(host::MODULE, host::TICK, tick);
        let instance = linker.instantiate(&mut store, module.0.get()?).map_err(|e| anyhow!("{e}"))?;
        let memory = instance.exported_mem("memory");
        Ok(Box::new(StitchInstance {
            store,
            instance,
            memory,
            funcs: Vec::new(),
            args: Vec::new(),
            results: Vec::new(),
        }))
    }
}

struct StitchInstance {
    store: makepad_stitch::Store,
    instance: makepad_stitch::Instance,
    memory: Option<makepad_stitch::Mem>,
    funcs: Vec<makepad_stitch::Func>,
    args: Vec<makepad_stitch::Val>,
    results: Vec<makepad_stitch::Val>,
}

fn to_stitch(v: &Val) -> makepad_stitch::Val {
    match *v {
        Val::I32(x) => makepad_stitch::Val::I32(x),
        Val::I64(x) => makepad_stitch::Val::I64(x),
        Val::F32(b) => makepad_stitch::Val::F32(f32::from_bits(b)),
        Val::F64(b) => makepad_stitch::Val::F64(f64::from_bits(b)),
    }
}

fn from_stitch(v: &makepad_stitch::Val) -> Result<Val> {
    Ok(match v {
        makepad_stitch::Val::I32(x) => Val::I32(*x),
        makepad_stitch::Val::I64(x) => Val::I64(*x),
        makepad_stitch::Val::F32(x) => Val::F32(x.to_bits()),
        makepad_stitch::Val::F64(x) => Val::F64(x.to_bits()),
        _ => bail!("unsupported result (a reference)"),
    })
}

impl Instance for StitchInstance {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        let f = self.instance.exported_func(export).ok_or_else(|| anyhow!("no exported function `{export}`"))?;
        self.funcs.push(f);
        Ok(FuncId(self.funcs.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        self.args.clear();
        self.args.extend(args.iter().map(to_stitch));
        // Result slots typed as the caller's are (the runtime writes each in its slot's type).
        self.results.clear();
        self.results.extend(results.iter().map(to_stitch));
        self.funcs[func.0].call(&mut self.store, &self.args, &mut self.results).map_err(|e| anyhow!("{e}"))?;
        for (out, v) in results.iter_mut().zip(&self.results) {
            *out = from_stitch(v)?;
        }
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        let memory = self.memory.ok_or_else(|| anyhow!("module exports no `memory`"))?;
        let bytes = memory.bytes(&self.store);
        let src =
            bytes.get(offset..offset + out.len()).ok_or_else(|| anyhow!("reading guest memory: out of bounds"))?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let memory = self.memory.ok_or_else(|| anyhow!("module exports no `memory`"))?;
        let mem = memory.bytes_mut(&mut self.store);
        let dst =
            mem.get_mut(offset..offset + bytes.len()).ok_or_else(|| anyhow!("writing guest memory: out of bounds"))?;
        dst.copy_from_slice(bytes);
        Ok(())
    }

    /// Stitch calls through values in a slice only: both paths take the dynamic one.
    fn time_micro(&mut self, call: MicroCall, _path: CallPath, iters: u64) -> Result<u64> {
        time_micro_dynamic(self, call, iters)
    }
}
