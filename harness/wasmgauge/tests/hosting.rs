//! The hosting scenarios measured for real: memory per live instance and the density budget.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::measurements::MemoryOutput;
use results::{CellStatus, ResultsFile};

fn run(args: &[&str]) -> ResultsFile {
    let dir = tempfile::tempdir().unwrap();
    common::run_to(args, &dir.path().join("r.json"))
}

/// A 1-page module that touches its whole page costs at least 64 KiB per live instance on
/// every engine, and far less than one more process.
#[test]
fn an_instance_costs_its_touched_page_and_far_less_than_a_process() {
    let r = run(&["--scenarios", "memory", "--workloads", "json"]);
    let cells = &r.scenarios.memory.as_ref().unwrap().cells;
    let process = cells
        .iter()
        .find_map(|c| match &c.measurement {
            Some(MemoryOutput::Process(p)) => Some(p.usage.private_bytes as f64),
            _ => None,
        })
        .expect("subprocess memory");
    assert!(process > 512.0 * 1024.0, "a process has at least 512 KiB of its own: {process}");
    let mut engines = 0;
    for c in cells {
        assert_eq!(c.status, CellStatus::Ok, "{}: {:?}", c.engine, c.error);
        if let Some(MemoryOutput::Instances(m)) = &c.measurement {
            engines += 1;
            assert_eq!(m.points.last().unwrap().instances, 1000);
            assert!(m.bytes_per_instance >= 64.0 * 1024.0, "{}: {} B per instance", c.engine, m.bytes_per_instance);
            assert!(
                m.bytes_per_instance * 5.0 < process,
                "{}: {} B vs a process {process}",
                c.engine,
                m.bytes_per_instance
            );
        }
    }
    let subjects = wasmgauge::subjects::Subjects::default();
    let with_instances = common::quick_wasm_ids()
        .into_iter()
        .filter(|id| subjects.find(id).is_some_and(|s| s.capabilities().instances))
        .count();
    assert_eq!(engines, with_instances, "every WebAssembly configuration of the quick set with instances measured");
    assert!(common::quick_wasm_ids().len() < common::wasm_ids().len(), "the @36 line is only measured when named");
}

/// Density stops before its budget, and the driver process that filled it exits normally (an OOM kill
/// would fail the cell as "killed by signal 9").
#[test]
fn density_stays_inside_its_memory_budget() {
    let budget = 48u64 << 20;
    let r = run(&[
        "--scenarios",
        "density",
        "--workloads",
        "json",
        "--engines",
        "wasmtime-cranelift,wasmer-singlepass,wasmi-eager",
        "--memory-budget",
        "48MiB",
    ]);
    for c in &r.scenarios.density.as_ref().unwrap().cells {
        assert_eq!(c.status, CellStatus::Ok, "{}: {:?}", c.engine, c.error);
        let d = c.measurement.as_ref().unwrap();
        assert_eq!(d.memory_budget_bytes, budget);
        assert_eq!(d.stopped_by, "memory budget", "{}", c.engine);
        assert!(d.used_bytes <= budget && d.used_bytes > budget / 2, "{}: used {} of {budget}", c.engine, d.used_bytes);
        assert!(d.live_instances > 10, "{}: {}", c.engine, d.live_instances);
    }
}
