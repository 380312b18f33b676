//! `tinywasm`: tinywasm's interpreter with its default configuration.
use crate::engine::TinywasmEngine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<TinywasmEngine> {
    crate::engine::build(measure::subject_id!("tinywasm"), "tinywasm interpreter", options)
}
