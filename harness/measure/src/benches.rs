//! Benchmarks of calls, as call overhead, component calls and plugin calls take them: one engine's
//! benchmarks sampled by the one sampler calibrated for typed loops ([`Bench`]), each closed
//! with its error and payload rate ([`finish`]), combined across the processes of a cell
//! measured in rounds ([`combine`]); payload benchmarks checked on every call and after every batch ([`payload_bench`]); the guest-to-host derivation ([`guest_to_host`]) and the
//! core-module data benchmark ([`core_data`]) both scenarios run.
use crate::engine::{DataCall, Engine, Val};
use crate::measurement::time_batch;
use crate::micro;
use crate::rounds::Series;
use crate::sampler::{Count, Sampler, WarmUp, batch_iters};
use crate::scenario::{Outcome, PROCESS_MS, PlannedCell, ProcessOutcome, RunPlan, verdict};
use crate::summary::View;
use anyhow::{Context, Result, bail};
use results::CellStatus;
use results::latency;
use results::measurements::{BenchResult, CallOverheadMeasurement};
use results::plans::CallOverheadPlan;
use serde::{Deserialize, Serialize};
use stats::Estimate;

/// The payload sizes of the byte benchmarks, in bytes: component calls' strings and lists,
/// the core-module data call beside them and plugin calls'.
pub const PAYLOAD_SIZES: [usize; 4] = [16, 4 << 10, 64 << 10, 1 << 20];

/// What the driver should do: sample (the call-overhead scenario), record latency, or both.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Modes {
    /// Take the samples (the call-overhead scenario is selected).
    pub sample: bool,
    /// Record latency values (the latency scenario is selected).
    pub latency: bool,
}

/// How one engine's benchmarks are sampled: the one sampler, calibrated for the typed loops,
/// under the cell's plan and modes.
pub struct Bench<'a> {
    /// The sampler, calibrated for typed loops.
    pub sampler: Sampler,
    plan: &'a CallOverheadPlan,
    modes: Modes,
}

impl Bench<'_> {
    /// The sampler for `plan` under `modes`.
    pub fn new(plan: &CallOverheadPlan, modes: Modes) -> Bench<'_> {
        Bench::with_sampler(plan, modes, Sampler::for_typed_loops())
    }

    /// The same with a sampler calibrated elsewhere (the batch loop of a host in another process).
    pub fn with_sampler(plan: &CallOverheadPlan, modes: Modes, sampler: Sampler) -> Bench<'_> {
        Bench { sampler, plan, modes }
    }

    /// Warms `batch` up, then takes the samples and the latency values the modes ask for.
    pub fn run(&self, result: &mut BenchResult, mut batch: impl FnMut(u64) -> Result<u64>) -> Result<()> {
        // Warm up until the warm-up time passed and one batch lasts long enough to size the
        // samples (100 µs: the clock is then under a thousandth of it).
        let warm = WarmUp { min_calls: 1, min_ms: self.plan.warmup_ms, min_batch_ns: 100_000 };
        let per_call = self.sampler.warm_up(&mut batch, warm)?.per_call_ns;
        let count = |n: usize, min: usize| Count { count: n, min, cap_ms: self.plan.max_bench_ms };
        if self.modes.sample {
            let iters = batch_iters(per_call, self.plan.sample_target_ms);
            result.samples =
                self.sampler.samples(&mut batch, iters, count(self.plan.samples, self.plan.min_samples))?;
            result.per_call_ns = self.sampler.per_call(&result.samples);
            result.summary = Some(stats::summarize(&result.per_call_ns));
        }
        if self.modes.latency {
            let iters = self.sampler.latency_iters(per_call);
            let values = count(self.plan.latency_batches as usize, 10);
            result.latency = Some(self.sampler.latency(&mut batch, iters, values)?);
        }
        Ok(())
    }
}

/// Payload GB/s from a per-call time of moving `bytes`.
pub fn gb_per_s(bytes: usize, per_call: &Estimate) -> Estimate {
    let rate = |ns: f64| bytes as f64 / ns.max(1e-9);
    Estimate { value: rate(per_call.value), ci95_low: rate(per_call.ci95_high), ci95_high: rate(per_call.ci95_low) }
}

/// One benchmark of a cell measured in rounds, from each process's result for it: an error in
/// any process is the benchmark's error; samples pooled across processes
/// ([`crate::rounds::pool_series`]); latency histograms merged.
pub fn combine_bench(first: &BenchResult, same: &[(&ProcessOutcome, &BenchResult)]) -> BenchResult {
    let mut out = first.clone();
    if let Some(error) = same.iter().find_map(|(_, b)| b.error.clone()) {
        out.error = Some(error);
        out.summary = None;
        out.gb_per_s = None;
        return out;
    }
    if !first.per_call_ns.is_empty() {
        let series: Vec<Series> = same
            .iter()
            .map(|(run, b)| Series {
                run,
                per_call_ns: &b.per_call_ns,
                samples: &b.samples,
                verified_calls: b.samples.iter().map(|s| s.iters).sum(),
            })
            .collect();
        let pooled = crate::rounds::pool_series(&series);
        out.gb_per_s = out.bytes.map(|bytes| gb_per_s(bytes, &pooled.estimate()));
        (out.per_call_ns, out.samples, out.summary) = (pooled.per_call_ns, pooled.samples, Some(pooled.summary));
        (out.processes, out.levels) = (pooled.processes, pooled.levels);
    }
    let records: Vec<&results::latency::LatencyRecord> = same.iter().filter_map(|(_, b)| b.latency.as_ref()).collect();
    if records.len() == same.len() && !records.is_empty() {
        match latency::merge(&records) {
            Ok(merged) => out.latency = Some(merged),
            Err(e) => out.error = Some(format!("{e:#}")),
        }
    }
    out
}

