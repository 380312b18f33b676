//! `component-calls`: what a typed call through the canonical ABI costs on each component host,
//! per guest component of the corpus (`corpus/components/<guest>.wasm`, the `wasmgauge:plugin`
//! world): a no-op; four scalars in, one out; a string in and out and a `list<u8>` in and out,
//! 16 B to 1 MiB; a record; a variant in, a result out; a resource (constructor, method, drop;
//! and the method alone); guest->host calls of the imported `tick`; the image processor. Beside
//! the list sizes, the same transform as a core-module call on the same configuration (the host
//! writes N bytes into memory, calls `invert(ptr, len)`, reads N back: `core-invert`), and
//! beside the no-op, a core module's no-op through the typed call path (`core-noop`).
//!
//! Cold start: in every process, the component's compile and the load of its serialized artifact
//! (once each: one figure per process), a further instance and its first call.
//!
//! Every answer is checked against the native twins (`measure::component::reference`): scalar,
//! record, variant and resource answers on every call; on every call a string's length and a
//! list's checksum, and after every timed batch (outside the clock) the whole of the last
//! call's output, as call overhead checks its read-back bytes. Sampled by the one sampler, in
//! rounds of processes like call overhead; one cell per host and guest.
use crate::benches::{self, Bench, Modes, checked_batch, finish, guest_to_host};
use crate::component::reference::{self as r, Point, Shape};
use crate::component::{Call, CompiledPlugin, ComponentHost, Plugin};
use crate::engine::{CallPath, Engine, MicroCall, timed_loop};
use crate::measurement::{EngineClock, measure, time_batch};
use crate::sampler::Sampler;
use crate::scenario::{DriverCell, Outcome, PlannedCell, ProcessOutcome, RunPlan, Scenario};
use crate::subject::Subject;
use crate::summary::View;
use anyhow::{Context, Result, anyhow, bail};
use results::ids;
use results::measurements::{BenchResult, CallOverheadMeasurement};
use results::plans::{CallOverheadPlan, ProfileName};
use results::sections::component_calls::{ComponentCallsCell, ComponentCallsSection};
use results::{CellStatus, ResultsFile};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::path::PathBuf;

/// The `component-calls` scenario.
pub struct ComponentCalls;

const NAME: &str = ids::COMPONENT_CALLS;

/// Payload sizes of the string and list benchmarks, in bytes.
const SIZES: [usize; 4] = benches::PAYLOAD_SIZES;

/// A guest component measured: its corpus name (`corpus/components/<name>.wasm`) and the
/// largest payload its string and list benchmarks take.
pub struct Guest {
    /// The corpus name.
    pub name: &'static str,
    /// The largest of [`SIZES`] it is measured at: an interpreter guest's 1 MiB call takes
    /// about a second (CPython and SpiderMonkey's interpreter loop over every byte), so their
    /// sweep stops at 64 KiB.
    pub max_payload: usize,
    /// Whether the quick profile measures it on every component host, or on one only (the
    /// first baseline JIT in registry order, Winch: an interpreter guest's compile alone takes
    /// seconds, CPython being 18 MB of wasm, about 2 s on Winch where Cranelift takes about 8,
    /// and on V8's optimizing tier a minute; the first host when the run has no baseline JIT),
    /// which keeps its measuring under five minutes; the full profile measures every guest on
    /// every host.
    pub quick_everywhere: bool,
}

/// The guest components measured.
pub const GUESTS: &[Guest] = &[
    Guest { name: "plugin-rust", max_payload: 1 << 20, quick_everywhere: true },
    Guest { name: "plugin-c", max_payload: 1 << 20, quick_everywhere: false },
    Guest { name: "plugin-python", max_payload: 64 << 10, quick_everywhere: false },
    Guest { name: "plugin-js", max_payload: 64 << 10, quick_everywhere: false },
];

/// The component host the quick profile measures the guests on that it does not measure
/// everywhere: the first baseline JIT among `hosts`, else the first of them.
pub fn quick_host<'s>(hosts: &[&'s results::EngineInfo]) -> Option<&'s results::EngineInfo> {
    let baseline = |s: &&results::EngineInfo| {
        s.capabilities.as_ref().is_some_and(|c| c.execution == Some(results::ExecutionKind::BaselineJit))
    };
    hosts.iter().copied().find(baseline).or_else(|| hosts.first().copied())
}

