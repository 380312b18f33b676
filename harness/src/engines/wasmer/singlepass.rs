//! `wasmer-singlepass`: Wasmer with its single-pass compiler.
use crate::engines::{Engine, EngineOptions};
use anyhow::Result;
use wasmer::sys::Singlepass;

pub fn engine(options: &EngineOptions) -> Result<Box<dyn Engine>> {
    let mut compiler = Singlepass::new();
    compiler.num_threads(super::threads(options));
    super::build(
        "wasmer-singlepass",
        "Wasmer, single-pass compiler",
        options,
        compiler,
        vec![("compiler", "singlepass".into()), ("opt_level", "none (single pass)".into())],
    )
}
