//! The `wasmgauge` command end to end: clear errors for bad input, isolation of guests that
//! crash or hang, bring-your-own modules, and a reproducible corpus.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
mod common;

use results::{CellStatus, ResultsFile};
use std::path::Path;
use std::process::{Command, Output};

fn wasmgauge(args: &[&str]) -> Output {
    let corpus = common::corpus();
    Command::new(env!("CARGO_BIN_EXE_wasmgauge")).args(args).current_dir(corpus.dir.parent().unwrap()).output().unwrap()
}

fn corpus_arg() -> String {
    common::corpus().dir.display().to_string()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

#[test]
fn unknown_engine_is_a_clear_error() {
    let out = wasmgauge(&["run", "--corpus", &corpus_arg(), "--engines", "wasmtime-cranelift,v8"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown engine `v8`") && err.contains("wasmer-singlepass"), "{err}");
}

#[test]
fn unknown_workload_is_a_clear_error() {
    let out = wasmgauge(&["run", "--corpus", &corpus_arg(), "--workloads", "fib,quicksort"]);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("unknown workload `quicksort`") && err.contains("markdown"), "{err}");
}

#[test]
fn missing_or_corrupt_corpus_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = wasmgauge(&["run", "--corpus", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("wasmgauge corpus build"), "{}", stderr(&out));
    std::fs::write(dir.path().join("manifest.json"), "{ not json").unwrap();
    let out = wasmgauge(&["corpus", "list", "--corpus", &dir.path().display().to_string()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("corrupt corpus manifest"), "{}", stderr(&out));
}

#[test]
fn malformed_module_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.wasm");
    std::fs::write(&bad, b"\0asm\x01\0\0\0\x01\x05\x01\x60\x00").unwrap();
    let out = wasmgauge(&["run", "--module", &bad.display().to_string(), "--export", "run"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("malformed module"), "{}", stderr(&out));
    let out = wasmgauge(&["run", "--module", "/nonexistent/x.wasm", "--export", "run"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn usage_errors_exit_2_and_help_explains() {
    let out = wasmgauge(&["run", "--profile", "slow"]);
    assert_eq!(out.status.code(), Some(2));
    let help = String::from_utf8_lossy(&wasmgauge(&["--help"]).stdout).into_owned();
    assert!(help.contains("Exit codes") && help.contains("corpus build"), "{help}");
    let run_help = String::from_utf8_lossy(&wasmgauge(&["run", "--help"]).stdout).into_owned();
    assert!(run_help.contains("--module") && run_help.contains("engine-create"), "{run_help}");
}

/// A guest that traps and one that loops forever fail their cells (in wasm engines and in both
/// baselines) while the run completes, the good cells keep their numbers, and the results file
/// holds every cell.
#[test]
fn trapping_and_hanging_guests_fail_only_their_cells() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("r.json");
    let out = wasmgauge(&[
        "run",
        "--corpus",
        &corpus_arg(),
        "--workloads",
        "trap,fib,hang",
        "--engines",
        "wasmtime-cranelift,wasmi-lazy,native,subprocess",
        "--timeout",
        "3",
        "--out",
        &out_path.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    let results = ResultsFile::load(&out_path).unwrap();
    assert!(results.complete);
    let cells = &results.scenarios.throughput.as_ref().unwrap().cells;
    assert_eq!(cells.len(), 12);
    for c in cells {
        let err = c.error.clone().unwrap_or_default();
        match c.workload.as_str() {
            "fib" => assert!(c.status == CellStatus::Ok && c.measurement.as_ref().unwrap().verified_calls > 0, "{c:?}"),
            "trap" => {
                assert_eq!(c.status, CellStatus::Failed);
                let expect = match c.engine.as_str() {
                    "native" => "driver crashed",
                    "subprocess" => "runner process ended",
                    _ => "unreachable",
                };
                assert!(err.contains(expect), "{}: {err}", c.engine);
            }
            "hang" => {
                assert_eq!(c.status, CellStatus::Failed);
                assert!(err.contains("timed out after 3 s"), "{}: {err}", c.engine);
            }
            other => panic!("unexpected workload {other}"),
        }
    }
    let table = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(table.contains("FAILED") && table.contains("fib/small"), "{table}");
}

#[test]
fn bring_your_own_module_runs_everywhere_and_engines_agree() {
    let dir = tempfile::tempdir().unwrap();
    let out_path = dir.path().join("m.json");
    let module = common::repo_root().join("workloads/wat/add4.wat");
    let out = wasmgauge(&[
        "run",
        "--module",
        &module.display().to_string(),
        "--export",
        "add4",
        "--arg",
        "7",
        "--arg",
        "-3",
        "--arg",
        "11",
        "--arg",
        "85",
        "--out",
        &out_path.display().to_string(),
    ]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(stdout.contains("82:i64") && stdout.contains("all engines that ran agree"), "{stdout}");
    let results = ResultsFile::load(&out_path).unwrap();
    let section = results.scenarios.export_call.unwrap();
    assert!(section.engines_agree);
    assert_eq!(section.cells.len(), common::export_call_ids().len());

    let out = wasmgauge(&["run", "--module", &module.display().to_string(), "--export", "add4", "--arg", "1"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("takes 4 argument(s)"), "{}", stderr(&out));
}

/// `engines --json` lists every subject of the registry (the default versions, the Wasmtime LTS
/// line as `@36`, the baselines), each with its driver, the driver's sha256, its runtime
/// version read from the driver's Cargo.lock, its declared capabilities and every knob.
#[test]
fn engines_lists_every_configuration_with_its_knobs() {
    let out = wasmgauge(&["engines", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let infos: Vec<results::EngineInfo> = serde_json::from_slice(&out.stdout).unwrap();
    let ids: Vec<&str> = infos.iter().map(|i| i.id.as_str()).collect();
    assert_eq!(ids, wasmgauge::subjects::Subjects::default().ids());
    for id in ["wasmtime-cranelift", "wasmer-singlepass", "wasmi-lazy", "wasmtime-cranelift@36", "wasmtime-pulley@36"] {
        assert!(ids.contains(&id), "{id} missing from {ids:?}");
    }
    for i in &infos {
        assert_ne!(i.runtime, "unavailable", "{}: {}", i.id, i.description);
        assert_eq!(i.driver_sha256.as_ref().map(String::len), Some(64), "{}", i.id);
        assert!(i.capabilities.is_some(), "{}", i.id);
        if i.is_baseline() {
            continue;
        }
        for knob in ["compiler", "compile_threads", "cache", "fuel", "epoch_interruption", "bounds_checks"] {
            assert!(
                i.knobs.contains_key(knob) || (knob == "compiler" && i.runtime == "wasmi"),
                "{} lacks {knob}",
                i.id
            );
        }
        assert_ne!(i.runtime_version, "unknown");
    }
    let version = |id: &str| infos.iter().find(|i| i.id == id).unwrap().runtime_version.clone();
    let patch = |v: &str| v.strip_prefix("48.0.").and_then(|p| p.parse::<u32>().ok());
    assert!(patch(&version("wasmtime-cranelift")).is_some_and(|p| p > 0), "{}", version("wasmtime-cranelift"));
    assert!(version("wasmtime-cranelift@36").starts_with("36.0."), "{}", version("wasmtime-cranelift@36"));
    assert_eq!(version("wasmer-cranelift"), "7.4.2");
    assert_eq!(version("wasmi-eager"), "2.0.0");
    // Components: every Wasmtime configuration of both lines hosts them natively and V8's through
    // jco (and their knobs say how); every other configuration says why it does not.
    // (runtime, what its `components` knob names)
    let hosting = [("wasmtime", "component-model-async"), ("v8", "@bytecodealliance/jco-transpile")];
    for i in &infos {
        let caps = i.capabilities.as_ref().unwrap();
        let how = hosting.iter().find(|(runtime, _)| *runtime == i.runtime).map(|(_, how)| *how);
        match &caps.components {
            Some(results::ComponentSupport::Hosted(_)) => {
                let how = how.unwrap_or_else(|| panic!("{}: runtime {} hosts components", i.id, i.runtime));
                assert!(i.knobs.get("components").is_some_and(|k| k.contains(how)), "{}: {:?}", i.id, i.knobs);
            }
            Some(results::ComponentSupport::Unsupported(why)) => {
                assert!(how.is_none(), "{}", i.id);
                assert!(!why.is_empty(), "{}", i.id);
            }
            None => panic!("{} declares nothing about components", i.id),
        }
        // The plugin kit: Extism, on a Wasmtime of its own (its knobs name the version).
        if caps.hosts_plugins() {
            assert_eq!((i.id.as_str(), i.runtime.as_str(), i.runtime_version.as_str()), ("extism", "extism", "1.30.0"));
            assert!(i.knobs.get("wasmtime").is_some_and(|k| k.starts_with("43.")), "{:?}", i.knobs);
            assert_eq!(caps.scenarios.as_deref(), Some(&[results::ids::PLUGIN_CALLS.to_string()][..]));
        }
    }
    assert_eq!(infos.iter().filter(|i| i.capabilities.as_ref().unwrap().hosts_plugins()).count(), 1);
}

/// Drivers are found where `WASMGAUGE_DRIVERS` says; a missing one is named, with how to build it.
#[test]
fn a_driver_that_is_not_built_is_a_clear_error() {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["run", "--corpus", &corpus_arg(), "--engines", "wasmi-eager", "--workloads", "fib"])
        .env("WASMGAUGE_DRIVERS", empty.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("the wasmi driver is not built") && err.contains("scripts/build-drivers.sh wasmi"), "{err}");
    let out = wasmgauge(&["drivers", "--engines", "wasmi-lazy,wasmtime-winch@36,native"]);
    assert_eq!(String::from_utf8_lossy(&out.stdout).trim(), "wasmtime-36 wasmi native");
}

/// Two builds of the corpus, the second with a fresh cargo target directory so every guest is
/// compiled again, give byte-identical manifests (and so identical module hashes).
#[test]
fn corpus_manifest_is_identical_across_two_builds() {
    let first = common::corpus();
    let second_dir = tempfile::tempdir().unwrap();
    let target = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .args(["corpus", "build", "--out"])
        .arg(second_dir.path())
        .arg("--source")
        .arg(common::repo_root())
        .env("CARGO_TARGET_DIR", target.path())
        .status()
        .unwrap();
    assert!(status.success());
    let a = std::fs::read_to_string(first.dir.join("manifest.json")).unwrap();
    let b = std::fs::read_to_string(second_dir.path().join("manifest.json")).unwrap();
    assert_eq!(a, b);
    let listed = wasmgauge(&["corpus", "list", "--json", "--corpus", &second_dir.path().display().to_string()]);
    assert!(listed.status.success());
    let manifest: serde_json::Value = serde_json::from_slice(&listed.stdout).unwrap();
    assert_eq!(manifest["modules"].as_array().unwrap().len(), first.manifest.modules.len());
    assert!(Path::new(&second_dir.path().join("regex.wasm")).exists());
}
