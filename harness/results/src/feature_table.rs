//! The feature table: for each configuration and proposal, supported, partial or not, made
//! from measurements in a results file. Each cell is backed by the proposal's probe module
//! (`conformance.features`: it compiled, ran and answered right on the configuration built with
//! the proposal on) and by the proposal's spec-testsuite files (`conformance.spec`, suite
//! `proposals/<name>`: files passed, failed, and unsupported by the configuration's
//! declaration). The Component Model, which has no spec suite, is read from the
//! configuration's declared component host and whether it hosts components of any world.
use crate::conformance::{ConformanceSection, FileOutcome};
use crate::{Capabilities, ComponentSupport};
use serde::{Deserialize, Serialize};

/// A proposal of the table: its spec testsuite name, its key in the WebAssembly website's
/// `features.json`, and how the table labels it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Proposal {
    /// The spec testsuite's name (`proposals/<name>`) and the probe's.
    pub name: &'static str,
    /// The key of `features.json` (webassembly.org/features).
    pub key: &'static str,
    /// The table's label.
    pub label: &'static str,
}

const fn p(name: &'static str, key: &'static str, label: &'static str) -> Proposal {
    Proposal { name, key, label }
}

/// The proposals probed, in the table's order.
pub const PROPOSALS: &[Proposal] = &[
    p("simd", "simd", "SIMD"),
    p("relaxed-simd", "relaxedSimd", "relaxed SIMD"),
    p("threads", "threads", "threads"),
    p("memory64", "memory64", "memory64"),
    p("multi-memory", "multiMemory", "multi-memory"),
    p("tail-call", "tailCall", "tail calls"),
    p("exceptions", "exceptionsFinal", "exceptions (exnref)"),
    p("gc", "gc", "GC"),
    p("function-references", "typedFunctionReferences", "typed function references"),
    p("extended-const", "extendedConst", "extended constants"),
    p("multi-value", "multiValue", "multi-value"),
    p("bulk-memory", "bulkMemory", "bulk memory"),
    p("reference-types", "referenceTypes", "reference types"),
];

/// The Component Model's column (no spec suite, no core probe).
pub const COMPONENT_MODEL: Proposal = p("component-model", "componentModel", "Component Model");

/// A cell's verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    /// The probe ran and no spec file of the proposal failed.
    Supported,
    /// The probe and the spec files disagree, or some spec files failed.
    Partial,
    /// The probe was refused (or the configuration declares no component host).
    Unsupported,
    /// Nothing measured it (no probe in the file, no spec files).
    Unknown,
}

impl Verdict {
    /// How tables print it.
    pub fn mark(self) -> &'static str {
        match self {
            Verdict::Supported => "✓",
            Verdict::Partial => "partial",
            Verdict::Unsupported => "✗",
            Verdict::Unknown => "?",
        }
    }
}

/// A proposal's spec-testsuite files on one configuration.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecFiles {
    /// Files whose every directive was judged and passed (skipped ones aside).
    pub passed: u32,
    /// Files with a failed, crashed or timed-out directive.
    pub failed: u32,
    /// Files with no failure but with directives the configuration's declaration leaves
    /// unsupported (or none judged at all).
    pub unsupported: u32,
}

/// One cell of the table, with what backs it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureCell {
    /// The proposal (its spec name).
    pub proposal: String,
    /// Supported, partial, not, or unknown.
    pub verdict: Verdict,
    /// The probe: whether it passed, and its detail; absent where none ran.
    pub probe: Option<(bool, String)>,
    /// The spec files; absent where the file has no spec section for this configuration.
    pub spec: Option<SpecFiles>,
    /// One line saying what the verdict rests on.
    pub note: String,
}

/// One configuration's row.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FeatureRow {
    /// The configuration.
    pub engine: String,
    /// Its runtime's version (`features.json` records versions).
    pub version: String,
    /// One cell per proposal of [`PROPOSALS`], then the Component Model.
    pub cells: Vec<FeatureCell>,
}

fn spec_files(files: &[&FileOutcome]) -> SpecFiles {
    let mut s = SpecFiles::default();
    for f in files {
        let c = &f.counts;
        if c.fail + c.crash + c.timeout > 0 {
            s.failed += 1;
        } else if c.judged() > 0 && c.unsupported == 0 {
            s.passed += 1;
        } else {
            s.unsupported += 1;
        }
    }
    s
}

