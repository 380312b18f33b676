//! Runs a workload on a WebAssembly engine through the guest ABI of `wg-common`:
//! `wg_alloc(len)` for an input buffer, a host write of the input, then `run(ptr, len) -> i64`.
use super::{Executor, SetupTimes, WorkloadCode};
use crate::engines::{CompiledModule, Engine, FuncId, Instance, Val};
use anyhow::{Context, Result, bail};
use std::time::Instant;

pub struct WasmExecutor {
    engine: Box<dyn Engine>,
    loaded: Option<Loaded>,
}

struct Loaded {
    // Kept alive for as long as the instance is, whatever the runtime's ownership rules are.
    _module: Box<dyn CompiledModule>,
    instance: Box<dyn Instance>,
    run: FuncId,
    args: [Val; 2],
}

impl WasmExecutor {
    pub fn new(engine: Box<dyn Engine>) -> Self {
        WasmExecutor { engine, loaded: None }
    }
}

fn elapsed_ns(start: Instant) -> u64 {
    start.elapsed().as_nanos() as u64
}

impl Executor for WasmExecutor {
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> Result<SetupTimes> {
        self.loaded = None;
        let start = Instant::now();
        let module = self.engine.compile(code.wasm).with_context(|| format!("compiling `{}`", code.name))?;
        let compile_ns = elapsed_ns(start);
        let start = Instant::now();
        let mut instance = self.engine.instantiate(module.as_ref()).with_context(|| format!("instantiating `{}`", code.name))?;
        let instantiate_ns = elapsed_ns(start);

        let len = i32::try_from(input.len()).context("input larger than 2 GiB")?;
        let alloc = instance.func("wg_alloc")?;
        let mut ptr = [Val::I32(0)];
        instance.call(alloc, &[Val::I32(len)], &mut ptr).context("calling wg_alloc")?;
        let Val::I32(ptr) = ptr[0] else { bail!("wg_alloc returned {:?}, expected an i32", ptr[0]) };
        instance.write_memory(ptr as u32 as usize, input).context("writing the input into guest memory")?;
        let run = instance.func("run")?;
        self.loaded = Some(Loaded { _module: module, instance, run, args: [Val::I32(ptr), Val::I32(len)] });
        Ok(SetupTimes { compile_ns: Some(compile_ns), instantiate_ns: Some(instantiate_ns), spawn_ns: None })
    }

    fn call(&mut self) -> Result<u64> {
        let Some(loaded) = self.loaded.as_mut() else { bail!("call before prepare") };
        let mut result = [Val::I64(0)];
        loaded.instance.call(loaded.run, &loaded.args, &mut result)?;
        match result[0] {
            Val::I64(v) => Ok(v as u64),
            other => bail!("`run` returned {other}, expected an i64"),
        }
    }
}
