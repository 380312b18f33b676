//! Scenarios: what is measured. Each scenario is its own module and its own section of the
//! results file: `throughput` (steady-state time per call; it also holds the per-call latency
//! recording of the `latency` scenario), `cold_start` (phases and process start),
//! `call_overhead` (crossing the host/guest boundary), `memory` (bytes per live instance),
//! `density` (instances per memory budget, instantiation rate), `concurrency` (new instance per
//! request on 1..N threads) and `sandbox_tax` (the cost of fuel, epochs, bounds checks).

pub mod call_overhead;
pub mod cold_start;
pub mod concurrency;
pub mod density;
pub mod memory;
pub mod sandbox_tax;
pub mod throughput;
