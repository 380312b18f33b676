//! Cells in rounds end to end: throughput and call-overhead cells measured in several worker
//! processes in shuffled rounds that a seed repeats, each process with its own layout and
//! steady-state check; intervals and ratios across processes and rounds; the variance table on
//! the page; and `wasmgauge coverage` over two runs.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::ResultsFile;
use std::collections::BTreeMap;
use std::process::Command;

type Order = BTreeMap<(String, String), Vec<(usize, usize, usize, usize)>>;

/// Each throughput cell's processes as (round, position, env bytes, heap padding).
fn order(r: &ResultsFile) -> Order {
    r.scenarios
        .throughput
        .as_ref()
        .unwrap()
        .cells
        .iter()
        .map(|c| {
            let m = c.measurement.as_ref().unwrap();
            let p = m.processes.iter().map(|p| (p.round, p.position, p.layout.env_bytes, p.layout.heap_pad_bytes));
            ((c.workload.clone(), c.engine.clone()), p.collect())
        })
        .collect()
}

#[test]
fn cells_run_in_shuffled_rounds_that_a_seed_repeats_with_intervals_across_processes() {
    let dir = tempfile::tempdir().unwrap();
    let args = |seed: &'static str| {
        [
            "--scenarios",
            "throughput,latency",
            "--workloads",
            "fib,sha256,json",
            "--engines",
            "wasmi-eager,native",
            "--seed",
            seed,
        ]
    };
    let a_path = dir.path().join("a.json");
    let a = common::run_to(&args("42"), &a_path);
    let b_path = dir.path().join("b.json");
    let b = common::run_to(&args("42"), &b_path);
    let c = common::run_to(&args("7"), &dir.path().join("c.json"));

    let schedule = a.schedule.as_ref().expect("a run with cells in rounds records its schedule");
    assert_eq!(schedule.seed, 42);
    let k = a.profile.throughput.processes;
    assert!(k >= 3, "the quick profile measures throughput in several processes");
    assert_eq!(schedule.rounds.get("throughput"), Some(&k));
    assert_eq!(schedule.rounds.get("call-overhead"), Some(&3), "latency's call-overhead cells run in rounds");

    let t = a.scenarios.throughput.as_ref().unwrap();
    for cell in &t.cells {
        let m = cell.measurement.as_ref().unwrap();
        let what = format!("{} on {}", cell.workload, cell.engine);
        // Interpreters and JS engines take the plan's `slow_processes` (they sit out the later
        // rounds); the others all K.
        let kind = a.engine(&cell.engine).unwrap().capabilities.as_ref().unwrap().execution;
        let slow = matches!(kind, Some(results::ExecutionKind::Interpreter | results::ExecutionKind::JsEngine));
        let k = if slow { a.profile.throughput.slow_processes.unwrap_or(k).min(k) } else { k };
        assert!(k >= 3, "{what}");
        assert_eq!(m.processes.iter().map(|p| p.round).collect::<Vec<_>>(), (0..k).collect::<Vec<_>>(), "{what}");
        let layouts: std::collections::BTreeSet<_> = m.processes.iter().map(|p| p.layout).collect();
        assert_eq!(layouts.len(), k, "every process of {what} gets a layout of its own");
        // The figure is taken across processes, and the pooled samples are the kept ones.
        let levels = m.levels.as_ref().expect("levels");
        assert_eq!(levels.processes, k);
        assert!(
            levels.estimate.ci95_low <= levels.estimate.value && levels.estimate.value <= levels.estimate.ci95_high
        );
        assert!((0.0..=1.0).contains(&levels.between_share), "{what}");
        assert!((m.median_ns_per_call - levels.estimate.value).abs() <= 1e-9 * m.median_ns_per_call);
        let kept: usize = m.processes.iter().map(|p| p.kept().len()).sum();
        assert_eq!(m.per_call_ns.len(), kept, "{what}");
        for p in &m.processes {
            assert!(p.per_call_ns.len() >= 6 && p.steady.kept_from < p.per_call_ns.len(), "{what}: {p:?}");
            let median = stats::median(p.kept());
            assert!((p.median_ns_per_call - median).abs() <= 1e-9 * median, "{what}: {p:?}");
        }
        // Ratios are formed within rounds: the interval spans the per-round ratios.
        if cell.engine == "wasmi-eager" {
            let ratio = cell.ratio_to_native.unwrap();
            let native = t.cells.iter().find(|n| n.engine == "native" && n.workload == cell.workload).unwrap();
            let per_round: Vec<f64> = m
                .processes
                .iter()
                .zip(&native.measurement.as_ref().unwrap().processes)
                .map(|(x, n)| x.median_ns_per_call / n.median_ns_per_call)
                .collect();
            let gm = per_round.iter().map(|r| r.ln()).sum::<f64>() / k as f64;
            assert!((ratio.value.ln() - gm).abs() < 1e-9, "{what}: {ratio:?} vs {per_round:?}");
            assert!(ratio.ci95_low < ratio.value && ratio.value < ratio.ci95_high, "{what}: {ratio:?}");
        }
    }
    // In every round, a workload's engines run back to back: positions 0 and 1 of each group.
    let positions: std::collections::BTreeSet<usize> = order(&a).values().flat_map(|v| v.iter().map(|p| p.1)).collect();
    assert_eq!(positions, [0, 1].into());
    assert_eq!(order(&a), order(&b), "the same seed repeats the order and the layouts");
    assert_ne!(order(&a), order(&c), "another seed shuffles differently");

    // Call-overhead latency in 3 processes: merged histograms, p50 and p99 across them.
    let lat = &a.scenarios.latency.as_ref().unwrap().cells;
    let call = lat.iter().find(|c| c.kind == "call-overhead" && c.engine == "wasmi-eager").unwrap();
    let across = call.record.as_ref().unwrap().across.as_ref().expect("p50 and p99 across processes");
    assert_eq!((across.processes, across.p50_ns.len()), (3, 3));

    // The page shows where the variance lies; `coverage` compares the runs.
    let report = dir.path().join("report");
    let out = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .arg("report")
        .arg(&a_path)
        .arg("--out")
        .arg(&report)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    assert!(html.contains("id=\"throughput-processes\"") && html.contains("seed 42"), "variance table missing");
    let csv = std::fs::read_to_string(report.join("results.csv")).unwrap();
    assert!(csv.contains(&format!("{k} processes, ")), "the CSV notes the processes");
    let out = Command::new(env!("CARGO_BIN_EXE_wasmgauge")).arg("coverage").arg(&a_path).arg(&b_path).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success() && text.contains("all pairs"), "{text}");
    let out = Command::new(env!("CARGO_BIN_EXE_wasmgauge")).arg("coverage").arg(&a_path).output().unwrap();
    assert_eq!(out.status.code(), Some(2), "one file is a usage error");
}
