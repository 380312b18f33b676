//! The measurement itself: linearity, a cell slowed on purpose, every scenario on every engine
//! configuration, and reading results written by the foundation (schema 1).
mod common;

use std::process::Command;
use wasmgauge::corpus::parse_checksum;
use wasmgauge::engines::{self, CallPath, EngineOptions, MicroCall};
use wasmgauge::executor::{self, Executor, SetupTimes, WorkloadCode};
use wasmgauge::profile::{Profile, ProfileName};
use wasmgauge::results::{CellStatus, ResultsFile};
use wasmgauge::scenarios::throughput;
use wasmgauge::stats;
use wasmgauge::workloads::{Size, micro_native, rust_workload};

/// Tests of this binary that time things or load both cores take turns, so no timing is taken
/// while another test of ours competes for the CPU.
static ONE_AT_A_TIME: std::sync::Mutex<()> = std::sync::Mutex::new(());

fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Median per-call time of `spin(n)` over interleaved rounds.
fn spin_times(engine_id: &str, ns: &[i64], rounds: usize) -> Vec<f64> {
    let corpus = common::corpus();
    let engine = engines::make(engine_id, &EngineOptions::default()).unwrap();
    let module = engine.compile(&corpus.wasm(corpus.module("spin").unwrap()).unwrap()).unwrap();
    let mut instance = engine.instantiate(module.as_ref()).unwrap();
    let mut per_n: Vec<Vec<f64>> = vec![Vec::new(); ns.len()];
    for _ in 0..rounds {
        for (i, &n) in ns.iter().enumerate() {
            let call = MicroCall::Spin { n, expected: micro_native::spin(n) };
            let t = instance.time_micro(call, CallPath::Typed, 3).unwrap();
            per_n[i].push(t as f64 / 3.0);
        }
    }
    per_n.iter().map(|v| stats::median(v)).collect()
}

/// Work that doubles takes twice as long (within 15%), on a compiled and an interpreted engine.
#[test]
fn time_scales_linearly_with_work() {
    let _turn = exclusive();
    for (engine, n) in [("wasmtime-cranelift", 1i64 << 22), ("wasmi-eager", 1i64 << 20)] {
        let t = spin_times(engine, &[n, 2 * n], 9);
        let ratio = t[1] / t[0];
        assert!((ratio - 2.0).abs() <= 0.3, "{engine}: spin({}) / spin({n}) = {ratio:.3} ({t:?})", 2 * n);
    }
}

/// A test-only variant of a workload that does known extra work: every call runs the real
/// workload `times` times (each answer verified).
struct Repeated {
    inner: Box<dyn Executor>,
    times: usize,
}

impl Executor for Repeated {
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> anyhow::Result<SetupTimes> {
        self.inner.prepare(code, input)
    }
    fn call(&mut self) -> anyhow::Result<u64> {
        let first = self.inner.call()?;
        for _ in 1..self.times {
            anyhow::ensure!(self.inner.call()? == first, "repeated call changed its answer");
        }
        Ok(first)
    }
}

/// The throughput pipeline (calibrated sampling, summary, ratio with interval) reports the
/// ratio of a cell made 3x slower on purpose. The two cells are measured in alternating rounds
/// and judged on the median round, so a disturbance of the machine that lasts one round (a
/// busy neighbour on a shared VM) moves one round's ratio, not the verdict.
#[test]
fn a_cell_slowed_on_purpose_shows_the_expected_ratio() {
    let _turn = exclusive();
    let corpus = common::corpus();
    let module = corpus.module("fib").unwrap();
    let wasm = corpus.wasm(module).unwrap();
    let input = rust_workload("fib").unwrap().input_for(Size::Small);
    let expected = parse_checksum(&module.inputs[0].expected_checksum).unwrap();
    let code = WorkloadCode { name: "fib", wasm: &wasm };
    let plan = throughput::SamplingPlan { samples: 8, ..Profile::get(ProfileName::Quick).throughput };
    let make = || executor::make("wasmtime-cranelift", &EngineOptions::default()).unwrap();
    let mut rounds = Vec::new();
    for round in 0..5 {
        let mut slowed_exec = Repeated { inner: make(), times: 3 };
        let measure_normal = || throughput::measure(make().as_mut(), &code, &input, expected, &plan).unwrap();
        // ABBA order across rounds, so neither side always goes first.
        let (normal, slowed) = if round % 2 == 0 {
            let n = measure_normal();
            (n, throughput::measure(&mut slowed_exec, &code, &input, expected, &plan).unwrap())
        } else {
            let s = throughput::measure(&mut slowed_exec, &code, &input, expected, &plan).unwrap();
            (measure_normal(), s)
        };
        assert!(normal.summary.unwrap().n >= plan.min_samples);
        let ratio = stats::ratio_of_medians(&slowed.per_call_ns, &normal.per_call_ns);
        assert!(ratio.ci95_low <= ratio.value && ratio.value <= ratio.ci95_high, "{ratio:?}");
        rounds.push(ratio.value);
    }
    let median = stats::median(&rounds);
    assert!((median - 3.0).abs() <= 0.45, "slowed / normal per round = {rounds:?}");
}

