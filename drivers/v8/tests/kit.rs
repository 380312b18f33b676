//! The measuring checks of the shared kit (`measure::testkit`) on V8 in Node.js, plus what this
//! embedding adds: the configurations' flags reach V8, and compile and instantiate report the
//! time Node measured.
use v8_driver::SUBJECTS;

measure::driver_kit_tests!(measure_only; SUBJECTS);

#[test]
fn each_configuration_runs_node_with_its_v8_flags_and_reports_node_timings() {
    for (id, flag) in [("v8-liftoff", "--liftoff-only"), ("v8-turbofan", "--no-liftoff")] {
        let subject = measure::subject::build(SUBJECTS, id, &Default::default()).unwrap();
        let info = subject.info().clone();
        assert!(info.knobs["v8_flags"].contains(flag), "{id}: {:?}", info.knobs);
        assert!(
            info.runtime_version.chars().next().is_some_and(|c| c.is_ascii_digit()),
            "{id}: {}",
            info.runtime_version
        );
        let engine = subject.engine().unwrap();
        let module = engine.compile(&measure::testkit::wat("add4")).unwrap();
        let compile_ns = engine.remote_ns().unwrap();
        assert!(compile_ns > 0, "{id}");
        drop(engine.instantiate(module.as_ref()).unwrap());
        assert!(engine.remote_ns().unwrap() > 0, "{id}");
    }
}