/// A benchmark timed once in its process (a compile, a load): one sample of one call, so that
/// the cell's figure and interval come from its processes' single figures.
pub fn single_shot(name: &str, ns: u64) -> BenchResult {
    let mut r = BenchResult::new(name, None, None);
    r.samples = vec![results::measurements::Sample { iters: 1, ns }];
    r.per_call_ns = vec![ns as f64];
    r.summary = Some(stats::summarize(&r.per_call_ns));
    r
}

/// Closes a benchmark: its error, if it failed, and its GB/s, if it moved bytes.
pub fn finish(mut r: BenchResult, outcome: Result<()>) -> BenchResult {
    if let Err(e) = outcome {
        r.error = Some(format!("{e:#}"));
        r.summary = None;
    }
    if let (Some(bytes), Some(s)) = (r.bytes, &r.summary) {
        r.gb_per_s = Some(gb_per_s(bytes, &s.median));
    }
    r
}

/// The guest->host cost per host call from loops of `n` and of 0 host calls.
pub fn guest_to_host(sampler: &Bench, n: i32, mut batch: impl FnMut(i32, u64) -> Result<u64>) -> BenchResult {
    let mut with_calls = BenchResult::new("guest-to-host", None, None);
    let mut without = BenchResult::new("guest-to-host", None, None);
    let outcome = sampler
        .run(&mut with_calls, |iters| batch(n, iters))
        .and_then(|_| sampler.run(&mut without, |iters| batch(0, iters)));
    let mut r = BenchResult::new("guest-to-host", None, None);
    if let Err(e) = outcome {
        return finish(r, Err(e));
    }
    if let Some(floor) = without.summary.as_ref().map(|s| s.median.value) {
        r.per_call_ns = with_calls.per_call_ns.iter().map(|v| ((v - floor) / f64::from(n)).max(0.0)).collect();
        r.samples = with_calls.samples;
        if !r.per_call_ns.is_empty() {
            r.summary = Some(stats::summarize(&r.per_call_ns));
        }
    }
    // Latency of whole `call_host(n)` guest calls, labelled as such.
    r.latency = with_calls.latency.map(|mut l| {
        l.unit = format!("{}; one call = a guest call making {n} host calls", l.unit);
        l
    });
    finish(r, Ok(()))
}

/// The outcome of a benchmark cell measured in rounds: each benchmark combined across the
/// processes that measured it ([`combine_bench`]).
pub fn combine(runs: Vec<ProcessOutcome>) -> Outcome {
    let (measured, wall_ms) = match crate::rounds::decode_all::<CallOverheadMeasurement>(&runs) {
        Ok(m) => m,
        Err(outcome) => return outcome,
    };
    let first = &measured[0].1;
    let benches = first
        .benches
        .iter()
        .map(|b| {
            let label = b.label();
            let same: Vec<(&ProcessOutcome, &BenchResult)> = measured
                .iter()
                .filter_map(|(run, m)| m.benches.iter().find(|x| x.label() == label).map(|x| (*run, x)))
                .collect();
            combine_bench(b, &same)
        })
        .collect();
    crate::rounds::done(&CallOverheadMeasurement { calibration: first.calibration, benches }, wall_ms)
}

/// A benchmark cell's outcome as a recorder takes it: its status (failed when any benchmark
/// failed), its error (the benchmarks' errors joined), the measurement, the wall time and the
/// line the run prints.
pub fn settle(outcome: Outcome) -> (CellStatus, Option<String>, Option<CallOverheadMeasurement>, u64, String) {
    let wall_ms = outcome.wall_ms();
    let (status, error, measurement) = outcome.settle::<CallOverheadMeasurement>();
    let bench_errors: Vec<String> = measurement
        .iter()
        .flat_map(|m| m.benches.iter())
        .filter_map(|b| b.error.as_ref().map(|e| format!("{}: {e}", b.label())))
        .collect();
    let status = if status == CellStatus::Ok && !bench_errors.is_empty() { CellStatus::Failed } else { status };
    let error = error.or_else(|| (!bench_errors.is_empty()).then(|| bench_errors.join("; ")));
    let text =
        verdict(status, &error, || format!("{} benchmarks", measurement.as_ref().map_or(0, |m| m.benches.len())));
    (status, error, measurement, wall_ms, text)
}

