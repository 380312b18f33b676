//! Checks every runtime driver runs on its own subject table (`harness/drivers/<name>/tests/kit.rs`
//! calls them): the WAT micro-modules give their native twins' answers, artifacts round-trip
//! where the runtime has them, traps are errors and not crashes, malformed modules fail to
//! compile, both call paths verify every answer, and the spec runner judges directives by value
//! and by failure class. The workloads against their native answers are checked end to end by
//! the `wasmgauge` integration tests, through the drivers.
#![allow(clippy::unwrap_used)] // the drivers' test checks: a panic is how a check fails
use crate::engine::{CallPath, Conformance, EngineOptions, MicroCall, Val};
use crate::executor::{Executor, WorkloadCode, wasm::WasmExecutor};
use crate::micro;
use crate::subject::{ConformanceEntry, Subject, SubjectEntry};
use protocol::conform::SpecFileJob;
use results::Features;

/// The checks take turns: the timing checks must not share the CPU with another check of the
/// same test binary (libtest runs tests on parallel threads).
fn turn() -> std::sync::MutexGuard<'static, ()> {
    static TURN: std::sync::Mutex<()> = std::sync::Mutex::new(());
    TURN.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A WAT micro-module of the corpus, assembled.
pub fn wat(name: &str) -> Vec<u8> {
    let source = match name {
        "empty" => include_str!("../../../workloads/wat/empty.wat"),
        "add4" => include_str!("../../../workloads/wat/add4.wat"),
        "host_loop" => include_str!("../../../workloads/wat/host_loop.wat"),
        "checksum" => include_str!("../../../workloads/wat/checksum.wat"),
        "spin" => include_str!("../../../workloads/wat/spin.wat"),
        "mem_touch" => include_str!("../../../workloads/wat/mem_touch.wat"),
        "trap" => include_str!("../../../workloads/adversarial/trap.wat"),
        other => panic!("no micro-module `{other}`"),
    };
    wat::parse_str(source).expect("valid WAT")
}

fn wasm_subjects(table: &[SubjectEntry]) -> Vec<Subject> {
    table
        .iter()
        .filter_map(|e| match (e.make)(&EngineOptions::default()).unwrap_or_else(|err| panic!("{}: {err:#}", e.id)) {
            s @ Subject::Wasm(_) => Some(s),
            _ => None,
        })
        .collect()
}

fn call1(instance: &mut dyn crate::engine::Instance, export: &str, args: &[Val], result: Val) -> Val {
    let f = instance.func(export).unwrap();
    let mut out = [result];
    instance.call(f, args, &mut out).unwrap_or_else(|e| panic!("{export}: {e:#}"));
    out[0]
}

/// The micro-modules give their native twins' answers: plain calls, the host import loop, a
/// checksum over bytes the host wrote into guest memory (read back too), the spin loop and the
/// memory toucher.
pub fn micro_modules_match_native(table: &[SubjectEntry]) {
    let _turn = turn();
    for s in wasm_subjects(table) {
        let (engine, id) = (s.engine().unwrap(), s.info().id.clone());
        let inst = |name: &str| engine.instantiate(engine.compile(&wat(name)).unwrap().as_ref()).unwrap();
        let mut add4 = inst("add4");
        let args = micro::ADD4_ARGS.map(Val::I64);
        let [a, b, c, d] = micro::ADD4_ARGS;
        assert_eq!(call1(add4.as_mut(), "add4", &args, Val::I64(0)), Val::I64(micro::add4(a, b, c, d)), "{id}");
        let mut host = inst("host_loop");
        assert_eq!(
            call1(host.as_mut(), "call_host", &[Val::I32(1000)], Val::I32(0)),
            Val::I32(micro::host_loop(1000)),
            "{id}"
        );
        let mut sum = inst("checksum");
        let buffer = micro::checksum_buffer(4096);
        sum.write_memory(0, &buffer).unwrap();
        let mut back = vec![0u8; 64];
        sum.read_memory(0, &mut back).unwrap();
        assert_eq!(back, buffer[..64], "memory round trip on {id}");
        let want = Val::I64(micro::checksum(&buffer));
        assert_eq!(call1(sum.as_mut(), "checksum", &[Val::I32(0), Val::I32(4096)], Val::I64(0)), want, "{id}");
        let mut spin = inst("spin");
        assert_eq!(
            call1(spin.as_mut(), "spin", &[Val::I64(100_000)], Val::I64(0)),
            Val::I64(micro::spin(100_000)),
            "{id}"
        );
        let mut touch = inst("mem_touch");
        assert_eq!(call1(touch.as_mut(), "touch", &[], Val::I32(0)), Val::I32(16), "{id}");
    }
}

