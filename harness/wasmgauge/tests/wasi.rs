//! `run --module APP.wasm --wasi`: a user's WASI command on every configuration with a WASI
//! layer. The command here is the corpus's WASI probe (a Rust program built for wasm32-wasip1)
//! in its `transform` and `noise` modes, and small WAT modules.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::CellStatus;
use results::wasi_command::WasiCommandSection;
use std::path::Path;
use std::process::{Command, Output};

fn wasi_run(module: &Path, flags: &[&str], guest_args: &[&str], out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--module"])
        .arg(module)
        .arg("--wasi")
        .args(flags)
        .arg("--out")
        .arg(out)
        .arg("--")
        .args(guest_args)
        .output()
        .unwrap()
}

fn section(out: &Path) -> WasiCommandSection {
    results::ResultsFile::load(out).unwrap().scenarios.wasi_command.expect("a wasi_command section")
}

fn text(o: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&o.stdout), String::from_utf8_lossy(&o.stderr))
}

/// The probe reads stdin, prints to stdout and creates `/data/out.txt` with `create_new`: every
/// configuration agrees on all three, on every run, which also shows each run had a fresh copy
/// of the granted directory (a second run on the same copy would be refused and exit 1). The
/// host directory itself is never written.
#[test]
fn a_wasi_command_agrees_on_every_configuration_with_fresh_directories() {
    let corpus = common::corpus();
    let work = tempfile::tempdir().unwrap();
    let data = work.path().join("data");
    std::fs::create_dir(&data).unwrap();
    std::fs::write(data.join("keep.txt"), "left alone").unwrap();
    let stdin = work.path().join("input.txt");
    std::fs::write(&stdin, "shout this\n").unwrap();
    let out = work.path().join("wasi.json");
    let dir_flag = format!("{}::/data", data.display());
    let stdin_flag = stdin.display().to_string();
    let flags = ["--dir", &dir_flag, "--env", "WG_GREETING=hi", "--stdin", &stdin_flag, "--runs", "3"];
    let o = wasi_run(&corpus.dir.join("wasi_probe.wasm"), &flags, &["transform", "/data"], &out);
    assert_eq!(o.status.code(), Some(0), "{}", text(&o));
    assert!(text(&o).contains("hi from wasi_probe: 11 bytes on stdin"), "{}", text(&o));

    let s = section(&out);
    assert!(s.engines_agree);
    assert_eq!(s.runs, 3);
    let subjects = wasmgauge::subjects::Subjects::default();
    let with_wasi: Vec<String> =
        subjects.resolve(&[]).unwrap().iter().filter(|x| x.capabilities().wasi.is_some()).map(|x| x.id()).collect();
    assert_eq!(s.cells.iter().map(|c| c.engine.clone()).collect::<Vec<_>>(), with_wasi);
    for c in &s.cells {
        assert_eq!(c.status, CellStatus::Ok, "{c:?}");
        assert!(c.runs_differing.is_empty(), "{c:?}");
        let o = c.observed.as_ref().unwrap();
        assert_eq!(o.exit_code, 0, "{}", c.engine);
        assert_eq!(o.stdout.head, ["hi from wasi_probe: 11 bytes on stdin"], "{}", c.engine);
        assert_eq!(o.files.len(), 1, "{}: {:?}", c.engine, o.files);
        assert_eq!(o.files[0].path, "/data/out.txt");
        assert_eq!(o.files[0].sha256.as_deref(), Some(results::manifest::sha256_hex(b"SHOUT THIS\n").as_str()));
        let p = c.phases.as_ref().unwrap();
        assert_eq!((p.compile_ns.len(), p.instantiate_ns.len(), p.run_ns.len()), (3, 3, 3));
        let artifact = subjects.find(&c.engine).unwrap().capabilities().artifact;
        assert_eq!(p.artifact_load_ns.len(), if artifact { 3 } else { 0 }, "{}", c.engine);
        assert!(p.compile_ns.iter().chain(&p.run_ns).all(|t| *t > 0.0));
    }
    // The host directory: untouched.
    let left: Vec<_> = std::fs::read_dir(&data).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(left, ["keep.txt"]);
    // The gate and report read the section through the one flattening.
    let r = results::ResultsFile::load(&out).unwrap();
    let (cells, problems) = r.flatten();
    assert!(problems.is_empty(), "{problems:?}");
    let run_cells = cells.iter().filter(|c| c.scenario == "wasi-command" && c.metric == "run_time").count();
    assert_eq!(run_cells, with_wasi.len());
    let page = work.path().join("page");
    let o =
        Command::new(env!("CARGO_BIN_EXE_wasmgauge")).arg("report").arg(&out).arg("--out").arg(&page).output().unwrap();
    assert!(o.status.success(), "{}", text(&o));
    let html = std::fs::read_to_string(page.join("index.html")).unwrap();
    let section = &html[html.find("<section id=\"wasi-command\">").expect("the WASI section")..];
    let section = &section[..section.find("</section>").unwrap()];
    assert!(section.contains("Every configuration that ran agrees"), "{section}");
    assert!(section.contains("/data/out.txt") && section.contains("hi from wasi_probe"), "{section}");
    assert_eq!(section.matches("<td class=\"good\">yes</td>").count(), with_wasi.len(), "{section}");
}

