//! `extism`: Extism's Rust host SDK as its users call it (WASI off, no fuel limit, no memory
//! limit beyond the manifest's default).
use crate::engine::ExtismEngine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<ExtismEngine> {
    crate::engine::build(measure::subject_id!("extism"), "Extism host SDK (Wasmtime, Cranelift)", options)
}
