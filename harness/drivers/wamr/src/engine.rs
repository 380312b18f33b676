//! WAMR glue. `compile` is WAMR's load (parse, validate, translate to the fast interpreter's
//! bytecode). The bindings give each instance its own loaded module, so the first instance of
//! a compiled module takes the module `compile` loaded and every further instance loads it
//! again: that load is part of those instantiations (recorded as a knob). No ahead-of-time
//! artifact here, no fuel or epoch limits. The runtime is a process-wide singleton whose
//! engine and modules stay on the thread that made them ([`measure::engine::ThreadBound`]).

use anyhow::{Result, anyhow};
use measure::engine::{Compiled, CompiledModule, Engine, EngineInfo, EngineOptions, Instance, ThreadBound, compiled};
use measure::host;
use measure::kit::{Glue, KitInstance, exported_memory, knobs, read_bytes, write_bytes};
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
    measure::kit::measure_only(id, options)?;
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
    let mut knobs = knobs::single_threaded(options, "1");
    knobs.push(("compiler", "none: WAMR's fast interpreter runs pre-decoded bytecode".into()));
    knobs.push(("execution", "interpreter (WAMR fast interpreter, C)".into()));
    knobs.push(("wamr", "2.4.3 (the C sources wamrx-sys vendors)".into()));
    knobs.push(("bounds_checks", "software checks (hw-bound-check off, the wamrx default)".into()));
    knobs.push(("features", "bulk-memory, reference-types (wamrx defaults)".into()));
    knobs.push((
        "instantiate",
        "first instance: the module compile loaded; each further instance loads the module again".into(),
    ));
    knobs.push(("threads", "single-threaded (process-wide runtime)".into()));
    let stack = format!(
        "{} KiB per instance (the bindings' default: 8 MiB); aux stack 64 KiB; no app heap",
        EXEC_STACK_BYTES >> 10
    );
    knobs.push(("exec_stack", stack));
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

impl Engine for WamrEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let (engine, _) = self.runtime.get()?;
        let module = wamrx::Module::new(engine, wasm).map_err(|e| anyhow!("{e}"))?;
        let loaded = ThreadBound::new(RefCell::new(Some(module)));
        Ok(Box::new(Compiled(WamrModule { bytes: wasm.to_vec(), loaded })))
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<WamrModule>(module, &self.info.id)?;
        let (engine, linker) = self.runtime.get()?;
        let loaded = match module.loaded.get()?.borrow_mut().take() {
            Some(m) => m,
            None => wamrx::Module::new(engine, &module.bytes).map_err(|e| anyhow!("{e}"))?,
        };
        let instance = Box::new(linker.instantiate_with(loaded, &instance_config()).map_err(|e| anyhow!("{e}"))?);
        let has_memory = instance.get_memory("memory").is_ok();
        Ok(KitInstance::boxed(WamrInstance { funcs: Vec::new(), has_memory, instance }))
    }
}

struct WamrInstance {
    /// Borrow `instance` (boxed, never moved out or replaced); declared first so they drop
    /// before it.
    funcs: Vec<wamrx::Func<'static>>,
    has_memory: bool,
    instance: Box<wamrx::Instance>,
}

impl WamrInstance {
    fn memory(&self) -> Result<wamrx::Memory<'_>> {
        exported_memory(self.has_memory.then_some(()))?;
        self.instance.get_memory("memory").map_err(|e| anyhow!("{e}"))
    }
}

impl Glue for WamrInstance {
    /// An index into `funcs`: the bindings' functions borrow the instance.
    type Func = usize;
    type Val = wamrx::Val;
    measure::val_conversions!(wamrx::Val, floats: f32::from_bits, f64::from_bits);

    fn export(&mut self, name: &str) -> Option<usize> {
        let f = self.instance.get_func(name).ok()?;
        // SAFETY: `f` borrows `*self.instance`, a box this struct owns for its whole life and
        // never moves out of or replaces; `funcs` is dropped before it (field order).
        let f: wamrx::Func<'static> = unsafe { std::mem::transmute::<wamrx::Func<'_>, wamrx::Func<'static>>(f) };
        self.funcs.push(f);
        Some(self.funcs.len() - 1)
    }

    fn invoke(&mut self, func: &usize, args: &[wamrx::Val], results: &mut Vec<wamrx::Val>) -> Result<()> {
        self.funcs[*func].call(args, results).map_err(|e| anyhow!("{e}"))
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        read_bytes(self.memory()?.data(), offset, out)
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        write_bytes(self.memory()?.data_mut(), offset, bytes)
    }
}
