//! The `memory` section (schema 3): bytes per live instance, host and guest side, per configuration;
//! for the subprocess baseline, the memory of one runner process serving a request.
use crate::cells::Flat;
use crate::measurements::MemoryOutput;
use crate::section::{EngineCell, Section};
use anyhow::Result;
use serde::{Deserialize, Serialize};

/// The scenario's id.
pub const ID: &str = "memory";

/// The memory section.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MemorySection {
    /// One cell per configuration.
    pub cells: Vec<EngineCell<MemoryOutput>>,
}

impl Section for MemorySection {
    const ID: &'static str = ID;

    fn merge(&mut self, other: Self) -> Result<()> {
        self.cells.extend(other.cells);
        Ok(())
    }

    fn flatten(&self, out: &mut Flat) {
        for c in &self.cells {
            out.problem(ID, "mem_touch", &c.engine, c.status, c.error.as_deref());
            match &c.measurement {
                Some(MemoryOutput::Instances(m)) => {
                    let e = &c.engine;
                    out.point(ID, "mem_touch", e, "bytes_per_instance", "bytes", m.bytes_per_instance).n =
                        m.points.last().map(|p| p.instances);
                    out.point(ID, "mem_touch", e, "host_bytes_per_instance", "bytes", m.host_bytes_per_instance);
                    out.point(ID, "mem_touch", e, "guest_bytes_per_instance", "bytes", m.guest_bytes_per_instance);
                    let compile = m.after_compile.rss_bytes.saturating_sub(m.before_compile.rss_bytes);
                    out.point(ID, "mem_touch", e, "compile_rss_bytes", "bytes", compile as f64);
                    if let Some(a) = m.artifact_bytes {
                        out.point(ID, "mem_touch", e, "artifact_bytes", "bytes", a as f64);
                    }
                }
                Some(MemoryOutput::Process(p)) => {
                    let w = p.workload.as_str();
                    out.point(ID, w, &c.engine, "process_private_bytes", "bytes", p.usage.private_bytes as f64);
                    out.point(ID, w, &c.engine, "process_rss_bytes", "bytes", p.usage.rss_bytes as f64);
                    out.point(ID, w, &c.engine, "process_pss_bytes", "bytes", p.usage.pss_bytes as f64);
                }
                None => {}
            }
        }
    }
}
