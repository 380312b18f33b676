//! `wasmi-lazy`: wasmi validating at compile time but translating each function on its first
//! call (wasmi's default `LazyTranslation`; validation stays eager so bad modules still fail
//! at compile time on every configuration).
use crate::engines::{Engine, EngineOptions};
use anyhow::Result;

pub fn engine(options: &EngineOptions) -> Result<Box<dyn Engine>> {
    super::build(
        "wasmi-lazy",
        "wasmi interpreter, lazy translation (eager validation)",
        options,
        wasmi::CompilationMode::LazyTranslation,
        "lazy-translation",
    )
}
