//! The `export_call` section: one export of a user's module (`run --module`) called on every
//! configuration, with each one's results and whether they agree.
use crate::cells::{Flat, UserCall};
use crate::measurements::ThroughputMeasurement;
use crate::section::Section;
use crate::values::{CellStatus, Val};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "export-call";

/// One engine's answer to a bring-your-own module call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportCallCell {
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// What the call returned.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Val>>,
    /// The call's timing.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ThroughputMeasurement>,
    /// Wall time of the cell.
    pub wall_ms: u64,
}

/// One export of a user's module (`run --module --export`) on every configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportCallSection {
    /// The module's path as given.
    pub module: String,
    /// Its sha256.
    pub module_sha256: String,
    /// The export called.
    pub export: String,
    /// Its arguments.
    pub args: Vec<Val>,
    /// True when every engine that ran gave the same results.
    pub engines_agree: bool,
    /// One cell per configuration.
    pub cells: Vec<ExportCallCell>,
}

impl Section for ExportCallSection {
    const ID: &'static str = ID;

    /// Two files of the same module's export: their cells joined; of different ones: refused.
    fn merge(&mut self, other: Self) -> Result<()> {
        if (&other.module_sha256, &other.export) != (&self.module_sha256, &self.export) {
            bail!(
                "the export-call sections are of different modules or exports ({} `{}`, {} `{}`)",
                self.module,
                self.export,
                other.module,
                other.export
            );
        }
        self.engines_agree &= other.engines_agree;
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            let call = UserCall { engine: &c.engine, status: c.status, error: c.error.as_deref() };
            out.user_call((ID, &self.export, &self.module_sha256), call, c.measurement.as_ref());
        }
    }
}