/// Every scenario runs on every engine configuration, reduced to one workload and a time budget.
#[test]
fn every_scenario_runs_on_every_engine() {
    let _turn = exclusive();
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all.json");
    let output = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--workloads", "fib", "--time-budget", "200", "--memory-budget", "96MiB", "--corpus"])
        .arg(&corpus.dir)
        .arg("--out")
        .arg(&out)
        .env("WASMGAUGE_RUNNER", env!("CARGO_BIN_EXE_wasmgauge-runner"))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(0), "{}\n{stderr}", String::from_utf8_lossy(&output.stdout));
    let r = ResultsFile::load(&out).unwrap();
    assert_eq!(r.schema_version, 4);
    let ids = engines::all_ids();
    let s = &r.scenarios;
    for id in &ids {
        let ok = |status: CellStatus| status == CellStatus::Ok;
        let t = s.throughput.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
        assert!(ok(t.status) && t.measurement.as_ref().unwrap().summary.is_some(), "throughput {id}");
        assert!(t.ratio_to_native.is_some(), "ratio {id}");
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
        if *id != "native" {
            let m = s.memory.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
            ok(m.status, &m.error, "memory");
            let d = s.density.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
            ok(d.status, &d.error, "density");
            assert!(d.measurement.as_ref().unwrap().instantiate_per_s_one_thread > 0.0);
        }
        let c = s.concurrency.as_ref().unwrap().cells.iter().find(|c| c.engine == *id).unwrap();
        ok(c.status, &c.error, "concurrency");
        let points = &c.measurement.as_ref().unwrap().points;
        assert!(points.len() >= 2 && points.iter().all(|p| p.requests > 0), "concurrency levels on {id}");
        for limit in wasmgauge::scenarios::sandbox_tax::limits_for(id) {
            let t = s.sandbox_tax.as_ref().unwrap().cells.iter().find(|c| c.engine == *id && c.limit == limit.label());
            let t = t.unwrap_or_else(|| panic!("no {} tax cell on {id}", limit.label()));
            ok(t.status, &t.error, "sandbox tax");
            let ratio = t.measurement.as_ref().unwrap().ratio.value;
            assert!(ratio > 0.5 && ratio < 20.0, "{} tax on {id}: {ratio}", t.limit);
        }
    }
    let geomeans = &s.throughput.as_ref().unwrap().engine_geomeans;
    assert_eq!(geomeans.len(), ids.len());
    let wasmi = r.scenarios.cold_start.as_ref().unwrap().cells.iter().find(|c| c.engine == "wasmi-eager").unwrap();
    let deser = serde_json::to_value(&wasmi.measurement.as_ref().unwrap().deserialize).unwrap();
    assert_eq!(deser["status"], "not-available", "{deser}");
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
    t.analyze();
    let fib = t.cells.iter().find(|c| c.workload == "fib" && c.engine == "wasmi-eager").unwrap();
    let ratio = fib.ratio_to_native.unwrap();
    assert!(ratio.value > 1.0 && ratio.ci95_low <= ratio.value, "{ratio:?}");
    assert!(r.scenarios.cold_start.is_none());
}
