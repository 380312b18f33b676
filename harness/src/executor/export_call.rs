//! Calls one export of any module with fixed arguments (bring-your-own modules). The answer of
//! a call is a fingerprint of all its results, so the throughput sampler can verify that every
//! call repeats the first one; the results themselves are kept for cross-engine comparison.
use super::wasm::{LiveInstance, compile_and_instantiate};
use super::{Executor, SetupTimes, WorkloadCode};
use crate::engines::{Engine, FuncId, Val, ValType};
use anyhow::{Result, bail};

pub struct ExportCallExecutor {
    engine: Box<dyn Engine>,
    export: String,
    args: Vec<Val>,
    results: Vec<Val>,
    loaded: Option<(LiveInstance, FuncId)>,
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

/// Exact fingerprint of a list of values: FNV-1a over each value's type tag and bits.
pub fn fingerprint(values: &[Val]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for v in values {
        let (tag, bits) = match *v {
            Val::I32(x) => (1u8, x as u32 as u64),
            Val::I64(x) => (2, x as u64),
            Val::F32(b) => (3, u64::from(b)),
            Val::F64(b) => (4, b),
        };
        for byte in std::iter::once(tag).chain(bits.to_le_bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    hash
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

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_tells_types_apart() {
        use crate::engines::Val;
        assert_ne!(super::fingerprint(&[Val::I32(1)]), super::fingerprint(&[Val::I64(1)]));
        assert_ne!(super::fingerprint(&[]), super::fingerprint(&[Val::I32(0)]));
    }
}
