//! Instruction counts under Valgrind (`run --measure instructions`), the gate on them (file
//! and paired mode), and `history` over a series of runs with a planted change.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::{CellStatus, ResultsFile};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn wasmgauge(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmgauge")).args(args).output().unwrap()
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The tests here run Valgrind; one at a time.
fn exclusive() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|e| e.into_inner())
}

fn counted_run(out: &Path, engines: &str) -> ResultsFile {
    common::run_to(&["--measure", "instructions", "--workloads", "fib", "--engines", engines], out)
}

/// Counts repeat: the regions of a cell agree to within 0.1% on a JIT, an interpreter and native
/// code; configurations that cannot run under Valgrind are "unsupported" with the registry's
/// reason, and the run still exits 0.
#[test]
fn instruction_counts_repeat_and_uncountable_configurations_say_why() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let r = counted_run(&dir.path().join("i.json"), "wasmtime-cranelift,wasmi-eager,native,subprocess");
    let section = &r.scenarios.other["instructions"];
    assert_eq!(section.cells.len(), 4);
    for c in &section.cells {
        if c.engine == "subprocess" {
            assert_eq!(c.status, CellStatus::Unsupported, "{c:?}");
            assert!(c.error.as_deref().unwrap_or("").contains("child process"), "{c:?}");
            continue;
        }
        assert_eq!(c.status, CellStatus::Ok, "{c:?}");
        let f = &c.figures[0];
        assert_eq!(f.metric, "instructions_per_call");
        assert!(f.samples.len() >= 5 && f.value > 10_000.0, "{f:?}");
        let mean = f.samples.iter().sum::<f64>() / f.samples.len() as f64;
        let sd = (f.samples.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (f.samples.len() - 1) as f64).sqrt();
        assert!(sd / mean < 0.001, "{} CV {}", c.engine, sd / mean);
    }
    assert!(r.environment.settle.is_some(), "the run records how long it waited for a steady machine");
}

/// The paired gate on instructions flags a module doing 1% more work and passes the module
/// against itself.
#[test]
fn the_paired_gate_on_instructions_flags_one_percent_more_work() {
    let _turn = exclusive();
    let fixture = |n: &str| common::repo_root().join("workloads/gate").join(n).display().to_string();
    let gate = |b: &str| {
        wasmgauge(&[
            "gate",
            "--paired",
            "--measure",
            "instructions",
            "--baseline-module",
            &fixture("work_a.wat"),
            "--candidate-module",
            &fixture(b),
            "--export",
            "work",
            "--engines",
            "wasmi-eager",
        ])
    };
    let out = gate("work_b_1pct.wat");
    assert_eq!(out.status.code(), Some(1), "{}", text(&out));
    assert!(text(&out).contains("instructions work on wasmi-eager (instructions_per_call)"), "{}", text(&out));
    let out = gate("work_a.wat");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
}

/// Writes `n` copies of `base` as a series ordered by commit time, the counts of
/// `engine` multiplied by `factor(i)` in copy `i` (every other cell keeps the measured counts).
fn series(dir: &Path, base: &ResultsFile, n: usize, engine: &str, factor: impl Fn(usize) -> f64) -> Vec<PathBuf> {
    (0..n)
        .map(|i| {
            let mut r = base.clone();
            r.run_id = format!("run-{i}");
            r.environment.harness_commit = Some(format!("{:07x}{}", 0xc0ffee0 + i, "0".repeat(33)));
            r.environment.harness_commit_time = Some(format!("2026-11-{:02}T12:00:00Z", i + 1));
            let section = r.scenarios.other.get_mut("instructions").unwrap();
            for c in section.cells.iter_mut().filter(|c| c.engine == engine) {
                for f in &mut c.figures {
                    f.value *= factor(i);
                    f.samples.iter_mut().for_each(|s| *s *= factor(i));
                    f.ci95 = f.ci95.map(|(lo, hi)| (lo * factor(i), hi * factor(i)));
                }
            }
            let path = dir.join(format!("r{i:02}.json"));
            r.save(&path).unwrap();
            path
        })
        .collect()
}

