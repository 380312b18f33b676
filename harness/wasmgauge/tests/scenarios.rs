//! The scenarios end to end: every scenario on every engine configuration, a scenario added
//! through the registry alone (`engine-create`, recorded into a generic section), and reading
//! results written by the foundation (schema 1). The measurement primitives (linearity, a cell
//! slowed on purpose) are checked inside the drivers (`measure::testkit`).
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::{CellStatus, ResultsFile};
use std::process::Command;

/// Tests of this binary that time things or load both cores take turns, so no timing is taken
/// while another test of ours competes for the CPU.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Every scenario runs on every engine configuration, reduced to one workload and a time budget.
#[test]
fn every_scenario_runs_on_every_engine() {
    let _turn = exclusive();
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all.json");
    // Named, so the quick profile measures the second version line too (not stitch: it is
    // measured only when named for a known crash, which `stitch_crashes_fail_its_cells_only` shows).
    let subjects = wasmgauge::subjects::Subjects::default();
    let named: Vec<String> = subjects.all().iter().filter(|s| s.only_when_named.is_none()).map(|s| s.id()).collect();
    let all = named.join(",");
    let output = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--workloads", "fib", "--engines", &all, "--time-budget", "200", "--memory-budget", "96MiB"])
        .arg("--corpus")
        .arg(&corpus.dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{}\n{stderr}", String::from_utf8_lossy(&output.stdout));
    let r = ResultsFile::load(&out).unwrap();
    assert_eq!(r.schema_version, results::SCHEMA_VERSION);
    let ids: Vec<String> = r.engines.iter().map(|e| e.id.clone()).collect();
    assert_eq!(ids, named);
    let s = &r.scenarios;
    for id in &ids {
        let ok = |status: CellStatus| status == CellStatus::Ok;
        let caps = r.engine(id).unwrap().capabilities.clone().unwrap();
        // Plugin calls: a cell per plugin kit (Extism), every benchmark verified; a kit takes
        // part in nothing else.
        let plugins: Vec<_> = s.plugin_calls.as_ref().unwrap().cells.iter().filter(|c| c.cell.engine == *id).collect();
        if caps.hosts_plugins() {
            assert_eq!(plugins.iter().map(|c| c.plugin.as_str()).collect::<Vec<_>>(), ["plugin-extism"], "{id}");
            let c = &plugins[0].cell;
            assert!(ok(c.status), "plugin-calls {id}: {:?}", c.error);
            let benches = &c.measurement.as_ref().unwrap().benches;
            for name in
                ["plugin-new", "plugin-new-cached", "instantiate", "instantiate+first-call", "noop", "guest-to-host"]
            {
                assert!(benches.iter().any(|b| b.bench == name && b.summary.is_some()), "{id}: {name}");
            }
            let sizes: Vec<_> = benches.iter().filter(|b| b.bench == "invert" && b.summary.is_some()).collect();
            assert_eq!(sizes.len(), 4, "{id}: invert at every payload size");
            assert!(s.throughput.as_ref().unwrap().cells.iter().all(|c| c.engine != *id), "{id}");
            assert!(s.component_calls.as_ref().unwrap().cells.iter().all(|c| c.cell.engine != *id), "{id}");
            continue;
        }
        assert!(plugins.is_empty(), "{id} is no plugin kit");
        let t = s.throughput.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
        assert!(ok(t.status) && t.measurement.as_ref().unwrap().summary.is_some(), "throughput {id}: {:?}", t.error);
        assert!(t.ratio_to_native.is_some(), "ratio {id}");
        // Component calls: a cell per component host, every benchmark verified; none elsewhere.
        let components: Vec<_> =
            s.component_calls.as_ref().unwrap().cells.iter().filter(|c| c.cell.engine == *id).collect();
        if caps.hosts_components() {
            // The quick profile measures the C, Python and JavaScript guests on one component
            // host only: the first baseline JIT (Winch).
            let hosts: Vec<_> =
                r.engines.iter().filter(|e| e.capabilities.as_ref().is_some_and(|c| c.hosts_components())).collect();
            let quick_host = measure::scenarios::component_calls::quick_host(&hosts).unwrap();
            assert!(quick_host.id.starts_with("wasmtime-winch"), "{}", quick_host.id);
            let guests: Vec<&str> = components.iter().map(|c| c.component.as_str()).collect();
            let expected: &[&str] = if quick_host.id == *id {
                &["plugin-rust", "plugin-c", "plugin-python", "plugin-js"]
            } else {
                &["plugin-rust"]
            };
            assert_eq!(guests, expected, "component-calls {id}");
            for c in &components {
                let c = &c.cell;
                assert!(ok(c.status), "component-calls {id}: {:?}", c.error);
                let benches = &c.measurement.as_ref().unwrap().benches;
                for name in [
                    "compile",
                    "load",
                    "instantiate",
                    "instantiate+first-call",
                    "noop",
                    "scalars",
                    "swap-case",
                    "invert",
                    "record",
                    "variant-result",
                    "resource-method",
                    "image-grayscale",
                    "core-invert",
                ] {
                    assert!(benches.iter().any(|b| b.bench == name && b.summary.is_some()), "{id}: {name}");
                }
                // Compile and load: one figure from each of the cell's processes, the interval across them.
                for name in ["compile", "load"] {
                    let b = benches.iter().find(|b| b.bench == name).unwrap();
                    assert_eq!(b.processes.len(), 3, "{id} {}: {name} in every process", c.engine);
                    assert!(b.per_call_ns.len() == 3 && b.levels.is_some(), "{id}: {name}");
                }
            }
        } else {
            assert!(components.is_empty(), "{id} hosts no components");
        }
        if !caps.takes_part_in("concurrency") {
            // V8 sits concurrency out (one JavaScript thread in its Node.js): no cell planned.
            assert!(s.concurrency.as_ref().unwrap().cells.iter().all(|c| c.engine != *id), "{id}");
        }
        let lat = &s.latency.as_ref().unwrap().cells;
        assert!(lat.iter().any(|c| c.engine == *id && c.kind == "workload" && c.record.is_some()), "latency {id}");
        assert!(
            lat.iter().any(|c| c.engine == *id && c.kind == "call-overhead" && c.record.is_some()),
            "call latency {id}"
        );
        let cold = s.cold_start.as_ref().unwrap();
        let c = cold.cells.iter().find(|c| c.engine == *id).unwrap();
        assert!(ok(c.status), "cold start {id}: {:?}", c.error);
        let p = cold.process.iter().find(|c| c.engine == *id).unwrap();
        assert!(ok(p.status) && p.summary.is_some(), "process start {id}: {:?}", p.error);
        let co = s.call_overhead.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
        assert!(ok(co.status), "call overhead {id}: {:?}", co.error);
        let benches = &co.measurement.as_ref().unwrap().benches;
        assert!(benches.iter().any(|b| b.bench == "empty" && b.summary.is_some()), "empty call on {id}");
        assert!(
            benches.iter().filter(|b| b.bench == "data" && b.gb_per_s.is_some()).count() >= 2,
            "data sweep on {id}"
        );
    }
    // The hosting scenarios: memory and density on everything with instances or processes,
    // concurrency everywhere, sandbox tax on every configuration that has limits.
    for id in &ids {
        let ok = |status: CellStatus, error: &Option<String>, what: &str| {
            assert_eq!(status, CellStatus::Ok, "{what} on {id}: {error:?}");
        };
        let caps = r.engine(id).unwrap().capabilities.clone().unwrap();
        if !caps.takes_part_in("concurrency") {
            continue;
        }
        if caps.instances || caps.kind == results::SubjectKind::Subprocess {
            let m = s.memory.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
            ok(m.status, &m.error, "memory");
            let d = s.density.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
            ok(d.status, &d.error, "density");
            assert!(d.measurement.as_ref().unwrap().instantiate_per_s_one_thread > 0.0);
        }
        let c = s.concurrency.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
        ok(c.status, &c.error, "concurrency");
        let points = &c.measurement.as_ref().unwrap().points;
        let levels: Vec<usize> = points.iter().map(|p| p.threads).collect();
        // The machine's levels (1, 2, 4, ... every core, twice that); one thread for a
        // single-threaded runtime.
        let expected = if caps.threads { r.profile.concurrency.as_ref().unwrap().threads.clone() } else { vec![1] };
        assert_eq!(levels, expected, "concurrency levels on {id}");
        assert!(points.iter().all(|p| p.requests > 0), "concurrency on {id}");
        for limit in caps.limits.each() {
            let t = s.sandbox_tax.as_ref().unwrap().cells.iter().find(|c| c.engine == *id && c.limit == limit.label());
            let t = t.unwrap_or_else(|| panic!("no {} tax cell on {id}", limit.label()));
            ok(t.status, &t.error, "sandbox tax");
            let ratio = t.measurement.as_ref().unwrap().ratio.value;
            assert!(ratio > 0.5 && ratio < 20.0, "{} tax on {id}: {ratio}", t.limit);
        }
    }
    let throughput = |id: &&String| r.engine(id).unwrap().capabilities.as_ref().unwrap().takes_part_in("throughput");
    let geomeans = &s.throughput.as_ref().unwrap().engine_geomeans;
    assert_eq!(geomeans.len(), ids.iter().filter(throughput).count());
    // The virtual best: every WebAssembly configuration against the fastest, the baselines not.
    let best = &s.throughput.as_ref().unwrap().virtual_best;
    let wasm = ids
        .iter()
        .filter(throughput)
        .filter(|id| r.engine(id).unwrap().capabilities.as_ref().unwrap().is_wasm())
        .count();
    assert_eq!(best.len(), wasm, "{best:?}");
    assert!(best.iter().all(|g| g.ratio.value >= 1.0 - 1e-9), "{best:?}");
    let levels = results::plans::scaling_levels(results::plans::machine_cores());
    assert_eq!(r.profile.concurrency.as_ref().unwrap().threads, levels);
    // V8's cold start is timed inside Node, and every repetition compiles: no compile is a hit
    // of V8's native-module cache (a cache hit took about a twentieth of a compile).
    for id in ["v8-liftoff", "v8-turbofan"] {
        let c = r.scenarios.cold_start.as_ref().unwrap().cells.iter().find(|c| c.engine == id).unwrap();
        let m = c.measurement.as_ref().unwrap();
        let compiles = m.compile.samples_ns().unwrap();
        let (lo, hi) = (compiles.iter().min().unwrap(), compiles.iter().max().unwrap());
        assert!(compiles.len() >= 2 && *lo * 5 > *hi, "{id}: compiles {compiles:?}");
        assert!(m.first_call.median_ns().unwrap() > 0.0 && m.end_to_end.median_ns().unwrap() > 0.0, "{id}");
        assert!(r.engine(id).unwrap().knobs["timing"].contains("cold start's end to end"), "{id}");
    }
    let wasmi = r.scenarios.cold_start.as_ref().unwrap().cells.iter().find(|c| c.engine == "wasmi-eager").unwrap();
    let deser = serde_json::to_value(&wasmi.measurement.as_ref().unwrap().deserialize).unwrap();
    assert_eq!(deser["status"], "not-available", "{deser}");
}

/// A runtime that crashes fails its own cells only: stitch segfaults at its first memory load
/// (built by rustc 1.95); the run goes on, records the crash as the cell's error, exits 3.
#[test]
fn stitch_crashes_fail_its_cells_only() {
    let _turn = exclusive();
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("stitch.json");
    let output = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--scenarios", "throughput", "--workloads", "fib", "--engines", "stitch,wasm3,native"])
        .arg("--corpus")
        .arg(&corpus.dir)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(3), "{}", String::from_utf8_lossy(&output.stderr));
    let r = ResultsFile::load(&out).unwrap();
    let cells = &r.scenarios.throughput.as_ref().unwrap().cells;
    let stitch = cells.iter().find(|c| c.engine == "stitch").unwrap();
    assert_eq!(stitch.status, CellStatus::Failed);
    assert!(stitch.error.as_deref().unwrap_or("").contains("SIGSEGV"), "{:?}", stitch.error);
    for other in ["wasm3", "native"] {
        assert_eq!(cells.iter().find(|c| c.engine == other).unwrap().status, CellStatus::Ok, "{other}");
    }
}

