//! `wasmer-cranelift`: Wasmer with the Cranelift backend.
use crate::engines::{Engine, EngineOptions};
use anyhow::Result;
use wasmer::sys::{Cranelift, CraneliftOptLevel};

pub fn engine(options: &EngineOptions) -> Result<Box<dyn Engine>> {
    let mut compiler = Cranelift::new();
    compiler.num_threads(super::threads(options));
    compiler.opt_level(CraneliftOptLevel::Speed);
    super::build(
        "wasmer-cranelift",
        "Wasmer, Cranelift backend",
        options,
        compiler,
        vec![("compiler", "cranelift".into()), ("opt_level", "speed".into())],
    )
}
