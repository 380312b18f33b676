//! The `sandbox-tax` scenario: what switching a resource limit on costs a workload's
//! throughput. For each configuration and each limit it supports (instruction counting = fuel or
//! metering, epoch interruption, explicit bounds checks instead of guard pages), the same
//! workload runs on the configuration without limits and with the limit, in the same worker,
//! in alternating rounds (so drift hits both sides alike); the figure is the ratio of median
//! times per call with a bootstrap 95% interval. Every call is verified on both sides.
use crate::engines::{EngineOptions, Limits};
use crate::executor::{Executor, WorkloadCode, wasm::WasmExecutor};
use crate::scenarios::throughput;
use crate::stats::{self, Estimate};
use anyhow::Result;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaxPlan {
    /// Warm-up of each side before sampling.
    pub warmup_ms: u64,
    /// Alternating rounds of (without, with).
    pub rounds: usize,
    /// Samples of each side in each round, each about `sample_target_ms` long.
    pub samples_per_round: usize,
    pub sample_target_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaxMeasurement {
    /// The limit measured: `fuel`, `epoch`, `bounds-checks`.
    pub limit: String,
    /// Calibrated time per call of every sample, without and with the limit.
    pub without_ns: Vec<f64>,
    pub with_ns: Vec<f64>,
    /// Median with / median without.
    pub ratio: Estimate,
    pub verified_calls: u64,
}

/// The limits each configuration is measured with (one at a time).
pub fn limits_for(engine: &str) -> Vec<Limits> {
    let fuel = Limits { instruction_counting: true, ..Default::default() };
    let epoch = Limits { epoch_interruption: true, ..Default::default() };
    let bounds = Limits { explicit_bounds_checks: true, ..Default::default() };
    match engine {
        "wasmtime-cranelift" => vec![fuel, epoch, bounds],
        "wasmtime-winch" | "wasmtime-pulley" => vec![fuel, epoch],
        "wasmer-cranelift" | "wasmer-singlepass" | "wasmi-eager" | "wasmi-lazy" => vec![fuel],
        // The pooling configuration runs the same code as wasmtime-cranelift; baselines have no limits.
        _ => vec![],
    }
}

pub fn measure(
    engine: &str,
    options: &EngineOptions,
    limits: Limits,
    code: &WorkloadCode,
    input: &[u8],
    expected: u64,
    plan: &TaxPlan,
) -> Result<TaxMeasurement> {
    let limited = EngineOptions { limits, ..options.clone() };
    let mut without = WasmExecutor::new(crate::engines::make(engine, options)?);
    let mut with = WasmExecutor::new(crate::engines::make(engine, &limited)?);
    let calibration = throughput::calibrate();
    let mut verified = 0;
    // Prepare and warm up both sides; size each side's batches from its own warm-up.
    let mut iters = [0u64; 2];
    for (i, exec) in [&mut without as &mut dyn Executor, &mut with].into_iter().enumerate() {
        exec.prepare(code, input)?;
        let (calls, ns) = throughput::warm_up(exec, expected, 3, plan.warmup_ms)?;
        iters[i] = throughput::batch_iters(calls, ns, plan.sample_target_ms);
        verified += calls;
    }
    let (mut without_ns, mut with_ns) = (Vec::new(), Vec::new());
    for _ in 0..plan.rounds.max(1) {
        for (i, (exec, out)) in
            [(&mut without as &mut dyn Executor, &mut without_ns), (&mut with, &mut with_ns)].into_iter().enumerate()
        {
            for _ in 0..plan.samples_per_round.max(1) {
                let ns = throughput::timed_batch(exec, expected, iters[i])?;
                out.push(calibration.per_call_ns(ns, iters[i]));
                verified += iters[i];
            }
        }
    }
    Ok(TaxMeasurement {
        limit: limits.label(),
        ratio: stats::ratio_of_medians(&with_ns, &without_ns),
        without_ns,
        with_ns,
        verified_calls: verified,
    })
}
