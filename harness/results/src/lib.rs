//! wasmgauge's public file formats and their one flattening.
//!
//! The results file is a public, versioned JSON format (documented in `results/README.md`):
//! [`file`] is its envelope (versions, load and save), [`sections`] its sections (one module per
//! typed scenario, and the generic sections of registered scenarios; [`section`] what every
//! typed one implements), [`analysis`] the figures
//! derived from them (ratios to native, geomeans, the virtual best, the sandbox tax's means),
//! [`cells`] the one flattening of a file into figures that the gate, merge, report, BMF export
//! and terminal tables all read, and [`format`] how figures print.
//!
//! Beside it: [`values`] and [`engine`] (what crosses the interfaces), [`plans`] (profiles),
//! [`measurements`] and [`latency`] (what scenarios measured), [`observed`] (what a WASI run
//! left behind), [`conformance`],
//! [`environment`] and [`manifest`] (the corpus manifest).
//!
//! [`ids`] names every scenario id. This root only names its modules and re-exports the names other crates use most.

pub mod analysis;
pub mod bench_cells;
pub mod cells;
pub mod conformance;
pub mod engine;
pub mod environment;
pub mod feature_table;
pub mod file;
pub mod format;
pub mod ids;
pub mod latency;
pub mod manifest;
pub mod measurements;
pub mod observed;
pub mod plans;
pub mod plausibility;
pub mod section;
pub mod sections;
pub mod values;

pub use analysis::{TaxGeomean, virtual_best};
pub use engine::{
    Capabilities, ComponentSupport, EngineInfo, EngineOptions, ExecutionKind, Features, LEFT_OUT_OF_THE_REST, Limits,
    SubjectKind,
};
pub use environment::Environment;
pub use file::{
    MergedRun, READABLE_VERSIONS, ResultsFile, SCHEMA, SCHEMA_VERSION, Schedule, cells_comparable, now_rfc3339,
};
pub use manifest::{CorpusModule, CorpusRecord};
pub use sections::call_overhead::{CallOverheadCell, CallOverheadSection};
pub use sections::cold_start::{ColdStartCell, ColdStartSection, ProcessStartCell};
pub use sections::component_invoke::{ComponentInvokeCell, ComponentInvokeSection};
pub use sections::concurrency::ConcurrencySection;
pub use sections::density::DensitySection;
pub use sections::export_call::{ExportCallCell, ExportCallSection};
pub use sections::latency::{LatencyCell, LatencySection};
pub use sections::memory::MemorySection;
pub use sections::sandbox_tax::{SandboxTaxCell, SandboxTaxSection};
pub use sections::throughput::{EngineGeomean, ThroughputCell, ThroughputSection};
pub use sections::{EngineCell, Scenarios, Section, generic, wasi_command};
pub use values::{CellStatus, Size, Val, ValType};
