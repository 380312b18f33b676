//! The Extism driver's own checks: a core module is refused with a message that says why, and a
//! plugin (here a WAT one: Extism plugin functions take nothing and return an i32 code) is
//! linked with the host's `tick` and called through the plugin kit, with and without Extism's
//! compilation cache. The full plugin of the corpus is measured by the harness's tests.
use driver::SUBJECTS;
use measure::engine::EngineOptions;

const PLUGIN: &str = r#"(module
  (import "extism:host/user" "tick" (func $tick (param i64) (result i64)))
  (func (export "noop") (result i32) i32.const 0)
  (func (export "tick20") (result i32) (i32.wrap_i64 (call $tick (i64.const 20)))))"#;

fn engine() -> measure::subject::Subject {
    measure::subject::build(SUBJECTS, "extism", &EngineOptions::default()).unwrap()
}

#[test]
fn a_core_module_is_refused_with_the_reason() {
    let subject = engine();
    let err = subject.engine().unwrap().compile(b"\0asm\x01\0\0\0").err().unwrap().to_string();
    assert!(err.contains("not a core module's exports"), "{err}");
}

#[test]
fn a_plugin_is_linked_with_tick_and_called() {
    let subject = engine();
    let kit = subject.engine().unwrap().plugin_kit().unwrap();
    let wasm = wat::parse_str(PLUGIN).unwrap();
    let compiled = kit.compile(&wasm).unwrap();
    let mut plugin = compiled.instantiate().unwrap();
    assert_eq!(plugin.call("noop", b"ignored").unwrap(), Vec::<u8>::new());
    // tick(20) = 41, returned as the function's code: Extism calls a non-zero code an error.
    let err = plugin.call("tick20", &[]).err().unwrap().to_string();
    assert!(err.contains("41"), "{err}");
    let cache = tempfile::tempdir().unwrap();
    for _ in 0..2 {
        let mut p = kit.new_plugin(&wasm, Some(&cache.path().join("cache"))).unwrap();
        assert!(p.call("noop", &[]).unwrap().is_empty());
    }
    assert!(std::fs::read_dir(cache.path().join("cache")).unwrap().next().is_some(), "the cache holds the plugin");
    assert!(kit.new_plugin(b"not wasm", None).is_err());
}
