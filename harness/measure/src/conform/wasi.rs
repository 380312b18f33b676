//! The in-driver half of `conform wasi`: the WASI probe guest (`workloads/rust/wasi_probe`, built for `wasm32-wasip1`
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

use crate::engine::Conformance;
use crate::wasi::{Preopen, WasiExit, WasiRequest};
use anyhow::{Context, Result};
use protocol::conform::WasiJob;
use protocol::wasi_checks::{GRANTED_TEXT, OUTSIDE_TEXT, RO_TEXT, Want, checks, describe};
use results::conformance::WasiCell;
use std::path::Path;

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
fn run_check(conformance: &dyn Conformance, engine_id: &str, wasm: &[u8], index: usize) -> Result<WasiCell> {
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
    let request = WasiRequest { args: argv, env: vec![("WG_PROBE".into(), "forty two".into())], preopens, stdio: None };
    let exit = conformance.run_wasi(wasm, std::slice::from_ref(&request), false).remove(0).exit;
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
        engine: engine_id.to_string(),
        expected: describe(check),
        verdict: verdict.into(),
        detail: detail.chars().take(300).collect(),
    })
}

/// Runs every check on one configuration, in this process.
pub fn run_engine(conformance: &dyn Conformance, engine_id: &str, job: &WasiJob) -> Result<Vec<WasiCell>> {
    let wasm = std::fs::read(&job.probe).with_context(|| format!("reading {}", job.probe.display()))?;
    (0..checks(Path::new("/")).len()).map(|i| run_check(conformance, engine_id, &wasm, i)).collect()
}