/// A program whose output differs between runs and between configurations (random bytes) is a
/// disagreement: shown, and exit 3.
#[test]
fn a_command_whose_output_differs_is_a_disagreement() {
    let corpus = common::corpus();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("noise.json");
    let flags = ["--engines", "wasmtime-cranelift,wasmi-eager", "--runs", "2"];
    let o = wasi_run(&corpus.dir.join("wasi_probe.wasm"), &flags, &["noise"], &out);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    assert!(text(&o).contains("DISAGREEMENT: wasmi-eager differs from wasmtime-cranelift"), "{}", text(&o));
    assert!(text(&o).contains("stdout: wasmtime-cranelift 33 bytes, wasmi-eager 33 bytes"), "{}", text(&o));
    let s = section(&out);
    assert!(!s.engines_agree);
    assert!(s.cells.iter().all(|c| c.runs_differing == [1]), "{:?}", s.cells);
}

/// A module that needs exception handling is "unsupported" where the configuration lacks it,
/// checked before compiling: never a failure, never a disagreement.
#[test]
fn a_module_needing_a_missing_proposal_is_unsupported_not_failed() {
    let work = tempfile::tempdir().unwrap();
    let module = work.path().join("eh.wat");
    std::fs::write(
        &module,
        r#"(module
             (memory (export "memory") 1)
             (tag $oops (param i32))
             (func (export "_start")
               (block $caught (result i32)
                 (try_table (catch $oops $caught) (throw $oops (i32.const 7)))
                 (i32.const 0))
               drop))"#,
    )
    .unwrap();
    let out = work.path().join("eh.json");
    let flags = ["--engines", "wasmtime-cranelift,wasmtime-winch,wasmtime-cranelift@36,wasmer-cranelift,wasmi-eager"];
    let o = wasi_run(&module, &flags, &[], &out);
    let s = section(&out);
    let unsupported: Vec<_> = s.cells.iter().filter(|c| c.status == CellStatus::Unsupported).collect();
    assert!(!unsupported.is_empty(), "{:?}", s.cells);
    for c in &unsupported {
        assert_eq!(c.unsupported.as_deref(), Some("exceptions"), "{c:?}");
        assert!(c.phases.is_none());
    }
    for c in s.cells.iter().filter(|c| c.status != CellStatus::Unsupported) {
        assert_eq!(c.status, CellStatus::Ok, "{c:?}");
        assert_eq!(c.observed.as_ref().unwrap().exit_code, 0);
    }
    let ran = s.cells.len() - unsupported.len();
    assert_eq!(o.status.code(), Some(if ran > 0 { 0 } else { 3 }), "{}", text(&o));
}

/// Bad input is a clear error: a module that is not a WASI command, a missing directory, a
/// configuration without a WASI layer.
#[test]
fn bad_wasi_input_is_a_clear_error() {
    let corpus = common::corpus();
    let work = tempfile::tempdir().unwrap();
    let out = work.path().join("x.json");
    let probe = corpus.dir.join("wasi_probe.wasm");
    let o = wasi_run(&corpus.dir.join("fib.wasm"), &[], &[], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("exports no `_start`"), "{}", text(&o));
    let o = wasi_run(&probe, &["--dir", "/no/such/dir"], &[], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("--dir /no/such/dir: no such directory"), "{}", text(&o));
    let o = wasi_run(&probe, &["--engines", "native"], &[], &out);
    assert_eq!(o.status.code(), Some(1));
    assert!(text(&o).contains("native has no WASI layer"), "{}", text(&o));
    let o = Command::new(env!("CARGO_BIN_EXE_wasmgauge")).args(["run", "--module"]).arg(&probe).output().unwrap();
    assert_eq!(o.status.code(), Some(2), "--module alone is a usage error: {}", text(&o));
}

