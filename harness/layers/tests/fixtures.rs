//! The check's self-test: a clean tree passes, and each planted fault (a folder under
//! `tests/fixtures/` laid over a copy of `clean/`) makes it fail with the message that names it.
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
use std::path::{Path, PathBuf};

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

fn copy_into(from: &Path, to: &Path) {
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            std::fs::create_dir_all(&target).unwrap();
            copy_into(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

/// The clean tree with `fault` laid over it, checked.
fn check_with(fault: Option<&str>) -> Vec<String> {
    let dir = tempfile::tempdir().unwrap();
    copy_into(&fixtures().join("clean"), dir.path());
    if let Some(f) = fault {
        copy_into(&fixtures().join(f), dir.path());
    }
    wasmgauge_layers::check(dir.path()).unwrap().errors
}

fn assert_fails(fault: &str, wants: &[&str]) {
    let errors = check_with(Some(fault));
    assert!(!errors.is_empty(), "{fault}: the check passed over a planted fault");
    for want in wants {
        assert!(errors.iter().any(|e| e.contains(want)), "{fault}: no error says `{want}`: {errors:#?}");
    }
}

#[test]
fn the_clean_tree_passes() {
    let dir = tempfile::tempdir().unwrap();
    copy_into(&fixtures().join("clean"), dir.path());
    let report = wasmgauge_layers::check(dir.path()).unwrap();
    assert_eq!(report.errors, Vec::<String>::new());
    // It did read what it passed: both harness crates' modules and their references.
    assert_eq!(report.runtimes, ["fakert"]);
    assert!(report.modules >= 6, "{report:?}");
    assert!(report.references >= 3, "{report:?}");
}

#[test]
fn a_planted_module_circle_fails() {
    assert_fails(
        "module-circle",
        &["import circle between modules a -> b (a.rs:5 `crate::b::make`) -> a (b.rs:2 `crate::Thing`)"],
    );
}

#[test]
fn a_string_continuation_before_real_imports_does_not_hide_them() {
    assert_fails(
        "string-continuation",
        &["import circle between modules cli -> run (cli.rs:9 `crate::run::go`) -> cli (run.rs:7 `crate::cli::parse`)"],
    );
}

#[test]
fn a_planted_upward_crate_import_fails() {
    assert_fails("upward-import", &["fixture-low (harness/low) depends on fixture-high"]);
}

#[test]
fn a_runtime_crate_named_by_a_harness_crate_fails() {
    assert_fails(
        "runtime-in-harness",
        &["fixture-high (harness/high) names the runtime crate fakert in [dev-dependencies]"],
    );
}

#[test]
fn a_runtime_crate_in_the_harness_lockfile_fails() {
    assert_fails("runtime-in-lock", &["Cargo.lock holds the runtime crate fakert"]);
}

#[test]
fn a_driver_without_declared_runtimes_fails() {
    assert_fails("undeclared-runtime", &["fixture-driver-rt (harness/drivers/rt) declares no runtimes"]);
}

#[test]
fn a_workload_depending_on_the_harness_fails() {
    assert_fails("workload-upward", &["fixture-guest (workloads/guest) depends on fixture-high, a harness crate"]);
}

#[test]
fn architecture_md_drifting_from_the_table_fails() {
    assert_fails("table-drift", &["ARCHITECTURE.md says `fixture-low` may depend on {}"]);
}

#[test]
fn a_separate_module_naming_its_sibling_fails() {
    assert_fails("sibling-import", &["cmds::two names cmds::one (two.rs:3 `super::one::one`)"]);
}
