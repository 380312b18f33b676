//! What every typed section shares: the [`Section`] trait (its id, its merge, its flattening)
//! and the cell of the engine-level sections (memory, density, concurrency).
use crate::cells::Flat;
use crate::values::CellStatus;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// A typed section of the results file.
pub trait Section: Sized {
    /// Its scenario's id, as `--scenarios`, the flat cells, the gate's thresholds and the
    /// report name it.
    const ID: &'static str;
    /// Joins another file's section of the same scenario into this one (`wasmgauge merge`),
    /// or says why the two cannot be joined.
    fn merge(&mut self, other: Self) -> Result<()>;
    /// Every figure and every problem of the section.
    fn flatten(&self, out: &mut Flat);
}

/// One engine's cell of an engine-level scenario (memory, density, concurrency; schema 3).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(bound(serialize = "T: Serialize", deserialize = "T: Deserialize<'de>"))]
pub struct EngineCell<T> {
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed or was not run.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What was measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<T>,
    /// Wall time of the cell.
    pub wall_ms: u64,
}