/// Ahead-of-time artifacts round-trip through serialize/deserialize and still compute the right
/// answer where the runtime has them; where it has none, deserializing says so.
pub fn artifacts_round_trip_where_the_runtime_has_them(table: &[SubjectEntry]) {
    let _turn = turn();
    for s in wasm_subjects(table) {
        let (engine, id) = (s.engine().unwrap(), s.info().id.clone());
        let module = engine.compile(&wat("add4")).unwrap();
        match engine.serialize(module.as_ref()).unwrap() {
            Some(bytes) => {
                let loaded = engine.deserialize(&bytes).unwrap();
                let mut instance = engine.instantiate(loaded.as_ref()).unwrap();
                let args = [7, -3, 11, 85].map(Val::I64);
                assert_eq!(
                    call1(instance.as_mut(), "add4", &args, Val::I64(0)),
                    Val::I64(micro::add4(7, -3, 11, 85)),
                    "{id}"
                );
            }
            None => {
                let err = engine.deserialize(b"x").err().unwrap().to_string();
                assert!(err.contains("not available"), "{id}: {err}");
            }
        }
    }
}

/// A trap comes back as an error naming it, and leaves the host running.
pub fn traps_are_errors_not_crashes(table: &[SubjectEntry]) {
    let _turn = turn();
    for s in wasm_subjects(table) {
        let mut exec = WasmExecutor::new(s.engine().unwrap());
        exec.prepare(&WorkloadCode { name: "trap", wasm: &wat("trap") }, &[0; 16]).unwrap();
        let err = format!("{:#}", exec.call().unwrap_err()).to_lowercase();
        assert!(err.contains("unreachable"), "{}: {err}", s.info().id);
    }
}

/// A timed batch of a workload's `run` checks every answer: the right answer passes and takes
/// time, a wrong expected answer fails the batch (whether the batch is timed here or, for an
/// engine in another process, there).
pub fn timed_batches_verify_every_answer(table: &[SubjectEntry]) {
    let _turn = turn();
    for s in wasm_subjects(table) {
        let id = s.info().id.clone();
        let mut exec = WasmExecutor::new(s.engine().unwrap());
        // The workload ABI; `run` sums the input's bytes.
        let guest = wat::parse_str(
            r#"(module (memory (export "memory") 1)
                 (func (export "wg_alloc") (param i32) (result i32) (i32.const 1024))
                 (func (export "run") (param $p i32) (param $n i32) (result i64) (local $s i64)
                   (block $done (loop $next
                     (br_if $done (i32.eqz (local.get $n)))
                     (local.set $s (i64.add (local.get $s) (i64.load8_u (local.get $p))))
                     (local.set $p (i32.add (local.get $p) (i32.const 1)))
                     (local.set $n (i32.sub (local.get $n) (i32.const 1)))
                     (br $next)))
                   (local.get $s)))"#,
        )
        .expect("valid WAT");
        let buffer = micro::checksum_buffer(4096);
        exec.prepare(&WorkloadCode { name: "byte_sum", wasm: &guest }, &buffer).unwrap();
        let right: u64 = buffer.iter().map(|&b| b as u64).sum();
        assert!(exec.timed_calls(5, right).unwrap() > 0, "{id}");
        let err = exec.timed_calls(3, right ^ 1).unwrap_err().to_string();
        assert!(err.contains("wrong answer"), "{id}: {err}");
    }
}

