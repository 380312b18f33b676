//! `wasm3`: Wasm3's interpreter, each function compiled to its threaded code on first call
//! (Wasm3's own default).
use crate::engine::Wasm3Engine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<Wasm3Engine> {
    crate::engine::build(
        measure::subject_id!("wasm3"),
        "Wasm3 interpreter, lazy compilation",
        options,
        wasm3x::CompilationMode::Lazy,
        "lazy: each function on its first call",
    )
}
