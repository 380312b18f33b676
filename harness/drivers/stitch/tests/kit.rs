//! What works of stitch when built here: calls without linear memory. Its first memory access
//! crashes the process (SIGSEGV) when built by rustc 1.95, so the registry measures it only
//! when named and the shared kit (whose checks use memory) does not run on it.
use driver::SUBJECTS;

#[test]
fn calls_without_memory_answer_like_native() {
    let subject = measure::subject::build(SUBJECTS, "stitch", &Default::default()).unwrap();
    let engine = subject.engine().unwrap();
    let mut instance = engine.instantiate(engine.compile(&measure::testkit::wat("add4")).unwrap().as_ref()).unwrap();
    let f = instance.func("add4").unwrap();
    let mut out = [measure::engine::Val::I64(0)];
    instance.call(f, &[7, -3, 11, 85].map(measure::engine::Val::I64), &mut out).unwrap();
    assert_eq!(out[0], measure::engine::Val::I64(measure::micro::add4(7, -3, 11, 85)));
}
