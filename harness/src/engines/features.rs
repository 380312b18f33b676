//! WebAssembly feature sets: the proposals a configuration is asked to switch on (the spec
//! runner's per-suite profiles) and the ones it supports.
//!
//! Proposals are named as the testsuite's `proposals/` folders name them. A set maps onto
//! `wasmparser`'s flags, which the runner uses to tell a module that needs a proposal the
//! runtime lacks (unsupported) from one the runtime got wrong (fail).

use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
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

/// A set of proposals switched on, on top of the MVP (floats included).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Features(pub BTreeSet<String>);

impl Features {
    pub fn of(names: &[&str]) -> Features {
        Features(names.iter().map(|s| s.to_string()).collect())
    }

    pub fn has(&self, name: &str) -> bool {
        self.0.contains(name)
    }

    /// The MVP plus mutable globals: what the `wasm-v1` suite is judged with.
    pub fn v1() -> Features {
        Features::of(&["mutable-global"])
    }

    /// WebAssembly 2.0.
    pub fn v2() -> Features {
        let mut f = Features::v1();
        for p in [
            "sign-extension-ops",
            "nontrapping-float-to-int-conversions",
            "multi-value",
            "bulk-memory",
            "reference-types",
            "gc-types",
            "simd",
        ] {
            f.0.insert(p.into());
        }
        f
    }

    /// WebAssembly 3.0 (the `wasm-v3` and `wasm-latest` suites).
    pub fn v3() -> Features {
        let mut f = Features::v2();
        for p in [
            "tail-call",
            "extended-const",
            "function-references",
            "gc",
            "exceptions",
            "memory64",
            "multi-memory",
            "relaxed-simd",
        ] {
            f.0.insert(p.into());
        }
        f
    }

    pub fn with(mut self, name: &str) -> Features {
        self.0.insert(name.into());
        self
    }

    pub fn intersect(&self, other: &Features) -> Features {
        Features(self.0.intersection(&other.0).cloned().collect())
    }

    /// Names in `self` and not in `other`.
    pub fn missing_from(&self, other: &Features) -> Vec<String> {
        self.0.difference(&other.0).cloned().collect()
    }

    /// The `wasmparser` flags of this set (floats and the MVP always on).
    pub fn to_wasmparser(&self) -> W {
        let mut flags = W::FLOATS;
        for (name, bits) in PROPOSALS {
            if self.has(name) {
                flags |= *bits;
            }
        }
        if !self.has("gc") {
            flags.remove(W::GC);
        }
        flags
    }

    pub fn label(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join(",")
    }
}

/// True when `wasm` validates under `features`.
pub fn validates(wasm: &[u8], features: &Features) -> bool {
    wasmparser::Validator::new_with_features(features.to_wasmparser()).validate_all(wasm).is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_nest_and_map_to_validator_flags() {
        assert!(Features::v3().0.is_superset(&Features::v2().0));
        assert!(Features::v2().0.is_superset(&Features::v1().0));
        let simd = wat::parse_str("(module (func (result v128) v128.const i64x2 0 0))").unwrap();
        assert!(validates(&simd, &Features::v2()));
        assert!(!validates(&simd, &Features::v1()));
        assert_eq!(Features::v2().missing_from(&Features::v1()).len(), 7);
    }
}
