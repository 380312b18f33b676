//! `stitch`: makepad-stitch's threaded-code interpreter (its only mode).
use crate::engine::StitchEngine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<StitchEngine> {
    crate::engine::build(measure::subject_id!("stitch"), "stitch threaded-code interpreter", options)
}
