//! The noise floor (`wasmgauge calibrate`): the same build run against itself several times
//! (A/A); per cell, the largest ratio between any two runs' medians. The gate reports a cell
//! whose A/A noise is wider than its threshold as "too noisy to judge" instead of judging it.
use crate::extract::{CellKey, extract};
use anyhow::{Context, Result, bail};
use results::ResultsFile;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

pub const SCHEMA: &str = "wasmgauge-noise";
pub const VERSION: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseCell {
    pub key: CellKey,
    /// max over run pairs of |median_i / median_j - 1| (as a fraction, 0.03 = 3%).
    pub noise: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NoiseFile {
    pub schema: String,
    pub version: u32,
    pub created_at: String,
    /// The machine the A/A runs ran on.
    pub machine: String,
    pub runs: Vec<String>,
    pub cells: Vec<NoiseCell>,
}

impl NoiseFile {
    /// Per-cell noise over A/A runs of the same build.
    pub fn from_runs(runs: &[ResultsFile]) -> Result<NoiseFile> {
        if runs.len() < 2 {
            bail!("calibration needs at least 2 runs, got {}", runs.len());
        }
        let mut medians: BTreeMap<CellKey, Vec<f64>> = BTreeMap::new();
        for r in runs {
            for c in extract(r) {
                medians.entry(c.key).or_default().push(stats::median(&c.samples));
            }
        }
        let cells = medians
            .into_iter()
            .filter(|(_, m)| m.len() == runs.len())
            .map(|(key, m)| {
                let (lo, hi) = m.iter().fold((f64::INFINITY, 0.0f64), |(lo, hi), &v| (lo.min(v), hi.max(v)));
                NoiseCell { key, noise: hi / lo - 1.0 }
            })
            .collect();
        let e = &runs[0].environment;
        Ok(NoiseFile {
            schema: SCHEMA.into(),
            version: VERSION,
            created_at: results::now_rfc3339(),
            machine: format!("{} · {} cores · host {}", e.cpu_model, e.logical_cores, e.hostname),
            runs: runs.iter().map(|r| r.run_id.clone()).collect(),
            cells,
        })
    }

    pub fn noise_of(&self, key: &CellKey) -> Option<f64> {
        self.cells.iter().find(|c| &c.key == key).map(|c| c.noise)
    }

    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir)?;
        }
        std::fs::write(path, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("writing {}", path.display()))
    }

    pub fn load(path: &Path) -> Result<NoiseFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let v: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("{} is not valid JSON", path.display()))?;
        if v.get("schema").and_then(|s| s.as_str()) != Some(SCHEMA)
            || v.get("version").and_then(|s| s.as_u64()) != Some(VERSION as u64)
        {
            bail!(
                "{} is not a wasmgauge noise file (schema {SCHEMA} version {VERSION}); make one with `wasmgauge calibrate`",
                path.display()
            );
        }
        serde_json::from_value(v).with_context(|| format!("{} has a corrupt noise file body", path.display()))
    }
}
