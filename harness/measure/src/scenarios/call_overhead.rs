//! Call overhead across the host/guest boundary, per engine (one driver process per engine):
//! * host->guest: `empty()` and `add4(a, b, c, d)`, through the typed and the dynamic call path;
//! * guest->host: `call_host(n)` calls the host import `wasmgauge.tick` n times; the cost of one
//!   host call is `(T(n) - T(0)) / n`;
//! * data: the host writes N bytes into guest memory, the guest checksums and inverts them in
//!   place (`invert`), the host reads the N bytes back; N is swept by the profile. Reported as
//!   ns per call and GB/s of payload (N / time; each call moves N bytes in and N back).
//!
//! `native` runs the same operations as plain function calls over a slice; `subprocess` as a
//! pipe round trip carrying the same bytes. Every call's answer is verified; read-back bytes
//! are compared after each timed batch (outside the clock). Sub-microsecond calls are timed in
//! batches long enough that the clock is under 1% of the batch; the clock and the loop's own
//! cost are calibrated and subtracted.
use crate::benches::{self, Bench, Modes, finish, guest_to_host};
use crate::engine::{CallPath, Engine, Instance, MicroCall, timed_loop};
use crate::executor::subprocess::RunnerChild;
use crate::measurement::time_batch;
use crate::micro::{self as micro_native, ADD4_ARGS};
use crate::sampler::Sampler;
use crate::scenario::{DriverCell, Outcome, PROCESS_MS, PlannedCell, ProcessOutcome, RunPlan, Scenario};
use crate::subject::Subject;
use crate::summary::View;
use anyhow::{Context, Result, anyhow, bail};
use protocol::runner::Op;
use results::format::fmt_ns;
use results::ids;
use results::measurements::{BenchResult, CallOverheadMeasurement};
use results::plans::CallOverheadPlan;
use results::{CallOverheadCell, CallOverheadSection, CellStatus, LatencyCell, ResultsFile};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::path::PathBuf;

/// The `call-overhead` scenario.
pub struct CallOverhead;

/// One engine's call-overhead cell.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    corpus_dir: PathBuf,
    plan: CallOverheadPlan,
    modes: Modes,
}

impl Scenario for CallOverhead {
    fn name(&self) -> &'static str {
        ids::CALL_OVERHEAD
    }

    fn about(&self) -> &'static str {
        "host->guest calls (typed and dynamic), guest->host calls, and data across the boundary 16 B .. 16 MiB"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.call_overhead = Some(CallOverheadSection::default());
        }
    }

    /// One cell per engine when call overhead or latency is selected: the same worker samples
    /// the benchmarks and records their latency.
    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        let modes = Modes { sample: run.is_selected(self.name()), latency: run.is_selected(ids::LATENCY) };
        if !modes.sample && !modes.latency {
            return Ok(vec![]);
        }
        let plan = run.profile.call_overhead.clone().expect("profiles define every plan");
        let benches = 5 + plan.data_sizes.len() as u64;
        let per = plan.warmup_ms
            + if modes.sample { plan.max_bench_ms.min(plan.samples as u64 * plan.sample_target_ms * 2) } else { 0 }
            + if modes.latency { plan.max_bench_ms / 2 } else { 0 };
        let cell = Cell { corpus_dir: run.corpus_dir.clone(), plan, modes };
        run.subjects
            .iter()
            .map(|s| {
                let label =
                    format!("{} on {}", if modes.sample { ids::CALL_OVERHEAD } else { "call-overhead latency" }, s.id);
                let estimate = (PROCESS_MS + benches * per) * cell.plan.processes.max(1) as u64;
                let planned = PlannedCell::new(self.name(), label, &s.id, run.options, estimate, &cell)?;
                // Every engine of one round back to back, in a shuffled order.
                Ok(if cell.plan.processes > 1 {
                    planned.in_rounds(cell.plan.processes, ids::CALL_OVERHEAD.into())
                } else {
                    planned
                })
            })
            .collect()
    }

    fn combine(&self, _cell: &PlannedCell, runs: Vec<ProcessOutcome>) -> Outcome {
        benches::combine(runs)
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: Cell = serde_json::from_value(cell.clone())?;
        let m = match ctx.subject {
            Subject::Native { .. } => measure_native(&cell.plan, cell.modes)?,
            Subject::Subprocess { .. } => measure_subprocess(&cell.plan, cell.modes)?,
            Subject::Wasm(engine) => {
                let read = |name: &str| {
                    let path = cell.corpus_dir.join(format!("{name}.wasm"));
                    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
                };
                let modules = MicroModules {
                    empty: read("empty")?,
                    add4: read("add4")?,
                    host_loop: read("host_loop")?,
                    checksum: read("checksum")?,
                };
                measure_wasm(engine.as_ref(), &modules, &cell.plan, cell.modes)?
            }
        };
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let modes = cell.cell::<Cell>().expect("planned by this scenario").modes;
        let (status, error, measurement, wall_ms, text) = benches::settle(outcome);
        let sc = &mut results.scenarios;
        if let Some(latency) = sc.latency.as_mut().filter(|_| modes.latency) {
            for b in measurement.iter().flat_map(|m| m.benches.iter()).filter(|b| b.not_applicable.is_none()) {
                latency.cells.push(LatencyCell {
                    engine: cell.subject.clone(),
                    kind: ids::CALL_OVERHEAD.into(),
                    target: b.label(),
                    size: None,
                    status: if b.latency.is_some() { CellStatus::Ok } else { CellStatus::Failed },
                    error: b.error.clone().or_else(|| error.clone()),
                    record: b.latency.clone(),
                });
            }
        }
        if let Some(section) = sc.call_overhead.as_mut().filter(|_| modes.sample) {
            section.cells.push(CallOverheadCell { engine: cell.subject.clone(), status, error, measurement, wall_ms });
        }
        (status, text)
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        if view.rows(ids::CALL_OVERHEAD, "time_per_call").is_empty() {
            return vec![];
        }
        // Engines as rows, benchmarks as columns (the transpose of the usual matrix).
        let labels = view.rows(ids::CALL_OVERHEAD, "time_per_call");
        let mut header = vec!["engine".to_string()];
        header.extend(labels.iter().cloned());
        let mut table = results::format::new_table(header);
        for engine in view.engines_in(ids::CALL_OVERHEAD) {
            let mut row = vec![comfy_table::Cell::new(&engine)];
            for label in &labels {
                let text = match (
                    view.find(ids::CALL_OVERHEAD, label, &engine, "time_per_call"),
                    view.find(ids::CALL_OVERHEAD, label, &engine, "throughput"),
                ) {
                    (Some(t), Some(g)) => format!("{}\n{:.2} GB/s", fmt_ns(t.value), g.value),
                    (Some(t), None) => format!("{} ±{}", fmt_ns(t.value), fmt_ns(t.estimate().half_width())),
                    _ => {
                        let missing = view.missing(ids::CALL_OVERHEAD, label, &engine);
                        if missing.is_empty() { "n/a".into() } else { missing }
                    }
                };
                row.push(comfy_table::Cell::new(text).set_alignment(comfy_table::CellAlignment::Right));
            }
            table.add_row(row);
        }
        vec![format!(
            "Call overhead: median per call ± half-width of its 95% interval; data = write N bytes in, guest checksums and inverts them, read N back:\n{table}\n{}",
            view.noise(ids::CALL_OVERHEAD, "time_per_call")
        )]
    }
}

