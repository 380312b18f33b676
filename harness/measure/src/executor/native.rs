//! The `native` baseline: the workload's own Rust source, compiled into the native driver and
//! called in-process through `black_box` (no isolation at all).
use super::{Executor, SetupTimes, WorkloadCode};
use anyhow::{Result, anyhow, bail};
use std::hint::black_box;

/// The native kernels of the workloads, by name (the native driver links them).
pub trait Kernels: Sync {
    /// The native kernel of `workload`, if the driver has it.
    fn kernel(&self, workload: &str) -> Option<fn(&[u8]) -> u64>;
}

/// Calls a workload's native kernel in this process.
pub struct NativeExecutor {
    kernels: &'static dyn Kernels,
    kernel: Option<fn(&[u8]) -> u64>,
    input: Vec<u8>,
}

impl NativeExecutor {
    /// An executor over the driver's kernels.
    pub fn new(kernels: &'static dyn Kernels) -> NativeExecutor {
        NativeExecutor { kernels, kernel: None, input: Vec::new() }
    }
}

impl Executor for NativeExecutor {
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> Result<SetupTimes> {
        self.kernel =
            Some(self.kernels.kernel(code.name).ok_or_else(|| anyhow!("no native build of `{}`", code.name))?);
        self.input = input.to_vec();
        Ok(SetupTimes::default())
    }

    fn call(&mut self) -> Result<u64> {
        let Some(kernel) = self.kernel else { bail!("call before prepare") };
        Ok(black_box(kernel(black_box(&self.input))))
    }
}