/// `--threads` sets the scaling levels, which the results record; a level of 0 is refused.
#[test]
fn thread_levels_come_from_the_command_line_when_given() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("threads.json");
    let r = common::run_to(
        &[
            "--scenarios",
            "concurrency,density",
            "--engines",
            "wasmi-eager,wasm3",
            "--threads",
            "1,3",
            "--memory-budget",
            "32MiB",
        ],
        &out,
    );
    assert_eq!(r.profile.concurrency.as_ref().unwrap().threads, [1, 3]);
    assert_eq!(r.profile.density.as_ref().unwrap().threads, [1, 3]);
    let d = &r.scenarios.density.as_ref().unwrap().cells;
    let levels = |id: &str| -> Vec<usize> {
        d.iter()
            .find(|c| c.engine == id)
            .unwrap()
            .measurement
            .as_ref()
            .unwrap()
            .rate_levels
            .iter()
            .map(|p| p.threads)
            .collect()
    };
    assert_eq!(levels("wasmi-eager"), [1, 3]);
    assert_eq!(levels("wasm3"), [1], "a single-threaded runtime at one thread");
    let bad = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--threads", "0,2", "--scenarios", "concurrency", "--engines", "native"])
        .arg("--corpus")
        .arg(&common::corpus().dir)
        .arg("--out")
        .arg(dir.path().join("bad.json"))
        .output()
        .unwrap();
    assert_ne!(bad.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("--threads"), "{}", String::from_utf8_lossy(&bad.stderr));
}