/// Call overhead of a WebAssembly engine, given the micro-modules' bytes.
pub fn measure_wasm(
    engine: &dyn Engine,
    modules: &MicroModules,
    plan: &CallOverheadPlan,
    modes: Modes,
) -> Result<CallOverheadMeasurement> {
    let instance_of = |wasm: &[u8]| -> Result<Box<dyn Instance>> {
        let module = engine.compile(wasm)?;
        engine.instantiate(module.as_ref())
    };
    let mut empty = instance_of(&modules.empty)?;
    // An instance whose batches run in another process has its loop calibrated there.
    let sampler = Bench::with_sampler(plan, modes, Sampler::for_instance(empty.as_mut()));
    let mut benches = Vec::new();
    let add4 = MicroCall::Add4 { args: ADD4_ARGS, expected: micro_native::add4(7, -3, 11, 0x55) };
    let mut add4_instance = instance_of(&modules.add4)?;
    for (instance, call) in [(&mut empty, MicroCall::Empty), (&mut add4_instance, add4)] {
        for path in [CallPath::Typed, CallPath::Dynamic] {
            let mut r = BenchResult::new(call.export(), Some(path), None);
            let outcome = sampler.run(&mut r, |iters| instance.time_micro(call, path, iters));
            benches.push(finish(r, outcome));
        }
    }
    let mut host = instance_of(&modules.host_loop)?;
    benches.push(guest_to_host(&sampler, plan.host_calls, |n, iters| {
        host.time_micro(MicroCall::HostLoop { n, expected: micro_native::host_loop(n) }, CallPath::Typed, iters)
    }));

    benches.extend(benches::core_data(&sampler, engine, &modules.checksum, &plan.data_sizes)?);
    Ok(CallOverheadMeasurement { calibration: sampler.sampler.calibration, benches })
}

/// The micro-modules' bytes the wasm engines need.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct MicroModules {
    /// `empty.wasm`.
    pub empty: Vec<u8>,
    /// `add4.wasm`.
    pub add4: Vec<u8>,
    /// `host_loop.wasm`.
    pub host_loop: Vec<u8>,
    /// `checksum.wasm`.
    pub checksum: Vec<u8>,
}

#[inline(never)]
fn native_empty() {}

