//! Scenarios: what is measured. Each scenario is one module implementing
//! [`crate::scenario::Scenario`] (plan, measure in a driver, record, summarize) and one line
//! of [`REGISTRY`]: `throughput`, `latency`, `cold-start` (phases and process start),
//! `memory` (bytes per live instance), `density` (instances per memory budget, instantiation
//! rate), `concurrency` (new instance per request on 1..N threads), `sandbox-tax` (the cost of
//! fuel, epochs, bounds checks), `call-overhead` (crossing the host/guest boundary), `component-calls` (typed calls into components), `plugin-calls` (a plugin kit's calls: Extism), `wasi-programs` (the
//! corpus's WASI programs against their native twins), `wasi-io` (one WASI call),
//! `engine-create` (building an engine) and `instructions` (instructions per call under
//! Valgrind, `run --measure instructions`) and `suite` (a benchmark suite in Sightglass's layout,
//! `run --suite PATH`); the last three are not in the default set.

pub mod call_overhead;
pub mod cold_start;
pub mod component_calls;
pub mod component_invoke;
pub mod concurrency;
pub mod density;
pub mod engine_create;
pub mod export_call;
pub mod instructions;
pub mod latency;
pub mod memory;
pub mod plugin_calls;
pub mod sandbox_tax;
pub mod suite;
pub mod throughput;
pub mod wasi_io;
pub mod wasi_programs;

use crate::scenario::Scenario;

/// Every scenario, in the order a run plans its cells.
pub static REGISTRY: &[&dyn Scenario] = &[
    &throughput::Throughput,
    &latency::Latency,
    &cold_start::ColdStart,
    &memory::Memory,
    &density::Density,
    &concurrency::Concurrency,
    &sandbox_tax::SandboxTax,
    &call_overhead::CallOverhead,
    &component_calls::ComponentCalls,
    &plugin_calls::PluginCalls,
    &wasi_programs::WasiPrograms,
    &wasi_io::WasiIo,
    &engine_create::EngineCreate,
    &instructions::Instructions,
    &suite::Suite,
];

/// Scenarios that only another command plans (`export-call`: `run --module`;
/// `component-invoke`: `run --component`).
static PLANNED_ELSEWHERE: &[&dyn Scenario] = &[&export_call::ExportCall, &component_invoke::ComponentInvoke];

/// The scenario called `name` (registered, or planned by another command).
pub fn find(name: &str) -> Option<&'static dyn Scenario> {
    REGISTRY.iter().chain(PLANNED_ELSEWHERE).copied().find(|s| s.name() == name)
}

/// Names of the scenarios a run measures when none are asked for.
pub fn defaults() -> Vec<&'static str> {
    REGISTRY.iter().filter(|s| s.default_on()).map(|s| s.name()).collect()
}
