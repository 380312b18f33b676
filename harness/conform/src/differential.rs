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

use crate::Launcher;
use anyhow::{Context, Result, bail};
use protocol::client::decode;
use protocol::conform::{ConformJob, DifferentialJob, EngineAnswers};
use results::conformance::{DifferentialSection, Disagreement};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Modules generated per round (one driver process per configuration per round).
const ROUND: u64 = 40;

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

fn save_reproducer(dir: &Path, seed: u64, wasm: &[u8], answers: &BTreeMap<String, Vec<String>>) -> Result<PathBuf> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let path = dir.join(format!("{seed}.wasm"));
    std::fs::write(&path, wasm)?;
    std::fs::write(dir.join(format!("{seed}.json")), serde_json::to_string_pretty(answers)? + "\n")?;
    Ok(path)
}

/// Generates and compares modules for `args.seconds`, a round at a time.
/// What `conform differential` is asked for.
#[derive(Clone, Debug)]
pub struct DifferentialOptions {
    /// How long to generate and compare random modules.
    pub seconds: u64,
    /// First seed (each module's seed is this plus its index).
    pub seed: u64,
    /// Where disagreements are saved as reproducers (`<seed>.wasm` + `<seed>.json`).
    pub reproducers: PathBuf,
}

pub fn run(
    launcher: &dyn Launcher,
    engines: &[&str],
    args: &DifferentialOptions,
    parallel: usize,
) -> Result<DifferentialSection> {
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
        let jobs: Vec<(String, ConformJob)> = engines
            .iter()
            .map(|e| (e.to_string(), ConformJob::Differential(DifferentialJob { modules: modules.clone() })))
            .collect();
        let outcomes = super::run_all(launcher, &jobs, Duration::from_secs(120), parallel, "differential round");
        let mut by_engine: BTreeMap<String, EngineAnswers> = BTreeMap::new();
        for (engine, outcome) in engines.iter().zip(outcomes) {
            match outcome.and_then(decode::<EngineAnswers>) {
                Ok(a) => {
                    by_engine.insert(engine.to_string(), a);
                }
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
                // A driver failed, or stack limits (which differ by design) decided the answer.
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
        // MVP + mutable globals, sign extension, saturating conversions, multi-value, bulk memory.
        let shared = wasmparser::WasmFeatures::FLOATS
            | wasmparser::WasmFeatures::MUTABLE_GLOBAL
            | wasmparser::WasmFeatures::SIGN_EXTENSION
            | wasmparser::WasmFeatures::SATURATING_FLOAT_TO_INT
            | wasmparser::WasmFeatures::MULTI_VALUE
            | wasmparser::WasmFeatures::BULK_MEMORY;
        for seed in 0..20 {
            let wasm = module_for(seed).unwrap();
            assert!(wasmparser::Validator::new_with_features(shared).validate_all(&wasm).is_ok(), "seed {seed}");
        }
    }
}
