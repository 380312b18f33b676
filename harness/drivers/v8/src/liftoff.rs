//! `v8-liftoff`: V8's baseline compiler only (`--liftoff-only`: no tier-up to the optimizing
//! compiler), every function compiled when the module is (`--no-wasm-lazy-compilation`).
use crate::engine::V8Engine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<V8Engine> {
    crate::engine::build(
        measure::subject_id!("v8-liftoff"),
        "V8 (Node.js), Liftoff baseline compiler only",
        options,
        &["--liftoff-only", "--no-wasm-lazy-compilation"],
        "Liftoff (baseline JIT), no tier-up",
    )
}
