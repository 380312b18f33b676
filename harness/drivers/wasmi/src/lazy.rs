//! `wasmi-lazy`: wasmi validating at compile time but translating each function on its first
//! call (wasmi's default `LazyTranslation`; validation stays eager so bad modules still fail
//! at compile time on every configuration).
use crate::engine::WasmiEngine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<WasmiEngine> {
    crate::engine::build(
        measure::subject_id!("wasmi-lazy"),
        "wasmi interpreter, lazy translation (eager validation)",
        options,
        wasmi::CompilationMode::LazyTranslation,
        "lazy-translation",
    )
}
