//! `wasmtime-cranelift`: Wasmtime with its optimizing compiler, Cranelift.
use crate::engine::WasmtimeEngine;
use anyhow::Result;
use measure::engine::EngineOptions;
use wasmtime as wt;

pub fn engine(options: &EngineOptions) -> Result<WasmtimeEngine> {
    crate::engine::build(
        measure::subject_id!("wasmtime-cranelift"),
        "Wasmtime, optimizing compiler (Cranelift)",
        options,
        false,
        |config| {
            config.strategy(wt::Strategy::Cranelift);
            config.cranelift_opt_level(wt::OptLevel::Speed);
            config.signals_based_traps(true);
            Ok(vec![
                ("compiler", "cranelift".into()),
                ("opt_level", "speed".into()),
                ("bounds_checks", "guard pages (signals-based traps)".into()),
            ])
        },
    )
}
