//! The checks every runtime driver runs on its own configurations (`measure::testkit`), and
//! the limits tinywasm's conformance session enforces itself (fuel slices, the deadline, the
//! memory cap), which no other driver shares.
use driver::{CONFORMANCE, SUBJECTS};
use measure::engine::EngineOptions;
use measure::session::{FailureClass, Session, SessionLimits, Value};
use std::time::{Duration, Instant};

measure::driver_kit_tests!(SUBJECTS, CONFORMANCE);

fn session(limits: SessionLimits) -> Box<dyn Session> {
    let conformance = (CONFORMANCE[0].make)(&EngineOptions::default()).unwrap();
    conformance.session(&limits).unwrap()
}

fn module(s: &mut dyn Session, wat_text: &str) -> Result<measure::session::InstanceId, measure::session::Failure> {
    let m = s.compile(&wat::parse_str(wat_text).unwrap())?;
    s.instantiate(m)
}

#[test]
fn fuel_and_the_deadline_stop_a_guest_that_never_returns() {
    let forever = r#"(module (func (export "run") (result i32) (loop $l (br $l)) (i32.const 0)))"#;
    let mut s = session(SessionLimits { fuel: Some(1_000_000), ..Default::default() });
    let i = module(s.as_mut(), forever).unwrap();
    let f = s.invoke(i, "run", &[]).unwrap_err();
    assert_eq!(f.class, FailureClass::Interrupted, "{f}");
    assert!(f.message.contains("fuel"), "{f}");

    let mut s = session(SessionLimits { deadline: Some(Duration::from_millis(50)), ..Default::default() });
    let i = module(s.as_mut(), forever).unwrap();
    let started = Instant::now();
    let f = s.invoke(i, "run", &[]).unwrap_err();
    assert_eq!(f.class, FailureClass::Interrupted, "{f}");
    assert!(f.message.contains("deadline"), "{f}");
    assert!(started.elapsed() < Duration::from_secs(5), "stopped near its deadline: {:?}", started.elapsed());

    // Under the same limits, a call that returns gives its answer.
    let add = r#"(module (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add))"#;
    let i = module(s.as_mut(), add).unwrap();
    assert_eq!(s.invoke(i, "add", &[Value::I32(2), Value::I32(40)]).unwrap(), [Value::I32(42)]);
}

#[test]
fn the_memory_cap_refuses_a_large_memory_and_a_grow_past_it() {
    let mut s = session(SessionLimits { max_memory_bytes: Some(4 << 16), ..Default::default() });
    let over = module(s.as_mut(), r#"(module (memory 8))"#).unwrap_err();
    assert_eq!(over.class, FailureClass::Limit, "{over}");
    let grow = r#"(module (memory (export "memory") 1)
        (func (export "grow") (param i32) (result i32) local.get 0 memory.grow))"#;
    let i = module(s.as_mut(), grow).unwrap();
    assert_eq!(s.invoke(i, "grow", &[Value::I32(3)]).unwrap(), [Value::I32(1)]);
    assert_eq!(s.invoke(i, "grow", &[Value::I32(1)]).unwrap(), [Value::I32(-1)], "a fifth page is over the cap");
    assert_eq!(s.memory_size(i, "memory").unwrap(), 4 << 16);
}

#[test]
fn registered_instances_and_spectest_are_importable() {
    let mut s = session(SessionLimits::default());
    let a = module(s.as_mut(), r#"(module (global (export "g") i32 (i32.const 7)))"#).unwrap();
    s.register("a", a).unwrap();
    let b = module(
        s.as_mut(),
        r#"(module (import "a" "g" (global $g i32)) (import "spectest" "global_i32" (global $s i32))
            (func (export "sum") (result i32) global.get $g global.get $s i32.add))"#,
    )
    .unwrap();
    assert_eq!(s.invoke(b, "sum", &[]).unwrap(), [Value::I32(7 + 666)]);
}
