//! The checks every runtime driver runs on its own configurations (`measure::testkit`).
use driver::{CONFORMANCE, SUBJECTS};

measure::driver_kit_tests!(SUBJECTS, CONFORMANCE);

/// Singlepass has no SIMD: a SIMD module is unsupported there, never failed; Cranelift runs it.
#[test]
fn singlepass_lacks_simd_and_cranelift_has_it() {
    let entry = |id: &str| CONFORMANCE.iter().find(|e| e.id == id).unwrap();
    let simd = |id: &str| measure::testkit::spec_run(entry(id), results::Features::v2(), measure::testkit::SIMD_SCRIPT);
    let out = simd("wasmer-singlepass");
    assert_eq!((out.counts.unsupported, out.counts.fail), (2, 0), "{out:?}");
    assert_eq!(simd("wasmer-cranelift").counts.pass, 2);
}
