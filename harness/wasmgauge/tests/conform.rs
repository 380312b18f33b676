//! `wasmgauge conform`: small subsets of each part, run end to end through the binary (driver
//! processes included), then rendered by `report`.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use protocol::client::Launcher;
use protocol::conform::{ConformJob, WasiRunJob};
use protocol::wasi::{Preopen, WasiExit, WasiRequest};
use results::ResultsFile;
use results::conformance::Containment;
use std::path::Path;
use std::process::Command;

fn conform(args: &[&str], out: &Path) -> ResultsFile {
    let output =
        Command::new(env!("CARGO_BIN_EXE_wasmgauge")).arg("conform").args(args).arg("--out").arg(out).output().unwrap();
    common::results_written(&output, out)
}

#[test]
fn spec_subset_runs_on_every_configuration() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("spec.json");
    let r = conform(&["spec", "--suites", "wasm-v1,wasm-latest", "--files", "i32"], &out);
    assert_eq!(r.schema_version, results::SCHEMA_VERSION);
    let spec = r.conformance.unwrap().spec.unwrap();
    let engines: std::collections::BTreeSet<&str> = spec.files.iter().map(|f| f.engine.as_str()).collect();
    assert_eq!(engines.len(), common::conformance_ids().len(), "{engines:?}");
    assert!(engines.contains("wasmtime-cranelift@36"), "the LTS line is checked too: {engines:?}");
    for f in &spec.files {
        let expected = conform::spec::count_directives(conform::spec::file_text(&f.suite, &f.file).unwrap());
        assert_eq!(f.counts.total(), expected, "{f:?}");
        assert!(f.counts.pass > 100, "{f:?}");
        if f.engine == "wasmtime-cranelift" {
            assert_eq!(f.counts.fail + f.counts.crash + f.counts.timeout, 0, "{f:?}");
        }
    }
}

#[test]
fn hostile_guests_are_contained_and_a_hang_is_caught_by_the_watchdog() {
    let dir = tempfile::tempdir().unwrap();
    let cases = "infinite_loop,deep_recursion,hostile_host_pointer,memory_grow_past_cap,fill_past_end";
    let r = conform(&["sandbox", "--cases", cases], &dir.path().join("sandbox.json"));
    let s = r.conformance.unwrap().sandbox.unwrap();
    assert_eq!(s.cells.len(), 5 * common::conformance_ids().len());
    for c in &s.cells {
        // V8's JS API gives an embedder no memory cap: the guest grows its memory past the cap
        // until V8 refuses (near the worker's 3 GiB data limit) or the session's 1 s
        // deadline stops it, whichever comes first on the machine.
        if c.case == "memory_grow_past_cap" && c.engine.starts_with("v8-") {
            let uncapped = c.containment == Containment::NotContained && c.detail.contains("no memory cap");
            let stopped = c.containment == Containment::ContainedOther && c.detail.contains("deadline");
            assert!(uncapped || stopped, "{c:?}");
            continue;
        }
        assert_eq!(c.containment, Containment::Contained, "{c:?}");
    }
    // A guest looping in a slow host call: Wasmtime's epoch deadline stops it; wasmi has no
    // wall-clock interruption, so the watchdog kills its driver process and the cell says so.
    let r = conform(
        &["sandbox", "--cases", "slow_host_loop", "--engines", "wasmtime-cranelift,wasmi-eager", "--watchdog", "3"],
        &dir.path().join("hang.json"),
    );
    let s = r.conformance.unwrap().sandbox.unwrap();
    let by = |e: &str| s.cells.iter().find(|c| c.engine == e).unwrap().clone();
    assert_eq!(by("wasmtime-cranelift").containment, Containment::Contained, "{:?}", by("wasmtime-cranelift"));
    let wasmi = by("wasmi-eager");
    assert_eq!(wasmi.containment, Containment::NotContained, "{wasmi:?}");
    assert!(wasmi.detail.starts_with("hang"), "{wasmi:?}");
}

