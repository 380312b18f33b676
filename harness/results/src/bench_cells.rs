//! Cells of the scenarios that time calls benchmark by benchmark (`call-overhead`,
//! `component-calls`): one per configuration, holding every benchmark's result, and their one
//! flattening (time per call, payload GB/s, across-process figures, gated samples).
use crate::cells::{Flat, set_across};
use crate::measurements::CallOverheadMeasurement;
use crate::values::CellStatus;
use serde::{Deserialize, Serialize};

/// One configuration's cell of a scenario of call benchmarks (call overhead, component calls).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchCell {
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

/// Flattens `cells` of the section `id`; `modules_of` names the corpus modules behind a
/// benchmark (their sha256s go with its gated samples).
pub fn flatten_cells(out: &mut Flat, id: &str, cells: &[BenchCell], modules_of: fn(&str) -> &'static [&'static str]) {
    for c in cells {
        out.problem(id, "all benchmarks", &c.engine, c.status, c.error.as_deref());
        let Some(m) = &c.measurement else { continue };
        for b in &m.benches {
            let label = b.label();
            if let Some(e) = &b.error {
                out.problem(id, &label, &c.engine, CellStatus::Failed, Some(e));
            }
            let (Some(s), Some(estimate)) = (&b.summary, b.estimate()) else { continue };
            let bytes = b.bytes.map(|v| v as u64);
            let modules = modules_of(&b.bench).iter().flat_map(|m| out.sha(m)).collect();
            let cell = out.push(id, &label, &c.engine, "time_per_call", "ns", estimate, Some(s.n));
            cell.payload_bytes = bytes;
            cell.summary = Some(s.clone());
            if let Some(levels) = &b.levels {
                set_across(cell, &b.processes, levels);
            }
            if !b.per_call_ns.is_empty() {
                Flat::gated(cell, b.per_call_ns.clone(), modules);
            }
            if let Some(g) = b.gb_per_s {
                out.push(id, &label, &c.engine, "throughput", "GB/s", g, Some(s.n)).payload_bytes = bytes;
            }
        }
    }
}

/// Flattens one cell of a guest's benchmarks (component calls, plugin calls) under the
/// workload-like label `<guest>: <benchmark>` (what `modules_of` is given).
pub fn flatten_guest_cell(
    out: &mut Flat,
    id: &str,
    guest: &str,
    cell: &BenchCell,
    modules_of: fn(&str) -> &'static [&'static str],
) {
    let mut cell = cell.clone();
    if let Some(m) = cell.measurement.as_mut() {
        for b in &mut m.benches {
            b.bench = format!("{guest}: {}", b.bench);
        }
    }
    flatten_cells(out, id, std::slice::from_ref(&cell), modules_of);
}
