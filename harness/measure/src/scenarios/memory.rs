//! The `memory` scenario: what compiling a module and keeping instances alive costs in memory.
//!
//! Inside a driver that runs one engine: RSS/PSS before and after compiling the `mem_touch`
//! micro-module (one 64 KiB page), then K live instances (K = 1, 10, 100, 1000, cumulative),
//! measured after instantiating them and again after each touched its whole page. The slopes
//! over K separate host-side cost per instance (runtime structures, stores, reservations that
//! became resident) from guest linear memory touched. Also: artifact size against wasm size.
//! `subprocess`: the memory of one runner process serving a workload.
use crate::engine::{Engine, Instance, Val};
use crate::memstat;
use crate::scenario::{DriverCell, HostCell, Outcome, PlannedCell, RunPlan, Scenario, record_engine_cell};
use crate::subject::Subject;
use crate::summary::View;
use anyhow::{Context, Result, bail};
use results::format::{fmt_bytes, new_table};
use results::ids;
use results::measurements::{InstancePoint, MemoryMeasurement, MemoryOutput};
use results::plans::MemoryPlan;
use results::{CellStatus, MemorySection, ResultsFile, SubjectKind};

/// The `memory` scenario.
pub struct Memory;

impl Scenario for Memory {
    fn name(&self) -> &'static str {
        ids::MEMORY
    }

    fn about(&self) -> &'static str {
        "bytes per live instance (host side and guest memory touched), compile memory, artifact size"
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(self.name()) {
            results.scenarios.memory = Some(MemorySection::default());
        }
    }

    /// Subjects that hold instances, and the subprocess baseline (a process per tenant);
    /// native code has nothing to count.
    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        HostCell::plan_all(self.name(), run, run.profile.memory.as_ref(), 1_500, |c, p| {
            (c.instances || c.kind == SubjectKind::Subprocess).then(|| p.clone())
        })
    }

    fn measure(&self, ctx: &DriverCell, cell: &serde_json::Value) -> Result<serde_json::Value> {
        let cell: HostCell<MemoryPlan> = serde_json::from_value(cell.clone())?;
        let out = match ctx.subject {
            Subject::Native { .. } => bail!("not applicable: native code has no instances"),
            Subject::Subprocess { .. } => {
                let (_, input) = cell.workload.inputs()?;
                MemoryOutput::Process(crate::memstat::serving_process(
                    &cell.workload.workload,
                    &input,
                    cell.workload.expected()?,
                )?)
            }
            Subject::Wasm(engine) => {
                let path = cell.corpus_dir.join("mem_touch.wasm");
                let wasm = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                MemoryOutput::Instances(measure_wasm(engine.as_ref(), &wasm, &cell.plan)?)
            }
        };
        Ok(serde_json::to_value(out)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let section = &mut results.scenarios.memory.get_or_insert_with(MemorySection::default).cells;
        record_engine_cell(section, cell, outcome, |m: &MemoryOutput| match m {
            MemoryOutput::Instances(x) => format!("{} per instance", fmt_bytes(x.bytes_per_instance)),
            MemoryOutput::Process(p) => format!("process RSS {}", fmt_bytes(p.usage.rss_bytes as f64)),
        })
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        let engines = view.engines_in(ids::MEMORY);
        if engines.is_empty() {
            return vec![];
        }
        let mut t =
            new_table(vec!["engine".into(), "memory per live instance (host + guest)".into(), "compile".into()]);
        for e in engines {
            let get = |m: &str| view.cells.iter().find(|c| c.scenario == ids::MEMORY && c.engine == e && c.metric == m);
            let per = match (get("bytes_per_instance"), get("process_private_bytes")) {
                (Some(b), _) => format!(
                    "{} (host {} + guest {})",
                    fmt_bytes(b.value),
                    get("host_bytes_per_instance").map_or("-".into(), |c| fmt_bytes(c.value)),
                    get("guest_bytes_per_instance").map_or("-".into(), |c| fmt_bytes(c.value))
                ),
                (None, Some(p)) => format!("process: {} private", fmt_bytes(p.value)),
                _ => view.missing(ids::MEMORY, "mem_touch", &e),
            };
            let compile = get("compile_rss_bytes").map_or(String::new(), |c| fmt_bytes(c.value));
            t.add_row(vec![e, per, compile]);
        }
        vec![format!("Memory per live instance (mem_touch, its 64 KiB page touched):\n{t}")]
    }
}

/// Pages `touch` writes (16 x 4 KiB = the whole 64 KiB page).
pub const TOUCH_PAGES: i32 = 16;

fn touch(instance: &mut dyn Instance) -> Result<()> {
    let f = instance.func("touch")?;
    let mut out = [Val::I32(0)];
    instance.call(f, &[], &mut out)?;
    if out[0] != Val::I32(TOUCH_PAGES) {
        bail!("touch returned {:?}, expected {TOUCH_PAGES} pages", out[0]);
    }
    Ok(())
}

/// Memory of a WebAssembly configuration: before and after compiling, then at each K of live
/// instances.
pub fn measure_wasm(engine: &dyn Engine, wasm: &[u8], plan: &MemoryPlan) -> Result<MemoryMeasurement> {
    let before_compile = memstat::usage(None)?;
    let module = engine.compile(wasm).context("compiling mem_touch")?;
    let after_compile = memstat::usage(None)?;
    let artifact_bytes = engine.serialize(module.as_ref())?.map(|a| a.len() as u64);
    let mut live: Vec<Box<dyn Instance>> = Vec::new();
    let mut points = Vec::new();
    let mut counts = plan.instance_counts.clone();
    counts.sort_unstable();
    for k in counts {
        let first_new = live.len();
        while live.len() < k {
            let n = live.len();
            live.push(engine.instantiate(module.as_ref()).with_context(|| format!("instance {}", n + 1))?);
        }
        let after_instantiate = memstat::usage(None)?;
        for inst in &mut live[first_new..] {
            touch(inst.as_mut())?;
        }
        let after_touch = memstat::usage(None)?;
        points.push(InstancePoint { instances: k, after_instantiate, after_touch });
    }
    // Cumulative host and guest growth at each K, then least-squares slopes over K.
    let (mut host, mut guest) = (Vec::new(), Vec::new());
    let (mut host_sum, mut guest_sum) = (0.0, 0.0);
    let mut prev_touch = after_compile.rss_bytes as f64;
    for p in &points {
        host_sum += p.after_instantiate.rss_bytes as f64 - prev_touch;
        guest_sum += p.after_touch.rss_bytes as f64 - p.after_instantiate.rss_bytes as f64;
        prev_touch = p.after_touch.rss_bytes as f64;
        host.push((p.instances as f64, host_sum));
        guest.push((p.instances as f64, guest_sum));
    }
    let host_bytes_per_instance = memstat::slope(&host);
    let guest_bytes_per_instance = memstat::slope(&guest);
    drop(live);
    Ok(MemoryMeasurement {
        module: "mem_touch".into(),
        wasm_bytes: wasm.len() as u64,
        artifact_bytes,
        before_compile,
        after_compile,
        points,
        host_bytes_per_instance,
        guest_bytes_per_instance,
        bytes_per_instance: host_bytes_per_instance + guest_bytes_per_instance,
    })
}
