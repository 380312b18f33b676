//! The `concurrency` scenario: the "new instance per request" pattern of serverless hosts.
//! One request = instantiate, write the input, call the workload, verify, drop; run by 1 ... N
//! threads sharing one compiled module for a fixed time each. Requests per second and the
//! latency distribution (HdrHistogram) per thread count. `native`: a request is one call of the
//! native function; `subprocess`: a fresh process per request, exec to verified answer.
use crate::engine::Engine;
use crate::executor::wasm::{call_run, load_input};
use crate::sampler::{Repetitions, under_load};
use crate::scenario::{DriverCell, HostCell, Outcome, PlannedCell, RunPlan, Scenario, record_engine_cell};
use crate::subject::Subject;
use crate::summary::View;
use anyhow::{Result, anyhow};
use results::format::{fmt_ns, new_table};
use results::ids;
use results::latency;
use results::measurements::{ConcurrencyMeasurement, ConcurrencyPoint};
use results::plans::ConcurrencyPlan;
use results::{CellStatus, ConcurrencySection, ResultsFile};
use std::time::Duration;

/// The `concurrency` scenario.
pub struct Concurrency;

impl Scenario for Concurrency {
    fn name(&self) -> &'static str {
        ids::CONCURRENCY
    }

    fn about(&self) -> &'static str {
        "a new instance per request on 1..N threads sharing one compiled module: requests/s and latency"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.concurrency = Some(ConcurrencySection::default());
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        let plan = run.profile.concurrency.as_ref();
        let estimate = plan.map_or(0, |p| p.threads.len() as u64 * p.ms_per_level + 500);
        // A single-threaded runtime serves at one thread only, on the driver's own thread.
        HostCell::plan_all(self.name(), run, plan, estimate, |c, p| {
            Some(if c.threads { p.clone() } else { ConcurrencyPlan { threads: vec![1], ..p.clone() } })
        })
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: HostCell<ConcurrencyPlan> = serde_json::from_value(cell.clone())?;
        let (wasm, input) = cell.workload.inputs()?;
        let (w, expected) = (&cell.workload.workload, cell.workload.expected()?);
        let m = match ctx.subject {
            Subject::Subprocess { .. } => measure_subprocess(w, expected, &cell.plan)?,
            Subject::Native { kernels, .. } => {
                let kernel = kernels.kernel(w).ok_or_else(|| anyhow!("no native `{w}`"))?;
                measure_native(w, kernel, &input, expected, &cell.plan)?
            }
            Subject::Wasm(engine) => measure_wasm(engine.as_ref(), w, &wasm, &input, expected, &cell.plan)?,
        };
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let section = &mut results.scenarios.concurrency.get_or_insert_with(ConcurrencySection::default).cells;
        record_engine_cell(section, cell, outcome, |c: &ConcurrencyMeasurement| {
            let best = c.points.iter().map(|p| p.requests_per_s).fold(0.0, f64::max);
            format!("up to {best:.0} requests/s")
        })
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        let rows = view.rows(ids::CONCURRENCY, "requests_per_s");
        if rows.is_empty() {
            return vec![];
        }
        let mut header = vec!["engine".to_string()];
        header.extend(rows.iter().map(|r| format!("{r}: requests/s (p99)")));
        let mut t = new_table(header);
        for e in view.engines_in(ids::CONCURRENCY) {
            let mut row = vec![e.clone()];
            for r in &rows {
                row.push(
                    match (
                        view.find(ids::CONCURRENCY, r, &e, "requests_per_s"),
                        view.find(ids::CONCURRENCY, r, &e, "p99"),
                    ) {
                        (Some(q), Some(p)) => format!("{:.0} ({})", q.value, fmt_ns(p.value)),
                        _ => view.missing(ids::CONCURRENCY, "", &e),
                    },
                );
            }
            t.add_row(row);
        }
        vec![format!("Concurrency: a new instance per request (instantiate, input, call, verify, drop):\n{t}")]
    }
}

/// Runs `request` on `threads` threads for `duration`, timing each request (one thread: the
/// calling thread, so a single-threaded runtime can be measured too).
fn level(threads: usize, duration: Duration, request: &(dyn Fn() -> Result<()> + Sync)) -> Result<ConcurrencyPoint> {
    let load = under_load(threads, duration, Repetitions::Timed, request)?;
    point(threads, load.times_ns, load.seconds)
}

fn point(threads: usize, all: Vec<u64>, seconds: f64) -> Result<ConcurrencyPoint> {
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

use crate::engine::check_answer as check;

/// Concurrency of a WebAssembly configuration: a new instance of the shared compiled module per
/// request.
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

/// Concurrency of the native baseline: a plain call per request.
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

/// Concurrency of the subprocess baseline: a fresh runner process per request.
pub fn measure_subprocess(workload: &str, expected: u64, plan: &ConcurrencyPlan) -> Result<ConcurrencyMeasurement> {
    let request = crate::process::fresh_runner_request(workload, expected)?;
    Ok(ConcurrencyMeasurement {
        workload: workload.into(),
        request: "a fresh runner process: exec, compute, print the answer, exit (verified)".into(),
        points: run_levels(plan, &request)?,
    })
}
