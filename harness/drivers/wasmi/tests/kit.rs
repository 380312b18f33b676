//! The checks every runtime driver runs on its own configurations (`measure::testkit`).
use driver::{CONFORMANCE, SUBJECTS};

measure::driver_kit_tests!(SUBJECTS, CONFORMANCE);

#[test]
fn time_scales_linearly_with_work() {
    measure::testkit::time_scales_linearly_with_work(SUBJECTS, "wasmi-eager", 1 << 20);
}
