//! The `density` scenario: how many live instances of a workload fit in a memory budget, and
//! how fast instances (or, for `subprocess`, processes) can be created, on one thread and on
//! every core.
//!
//! Each instance gets its input and answers once (verified), as a tenant that served a request
//! would; the worker polls its own resident set after every instance and stops before the next
//! one could cross the budget, so the worker never meets the OOM killer. It also stops at an
//! instance cap, a time cap, or when instantiation fails (a full pool, exhausted address space),
//! and records which.
use crate::engine::{CompiledModule, Engine, Instance};
use crate::executor::wasm::{call_run, load_input};
use crate::memstat;
use crate::sampler::{Cap, Repetitions, under_load};
use crate::scenario::{DriverCell, HostCell, Outcome, PlannedCell, RunPlan, Scenario, record_engine_cell};
use crate::subject::Subject;
use crate::summary::View;
use anyhow::{Context, Result, bail};
use results::format::new_table;
use results::ids;
use results::measurements::{DensityMeasurement, RatePoint};
use results::plans::DensityPlan;
use results::{CellStatus, DensitySection, ResultsFile, SubjectKind};
use std::time::Duration;

/// The `density` scenario.
pub struct Density;

impl Scenario for Density {
    fn name(&self) -> &'static str {
        ids::DENSITY
    }

    fn about(&self) -> &'static str {
        "live instances in a memory budget, instances per GiB, instantiations per second on one and all cores"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.density = Some(DensitySection::default());
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        let plan = run.profile.density.as_ref();
        let estimate = plan.map_or(0, |p| p.max_fill_ms / 2 + 2 * p.rate_ms + 500);
        HostCell::plan_all(self.name(), run, plan, estimate, |c, p| {
            (c.instances || c.kind == SubjectKind::Subprocess)
                .then(|| DensityPlan { threads: if c.threads { rate_levels(p) } else { vec![1] }, ..p.clone() })
        })
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: HostCell<DensityPlan> = serde_json::from_value(cell.clone())?;
        let (wasm, input) = cell.workload.inputs()?;
        let (w, expected) = (&cell.workload.workload, cell.workload.expected()?);
        let m = match ctx.subject {
            Subject::Native { .. } => bail!("not applicable: native code has no instances"),
            Subject::Subprocess { .. } => measure_subprocess(w, &input, expected, &cell.plan)?,
            Subject::Wasm(engine) => measure_wasm(engine.as_ref(), w, &wasm, &input, expected, &cell.plan)?,
        };
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let section = &mut results.scenarios.density.get_or_insert_with(DensitySection::default).cells;
        record_engine_cell(section, cell, outcome, |d: &DensityMeasurement| {
            format!("{} live ({}), {:.0}/s", d.live_instances, d.stopped_by, d.instantiate_per_s_one_thread)
        })
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        let engines = view.engines_in(ids::DENSITY);
        if engines.is_empty() {
            return vec![];
        }
        let mut t =
            new_table(["engine", "live in budget", "per GiB", "instantiate/s 1 thr | all"].map(String::from).to_vec());
        for e in engines {
            let get =
                |m: &str| view.cells.iter().find(|c| c.scenario == ids::DENSITY && c.engine == e && c.metric == m);
            match (get("live_instances"), get("instances_per_gib")) {
                (Some(live), Some(per)) => t.add_row(vec![
                    e.clone(),
                    format!("{:.0} ({})", live.value, live.note.chars().take(40).collect::<String>()),
                    format!("{:.0}", per.value),
                    format!(
                        "{:.0} | {:.0}",
                        get("instantiate_per_s_one_thread").map_or(f64::NAN, |c| c.value),
                        get("instantiate_per_s_all_cores").map_or(f64::NAN, |c| c.value)
                    ),
                ]),
                _ => t.add_row(vec![e.clone(), view.missing(ids::DENSITY, "", &e), String::new(), String::new()]),
            };
        }
        vec![format!("Density: live instances until the memory budget, and instantiation rates:\n{t}")]
    }
}

