//! `wasmgauge report` (the HTML page, summary.md and CSV, or BMF JSON), `history` (trends
//! and change points over a series of runs) and `coverage` (whether one run's intervals hold
//! on reruns). They read results files only.
use crate::exit::Exit;
use anyhow::{Result, bail};
use std::path::{Path, PathBuf};

/// `report RESULTS... [--out DIR] [--format html|bmf]`.
pub fn report(results: &[PathBuf], out: Option<PathBuf>, format: &str) -> Result<Exit> {
    if format == "bmf" {
        let model = report::model::Model::load(results)?;
        let text = serde_json::to_string_pretty(&report::bmf::bmf(&model))? + "\n";
        match out {
            Some(path) => std::fs::write(&path, text)?,
            None => print!("{text}"),
        }
        return Ok(Exit::Ok);
    }
    let out = match out {
        Some(o) => o,
        None => {
            let first = results::ResultsFile::load(&results[0])?;
            PathBuf::from("reports").join(first.run_id)
        }
    };
    let written = report::write(results, &out)?;
    eprintln!(
        "report: {} runs, {} figures, {} failed/skipped cells; wrote {}, {}, {}",
        written.model.runs.len(),
        written.model.metrics.len(),
        written.model.problems.len(),
        written.summary_md.display(),
        written.csv.display(),
        written.raw.iter().chain(&written.features).map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
    );
    println!("{}", written.index.display());
    Ok(Exit::Ok)
}

/// `coverage RESULTS RESULTS...`.
pub fn coverage(results: &[PathBuf]) -> Result<Exit> {
    let runs = results.iter().map(|p| results::ResultsFile::load(p)).collect::<Result<Vec<_>>>()?;
    print!("{}", report::coverage::render(results, &report::coverage::pairs(&runs)?));
    Ok(Exit::Ok)
}

/// `history RESULTS|DIR... [--out DIR] [--config FILE] [--alpha A]`.
pub fn history(results: &[PathBuf], out: &Path, config: Option<&PathBuf>, alpha: f64) -> Result<Exit> {
    if !(alpha > 0.0 && alpha < 1.0) {
        bail!("--alpha must be between 0 and 1, got {alpha}");
    }
    let config = match config {
        Some(p) => gate::config::GateConfig::load(p)?,
        None => gate::config::GateConfig::default(),
    };
    let h = report::history::analyze(results, &|s, m| config.threshold(s, m), alpha)?;
    let index = report::history::write(&h, out)?;
    let changes: usize = h.series.iter().map(|s| s.changes.len()).sum();
    eprintln!(
        "history: {} runs, {} figures, {changes} change(s); wrote {}",
        h.runs.len(),
        h.series.len(),
        out.join("changes.md").display()
    );
    println!("{}", index.display());
    Ok(Exit::Ok)
}
