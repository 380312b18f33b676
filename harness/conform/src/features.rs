//! `conform features`: one probe module per proposal of the feature table
//! ([`results::feature_table::PROPOSALS`]), each a few lines of WAT whose export `probe() -> i32`
//! answers 42 only if the proposal's instructions or types work, run on every configuration
//! built with that proposal's suite profile on (in one driver process per configuration, a
//! session per probe). Whether the configuration declares the proposal does not matter: the
//! probe asks the runtime.

use crate::Launcher;
use anyhow::{Context, Result, bail};
use protocol::client::decode;
use protocol::conform::{ConformJob, Probe, ProbeCell, ProbesJob};
use results::conformance::{ConformanceSection, FeaturesSection};
use results::feature_table::{COMPONENT_MODEL, FeatureRow, PROPOSALS};
use results::format::new_table;

/// What every probe answers where its proposal works.
pub const ANSWER: i32 = 42;

/// Each proposal's probe, in WAT.
fn probe_text(proposal: &str) -> Option<&'static str> {
    Some(match proposal {
        "simd" => {
            r#"(module (func (export "probe") (result i32)
                (i32x4.extract_lane 1 (i32x4.add (v128.const i32x4 1 20 3 4) (v128.const i32x4 1 22 3 4)))))"#
        }
        "relaxed-simd" => {
            r#"(module (func (export "probe") (result i32)
                (i8x16.extract_lane_u 0 (i8x16.relaxed_swizzle
                  (v128.const i8x16 42 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0) (v128.const i8x16 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0 0)))))"#
        }
        "threads" => {
            r#"(module (memory 1 1 shared) (func (export "probe") (result i32)
                (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 40)))
                (drop (i32.atomic.rmw.add (i32.const 0) (i32.const 2)))
                (i32.atomic.load (i32.const 0))))"#
        }
        "memory64" => {
            r#"(module (memory i64 1) (func (export "probe") (result i32)
                (i32.store (i64.const 8) (i32.const 42)) (i32.load (i64.const 8))))"#
        }
        "multi-memory" => {
            r#"(module (memory $a 1) (memory $b 1) (func (export "probe") (result i32)
                (i32.store $b (i32.const 0) (i32.const 42)) (i32.store $a (i32.const 0) (i32.const 7))
                (i32.load $b (i32.const 0))))"#
        }
        "tail-call" => {
            r#"(module
                (func $count (param i32 i32) (result i32)
                  (if (result i32) (i32.eqz (local.get 0)) (then (local.get 1))
                    (else (return_call $count (i32.sub (local.get 0) (i32.const 1)) (i32.add (local.get 1) (i32.const 1))))))
                (func (export "probe") (result i32) (return_call $count (i32.const 42) (i32.const 0))))"#
        }
        "exceptions" => {
            r#"(module (tag $t (param i32)) (func (export "probe") (result i32)
                (block $caught (result i32)
                  (try_table (catch $t $caught) (throw $t (i32.const 42)))
                  (i32.const 0))))"#
        }
        "gc" => {
            r#"(module (type $pair (struct (field i32) (field (mut i32))))
                (func (export "probe") (result i32) (local $p (ref $pair))
                  (local.set $p (struct.new $pair (i32.const 40) (i32.const 0)))
                  (struct.set $pair 1 (local.get $p) (i32.const 2))
                  (i32.add (struct.get $pair 0 (local.get $p)) (struct.get $pair 1 (local.get $p)))))"#
        }
        "function-references" => {
            r#"(module (type $f (func (result i32)))
                (func $answer (type $f) (i32.const 42)) (elem declare func $answer)
                (func (export "probe") (result i32) (call_ref $f (ref.func $answer))))"#
        }
        "extended-const" => {
            r#"(module (global $g i32 (i32.add (i32.mul (i32.const 8) (i32.const 5)) (i32.const 2)))
                (func (export "probe") (result i32) (global.get $g)))"#
        }
        "multi-value" => {
            r#"(module (func $two (result i32 i32) (i32.const 40) (i32.const 2))
                (func (export "probe") (result i32) (call $two) (i32.add)))"#
        }
        "bulk-memory" => {
            r#"(module (memory 1) (data $d "\2a") (func (export "probe") (result i32)
                (memory.init $d (i32.const 100) (i32.const 0) (i32.const 1))
                (memory.copy (i32.const 0) (i32.const 100) (i32.const 1))
                (memory.fill (i32.const 1) (i32.const 0) (i32.const 3))
                (i32.load (i32.const 0))))"#
        }
        "reference-types" => {
            r#"(module (table $t 2 externref) (func (export "probe") (result i32)
                (drop (table.grow $t (ref.null extern) (i32.const 40)))
                (table.size $t)))"#
        }
        _ => return None,
    })
}

