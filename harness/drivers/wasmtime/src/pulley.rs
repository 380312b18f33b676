//! `wasmtime-pulley`: Wasmtime compiling to Pulley bytecode and interpreting it (portable,
//! no native code generation).
use crate::engine::WasmtimeEngine;
use anyhow::Result;
use measure::engine::EngineOptions;
use wasmtime as wt;

pub fn engine(options: &EngineOptions) -> Result<WasmtimeEngine> {
    crate::engine::build(
        measure::subject_id!("wasmtime-pulley"),
        "Wasmtime, portable interpreter (Pulley)",
        options,
        false,
        |config| {
            config.strategy(wt::Strategy::Cranelift);
            config.target("pulley64")?;
            config.cranelift_opt_level(wt::OptLevel::Speed);
            config.signals_based_traps(false);
            Ok(vec![
                ("compiler", "cranelift -> pulley64 bytecode".into()),
                ("execution", "interpreter".into()),
                ("opt_level", "speed".into()),
                ("bounds_checks", "explicit checks (no signals)".into()),
            ])
        },
    )
}
