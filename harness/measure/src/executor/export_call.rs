//! Calls one export of any module with fixed arguments (bring-your-own modules). The answer of
//! a call is a fingerprint of all its results, so the throughput sampler can verify that every
//! call repeats the first one; the results themselves are kept for cross-engine comparison.
use super::wasm::{LiveInstance, compile_and_instantiate};
use super::{Executor, SetupTimes, WorkloadCode};
use crate::engine::{Engine, FuncId, Val, ValType};
use anyhow::{Result, bail};
pub use results::values::fingerprint;

/// Calls one export with fixed arguments; the answer of a call is a fingerprint of its results.
pub struct ExportCallExecutor {
    engine: Box<dyn Engine>,
    export: String,
    args: Vec<Val>,
    results: Vec<Val>,
    loaded: Option<(LiveInstance, FuncId)>,
}

impl ExportCallExecutor {
    /// An executor of `export` with `args` on `engine`.
    pub fn new(engine: Box<dyn Engine>, export: &str, args: Vec<Val>, result_types: Vec<ValType>) -> Self {
        let results = result_types.into_iter().map(Val::zero).collect();
        ExportCallExecutor { engine, export: export.to_string(), args, results, loaded: None }
    }

    /// What the last call returned.
    pub fn last_results(&self) -> &[Val] {
        &self.results
    }
}

impl Executor for ExportCallExecutor {
    fn prepare(&mut self, code: &WorkloadCode, _input: &[u8]) -> Result<SetupTimes> {
        self.loaded = None;
        let (mut live, times) = compile_and_instantiate(self.engine.as_ref(), code.name, code.wasm)?;
        let func = live.instance.func(&self.export)?;
        self.loaded = Some((live, func));
        Ok(times)
    }

    fn call(&mut self) -> Result<u64> {
        let Some((live, func)) = self.loaded.as_mut() else { bail!("call before prepare") };
        live.instance.call(*func, &self.args, &mut self.results)?;
        Ok(fingerprint(&self.results))
    }
}
