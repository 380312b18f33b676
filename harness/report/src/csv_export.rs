//! `results.csv`: one row per (run, workload, engine, scenario, metric) with value and interval,
//! and `implausible`: why the figure is beyond what the machine can do, when it is
//! ([`results::plausibility`]).
use super::model::Model;
use anyhow::{Context, Result};
use std::path::Path;

pub const HEADER: [&str; 15] = [
    "run",
    "run_id",
    "machine",
    "scenario",
    "workload",
    "engine",
    "metric",
    "unit",
    "value",
    "ci95_low",
    "ci95_high",
    "n",
    "payload_bytes",
    "note",
    "implausible",
];

pub fn write(model: &Model, path: &Path) -> Result<()> {
    let mut w = csv::Writer::from_path(path).with_context(|| format!("creating {}", path.display()))?;
    w.write_record(HEADER)?;
    let opt = |v: Option<f64>| v.map(|x| x.to_string()).unwrap_or_default();
    for m in &model.metrics {
        let run = &model.runs[m.run];
        w.write_record([
            run.label.clone(),
            run.results.run_id.clone(),
            run.results.environment.hostname.clone(),
            m.scenario.to_string(),
            m.workload.clone(),
            m.engine.clone(),
            m.metric.clone(),
            m.unit.to_string(),
            m.value.to_string(),
            opt(m.ci95.map(|c| c.0)),
            opt(m.ci95.map(|c| c.1)),
            m.n.map(|n| n.to_string()).unwrap_or_default(),
            m.payload_bytes.map(|n| n.to_string()).unwrap_or_default(),
            m.note.clone(),
            m.implausible.clone().unwrap_or_default(),
        ])?;
    }
    w.flush().with_context(|| format!("writing {}", path.display()))?;
    Ok(())
}
