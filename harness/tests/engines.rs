//! Every engine configuration against the native answers, through the library interfaces.
mod common;

use wasmgauge::corpus::{ModuleKind, parse_checksum};
use wasmgauge::engines::{self, EngineOptions, Val, WASM_ENGINES};
use wasmgauge::executor::{self, WorkloadCode};
use wasmgauge::workloads::{self, Size, micro_native};

/// Every Rust workload's wasm output equals native on every engine config (small inputs), and
/// the two baselines give the same answer through the same interface.
#[test]
fn every_workload_matches_native_on_every_engine() {
    let corpus = common::corpus();
    let mut checked = 0;
    for module in corpus.manifest.modules.iter().filter(|m| m.kind == ModuleKind::RustWorkload) {
        let wasm = corpus.wasm(module).unwrap();
        let w = workloads::rust_workload(&module.name).unwrap();
        let input = w.input_for(Size::Small);
        let expected =
            parse_checksum(&module.inputs.iter().find(|i| i.size == Size::Small).unwrap().expected_checksum).unwrap();
        assert_eq!(expected, (w.run)(&input), "manifest answer is the native answer for {}", module.name);
        for id in engines::all_ids() {
            let mut exec = executor::make(id, &EngineOptions::default()).unwrap();
            exec.prepare(&WorkloadCode { name: &module.name, wasm: &wasm }, &input)
                .unwrap_or_else(|e| panic!("{} on {id}: {e:#}", module.name));
            for _ in 0..2 {
                let got = exec.call().unwrap_or_else(|e| panic!("{} on {id}: {e:#}", module.name));
                assert_eq!(got, expected, "{} on {id}", module.name);
            }
            checked += 1;
        }
    }
    assert_eq!(checked, 10 * engines::all_ids().len());
}

/// Large inputs too: every workload's wasm output equals native on a compiled and an interpreted
/// engine (a 32-bit overflow in a guest shows up only at large sizes).
#[test]
fn large_inputs_match_native() {
    let corpus = common::corpus();
    for module in corpus.manifest.modules.iter().filter(|m| m.kind == ModuleKind::RustWorkload) {
        let wasm = corpus.wasm(module).unwrap();
        let input = workloads::rust_workload(&module.name).unwrap().input_for(Size::Large);
        let expected =
            parse_checksum(&module.inputs.iter().find(|i| i.size == Size::Large).unwrap().expected_checksum).unwrap();
        for id in ["wasmtime-winch", "wasmi-lazy"] {
            let mut exec = executor::make(id, &EngineOptions::default()).unwrap();
            exec.prepare(&WorkloadCode { name: &module.name, wasm: &wasm }, &input).unwrap();
            assert_eq!(exec.call().unwrap(), expected, "{} (large) on {id}", module.name);
        }
    }
}

/// The WAT micro-modules give their native twins' answers on every engine: plain calls, the
/// host import loop, and a checksum over bytes the host wrote into guest memory.
#[test]
fn micro_modules_match_native_on_every_engine() {
    let corpus = common::corpus();
    let buffer = micro_native::checksum_buffer(4096);
    for spec in WASM_ENGINES {
        let engine = (spec.make)(&EngineOptions::default()).unwrap();
        for module in corpus.manifest.modules.iter().filter(|m| m.kind == ModuleKind::WatMicro) {
            let compiled = engine.compile(&corpus.wasm(module).unwrap()).unwrap();
            let mut instance = engine
                .instantiate(compiled.as_ref())
                .unwrap_or_else(|e| panic!("{} on {}: {e:#}", module.name, spec.id));
            if module.name == "checksum" {
                instance.write_memory(0, &buffer).unwrap();
                let mut back = vec![0u8; 64];
                instance.read_memory(0, &mut back).unwrap();
                assert_eq!(back, buffer[..64], "memory round trip on {}", spec.id);
            }
            for call in &module.calls {
                let sig = module.exports.iter().find(|e| e.name == call.export).unwrap().signature.clone().unwrap();
                let args: Vec<Val> =
                    sig.params.iter().zip(&call.args).map(|(t, a)| Val::parse(*t, &a.to_string()).unwrap()).collect();
                let mut results: Vec<Val> = sig.results.iter().map(|t| Val::zero(*t)).collect();
                let f = instance.func(&call.export).unwrap();
                instance
                    .call(f, &args, &mut results)
                    .unwrap_or_else(|e| panic!("{}.{} on {}: {e:#}", module.name, call.export, spec.id));
                let got: Vec<i64> = results
                    .iter()
                    .map(|v| match v {
                        Val::I32(x) => i64::from(*x),
                        Val::I64(x) => *x,
                        other => panic!("unexpected {other}"),
                    })
                    .collect();
                assert_eq!(got, call.results, "{}.{} on {}", module.name, call.export, spec.id);
            }
        }
    }
}

