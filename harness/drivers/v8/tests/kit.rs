//! The checks of the shared kit (`measure::testkit`) on V8 in Node.js, plus what this embedding
//! adds: the configurations' flags reach V8, compile and instantiate report the time Node
//! measured, and the conformance session carries values exactly across the JS API.
use driver::{CONFORMANCE, SUBJECTS};
use measure::engine::EngineOptions;
use measure::session::{FailureClass, InstanceId, Session, SessionLimits, Value};
use std::time::{Duration, Instant};

// The measuring checks, without the call paths (V8's calls are not timed one by one here).
measure::driver_kit_tests!(measure_only; SUBJECTS);

#[test]
fn spec_directives_are_judged_by_value_and_failure_class() {
    measure::testkit::spec_directives_are_judged_by_value_and_failure_class(CONFORMANCE);
}

#[test]
fn a_lacking_proposal_is_unsupported_not_failed() {
    measure::testkit::a_lacking_proposal_is_unsupported_not_failed(CONFORMANCE);
}

fn session(limits: SessionLimits) -> Box<dyn Session> {
    let conformance = (CONFORMANCE[0].make)(&EngineOptions::default()).unwrap();
    conformance.session(&limits).unwrap()
}

fn instance(s: &mut dyn Session, text: &str) -> InstanceId {
    let m = s.compile(&wat::parse_str(text).unwrap()).unwrap();
    s.instantiate(m).unwrap()
}

/// Floats cross the JS API as their bits (a signalling NaN would be quieted as a JS number),
/// a `v128` as two `i64`, and a deadline stops a guest that never returns.
#[test]
fn the_session_carries_nan_payloads_and_vectors_exactly_and_keeps_its_deadline() {
    let mut s = session(SessionLimits::default());
    let i = instance(
        s.as_mut(),
        r#"(module
            (func (export "f32") (param f32) (result f32) local.get 0)
            (func (export "f64") (param f64) (result f64) local.get 0)
            (func (export "v") (param v128) (result v128 i32) local.get 0 i32.const 7)
            (global (export "g") f32 (f32.const nan:0x200001)))"#,
    );
    let snan32 = 0x7fa0_0001u32;
    assert_eq!(s.invoke(i, "f32", &[Value::F32(snan32)]).unwrap(), [Value::F32(snan32)]);
    let snan64 = 0xfff4_0000_0000_0001u64;
    assert_eq!(s.invoke(i, "f64", &[Value::F64(snan64)]).unwrap(), [Value::F64(snan64)]);
    let v = 0x0102_0304_0506_0708_090a_0b0c_0d0e_0f10u128;
    assert_eq!(s.invoke(i, "v", &[Value::V128(v)]).unwrap(), [Value::V128(v), Value::I32(7)]);
    assert_eq!(s.global(i, "g").unwrap(), Value::F32(0x7fa0_0001));

    let mut s = session(SessionLimits { deadline: Some(Duration::from_millis(100)), ..Default::default() });
    let i = instance(s.as_mut(), r#"(module (func (export "run") (loop $l (br $l))))"#);
    let started = Instant::now();
    let f = s.invoke(i, "run", &[]).unwrap_err();
    assert_eq!(f.class, FailureClass::Interrupted, "{f}");
    assert!(started.elapsed() < Duration::from_secs(5), "{:?}", started.elapsed());
}

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

/// A component of the plugin world's `calls` interface, written here: `noop`, and `scalars`
/// answering `a * 3 + b - c * d` plus `wrong` (0: the native answer).
fn calls_component(wrong: f64) -> Vec<u8> {
    wat::parse_str(format!(
        r#"(component
            (core module $m
              (func (export "noop"))
              (func (export "scalars") (param i32 i64 f32 f64) (result f64)
                local.get 0 f64.convert_i32_u f64.const 3 f64.mul
                local.get 1 f64.convert_i64_u f64.add
                local.get 2 f64.promote_f32 local.get 3 f64.mul f64.sub
                f64.const {wrong} f64.add))
            (core instance $i (instantiate $m))
            (func $noop (canon lift (core func $i "noop")))
            (func $scalars (param "a" u32) (param "b" u64) (param "c" f32) (param "d" f64) (result f64)
              (canon lift (core func $i "scalars")))
            (instance $calls (export "noop" (func $noop)) (export "scalars" (func $scalars)))
            (instance $image)
            (export "wasmgauge:plugin/calls@0.1.0" (instance $calls))
            (export "wasmgauge:plugin/image@0.1.0" (instance $image)))"#
    ))
    .unwrap()
}

/// The component host through jco: compile and load are timed in Node (`remote_ns`), batches of
/// calls and of fresh instances are timed there, and a wrong answer fails the batch there.
#[test]
fn components_are_timed_and_checked_inside_node() {
    use measure::component::{Call, reference};
    use measure::subject::Subject;
    for entry in SUBJECTS {
        let Subject::Wasm(engine) = (entry.make)(&EngineOptions::default()).unwrap() else { panic!("{}", entry.id) };
        let host = engine.components().expect("V8 hosts components");
        let compiled = host.compile_plugin(&calls_component(0.0)).unwrap();
        assert!(engine.remote_ns().unwrap() > 0, "{}", entry.id);
        let loaded = host.load_plugin(&compiled.serialize().unwrap()).unwrap();
        let far = loaded.far().expect("instances are timed in Node");
        assert!(far.time_instances(3, true).unwrap() > 0);
        let mut p = loaded.instantiate().unwrap();
        let (a, b, c, d) = reference::SCALARS_ARGS;
        let expected = reference::scalars(a, b, c, d);
        assert_eq!(p.scalars(a, b, c, d).unwrap(), expected, "an untimed call through the pipe");
        let call = Call::Scalars { args: (a, b, c, d), expected };
        let id = p.far().unwrap().prepare(&call).unwrap();
        assert!(p.far().unwrap().time(id, 100).unwrap() > 0);

        let wrong = host.compile_plugin(&calls_component(1.0)).unwrap();
        let mut p = wrong.instantiate().unwrap();
        let id = p.far().unwrap().prepare(&call).unwrap();
        let e = p.far().unwrap().time(id, 100).unwrap_err().to_string();
        assert!(e.contains("wrong answer from scalars"), "{e}");
        assert!(host.load_plugin(b"not an artifact").is_err());
        assert!(host.compile_plugin(b"\0asm\x01\0\0\0").is_err(), "a core module is no component");
    }
}
