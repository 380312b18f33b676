//! Helpers shared by the integration tests: one corpus built per test binary. The tests run the
//! `wasmgauge` binary, which launches the driver executables built beside it
//! (`scripts/build-drivers.sh`, run by `scripts/test.sh` before the tests).
#![allow(clippy::unwrap_used)] // test code: a panic is how it fails
#![allow(dead_code)]
use results::ResultsFile;
use results::manifest::Corpus;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

/// `rel` inside `../shared/` beside the clone (the peer suites' samples CI has there), or `None`
/// after saying on stderr that the test that asked is skipped: a user's clone has no `shared/`.
pub fn shared(rel: &str) -> Option<PathBuf> {
    let path = repo_root().join("../shared").join(rel);
    if path.exists() {
        return Some(path);
    }
    eprintln!(
        "skipped: {} is absent (the peer suites' samples are beside the project's CI clone only)",
        path.display()
    );
    None
}

/// Builds the corpus once into a temporary directory that lives as long as the test binary.
pub fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<(tempfile::TempDir, Corpus)> = OnceLock::new();
    &CORPUS
        .get_or_init(|| {
            let dir = tempfile::tempdir().unwrap();
            let corpus = wasmgauge::corpus::build(&repo_root(), dir.path()).expect("corpus builds");
            (dir, corpus)
        })
        .1
}

/// Runs `wasmgauge run ARGS` on the test corpus, writing to `out`; panics unless it exits 0.
pub fn run_to(args: &[&str], out: &Path) -> ResultsFile {
    let corpus = corpus();
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .arg("run")
        .args(args)
        .arg("--corpus")
        .arg(&corpus.dir)
        .arg("--out")
        .arg(out)
        .output()
        .unwrap();
    results_written(&output, out)
}

/// Panics (with the command's output) unless it exited 0; then loads the results it wrote.
pub fn results_written(output: &std::process::Output, out: &Path) -> ResultsFile {
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}\n{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    ResultsFile::load(out).unwrap()
}

/// The WebAssembly subjects of the registry, in registry order.
pub fn wasm_ids() -> Vec<String> {
    let s = wasmgauge::subjects::Subjects::default();
    s.all().iter().filter(|s| s.capabilities().is_wasm()).map(|s| s.id()).collect()
}

/// The WebAssembly configurations with a conformance side (spec, sandbox and WASI checks).
pub fn conformance_ids() -> Vec<String> {
    let s = wasmgauge::subjects::Subjects::default();
    s.all().iter().filter(|s| s.capabilities().is_wasm() && s.capabilities().conformance).map(|s| s.id()).collect()
}

/// The WebAssembly configurations `run --module F --export E` measures when `--engines` is not
/// given: all but those measured only when named and those outside single-call timing (V8).
pub fn export_call_ids() -> Vec<String> {
    let s = wasmgauge::subjects::Subjects::default();
    s.all()
        .iter()
        .filter(|s| s.capabilities().is_wasm() && s.capabilities().takes_part_in("export-call"))
        .filter(|s| s.only_when_named.is_none())
        .map(|s| s.id())
        .collect()
}

/// The WebAssembly configurations a quick run measures when `--engines` is not given (the
/// registry's quick default set: no second version line).
pub fn quick_wasm_ids() -> Vec<String> {
    let s = wasmgauge::subjects::Subjects::default();
    let quick = s.resolve_for(results::plans::ProfileName::Quick, &[]).unwrap();
    quick.iter().filter(|s| s.capabilities().is_wasm()).map(|s| s.id()).collect()
}

/// Renders `results` with `wasmgauge report` into `out_dir` (panics unless it exits 0) and
/// returns the page.
pub fn report_page(results: &Path, out_dir: &Path) -> String {
    let o = std::process::Command::new(env!("CARGO_BIN_EXE_wasmgauge"))
        .arg("report")
        .arg(results)
        .arg("--out")
        .arg(out_dir)
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(out_dir.join("index.html")).unwrap()
}
