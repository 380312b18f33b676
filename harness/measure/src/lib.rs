//! wasmgauge's measuring side: the engine interface every runtime driver implements, and both
//! halves of every scenario.
//!
//! In a driver process: [`engine`] (the narrow interface of one runtime configuration, with its
//! conformance side), [`subject`] (what a driver measures: a configuration or a baseline),
//! [`executor`] (the workload-level interface over all three kinds), [`calibration`],
//! [`memstat`], [`micro`] (native twins of the WAT micro-modules), [`host`] (host functions),
//! [`session`], [`features`] and [`wasi`] (the conformance interface), [`wasi_files`] (what a WASI
//! run left behind, observed from the orchestrator), [`conform`] (the
//! in-driver halves of `wasmgauge conform`), [`paired`] (the paired gate's rounds) and
//! [`driver`] (the executable's body). In the orchestrator: the planning, recording and
//! summarizing halves of [`scenarios`] through the [`scenario::Scenario`] trait, [`rounds`]
//! (a cell's worker processes combined into one figure), [`summary`] (terminal tables over the one flattening of a results file), [`settle`]
//! (waiting for a steady machine before a run's first cell) and [`limits`] (what the machine
//! can do at best, which figures are checked against).
//!
//! This crate names no runtime crate: each driver brings its own (see ARCHITECTURE.md).

pub mod benches;
#[cfg(feature = "bench")]
pub mod benchkit;
pub mod calibration;
pub mod component;
pub mod conform;
pub mod driver;
pub mod engine;
pub mod executor;
pub mod features;
pub mod host;
pub mod kit;
pub mod limits;
pub mod measurement;
pub mod memstat;
pub mod micro;
pub mod once;
pub mod paired;
pub mod plugin_kit;
pub mod process;
pub mod programs;
pub mod rounds;
pub mod sampler;
pub mod scenario;
pub mod scenarios;
pub mod session;
pub mod settle;
pub mod subject;
pub mod suite;
pub mod summary;
pub mod testkit;
pub mod wasi;
pub mod wasi_files;
