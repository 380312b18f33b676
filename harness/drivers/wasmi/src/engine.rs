//! wasmi glue shared by its configurations (`eager`, `lazy`): an interpreter with no
//! ahead-of-time artifact (the engine interface's default answers "not available").

use anyhow::Result;
use measure::engine::{
    Compiled, CompiledModule, Conformance, Engine, EngineInfo, EngineOptions, Instance, Limits, MicroCall,
    check_limits, compiled,
};
use measure::features::Features;
use measure::host;
use measure::kit::{Glue, KitInstance, exported_memory, knobs, memory_error};
use measure::session::{Session, SessionLimits};

pub struct WasmiEngine {
    info: EngineInfo,
    engine: wasmi::Engine,
    linker: wasmi::Linker<()>,
    /// Fuel is per store: filled at every instantiation when switched on.
    fuel: bool,
}

/// The proposals wasmi 2.0 implements (no GC, typed function references, exceptions or
/// threads).
const SUPPORTED: &[&str] = measure::features::NO_GC_EXCEPTIONS_THREADS;

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
    // wasmi translates on one thread whatever is asked: record what really happens.
    let mut knobs = knobs::single_threaded(options, "1 (wasmi is single-threaded)");
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

impl Engine for WasmiEngine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        Ok(Box::new(Compiled(wasmi::Module::new(&self.engine, wasm)?)))
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<wasmi::Module>(module, &self.info.id)?;
        let mut store = wasmi::Store::new(&self.engine, ());
        if self.fuel {
            store.set_fuel(u64::MAX)?;
        }
        let instance = self.linker.instantiate_and_start(&mut store, module)?;
        let memory = instance.get_memory(&store, "memory");
        Ok(KitInstance::boxed(WasmiInstance { store, instance, memory }))
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
}

impl Glue for WasmiInstance {
    type Func = wasmi::Func;
    type Val = wasmi::Val;
    measure::val_conversions!(wasmi::Val, floats: wasmi::F32::from_bits, wasmi::F64::from_bits);

    fn export(&mut self, name: &str) -> Option<wasmi::Func> {
        self.instance.get_func(&self.store, name)
    }

    fn invoke(&mut self, func: &wasmi::Func, args: &[wasmi::Val], results: &mut Vec<wasmi::Val>) -> Result<()> {
        Ok(func.call(&mut self.store, args, results)?)
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        exported_memory(self.memory)?.read(&self.store, offset, out).map_err(memory_error("reading"))
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        exported_memory(self.memory)?.write(&mut self.store, offset, bytes).map_err(memory_error("writing"))
    }

    fn time_typed(&mut self, call: MicroCall, iters: u64) -> Option<Result<u64>> {
        let (store, instance) = (&mut self.store, self.instance);
        measure::typed_micro!(call, iters, |name| instance.get_typed_func(&*store, name), |f, args| f
            .call(&mut *store, args))
    }
}
