//! `wasmer-cranelift`: Wasmer with the Cranelift backend.
use crate::engine::WasmerEngine;
use anyhow::Result;
use measure::engine::EngineOptions;
use wasmer::sys::{Cranelift, CraneliftOptLevel};

pub fn engine(options: &EngineOptions) -> Result<WasmerEngine> {
    let mut compiler = Cranelift::new();
    compiler.num_threads(crate::engine::threads(options));
    compiler.opt_level(CraneliftOptLevel::Speed);
    crate::engine::build(
        measure::subject_id!("wasmer-cranelift"),
        "Wasmer, Cranelift backend",
        options,
        compiler,
        vec![("compiler", "cranelift".into()), ("opt_level", "speed".into())],
    )
}
