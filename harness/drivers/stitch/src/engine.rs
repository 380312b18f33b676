//! makepad-stitch glue: `compile` decodes and validates; each function is translated to
//! threaded code on its first call (stitch has no eager mode), so that translation lands in
//! the first call, which the results keep apart from the steady calls. No ahead-of-time
//! artifact, no fuel or epoch limits. Instances live on the thread that made them; the decoded
//! module is shared.

use anyhow::{Result, anyhow};
use measure::engine::{Compiled, CompiledModule, Engine, EngineInfo, EngineOptions, Instance, ThreadBound, compiled};
use measure::host;
use measure::kit::{Glue, KitInstance, exported_memory, knobs, read_bytes, write_bytes};

pub struct StitchEngine {
    info: EngineInfo,
    engine: ThreadBound<makepad_stitch::Engine>,
}

pub(crate) fn build(id: &str, description: &str, options: &EngineOptions) -> Result<StitchEngine> {
    measure::kit::measure_only(id, options)?;
    let mut knobs = knobs::single_threaded(options, "1");
    knobs.push(("compiler", "none: stitch translates each function to threaded code".into()));
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

impl Engine for StitchEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let module = makepad_stitch::Module::new(self.engine.get()?, wasm).map_err(|e| anyhow!("{e}"))?;
        Ok(Box::new(Compiled(ThreadBound::new(module))))
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<ThreadBound<makepad_stitch::Module>>(module, &self.info.id)?;
        let mut store = makepad_stitch::Store::new(self.engine.get()?.clone());
        let tick = makepad_stitch::Func::wrap(&mut store, host::tick);
        let mut linker = makepad_stitch::Linker::new();
        linker.define(host::MODULE, host::TICK, tick);
        let instance = linker.instantiate(&mut store, module.get()?).map_err(|e| anyhow!("{e}"))?;
        let memory = instance.exported_mem("memory");
        Ok(KitInstance::boxed(StitchInstance { store, instance, memory }))
    }
}

struct StitchInstance {
    store: makepad_stitch::Store,
    instance: makepad_stitch::Instance,
    memory: Option<makepad_stitch::Mem>,
}

impl Glue for StitchInstance {
    type Func = makepad_stitch::Func;
    type Val = makepad_stitch::Val;
    measure::val_conversions!(makepad_stitch::Val, floats: f32::from_bits, f64::from_bits);

    fn export(&mut self, name: &str) -> Option<makepad_stitch::Func> {
        self.instance.exported_func(name)
    }

    fn invoke(
        &mut self,
        func: &makepad_stitch::Func,
        args: &[makepad_stitch::Val],
        results: &mut Vec<makepad_stitch::Val>,
    ) -> Result<()> {
        func.call(&mut self.store, args, results).map_err(|e| anyhow!("{e}"))
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        read_bytes(exported_memory(self.memory)?.bytes(&self.store), offset, out)
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        write_bytes(exported_memory(self.memory)?.bytes_mut(&mut self.store), offset, bytes)
    }
}
