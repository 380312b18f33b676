//! `plugin-calls`: what a plugin kit's call costs (Extism: bytes in, bytes out), per plugin of
//! the corpus (`corpus/plugins/<name>.wasm`): the kit's one-call constructor with its
//! compilation cache disabled and with it warm (`plugin-new`, `plugin-new-cached`), an instance
//! of a compiled plugin and its first call, a no-op, `invert` over component calls' payload
//! sizes (the third way beside the core-module call and the component call), and calls from
//! the plugin to the host's `tick` (`guest-to-host`).
//!
//! Every answer is checked against the native twins (`measure::component::reference`): on
//! every call the output's length and checksum, after every timed batch (outside the clock) the
//! whole of the last output. Sampled by the one sampler, in rounds of processes like component
//! calls; one cell per kit and plugin.
use crate::benches::{self, Bench, Modes, PAYLOAD_SIZES, finish, guest_to_host, payload_bench};
use crate::component::reference as r;
use crate::engine::timed_loop;
use crate::measurement::time_batch;
use crate::plugin_kit::PluginKit;
use crate::scenario::{DriverCell, Outcome, PlannedCell, ProcessOutcome, RunPlan, Scenario};
use crate::subject::Subject;
use crate::summary::View;
use anyhow::{Context, Result, anyhow, bail};
use results::ids;
use results::measurements::{BenchResult, CallOverheadMeasurement};
use results::plans::CallOverheadPlan;
use results::sections::plugin_calls::{PluginCallsCell, PluginCallsSection};
use results::{CellStatus, ResultsFile};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::path::{Path, PathBuf};

/// The `plugin-calls` scenario.
pub struct PluginCalls;

const NAME: &str = ids::PLUGIN_CALLS;

/// The plugins measured (`corpus/plugins/<name>.wasm`).
pub const PLUGINS: &[&str] = &["plugin-extism"];

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    plugin: PathBuf,
    name: String,
    plan: CallOverheadPlan,
    /// The kit's compilation cache for `plugin-new-cached`, shared by the cell's processes.
    cache: PathBuf,
}

impl Scenario for PluginCalls {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "plugin-kit calls (Extism: bytes in, bytes out, 16 B .. 1 MiB), its cold start with and without its cache, host calls"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(NAME) {
            results.scenarios.plugin_calls = Some(PluginCallsSection { sizes: PAYLOAD_SIZES.to_vec(), cells: vec![] });
        }
    }

    /// One cell per plugin kit and plugin, in rounds of processes.
    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        if !run.is_selected(NAME) {
            return Ok(vec![]);
        }
        let (plan, estimate) = benches::payload_plan(run, 7 + PAYLOAD_SIZES.len() as u64)?;
        let kits = run.subjects.iter().filter(|s| s.capabilities.as_ref().is_some_and(|c| c.hosts_plugins()));
        let mut cells = Vec::new();
        for subject in kits {
            for name in PLUGINS {
                let cache = format!("{NAME}-{}-{name}.cache", subject.id).replace([' ', '(', ')'], "_");
                let cell = Cell {
                    plugin: run.corpus_dir.join("plugins").join(format!("{name}.wasm")),
                    name: name.to_string(),
                    plan: plan.clone(),
                    cache: run.scratch.join(cache),
                };
                let label = format!("{NAME} {name} on {}", subject.id);
                cells.push(benches::planned(NAME, label, &subject.id, run, estimate, &cell, plan.processes)?);
            }
        }
        Ok(cells)
    }

    fn combine(&self, _cell: &PlannedCell, runs: Vec<ProcessOutcome>) -> Outcome {
        benches::combine(runs)
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: Cell = serde_json::from_value(cell.clone())?;
        let Subject::Wasm(engine) = ctx.subject else { bail!("a baseline is no plugin kit") };
        let kit = engine.plugin_kit().ok_or_else(|| anyhow!("{} is no plugin kit", engine.info().id))?;
        let wasm = std::fs::read(&cell.plugin).with_context(|| format!("reading {}", cell.plugin.display()))?;
        let modes = Modes { sample: true, latency: false };
        let m = measure_kit(kit, &wasm, &cell.cache, &cell.plan, modes)?;
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let plugin = cell.cell::<Cell>().map(|c| c.name).unwrap_or_default();
        let (bench_cell, text) = benches::settle_cell(cell, outcome);
        let status = bench_cell.status;
        let section = results.scenarios.plugin_calls.get_or_insert_with(Default::default);
        section.cells.push(PluginCallsCell { plugin, cell: bench_cell });
        (status, text)
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        benches::summary_table(
            view,
            NAME,
            "Plugin calls: median per call ± half-width of its 95% interval (bytes in, bytes out)",
        )
    }
}

