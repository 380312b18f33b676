//! The `sandbox-tax` section (schema 3): each workload on each configuration without and with
//! one resource limit, the ratio of their times per call, and the geometric means per engine and
//! limit (worked out by [`crate::analysis`]).
use crate::cells::Flat;
use crate::cells::{GEOMEAN, size_key};
use crate::measurements::TaxMeasurement;
use crate::section::Section;
use crate::values::{CellStatus, Size};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "sandbox-tax";

/// One workload on one engine, without and with one limit (schema 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SandboxTaxCell {
    /// The workload.
    pub workload: String,
    /// Its size.
    pub size: Size,
    /// The configuration.
    pub engine: String,
    /// `fuel`, `epoch`, `bounds-checks`.
    pub limit: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Both sides' samples and their ratio.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<TaxMeasurement>,
    /// Wall time of the cell.
    pub wall_ms: u64,
}

/// The sandbox-tax section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SandboxTaxSection {
    /// One cell per workload, size, configuration and limit.
    pub cells: Vec<SandboxTaxCell>,
}

impl Section for SandboxTaxSection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            let key = size_key(&c.workload, Some(c.size));
            out.problem(ID, &key, &c.engine, c.status, c.error.as_deref());
            if let Some(m) = &c.measurement {
                let metric = format!("ratio_{}", c.limit);
                out.push(ID, &key, &c.engine, &metric, "x", m.ratio, Some(m.with_ns.len()));
            }
        }
        for g in self.geomeans() {
            let key = size_key(GEOMEAN, Some(g.size));
            let metric = format!("ratio_{}", g.limit);
            out.push(ID, &key, &g.engine, &metric, "x", g.ratio, Some(g.workloads));
        }
    }
}
