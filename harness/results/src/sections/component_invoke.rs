//! The `component_invoke` section: one function of a user's component (`run --component
//! --invoke`) called on every component host, with each one's results in WAVE text and whether
//! they agree (schema 11).
use crate::cells::{Flat, UserCall};
use crate::measurements::ThroughputMeasurement;
use crate::section::Section;
use crate::values::CellStatus;
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "component-invoke";

/// One host's answer to a call of a user's component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentInvokeCell {
    /// The configuration.
    pub engine: String,
    /// How the cell ended.
    pub status: CellStatus,
    /// Why it failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// The host refused the input (a world it cannot satisfy, no such export, arguments that
    /// do not match the function's type): the error is the component's or the call's, not the
    /// engine's.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub refused: bool,
    /// What the call returned: one WAVE text per result.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<String>>,
    /// The call's timing (calls on one instance, each result checked against the first).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ThroughputMeasurement>,
    /// Wall time of the cell.
    pub wall_ms: u64,
}

/// One function of a user's component on every component host.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentInvokeSection {
    /// The component's path as given.
    pub component: String,
    /// Its sha256.
    pub component_sha256: String,
    /// The call, in WAVE (`name(arg, ...)`).
    pub invoke: String,
    /// True when every host that ran gave the same results.
    pub engines_agree: bool,
    /// One cell per configuration.
    pub cells: Vec<ComponentInvokeCell>,
}

impl Section for ComponentInvokeSection {
    const ID: &'static str = ID;

    /// Two files of the same component and call: their cells joined; of different ones: refused.
    fn merge(&mut self, other: Self) -> Result<()> {
        if (&other.component_sha256, &other.invoke) != (&self.component_sha256, &self.invoke) {
            bail!(
                "the component-invoke sections are of different components or calls ({} `{}`, {} `{}`)",
                self.component,
                self.invoke,
                other.component,
                other.invoke
            );
        }
        self.engines_agree &= other.engines_agree;
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            let call = UserCall { engine: &c.engine, status: c.status, error: c.error.as_deref() };
            out.user_call((ID, &self.invoke, &self.component_sha256), call, c.measurement.as_ref());
        }
    }
}