/// A malformed module is a compile error.
pub fn malformed_modules_fail_to_compile(table: &[SubjectEntry]) {
    let _turn = turn();
    for s in wasm_subjects(table) {
        let engine = s.engine().unwrap();
        assert!(engine.compile(b"\0asm\x01\0\0\0\x01\xff").is_err(), "{}", s.info().id);
        assert!(engine.compile(b"not wasm at all").is_err(), "{}", s.info().id);
    }
}

/// The typed and dynamic call paths check every answer: right answers pass, a wrong expected
/// answer fails the loop; the host import loop runs through the typed path.
pub fn call_paths_verify_answers(table: &[SubjectEntry]) {
    let _turn = turn();
    let right = micro::add4(1, 2, 3, 4);
    for s in wasm_subjects(table) {
        let (engine, id) = (s.engine().unwrap(), s.info().id.clone());
        let mut instance = engine.instantiate(engine.compile(&wat("add4")).unwrap().as_ref()).unwrap();
        for path in [CallPath::Typed, CallPath::Dynamic] {
            instance.time_micro(MicroCall::Add4 { args: [1, 2, 3, 4], expected: right }, path, 10).unwrap();
            let err =
                instance.time_micro(MicroCall::Add4 { args: [1, 2, 3, 4], expected: right + 1 }, path, 10).unwrap_err();
            assert!(err.to_string().contains("wrong answer"), "{id} {path:?}: {err}");
        }
        let mut instance = engine.instantiate(engine.compile(&wat("host_loop")).unwrap().as_ref()).unwrap();
        let call = MicroCall::HostLoop { n: 50, expected: micro::host_loop(50) };
        instance.time_micro(call, CallPath::Typed, 5).unwrap_or_else(|e| panic!("{id}: {e:#}"));
    }
}

/// A script of one file: its directives judged the way the spec runner judges the testsuite.
pub const SPEC_SCRIPT: &str = r#"
    (module
      (func (export "add") (param i32 i32) (result i32) local.get 0 local.get 1 i32.add)
      (func (export "div") (param i32 i32) (result i32) local.get 0 local.get 1 i32.div_s)
      (func (export "nan") (result f32) f32.const nan)
      (func $loop (export "deep") (result i32) call $loop))
    (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 3))
    (assert_return (invoke "add" (i32.const 1) (i32.const 2)) (i32.const 4))
    (assert_trap (invoke "div" (i32.const 1) (i32.const 0)) "integer divide by zero")
    (assert_return (invoke "nan") (f32.const nan:canonical))
    (assert_exhaustion (invoke "deep") "call stack exhausted")
    (assert_invalid (module (func (result i32))) "type mismatch")
    (assert_malformed (module quote "(func") "unexpected end")
    (assert_unlinkable (module (import "nowhere" "f" (func))) "unknown import")
"#;

/// Runs `text` as a file of a suite judged with `profile` on conformance entry `entry`.
pub fn spec_run(entry: &'static ConformanceEntry, profile: Features, text: &str) -> results::conformance::FileOutcome {
    let options = EngineOptions { features: Some(profile.clone()), ..Default::default() };
    let job = SpecFileJob { suite: "kit".into(), file: "kit.wast".into(), profile, text: text.into() };
    std::thread::Builder::new()
        .stack_size(256 << 20)
        .spawn(move || {
            let conformance: Box<dyn Conformance> = (entry.make)(&options).unwrap();
            crate::conform::spec::run_file(conformance.as_ref(), entry.id, &job).unwrap()
        })
        .unwrap()
        .join()
        .unwrap()
}

/// Directives are judged by value and by failure class on every configuration: the module, the
/// right sum, the trap, the NaN, the exhaustion, the invalid and the unlinkable module pass;
/// the wrong `4` fails; the quoted module is skipped.
pub fn spec_directives_are_judged_by_value_and_failure_class(table: &'static [ConformanceEntry]) {
    let _turn = turn();
    for entry in table {
        let out = spec_run(entry, Features::v2(), SPEC_SCRIPT);
        assert_eq!((out.counts.pass, out.counts.fail, out.counts.skipped), (7, 1, 1), "{}: {out:?}", entry.id);
        assert!(out.first_failure.as_deref().unwrap().starts_with("line 8:"), "{}: {out:?}", entry.id);
    }
}

