//! The `call-overhead` section: each configuration's cost of crossing the host/guest boundary
//! (empty and 4-argument calls through both paths, guest-to-host calls, data both ways).
use crate::cells::Flat;
use crate::cells::set_across;
use crate::measurements::CallOverheadMeasurement;
use crate::section::Section;
use crate::values::CellStatus;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "call-overhead";

/// Micro-modules behind each call-overhead benchmark.
fn bench_modules(bench: &str) -> &'static [&'static str] {
    match bench {
        "empty" => &["empty"],
        "add4" => &["add4"],
        "guest-to-host" => &["host_loop"],
        "data" => &["checksum"],
        _ => &[],
    }
}

/// One configuration's call-overhead cell.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallOverheadCell {
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed (the benchmarks' errors joined).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Every benchmark's result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<CallOverheadMeasurement>,
    /// Wall time of the cell.
    pub wall_ms: u64,
}

/// The call-overhead section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct CallOverheadSection {
    /// One cell per configuration.
    pub cells: Vec<CallOverheadCell>,
}

impl Section for CallOverheadSection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        let co = self;
        for c in &co.cells {
            out.problem(ID, "all benchmarks", &c.engine, c.status, c.error.as_deref());
            let Some(m) = &c.measurement else { continue };
            for b in &m.benches {
                let label = b.label();
                if let Some(e) = &b.error {
                    out.problem(ID, &label, &c.engine, CellStatus::Failed, Some(e));
                }
                let (Some(s), Some(estimate)) = (&b.summary, b.estimate()) else { continue };
                let bytes = b.bytes.map(|v| v as u64);
                let modules = bench_modules(&b.bench).iter().flat_map(|m| out.sha(m)).collect();
                let cell = out.push(ID, &label, &c.engine, "time_per_call", "ns", estimate, Some(s.n));
                cell.payload_bytes = bytes;
                cell.summary = Some(s.clone());
                if let Some(levels) = &b.levels {
                    set_across(cell, &b.processes, levels);
                }
                if !b.per_call_ns.is_empty() {
                    Flat::gated(cell, b.per_call_ns.clone(), modules);
                }
                if let Some(g) = b.gb_per_s {
                    out.push(ID, &label, &c.engine, "throughput", "GB/s", g, Some(s.n)).payload_bytes = bytes;
                }
            }
        }
    }
}