/// The native twin of `call_host`, calling the host function through a pointer the optimizer
/// cannot see through (as a guest calls an import).
#[inline(never)]
fn native_host_loop(n: i32, tick: fn(i32) -> i32) -> i32 {
    (0..n).fold(0i32, |acc, i| acc.wrapping_add(tick(black_box(i))))
}

/// Call overhead of the `native` baseline: plain function calls over the same values and bytes.
pub fn measure_native(plan: &CallOverheadPlan, modes: Modes) -> Result<CallOverheadMeasurement> {
    let sampler = Bench::new(plan, modes);
    let mut benches = Vec::new();
    let empty: fn() = black_box(native_empty);
    let mut r = BenchResult::new("empty", Some(CallPath::Typed), None);
    let outcome = sampler.run(&mut r, |iters| {
        timed_loop(iters, (), || {
            empty();
            Ok(())
        })
    });
    benches.push(finish(r, outcome));
    let add4: fn(i64, i64, i64, i64) -> i64 = black_box(micro_native::add4);
    let expected = micro_native::add4(7, -3, 11, 0x55);
    let mut r = BenchResult::new("add4", Some(CallPath::Typed), None);
    let outcome = sampler.run(&mut r, |iters| {
        timed_loop(iters, expected, || {
            let [a, b, c, d] = black_box(ADD4_ARGS);
            Ok(add4(a, b, c, d))
        })
    });
    benches.push(finish(r, outcome));
    let tick: fn(i32) -> i32 = black_box(crate::host::tick);
    benches.push(guest_to_host(&sampler, plan.host_calls, |n, iters| {
        timed_loop(iters, micro_native::host_loop(n), || Ok(native_host_loop(black_box(n), tick)))
    }));
    let largest = plan.data_sizes.iter().copied().max().unwrap_or(0);
    let mut memory = vec![0u8; largest];
    for &n in &plan.data_sizes {
        let (input, expected, expected_bytes) = micro_native::data_case(n);
        let mut back = vec![0u8; n];
        let invert: fn(&mut [u8]) -> i64 = black_box(micro_native::invert);
        let mut r = BenchResult::new("data", None, Some(n));
        let outcome = sampler.run(&mut r, |iters| {
            let ns = time_batch(iters, || {
                memory[..n].copy_from_slice(black_box(&input));
                if invert(&mut memory[..n]) != expected {
                    bail!("wrong answer from the native invert");
                }
                back.copy_from_slice(&memory[..n]);
                Ok(())
            })?;
            if back != expected_bytes {
                bail!("the bytes read back differ from the native answer");
            }
            Ok(ns)
        });
        benches.push(finish(r, outcome));
    }
    Ok(CallOverheadMeasurement { calibration: sampler.sampler.calibration, benches })
}

/// Call overhead of the `subprocess` baseline: one pipe round trip per call, same bytes.
pub fn measure_subprocess(plan: &CallOverheadPlan, modes: Modes) -> Result<CallOverheadMeasurement> {
    let sampler = Bench::new(plan, modes);
    let mut child = RunnerChild::spawn()?;
    let mut benches = Vec::new();
    let mut r = BenchResult::new("empty", Some(CallPath::Typed), None);
    let outcome = sampler.run(&mut r, |iters| timed_loop(iters, 0usize, || Ok(child.request(Op::Ping, &[])?.len())));
    benches.push(finish(r, outcome));
    let payload: Vec<u8> = ADD4_ARGS.iter().flat_map(|v| v.to_le_bytes()).collect();
    let expected = micro_native::add4(7, -3, 11, 0x55).to_le_bytes().to_vec();
    let mut r = BenchResult::new("add4", Some(CallPath::Typed), None);
    let outcome = sampler
        .run(&mut r, |iters| timed_loop(iters, expected.clone(), || child.request(Op::Add4, black_box(&payload))));
    benches.push(finish(r, outcome));
    let mut r = BenchResult::new("guest-to-host", None, None);
    r.not_applicable = Some(
        "a child process has no host imports: each call back to the host is another pipe round trip (see empty)".into(),
    );
    benches.push(r);
    for &n in &plan.data_sizes {
        let (input, expected, expected_bytes) = micro_native::data_case(n);
        let mut back = Vec::new();
        let mut r = BenchResult::new("data", None, Some(n));
        let outcome = sampler.run(&mut r, |iters| {
            let ns = time_batch(iters, || {
                back = child.request(Op::Invert, black_box(&input))?;
                let sum = i64::from_le_bytes(back.get(..8).ok_or_else(|| anyhow!("short reply"))?.try_into()?);
                if sum != expected {
                    bail!("wrong answer from the runner: {sum}, the native answer is {expected}");
                }
                Ok(())
            })?;
            if back[8..] != expected_bytes[..] {
                bail!("the bytes sent back differ from the native answer");
            }
            Ok(ns)
        });
        benches.push(finish(r, outcome));
    }
    Ok(CallOverheadMeasurement { calibration: sampler.sampler.calibration, benches })
}
