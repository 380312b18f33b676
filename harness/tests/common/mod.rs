//! Helpers shared by the integration tests: one corpus built per test binary.
#![allow(dead_code)]
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use wasmgauge::corpus::Corpus;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..").canonicalize().unwrap()
}

/// Builds the corpus once into a temporary directory that lives as long as the test binary.
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<(tempfile::TempDir, Corpus)> = OnceLock::new();
    &CORPUS
        .get_or_init(|| {
            // Tests find the runner binary cargo built for them.
            unsafe { std::env::set_var("WASMGAUGE_RUNNER", env!("CARGO_BIN_EXE_wasmgauge-runner")) };
            unsafe { std::env::set_var("WASMGAUGE_ONCE", env!("CARGO_BIN_EXE_wasmgauge-once")) };
            let dir = tempfile::tempdir().unwrap();
            let corpus = wasmgauge::corpus::build(&repo_root(), dir.path()).expect("corpus builds");
            (dir, corpus)
        })
        .1
}

/// Runs `wasmgauge run ARGS` on the test corpus, writing to `out`; panics unless it exits 0.
pub fn run_to(args: &[&str], out: &Path) -> wasmgauge::results::ResultsFile {
    let corpus = corpus();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .arg("run")
        .args(args)
        .arg("--corpus")
        .arg(&corpus.dir)
        .arg("--out")
        .arg(out)
        .env("WASMGAUGE_RUNNER", env!("CARGO_BIN_EXE_wasmgauge-runner"))
        .env("WASMGAUGE_ONCE", env!("CARGO_BIN_EXE_wasmgauge-once"))
        .output()
        .unwrap();
    results_written(&output, out)
}

/// Panics (with the command's output) unless it exited 0; then loads the results it wrote.
pub fn results_written(output: &std::process::Output, out: &Path) -> wasmgauge::results::ResultsFile {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    wasmgauge::results::ResultsFile::load(out).unwrap()
}
