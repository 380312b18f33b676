//! `v8-turbofan`: V8's optimizing tier only (`--no-liftoff`: every function compiled by the
//! optimizing compiler, the TurboFan/Turboshaft pipeline), when the module is compiled
//! (`--no-wasm-lazy-compilation`).
use crate::engine::V8Engine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<V8Engine> {
    crate::engine::build(
        measure::subject_id!("v8-turbofan"),
        "V8 (Node.js), optimizing compiler only",
        options,
        &["--no-liftoff", "--no-wasm-lazy-compilation"],
        "TurboFan/Turboshaft (optimizing JIT), no Liftoff",
    )
}
