//! What a measured subject is, as a results file records it: the options every configuration
//! is built with ([`EngineOptions`], [`Limits`], [`Features`]), what one configuration is and
//! sets ([`EngineInfo`]), and what it can do ([`Capabilities`], declared in the subject
//! registry and copied into every results file so that reports never guess from ids).
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// Options that apply to every engine configuration and change its numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineOptions {
    /// Threads a compiler may use for one module (1 = fair single-threaded compile).
    pub compile_threads: usize,
    /// Sandbox limits switched on (all off unless the sandbox-tax scenario asks; schema 3).
    #[serde(default, skip_serializing_if = "Limits::is_none")]
    pub limits: Limits,
    /// Proposals switched on (conformance profiles); `None`: the runtime's defaults, as the
    /// benchmarks use it. A configuration switches on those of them it supports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub features: Option<Features>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions { compile_threads: 1, limits: Limits::default(), features: None }
    }
}

/// Resource limits a configuration can enforce, each with a cost the sandbox-tax scenario
/// measures. As an option: the limits switched on. As a capability: the limits it supports.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Count executed instructions: Wasmtime and wasmi fuel, Wasmer's metering middleware.
    /// Set to the maximum, so it never runs out: what is measured is the counting.
    #[serde(default)]
    pub instruction_counting: bool,
    /// Wasmtime epoch interruption (checks at loop heads and calls; the deadline never hits).
    #[serde(default)]
    pub epoch_interruption: bool,
    /// Explicit bounds checks on memory accesses instead of guard-page reservations.
    #[serde(default)]
    pub explicit_bounds_checks: bool,
}

impl Limits {
    /// Instruction counting alone.
    pub const FUEL: Limits =
        Limits { instruction_counting: true, epoch_interruption: false, explicit_bounds_checks: false };
    /// Epoch interruption alone.
    pub const EPOCH: Limits =
        Limits { instruction_counting: false, epoch_interruption: true, explicit_bounds_checks: false };
    /// Explicit bounds checks alone.
    pub const BOUNDS_CHECKS: Limits =
        Limits { instruction_counting: false, epoch_interruption: false, explicit_bounds_checks: true };
    /// No limit.
    pub const NONE: Limits =
        Limits { instruction_counting: false, epoch_interruption: false, explicit_bounds_checks: false };

    /// Whether no limit is on.
    pub fn is_none(&self) -> bool {
        *self == Limits::default()
    }

    /// Short name of the limits on, e.g. `fuel`, `epoch`, `bounds-checks`; `none`.
    pub fn label(&self) -> String {
        let mut parts = Vec::new();
        if self.instruction_counting {
            parts.push("fuel");
        }
        if self.epoch_interruption {
            parts.push("epoch");
        }
        if self.explicit_bounds_checks {
            parts.push("bounds-checks");
        }
        if parts.is_empty() { "none".into() } else { parts.join("+") }
    }

    /// Each limit of this set on its own (fuel, then epoch, then bounds checks).
    pub fn each(&self) -> Vec<Limits> {
        [(self.instruction_counting, Limits::FUEL), (self.epoch_interruption, Limits::EPOCH)]
            .into_iter()
            .chain([(self.explicit_bounds_checks, Limits::BOUNDS_CHECKS)])
            .filter_map(|(on, l)| on.then_some(l))
            .collect()
    }

    /// The limits of `self` that `supported` does not have, described; `None` when all are.
    pub fn missing_from(&self, supported: &Limits) -> Option<&'static str> {
        [
            (self.instruction_counting && !supported.instruction_counting, "instruction counting (fuel/metering)"),
            (self.epoch_interruption && !supported.epoch_interruption, "epoch interruption"),
            (self.explicit_bounds_checks && !supported.explicit_bounds_checks, "explicit bounds checks"),
        ]
        .into_iter()
        .find_map(|(missing, what)| missing.then_some(what))
    }

    /// Both sets together.
    pub fn union(&self, other: &Limits) -> Limits {
        Limits {
            instruction_counting: self.instruction_counting || other.instruction_counting,
            epoch_interruption: self.epoch_interruption || other.epoch_interruption,
            explicit_bounds_checks: self.explicit_bounds_checks || other.explicit_bounds_checks,
        }
    }
}

/// What kind of thing a subject is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SubjectKind {
    /// A WebAssembly runtime configuration.
    #[default]
    Wasm,
    /// The workload's own source compiled for the host, called in-process (no isolation).
    Native,
    /// The same native code in a child process, one pipe round trip per call (OS isolation).
    Subprocess,
}

/// The `left_out` key whose reason covers every scenario without an entry of its own.
pub const LEFT_OUT_OF_THE_REST: &str = "*";

