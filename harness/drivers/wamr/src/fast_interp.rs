//! `wamr-fast-interp`: WAMR's fast interpreter (pre-decoded register bytecode), software
//! bounds checks.
use crate::engine::WamrEngine;
use anyhow::Result;
use measure::engine::EngineOptions;

pub fn engine(options: &EngineOptions) -> Result<WamrEngine> {
    crate::engine::build(measure::subject_id!("wamr-fast-interp"), "WAMR fast interpreter", options)
}
