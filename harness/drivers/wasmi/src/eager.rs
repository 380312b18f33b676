//! `wasmi-eager`: wasmi translating and validating every function at compile time.
use crate::engine::WasmiEngine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<WasmiEngine> {
    crate::engine::build(
        measure::subject_id!("wasmi-eager"),
        "wasmi interpreter, eager translation",
        options,
        wasmi::CompilationMode::Eager,
        "eager",
    )
}
