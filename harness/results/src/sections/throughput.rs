//! The `throughput` section: one cell per workload, size and configuration (steady-state time
//! per call, measured in several processes since schema 9), with each cell's ratio to native
//! and to the fastest configuration, and each engine's geometric means over the corpus
//! (worked out by [`crate::analysis`]).
use crate::cells::Flat;
use crate::cells::{GEOMEAN, set_across, size_key};
use crate::measurements::ThroughputMeasurement;
use crate::section::Section;
use crate::values::{CellStatus, Size};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use stats::Estimate;

/// The scenario's id.
pub const ID: &str = "throughput";

/// One workload x size x engine cell of the throughput scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputCell {
    /// The workload.
    pub workload: String,
    /// Absent for guests without sizes (adversarial).
    pub size: Option<Size>,
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The native answer (hex).
    pub expected_checksum: Option<String>,
    /// What was measured, across the cell's processes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ThroughputMeasurement>,
    /// Wall time of the cell including its worker process.
    pub wall_ms: u64,
    /// Ratio of this cell's time per call to `native`'s for the same workload and size, with a
    /// 95% interval (schema 2): since schema 9, where both were measured in rounds, the
    /// geometric mean of the per-round ratios with the t interval across rounds; else the
    /// ratio of medians with a bootstrap interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_to_native: Option<Estimate>,
    /// Schema 10: ratio to the fastest WebAssembly configuration of the same workload and size
    /// ([`virtual_best`]); absent for the baselines and where only one configuration ran.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ratio_to_best: Option<Estimate>,
}

impl ThroughputCell {
    /// Per-call times of the samples: calibrated ones (schema 2) or raw ones (schema 1).
    /// `(round, median of the kept samples)` of each worker process (schema 9; empty before).
    pub fn round_medians(&self) -> Vec<(usize, f64)> {
        let Some(m) = &self.measurement else { return vec![] };
        m.processes.iter().map(|p| (p.round, p.median_ns_per_call)).collect()
    }

    /// Per-call times of the samples: calibrated ones (schema 2) or raw ones (schema 1).
    pub fn per_call_ns(&self) -> Option<Vec<f64>> {
        let m = self.measurement.as_ref()?;
        Some(if m.per_call_ns.is_empty() {
            m.samples.iter().map(|s| s.ns_per_call()).collect()
        } else {
            m.per_call_ns.clone()
        })
    }
}

/// Geometric mean over the corpus of an engine's ratios to native (schema 2).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EngineGeomean {
    /// The configuration.
    pub engine: String,
    /// The input size (none for a mean over both).
    pub size: Option<Size>,
    /// Workloads in the mean (those where both the engine and native have a measurement).
    pub workloads: usize,
    /// The geometric mean with its interval.
    pub ratio: Estimate,
}

/// The throughput section: its cells and the geometric means worked out from them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputSection {
    /// One cell per workload, size and configuration.
    pub cells: Vec<ThroughputCell>,
    /// Each configuration's geometric mean of ratios to native, per size.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub engine_geomeans: Vec<EngineGeomean>,
    /// Schema 10: each WebAssembly configuration's geometric mean of ratios to the fastest
    /// configuration per workload ([`virtual_best`]).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub virtual_best: Vec<EngineGeomean>,
}

impl Section for ThroughputSection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        let mut t = self.clone();
        if t.engine_geomeans.is_empty() {
            // Schema 1 files carry no ratios; the arithmetic is the same as at run time.
            t.analyze(out.native.unwrap_or("native"));
        }
        for c in &t.cells {
            let key = size_key(&c.workload, c.size);
            out.problem(ID, &key, &c.engine, c.status, c.error.as_deref());
            let Some(m) = c.measurement.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            let per_call = c.per_call_ns().unwrap_or_default();
            let modules = out.sha(&c.workload);
            let n = per_call.len();
            let cell = out.push(ID, &key, &c.engine, "time_per_call", "ns", m.estimate(), Some(n));
            cell.summary = m.summary.clone();
            if let Some(levels) = &m.levels {
                set_across(cell, &m.processes, levels);
            }
            Flat::gated(cell, per_call, modules);
            if let Some(ratio) = c.ratio_to_native {
                out.push(ID, &key, &c.engine, "ratio_to_native", "x", ratio, Some(n));
            }
            if let Some(ratio) = c.ratio_to_best {
                out.push(ID, &key, &c.engine, "ratio_to_best", "x", ratio, Some(n));
            }
        }
        for g in &t.engine_geomeans {
            let key = size_key(GEOMEAN, g.size);
            out.push(ID, &key, &g.engine, "ratio_to_native", "x", g.ratio, Some(g.workloads));
        }
        for g in &t.virtual_best {
            let key = size_key(GEOMEAN, g.size);
            out.push(ID, &key, &g.engine, "ratio_to_best", "x", g.ratio, Some(g.workloads));
        }
    }
}
