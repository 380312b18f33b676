//! The `call-overhead` section: each configuration's cost of crossing the host/guest boundary
//! (empty and 4-argument calls through both paths, guest-to-host calls, data both ways).
use crate::bench_cells::{BenchCell, flatten_cells};
use crate::cells::Flat;
use crate::section::Section;
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
pub type CallOverheadCell = BenchCell;

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
        flatten_cells(out, ID, &self.cells, bench_modules);
    }
}
