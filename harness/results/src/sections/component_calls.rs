//! The `component-calls` section: each component host's cost of a typed call through the
//! canonical ABI, by WIT type and payload size, beside the same transform as a core-module call
//! (a pointer and a length) on the same configuration, per guest component.
use crate::bench_cells::{BenchCell, flatten_guest_cell};
use crate::cells::Flat;
use crate::section::Section;
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "component-calls";

/// The corpus modules behind a benchmark (the core-module data benchmark's).
fn bench_modules(bench: &str) -> &'static [&'static str] {
    match bench {
        "core-invert" => &["checksum"],
        "core-noop" => &["empty"],
        _ => &[],
    }
}

/// One component host's cells for one guest component.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ComponentCallsCell {
    /// The guest component (its corpus name, e.g. `plugin-rust`).
    pub component: String,
    /// The benchmarks: one configuration's cell, as call overhead's.
    #[serde(flatten)]
    pub cell: BenchCell,
}

/// The component-calls section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ComponentCallsSection {
    /// The payload sizes of the string and list benchmarks, in bytes.
    pub sizes: Vec<usize>,
    /// One cell per component host and guest component.
    pub cells: Vec<ComponentCallsCell>,
}

impl Section for ComponentCallsSection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        if self.sizes.is_empty() {
            self.sizes = other.sizes;
        }
        self.cells.extend(other.cells);
        Ok(())
    }

    /// Each guest's benchmarks under the workload-like label `<component>: <benchmark>`.
    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            flatten_guest_cell(out, ID, &c.component, &c.cell, |bench| {
                bench_modules(bench.rsplit(": ").next().unwrap_or(bench))
            });
        }
    }
}