/// [`settle`] as one configuration's cell of a scenario of call benchmarks, with the verdict
/// line: the cell a component-calls or plugin-calls section keeps under its guest's name.
pub fn settle_cell(cell: &PlannedCell, outcome: Outcome) -> (results::bench_cells::BenchCell, String) {
    let (status, error, measurement, wall_ms, text) = settle(outcome);
    (results::bench_cells::BenchCell { engine: cell.subject.clone(), status, error, measurement, wall_ms }, text)
}

/// The call-overhead plan of a scenario of call benchmarks over [`PAYLOAD_SIZES`] (component
/// calls, plugin calls), and the estimate of one cell of `benches` benchmarks in all its processes.
pub fn payload_plan(run: &RunPlan, benches: u64) -> Result<(CallOverheadPlan, u64)> {
    let mut plan = run.profile.call_overhead.clone().context("the profile has no call-overhead plan")?;
    plan.data_sizes = PAYLOAD_SIZES.to_vec();
    let per = plan.warmup_ms + plan.max_bench_ms.min(plan.samples as u64 * plan.sample_target_ms * 2);
    let estimate = (PROCESS_MS + benches * per) * plan.processes.max(1) as u64;
    Ok((plan, estimate))
}

/// A planned cell of a scenario of call benchmarks, in rounds of processes when its plan has
/// several.
pub fn planned<T: Serialize>(
    scenario: &'static str,
    label: String,
    subject: &str,
    run: &RunPlan,
    estimate: u64,
    cell: &T,
    processes: usize,
) -> Result<PlannedCell> {
    let planned = PlannedCell::new(scenario, label, subject, run.options, estimate, cell)?;
    Ok(if processes > 1 { planned.in_rounds(processes, scenario.into()) } else { planned })
}

/// The terminal table of a scenario of call benchmarks: each benchmark's median per call ± the
/// half-width of its 95% interval, per configuration, and the noise line.
pub fn summary_table(view: &View, scenario: &str, title: &str) -> Vec<String> {
    if view.engines_in(scenario).is_empty() {
        return vec![];
    }
    let table = view.matrix(scenario, "time_per_call", |c| {
        format!("{} ±{}", results::format::fmt_ns(c.value), results::format::fmt_ns(c.estimate().half_width()))
    });
    vec![format!("{title}:\n{table}\n{}", view.noise(scenario, "time_per_call"))]
}

/// The core-module data benchmark (`data`, N bytes): the host writes N bytes into the
/// memory of `checksum.wasm`'s instance, calls `invert(ptr, len)` (the guest checksums and
/// inverts them in place), and reads N bytes back; the checksum is checked on every call, the
/// bytes read back after every batch (outside the clock).
pub fn core_data(
    sampler: &Bench,
    engine: &dyn Engine,
    checksum_wasm: &[u8],
    sizes: &[usize],
) -> Result<Vec<BenchResult>> {
    let module = engine.compile(checksum_wasm)?;
    let mut data = engine.instantiate(module.as_ref())?;
    let largest = sizes.iter().copied().max().unwrap_or(0);
    let reserve = data.func("reserve")?;
    let mut ptr = [Val::I32(0)];
    data.call(reserve, &[Val::I32(i32::try_from(largest).context("data size")?)], &mut ptr)?;
    let Val::I32(ptr) = ptr[0] else { bail!("reserve returned {:?}", ptr[0]) };
    let invert = data.func("invert")?;
    let mut benches = Vec::new();
    for &n in sizes {
        let (input, expected, expected_bytes) = micro::data_case(n);
        let call = DataCall { ptr: ptr as u32 as usize, input: &input, expected, expected_bytes: &expected_bytes };
        let mut r = BenchResult::new("data", None, Some(n));
        let outcome = sampler.run(&mut r, |iters| data.time_data(invert, &call, iters));
        benches.push(finish(r, outcome));
    }
    Ok(benches)
}

/// A benchmark of `n` payload bytes whose output is checked cheaply on every call (`quick`)
/// and whole after every batch (`full`, outside the clock).
pub fn payload_bench<T>(
    sampler: &Bench,
    name: &str,
    n: usize,
    call: impl FnMut() -> Result<T>,
    quick: impl Fn(&T) -> Result<()>,
    full: impl Fn(&T) -> Result<()>,
) -> BenchResult {
    let mut r = BenchResult::new(name, None, Some(n));
    let outcome = sampler.run(&mut r, checked_batch(call, quick, full));
    finish(r, outcome)
}

/// Batches of `call` whose output is checked cheaply on every call (`quick`) and whole after
/// every batch (`full`, outside the clock).
pub fn checked_batch<T>(
    mut call: impl FnMut() -> Result<T>,
    quick: impl Fn(&T) -> Result<()>,
    full: impl Fn(&T) -> Result<()>,
) -> impl FnMut(u64) -> Result<u64> {
    let mut last = None;
    move |iters| {
        let ns = time_batch(iters, || {
            let out = call()?;
            quick(&out)?;
            last = Some(out);
            Ok(())
        })?;
        match &last {
            Some(out) => full(out)?,
            None => bail!("no call was made"),
        }
        Ok(ns)
    }
}
