//! `conform wasi`: the WASI probe guest (`workloads/rust/wasi_probe`, built for `wasm32-wasip1`
//! into the corpus as `wasi_probe.wasm`) under each configuration's WASI layer, every check of
//! `protocol::wasi_checks` run inside the configuration's driver against a fresh directory tree,
//! with the host filesystem checked after every run.

use crate::Launcher;
use anyhow::{Context, Result};
use protocol::client::decode;
use protocol::conform::{ConformJob, WasiJob};
use protocol::wasi_checks::{checks, describe};
use results::conformance::{WasiCell, WasiSection};
use results::format::new_table;
use results::manifest::{WASI_PROBE_FILE, sha256_hex};
use std::path::Path;

/// Runs the checks on every configuration, one driver process each.
pub fn run(launcher: &dyn Launcher, engines: &[&str], corpus: &Path, parallel: usize) -> Result<WasiSection> {
    let probe = std::path::absolute(corpus.join(WASI_PROBE_FILE))?;
    let wasm = std::fs::read(&probe).with_context(|| {
        format!(
            "reading {} (build the corpus first: wasmgauge corpus build --out {})",
            probe.display(),
            corpus.display()
        )
    })?;
    let jobs: Vec<(String, ConformJob)> =
        engines.iter().map(|e| (e.to_string(), ConformJob::Wasi(WasiJob { probe: probe.clone() }))).collect();
    let outcomes = super::run_all(launcher, &jobs, std::time::Duration::from_secs(120), parallel, "wasi");
    let mut section = WasiSection { probe_sha256: sha256_hex(&wasm), cells: Vec::new() };
    for (engine, outcome) in engines.iter().zip(outcomes) {
        match outcome.and_then(decode::<Vec<WasiCell>>) {
            Ok(cells) => section.cells.extend(cells),
            Err(e) => {
                for c in checks(Path::new("/")) {
                    section.cells.push(WasiCell {
                        check: c.name.into(),
                        engine: engine.to_string(),
                        expected: describe(&c),
                        verdict: "fail".into(),
                        detail: format!("driver failed: {e}").chars().take(300).collect(),
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
