//! The checks every runtime driver runs on its own configurations (`measure::testkit`): the
//! measuring ones (wasm3 has no conformance side).
use driver::SUBJECTS;

measure::driver_kit_tests!(measure_only; SUBJECTS);

/// The engine stays on the thread that made it: another thread is refused, not raced.
#[test]
fn another_thread_is_refused() {
    let subject = measure::subject::build(SUBJECTS, "wasm3", &Default::default()).unwrap();
    let engine = subject.engine().unwrap();
    std::thread::scope(|s| {
        let err = s.spawn(|| engine.compile(&measure::testkit::wat("add4")).err().unwrap().to_string()).join().unwrap();
        assert!(err.contains("single-threaded"), "{err}");
    });
}

#[test]
fn call_paths_verify_answers() {
    measure::testkit::call_paths_verify_answers(SUBJECTS);
}
