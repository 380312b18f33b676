//! `wasmgauge report`: renders result files (never runs anything) into a directory holding a
//! self-contained `index.html` (inline SVG charts and CSS), `summary.md`, `results.csv`, and
//! copies of the raw result JSON the page links to.
//!
//! [`model`] extracts every figure once; [`tables`], [`claims`], [`charts`], [`html`],
//! [`markdown`], [`csv_export`] and [`bmf`] only present them; [`markup`] holds the HTML
//! primitives and [`claim`] the claim types the page and the conformance matrices share;
//! [`wasi`] draws a user's WASI program (`run --module --wasi`); [`history`] draws figures over a
//! series of runs with their change points (`wasmgauge history`); [`coverage`] checks whether
//! one run's intervals hold on reruns (`wasmgauge coverage`).
pub mod bmf;
pub mod charts;
pub mod claim;
pub mod claims;
pub mod component_claims;
pub mod conformance;
pub mod coverage;
pub mod csv_export;
pub mod features;
pub mod history;
pub mod html;
pub mod markdown;
pub mod markup;
pub mod model;
pub mod page;
pub mod selection;
pub mod tables;
pub mod wasi;

use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// What a report wrote.
#[derive(Debug)]
pub struct Written {
    pub index: PathBuf,
    pub summary_md: PathBuf,
    pub csv: PathBuf,
    pub raw: Vec<PathBuf>,
    /// The feature table of each run that has one (`features.json`, `features-R2.json`, ...).
    pub features: Vec<PathBuf>,
    pub model: model::Model,
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    std::fs::write(path, text).with_context(|| format!("writing {}", path.display()))
}

/// Reads `inputs`, writes the report into `out_dir` (created if missing).
pub fn write(inputs: &[PathBuf], out_dir: &Path) -> Result<Written> {
    let model = model::Model::load(inputs)?;
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let mut raw = Vec::new();
    let mut raw_names = Vec::new();
    for (i, run) in model.runs.iter().enumerate() {
        let name = model.raw_json_name(i);
        let dest = out_dir.join(&name);
        let same = dest.canonicalize().ok() == run.path.canonicalize().ok();
        if !same {
            std::fs::copy(&run.path, &dest)
                .with_context(|| format!("copying {} to {}", run.path.display(), dest.display()))?;
        }
        raw.push(dest);
        raw_names.push(name);
    }
    let index = out_dir.join("index.html");
    write_file(&index, &html::render(&model, &raw_names)?)?;
    let summary_md = out_dir.join("summary.md");
    write_file(&summary_md, &markdown::render(&model))?;
    let csv = out_dir.join("results.csv");
    csv_export::write(&model, &csv)?;
    let mut features = Vec::new();
    for run in 0..model.runs.len() {
        if let Some(rows) = features::rows(&model, run) {
            let name = if run == 0 { "features.json".to_string() } else { format!("features-R{}.json", run + 1) };
            let path = out_dir.join(name);
            write_file(&path, &serde_json::to_string_pretty(&features::json(&rows))?)?;
            features.push(path);
        }
    }
    Ok(Written { index, summary_md, csv, raw, features, model })
}
