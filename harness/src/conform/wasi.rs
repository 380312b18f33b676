//! `conform wasi`: the WASI probe guest (`workloads/rust/wasi_probe`, built for `wasm32-wasip1`
//! into the corpus as `wasi_probe.wasm`) run under each runtime's WASI layer, one action per
//! run, against a fresh directory tree:
//!
//! ```text
//! root/outside.txt          a file the guest must never read or change
//! root/outside_dir/         a directory the guest must never write into
//! root/sandbox/             preopened read-write as /sandbox
//!   granted.txt             readable
//!   link_out -> ../outside.txt        a planted symlink out of the preopen
//!   linkdir  -> ../outside_dir        a planted directory symlink out of it
//! root/ro/                  preopened read-only as /ro (only in the read-only checks)
//!   ro.txt
//! ```
//!
//! After every run the harness checks the host filesystem: `outside.txt` unchanged,
//! `outside_dir` empty, nothing created in `ro/`.

use crate::engines::wasi::{Preopen, WasiExit, WasiRequest};
use crate::output::new_table;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The probe's file name in the corpus.
pub const PROBE_FILE: &str = "wasi_probe.wasm";
const GRANTED_TEXT: &str = "hello wasmgauge";
const OUTSIDE_TEXT: &str = "outside: do not touch";
const RO_TEXT: &str = "read only";

/// One WASI check on one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct WasiCell {
    pub check: String,
    pub engine: String,
    /// What the check expects, e.g. `exit 0, file written` or `denied`.
    pub expected: String,
    /// `pass`, `fail` or `unsupported`.
    pub verdict: String,
    pub detail: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct WasiSection {
    /// sha256 of the probe module.
    pub probe_sha256: String,
    pub cells: Vec<WasiCell>,
}

