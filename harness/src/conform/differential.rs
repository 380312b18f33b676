//! `conform differential --seconds N`: random modules from `wasm-smith` run on every
//! configuration; what they return, how they trap, their exported globals and a hash of their
//! memory must agree.
//!
//! Modules use only features every configuration has (MVP, sign extension, saturating
//! conversions, multi-value, bulk memory; no SIMD, references or proposals), have their NaNs
//! canonicalized (so float results are deterministic) and are made to terminate (wasm-smith's
//! fuel global traps at loop heads when it runs out). Each export is called once, in order,
//! with zero arguments. A disagreement is saved as a reproducer: `<seed>.wasm` and `<seed>.json`
//! with every configuration's answers. A module on which some configuration ran out of stack is
//! not compared (stack limits differ by design) and is counted as inconclusive.

use crate::engines::EngineOptions;
use crate::engines::session::{FailureClass, SessionLimits, Value};
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Modules generated per round (one worker per configuration per round).
const ROUND: u64 = 40;

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct DifferentialJob {
    pub engine: String,
    /// `(seed, path of the module)`.
    pub modules: Vec<(u64, PathBuf)>,
}

/// One configuration's answers for a round: per seed, one line per observation
/// (`instantiate: ok`, `call f2: [I32(5)]`, `call f3: trap`, `global g0: I64(1)`,
/// `memory m0: <sha256>`).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineAnswers {
    pub engine: String,
    pub answers: BTreeMap<u64, Vec<String>>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Disagreement {
    pub seed: u64,
    pub reproducer: String,
    /// Configuration -> its answer lines.
    pub answers: BTreeMap<String, Vec<String>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DifferentialSection {
    pub seconds: u64,
    pub first_seed: u64,
    pub modules: u64,
    /// Modules every configuration answered identically.
    pub agreed: u64,
    /// Modules skipped because a configuration exhausted its stack or its worker failed.
    pub inconclusive: u64,
    /// Exports called on every configuration, over all modules.
    pub calls: u64,
    pub disagreements: Vec<Disagreement>,
    /// Configuration workers that failed (with why).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub worker_failures: Vec<String>,
}

/// The wasm-smith configuration: features every configuration here shares.
fn smith_config() -> wasm_smith::Config {
    wasm_smith::Config {
        canonicalize_nans: true,
        export_everything: true,
        min_types: 3,
        min_funcs: 3,
        max_funcs: 12,
        min_exports: 3,
        max_imports: 0,
        max_memories: 1,
        max_tables: 1,
        // Every memory declares a maximum of at most 4 MiB, so growth is bounded the same way
        // on every configuration (the pooling allocator's own cap would otherwise differ).
        max_memory32_bytes: 4 << 20,
        memory_max_size_required: true,
        max_table_elements: 1000,
        max_instructions: 400,
        max_data_segments: 4,
        max_elements: 8,
        simd_enabled: false,
        relaxed_simd_enabled: false,
        reference_types_enabled: false,
        gc_enabled: false,
        exceptions_enabled: false,
        tail_call_enabled: false,
        threads_enabled: false,
        memory64_enabled: false,
        wide_arithmetic_enabled: false,
        extended_const_enabled: false,
        custom_page_sizes_enabled: false,
        bulk_memory_enabled: true,
        multi_value_enabled: true,
        saturating_float_to_int_enabled: true,
        sign_extension_ops_enabled: true,
        ..wasm_smith::Config::default()
    }
}

/// The module for a seed (deterministic: the seed fills the byte stream wasm-smith reads).
pub fn module_for(seed: u64) -> Result<Vec<u8>> {
    let mut bytes = vec![0u8; 16 * 1024];
    let mut state = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ 0xD1B5_4A32_D192_ED03;
    for b in bytes.iter_mut() {
        // xorshift64*
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        *b = (state.wrapping_mul(0x2545_F491_4F6C_DD1D) >> 56) as u8;
    }
    let mut u = arbitrary::Unstructured::new(&bytes);
    let mut module = wasm_smith::Module::new(smith_config(), &mut u)?;
    // Fuel for loop iterations and calls: small enough that no configuration runs out of
    // stack on recursion before the fuel does.
    module.ensure_termination(1_000)?;
    Ok(module.to_bytes())
}

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
        wasmparser::ValType::Ref(_) => Value::Ref(crate::engines::session::RefValue::Null),
    }
}

