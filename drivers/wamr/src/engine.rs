//! WAMR glue. `compile` is WAMR's load (parse, validate, translate to the fast interpreter's
//! bytecode). The bindings give each instance its own loaded module, so the first instance of
//! a compiled module takes the module `compile` loaded and every further instance loads it
//! again: that load is part of those instantiations (recorded as a knob). No ahead-of-time
//! artifact here, no fuel or epoch limits. The runtime is a process-wide singleton whose
//! engine and modules stay on the thread that made them ([`measure::engine::ThreadBound`]).

use anyhow::{Result, anyhow, bail};
use measure::engine::{
    CallPath, CompiledModule, Engine, EngineInfo, EngineOptions, FuncId, Instance, Limits, MicroCall, ThreadBound, Val,
    check_limits, common_knobs, downcast, time_micro_dynamic,
};
use measure::host;
use std::any::Any;
use std::cell::RefCell;

/// Each instance's interpreter stack: 128 KiB. WAMR allocates and zeroes it whole when it
/// creates an instance's execution environment, so it is resident: the bindings' default of
/// 8 MiB made every instance cost 8 MiB, and 1 MiB still made one cost more than a process.
/// WAMR's own default wasm stack is 16 KiB (`DEFAULT_WASM_STACK_SIZE`); 128 KiB runs every
/// workload of the corpus. No host-managed app heap.
const EXEC_STACK_BYTES: u32 = 128 << 10;

fn instance_config() -> wamrx::InstanceConfig {
    let mut config = wamrx::InstanceConfig::new();
    config.exec_stack_size(EXEC_STACK_BYTES).heap_size(0);
    config
}

pub struct WamrEngine {
    info: EngineInfo,
    runtime: ThreadBound<(wamrx::Engine, wamrx::Linker)>,
}

pub(crate) fn build(id: &str, description: &str, options: &EngineOptions) -> Result<WamrEngine> {
    check_limits(id, &options.limits, &Limits::NONE)?;
    if options.features.is_some() {
        bail!("{id}: not available (no conformance side: its proposals are not switched per run)");
    }
    let engine = wamrx::Engine::new().map_err(|e| anyhow!("starting WAMR: {e}"))?;
    // WAMR resolves imports when a module is loaded: the host function comes first.
    let mut linker = wamrx::Linker::new(&engine);
    let tick_type = wamrx::FuncType::new([wamrx::ValType::I32], [wamrx::ValType::I32]);
    linker
        .define_func(host::MODULE, host::TICK, tick_type, |params: &[wamrx::Val], results: &mut [wamrx::Val]| {
            if let (Some(wamrx::Val::I32(i)), Some(out)) = (params.first(), results.first_mut()) {
                *out = wamrx::Val::I32(host::tick(*i));
            }
        })
        .map_err(|e| anyhow!("{e}"))?;
    let mut knobs = common_knobs(options);
    knobs.retain(|(k, _)| *k != "compile_threads");
    knobs.push(("compiler", "none: WAMR's fast interpreter runs pre-decoded bytecode".into()));
    knobs.push(("compile_threads", "1".into()));
    knobs.push(("execution", "interpreter (WAMR fast interpreter, C)".into()));
    knobs.push(("wamr", "2.4.3 (the C sources wamrx-sys vendors)".into()));
    knobs.push(("bounds_checks", "software checks (hw-bound-check off, the wamrx default)".into()));
    knobs.push(("features", "bulk-memory, reference-types (wamrx defaults)".into()));
    knobs.push((
        "instantiate",
        "first instance: the module compile loaded; each further instance loads the module again".into(),
    ));
    knobs.push(("threads", "single-threaded (process-wide runtime)".into()));
    knobs.push((
        "exec_stack",
        "1 MiB per instance (the bindings' default: 8 MiB); aux stack 64 KiB; no app heap".into(),
    ));
    knobs.push(("typed_calls", "none: values in a slice only (the typed call path is the dynamic one)".into()));
    Ok(WamrEngine {
        info: EngineInfo::new(id, "wamrx", env!("WG_LOCKED_WAMRX"), description, &knobs),
        runtime: ThreadBound::new((engine, linker)),
    })
}

struct WamrModule {
    bytes: Vec<u8>,
    loaded: ThreadBound<RefCell<Option<wamrx::Module>>>,
}