#[test]
fn wasi_grants_what_was_granted_and_the_probe_can_see_an_escape() {
    let corpus = common::corpus();
    let dir = tempfile::tempdir().unwrap();
    let r = conform(
        &[
            "wasi",
            "--corpus",
            corpus.dir.to_str().unwrap(),
            "--engines",
            "wasmtime-cranelift,wasmer-cranelift,wasmi-eager,v8-liftoff",
        ],
        &dir.path().join("wasi.json"),
    );
    let w = r.conformance.unwrap().wasi.unwrap();
    assert_eq!(w.cells.len(), 15 * 4);
    // Node.js 26.10's node:wasi lets a guest create a file outside its preopen through a
    // directory symlink named with a trailing slash (Node's documentation says node:wasi is not
    // a secure sandbox); the pinned Node fails that check, every other layer passes it.
    let node_escape = "escape through a directory symlink with a trailing slash";
    for c in &w.cells {
        if c.engine == "v8-liftoff" && c.check == node_escape {
            assert_eq!(c.verdict, "fail", "{c:?}");
            assert!(c.detail.contains("outside_dir"), "{c:?}");
            continue;
        }
        let always = c.check.starts_with("escape")
            || ["args", "env", "exit code", "read granted file"].contains(&c.check.as_str());
        if always {
            assert_eq!(c.verdict, "pass", "{c:?}");
        }
    }
    // Negative control: preopen the directory that holds the "outside" file and the same probe
    // reads it (exit 0), so the escape checks above can fail when a runtime lets a guest out.
    let root = tempfile::tempdir().unwrap();
    std::fs::write(root.path().join("outside.txt"), "visible").unwrap();
    let request = WasiRequest {
        args: ["wasi_probe", "read", "/sandbox/outside.txt", "visible"].map(String::from).to_vec(),
        env: vec![],
        preopens: vec![Preopen { host: root.path().to_path_buf(), guest: "/sandbox".into(), read_only: false }],
        stdio: None,
    };
    let job = ConformJob::WasiRun(WasiRunJob { wasm: corpus.dir.join("wasi_probe.wasm"), request });
    let subjects = wasmgauge::subjects::Subjects::default();
    let req = protocol::Request::Conform(protocol::ConformRequest { subject: "wasmtime-cranelift".into(), job });
    let exit: WasiExit =
        serde_json::from_value(subjects.call("wasmtime-cranelift", &req, std::time::Duration::from_secs(60)).unwrap())
            .unwrap();
    assert_eq!(exit, WasiExit::Code(0));
}

#[test]
fn random_modules_agree_and_the_report_renders_every_matrix() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("all.json");
    let corpus = common::corpus();
    let r = conform(
        &[
            "all",
            "--engines",
            "wasmtime-cranelift,wasmer-singlepass,wasmi-lazy",
            "--suites",
            "wasm-v2",
            "--files",
            "br_table",
            "--cases",
            "unreachable,divide_by_zero",
            "--seconds",
            "3",
            "--reproducers",
            dir.path().join("repro").to_str().unwrap(),
            "--corpus",
            corpus.dir.to_str().unwrap(),
        ],
        &out,
    );
    let c = r.conformance.unwrap();
    let d = c.differential.unwrap();
    assert!(d.modules >= 40 && d.agreed > 0, "{d:?}");
    assert!(d.disagreements.is_empty(), "{:?}", d.disagreements);
    assert!(c.spec.is_some() && c.sandbox.is_some() && c.wasi.is_some());

    let report = dir.path().join("report");
    let output = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["report", out.to_str().unwrap(), "--out", report.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let html = std::fs::read_to_string(report.join("index.html")).unwrap();
    let opts = roxmltree::ParsingOptions { allow_dtd: true, ..Default::default() };
    let doc = roxmltree::Document::parse_with_options(&html, opts).expect("the page is well-formed XML");
    let section = doc.descendants().find(|n| n.attribute("id") == Some("conformance")).expect("conformance section");
    let text: String = section.descendants().filter_map(|n| n.text()).collect();
    for needle in ["Spec testsuite", "Sandbox containment", "WASI capabilities", "Differential", "wasmi-lazy"] {
        assert!(text.contains(needle), "missing {needle}");
    }
    // The three conformance claims now have a verdict with a figure.
    let claims = doc.descendants().find(|n| n.attribute("id") == Some("claims")).unwrap();
    let claims_text: String = claims.descendants().filter_map(|n| n.text()).collect();
    assert!(claims_text.contains("guest × configuration cells contained"), "{claims_text}");
    assert!(claims_text.contains("checks × configurations passed"), "{claims_text}");
    let md = std::fs::read_to_string(report.join("summary.md")).unwrap();
    assert!(md.contains("### Sandbox containment") && md.contains("### Spec testsuite"), "{md}");
}