/// What a subject can take part in. Declared once per subject in the subject registry (the
/// `wasmgauge` crate's `subjects.rs`), read by the scenarios that plan cells, by conformance,
/// and recorded in every results file for the report and the gate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Capabilities {
    /// A WebAssembly configuration or one of the baselines.
    pub kind: SubjectKind,
    /// Limits it can switch on (each measured by sandbox-tax; the sandbox checks use fuel and
    /// epochs where it has them).
    #[serde(default)]
    pub limits: Limits,
    /// Its WASI layer (e.g. `wasmtime-wasi (preview 1)`), if it has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasi: Option<String>,
    /// It has an ahead-of-time artifact (serialize, then deserialize without compiling).
    #[serde(default)]
    pub artifact: bool,
    /// It creates instances that can be kept alive (memory and density count them).
    #[serde(default)]
    pub instances: bool,
    /// Instances its pooling allocator holds at most, when it pools.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pooling_capacity: Option<u32>,
    /// It has a conformance session (spec testsuite, sandbox checks, differential).
    #[serde(default)]
    pub conformance: bool,
    /// Schema 8: why its instructions cannot be counted under Valgrind (`instructions`
    /// scenario), when they cannot.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub no_instruction_counts: Option<String>,
    /// Schema 10: one engine's compiled modules may be instantiated and run on several threads
    /// at once (concurrency and the instantiation-rate levels above one thread need it). False
    /// for single-threaded runtimes (Wasm3, WAMR through their bindings).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub threads: bool,
    /// Schema 10: the scenarios it takes part in, when not every one that its other
    /// capabilities allow (a runtime measured across a process boundary takes part only where
    /// the timing happens on its side of it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenarios: Option<Vec<String>>,
    /// Schema 10: what kind of execution it is, for grouping runtimes in a selection study.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub execution: Option<ExecutionKind>,
    /// Schema 11: whether it hosts WebAssembly components, and how, or why not (absent in
    /// older files: no configuration hosted components then).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub components: Option<ComponentSupport>,
    /// Schema 12: the plugin kit it is, when it is one (Extism: core-module plugins called
    /// with bytes in and bytes out); absent for every runtime that is not.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plugins: Option<String>,
    /// Schema 14: why it is left out of a scenario its other capabilities would allow but
    /// `scenarios` does not name, by scenario id (absent in older files and for subjects that
    /// take part in every scenario they can).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub left_out: BTreeMap<String, String>,
}

impl Capabilities {
    /// Whether it hosts components.
    pub fn hosts_components(&self) -> bool {
        matches!(self.components, Some(ComponentSupport::Hosted(_)))
    }

    /// Whether it is a plugin kit (`plugin-calls`).
    pub fn hosts_plugins(&self) -> bool {
        self.plugins.is_some()
    }
}

/// Whether a configuration hosts WebAssembly components (the Component Model, WASI 0.2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ComponentSupport {
    /// It does, so: its host API and WASI 0.2 layer.
    Hosted(String),
    /// It does not: why.
    Unsupported(String),
}

fn yes() -> bool {
    true
}

fn is_true(b: &bool) -> bool {
    *b
}

/// How a configuration runs WebAssembly: the groups of a runtime selection study.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ExecutionKind {
    /// Compiles every function with an optimizing compiler before running (Cranelift, LLVM).
    OptimizingJit,
    /// Compiles in one fast pass without optimization (Winch, Singlepass).
    BaselineJit,
    /// Interprets (its own bytecode or threaded code).
    Interpreter,
    /// A JavaScript engine's WebAssembly tiers (V8 in Node.js).
    JsEngine,
    /// The workload's native code (the baselines).
    Native,
}

impl ExecutionKind {
    /// Every kind, in the order tables list them.
    pub const ALL: [ExecutionKind; 5] = [
        ExecutionKind::OptimizingJit,
        ExecutionKind::BaselineJit,
        ExecutionKind::Interpreter,
        ExecutionKind::JsEngine,
        ExecutionKind::Native,
    ];

    /// How tables name the kind.
    pub fn label(self) -> &'static str {
        match self {
            ExecutionKind::OptimizingJit => "optimizing JIT",
            ExecutionKind::BaselineJit => "baseline JIT",
            ExecutionKind::Interpreter => "interpreter",
            ExecutionKind::JsEngine => "JS engine",
            ExecutionKind::Native => "native baseline",
        }
    }
}

impl Default for Capabilities {
    fn default() -> Self {
        Capabilities {
            kind: SubjectKind::default(),
            limits: Limits::default(),
            wasi: None,
            artifact: false,
            instances: false,
            pooling_capacity: None,
            conformance: false,
            no_instruction_counts: None,
            threads: true,
            scenarios: None,
            execution: None,
            components: None,
            plugins: None,
            left_out: BTreeMap::new(),
        }
    }
}

impl Capabilities {
    /// Whether it is a WebAssembly configuration.
    pub fn is_wasm(&self) -> bool {
        self.kind == SubjectKind::Wasm
    }

    /// Whether it takes part in scenario `name` (every one unless its list says otherwise).
    pub fn takes_part_in(&self, name: &str) -> bool {
        self.scenarios.as_ref().is_none_or(|list| list.iter().any(|s| s == name))
    }

    /// Why its registry line leaves it out of scenario `name`, when it does and says why (its
    /// `left_out` entry for `name`, else the one for [`LEFT_OUT_OF_THE_REST`]).
    pub fn why_left_out(&self, name: &str) -> Option<&str> {
        if self.takes_part_in(name) {
            return None;
        }
        self.left_out.get(name).or_else(|| self.left_out.get(LEFT_OUT_OF_THE_REST)).map(String::as_str)
    }
}