/// Results written by the foundation (schema 1) still load, and can be analyzed.
#[test]
fn schema_1_results_still_load() {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/results-v1.json");
    let mut r = ResultsFile::load(&path).unwrap();
    assert_eq!(r.schema_version, 1);
    let t = r.scenarios.throughput.as_mut().unwrap();
    assert_eq!(t.cells.len(), 6);
    assert!(t.cells.iter().all(|c| c.measurement.as_ref().unwrap().summary.is_none()));
    t.analyze("native");
    let fib = t.cells.iter().find(|c| c.workload == "fib" && c.engine == "wasmi-eager").unwrap();
    let ratio = fib.ratio_to_native.unwrap();
    assert!(ratio.value > 1.0 && ratio.ci95_low <= ratio.value, "{ratio:?}");
    assert!(r.scenarios.cold_start.is_none());
}

/// A scenario added through the registry alone (one module, one registry line): its cells run
/// in the drivers, record into a generic section with their figures, and flow through the one
/// flattening into the gate's cells and the report's CSV.
#[test]
fn a_registered_scenario_runs_records_and_reports_without_a_typed_section() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("ec.json");
    let r = common::run_to(&["--scenarios", "engine-create", "--engines", "wasmi-eager,wasmtime-winch,native"], &out);
    let section = &r.scenarios.other["engine-create"];
    assert_eq!(section.plan["repetitions"], 20);
    let engines: Vec<&str> = section.cells.iter().map(|c| c.engine.as_str()).collect();
    assert_eq!(engines, ["wasmtime-winch", "wasmi-eager"], "native has no engine to create");
    for c in &section.cells {
        assert_eq!(c.status, CellStatus::Ok, "{c:?}");
        let f = &c.figures[0];
        assert_eq!((f.metric.as_str(), f.unit.as_str(), f.samples.len()), ("create_engine", "ns", 20));
        let (lo, hi) = f.ci95.unwrap();
        assert!(f.value > 0.0 && lo <= f.value && f.value <= hi, "{f:?}");
    }
    let keys: Vec<String> = gate::extract(&r).into_iter().map(|c| c.key.to_string()).collect();
    assert!(keys.contains(&"engine-create  on wasmi-eager (create_engine)".to_string()), "{keys:?}");
    let report = dir.path().join("report");
    let html = common::report_page(&out, &report);
    let csv = std::fs::read_to_string(report.join("results.csv")).unwrap();
    assert!(
        csv.lines().any(|l| l.contains("engine-create") && l.contains("wasmi-eager") && l.contains("create_engine")),
        "{csv}"
    );
    assert!(html.contains("engine-create") && html.contains("create_engine"), "the page shows the figures");
}
