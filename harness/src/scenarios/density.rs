//! The `density` scenario: how many live instances of a workload fit in a memory budget, and
//! how fast instances (or, for `subprocess`, processes) can be created, on one thread and on
//! every core.
//!
//! Each instance gets its input and answers once (verified), as a tenant that served a request
//! would; the worker polls its own resident set after every instance and stops before the next
//! one could cross the budget, so the worker never meets the OOM killer. It also stops at an
//! instance cap, a time cap, or when instantiation fails (a full pool, exhausted address space),
//! and records which.
use crate::engines::{CompiledModule, Engine, Instance};
use crate::executor::wasm::{call_run, load_input};
use crate::memstat;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DensityPlan {
    /// Resident memory the live instances may take (`--memory-budget`, default 1 GiB).
    pub memory_budget_bytes: u64,
    pub max_instances: usize,
    /// Time cap for filling the budget.
    pub max_fill_ms: u64,
    /// How long each instantiation-rate measurement runs.
    pub rate_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DensityMeasurement {
    pub workload: String,
    pub memory_budget_bytes: u64,
    pub live_instances: usize,
    /// Why filling stopped: `memory budget`, `instance cap`, `time cap`, or the failure.
    pub stopped_by: String,
    /// Resident memory the live instances added.
    pub used_bytes: u64,
    pub bytes_per_instance: f64,
    /// Instances that fit in 1 GiB at that cost.
    pub instances_per_gib: f64,
    /// Instantiations per second (instantiate and drop), one thread.
    pub instantiate_per_s_one_thread: f64,
    /// Instantiations per second over all threads, one per core, sharing the compiled module.
    pub instantiate_per_s_all_cores: f64,
    pub threads: usize,
}

pub fn cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// An instance that got `input` and answered once, correctly.
fn serving_instance(
    engine: &dyn Engine,
    module: &dyn CompiledModule,
    input: &[u8],
    expected: u64,
) -> Result<Box<dyn Instance>> {
    let mut inst = engine.instantiate(module)?;
    let (run, args) = load_input(inst.as_mut(), input)?;
    let got = call_run(inst.as_mut(), run, &args)?;
    if got != expected {
        bail!("wrong answer: got {got:#018x}, the native answer is {expected:#018x}");
    }
    Ok(inst)
}

/// Instantiate-and-drop operations per second over `threads` threads sharing `op`.
pub fn rate(threads: usize, duration: Duration, op: &(dyn Fn() -> Result<()> + Sync)) -> Result<f64> {
    let start = Instant::now();
    let counts: Vec<Result<u64>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<u64> {
                    let mut n = 0;
                    while start.elapsed() < duration {
                        op()?;
                        n += 1;
                    }
                    Ok(n)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("thread panicked")))).collect()
    });
    let total: u64 = counts.into_iter().collect::<Result<Vec<u64>>>()?.iter().sum();
    Ok(total as f64 / start.elapsed().as_secs_f64())
}

pub fn measure_wasm(
    engine: &dyn Engine,
    workload: &str,
    wasm: &[u8],
    input: &[u8],
    expected: u64,
    plan: &DensityPlan,
) -> Result<DensityMeasurement> {
    let module = engine.compile(wasm).with_context(|| format!("compiling `{workload}`"))?;
    // One instance first, so lazily created runtime state is not charged to the instances.
    drop(serving_instance(engine, module.as_ref(), input, expected)?);
    let base = memstat::self_rss_bytes()?;
    let start = Instant::now();
    let mut live: Vec<Box<dyn Instance>> = Vec::new();
    let mut largest_step = 0u64;
    let mut last = base;
    let stopped_by = loop {
        if live.len() >= plan.max_instances {
            break format!("instance cap ({})", plan.max_instances);
        }
        if start.elapsed() >= Duration::from_millis(plan.max_fill_ms) {
            break format!("time cap ({} ms)", plan.max_fill_ms);
        }
        let used = last.saturating_sub(base);
        // Stop while the next instance (at worst twice the largest step seen, at least 1 MiB)
        // still fits, so the budget is never crossed.
        if used + (2 * largest_step).max(1 << 20) > plan.memory_budget_bytes {
            break "memory budget".into();
        }
        match serving_instance(engine, module.as_ref(), input, expected) {
            Ok(inst) => live.push(inst),
            Err(e) => break format!("instantiation failed after {} instances: {e:#}", live.len()),
        }
        let now = memstat::self_rss_bytes()?;
        largest_step = largest_step.max(now.saturating_sub(last));
        last = now;
    };
    let used_bytes = last.saturating_sub(base);
    let n = live.len();
    drop(live);
    let bytes_per_instance = used_bytes as f64 / n.max(1) as f64;
    let op = || -> Result<()> {
        drop(engine.instantiate(module.as_ref())?);
        Ok(())
    };
    let duration = Duration::from_millis(plan.rate_ms);
    let threads = cores();
    Ok(DensityMeasurement {
        workload: workload.into(),
        memory_budget_bytes: plan.memory_budget_bytes,
        live_instances: n,
        stopped_by,
        used_bytes,
        bytes_per_instance,
        instances_per_gib: if bytes_per_instance > 0.0 { (1u64 << 30) as f64 / bytes_per_instance } else { f64::NAN },
        instantiate_per_s_one_thread: rate(1, duration, &op)?,
        instantiate_per_s_all_cores: rate(threads, duration, &op)?,
        threads,
    })
}

/// `subprocess`: processes per second (a fresh runner computing one verified answer and
/// exiting), on one thread and on every core, and processes per GiB from one runner's private
/// memory (what one more process costs; its shared pages are shared).
pub fn measure_subprocess(
    workload: &str,
    input: &[u8],
    expected: u64,
    plan: &DensityPlan,
) -> Result<DensityMeasurement> {
    let per_process = super::memory::measure_process(workload, input, expected)?.usage.private_bytes;
    let op = super::cold_start::fresh_runner_request(workload, expected)?;
    let duration = Duration::from_millis(plan.rate_ms);
    let threads = cores();
    let fit = (plan.memory_budget_bytes / per_process.max(1)) as usize;
    Ok(DensityMeasurement {
        workload: workload.into(),
        memory_budget_bytes: plan.memory_budget_bytes,
        live_instances: fit,
        stopped_by: "computed: budget / private memory of one runner process (not started all at once)".into(),
        used_bytes: fit as u64 * per_process,
        bytes_per_instance: per_process as f64,
        instances_per_gib: (1u64 << 30) as f64 / per_process.max(1) as f64,
        instantiate_per_s_one_thread: rate(1, duration, &op)?,
        instantiate_per_s_all_cores: rate(threads, duration, &op)?,
        threads,
    })
}
