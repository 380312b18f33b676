//! The recipe "add a runtime configuration", worked: an adapter (the module below, one function
//! over the driver's shared glue that sets its knobs and records them) and one line of a subject
//! table are all the kit needs to build and check a configuration. In the driver itself the
//! adapter is `src/<config>.rs` and the line is in `src/lib.rs`'s `measure::driver!` list; the
//! orchestrator then needs its registry line (`harness/wasmgauge/src/registry.rs`).
mod cranelift_size {
    use anyhow::Result;
    use driver::engine::{WasmtimeEngine, build};
    use measure::engine::EngineOptions;
    use wasmtime as wt;

    pub fn engine(options: &EngineOptions) -> Result<WasmtimeEngine> {
        build("wasmtime-cranelift-size", "Wasmtime, Cranelift optimizing for speed and size", options, false, |c| {
            c.strategy(wt::Strategy::Cranelift);
            c.cranelift_opt_level(wt::OptLevel::SpeedAndSize);
            c.signals_based_traps(true);
            Ok(vec![("compiler", "cranelift".into()), ("opt_level", "speed-and-size".into())])
        })
    }
}

measure::subject_tables! {
    "wasmtime-cranelift-size" => cranelift_size,
}

measure::driver_kit_tests!(SUBJECTS, CONFORMANCE);

#[test]
fn the_new_configuration_records_the_knobs_it_sets() {
    let subject =
        measure::subject::build(SUBJECTS, measure::subject_id!("wasmtime-cranelift-size"), &Default::default());
    let info = subject.unwrap().info().clone();
    assert_eq!(info.knobs.get("opt_level").map(String::as_str), Some("speed-and-size"));
    assert_eq!(info.knobs.get("compile_threads").map(String::as_str), Some("1"));
}
