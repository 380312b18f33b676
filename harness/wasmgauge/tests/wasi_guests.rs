//! The corpus's WASI programs (Rust `wasi_io`, C SQLite, JavaScript on QuickJS-ng) and the
//! `wasi-programs` and `wasi-io` scenarios: every program equals its native twin on one
//! configuration of each runtime family, a wrong answer fails its cell, and the report shows
//! the section, the compile-vs-size chart and the heavy-I/O claim judged on WASI calls.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::CellStatus;
use results::generic::GenericCell;
use std::path::Path;
use std::process::Command;

const ENGINES: &str = "wasmtime-cranelift,wasmer-singlepass,wasmi-lazy,native";

fn cells<'a>(r: &'a results::ResultsFile, scenario: &str) -> &'a [GenericCell] {
    &r.scenarios.other.get(scenario).unwrap_or_else(|| panic!("no {scenario} section")).cells
}

fn figure(c: &GenericCell, metric: &str) -> f64 {
    c.figures.iter().find(|f| f.metric == metric).unwrap_or_else(|| panic!("{} has no {metric}", c.engine)).value
}

/// Every program runs three times per configuration, each run in a fresh copy of its data
/// directory (SQLite's `CREATE TABLE` fails on a database left by an earlier run, so three
/// passing runs show the copies were fresh), and every run's exit code, stdout and files equal
/// the native twin's: the cells are only `ok` when they do.
#[test]
fn wasi_programs_equal_their_native_twins_and_the_report_shows_them() {
    let corpus = common::corpus();
    let m = |name: &str| corpus.module(name).unwrap_or_else(|| panic!("{name} in the corpus"));
    let languages: Vec<&str> = ["wasi_io", "sqlite", "quickjs"].iter().map(|n| m(n).source_language.as_str()).collect();
    assert_eq!(languages, ["rust", "c", "javascript"]);
    assert!(
        m("sqlite").is_wasi
            && m("sqlite").toolchain.as_ref().unwrap().embeds.as_ref().unwrap().starts_with("SQLite 3.")
    );
    assert!(m("quickjs").bytes > 500_000, "the engine is a big module");

    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wasi.json");
    let r = common::run_to(
        &[
            "--scenarios",
            "wasi-programs,wasi-io",
            "--workloads",
            "wasi_io,sqlite,quickjs",
            "--engines",
            ENGINES,
            "--profile",
            "quick",
        ],
        &out,
    );
    let programs = cells(&r, "wasi-programs");
    assert_eq!(programs.len(), 3 * 4);
    for c in programs {
        assert_eq!(c.status, CellStatus::Ok, "{} on {}: {:?}", c.workload, c.engine, c.error);
        assert!(figure(c, "run") > 0.0);
        if c.engine != "native" {
            assert!(figure(c, "compile") > 0.0 && figure(c, "instantiate") > 0.0, "{} on {}", c.workload, c.engine);
        }
    }
    let compile =
        |w: &str, e: &str| figure(programs.iter().find(|c| c.workload == w && c.engine == e).unwrap(), "compile");
    // An interpreter translates a 1 MB module far faster than an optimizing compiler.
    assert!(compile("sqlite", "wasmi-lazy") < compile("sqlite", "wasmtime-cranelift"));

    let io = cells(&r, "wasi-io");
    assert_eq!(io.len(), 10 * 4, "ten operations on four subjects");
    for c in io {
        assert_eq!(c.status, CellStatus::Ok, "{} on {}: {:?}", c.workload, c.engine, c.error);
        let ns = figure(c, "ns_per_op");
        assert!(ns.is_finite(), "{} on {}", c.workload, c.engine);
    }
    // Moving a MiB costs more than moving 4 KiB, on every subject.
    for e in ENGINES.split(',') {
        let op = |w: &str| figure(io.iter().find(|c| c.workload == w && c.engine == e).unwrap(), "ns_per_op");
        assert!(op("write 1 MiB") > op("write 4 KiB"), "{e}");
        assert!(io.iter().any(|c| c.engine == e && c.workload == "read 1 MiB" && figure(c, "mb_per_s") > 0.0));
    }

    let report = dir.path().join("report");
    let page = common::report_page(&out, &report);
    for needle in [
        "id=\"wasi-guests\"",
        "id=\"chart-compile-vs-size\" class=\"chart\"><svg",
        "id=\"chart-wasi-io\" class=\"chart\"><svg",
        "QuickJS-ng",
    ] {
        assert!(page.contains(needle), "the page lacks {needle}");
    }
    let claims = std::fs::read_to_string(report.join("summary.md")).unwrap();
    let row = claims
        .lines()
        .find(|l| l.contains("Heavy I/O through the boundary loses speed |"))
        .expect("the WASI I/O claim row");
    assert!(row.contains("write 1 MiB") && !row.contains("not measured"), "{row}");
    assert!(claims.contains("Heavy I/O through the boundary loses speed (memory round trip)"));
}

/// A program whose output differs from its native twin's fails its cell, with the reason, and
/// gives no number: here the manifest's expected stdout is altered, so every subject differs.
#[test]
fn a_run_that_differs_from_the_native_twin_fails_its_cell() {
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let copy = dir.path().join("corpus");
    copy_dir(&corpus.dir, &copy);
    let manifest_path = copy.join("manifest.json");
    let mut manifest: serde_json::Value = serde_json::from_slice(&std::fs::read(&manifest_path).unwrap()).unwrap();
    let modules = manifest["modules"].as_array_mut().unwrap();
    let wasi_io = modules.iter_mut().find(|m| m["name"] == "wasi_io").unwrap();
    wasi_io["wasi"]["expected"]["stdout"]["sha256"] = "0".repeat(64).into();
    std::fs::write(&manifest_path, serde_json::to_vec_pretty(&manifest).unwrap()).unwrap();

    let out = dir.path().join("wrong.json");
    let o = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--scenarios", "wasi-programs", "--workloads", "wasi_io", "--engines", "wasmi-lazy,native"])
        .arg("--corpus")
        .arg(&copy)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(3), "{}", String::from_utf8_lossy(&o.stderr));
    let r = results::ResultsFile::load(&out).unwrap();
    let c = cells(&r, "wasi-programs");
    assert_eq!(c.len(), 2);
    for cell in c {
        assert_eq!(cell.status, CellStatus::Failed, "{}", cell.engine);
        assert!(cell.error.as_deref().unwrap_or("").contains("wrong output"), "{:?}", cell.error);
        assert!(cell.figures.is_empty());
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}
