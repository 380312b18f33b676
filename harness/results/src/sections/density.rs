//! The `density` section (schema 3): live instances within a memory budget, instances per GiB,
//! and instantiations per second at each thread level, per configuration.
use crate::cells::Flat;
use crate::measurements::DensityMeasurement;
use crate::section::{EngineCell, Section};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "density";

/// The density section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DensitySection {
    /// One cell per configuration.
    pub cells: Vec<EngineCell<DensityMeasurement>>,
}

impl Section for DensitySection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            let Some(d) = &c.measurement else {
                out.problem(ID, "", &c.engine, c.status, c.error.as_deref());
                continue;
            };
            let (w, e) = (d.workload.as_str(), c.engine.as_str());
            out.point(ID, w, e, "live_instances", "count", d.live_instances as f64).note = d.stopped_by.clone();
            out.point(ID, w, e, "bytes_per_instance", "bytes", d.bytes_per_instance);
            out.point(ID, w, e, "instances_per_gib", "count", d.instances_per_gib);
            out.point(ID, w, e, "instantiate_per_s_one_thread", "per s", d.instantiate_per_s_one_thread);
            out.point(ID, w, e, "instantiate_per_s_all_cores", "per s", d.instantiate_per_s_all_cores).n =
                Some(d.threads);
            // Each further instance of an already compiled module, as a time (what a host that
            // keeps modules loaded pays per request), beside the first instance cold-start has.
            if d.instantiate_per_s_one_thread > 0.0 {
                out.point(ID, w, e, "instantiate_each_one_thread", "ns", 1e9 / d.instantiate_per_s_one_thread);
            }
            for p in &d.rate_levels {
                let key = format!("{} threads", p.threads);
                out.point(ID, &key, e, "instantiate_per_s", "per s", p.instantiate_per_s).note = w.to_string();
            }
        }
    }
}
