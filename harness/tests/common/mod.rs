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
            let dir = tempfile::tempdir().unwrap();
            let corpus = wasmgauge::corpus::build(&repo_root(), dir.path()).expect("corpus builds");
            (dir, corpus)
        })
        .1
}