/// The WASI testsuite's sample (`../shared/wasi-testsuite`: its C and AssemblyScript preview 1
/// tests and 8 of its Rust ones) on one configuration of each WASI layer: every test is judged,
/// the basic ones pass everywhere; a specification that expects another exit code fails its test
/// with what differed, and the report draws the matrix with the failing test.
#[test]
fn the_wasi_testsuite_sample_is_judged_by_its_specifications() {
    let Some(sample) = common::shared("wasi-testsuite") else { return };
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("wasi-testsuite.json");
    let engines = "wasmtime-cranelift,wasmer-singlepass,wasmi-lazy,v8-liftoff";
    let r = conform(&["wasi-testsuite", sample.to_str().unwrap(), "--engines", engines], &out);
    let s = r.conformance.unwrap().wasi_testsuite.unwrap();
    // Wasmtime's WASI layer passes the whole sample (the suite's runtimes run it daily); the
    // others have failures of their own, each with what went wrong.
    let wasmtime: Vec<_> = s.cells.iter().filter(|c| c.engine == "wasmtime-cranelift").collect();
    assert!(wasmtime.iter().all(|c| c.verdict == "pass"), "{wasmtime:?}");
    assert!(s.cells.iter().filter(|c| c.verdict == "fail").all(|c| !c.detail.is_empty()));
    for engine in engines.split(',') {
        let mine: Vec<_> = s.cells.iter().filter(|c| c.engine == engine).collect();
        assert_eq!(mine.len(), 34, "{engine}: {mine:?}");
        for test in [
            "args_get-multiple-arguments",
            "environ_get-multiple-variables",
            "proc_exit-failure",
            "fd_write-to-stdout",
            "lseek",
        ] {
            let c = mine.iter().find(|c| c.test == test).unwrap();
            assert_eq!(c.verdict, "pass", "{c:?}");
        }
    }
    // One specification changed: proc_exit-failure exits 33, the copy expects 34.
    let tree = dir.path().join("tree/as");
    std::fs::create_dir_all(&tree).unwrap();
    let from = sample.join("assemblyscript/testsuite/wasm32-wasip1");
    for f in ["proc_exit-failure.wasm", "fd_write-to-stdout.wasm", "fd_write-to-stdout.json"] {
        std::fs::copy(from.join(f), tree.join(f)).unwrap();
    }
    std::fs::write(tree.join("proc_exit-failure.json"), r#"{"exit_code": 34}"#).unwrap();
    let out = dir.path().join("changed.json");
    let r = conform(&["wasi-testsuite", dir.path().join("tree").to_str().unwrap(), "--engines", "wasmi-lazy"], &out);
    let s = r.conformance.unwrap().wasi_testsuite.unwrap();
    let failed = s.cells.iter().find(|c| c.test == "proc_exit-failure").unwrap();
    assert_eq!(failed.verdict, "fail");
    assert!(failed.detail.contains("exit code 33 (expected 34)"), "{failed:?}");
    assert_eq!(s.cells.iter().find(|c| c.test == "fd_write-to-stdout").unwrap().verdict, "pass");
    let html = common::report_page(&out, &dir.path().join("report"));
    assert!(
        html.contains("WASI testsuite") && html.contains("as/proc_exit-failure") && html.contains("1/2"),
        "no matrix"
    );
}

/// The feature table is made from measurements: each proposal's probe on each configuration
/// (GC, which wasmi refuses, is shown unsupported there; Wasmtime runs every probe), with the
/// proposal's spec files behind a cell where the file has them; the report draws the table and
/// writes it as features.json (`null` where a configuration does not support a proposal).
#[test]
fn the_feature_table_shows_what_each_configuration_runs_and_refuses() {
    use results::feature_table::{PROPOSALS, Verdict};
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("features.json");
    let engines = "wasmtime-cranelift,wasmi-eager,v8-liftoff";
    conform(&["features", "--engines", engines], &out);
    let added = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["conform", "spec", "--suites", "proposals/gc", "--files", "i31", "--engines", engines, "--into"])
        .arg(&out)
        .output()
        .unwrap();
    let r = common::results_written(&added, &out);
    let conf = r.conformance.as_ref().unwrap();
    let probes = &conf.features.as_ref().unwrap().probes;
    assert_eq!(probes.len(), PROPOSALS.len() * 3, "{probes:?}");
    for p in probes.iter().filter(|p| p.engine == "wasmtime-cranelift") {
        assert!(p.passed, "Wasmtime runs the {} probe: {}", p.proposal, p.detail);
    }
    let described: Vec<_> =
        r.engines.iter().map(|e| (e.id.as_str(), e.runtime_version.as_str(), e.capabilities.as_ref())).collect();
    let rows = results::feature_table::table(conf, &described).unwrap();
    let cell = |engine: &str, proposal: &str| {
        let row = rows.iter().find(|r| r.engine == engine).unwrap();
        row.cells.iter().find(|c| c.proposal == proposal).unwrap().clone()
    };
    let refused = cell("wasmi-eager", "gc");
    assert_eq!(refused.verdict, Verdict::Unsupported, "{refused:?}");
    assert!(refused.probe.as_ref().is_some_and(|(passed, _)| !passed), "{refused:?}");
    let gc = cell("wasmtime-cranelift", "gc");
    assert_eq!(gc.verdict, Verdict::Supported, "{gc:?}");
    assert!(gc.spec.is_some_and(|s| s.passed >= 1 && s.failed == 0), "{gc:?}");
    assert_eq!(cell("wasmtime-cranelift", "component-model").verdict, Verdict::Supported);
    assert_eq!(cell("wasmi-eager", "component-model").verdict, Verdict::Unsupported);
    let html = common::report_page(&out, &dir.path().join("report"));
    assert!(html.contains("id=\"features\"") && html.contains("Feature table"), "no feature table");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.path().join("report/features.json")).unwrap()).unwrap();
    let wasmi = &json["configurations"]["wasmi-eager"]["features"];
    assert_eq!(wasmi["gc"], serde_json::Value::Null, "{wasmi}");
    assert!(json["configurations"]["wasmtime-cranelift"]["features"]["simd"].is_string(), "{json}");
    assert_eq!(json["configurations"]["wasmi-eager"]["evidence"]["gc"]["verdict"], "unsupported");
}