/// Sightglass's sample suite (`../shared/sightglass-sample`, four benchmarks unchanged from its
/// repository) on one configuration of each WASI layer: every benchmark runs with its expected
/// stdout and stderr matched, and its figure is the region between bench.start and bench.end,
/// inside the whole `_start`, with an interval across processes.
#[test]
fn the_sightglass_sample_runs_on_each_wasi_layer_with_its_expected_outputs() {
    let Some(sample) = common::shared("sightglass-sample/sample.suite") else { return };
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("suite.json");
    // One configuration of each WASI layer: wasmtime-wasi, wasmer-wasix, wasmi_wasi, node:wasi.
    let engines = "wasmtime-cranelift,wasmer-singlepass,wasmi-lazy,v8-liftoff";
    let o = suite_run(&sample, engines, &corpus.dir, &out);
    assert!(o.status.success(), "{}", text(&o));
    let file = results::ResultsFile::load(&out).unwrap();
    let section = &file.scenarios.other[results::ids::SUITE];
    assert_eq!(section.cells.len(), 4 * 4, "{:?}", section.cells);
    for c in &section.cells {
        assert_eq!(c.status, CellStatus::Ok, "{} on {}: {:?}", c.workload, c.engine, c.error);
        let figure = |m: &str| c.figures.iter().find(|f| f.metric == m).unwrap_or_else(|| panic!("{m} of {c:?}"));
        let (bench, run) = (figure("bench"), figure("run"));
        assert!(bench.note.contains("bench.start to bench.end"), "{}", bench.note);
        assert!(bench.value > 0.0 && bench.value < run.value, "{} on {}: {bench:?} {run:?}", c.workload, c.engine);
        assert!(bench.ci95.is_some() && bench.n.unwrap() >= 2, "{bench:?}");
    }
    assert_eq!(
        section.cells.iter().map(|c| c.workload.as_str()).collect::<std::collections::BTreeSet<_>>(),
        ["bz2", "noop", "pulldown-cmark", "quicksort"].into()
    );
    // The report draws the suite's own section from the file.
    let html = common::report_page(&out, &dir.path().join("report"));
    assert!(html.contains("<section id=\"suite\">") && html.contains("chart-suite"), "no suite section");
    assert!(html.contains("pulldown-cmark") && html.contains("Which ran"), "no support table");
}

/// A benchmark whose output differs from its `.expected` file fails its cell, and so does one
/// that calls bench.end twice, with that message; the other cells of the run still pass.
#[test]
fn a_wrong_output_and_a_second_bench_end_fail_their_cells() {
    let Some(noop) = common::shared("sightglass-sample/noop") else { return };
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let altered = dir.path().join("altered");
    std::fs::create_dir_all(&altered).unwrap();
    for f in ["benchmark.wasm", "benchmark.stderr.expected"] {
        std::fs::copy(noop.join(f), altered.join(f)).unwrap();
    }
    std::fs::write(altered.join("benchmark.stdout.expected"), "not what noop prints\n").unwrap();
    let twice = dir.path().join("twice");
    std::fs::create_dir_all(&twice).unwrap();
    let wasm = wat::parse_str(
        r#"(module
             (import "wasi_snapshot_preview1" "proc_exit" (func (param i32)))
             (import "bench" "start" (func $start))
             (import "bench" "end" (func $end))
             (memory (export "memory") 1)
             (func (export "_start") call $start call $end call $end))"#,
    )
    .unwrap();
    std::fs::write(twice.join("benchmark.wasm"), wasm).unwrap();
    let suite = dir.path().join("bad.suite");
    std::fs::write(
        &suite,
        format!("altered/benchmark.wasm\ntwice/benchmark.wasm\n{}/benchmark.wasm\n", noop.display()),
    )
    .unwrap();
    let out = dir.path().join("bad.json");
    // V8's region is timed and checked inside Node, the others' in the driver.
    let o = suite_run(&suite, "wasmtime-cranelift,wasmi-lazy,v8-liftoff", &corpus.dir, &out);
    assert_eq!(o.status.code(), Some(3), "{}", text(&o));
    let file = results::ResultsFile::load(&out).unwrap();
    let cells = &file.scenarios.other[results::ids::SUITE].cells;
    for engine in ["wasmtime-cranelift", "wasmi-lazy", "v8-liftoff"] {
        let cell = |w: &str| cells.iter().find(|c| c.workload == w && c.engine == engine).unwrap();
        let altered = cell("altered");
        assert_eq!(altered.status, CellStatus::Failed);
        assert!(
            altered.error.as_deref().unwrap().contains("stdout differs from benchmark.stdout.expected"),
            "{altered:?}"
        );
        let twice = cell("twice");
        assert_eq!(twice.status, CellStatus::Failed);
        assert!(twice.error.as_deref().unwrap().contains("bench.end was called a second time"), "{twice:?}");
        assert_eq!(cell("noop").status, CellStatus::Ok, "{:?}", cell("noop"));
    }
}

/// A suite whose module imports something besides WASI and `bench` is refused before anything
/// runs, in one line.
#[test]
fn a_suite_module_with_other_imports_is_refused_in_one_line() {
    let dir = tempfile::tempdir().unwrap();
    let wasm = wat::parse_str(r#"(module (import "env" "f" (func)) (func (export "_start")))"#).unwrap();
    std::fs::write(dir.path().join("odd.wasm"), wasm).unwrap();
    let out = dir.path().join("odd.json");
    let o = suite_run(&dir.path().join("odd.wasm"), "wasmi-lazy", Path::new("corpus-not-needed"), &out);
    assert_eq!(o.status.code(), Some(1), "{}", text(&o));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(err.contains("imports `env.f`") && err.contains("bench.start"), "{err}");
}

fn suite_run(suite: &Path, engines: &str, corpus: &Path, out: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--scenarios", "suite", "--suite"])
        .arg(suite)
        .args(["--engines", engines, "--corpus"])
        .arg(corpus)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}
