//! `wasmi-eager`: wasmi translating and validating every function at compile time.
use crate::engines::{Engine, EngineOptions};
use anyhow::Result;

pub fn engine(options: &EngineOptions) -> Result<Box<dyn Engine>> {
    super::build("wasmi-eager", "wasmi interpreter, eager translation", options, wasmi::CompilationMode::Eager, "eager")
}
