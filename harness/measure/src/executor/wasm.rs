//! Runs a workload on a WebAssembly engine through the guest ABI of `wg-common`:
//! `wg_alloc(len)` for an input buffer, a host write of the input, then `run(ptr, len) -> i64`.
use super::{Executor, SetupTimes, WorkloadCode};
use crate::engine::{CompiledModule, Engine, FuncId, Instance, Val};
use crate::measurement::{EngineClock, measure, time};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Runs workloads on a WebAssembly engine through the guest ABI.
pub struct WasmExecutor<'e> {
    engine: &'e dyn Engine,
    loaded: Option<Loaded>,
    /// [`Executor::reuse_artifact`].
    artifact: Option<PathBuf>,
}

struct Loaded {
    live: LiveInstance,
    run: FuncId,
    args: [Val; 2],
}

impl<'e> WasmExecutor<'e> {
    /// An executor on `engine`.
    pub fn new(engine: &'e dyn Engine) -> Self {
        WasmExecutor { engine, loaded: None, artifact: None }
    }
}

/// A compiled module and an instance of it, kept together: the module lives as long as the
/// instance, whatever the runtime's ownership rules are.
pub struct LiveInstance {
    _module: Box<dyn CompiledModule>,
    /// The instance.
    pub instance: Box<dyn Instance>,
}

/// Compiles and instantiates `wasm` on `engine`, timing the two phases separately.
pub fn compile_and_instantiate(engine: &dyn Engine, name: &str, wasm: &[u8]) -> Result<(LiveInstance, SetupTimes)> {
    let (module, compile_ns) = compile_timed(engine, name, wasm)?;
    let (live, mut times) = instantiate_timed(engine, name, module)?;
    times.compile_ns = Some(compile_ns);
    Ok((live, times))
}

/// Compiles `wasm`, timed on the engine's clock (its own side's for an engine in another process).
fn compile_timed(engine: &dyn Engine, name: &str, wasm: &[u8]) -> Result<(Box<dyn CompiledModule>, u64)> {
    let (module, ns) = measure(&EngineClock(engine), || engine.compile(wasm));
    Ok((module.with_context(|| format!("compiling `{name}`"))?, ns))
}

/// [`compile_and_instantiate`] through an artifact file: loaded when `path` exists (timed as
/// `artifact_load_ns`), else compiled and its artifact written there (atomically) for the next
/// process; a runtime without artifacts always compiles.
pub fn prepare_with_artifact(
    engine: &dyn Engine,
    name: &str,
    wasm: &[u8],
    path: &Path,
) -> Result<(LiveInstance, SetupTimes)> {
    let Ok(bytes) = std::fs::read(path) else {
        let (module, compile_ns) = compile_timed(engine, name, wasm)?;
        if let Some(artifact) = engine.serialize(module.as_ref())? {
            let tmp = path.with_extension(format!("tmp{}", std::process::id()));
            std::fs::write(&tmp, artifact)
                .and_then(|()| std::fs::rename(&tmp, path))
                .with_context(|| format!("saving the artifact of `{name}` to {}", path.display()))?;
        }
        let (live, mut times) = instantiate_timed(engine, name, module)?;
        times.compile_ns = Some(compile_ns);
        return Ok((live, times));
    };
    let (module, load_ns) = time(|| engine.deserialize(&bytes));
    let module = module.with_context(|| format!("loading the artifact of `{name}`"))?;
    let (live, mut times) = instantiate_timed(engine, name, module)?;
    times.artifact_load_ns = Some(load_ns);
    Ok((live, times))
}

fn instantiate_timed(
    engine: &dyn Engine,
    name: &str,
    module: Box<dyn CompiledModule>,
) -> Result<(LiveInstance, SetupTimes)> {
    let (instance, ns) = measure(&EngineClock(engine), || engine.instantiate(module.as_ref()));
    let instance = instance.with_context(|| format!("instantiating `{name}`"))?;
    let times = SetupTimes { instantiate_ns: Some(ns), ..Default::default() };
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
        let (mut live, times) = match &self.artifact {
            Some(path) => prepare_with_artifact(self.engine, code.name, code.wasm, path)?,
            None => compile_and_instantiate(self.engine, code.name, code.wasm)?,
        };
        let (run, args) = load_input(live.instance.as_mut(), input)?;
        self.loaded = Some(Loaded { live, run, args });
        Ok(times)
    }

    fn call(&mut self) -> Result<u64> {
        let Some(loaded) = self.loaded.as_mut() else { bail!("call before prepare") };
        call_run(loaded.live.instance.as_mut(), loaded.run, &loaded.args)
    }

    fn timed_calls(&mut self, iters: u64, expected: u64) -> Result<u64> {
        let Some(loaded) = self.loaded.as_mut() else { bail!("call before prepare") };
        loaded.live.instance.timed_run(loaded.run, &loaded.args, iters, expected)
    }

    fn reuse_artifact(&mut self, path: &Path) {
        self.artifact = Some(path.to_path_buf());
    }

    fn far_empty_batch(&mut self, iters: u64) -> Option<Result<u64>> {
        self.loaded.as_mut()?.live.instance.far_empty_batch(iters)
    }
}
