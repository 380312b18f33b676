//! The `concurrency` section (schema 3): requests per second and p99 at each thread level,
//! a new instance per request, per configuration.
use crate::cells::Flat;
use crate::measurements::ConcurrencyMeasurement;
use crate::section::{EngineCell, Section};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "concurrency";

/// The concurrency section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencySection {
    /// One cell per configuration.
    pub cells: Vec<EngineCell<ConcurrencyMeasurement>>,
}

impl Section for ConcurrencySection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            let Some(m) = &c.measurement else {
                out.problem(ID, "", &c.engine, c.status, c.error.as_deref());
                continue;
            };
            for p in &m.points {
                let key = format!("{} threads", p.threads);
                out.point(ID, &key, &c.engine, "requests_per_s", "per s", p.requests_per_s).n =
                    Some(p.requests as usize);
                out.point(ID, &key, &c.engine, "p99", "ns", p.latency.p99_ns as f64).note = m.workload.clone();
            }
        }
    }
}
