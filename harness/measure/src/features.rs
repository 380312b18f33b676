//! WebAssembly feature sets: the proposals a configuration is asked to switch on (the spec
//! runner's per-suite profiles) and the ones it supports.
//!
//! Proposals are named as the testsuite's `proposals/` folders name them. A set maps onto
//! `wasmparser`'s flags, which the runner uses to tell a module that needs a proposal the
//! runtime lacks (unsupported) from one the runtime got wrong (fail).

pub use results::Features;
use wasmparser::WasmFeatures as W;

/// Every proposal wasmgauge can name, with its `wasmparser` flags.
pub const PROPOSALS: &[(&str, W)] = &[
    ("mutable-global", W::MUTABLE_GLOBAL),
    ("sign-extension-ops", W::SIGN_EXTENSION),
    ("nontrapping-float-to-int-conversions", W::SATURATING_FLOAT_TO_INT),
    ("multi-value", W::MULTI_VALUE),
    ("bulk-memory", W::BULK_MEMORY),
    ("reference-types", W::REFERENCE_TYPES),
    // Not a proposal: `wasmparser`'s switch for reference types beyond `funcref` (`externref`
    // and up), which Wasmtime only has with a GC heap (Winch has none). Part of 2.0 here.
    ("gc-types", W::GC_TYPES),
    ("simd", W::SIMD),
    ("tail-call", W::TAIL_CALL),
    ("extended-const", W::EXTENDED_CONST),
    ("function-references", W::FUNCTION_REFERENCES),
    ("gc", W::GC),
    ("exceptions", W::EXCEPTIONS),
    ("memory64", W::MEMORY64),
    ("multi-memory", W::MULTI_MEMORY),
    ("relaxed-simd", W::RELAXED_SIMD),
    ("threads", W::THREADS),
    ("wide-arithmetic", W::WIDE_ARITHMETIC),
    ("custom-page-sizes", W::CUSTOM_PAGE_SIZES),
    // Text-format only (annotations) or not in any runtime here; named so suites can ask.
    ("annotations", W::empty()),
    ("custom-descriptors", W::CUSTOM_DESCRIPTORS),
];

/// The proposals of an engine without a GC heap, typed function references, exceptions or
/// threads, which runs every other finished one: what wasmi 2.0 and tinywasm 0.10 implement.
pub const NO_GC_EXCEPTIONS_THREADS: &[&str] = &[
    "mutable-global",
    "sign-extension-ops",
    "nontrapping-float-to-int-conversions",
    "multi-value",
    "bulk-memory",
    "reference-types",
    "gc-types",
    "simd",
    "relaxed-simd",
    "tail-call",
    "extended-const",
    "multi-memory",
    "memory64",
    "custom-page-sizes",
    "wide-arithmetic",
];

/// The `wasmparser` flags of a set of proposals (floats and the MVP always on).
pub fn flags(features: &Features) -> W {
    let mut flags = W::FLOATS;
    for (name, bits) in PROPOSALS {
        if features.has(name) {
            flags |= *bits;
        }
    }
    if !features.has("gc") {
        flags.remove(W::GC);
    }
    flags
}

/// True when `wasm` validates under `features`.
pub fn validates(wasm: &[u8], features: &Features) -> bool {
    wasmparser::Validator::new_with_features(flags(features)).validate_all(wasm).is_ok()
}

/// The proposals `wasm` needs: each one it does not validate without (all others on). The
/// configurations run it with exactly these switched on.
pub fn needed_proposals(wasm: &[u8]) -> Features {
    let all = Features::of(&PROPOSALS.iter().map(|(n, _)| *n).collect::<Vec<_>>());
    let names = PROPOSALS.iter().filter(|(_, bits)| !bits.is_empty()).map(|(n, _)| *n).filter(|n| {
        let mut without = all.clone();
        without.0.remove(*n);
        !validates(wasm, &without)
    });
    Features::of(&names.collect::<Vec<_>>())
}

/// What keeps a configuration that supports `supported` from running a module that needs
/// `needed`: the proposals it lacks, comma-separated; `None` when it can run it.
pub fn missing_proposals(wasm: &[u8], needed: &Features, supported: &Features) -> Option<String> {
    let missing: Vec<&str> = needed.0.iter().filter(|n| !supported.has(n)).map(String::as_str).collect();
    if !missing.is_empty() {
        return Some(missing.join(", "));
    }
    (!validates(wasm, supported)).then(|| "the module does not validate with this configuration's proposals".into())
}

/// What `subject` supports, asked of its driver: `call` sends the request to a process of it
/// (whichever way the caller launches drivers) and returns the answer.
pub fn supported_by(
    subject: &str,
    call: impl FnOnce(&protocol::Request) -> anyhow::Result<serde_json::Value>,
) -> anyhow::Result<Features> {
    use anyhow::Context;
    let ask = protocol::Request::Conform(protocol::ConformRequest {
        subject: subject.into(),
        job: protocol::conform::ConformJob::Features,
    });
    let answer = call(&ask).with_context(|| format!("asking {subject} for its proposals"))?;
    serde_json::from_value(answer).context("the driver's proposal list")
}

/// The proposals to build a configuration that supports `supported` with, for `wasm`, which
/// needs `needed`: WebAssembly 2.0 where the configuration has it (as runtimes default to),
/// plus what the module needs (some runtimes tie one proposal to another: Wasmtime's exceptions
/// need GC types). `Err(why)`: the configuration lacks a proposal the module needs.
pub fn features_to_build(wasm: &[u8], needed: &Features, supported: &Features) -> Result<Features, String> {
    if let Some(why) = missing_proposals(wasm, needed, supported) {
        return Err(why);
    }
    let mut features = needed.clone();
    features.0.extend(Features::v2().0.into_iter().filter(|p| supported.has(p)));
    Ok(features)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_proposal_has_its_flags() {
        let names: Vec<&str> = PROPOSALS.iter().map(|(n, _)| *n).collect();
        assert_eq!(names, results::engine::PROPOSALS);
    }

    #[test]
    fn the_shared_proposal_list_names_known_proposals_only() {
        let known: Vec<&str> = PROPOSALS.iter().map(|(n, _)| *n).collect();
        assert!(NO_GC_EXCEPTIONS_THREADS.iter().all(|p| known.contains(p)));
        assert!(!NO_GC_EXCEPTIONS_THREADS.contains(&"gc") && !NO_GC_EXCEPTIONS_THREADS.contains(&"threads"));
    }

    #[test]
    fn profiles_nest_and_map_to_validator_flags() {
        let simd = wat::parse_str("(module (func (result v128) v128.const i64x2 0 0))").unwrap();
        assert!(validates(&simd, &Features::v2()));
        assert!(!validates(&simd, &Features::v1()));
    }
}