/// What an engine configuration is, with every knob that changes a number written out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineInfo {
    /// Its id (`wasmtime-cranelift`, `native`).
    pub id: String,
    /// `wasmtime`, `wasmer`, `wasmi`, or `baseline`.
    pub runtime: String,
    /// The runtime crate's version, as its driver's Cargo.lock resolved it.
    pub runtime_version: String,
    /// One line on what it is.
    pub description: String,
    /// Knob name -> value, e.g. `compiler = cranelift`, `compile_threads = 1`.
    pub knobs: BTreeMap<String, String>,
    /// The driver that ran it (`harness/drivers/<driver>`; schema 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver: Option<String>,
    /// sha256 of the driver executable (schema 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_sha256: Option<String>,
    /// `rustc -V` of the compiler that built the driver, with ` through <wrapper>` when cargo
    /// compiled it through one (schema 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub driver_rustc: Option<String>,
    /// What it can take part in, from the subject registry (schema 5).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub capabilities: Option<Capabilities>,
}

impl EngineInfo {
    /// A configuration's record with its knobs (driver, sha256 and capabilities come later).
    pub fn new(id: &str, runtime: &str, version: &str, description: &str, knobs: &[(&str, String)]) -> EngineInfo {
        EngineInfo {
            id: id.to_string(),
            runtime: runtime.to_string(),
            runtime_version: version.to_string(),
            description: description.to_string(),
            knobs: knobs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
            driver: None,
            driver_sha256: None,
            driver_rustc: None,
            capabilities: None,
        }
    }

    /// What kind of subject this is, from its declared capabilities. Files before schema 5
    /// have none: their baselines name their runtime `baseline` and record their isolation
    /// (`none` in-process, `OS process` in a child).
    pub fn kind(&self) -> SubjectKind {
        match &self.capabilities {
            Some(c) => c.kind,
            None if self.runtime != "baseline" => SubjectKind::Wasm,
            None if self.knobs.get("isolation").map(String::as_str) == Some("none") => SubjectKind::Native,
            None => SubjectKind::Subprocess,
        }
    }

    /// Whether this is one of the baselines (native code, in-process or in a child process).
    pub fn is_baseline(&self) -> bool {
        self.kind() != SubjectKind::Wasm
    }
}

/// Every proposal wasmgauge can name, as the testsuite's `proposals/` folders name them (each
/// driver maps them onto its runtime's switches; `measure::features` onto `wasmparser`'s).
pub const PROPOSALS: &[&str] = &[
    "mutable-global",
    "sign-extension-ops",
    "nontrapping-float-to-int-conversions",
    "multi-value",
    "bulk-memory",
    "reference-types",
    "gc-types",
    "simd",
    "tail-call",
    "extended-const",
    "function-references",
    "gc",
    "exceptions",
    "memory64",
    "multi-memory",
    "relaxed-simd",
    "threads",
    "wide-arithmetic",
    "custom-page-sizes",
    "annotations",
    "custom-descriptors",
];

/// A set of proposals switched on, on top of the MVP (floats included). Proposals are named as
/// the testsuite's `proposals/` folders name them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Features(pub BTreeSet<String>);

impl Features {
    /// The set of `names`.
    pub fn of(names: &[&str]) -> Features {
        Features(names.iter().map(|s| s.to_string()).collect())
    }

    /// Whether `name` is in the set.
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

    /// The set with `name` added.
    pub fn with(mut self, name: &str) -> Features {
        self.0.insert(name.into());
        self
    }

    /// The proposals in both sets.
    pub fn intersect(&self, other: &Features) -> Features {
        Features(self.0.intersection(&other.0).cloned().collect())
    }

    /// Names in `self` and not in `other`.
    pub fn missing_from(&self, other: &Features) -> Vec<String> {
        self.0.difference(&other.0).cloned().collect()
    }

    /// The names, comma-separated.
    pub fn label(&self) -> String {
        self.0.iter().cloned().collect::<Vec<_>>().join(",")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits_split_label_and_compare() {
        let all = Limits::FUEL.union(&Limits::EPOCH).union(&Limits::BOUNDS_CHECKS);
        assert_eq!(all.each(), vec![Limits::FUEL, Limits::EPOCH, Limits::BOUNDS_CHECKS]);
        assert_eq!(all.label(), "fuel+epoch+bounds-checks");
        assert_eq!(Limits::NONE.label(), "none");
        assert_eq!(Limits::EPOCH.missing_from(&Limits::FUEL), Some("epoch interruption"));
        assert_eq!(Limits::FUEL.missing_from(&all), None);
    }

    #[test]
    fn profiles_nest() {
        assert!(Features::v3().0.is_superset(&Features::v2().0));
        assert!(Features::v2().0.is_superset(&Features::v1().0));
        assert_eq!(Features::v2().missing_from(&Features::v1()).len(), 7);
    }
}
