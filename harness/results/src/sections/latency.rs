//! The `latency` section: per-call latency percentiles of every workload and call-overhead
//! benchmark on each configuration, from HdrHistograms (merged across processes since schema 9).
use crate::cells::Flat;
use crate::cells::{LATENCY_QUANTILES, size_key};
use crate::latency::LatencyRecord;
use crate::section::Section;
use crate::values::{CellStatus, Size};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "latency";

/// Per-call latency of a workload or a call-overhead benchmark on one engine (schema 2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyCell {
    /// The configuration.
    pub engine: String,
    /// `workload` or `call-overhead`.
    pub kind: String,
    /// Workload name, or the benchmark's label (`empty typed`, `data 4 KiB`).
    pub target: String,
    /// The workload's size, for workload cells.
    pub size: Option<Size>,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The histogram and its quantiles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub record: Option<LatencyRecord>,
}

/// The latency section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LatencySection {
    /// One cell per target and configuration.
    pub cells: Vec<LatencyCell>,
}

impl Section for LatencySection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        let l = self;
        for c in &l.cells {
            let key = size_key(&c.target, c.size);
            out.problem(ID, &key, &c.engine, c.status, c.error.as_deref());
            let Some(rec) = c.record.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            let values = [rec.p50_ns, rec.p90_ns, rec.p99_ns, rec.p999_ns, rec.max_ns];
            for (q, v) in LATENCY_QUANTILES.iter().zip(values) {
                // Measured in several processes: p50 and p99 across them, with their interval.
                let across = rec.across.as_ref().and_then(|a| match *q {
                    "p50" => Some((a.p50, a.processes)),
                    "p99" => Some((a.p99, a.processes)),
                    _ => None,
                });
                let m = match across {
                    Some((estimate, k)) => {
                        let m = out.push(ID, &key, &c.engine, q, "ns", estimate, Some(rec.count as usize));
                        m.note = format!("{}; geometric mean of {k} processes' {q}", rec.unit);
                        m
                    }
                    None => {
                        let m = out.point(ID, &key, &c.engine, q, "ns", v as f64);
                        m.note = rec.unit.clone();
                        m
                    }
                };
                m.n = Some(rec.count as usize);
            }
        }
    }
}
