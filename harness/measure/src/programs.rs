//! The corpus's WASI programs as the scenarios that run them take them (`wasi-programs`,
//! `wasi-io`, `cold-start`): where a program's module, native twin and data directory are,
//! what its native twin did when the corpus was built, which subjects take part, and the
//! check of a run's output against the twin's.
use crate::features::needed_proposals;
use crate::scenario::RunPlan;
use anyhow::{Context, Result, anyhow, bail};
use results::manifest::{ModuleEntry, ModuleKind};
use results::wasi_command::Observed;
use results::{Features, SubjectKind};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// One WASI program of the corpus, as a cell takes it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Program {
    /// The program's name (`sqlite`).
    pub name: String,
    /// Its module in the corpus.
    pub wasm: PathBuf,
    /// The module's size.
    pub module_bytes: u64,
    /// Its native twin's executable.
    pub native: PathBuf,
    /// Its data directory in the corpus; every run gets a fresh copy.
    pub data_dir: PathBuf,
    /// Where the guest sees the data directory.
    pub guest_dir: String,
    /// Arguments after the program name; `{dir}` is the data directory.
    pub args: Vec<String>,
    /// What the native twin did when the corpus was built.
    pub expected: Observed,
    /// The proposals the module needs: each configuration is built with exactly these.
    pub features: Features,
}

impl Program {
    /// The corpus's WASI programs among `modules`.
    pub fn all_in(run: &RunPlan) -> Result<Vec<Program>> {
        run.workloads.iter().filter(|m| m.kind == ModuleKind::WasiProgram).map(|m| Program::of(run, m)).collect()
    }

    fn of(run: &RunPlan, m: &ModuleEntry) -> Result<Program> {
        let w =
            m.wasi.as_ref().ok_or_else(|| anyhow!("`{}` is a WASI program without its run in the manifest", m.name))?;
        let wasm = run.corpus_dir.join(&m.file);
        let bytes = std::fs::read(&wasm).with_context(|| format!("reading {}", wasm.display()))?;
        Ok(Program {
            name: m.name.clone(),
            wasm,
            module_bytes: m.bytes as u64,
            native: run.corpus_dir.join(&w.native),
            data_dir: run.corpus_dir.join(&w.data_dir),
            guest_dir: w.guest_dir.clone(),
            args: w.args.clone(),
            expected: w.expected.clone(),
            features: needed_proposals(&bytes),
        })
    }

    /// The cell timeout for a module this big: compiling takes up to 4 s per MB here.
    pub fn timeout(&self, base: Duration) -> Duration {
        base + Duration::from_secs(4 * self.module_bytes.div_ceil(1 << 20))
    }
}

/// Whether a subject takes part: a configuration with a WASI layer, or the native baseline
/// (the programs' native twins).
pub fn takes_part(s: &results::EngineInfo) -> Option<bool> {
    let c = s.capabilities.as_ref()?;
    if c.kind == SubjectKind::Native {
        Some(true)
    } else if c.wasi.is_some() {
        Some(false)
    } else {
        None
    }
}

/// An error when `got` differs from `want` (exit code, stdout or files), saying how.
pub fn check(got: &Observed, want: &Observed, what: &str) -> Result<()> {
    if got.agrees_with(want) {
        return Ok(());
    }
    let mut why = Vec::new();
    if got.exit_code != want.exit_code {
        why.push(format!("exit code {} (native twin: {})", got.exit_code, want.exit_code));
    }
    if got.stdout.sha256 != want.stdout.sha256 {
        why.push(format!(
            "stdout {} bytes, first line `{}` (native twin: {} bytes, `{}`)",
            got.stdout.bytes,
            got.stdout.head.first().map(String::as_str).unwrap_or(""),
            want.stdout.bytes,
            want.stdout.head.first().map(String::as_str).unwrap_or("")
        ));
    }
    if got.files != want.files {
        let names = |o: &Observed| o.files.iter().map(|f| f.path.clone()).collect::<Vec<_>>().join(", ");
        why.push(format!("files [{}] differ from the native twin's [{}]", names(got), names(want)));
    }
    if got.exit_code != want.exit_code && !got.stderr.head.is_empty() {
        why.push(format!("stderr: {}", got.stderr.head.join(" / ")));
    }
    bail!("{what}: wrong output: {}", why.join("; "))
}
