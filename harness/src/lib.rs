//! wasmgauge: a benchmarking and conformance harness for server-side WebAssembly.
//!
//! Data flows one way: [`corpus`] (guests + manifest) -> [`engines`] / [`executor`] (runtimes
//! and baselines behind one interface) -> [`scenarios`] (what is measured) -> samples ->
//! [`results`] (versioned result files) -> tables, [`report`] (HTML, Markdown, CSV) and [`gate`]
//! (CI verdicts), which read result files only. [`isolation`] runs each cell in its own worker
//! process; [`run`] and [`bring_your_own`] drive whole runs; [`merge`] joins shards; [`cli`] is
//! the command line.

pub mod bring_your_own;
pub mod calibration;
pub mod cli;
pub mod conform;
pub mod corpus;
pub mod engines;
pub mod environment;
pub mod executor;
pub mod gate;
pub mod isolation;
pub mod latency;
pub mod memstat;
pub mod merge;
pub mod output;
pub mod profile;
pub mod progress;
pub mod report;
pub mod results;
pub mod run;
pub mod runner_protocol;
pub mod scenarios;
pub mod stats;
pub mod workloads;
