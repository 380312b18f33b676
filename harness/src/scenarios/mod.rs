//! Scenarios: what is measured. Each scenario is its own module and its own section of the
//! results file: `throughput` (steady-state time per call; it also holds the per-call latency
//! recording of the `latency` scenario), `cold_start` (phases and process start),
//! `call_overhead` (crossing the host/guest boundary).

pub mod call_overhead;
pub mod cold_start;
pub mod throughput;