/// The verdict of a probe and a proposal's spec files, and what it rests on.
pub fn judge(probe: Option<(bool, &str)>, spec: Option<SpecFiles>) -> (Verdict, String) {
    let files =
        |s: SpecFiles| format!("spec files: {} passed, {} failed, {} unsupported", s.passed, s.failed, s.unsupported);
    match (probe, spec) {
        (Some((true, _)), Some(s)) if s.failed == 0 => (Verdict::Supported, format!("probe passed; {}", files(s))),
        (Some((true, _)), Some(s)) => (Verdict::Partial, format!("probe passed; {}", files(s))),
        (Some((true, _)), None) => (Verdict::Supported, "probe passed; no spec files run".into()),
        (Some((false, why)), Some(s)) if s.passed > 0 => {
            (Verdict::Partial, format!("probe failed ({why}); {}", files(s)))
        }
        (Some((false, why)), _) => (Verdict::Unsupported, format!("probe failed: {why}")),
        (None, Some(s)) if s.passed > 0 && s.failed == 0 => (Verdict::Supported, format!("not probed; {}", files(s))),
        (None, Some(s)) if s.passed > 0 => (Verdict::Partial, format!("not probed; {}", files(s))),
        (None, Some(s)) => (Verdict::Unknown, format!("not probed; {}", files(s))),
        (None, None) => (Verdict::Unknown, "not probed, no spec files run".into()),
    }
}

/// The Component Model's cell, from the configuration's declared component host.
fn component_cell(caps: Option<&Capabilities>) -> FeatureCell {
    let (verdict, note) = match caps.and_then(|c| c.components.as_ref().map(|h| (c, h))) {
        Some((c, ComponentSupport::Hosted(how))) if c.takes_part_in(crate::ids::COMPONENT_INVOKE) => {
            (Verdict::Supported, format!("components of any world: {how}"))
        }
        Some((_, ComponentSupport::Hosted(how))) => (Verdict::Partial, how.clone()),
        Some((_, ComponentSupport::Unsupported(why))) => (Verdict::Unsupported, why.clone()),
        None => (Verdict::Unknown, "the file does not say".into()),
    };
    FeatureCell { proposal: COMPONENT_MODEL.name.into(), verdict, probe: None, spec: None, note }
}

/// The table for `engines` (id, runtime version, capabilities) from a conformance section;
/// `None` when the section has neither probes nor spec files.
pub fn table(conf: &ConformanceSection, engines: &[(&str, &str, Option<&Capabilities>)]) -> Option<Vec<FeatureRow>> {
    let probes = conf.features.as_ref().map(|f| f.probes.as_slice()).unwrap_or_default();
    let spec = conf.spec.as_ref();
    if probes.is_empty() && spec.is_none_or(|s| s.files.is_empty()) {
        return None;
    }
    let rows = engines
        .iter()
        .filter(|(id, ..)| {
            probes.iter().any(|p| p.engine == *id) || spec.is_some_and(|s| s.files.iter().any(|f| f.engine == *id))
        })
        .map(|(id, version, caps)| {
            let mut cells: Vec<FeatureCell> = PROPOSALS
                .iter()
                .map(|p| {
                    let probe = probes.iter().find(|c| c.engine == *id && c.proposal == p.name);
                    let suite = format!("proposals/{}", p.name);
                    let files: Vec<&FileOutcome> = spec
                        .map(|s| s.files.iter().filter(|f| f.engine == *id && f.suite == suite).collect())
                        .unwrap_or_default();
                    let files = (!files.is_empty()).then(|| spec_files(&files));
                    let (verdict, note) = judge(probe.map(|c| (c.passed, c.detail.as_str())), files);
                    FeatureCell {
                        proposal: p.name.into(),
                        verdict,
                        probe: probe.map(|c| (c.passed, c.detail.clone())),
                        spec: files,
                        note,
                    }
                })
                .collect();
            cells.push(component_cell(*caps));
            FeatureRow { engine: id.to_string(), version: version.to_string(), cells }
        })
        .collect();
    Some(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_refused_probe_is_unsupported_and_failed_spec_files_make_a_pass_partial() {
        let files = |passed, failed| Some(SpecFiles { passed, failed, unsupported: 0 });
        assert_eq!(judge(Some((false, "compile: unknown opcode")), files(0, 0)).0, Verdict::Unsupported);
        assert_eq!(judge(Some((false, "compile: unknown opcode")), None).0, Verdict::Unsupported);
        assert_eq!(judge(Some((true, "probe() = 42")), files(12, 0)).0, Verdict::Supported);
        assert_eq!(judge(Some((true, "probe() = 42")), files(10, 2)).0, Verdict::Partial);
        // A probe the runtime refuses while spec files pass: the two disagree.
        assert_eq!(judge(Some((false, "x")), files(3, 0)).0, Verdict::Partial);
        assert_eq!(judge(None, None).0, Verdict::Unknown);
        let (_, note) = judge(Some((true, "probe() = 42")), files(10, 2));
        assert!(note.contains("10 passed, 2 failed"), "{note}");
    }
}
