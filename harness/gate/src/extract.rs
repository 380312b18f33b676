//! The cells a gate compares: the gated figures of the one flattening of a results file, each
//! with its samples and the guest bytes behind it.
use results::ResultsFile;
use serde::{Deserialize, Serialize};

/// Identity of a comparable cell.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct CellKey {
    pub scenario: String,
    /// Workload and size (`sha256/small`), benchmark (`empty typed`) or export.
    pub workload: String,
    pub engine: String,
    pub metric: String,
}

impl std::fmt::Display for CellKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{} {} on {} ({})", self.scenario, self.workload, self.engine, self.metric)
    }
}

/// A cell's samples and the guest bytes it ran.
#[derive(Clone, Debug)]
pub struct GateCell {
    pub key: CellKey,
    pub samples: Vec<f64>,
    /// sha256 of every module the cell depends on.
    pub modules: Vec<String>,
    /// The median of each worker process, for cells measured in several (schema 9; empty
    /// otherwise): the gate then judges across processes.
    pub process_medians: Vec<f64>,
}

/// Every cell of a results file that a gate compares: the gated figures of the one flattening
/// (the figures with samples that are not only context).
pub fn extract(r: &ResultsFile) -> Vec<GateCell> {
    r.flatten()
        .0
        .into_iter()
        .filter(|c| c.gated)
        .map(|c| GateCell {
            key: CellKey { scenario: c.scenario, workload: c.workload, engine: c.engine, metric: c.metric },
            samples: c.samples.unwrap_or_default(),
            modules: c.modules,
            process_medians: c.across.map(|a| a.process_medians).unwrap_or_default(),
        })
        .collect()
}