/// `history` over 12 runs (one measured run's counts, with the fib module made 5% more costly on
/// wasmi-eager from the 7th run on) marks that change at run 7 and nothing else; over 12 A/A
/// runs it marks nothing; the page is static HTML. The file-mode gate passes an A/A pair of
/// counted runs in both orders.
#[test]
fn history_marks_a_planted_change_where_it_starts_and_nothing_in_an_a_a_series() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let (a, b) = (dir.path().join("a.json"), dir.path().join("b.json"));
    let base = counted_run(&a, "wasmi-eager,native");
    counted_run(&b, "wasmi-eager,native");
    for (x, y) in [(&a, &b), (&b, &a)] {
        let out = wasmgauge(&[
            "gate",
            "--baseline",
            x.to_str().unwrap(),
            "--candidate",
            y.to_str().unwrap(),
            "--config",
            common::repo_root().join("ci/gate.toml").to_str().unwrap(),
        ]);
        assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    }

    let planted = dir.path().join("planted");
    std::fs::create_dir(&planted).unwrap();
    // A wobble of +-0.02% everywhere, like repeated counts; +5% on one cell from run 7.
    let wobble = |i: usize| 1.0 + 0.0002 * ((i * 7) % 5) as f64 / 4.0;
    series(&planted, &base, 12, "wasmi-eager", |i| wobble(i) * if i >= 6 { 1.05 } else { 1.0 });
    let out_dir = dir.path().join("h");
    let out = wasmgauge(&["history", planted.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let md = std::fs::read_to_string(out_dir.join("changes.md")).unwrap();
    let changes: Vec<&str> = md.lines().filter(|l| l.starts_with("- ")).collect();
    assert_eq!(changes.len(), 1, "{md}");
    assert!(changes[0].contains("instructions fib/small on wasmi-eager") && changes[0].contains("from run 7"), "{md}");
    assert!(changes[0].contains("commit c0ffee6"), "{md}");
    let page = std::fs::read_to_string(out_dir.join("index.html")).unwrap();
    assert!(page.contains("<svg") && !page.contains("<script") && !page.contains("src=\"http"), "static page");

    let aa = dir.path().join("aa");
    std::fs::create_dir(&aa).unwrap();
    series(&aa, &base, 12, "wasmi-eager", wobble);
    let out_dir = dir.path().join("h2");
    let out = wasmgauge(&["history", aa.to_str().unwrap(), "--out", out_dir.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out));
    let md = std::fs::read_to_string(out_dir.join("changes.md")).unwrap();
    assert!(md.contains("No change found."), "{md}");
}

/// A benchmark spinning `inside` loop iterations between bench.start and bench.end and
/// `outside` iterations before and after, as `dir/name/benchmark.wasm`.
fn spinning_benchmark(dir: &Path, name: &str, inside: u32, outside: u32) -> String {
    let wasm = wat::parse_str(format!(
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
             (import "bench" "start" (func $start))
             (import "bench" "end" (func $end))
             (memory (export "memory") 1)
             (func $spin (param $n i32) (local $i i32)
               (block $done
                 (br_if $done (i32.eqz (local.get $n)))
                 (loop $l
                   (local.set $i (i32.add (local.get $i) (i32.const 1)))
                   (br_if $l (i32.lt_u (local.get $i) (local.get $n))))))
             (func (export "_start")
               (call $spin (i32.const {outside}))
               call $start
               (call $spin (i32.const {inside}))
               call $end
               (call $spin (i32.const {outside}))))"#
    ))
    .unwrap();
    std::fs::create_dir_all(dir.join(name)).unwrap();
    std::fs::write(dir.join(name).join("benchmark.wasm"), wasm).unwrap();
    format!("{name}/benchmark.wasm")
}

/// `run --suite --measure instructions` counts the region between bench.start and bench.end
/// and nothing outside it: twice the loop inside counts twice the instructions, a million
/// iterations outside change nothing, and counts repeat across processes. V8 cannot be counted
/// and says why; the report shows the counts.
#[test]
fn a_suite_counts_the_region_between_bench_start_and_bench_end() {
    let _turn = exclusive();
    let dir = tempfile::tempdir().unwrap();
    let lines = [
        spinning_benchmark(dir.path(), "inside", 100_000, 0),
        spinning_benchmark(dir.path(), "inside-twice", 200_000, 0),
        spinning_benchmark(dir.path(), "outside-too", 100_000, 1_000_000),
    ];
    let suite = dir.path().join("spin.suite");
    std::fs::write(&suite, format!("# loops inside and outside the region\n{}\n", lines.join("\n"))).unwrap();
    let out = dir.path().join("counted.json");
    let r = common::run_to(
        &[
            "--scenarios",
            "suite",
            "--measure",
            "instructions",
            "--suite",
            suite.to_str().unwrap(),
            "--engines",
            "wasmtime-cranelift,wasmi-lazy,v8-liftoff",
        ],
        &out,
    );
    assert!(!r.scenarios.other.contains_key(results::ids::INSTRUCTIONS), "--scenarios suite counts the suite alone");
    let cells = &r.scenarios.other[results::ids::SUITE].cells;
    assert_eq!(cells.len(), 9, "{cells:?}");
    let v8 = cells.iter().find(|c| c.engine == "v8-liftoff").unwrap();
    assert_eq!(v8.status, CellStatus::Unsupported, "{v8:?}");
    assert!(v8.error.as_deref().unwrap().contains("Node.js child process"), "{v8:?}");
    for engine in ["wasmtime-cranelift", "wasmi-lazy"] {
        let count = |w: &str| {
            let c = cells.iter().find(|c| c.workload == w && c.engine == engine).unwrap();
            assert_eq!(c.status, CellStatus::Ok, "{c:?}");
            assert!(c.figures.iter().all(|f| f.unit == "instructions"), "a counted cell has no times: {c:?}");
            let f = c.figures.iter().find(|f| f.metric == results::ids::SUITE_BENCH_INSTRUCTIONS).unwrap();
            assert_eq!((f.n, f.samples.len()), (Some(2), 2), "two processes: {f:?}");
            let (lo, hi) = (f.samples[0].min(f.samples[1]), f.samples[0].max(f.samples[1]));
            assert!(hi / lo < 1.001, "{w} on {engine}: counts repeat across processes: {f:?}");
            let first = c.figures.iter().find(|f| f.metric == "bench_instructions_first").unwrap();
            assert!(first.value >= f.value * 0.999, "{w} on {engine}: the first run pays first-use costs: {first:?}");
            f.value
        };
        let (one, two, outside) = (count("inside"), count("inside-twice"), count("outside-too"));
        assert!(one > 2.0 * 100_000.0, "{engine}: at least two instructions an iteration: {one}");
        assert!((1.9..2.1).contains(&(two / one)), "{engine}: twice the loop, {two} vs {one}");
        assert!((outside / one - 1.0).abs() < 0.02, "{engine}: the loops outside are not counted: {outside} vs {one}");
    }
    let html = common::report_page(&out, &dir.path().join("report"));
    assert!(html.contains("Instructions from bench.start to bench.end (callgrind)"), "the report shows the counts");
}