/// The image the image processor is timed on (RGBA), and the size `resize` makes of it.
const IMAGE: (u32, u32) = (256, 256);
const RESIZED: (u32, u32) = (128, 96);

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    component: PathBuf,
    guest: String,
    checksum_wasm: PathBuf,
    empty_wasm: PathBuf,
    plan: CallOverheadPlan,
}

impl Scenario for ComponentCalls {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "typed component calls through the canonical ABI (WIT types, 16 B .. 1 MiB), beside the core-module call"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(NAME) {
            results.scenarios.component_calls = Some(ComponentCallsSection { sizes: SIZES.to_vec(), cells: vec![] });
        }
    }

    /// One cell per component host and guest, in rounds of processes.
    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        if !run.is_selected(NAME) {
            return Ok(vec![]);
        }
        let (plan, estimate) = benches::payload_plan(run, 12 + 3 * SIZES.len() as u64)?;
        let hosts: Vec<_> = run
            .subjects
            .iter()
            .copied()
            .filter(|s| s.capabilities.as_ref().is_some_and(|c| c.hosts_components()))
            .collect();
        let quick_host = quick_host(&hosts).map(|s| s.id.clone());
        let mut cells = Vec::new();
        for subject in hosts {
            let quick = run.profile.name == ProfileName::Quick;
            let here = |g: &&Guest| !quick || g.quick_everywhere || quick_host.as_ref() == Some(&subject.id);
            for guest in GUESTS.iter().filter(here) {
                let mut plan = plan.clone();
                plan.data_sizes.retain(|&n| n <= guest.max_payload);
                let processes = plan.processes;
                let cell = Cell {
                    component: run.corpus_dir.join("components").join(format!("{}.wasm", guest.name)),
                    guest: guest.name.to_string(),
                    checksum_wasm: run.corpus_dir.join("checksum.wasm"),
                    empty_wasm: run.corpus_dir.join("empty.wasm"),
                    plan,
                };
                let label = format!("{NAME} {} on {}", guest.name, subject.id);
                cells.push(benches::planned(NAME, label, &subject.id, run, estimate, &cell, processes)?);
            }
        }
        Ok(cells)
    }

    fn combine(&self, _cell: &PlannedCell, runs: Vec<ProcessOutcome>) -> Outcome {
        benches::combine(runs)
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: Cell = serde_json::from_value(cell.clone())?;
        let Subject::Wasm(engine) = ctx.subject else { bail!("a baseline hosts no components") };
        let host = engine.components().ok_or_else(|| anyhow!("{} hosts no components", engine.info().id))?;
        let read = |path: &PathBuf| std::fs::read(path).with_context(|| format!("reading {}", path.display()));
        let component = read(&cell.component)?;
        let core = CoreModules { checksum: read(&cell.checksum_wasm)?, empty: read(&cell.empty_wasm)? };
        let modes = Modes { sample: true, latency: false };
        let m = measure_host(engine.as_ref(), host, &component, &core, &cell.plan, modes)?;
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let guest = cell.cell::<Cell>().map(|c| c.guest).unwrap_or_default();
        let (bench_cell, text) = benches::settle_cell(cell, outcome);
        let status = bench_cell.status;
        let section = results.scenarios.component_calls.get_or_insert_with(Default::default);
        section.cells.push(ComponentCallsCell { component: guest, cell: bench_cell });
        (status, text)
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        let title = "Component calls: median per typed call ± half-width of its 95% interval (core-invert: the same transform as a core-module call)";
        benches::summary_table(view, NAME, title)
    }
}

/// The core modules the component calls are set beside: `checksum.wasm` (the same transform
/// as `invert`) and `empty.wasm` (a core no-op).
pub struct CoreModules {
    /// `checksum.wasm`.
    pub checksum: Vec<u8>,
    /// `empty.wasm`.
    pub empty: Vec<u8>,
}

