//! The in-driver half of `conform differential`: one configuration's answers for a round of
//! random modules (what each export returns or how it fails, every exported global, a hash of
//! every memory), which the orchestrator compares across configurations.

use crate::engine::Conformance;
use crate::session::{FailureClass, RefValue, SessionLimits, Value};
use anyhow::{Context, Result};
use protocol::conform::{DifferentialJob, EngineAnswers};
use std::collections::BTreeMap;

/// Exports of a module with their kind, and the parameter types of exported functions.
fn exports(wasm: &[u8]) -> Result<Vec<(String, wasmparser::ExternalKind, Vec<wasmparser::ValType>)>> {
    let mut types: Vec<Vec<wasmparser::ValType>> = Vec::new();
    let mut func_types: Vec<u32> = Vec::new();
    let mut out = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            wasmparser::Payload::TypeSection(r) => {
                for ty in r.into_iter_err_on_gc_types() {
                    types.push(ty?.params().to_vec());
                }
            }
            wasmparser::Payload::FunctionSection(r) => {
                for f in r {
                    func_types.push(f?);
                }
            }
            wasmparser::Payload::ExportSection(r) => {
                for e in r {
                    let e = e?;
                    let params = match e.kind {
                        wasmparser::ExternalKind::Func => func_types
                            .get(e.index as usize)
                            .and_then(|t| types.get(*t as usize))
                            .cloned()
                            .unwrap_or_default(),
                        _ => vec![],
                    };
                    out.push((e.name.to_string(), e.kind, params));
                }
            }
            _ => {}
        }
    }
    Ok(out)
}

fn zero(ty: &wasmparser::ValType) -> Value {
    match ty {
        wasmparser::ValType::I32 => Value::I32(0),
        wasmparser::ValType::I64 => Value::I64(0),
        wasmparser::ValType::F32 => Value::F32(0),
        wasmparser::ValType::F64 => Value::F64(0),
        wasmparser::ValType::V128 => Value::V128(0),
        wasmparser::ValType::Ref(_) => Value::Ref(RefValue::Null),
    }
}

/// One configuration's answer lines for one module.
fn answer(conformance: &dyn Conformance, wasm: &[u8]) -> Result<Vec<String>> {
    let mut session = conformance.session(&SessionLimits::default())?;
    let mut lines = Vec::new();
    let class = |c: FailureClass| format!("{c:?}").to_lowercase();
    let module = match session.compile(wasm) {
        Ok(m) => m,
        Err(f) => return Ok(vec![format!("compile: {}", class(f.class))]),
    };
    let instance = match session.instantiate(module) {
        Ok(i) => i,
        Err(f) => return Ok(vec![format!("instantiate: {}", class(f.class))]),
    };
    lines.push("instantiate: ok".into());
    let exports = exports(wasm)?;
    for (name, kind, params) in &exports {
        if *kind == wasmparser::ExternalKind::Func {
            let args: Vec<Value> = params.iter().map(zero).collect();
            lines.push(match session.invoke(instance, name, &args) {
                Ok(v) => format!("call {name}: {v:?}"),
                Err(f) => format!("call {name}: {}", class(f.class)),
            });
        }
    }
    for (name, kind, _) in &exports {
        match kind {
            wasmparser::ExternalKind::Global => lines.push(match session.global(instance, name) {
                Ok(v) => format!("global {name}: {v:?}"),
                Err(f) => format!("global {name}: {}", class(f.class)),
            }),
            wasmparser::ExternalKind::Memory => {
                let digest = session.memory_size(instance, name).and_then(|size| {
                    // Memories are at most 4 MiB (see `smith_config`); refuse to copy more.
                    if size > 16 << 20 {
                        return Ok(format!("{size} bytes (too large to hash)"));
                    }
                    let bytes = session.read_memory(instance, name, 0, size as usize)?;
                    Ok(format!("{size} bytes, sha256 {}", results::manifest::sha256_hex(&bytes)))
                });
                lines.push(match digest {
                    Ok(d) => format!("memory {name}: {d}"),
                    Err(f) => format!("memory {name}: {}", class(f.class)),
                });
            }
            _ => {}
        }
    }
    Ok(lines)
}

/// Answers of one configuration for a round of modules, in this process.
pub fn answers(conformance: &dyn Conformance, engine_id: &str, job: &DifferentialJob) -> Result<EngineAnswers> {
    let mut out = EngineAnswers { engine: engine_id.to_string(), answers: BTreeMap::new() };
    for (seed, path) in &job.modules {
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let lines = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(conformance, &wasm))) {
            Ok(r) => r?,
            Err(p) => vec![format!("panic: {}", crate::engine::panic_text(&*p))],
        };
        out.answers.insert(*seed, lines);
    }
    Ok(out)
}
