//! `wasmer-singlepass`: Wasmer with its single-pass compiler.
use crate::engine::WasmerEngine;
use anyhow::Result;
use measure::engine::EngineOptions;
use wasmer::sys::Singlepass;

pub fn engine(options: &EngineOptions) -> Result<WasmerEngine> {
    let mut compiler = Singlepass::new();
    compiler.num_threads(crate::engine::threads(options));
    crate::engine::build(
        measure::subject_id!("wasmer-singlepass"),
        "Wasmer, single-pass compiler",
        options,
        compiler,
        vec![("compiler", "singlepass".into()), ("opt_level", "none (single pass)".into())],
    )
}
