//! The `plugin-calls` section: what a plugin kit's call costs (Extism: bytes in, bytes out
//! through its kernel's memory), over the payload sizes of `component-calls`, with the kit's
//! cold start (its one-call constructor with and without its compilation cache, an instance
//! from a compiled plugin) and calls from the plugin to a host function; per plugin.
use crate::bench_cells::{BenchCell, flatten_guest_cell};
use crate::cells::Flat;
use crate::section::Section;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "plugin-calls";

/// One plugin kit's cells for one plugin.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PluginCallsCell {
    /// The plugin (its corpus name, e.g. `plugin-extism`).
    pub plugin: String,
    /// The benchmarks: one configuration's cell, as call overhead's.
    #[serde(flatten)]
    pub cell: BenchCell,
}

/// The plugin-calls section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PluginCallsSection {
    /// The payload sizes of the byte benchmarks, in bytes.
    pub sizes: Vec<usize>,
    /// One cell per plugin kit and plugin.
    pub cells: Vec<PluginCallsCell>,
}

impl Section for PluginCallsSection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        if self.sizes.is_empty() {
            self.sizes = other.sizes;
        }
        self.cells.extend(other.cells);
        Ok(())
    }

    /// Each plugin's benchmarks under the workload-like label `<plugin>: <benchmark>`.
    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            flatten_guest_cell(out, ID, &c.plugin, &c.cell, |_| &[]);
        }
    }
}