/// Every benchmark of one guest on one component host, and the core-module calls beside them.
pub fn measure_host(
    engine: &dyn Engine,
    host: &dyn ComponentHost,
    component: &[u8],
    core: &CoreModules,
    plan: &CallOverheadPlan,
    modes: Modes,
) -> Result<CallOverheadMeasurement> {
    let (compiled, cold) = compile_then_load(engine, host, component)?;
    let mut benches = Vec::from(cold);
    let mut p: Box<dyn Plugin + '_> = compiled.instantiate()?;
    // A host in another process runs its batches in a loop of its own: calibrated there.
    let sampler = match p.far() {
        Some(far) => {
            let empty = far.prepare(&Call::Empty)?;
            Bench::with_sampler(plan, modes, Sampler::new(|iters| far.time(empty, iters)))
        }
        None => Bench::new(plan, modes),
    };

    // Cold start of a further instance: a fresh store, WASI 0.2 context and instance from the
    // compiled and linked component, dropped; and the same with its first call (`noop`).
    for (name, first_call) in [("instantiate", false), ("instantiate+first-call", true)] {
        let mut r = BenchResult::new(name, None, None);
        let outcome = match compiled.far() {
            Some(far) => sampler.run(&mut r, |iters| far.time_instances(iters, first_call)),
            None => sampler.run(&mut r, |iters| {
                time_batch(iters, || {
                    let mut p = compiled.instantiate()?;
                    if first_call { p.noop() } else { Ok(()) }
                })
            }),
        };
        benches.push(finish(r, outcome));
    }

    let mut bench = |name: &str, bytes: Option<usize>, call: Call| {
        let mut r = BenchResult::new(name, None, bytes);
        let outcome = batches(p.as_mut(), call).and_then(|mut batch| sampler.run(&mut r, &mut batch));
        finish(r, outcome)
    };

    benches.push(bench("noop", None, Call::Noop));
    let (a, b, c, d) = r::SCALARS_ARGS;
    benches.push(bench("scalars", None, Call::Scalars { args: (a, b, c, d), expected: r::scalars(a, b, c, d) }));
    for &n in &plan.data_sizes {
        let text = r::text(n);
        let expected = r::swap_case(&text);
        benches.push(bench("swap-case", Some(n), Call::SwapCase { text: &text, expected: &expected }));
    }
    for &n in &plan.data_sizes {
        let input = crate::micro::checksum_buffer(n);
        let (sum, expected) = r::invert(&input);
        benches.push(bench("invert", Some(n), Call::Invert { data: &input, sum, expected: &expected }));
    }
    let point = Point { x: 1.5, y: -2.25, label: "wasmgauge plugin".into() };
    benches.push(bench("record", None, Call::Mirror { point: &point, expected: &r::mirror(&point) }));
    let shape = Shape::Circle(2.0);
    benches.push(bench("variant-result", None, Call::Area { shape, expected: &r::area(shape) }));
    benches.push(bench("resource-lifetime", None, Call::CounterLifetime { start: 40, add: 2, expected: 42 }));

    let counter = p.counter_new(0)?;
    let mut r = BenchResult::new("resource-method", None, None);
    let outcome =
        batches(p.as_mut(), Call::CounterAdd { counter, start: 0 }).and_then(|mut b| sampler.run(&mut r, &mut b));
    benches.push(finish(r, outcome));
    p.counter_drop(counter)?;

    benches.push(guest_to_host(&sampler, plan.host_calls, |k, iters| {
        let n = u32::try_from(k)?;
        batches(p.as_mut(), Call::CallHost { n, expected: r::call_host(n) })?(iters)
    }));

    let img = r::picture(IMAGE.0, IMAGE.1);
    let gray = r::grayscale(&img);
    let resized = r::resize(&img, RESIZED.0, RESIZED.1);
    let bytes = Some(img.data.len());
    let mut bench = |name: &str, call: Call| {
        let mut r = BenchResult::new(name, None, bytes);
        let outcome = batches(p.as_mut(), call).and_then(|mut batch| sampler.run(&mut r, &mut batch));
        finish(r, outcome)
    };
    benches.push(bench("image-grayscale", Call::Grayscale { image: &img, expected: &gray }));
    benches.push(bench("image-resize", Call::Resize { image: &img, size: RESIZED, expected: &resized }));

    let mut empty = engine.instantiate(engine.compile(&core.empty)?.as_ref())?;
    let mut r = BenchResult::new("core-noop", None, None);
    let outcome = sampler.run(&mut r, |iters| empty.time_micro(MicroCall::Empty, CallPath::Typed, iters));
    benches.push(finish(r, outcome));
    for mut b in benches::core_data(&sampler, engine, &core.checksum, &plan.data_sizes)? {
        b.bench = "core-invert".into();
        benches.push(b);
    }
    Ok(CallOverheadMeasurement { calibration: sampler.sampler.calibration, benches })
}

