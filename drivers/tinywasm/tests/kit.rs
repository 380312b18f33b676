//! The checks every runtime driver runs on its own configurations (`measure::testkit`): the
//! measuring ones (tinywasm has no conformance side).
use tinywasm_driver::SUBJECTS;

measure::driver_kit_tests!(measure_only; SUBJECTS);

#[test]
fn call_paths_verify_answers() {
    measure::testkit::call_paths_verify_answers(SUBJECTS);
}