/// One configuration's answer lines for one module.
fn answer(engine: &dyn crate::engines::Engine, wasm: &[u8]) -> Result<Vec<String>> {
    let mut session = crate::engines::conformance(engine)?.session(&SessionLimits::default())?;
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
                    Ok(format!("{size} bytes, sha256 {}", crate::corpus::sha256_hex(&bytes)))
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

/// Answers of one configuration for a round of modules, in this process (the worker).
pub fn answers(job: &DifferentialJob) -> Result<EngineAnswers> {
    let engine = crate::engines::make(&job.engine, &EngineOptions::default())?;
    let mut out = EngineAnswers { engine: job.engine.clone(), answers: BTreeMap::new() };
    for (seed, path) in &job.modules {
        let wasm = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        let lines = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| answer(&*engine, &wasm))) {
            Ok(r) => r?,
            Err(p) => vec![format!("panic: {}", crate::isolation::panic_text(&*p))],
        };
        out.answers.insert(*seed, lines);
    }
    Ok(out)
}

fn save_reproducer(dir: &Path, seed: u64, wasm: &[u8], answers: &BTreeMap<String, Vec<String>>) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{seed}.wasm"));
    std::fs::write(&path, wasm)?;
    std::fs::write(dir.join(format!("{seed}.json")), serde_json::to_string_pretty(answers)? + "\n")?;
    Ok(path)
}

/// Generates and compares modules for `args.seconds`, a round at a time.
pub fn run(engines: &[&str], args: &super::command::DifferentialArgs, parallel: usize) -> Result<DifferentialSection> {
    if engines.len() < 2 {
        bail!("the differential check needs at least two engine configurations to compare");
    }
    let mut section = DifferentialSection { seconds: args.seconds, first_seed: args.seed, ..Default::default() };
    let scratch = tempfile::tempdir()?;
    let start = Instant::now();
    let mut seed = args.seed;
    while start.elapsed() < Duration::from_secs(args.seconds) || section.modules == 0 {
        let mut modules = Vec::new();
        for s in seed..seed + ROUND {
            let wasm = module_for(s)?;
            let path = scratch.path().join(format!("{s}.wasm"));
            std::fs::write(&path, &wasm)?;
            modules.push((s, path));
        }
        seed += ROUND;
        let jobs: Vec<super::ConformJob> = engines
            .iter()
            .map(|e| {
                super::ConformJob::Differential(DifferentialJob { engine: e.to_string(), modules: modules.clone() })
            })
            .collect();
        let outcomes = super::run_all(&jobs, Duration::from_secs(120), parallel, "differential round");
        let mut by_engine: BTreeMap<String, EngineAnswers> = BTreeMap::new();
        for (engine, outcome) in engines.iter().zip(outcomes) {
            match outcome {
                Ok(super::ConformOutput::Differential(a)) => {
                    by_engine.insert(engine.to_string(), a);
                }
                Ok(_) => bail!("worker answered a differential job with another kind of output"),
                Err(e) => section.worker_failures.push(format!("{engine} (seeds {}..{}): {e}", seed - ROUND, seed)),
            }
        }
        for (s, path) in &modules {
            section.modules += 1;
            let answers: BTreeMap<String, Vec<String>> =
                by_engine.iter().filter_map(|(e, a)| a.answers.get(s).map(|l| (e.clone(), l.clone()))).collect();
            let first = answers.values().next().cloned().unwrap_or_default();
            if answers.len() == engines.len() && answers.values().all(|a| *a == first) {
                section.agreed += 1;
                section.calls += first.iter().filter(|l| l.starts_with("call ")).count() as u64;
            } else if answers.len() < engines.len() || answers.values().flatten().any(|l| l.ends_with("exhaustion")) {
                // A worker failed, or stack limits (which differ by design) decided the answer.
                section.inconclusive += 1;
            } else {
                let wasm = std::fs::read(path)?;
                let saved = save_reproducer(&args.reproducers, *s, &wasm, &answers)?;
                section.disagreements.push(Disagreement { seed: *s, reproducer: saved.display().to_string(), answers });
            }
        }
    }
    Ok(section)
}

/// One line for the terminal.
pub fn summary(s: &DifferentialSection) -> String {
    format!(
        "differential: {} modules in {} s, {} agreed ({} export calls compared), {} disagreed, {} inconclusive{}",
        s.modules,
        s.seconds,
        s.agreed,
        s.calls,
        s.disagreements.len(),
        s.inconclusive,
        if s.disagreements.is_empty() {
            String::new()
        } else {
            format!(
                "; reproducers: {}",
                s.disagreements.iter().map(|d| d.reproducer.clone()).collect::<Vec<_>>().join(", ")
            )
        }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_are_deterministic_valid_and_use_only_shared_features() {
        let a = module_for(7).unwrap();
        assert_eq!(a, module_for(7).unwrap());
        assert_ne!(a, module_for(8).unwrap());
        for seed in 0..20 {
            let wasm = module_for(seed).unwrap();
            let shared = crate::engines::features::Features::of(&[
                "mutable-global",
                "sign-extension-ops",
                "nontrapping-float-to-int-conversions",
                "multi-value",
                "bulk-memory",
            ]);
            assert!(crate::engines::features::validates(&wasm, &shared), "seed {seed}");
        }
    }
}
