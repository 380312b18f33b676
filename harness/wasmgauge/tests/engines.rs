//! Every workload against its native answer on every engine configuration, end to end: the
//! `wasmgauge` binary plans throughput cells and each driver verifies every call against the
//! answer the corpus manifest holds (worked out by the native kernels). The adapters' own checks
//! (micro-modules, artifacts, traps, call paths, the spec runner) run in each driver's tests.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::CellStatus;
use results::manifest::ModuleKind;

/// The manifest's answers are the native kernels' answers, for every input of every workload.
#[test]
fn manifest_answers_are_the_native_answers() {
    let corpus = common::corpus();
    let mut checked = 0;
    for module in corpus.manifest.modules.iter().filter(|m| m.kind == ModuleKind::RustWorkload) {
        let w = wg_workloads::rust_workload(&module.name).unwrap();
        for entry in &module.inputs {
            let input = w.input_for(entry.size);
            let want = results::manifest::parse_checksum(&entry.expected_checksum).unwrap();
            assert_eq!(want, w.run_native(&input), "{} ({})", module.name, entry.size.name());
            checked += 1;
        }
    }
    assert_eq!(checked, 2 * wg_workloads::RUST_WORKLOADS.len());
}

/// Every Rust workload's wasm output equals native on every engine configuration (small inputs),
/// and the two baselines give the same answer through the same interface: every throughput cell
/// of a short run is measured, and every call it made was verified.
#[test]
fn every_workload_matches_native_on_every_engine() {
    let dir = tempfile::tempdir().unwrap();
    let r = common::run_to(&["--scenarios", "throughput", "--time-budget", "100"], &dir.path().join("t.json"));
    let cells = &r.scenarios.throughput.as_ref().unwrap().cells;
    // Every engine but a plugin kit (Extism takes part in plugin-calls only).
    let measured = r.engines.iter().filter(|e| e.capabilities.as_ref().unwrap().takes_part_in("throughput")).count();
    assert_eq!(cells.len(), wg_workloads::RUST_WORKLOADS.len() * measured);
    for c in cells {
        assert_eq!(c.status, CellStatus::Ok, "{} on {}: {:?}", c.workload, c.engine, c.error);
        assert!(c.measurement.as_ref().unwrap().verified_calls > 0);
    }
}

/// Large inputs too, on a compiled and an interpreted engine (a 32-bit overflow in a guest
/// shows up only at large sizes).
#[test]
fn large_inputs_match_native() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "--scenarios",
        "throughput",
        "--sizes",
        "large",
        "--engines",
        "wasmtime-winch,wasmi-lazy",
        "--time-budget",
        "60",
    ];
    let r = common::run_to(&args, &dir.path().join("t.json"));
    for c in &r.scenarios.throughput.as_ref().unwrap().cells {
        assert_eq!(c.status, CellStatus::Ok, "{} (large) on {}: {:?}", c.workload, c.engine, c.error);
    }
}
