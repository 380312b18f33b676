//! The checks every runtime driver runs on its own configurations (`measure::testkit`): the
//! measuring ones (WAMR has no conformance side here).
use driver::SUBJECTS;

measure::driver_kit_tests!(measure_only; SUBJECTS);

/// Every further instance of one compiled module works (the bindings load the module again for
/// each instance after the first).
#[test]
fn a_compiled_module_gives_many_instances() {
    let subject = measure::subject::build(SUBJECTS, "wamr-fast-interp", &Default::default()).unwrap();
    let engine = subject.engine().unwrap();
    let module = engine.compile(&measure::testkit::wat("add4")).unwrap();
    for _ in 0..3 {
        let mut instance = engine.instantiate(module.as_ref()).unwrap();
        let f = instance.func("add4").unwrap();
        let mut out = [measure::engine::Val::I64(0)];
        let args = [1, 2, 3, 4].map(measure::engine::Val::I64);
        instance.call(f, &args, &mut out).unwrap();
        assert_eq!(out[0], measure::engine::Val::I64(measure::micro::add4(1, 2, 3, 4)));
    }
}

#[test]
fn call_paths_verify_answers() {
    measure::testkit::call_paths_verify_answers(SUBJECTS);
}