/// The cores of this machine.
pub fn cores() -> usize {
    results::plans::machine_cores()
}

/// The thread levels of a plan's instantiation rate (one thread and every core for a plan of
/// schema 9 or older, which names none).
fn rate_levels(plan: &DensityPlan) -> Vec<usize> {
    if plan.threads.is_empty() { vec![1, cores()] } else { plan.threads.clone() }
}

/// The rate at every level of `plan`, and the two summary figures: one thread, and every core
/// (the largest level not above the core count: one thread for a single-threaded runtime).
fn rates_at_levels(
    plan: &DensityPlan,
    op: &(dyn Fn() -> Result<()> + Sync),
) -> Result<(Vec<RatePoint>, f64, f64, usize)> {
    let duration = Duration::from_millis(plan.rate_ms);
    let levels = rate_levels(plan);
    let points: Vec<RatePoint> = levels
        .iter()
        .map(|&threads| Ok(RatePoint { threads, instantiate_per_s: rate(threads, duration, op)? }))
        .collect::<Result<_>>()?;
    let at = |t: usize| points.iter().find(|p| p.threads == t).map(|p| p.instantiate_per_s);
    let one = match at(1) {
        Some(r) => r,
        None => rate(1, duration, op)?,
    };
    let all_threads = levels.iter().copied().filter(|&t| t <= cores()).max().unwrap_or(1);
    let all = at(all_threads).unwrap_or(one);
    Ok((points, one, all, all_threads))
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
    crate::engine::check_answer(call_run(inst.as_mut(), run, &args)?, expected)?;
    Ok(inst)
}

/// Instantiate-and-drop operations per second over `threads` threads sharing `op` (one thread:
/// on the calling thread, so a single-threaded runtime can be measured too).
pub fn rate(threads: usize, duration: Duration, op: &(dyn Fn() -> Result<()> + Sync)) -> Result<f64> {
    Ok(under_load(threads, duration, Repetitions::Counted, op)?.per_second())
}

/// Density of a WebAssembly configuration: live instances within the budget, then the instantiation
/// rates.
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
    let fill = Cap::ms(plan.max_fill_ms);
    let mut live: Vec<Box<dyn Instance>> = Vec::new();
    let mut largest_step = 0u64;
    let mut last = base;
    let stopped_by = loop {
        if live.len() >= plan.max_instances {
            break format!("instance cap ({})", plan.max_instances);
        }
        if fill.passed() {
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
    let (rate_levels, one, all, threads) = rates_at_levels(plan, &op)?;
    Ok(DensityMeasurement {
        workload: workload.into(),
        memory_budget_bytes: plan.memory_budget_bytes,
        live_instances: n,
        stopped_by,
        used_bytes,
        bytes_per_instance,
        instances_per_gib: if bytes_per_instance > 0.0 { (1u64 << 30) as f64 / bytes_per_instance } else { f64::NAN },
        instantiate_per_s_one_thread: one,
        instantiate_per_s_all_cores: all,
        threads,
        rate_levels,
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
    let per_process = crate::memstat::serving_process(workload, input, expected)?.usage.private_bytes;
    let op = crate::process::fresh_runner_request(workload, expected)?;
    let (rate_levels, one, all, threads) = rates_at_levels(plan, &op)?;
    let fit = (plan.memory_budget_bytes / per_process.max(1)) as usize;
    Ok(DensityMeasurement {
        workload: workload.into(),
        memory_budget_bytes: plan.memory_budget_bytes,
        live_instances: fit,
        stopped_by: "computed: budget / private memory of one runner process (not started all at once)".into(),
        used_bytes: fit as u64 * per_process,
        bytes_per_instance: per_process as f64,
        instances_per_gib: (1u64 << 30) as f64 / per_process.max(1) as f64,
        instantiate_per_s_one_thread: one,
        instantiate_per_s_all_cores: all,
        threads,
        rate_levels,
    })
}