/// Ahead-of-time artifacts: Wasmtime and Wasmer round-trip through serialize/deserialize and
/// still compute the right answer; wasmi says it has none.
#[test]
fn artifacts_round_trip_where_the_runtime_has_them() {
    let corpus = common::corpus();
    let add4 = corpus.wasm(corpus.module("add4").unwrap()).unwrap();
    for spec in WASM_ENGINES {
        let engine = (spec.make)(&EngineOptions::default()).unwrap();
        let module = engine.compile(&add4).unwrap();
        match engine.serialize(module.as_ref()).unwrap() {
            Some(bytes) => {
                assert!(!spec.id.starts_with("wasmi"), "{}", spec.id);
                let loaded = engine.deserialize(&bytes).unwrap();
                let mut instance = engine.instantiate(loaded.as_ref()).unwrap();
                let f = instance.func("add4").unwrap();
                let mut out = [Val::I64(0)];
                instance.call(f, &[Val::I64(7), Val::I64(-3), Val::I64(11), Val::I64(85)], &mut out).unwrap();
                assert_eq!(out[0], Val::I64(micro_native::add4(7, -3, 11, 85)), "{}", spec.id);
            }
            None => {
                assert!(spec.id.starts_with("wasmi"), "{} should have an artifact", spec.id);
                let err = engine.deserialize(b"x").err().unwrap().to_string();
                assert!(err.contains("not available"), "{err}");
            }
        }
    }
}

/// A trap comes back as an error naming it, on every engine, and leaves the host running.
#[test]
fn traps_are_errors_not_crashes() {
    let corpus = common::corpus();
    let trap = corpus.wasm(corpus.module("trap").unwrap()).unwrap();
    for spec in WASM_ENGINES {
        let mut exec = executor::make(spec.id, &EngineOptions::default()).unwrap();
        exec.prepare(&WorkloadCode { name: "trap", wasm: &trap }, &[0; 16]).unwrap();
        let err = format!("{:#}", exec.call().unwrap_err()).to_lowercase();
        assert!(err.contains("unreachable"), "{}: {err}", spec.id);
    }
}

/// A malformed module is a compile error on every engine.
#[test]
fn malformed_modules_fail_to_compile_everywhere() {
    for spec in WASM_ENGINES {
        let engine = (spec.make)(&EngineOptions::default()).unwrap();
        assert!(engine.compile(b"\0asm\x01\0\0\0\x01\xff").is_err(), "{}", spec.id);
        assert!(engine.compile(b"not wasm at all").is_err(), "{}", spec.id);
    }
}

/// The typed and dynamic call paths of every engine check every answer: right answers pass,
/// a wrong expected answer fails the loop.
#[test]
fn call_paths_verify_answers_on_every_engine() {
    use wasmgauge::engines::{CallPath, MicroCall};
    let corpus = common::corpus();
    let add4 = corpus.wasm(corpus.module("add4").unwrap()).unwrap();
    let host_loop = corpus.wasm(corpus.module("host_loop").unwrap()).unwrap();
    let right = micro_native::add4(1, 2, 3, 4);
    for spec in WASM_ENGINES {
        let engine = (spec.make)(&EngineOptions::default()).unwrap();
        let mut instance = engine.instantiate(engine.compile(&add4).unwrap().as_ref()).unwrap();
        for path in [CallPath::Typed, CallPath::Dynamic] {
            instance.time_micro(MicroCall::Add4 { args: [1, 2, 3, 4], expected: right }, path, 10).unwrap();
            let err =
                instance.time_micro(MicroCall::Add4 { args: [1, 2, 3, 4], expected: right + 1 }, path, 10).unwrap_err();
            assert!(err.to_string().contains("wrong answer"), "{} {path:?}: {err}", spec.id);
        }
        let mut instance = engine.instantiate(engine.compile(&host_loop).unwrap().as_ref()).unwrap();
        let call = MicroCall::HostLoop { n: 50, expected: micro_native::host_loop(50) };
        instance.time_micro(call, CallPath::Typed, 5).unwrap_or_else(|e| panic!("{}: {e:#}", spec.id));
    }
}
