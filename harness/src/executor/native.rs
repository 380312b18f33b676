//! The `native` baseline: the workload's own Rust source, compiled into the harness and called
//! in-process through `black_box` (no isolation at all).
use super::{Executor, SetupTimes, WorkloadCode, native_kernel};
use anyhow::{Result, anyhow, bail};
use std::hint::black_box;

#[derive(Default)]
pub struct NativeExecutor {
    kernel: Option<fn(&[u8]) -> u64>,
    input: Vec<u8>,
}

impl Executor for NativeExecutor {
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> Result<SetupTimes> {
        self.kernel = Some(native_kernel(code.name).ok_or_else(|| anyhow!("no native build of `{}`", code.name))?);
        self.input = input.to_vec();
        Ok(SetupTimes::default())
    }

    fn call(&mut self) -> Result<u64> {
        let Some(kernel) = self.kernel else { bail!("call before prepare") };
        Ok(black_box(kernel(black_box(&self.input))))
    }
}
