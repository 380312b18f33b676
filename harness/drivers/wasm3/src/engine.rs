//! Wasm3 glue. `compile` parses and checks the module's structure; Wasm3 keeps no compiled
//! module apart from a runtime, so `instantiate` makes a runtime (a store), loads the module
//! into it and links the host functions: instantiation includes Wasm3's load, and each function
//! is compiled to threaded code on its first call. No ahead-of-time artifact, no fuel or epoch
//! limits. The environment and modules stay on the thread that made them
//! ([`measure::engine::ThreadBound`]).

use anyhow::Result;
use measure::engine::{
    Compiled, CompiledModule, Engine, EngineInfo, EngineOptions, Instance, MicroCall, ThreadBound, compiled,
};
use measure::host;
use measure::kit::{Glue, KitInstance, exported_memory, knobs, memory_error};

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
    measure::kit::measure_only(id, options)?;
    let mut config = wasm3x::Config::new();
    config.compilation_mode(mode);
    let engine = wasm3x::Engine::new(&config);
    let mut linker = wasm3x::Linker::new(&engine);
    linker.func_wrap(host::MODULE, host::TICK, host::tick)?;
    let mut knobs = knobs::single_threaded(options, "1");
    knobs.push(("compiler", "none: Wasm3 translates each function to threaded code".into()));
    knobs.push(("bounds_checks", "explicit checks (software)".into()));
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

impl Engine for Wasm3Engine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let (engine, _) = self.engine.get()?;
        Ok(Box::new(Compiled(ThreadBound::new(wasm3x::Module::new(engine, wasm)?))))
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<ThreadBound<wasm3x::Module>>(module, &self.info.id)?.get()?;
        let (engine, linker) = self.engine.get()?;
        let mut store = wasm3x::Store::new(engine, ());
        let instance = linker.instantiate_and_start(&mut store, module)?;
        let memory = instance.get_memory(&store);
        Ok(KitInstance::boxed(Wasm3Instance { store, instance, memory }))
    }
}

struct Wasm3Instance {
    store: wasm3x::Store<()>,
    instance: wasm3x::Instance,
    memory: Option<wasm3x::Memory>,
}

impl Glue for Wasm3Instance {
    type Func = wasm3x::Func;
    type Val = wasm3x::Val;
    measure::val_conversions!(wasm3x::Val, floats: f32::from_bits, f64::from_bits);

    fn export(&mut self, name: &str) -> Option<wasm3x::Func> {
        self.instance.get_func(&self.store, name)
    }

    fn invoke(&mut self, func: &wasm3x::Func, args: &[wasm3x::Val], results: &mut Vec<wasm3x::Val>) -> Result<()> {
        Ok(func.call(&mut self.store, args, results)?)
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        exported_memory(self.memory)?.read(&self.store, offset, out).map_err(memory_error("reading"))
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        exported_memory(self.memory)?.write(&mut self.store, offset, bytes).map_err(memory_error("writing"))
    }

    fn time_typed(&mut self, call: MicroCall, iters: u64) -> Option<Result<u64>> {
        let (store, instance) = (&mut self.store, &self.instance);
        measure::typed_micro!(call, iters, |name| instance.get_typed_func(&*store, name), |f, args| f
            .call(&mut *store, args))
    }
}
