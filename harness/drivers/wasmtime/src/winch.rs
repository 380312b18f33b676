//! `wasmtime-winch`: Wasmtime with its single-pass baseline compiler, Winch (x86-64).
use crate::engine::WasmtimeEngine;
use anyhow::Result;
use measure::engine::EngineOptions;
use wasmtime as wt;

pub fn engine(options: &EngineOptions) -> Result<WasmtimeEngine> {
    crate::engine::build(
        measure::subject_id!("wasmtime-winch"),
        "Wasmtime, baseline compiler (Winch)",
        options,
        false,
        |config| {
            config.strategy(wt::Strategy::Winch);
            config.signals_based_traps(true);
            Ok(vec![
                ("compiler", "winch".into()),
                ("opt_level", "none (single pass)".into()),
                ("bounds_checks", "guard pages (signals-based traps)".into()),
            ])
        },
    )
}
