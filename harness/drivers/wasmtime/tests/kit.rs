//! The checks every runtime driver runs on its own configurations (`measure::testkit`).
use driver::{CONFORMANCE, SUBJECTS};

measure::driver_kit_tests!(SUBJECTS, CONFORMANCE);

#[test]
fn time_scales_linearly_with_work() {
    measure::testkit::time_scales_linearly_with_work(SUBJECTS, measure::subject_id!("wasmtime-cranelift"), 1 << 22);
}

#[test]
fn a_cell_slowed_on_purpose_shows_the_expected_ratio() {
    measure::testkit::a_cell_slowed_on_purpose_shows_the_expected_ratio(
        SUBJECTS,
        measure::subject_id!("wasmtime-cranelift"),
    );
}
