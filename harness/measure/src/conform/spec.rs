//! The in-driver half of `conform spec`: one file of the official testsuite, parsed with `wast`
//! and run directive by directive through a configuration's conformance [`Session`].
//!
//! The file is judged with its suite's feature profile (sent by the orchestrator). A module
//! that is valid under the profile but needs a proposal the configuration lacks makes its
//! directives *unsupported*, not failed. Failures are compared by class ([`FailureClass`]);
//! when the class is right but the runtime's message does not contain the testsuite's, that
//! is counted as a message mismatch (a soft figure: runtimes word errors differently).

use crate::engine::Conformance;
use crate::features::{self, Features};
use crate::session::{Failure, FailureClass, InstanceId, ModuleId, RefValue, Session, SessionLimits, Value};
use anyhow::Result;
use protocol::conform::SpecFileJob;
use results::conformance::{Counts, FileOutcome, Verdict};
use std::collections::HashMap;
use wast::core::{NanPattern, V128Pattern, WastArgCore, WastRetCore};
use wast::parser::{self, ParseBuffer};
use wast::{QuoteWat, Wast, WastArg, WastDirective, WastExecute, WastInvoke, WastRet};

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

/// Runs one test file on one configuration, built with the file's profile, in this process.
pub fn run_file(conformance: &dyn Conformance, engine_id: &str, job: &SpecFileJob) -> Result<FileOutcome> {
    let start = std::time::Instant::now();
    let (suite, file, text, profile) = (&job.suite, &job.file, job.text.as_str(), &job.profile);
    let usable = profile.intersect(&conformance.supported_features());
    let mut out = FileOutcome {
        suite: suite.clone(),
        file: file.clone(),
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
        profile,
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
            Err(p) => (Verdict::Crash, Some(format!("runtime panicked: {}", crate::engine::panic_text(&*p))), false),
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
}