/// Every probe, compiled to bytes, with the proposals its configuration is built with.
pub fn probes() -> Result<Vec<Probe>> {
    PROPOSALS
        .iter()
        .map(|p| {
            let Some(text) = probe_text(p.name) else { bail!("no probe for `{}`", p.name) };
            let wasm = wat::parse_str(text).with_context(|| format!("the probe of `{}`", p.name))?;
            let needs = crate::spec::profile_of(&format!("proposals/{}", p.name))?;
            Ok(Probe { proposal: p.name.into(), wasm, needs, expected: ANSWER })
        })
        .collect()
}

/// Runs every probe on every configuration, one driver process each.
pub fn run(launcher: &dyn Launcher, engines: &[&str], parallel: usize) -> Result<FeaturesSection> {
    let job = ProbesJob { probes: probes()? };
    let jobs: Vec<(String, ConformJob)> =
        engines.iter().map(|e| (e.to_string(), ConformJob::Probes(job.clone()))).collect();
    let outcomes = super::run_all(launcher, &jobs, std::time::Duration::from_secs(120), parallel, "features");
    let mut section = FeaturesSection::default();
    for (engine, outcome) in engines.iter().zip(outcomes) {
        match outcome.and_then(decode::<Vec<ProbeCell>>) {
            Ok(cells) => section.probes.extend(cells),
            Err(e) => section.probes.extend(job.probes.iter().map(|p| ProbeCell {
                proposal: p.proposal.clone(),
                engine: engine.to_string(),
                passed: false,
                detail: format!("driver failed: {e}").chars().take(300).collect(),
            })),
        }
    }
    Ok(section)
}

/// The table's rows for the configurations of `ids` as a results file records them.
pub fn rows(conf: &ConformanceSection, engines: &[&results::EngineInfo]) -> Vec<FeatureRow> {
    let described: Vec<(&str, &str, Option<&results::Capabilities>)> =
        engines.iter().map(|e| (e.id.as_str(), e.runtime_version.as_str(), e.capabilities.as_ref())).collect();
    results::feature_table::table(conf, &described).unwrap_or_default()
}

/// Proposals as rows, configurations as columns.
pub fn table(rows: &[FeatureRow]) -> comfy_table::Table {
    let mut header = vec!["proposal".to_string()];
    header.extend(rows.iter().map(|r| r.engine.clone()));
    let mut t = new_table(header);
    for (i, p) in PROPOSALS.iter().chain([&COMPONENT_MODEL]).enumerate() {
        let mut row = vec![p.label.to_string()];
        for r in rows {
            let c = &r.cells[i];
            let files = c.spec.map(|s| format!(" {}/{}", s.passed, s.passed + s.failed)).unwrap_or_default();
            row.push(format!("{}{files}", c.verdict.mark()));
        }
        t.add_row(row);
    }
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn every_proposal_of_the_table_has_a_probe_that_parses() {
        let probes = super::probes().unwrap();
        assert_eq!(probes.len(), results::feature_table::PROPOSALS.len());
        for p in &probes {
            wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
                .validate_all(&p.wasm)
                .unwrap_or_else(|e| panic!("{}: {e}", p.proposal));
            assert!(p.needs.0.contains(&p.proposal), "{} is switched on for its probe", p.proposal);
        }
    }
}