/// A SIMD module (`SIMD_SCRIPT`) judged under the 2.0 profile passes where the configuration
/// runs SIMD and is unsupported (never failed) where it does not; judged under 1.0 it is invalid,
/// so it fails where the configuration runs SIMD (the runtime must reject it under that profile)
/// unless the configuration validates with a fixed set of proposals.
pub fn a_lacking_proposal_is_unsupported_not_failed(table: &'static [ConformanceEntry]) {
    let _turn = turn();
    for entry in table {
        let out = spec_run(entry, Features::v2(), SIMD_SCRIPT);
        assert_eq!(out.counts.fail, 0, "{}: {out:?}", entry.id);
        assert!(out.counts.pass == 2 || out.counts.unsupported == 2, "{}: {out:?}", entry.id);
        if out.counts.pass == 2 {
            let out = spec_run(entry, Features::v1(), SIMD_SCRIPT);
            let fixed = (entry.make)(&EngineOptions::default()).unwrap().fixed_proposals();
            // A runtime that cannot switch SIMD off runs the module under 1.0 too.
            let expected_failures = if fixed { 0 } else { 2 };
            assert_eq!(out.counts.fail, expected_failures, "{}: {out:?}", entry.id);
        }
    }
}

/// A module returning a `v128` and the assertion on its value.
pub const SIMD_SCRIPT: &str = r#"(module (func (export "v") (result v128) v128.const i64x2 1 2))
    (assert_return (invoke "v") (v128.const i64x2 1 2))"#;

/// Median per-call time of `spin(n)` over interleaved rounds, on subject `id`.
fn spin_times(table: &[SubjectEntry], id: &str, ns: &[i64], rounds: usize) -> Vec<f64> {
    let subject = crate::subject::build(table, id, &EngineOptions::default()).unwrap();
    let engine = subject.engine().unwrap();
    let mut instance = engine.instantiate(engine.compile(&wat("spin")).unwrap().as_ref()).unwrap();
    let mut per_n: Vec<Vec<f64>> = vec![Vec::new(); ns.len()];
    for _ in 0..rounds {
        for (i, &n) in ns.iter().enumerate() {
            let call = MicroCall::Spin { n, expected: micro::spin(n) };
            let t = instance.time_micro(call, CallPath::Typed, 3).unwrap();
            per_n[i].push(t as f64 / 3.0);
        }
    }
    per_n.iter().map(|v| stats::median(v)).collect()
}

/// Work that doubles takes twice as long (within 15%) on subject `id`.
pub fn time_scales_linearly_with_work(table: &[SubjectEntry], id: &str, n: i64) {
    let _turn = turn();
    let t = spin_times(table, id, &[n, 2 * n], 9);
    let ratio = t[1] / t[0];
    assert!((ratio - 2.0).abs() <= 0.3, "{id}: spin({}) / spin({n}) = {ratio:.3} ({t:?})", 2 * n);
}

/// A guest with the workload ABI (`wg_alloc`, `run`) whose `run` spins 200,000 times over the
/// first input byte: a workload the throughput pipeline can time without a corpus.
const SPIN_WORKLOAD: &str = r#"(module
  (memory (export "memory") 1)
  (func (export "wg_alloc") (param i32) (result i32) i32.const 1024)
  (func (export "run") (param $ptr i32) (param $len i32) (result i64)
    (local $x i64) (local $i i32)
    (local.set $x (i64.load8_u (local.get $ptr)))
    (loop $l
      (local.set $x (i64.add (i64.mul (local.get $x) (i64.const 6364136223846793005)) (i64.const 1442695040888963407)))
      (local.set $i (i32.add (local.get $i) (i32.const 1)))
      (br_if $l (i32.lt_u (local.get $i) (i32.const 200000))))
    (local.get $x)))"#;

/// A test-only variant of a workload that does known extra work: every call runs the real
/// workload `times` times (each answer verified).
struct Repeated<'a> {
    inner: Box<dyn Executor + 'a>,
    times: usize,
}