/// `invert`'s output as the plugin returns it: the inverted bytes, then the checksum (8 bytes
/// little-endian).
fn split_invert(out: &[u8]) -> Result<(&[u8], i64)> {
    let Some((bytes, sum)) = out.split_last_chunk::<8>() else { bail!("invert returned {} bytes", out.len()) };
    Ok((bytes, i64::from_le_bytes(*sum)))
}

/// Every benchmark of one plugin on one kit.
pub fn measure_kit(
    kit: &dyn PluginKit,
    wasm: &[u8],
    cache: &Path,
    plan: &CallOverheadPlan,
    modes: Modes,
) -> Result<CallOverheadMeasurement> {
    let sampler = Bench::new(plan, modes);
    let mut benches = Vec::new();
    let simple = |name: &str| BenchResult::new(name, None, None);

    // The one-call constructor, cache disabled: compile, link, instantiate.
    let mut r = simple("plugin-new");
    let outcome = sampler.run(&mut r, |iters| time_batch(iters, || kit.new_plugin(wasm, None).map(drop)));
    benches.push(finish(r, outcome));
    // The same through the kit's compilation cache, filled before the clock starts.
    std::fs::create_dir_all(cache).with_context(|| format!("creating {}", cache.display()))?;
    kit.new_plugin(wasm, Some(cache)).context("filling the plugin kit's compilation cache")?;
    let mut r = simple("plugin-new-cached");
    let outcome = sampler.run(&mut r, |iters| time_batch(iters, || kit.new_plugin(wasm, Some(cache)).map(drop)));
    benches.push(finish(r, outcome));

    let compiled = kit.compile(wasm)?;
    let empty = |out: Vec<u8>| if out.is_empty() { Ok(()) } else { bail!("noop returned {} bytes", out.len()) };
    let mut r = simple("instantiate");
    let outcome = sampler.run(&mut r, |iters| time_batch(iters, || compiled.instantiate().map(drop)));
    benches.push(finish(r, outcome));
    let mut r = simple("instantiate+first-call");
    let outcome = sampler.run(&mut r, |iters| time_batch(iters, || empty(compiled.instantiate()?.call("noop", &[])?)));
    benches.push(finish(r, outcome));

    let mut p = compiled.instantiate()?;
    let mut r = simple("noop");
    let outcome = sampler.run(&mut r, |iters| time_batch(iters, || empty(p.call("noop", black_box(&[]))?)));
    benches.push(finish(r, outcome));

    for &n in &plan.data_sizes {
        let input = crate::micro::checksum_buffer(n);
        let (sum, expected) = r::invert(&input);
        benches.push(payload_bench(
            &sampler,
            "invert",
            n,
            || p.call("invert", black_box(&input)),
            |out| {
                let (bytes, got) = split_invert(out)?;
                if got != sum || bytes.len() != n {
                    bail!(
                        "invert returned checksum {got} and {} bytes, the native answer is {sum} and {n}",
                        bytes.len()
                    );
                }
                Ok(())
            },
            |out| {
                if split_invert(out)?.0 == expected {
                    Ok(())
                } else {
                    bail!("invert's bytes differ from the native answer")
                }
            },
        ));
    }

    benches.push(guest_to_host(&sampler, plan.host_calls, |k, iters| {
        let k = u32::try_from(k)?;
        let input = k.to_le_bytes();
        timed_loop(iters, r::call_host(k), || {
            let out = p.call("call_host", black_box(&input))?;
            let sum: [u8; 8] =
                out.as_slice().try_into().map_err(|_| anyhow!("call_host returned {} bytes", out.len()))?;
            Ok(u64::from_le_bytes(sum))
        })
    }));
    Ok(CallOverheadMeasurement { calibration: sampler.sampler.calibration, benches })
}
