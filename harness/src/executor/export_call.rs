//! Calls one export of any module with fixed arguments (bring-your-own modules). The answer of
//! a call is a fingerprint of all its results, so the throughput sampler can verify that every
//! call repeats the first one; the results themselves are kept for cross-engine comparison.
use super::{Executor, SetupTimes, WorkloadCode};
use crate::engines::{CompiledModule, Engine, FuncId, Instance, Val, ValType};
use anyhow::{Context, Result, bail};
use std::time::Instant;

pub struct ExportCallExecutor {
    engine: Box<dyn Engine>,
    export: String,
    args: Vec<Val>,
    results: Vec<Val>,
    loaded: Option<(Box<dyn CompiledModule>, Box<dyn Instance>, FuncId)>,
}

impl ExportCallExecutor {
    pub fn new(engine: Box<dyn Engine>, export: &str, args: Vec<Val>, result_types: Vec<ValType>) -> Self {
        let results = result_types.into_iter().map(Val::zero).collect();
        ExportCallExecutor { engine, export: export.to_string(), args, results, loaded: None }
    }

    pub fn last_results(&self) -> &[Val] {
        &self.results
    }
}

/// Exact fingerprint of a list of values (type and bits).
pub fn fingerprint(values: &[Val]) -> u64 {
    values.iter().fold(values.len() as u64, |h, v| {
        let (tag, bits) = match *v {
            Val::I32(x) => (1, x as u32 as u64),
            Val::I64(x) => (2, x as u64),
            Val::F32(b) => (3, u64::from(b)),
            Val::F64(b) => (4, b),
        };
        wg_common::mix(wg_common::mix(h, tag), bits)
    })
}

impl Executor for ExportCallExecutor {
    fn prepare(&mut self, code: &WorkloadCode, _input: &[u8]) -> Result<SetupTimes> {
        self.loaded = None;
        let start = Instant::now();
        let module = self.engine.compile(code.wasm).context("compiling the module")?;
        let compile_ns = start.elapsed().as_nanos() as u64;
        let start = Instant::now();
        let mut instance = self.engine.instantiate(module.as_ref()).context("instantiating the module")?;
        let instantiate_ns = start.elapsed().as_nanos() as u64;
        let func = instance.func(&self.export)?;
        self.loaded = Some((module, instance, func));
        Ok(SetupTimes { compile_ns: Some(compile_ns), instantiate_ns: Some(instantiate_ns), spawn_ns: None })
    }

    fn call(&mut self) -> Result<u64> {
        let Some((_, instance, func)) = self.loaded.as_mut() else { bail!("call before prepare") };
        instance.call(*func, &self.args, &mut self.results)?;
        Ok(fingerprint(&self.results))
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_tells_types_apart() {
        use crate::engines::Val;
        assert_ne!(super::fingerprint(&[Val::I32(1)]), super::fingerprint(&[Val::I64(1)]));
        assert_ne!(super::fingerprint(&[]), super::fingerprint(&[Val::I32(0)]));
    }
}