impl WasiSection {
    /// The first cell of each check, in the order the checks ran (the rows of every table).
    pub fn checks(&self) -> Vec<&WasiCell> {
        let mut out: Vec<&WasiCell> = Vec::new();
        for c in &self.cells {
            if !out.iter().any(|x| x.check == c.check) {
                out.push(c);
            }
        }
        out
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WasiJob {
    pub engine: String,
    pub probe: PathBuf,
}

/// What a check expects of the guest.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Want {
    /// Exit code 0 (and, for writes, the file written with the text).
    Granted,
    /// Exit code 1: the WASI layer refused.
    Denied,
    /// This exit code.
    Exit(i32),
}

struct Check {
    name: &'static str,
    args: Vec<String>,
    want: Want,
    read_only_preopen: bool,
    /// A file (relative to the root) that must hold this text afterwards.
    written: Option<(&'static str, &'static str)>,
}

fn checks(root: &Path) -> Vec<Check> {
    let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
    let outside_abs = root.join("outside.txt").display().to_string();
    let c = |name, args: Vec<String>, want| Check { name, args, want, read_only_preopen: false, written: None };
    vec![
        c("read granted file", s(&["read", "/sandbox/granted.txt", GRANTED_TEXT]), Want::Granted),
        Check {
            written: Some(("sandbox/new.txt", "written")),
            ..c("write granted file", s(&["write", "/sandbox/new.txt", "written"]), Want::Granted)
        },
        Check {
            read_only_preopen: true,
            ..c("read in read-only preopen", s(&["read", "/ro/ro.txt", RO_TEXT]), Want::Granted)
        },
        Check {
            read_only_preopen: true,
            ..c("write into read-only preopen", s(&["write", "/ro/new.txt", "x"]), Want::Denied)
        },
        c("escape with ../ (read)", s(&["read", "/sandbox/../outside.txt", OUTSIDE_TEXT]), Want::Denied),
        c("escape with ../ (write)", s(&["write", "/sandbox/../outside.txt", "pwned"]), Want::Denied),
        c("escape with an absolute host path", vec!["read".into(), outside_abs, OUTSIDE_TEXT.into()], Want::Denied),
        c("escape through a planted symlink (read)", s(&["read", "/sandbox/link_out", OUTSIDE_TEXT]), Want::Denied),
        c("escape through a planted symlink (write)", s(&["write", "/sandbox/link_out", "pwned"]), Want::Denied),
        c(
            "escape through a directory symlink with a trailing slash",
            s(&["create-in", "/sandbox/linkdir/"]),
            Want::Denied,
        ),
        c("args", s(&["args", "alpha", "beta gamma"]), Want::Granted),
        c("env", s(&["env", "WG_PROBE", "forty two"]), Want::Granted),
        c("clocks (wall after 2020, monotonic)", s(&["clock"]), Want::Granted),
        c("random (two draws differ)", s(&["random"]), Want::Granted),
        c("exit code", s(&["exit", "7"]), Want::Exit(7)),
    ]
}

fn describe(c: &Check) -> String {
    match (c.want, c.written) {
        (Want::Granted, Some((f, t))) => format!("exit 0; {f} holds \"{t}\""),
        (Want::Granted, None) => "exit 0".into(),
        (Want::Denied, _) => "denied (exit 1), nothing outside touched".into(),
        (Want::Exit(n), _) => format!("exit {n}"),
    }
}

/// Lays out the directory tree of one check.
fn layout(root: &Path) -> Result<()> {
    std::fs::write(root.join("outside.txt"), OUTSIDE_TEXT)?;
    std::fs::create_dir(root.join("outside_dir"))?;
    std::fs::create_dir(root.join("sandbox"))?;
    std::fs::write(root.join("sandbox/granted.txt"), GRANTED_TEXT)?;
    std::os::unix::fs::symlink("../outside.txt", root.join("sandbox/link_out"))?;
    std::os::unix::fs::symlink("../outside_dir", root.join("sandbox/linkdir"))?;
    std::fs::create_dir(root.join("ro"))?;
    std::fs::write(root.join("ro/ro.txt"), RO_TEXT)?;
    Ok(())
}

/// What the host filesystem shows was touched outside what the guest was granted.
fn violations(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    match std::fs::read_to_string(root.join("outside.txt")) {
        Ok(t) if t == OUTSIDE_TEXT => {}
        Ok(t) => out.push(format!("outside.txt was changed to {t:?}")),
        Err(e) => out.push(format!("outside.txt is gone: {e}")),
    }
    if std::fs::read_dir(root.join("outside_dir")).map(|d| d.count()).unwrap_or(0) > 0 {
        out.push("a file was created in outside_dir".into());
    }
    if root.join("ro/new.txt").exists() {
        out.push("a file was created in the read-only preopen".into());
    }
    out
}

/// Runs check number `index` in a fresh directory tree.
fn run_check(engine: &dyn crate::engines::Engine, wasm: &[u8], index: usize) -> Result<WasiCell> {
    let dir = tempfile::tempdir()?;
    let root = dir.path().canonicalize()?;
    layout(&root)?;
    let all = checks(&root);
    let check = &all[index];
    let args = check.args.clone();
    let mut preopens = vec![Preopen { host: root.join("sandbox"), guest: "/sandbox".into(), read_only: false }];
    if check.read_only_preopen {
        preopens.push(Preopen { host: root.join("ro"), guest: "/ro".into(), read_only: true });
    }
    let mut argv = vec!["wasi_probe".to_string()];
    argv.extend(args);
    let request = WasiRequest { args: argv, env: vec![("WG_PROBE".into(), "forty two".into())], preopens };
    let exit = match crate::engines::conformance(engine) {
        Ok(c) => c.run_wasi(wasm, &request),
        Err(e) => WasiExit::Unsupported(e.to_string()),
    };
    let broken = violations(&root);
    let (verdict, detail) = match (&exit, check.want) {
        (_, _) if !broken.is_empty() => ("fail", format!("host filesystem changed: {}", broken.join("; "))),
        (WasiExit::Unsupported(m), _) => ("unsupported", m.clone()),
        (WasiExit::Error(m), _) => ("fail", format!("the runtime failed: {m}")),
        (WasiExit::Code(0), Want::Granted) => match check.written {
            Some((f, t)) => match std::fs::read_to_string(root.join(f)) {
                Ok(got) if got == t => ("pass", format!("exit 0; {f} written")),
                other => ("fail", format!("exit 0 but {f} holds {other:?}")),
            },
            None => ("pass", "exit 0".into()),
        },
        (WasiExit::Code(1), Want::Denied) => ("pass", "denied (exit 1)".into()),
        (WasiExit::Code(n), Want::Exit(m)) if *n == m => ("pass", format!("exit {n}")),
        (WasiExit::Code(n), _) => (
            "fail",
            match n {
                0 => "the guest succeeded where it should have been denied".to_string(),
                1 => "the WASI layer refused a granted operation".to_string(),
                2 => "the guest got a wrong answer".to_string(),
                _ => format!("exit {n}"),
            },
        ),
    };
    Ok(WasiCell {
        check: check.name.into(),
        engine: engine.info().id.clone(),
        expected: describe(check),
        verdict: verdict.into(),
        detail: detail.chars().take(300).collect(),
    })
}

/// Runs every check on one configuration, in this process (the worker calls it).
pub fn run_engine(job: &WasiJob) -> Result<Vec<WasiCell>> {
    let wasm = std::fs::read(&job.probe).with_context(|| format!("reading {}", job.probe.display()))?;
    let engine = crate::engines::make(&job.engine, &crate::engines::EngineOptions::default())?;
    (0..checks(Path::new("/")).len()).map(|i| run_check(&*engine, &wasm, i)).collect()
}

/// Runs the checks on every configuration, one worker process each.
pub fn run(engines: &[&str], corpus: &Path, parallel: usize) -> Result<WasiSection> {
    let probe = corpus.join(PROBE_FILE);
    let wasm = std::fs::read(&probe).with_context(|| {
        format!(
            "reading {} (build the corpus first: wasmgauge corpus build --out {})",
            probe.display(),
            corpus.display()
        )
    })?;
    let jobs: Vec<super::ConformJob> = engines
        .iter()
        .map(|e| super::ConformJob::Wasi(WasiJob { engine: e.to_string(), probe: probe.clone() }))
        .collect();
    let outcomes = super::run_all(&jobs, std::time::Duration::from_secs(120), parallel, "wasi");
    let mut section = WasiSection { probe_sha256: crate::corpus::sha256_hex(&wasm), cells: Vec::new() };
    for (engine, outcome) in engines.iter().zip(outcomes) {
        match outcome {
            Ok(super::ConformOutput::Wasi(cells)) => section.cells.extend(cells),
            Ok(_) => bail!("worker answered a WASI job with another kind of output"),
            Err(e) => {
                for c in checks(Path::new("/")) {
                    section.cells.push(WasiCell {
                        check: c.name.into(),
                        engine: engine.to_string(),
                        expected: describe(&c),
                        verdict: "fail".into(),
                        detail: format!("worker failed: {e}").chars().take(300).collect(),
                    });
                }
            }
        }
    }
    Ok(section)
}

/// Checks as rows, configurations as columns.
pub fn table(s: &WasiSection, ids: &[&str]) -> comfy_table::Table {
    let mut header = vec!["check".to_string()];
    header.extend(ids.iter().map(|s| s.to_string()));
    let mut t = new_table(header);
    for check in s.checks().into_iter().map(|c| &c.check) {
        let mut row = vec![check.clone()];
        for id in ids {
            let cell = s.cells.iter().find(|c| &c.check == check && c.engine == *id);
            row.push(cell.map(|c| c.verdict.clone()).unwrap_or("–".into()));
        }
        t.add_row(row);
    }
    t
}
