//! The `memory` scenario: what compiling a module and keeping instances alive costs in memory.
//!
//! Inside a worker that runs one engine: RSS/PSS before and after compiling the `mem_touch`
//! micro-module (one 64 KiB page), then K live instances (K = 1, 10, 100, 1000, cumulative),
//! measured after instantiating them and again after each touched its whole page. The slopes
//! over K separate host-side cost per instance (runtime structures, stores, reservations that
//! became resident) from guest linear memory touched. Also: artifact size against wasm size.
//! `subprocess`: the memory of one runner process serving a workload.
use crate::engines::{Engine, Instance, Val};
use crate::memstat::{self, MemUsage};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemoryPlan {
    /// Live-instance counts to measure at, ascending.
    pub instance_counts: Vec<usize>,
}

/// Memory with K instances alive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstancePoint {
    pub instances: usize,
    /// After instantiating up to K (earlier instances already touched).
    pub after_instantiate: MemUsage,
    /// After the new instances touched their page.
    pub after_touch: MemUsage,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemoryMeasurement {
    pub module: String,
    pub wasm_bytes: u64,
    /// Size of the engine's ahead-of-time artifact (none for wasmi).
    pub artifact_bytes: Option<u64>,
    pub before_compile: MemUsage,
    pub after_compile: MemUsage,
    pub points: Vec<InstancePoint>,
    /// Slope over K of resident memory added by instantiating (bytes per instance).
    pub host_bytes_per_instance: f64,
    /// Slope over K of resident memory added by touching the guest page (bytes per instance).
    pub guest_bytes_per_instance: f64,
    /// The two together.
    pub bytes_per_instance: f64,
}

/// Memory of a process-per-tenant: one `wasmgauge-runner` serving a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessMemory {
    pub workload: String,
    pub usage: MemUsage,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MemoryOutput {
    Instances(MemoryMeasurement),
    Process(ProcessMemory),
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

/// One runner child that loaded `workload`, got its input and answered once, correctly.
pub fn measure_process(workload: &str, input: &[u8], expected: u64) -> Result<ProcessMemory> {
    use crate::executor::{Executor, WorkloadCode, subprocess::SubprocessExecutor};
    let mut exec = SubprocessExecutor::default();
    exec.prepare(&WorkloadCode { name: workload, wasm: &[] }, input)?;
    let got = exec.call()?;
    if got != expected {
        bail!("wrong answer: got {got:#018x}, the native answer is {expected:#018x}");
    }
    let pid = exec.child_pid().context("runner not started")?;
    Ok(ProcessMemory { workload: workload.into(), usage: memstat::usage(Some(pid))? })
}