/// A batch of `call`: timed by the host where it runs when it runs in another process
/// ([`Plugin::far`]), else here, through the typed bindings, checked as [`Call`] says.
fn batches<'a>(p: &'a mut dyn Plugin, call: Call<'a>) -> Result<Box<dyn FnMut(u64) -> Result<u64> + 'a>> {
    if p.far().is_some() {
        let far = p.far().context("a far host")?;
        let prepared = far.prepare(&call)?;
        return Ok(Box::new(move |iters| far.time(prepared, iters)));
    }
    Ok(match call {
        Call::Empty => Box::new(move |iters| timed_loop(iters, (), || Ok(()))),
        Call::Noop => Box::new(move |iters| timed_loop(iters, (), || p.noop())),
        Call::Scalars { args: (a, b, c, d), expected } => {
            Box::new(move |iters| timed_loop(iters, expected, || p.scalars(a, b, c, d)))
        }
        Call::SwapCase { text, expected } => Box::new(checked_batch(
            move || p.swap_case(black_box(text)),
            move |out| {
                if out.len() == text.len() {
                    Ok(())
                } else {
                    bail!("swap-case returned {} bytes for {}", out.len(), text.len())
                }
            },
            move |out| if out == expected { Ok(()) } else { bail!("swap-case's text differs from the native answer") },
        )),
        Call::Invert { data, sum, expected } => Box::new(checked_batch(
            move || p.invert(black_box(data)),
            move |(got, bytes)| {
                if *got != sum || bytes.len() != data.len() {
                    bail!(
                        "invert returned checksum {got} and {} bytes, the native answer is {sum} and {}",
                        bytes.len(),
                        data.len()
                    );
                }
                Ok(())
            },
            move |(_, bytes)| {
                if bytes == expected { Ok(()) } else { bail!("invert's bytes differ from the native answer") }
            },
        )),
        Call::Mirror { point, expected } => {
            Box::new(move |iters| timed_loop(iters, expected.clone(), || p.mirror(black_box(point))))
        }
        Call::Area { shape, expected } => {
            Box::new(move |iters| timed_loop(iters, expected.clone(), || p.area(black_box(shape))))
        }
        Call::CounterLifetime { start, add, expected } => Box::new(move |iters| {
            timed_loop(iters, expected, || {
                let c = p.counter_new(start)?;
                let v = p.counter_add(c, add)?;
                p.counter_drop(c)?;
                Ok(v)
            })
        }),
        Call::CounterAdd { counter, start } => {
            let mut value = start;
            Box::new(move |iters| {
                time_batch(iters, || {
                    let got = p.counter_add(counter, 1)?;
                    value += 1;
                    if got != value {
                        bail!("counter.add returned {got}, the native count is {value}");
                    }
                    Ok(())
                })
            })
        }
        Call::CallHost { n, expected } => Box::new(move |iters| timed_loop(iters, expected, || p.call_host(n))),
        Call::Grayscale { image, expected } => Box::new(checked_batch(
            move || p.grayscale(black_box(image)),
            move |out| {
                if out.data.len() == image.data.len() { Ok(()) } else { bail!("grayscale changed the image's size") }
            },
            move |out| if out == expected { Ok(()) } else { bail!("grayscale's pixels differ from the native answer") },
        )),
        Call::Resize { image, size, expected } => Box::new(checked_batch(
            move || p.resize(black_box(image), size.0, size.1),
            move |out| {
                if (out.width, out.height) == size { Ok(()) } else { bail!("resize made the wrong size") }
            },
            move |out| if out == expected { Ok(()) } else { bail!("resize's pixels differ from the native answer") },
        )),
    })
}

/// The component compiled from its bytes and linked (`compile`), then its artifact (serialized
/// outside the clock) deserialized and linked (`load`: what a host that keeps precompiled
/// components pays), once each in every process of the cell, so that their intervals are across
/// processes; the loaded one is measured from there on. The first call of a fresh instance is
/// `instantiate+first-call`. Both are timed on the configuration's clock (a host in another
/// process times them there).
fn compile_then_load<'h>(
    engine: &dyn Engine,
    host: &'h dyn ComponentHost,
    component: &[u8],
) -> Result<(Box<dyn CompiledPlugin + 'h>, [BenchResult; 2])> {
    let clock = EngineClock(engine);
    let (compiled, compile_ns) = measure(&clock, || host.compile_plugin(component));
    let artifact = compiled?.serialize()?;
    let (loaded, load_ns) = measure(&clock, || host.load_plugin(&artifact));
    let loaded = loaded.context("loading the component's artifact")?;
    Ok((loaded, [benches::single_shot("compile", compile_ns), benches::single_shot("load", load_ns)]))
}