impl CompiledModule for WamrModule {
    fn as_any(&self) -> &dyn Any {
        self
    }
}

impl Engine for WamrEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let (engine, _) = self.runtime.get()?;
        let module = wamrx::Module::new(engine, wasm).map_err(|e| anyhow!("{e}"))?;
        Ok(Box::new(WamrModule { bytes: wasm.to_vec(), loaded: ThreadBound::new(RefCell::new(Some(module))) }))
    }

    fn serialize(&self, _module: &dyn CompiledModule) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn deserialize(&self, _artifact: &[u8]) -> Result<Box<dyn CompiledModule>> {
        bail!("{}: not available (the fast interpreter has no ahead-of-time artifact)", self.info.id)
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = downcast::<WamrModule>(module, &self.info.id)?;
        let (engine, linker) = self.runtime.get()?;
        let loaded = match module.loaded.get()?.borrow_mut().take() {
            Some(m) => m,
            None => wamrx::Module::new(engine, &module.bytes).map_err(|e| anyhow!("{e}"))?,
        };
        let instance = Box::new(linker.instantiate_with(loaded, &instance_config()).map_err(|e| anyhow!("{e}"))?);
        let has_memory = instance.get_memory("memory").is_ok();
        Ok(Box::new(WamrInstance { funcs: Vec::new(), has_memory, instance }))
    }
}

struct WamrInstance {
    /// Borrow `instance` (boxed, never moved out or replaced); declared first so they drop
    /// before it.
    funcs: Vec<wamrx::Func<'static>>,
    has_memory: bool,
    instance: Box<wamrx::Instance>,
}

fn to_wamr(v: &Val) -> wamrx::Val {
    match *v {
        Val::I32(x) => wamrx::Val::I32(x),
        Val::I64(x) => wamrx::Val::I64(x),
        Val::F32(b) => wamrx::Val::F32(f32::from_bits(b)),
        Val::F64(b) => wamrx::Val::F64(f64::from_bits(b)),
    }
}

fn from_wamr(v: &wamrx::Val) -> Val {
    match *v {
        wamrx::Val::I32(x) => Val::I32(x),
        wamrx::Val::I64(x) => Val::I64(x),
        wamrx::Val::F32(x) => Val::F32(x.to_bits()),
        wamrx::Val::F64(x) => Val::F64(x.to_bits()),
    }
}

impl WamrInstance {
    fn memory(&self) -> Result<wamrx::Memory<'_>> {
        if !self.has_memory {
            bail!("module exports no `memory`");
        }
        self.instance.get_memory("memory").map_err(|e| anyhow!("{e}"))
    }
}

impl Instance for WamrInstance {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        let f = self.instance.get_func(export).map_err(|_| anyhow!("no exported function `{export}`"))?;
        // SAFETY: `f` borrows `*self.instance`, a box this struct owns for its whole life and
        // never moves out of or replaces; `funcs` is dropped before it (field order).
        let f: wamrx::Func<'static> = unsafe { std::mem::transmute::<wamrx::Func<'_>, wamrx::Func<'static>>(f) };
        self.funcs.push(f);
        Ok(FuncId(self.funcs.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        let args: Vec<wamrx::Val> = args.iter().map(to_wamr).collect();
        // Result slots typed as the caller's are.
        let mut out: Vec<wamrx::Val> = results.iter().map(to_wamr).collect();
        self.funcs[func.0].call(&args, &mut out).map_err(|e| anyhow!("{e}"))?;
        for (slot, v) in results.iter_mut().zip(&out) {
            *slot = from_wamr(v);
        }
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        let memory = self.memory()?;
        let src = memory
            .data()
            .get(offset..offset + out.len())
            .ok_or_else(|| anyhow!("reading guest memory: out of bounds"))?;
        out.copy_from_slice(src);
        Ok(())
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let mut memory = self.memory()?;
        let dst = memory
            .data_mut()
            .get_mut(offset..offset + bytes.len())
            .ok_or_else(|| anyhow!("writing guest memory: out of bounds"))?;
        dst.copy_from_slice(bytes);
        Ok(())
    }

    /// The bindings call through values in a slice only: both paths take the dynamic one.
    fn time_micro(&mut self, call: MicroCall, _path: CallPath, iters: u64) -> Result<u64> {
        time_micro_dynamic(self, call, iters)
    }
}
