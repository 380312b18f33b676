//! Runs a workload on a WebAssembly engine through the guest ABI of `wg-common`:
//! `wg_alloc(len)` for an input buffer, a host write of the input, then `run(ptr, len) -> i64`.
use super::{Executor, SetupTimes, WorkloadCode};
use crate::engine::{CompiledModule, Engine, FuncId, Instance, Val};
use anyhow::{Context, Result, bail};
use std::time::Instant;

pub struct WasmExecutor<'e> {
    engine: &'e dyn Engine,
    loaded: Option<Loaded>,
}

struct Loaded {
    live: LiveInstance,
    run: FuncId,
    args: [Val; 2],
}

impl<'e> WasmExecutor<'e> {
    pub fn new(engine: &'e dyn Engine) -> Self {
        WasmExecutor { engine, loaded: None }
    }
}

/// A compiled module and an instance of it, kept together: the module lives as long as the
/// instance, whatever the runtime's ownership rules are.
pub struct LiveInstance {
    _module: Box<dyn CompiledModule>,
    pub instance: Box<dyn Instance>,
}

/// Compiles and instantiates `wasm` on `engine`, timing the two phases separately.
pub fn compile_and_instantiate(engine: &dyn Engine, name: &str, wasm: &[u8]) -> Result<(LiveInstance, SetupTimes)> {
    let start = Instant::now();
    let module = engine.compile(wasm).with_context(|| format!("compiling `{name}`"))?;
    let compile_ns = start.elapsed().as_nanos() as u64;
    let start = Instant::now();
    let instance = engine.instantiate(module.as_ref()).with_context(|| format!("instantiating `{name}`"))?;
    let instantiate_ns = start.elapsed().as_nanos() as u64;
    let times = SetupTimes { compile_ns: Some(compile_ns), instantiate_ns: Some(instantiate_ns), spawn_ns: None };
    Ok((LiveInstance { _module: module, instance }, times))
}

/// Writes a workload's input into a fresh instance through the guest ABI (`wg_alloc`, then a
/// host write) and returns the `run` export with its arguments.
pub fn load_input(instance: &mut dyn Instance, input: &[u8]) -> Result<(FuncId, [Val; 2])> {
    let len = i32::try_from(input.len()).context("input larger than 2 GiB")?;
    let alloc = instance.func("wg_alloc")?;
    let mut ptr = [Val::I32(0)];
    instance.call(alloc, &[Val::I32(len)], &mut ptr).context("calling wg_alloc")?;
    let Val::I32(ptr) = ptr[0] else { bail!("wg_alloc returned {:?}, expected an i32", ptr[0]) };
    instance.write_memory(ptr as u32 as usize, input).context("writing the input into guest memory")?;
    Ok((instance.func("run")?, [Val::I32(ptr), Val::I32(len)]))
}

/// One call of `run`, returning its checksum.
pub fn call_run(instance: &mut dyn Instance, run: FuncId, args: &[Val; 2]) -> Result<u64> {
    let mut result = [Val::I64(0)];
    instance.call(run, args, &mut result)?;
    match result[0] {
        Val::I64(v) => Ok(v as u64),
        other => bail!("`run` returned {other}, expected an i64"),
    }
}

impl Executor for WasmExecutor<'_> {
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> Result<SetupTimes> {
        self.loaded = None;
        let (mut live, times) = compile_and_instantiate(self.engine, code.name, code.wasm)?;
        let (run, args) = load_input(live.instance.as_mut(), input)?;
        self.loaded = Some(Loaded { live, run, args });
        Ok(times)
    }

    fn call(&mut self) -> Result<u64> {
        let Some(loaded) = self.loaded.as_mut() else { bail!("call before prepare") };
        call_run(loaded.live.instance.as_mut(), loaded.run, &loaded.args)
    }
}
