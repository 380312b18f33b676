//! The `cold-start` section: each configuration's cold start phase by phase per workload
//! (`cells`), the process cold start timed from the orchestrator (`process`, flattened under
//! its own id, [`PROCESS_ID`]), and the corpus's WASI programs from bytes to a verified exit
//! (`programs`, schema 8, kept out of the corpus geomeans).
use crate::cells::Flat;
use crate::cells::{CONTEXT_PHASES, GEOMEAN, path_name, size_key};
use crate::measurements::{ColdStartMeasurement, Phase, ProcessPath};
use crate::section::Section;
use crate::values::{CellStatus, Size};
use anyhow::Result;
use serde::{Deserialize, Serialize};
use stats::Summary;

/// The scenario's id.
pub const ID: &str = "cold-start";
/// The id its process cold starts are flattened under (a gate threshold of their own).
pub const PROCESS_ID: &str = "process-start";

/// One workload (or WASI program) at one size on one configuration: its cold start, phase by phase.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdStartCell {
    /// The workload.
    pub workload: String,
    /// Its size (none for the WASI programs).
    pub size: Option<Size>,
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ColdStartMeasurement>,
    /// Wall time of the cell, its process included.
    pub wall_ms: u64,
}

/// From exec of a fresh process to its verified answer.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessStartCell {
    /// The workload.
    pub workload: String,
    /// Its size (small).
    pub size: Size,
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// How the process reached its answer.
    pub path: ProcessPath,
    /// The command timed (program and arguments).
    pub command: Vec<String>,
    /// Each process's time, spawn to verified answer.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples_ns: Vec<u64>,
    /// Their median with its interval.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
}

/// The cold-start section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ColdStartSection {
    /// Phases per workload and configuration.
    pub cells: Vec<ColdStartCell>,
    /// Process cold starts.
    pub process: Vec<ProcessStartCell>,
    /// Schema 8: the corpus's WASI programs from bytes (and from the artifact) to their
    /// verified exit, one fresh driver process per repetition; `first_call` is `_start`. Kept
    /// apart from `cells` so the corpus geomeans stay over the same workloads.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub programs: Vec<ColdStartCell>,
}

impl Section for ColdStartSection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        let ColdStartSection { cells, process, programs } = other;
        self.cells.extend(cells);
        self.process.extend(process);
        self.programs.extend(programs);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        let cs = self;
        // Per engine and phase: every workload's samples, for the corpus geomean.
        let mut per_phase: Vec<(String, &'static str, Vec<Vec<f64>>)> = Vec::new();
        // The WASI programs' cells (schema 8) are figures of their own, outside the geomeans.
        for (c, in_geomean) in cs.cells.iter().map(|c| (c, true)).chain(cs.programs.iter().map(|c| (c, false))) {
            let key = size_key(&c.workload, c.size);
            out.problem(ID, &key, &c.engine, c.status, c.error.as_deref());
            let Some(m) = c.measurement.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            for (phase, p) in m.phases() {
                let Phase::Measured { samples_ns, summary } = p else { continue };
                let xs: Vec<f64> = samples_ns.iter().map(|&v| v as f64).collect();
                let modules = out.sha(&c.workload);
                let cell = out.push(ID, &key, &c.engine, phase, "ns", summary.median, Some(summary.n));
                if !CONTEXT_PHASES.contains(&phase) {
                    Flat::gated(cell, xs.clone(), modules);
                }
                if !in_geomean {
                    continue;
                }
                match per_phase.iter_mut().find(|(e, p, _)| *e == c.engine && *p == phase) {
                    Some(slot) => slot.2.push(xs),
                    None => per_phase.push((c.engine.clone(), phase, vec![xs])),
                }
            }
            if let Some(bytes) = m.artifact_bytes {
                out.point(ID, &key, &c.engine, "artifact_bytes", "bytes", bytes as f64);
            }
        }
        for (engine, phase, groups) in &per_phase {
            let refs: Vec<&[f64]> = groups.iter().map(|g| g.as_slice()).collect();
            let est = stats::geomean_of_medians(&refs);
            out.push(ID, GEOMEAN, engine, phase, "ns", est, Some(refs.len()));
        }
        let mut per_engine: Vec<(String, ProcessPath, Vec<Vec<f64>>)> = Vec::new();
        for p in &cs.process {
            let key = size_key(&p.workload, Some(p.size));
            out.problem(PROCESS_ID, &key, &p.engine, p.status, p.error.as_deref());
            let Some(s) = p.summary.as_ref().filter(|_| p.status == CellStatus::Ok) else { continue };
            let xs: Vec<f64> = p.samples_ns.iter().map(|&v| v as f64).collect();
            let modules = out.sha(&p.workload);
            let cell = out.push(PROCESS_ID, &key, &p.engine, "exec_to_answer", "ns", s.median, Some(s.n));
            cell.note = path_name(p.path).into();
            if !xs.is_empty() {
                Flat::gated(cell, xs.clone(), modules);
            }
            match per_engine.iter_mut().find(|(e, _, _)| *e == p.engine) {
                Some(slot) => slot.2.push(xs),
                None => per_engine.push((p.engine.clone(), p.path, vec![xs])),
            }
        }
        for (engine, path, groups) in &per_engine {
            let refs: Vec<&[f64]> = groups.iter().map(|g| g.as_slice()).collect();
            let est = stats::geomean_of_medians(&refs);
            out.push(PROCESS_ID, GEOMEAN, engine, "exec_to_answer", "ns", est, Some(refs.len())).note =
                path_name(*path).into();
        }
    }
}
