//! The `concurrency` scenario: the "new instance per request" pattern of serverless hosts.
//! One request = instantiate, write the input, call the workload, verify, drop; run by 1 ... N
//! threads sharing one compiled module for a fixed time each. Requests per second and the
//! latency distribution (HdrHistogram) per thread count. `native`: a request is one call of the
//! native function; `subprocess`: a fresh process per request, exec to verified answer.
use crate::engines::Engine;
use crate::executor::wasm::{call_run, load_input};
use crate::latency::{self, LatencyRecord};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyPlan {
    /// Thread counts to run (each for `ms_per_level`).
    pub threads: Vec<usize>,
    pub ms_per_level: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyPoint {
    pub threads: usize,
    pub requests: u64,
    pub seconds: f64,
    pub requests_per_s: f64,
    pub latency: LatencyRecord,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyMeasurement {
    pub workload: String,
    /// What one request does on this engine.
    pub request: String,
    pub points: Vec<ConcurrencyPoint>,
}

/// Runs `request` on `threads` threads for `duration`, timing each request.
fn level(threads: usize, duration: Duration, request: &(dyn Fn() -> Result<()> + Sync)) -> Result<ConcurrencyPoint> {
    let start = Instant::now();
    let per_thread: Vec<Result<Vec<u64>>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| -> Result<Vec<u64>> {
                    let mut times = Vec::new();
                    while start.elapsed() < duration {
                        let t = Instant::now();
                        request()?;
                        times.push(t.elapsed().as_nanos() as u64);
                    }
                    Ok(times)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("thread panicked")))).collect()
    });
    let seconds = start.elapsed().as_secs_f64();
    let all: Vec<u64> = per_thread.into_iter().collect::<Result<Vec<_>>>()?.concat();
    Ok(ConcurrencyPoint {
        threads,
        requests: all.len() as u64,
        seconds,
        requests_per_s: all.len() as f64 / seconds,
        latency: latency::record(&all, 1)?,
    })
}

fn run_levels(plan: &ConcurrencyPlan, request: &(dyn Fn() -> Result<()> + Sync)) -> Result<Vec<ConcurrencyPoint>> {
    // One request first: lazily created state is not charged to the first level.
    request()?;
    plan.threads.iter().map(|&t| level(t, Duration::from_millis(plan.ms_per_level), request)).collect()
}

fn check(got: u64, expected: u64) -> Result<()> {
    if got != expected {
        bail!("wrong answer: got {got:#018x}, the native answer is {expected:#018x}");
    }
    Ok(())
}

pub fn measure_wasm(
    engine: &dyn Engine,
    workload: &str,
    wasm: &[u8],
    input: &[u8],
    expected: u64,
    plan: &ConcurrencyPlan,
) -> Result<ConcurrencyMeasurement> {
    let module = engine.compile(wasm)?;
    let request = || -> Result<()> {
        let mut inst = engine.instantiate(module.as_ref())?;
        let (run, args) = load_input(inst.as_mut(), input)?;
        check(call_run(inst.as_mut(), run, &args)?, expected)
    };
    Ok(ConcurrencyMeasurement {
        workload: workload.into(),
        request: "instantiate (shared compiled module), write input, call, verify, drop".into(),
        points: run_levels(plan, &request)?,
    })
}

pub fn measure_native(
    workload: &str,
    kernel: fn(&[u8]) -> u64,
    input: &[u8],
    expected: u64,
    plan: &ConcurrencyPlan,
) -> Result<ConcurrencyMeasurement> {
    let request = || check(std::hint::black_box(kernel(std::hint::black_box(input))), expected);
    Ok(ConcurrencyMeasurement {
        workload: workload.into(),
        request: "one call of the native function (no isolation, nothing to create)".into(),
        points: run_levels(plan, &request)?,
    })
}

pub fn measure_subprocess(workload: &str, expected: u64, plan: &ConcurrencyPlan) -> Result<ConcurrencyMeasurement> {
    let request = super::cold_start::fresh_runner_request(workload, expected)?;
    Ok(ConcurrencyMeasurement {
        workload: workload.into(),
        request: "a fresh runner process: exec, compute, print the answer, exit (verified)".into(),
        points: run_levels(plan, &request)?,
    })
}
