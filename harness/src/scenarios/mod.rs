//! Scenarios: what is measured. Each scenario is its own module and its own section of the
//! results file. So far: `throughput` (steady-state time per call).

pub mod throughput;