impl Executor for Repeated<'_> {
    fn prepare(&mut self, code: &WorkloadCode, input: &[u8]) -> anyhow::Result<crate::executor::SetupTimes> {
        self.inner.prepare(code, input)
    }
    fn call(&mut self) -> anyhow::Result<u64> {
        let first = self.inner.call()?;
        for _ in 1..self.times {
            anyhow::ensure!(self.inner.call()? == first, "repeated call changed its answer");
        }
        Ok(first)
    }
}

/// The throughput pipeline (calibrated sampling, summary, ratio with interval) reports the
/// ratio of a cell made 3x slower on purpose, on subject `id`. The two cells are measured in
/// alternating rounds and judged on the median round, so a disturbance of the machine that lasts
/// one round (a busy neighbour on a shared VM) moves one round's ratio, not the verdict.
pub fn a_cell_slowed_on_purpose_shows_the_expected_ratio(table: &[SubjectEntry], id: &str) {
    let _turn = turn();
    use crate::sampler::sample_workload;
    let subject = crate::subject::build(table, id, &EngineOptions::default()).unwrap();
    let wasm = wat::parse_str(SPIN_WORKLOAD).unwrap();
    let code = WorkloadCode { name: "spin-workload", wasm: &wasm };
    let input = [3u8; 16];
    let expected =
        (0..200_000).fold(3i64, |x, _| x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407)) as u64;
    let plan = results::plans::SamplingPlan {
        samples: 8,
        ..results::plans::Profile::get(results::plans::ProfileName::Quick).throughput
    };
    let mut rounds = Vec::new();
    for round in 0..5 {
        let mut slowed = Repeated { inner: subject.executor(), times: 3 };
        let measure_normal = || sample_workload(subject.executor().as_mut(), &code, &input, expected, &plan).unwrap();
        // ABBA order across rounds, so neither side always goes first.
        let (normal, slowed) = if round % 2 == 0 {
            let n = measure_normal();
            (n, sample_workload(&mut slowed, &code, &input, expected, &plan).unwrap())
        } else {
            let s = sample_workload(&mut slowed, &code, &input, expected, &plan).unwrap();
            (measure_normal(), s)
        };
        assert!(normal.summary.unwrap().n >= plan.min_samples);
        let ratio = stats::ratio_of_medians(&slowed.per_call_ns, &normal.per_call_ns);
        assert!(ratio.ci95_low <= ratio.value && ratio.value <= ratio.ci95_high, "{ratio:?}");
        rounds.push(ratio.value);
    }
    let median = stats::median(&rounds);
    assert!((median - 3.0).abs() <= 0.45, "{id}: slowed / normal per round = {rounds:?}");
}

/// The kit's checks as `#[test]` functions, for a driver's `tests/kit.rs`:
/// `measure::driver_kit_tests!(my_driver::SUBJECTS, my_driver::CONFORMANCE);`.
#[macro_export]
macro_rules! driver_kit_tests {
    (measure_only; $subjects:expr) => {
        #[test]
        fn micro_modules_match_native() {
            $crate::testkit::micro_modules_match_native($subjects);
        }

        #[test]
        fn artifacts_round_trip_where_the_runtime_has_them() {
            $crate::testkit::artifacts_round_trip_where_the_runtime_has_them($subjects);
        }

        #[test]
        fn traps_are_errors_not_crashes() {
            $crate::testkit::traps_are_errors_not_crashes($subjects);
        }

        #[test]
        fn malformed_modules_fail_to_compile() {
            $crate::testkit::malformed_modules_fail_to_compile($subjects);
        }

        #[test]
        fn timed_batches_verify_every_answer() {
            $crate::testkit::timed_batches_verify_every_answer($subjects);
        }
    };
    ($subjects:expr, $conformance:expr) => {
        $crate::driver_kit_tests!(measure_only; $subjects);

        #[test]
        fn call_paths_verify_answers() {
            $crate::testkit::call_paths_verify_answers($subjects);
        }

        #[test]
        fn spec_directives_are_judged_by_value_and_failure_class() {
            $crate::testkit::spec_directives_are_judged_by_value_and_failure_class($conformance);
        }

        #[test]
        fn a_lacking_proposal_is_unsupported_not_failed() {
            $crate::testkit::a_lacking_proposal_is_unsupported_not_failed($conformance);
        }
    };
}
