//! Sections of scenarios registered without a typed section of their own (schema 5). Each cell
//! carries its figures, worked out by the scenario when it recorded the cell, so the one
//! flattening ([`crate::cells`]), the report, the CSV and the gate read them like any other.
//! The ids of the registered scenarios that readers ask for by name are owned here.
use crate::cells::Flat;
use crate::cells::size_key;
use crate::values::{CellStatus, Size};
use serde::{Deserialize, Serialize};
use stats::Estimate;
use std::collections::BTreeMap;

/// `wasi-programs`: the corpus's WASI programs against their native twins.
pub const WASI_PROGRAMS: &str = "wasi-programs";
/// `wasi-io`: one WASI call (file read, write, directory listing) against the native twin's.
pub const WASI_IO: &str = "wasi-io";
/// `engine-create`: building an engine.
pub const ENGINE_CREATE: &str = "engine-create";
/// `instructions`: instructions per call under Valgrind.
pub const INSTRUCTIONS: &str = "instructions";
/// `suite`: the benchmarks of a suite in Sightglass's layout (`run --suite PATH`).
pub const SUITE: &str = "suite";
/// The `suite` scenario's figure of a counted cell (`--measure instructions`): instructions
/// from `bench.start` to `bench.end`.
pub const SUITE_BENCH_INSTRUCTIONS: &str = "bench_instructions";

/// One figure of a cell: a metric with its unit, value and interval.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Figure {
    /// What it measures (`run`, `compile`).
    pub metric: String,
    /// Its unit (`ns`).
    pub unit: String,
    /// Its value.
    pub value: f64,
    /// 95% interval, where the figure has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ci95: Option<(f64, f64)>,
    /// Samples behind the figure.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub n: Option<usize>,
    /// The samples themselves, when a gate may compare them between runs.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<f64>,
    /// A qualifier (how it was measured).
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub note: String,
    /// Schema 15: the bytes a rate moves each time (a rate is checked against the machine's
    /// copy rate for that size).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

impl Figure {
    /// A figure from samples: their median with its bootstrap 95% interval.
    pub fn from_samples(metric: &str, unit: &str, samples: Vec<f64>) -> Figure {
        let s = stats::summarize(&samples);
        Figure {
            metric: metric.into(),
            unit: unit.into(),
            value: s.median.value,
            ci95: Some((s.median.ci95_low, s.median.ci95_high)),
            n: Some(s.n),
            samples,
            note: String::new(),
            bytes: None,
        }
    }
}

/// One cell of a registered scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GenericCell {
    /// The workload, or what else the cell is about; empty when it is about the engine alone.
    #[serde(default)]
    pub workload: String,
    /// The input size, where the cell has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<Size>,
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Its figures.
    #[serde(default)]
    pub figures: Vec<Figure>,
    /// The scenario's own measurement, as it produced it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<serde_json::Value>,
    /// Wall time of the cell.
    pub wall_ms: u64,
}

/// The section of one registered scenario: its plan and its cells.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct GenericSection {
    /// The scenario's plan.
    #[serde(default)]
    pub plan: serde_json::Value,
    /// Its cells.
    pub cells: Vec<GenericCell>,
}

/// The figures of registered scenarios' sections: their cells carry them.
pub fn flatten(sections: &BTreeMap<String, GenericSection>, out: &mut Flat) {
    for (scenario, section) in sections {
        for c in &section.cells {
            let key = size_key(&c.workload, c.size);
            out.problem(scenario, &key, &c.engine, c.status, c.error.as_deref());
            if c.status != CellStatus::Ok {
                continue;
            }
            for f in &c.figures {
                let est = match f.ci95 {
                    Some((lo, hi)) => Estimate { value: f.value, ci95_low: lo, ci95_high: hi },
                    None => Estimate { value: f.value, ci95_low: f.value, ci95_high: f.value },
                };
                // The module a gate compares: the cell's own where its measurement names one
                // (a suite's benchmark), else the corpus module of its workload.
                let own = c.measurement.as_ref().and_then(|m| m.get("module_sha256")?.as_str().map(String::from));
                let modules = own.map(|s| vec![s]).unwrap_or_else(|| out.sha(&c.workload));
                let cell = out.push(scenario, &key, &c.engine, &f.metric, &f.unit, est, f.n);
                cell.ci95 = f.ci95.and_then(|(lo, hi)| crate::cells::interval(lo, hi));
                cell.payload_bytes = f.bytes;
                cell.note = f.note.clone();
                if !f.samples.is_empty() {
                    Flat::gated(cell, f.samples.clone(), modules);
                }
            }
        }
    }
}
