//! The subject registry: every configuration and baseline wasmgauge can measure, the driver
//! that builds it, and what it can take part in ([`Capabilities`], declared here and nowhere
//! else: scenarios, conformance, the report and the tests read them, never an id string).
//!
//! A runtime configuration is one line of a driver's table below; a second version of a
//! runtime is one line that reuses a table under another driver with an id suffix
//! ([`versioned`]). Finding and launching the drivers is [`crate::drivers`]' and
//! [`crate::subjects`]'.
use results::ids;
use results::{Capabilities, ExecutionKind, Limits, SubjectKind};

/// A subject as the registry declares it.
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    pub id: &'static str,
    /// Its driver's folder under `harness/drivers/`.
    pub driver: &'static str,
    pub caps: Caps,
    /// Appended to `id` by [`versioned`] (`@36`); empty for a runtime's default version.
    pub suffix: &'static str,
    /// Measured by the quick profile when `--engines` is not given. A runtime's second version
    /// line is not: comparing versions is a study (name them, or run the full profile), and
    /// the quick profile has to fit its 5 minutes as runtimes are added.
    pub quick_default: bool,
    /// Measured by the full profile when `--engines` is not given. False for the second
    /// version of Wasmtime's interpreter: the slowest configuration twice took about 10 of the
    /// full profile's minutes, for a version comparison the other `@36` lines already make.
    pub full_default: bool,
    /// Why it is measured only when named (`--engines`), in every profile, if it is: a
    /// configuration with a known failure, kept so that anyone can reproduce it.
    pub only_when_named: Option<&'static str>,
}

/// [`Capabilities`] in a form a static table can hold.
#[derive(Clone, Copy, Debug)]
pub struct Caps {
    pub kind: SubjectKind,
    pub limits: Limits,
    pub wasi: Option<&'static str>,
    pub artifact: bool,
    pub instances: bool,
    pub pooling_capacity: Option<u32>,
    pub conformance: bool,
    /// Why it cannot run under Valgrind to have its instructions counted, if it cannot.
    pub no_instruction_counts: Option<&'static str>,
    /// Its modules may be instantiated and run on several threads at once.
    pub threads: bool,
    /// The scenarios it takes part in, when not all that the rest allows.
    pub scenarios: Option<&'static [&'static str]>,
    /// Why it sits out each scenario `scenarios` leaves out (a test checks every one has a
    /// reason): shown in the support matrix and `wasmgauge engines`.
    pub left_out: &'static [(&'static str, &'static str)],
    pub execution: ExecutionKind,
    /// Whether it hosts components ([`Components`]).
    pub components: Components,
    /// The plugin kit it is, if it is one (Extism): what `plugin-calls` measures.
    pub plugins: Option<&'static str>,
}

/// Whether a configuration hosts WebAssembly components: how, or why not.
#[derive(Clone, Copy, Debug)]
pub enum Components {
    /// Its host API and WASI 0.2 layer.
    Hosted(&'static str),
    /// Why it does not.
    Unsupported(&'static str),
}

const ALL_LIMITS: Limits =
    Limits { instruction_counting: true, epoch_interruption: true, explicit_bounds_checks: true };
const FUEL_AND_EPOCH: Limits = Limits { explicit_bounds_checks: false, ..ALL_LIMITS };
const WASM: Caps = Caps {
    kind: SubjectKind::Wasm,
    limits: Limits::FUEL,
    wasi: None,
    artifact: true,
    instances: true,
    pooling_capacity: None,
    conformance: true,
    no_instruction_counts: None,
    threads: true,
    scenarios: None,
    left_out: &[],
    execution: ExecutionKind::OptimizingJit,
    components: Components::Unsupported("its driver has no component host"),
    plugins: None,
};
// wasmtime-wasi runs each file operation on a blocking thread (`spawn_blocking`) unless the
// embedder allows blocking the current thread; the driver keeps the builder's default.
const WASMTIME: Caps = Caps {
    limits: ALL_LIMITS,
    components: Components::Hosted(
        "wasmtime::component with typed bindings; WASI 0.2 from wasmtime-wasi p2 (synchronous); component-model-async not compiled in",
    ),
    wasi: Some("wasmtime-wasi (preview 1; file operations on a blocking thread, the WasiCtxBuilder default)"),
    ..WASM
};
const WASMER: Caps = Caps {
    wasi: Some("wasmer-wasix"),
    components: Components::Unsupported("Wasmer 7.4 runs core modules (WASI preview 1, WASIX), not components"),
    ..WASM
};
const WASMI: Caps = Caps {
    wasi: Some("wasmi_wasi"),
    artifact: false,
    execution: ExecutionKind::Interpreter,
    components: Components::Unsupported(
        "wasmi 1.x runs core modules only (the Component Model is an open wasmi issue)",
    ),
    ..WASM
};
/// The embeddable interpreters: no WASI layer, no artifact, no limits through the benchmark
/// interface. tinywasm has a conformance session (its API links imports of every kind by name).
const SMALL_INTERPRETER: Caps = Caps {
    limits: Limits::NONE,
    wasi: None,
    artifact: false,
    conformance: true,
    execution: ExecutionKind::Interpreter,
    components: Components::Unsupported("an embeddable interpreter of core modules: its API has no component model"),
    ..WASM
};
/// Wasm3, WAMR and stitch through their bindings: engine and modules stay on one thread, and
/// no conformance session (their bindings link host functions only: no imported globals,
/// tables or memories, no instance linked to another, which the spec testsuite needs).
const SINGLE_THREADED_INTERPRETER: Caps = Caps { threads: false, conformance: false, ..SMALL_INTERPRETER };
/// V8 in a Node.js process the driver talks to: it takes part wherever the timing can stay
/// inside Node. Compile, instantiate and each timed batch or single call are timed there
/// (throughput, call overhead, latency, cold start); WASI commands run through node:wasi with
/// every phase timed there (WASI programs and I/O, suites, the WASI checks and testsuite). It
/// hosts components of the plugin world through jco's transpiled output (typed calls timed in
/// Node), not components of any world (`run --component` takes no V8). Its conformance session
/// (spec testsuite, sandbox checks, differential) runs in a Node.js process of its own.
const V8_NODE: Caps = Caps {
    limits: Limits::NONE,
    wasi: Some("node:wasi (Node.js's WASI preview 1; every phase timed inside Node; no read-only preopens)"),
    artifact: false,
    instances: false,
    conformance: true,
    threads: false,
    scenarios: Some(&[
        ids::THROUGHPUT,
        ids::COMPONENT_CALLS,
        ids::COLD_START,
        ids::CALL_OVERHEAD,
        ids::LATENCY,
        ids::WASI_PROGRAMS,
        ids::WASI_IO,
        ids::SUITE,
    ]),
    left_out: &[
        (
            ids::EXPORT_CALL,
            "`run --module --export` times each call of the export from the harness: for V8 every call would cross the pipe to Node",
        ),
        (
            ids::MEMORY,
            "its instances live in the Node.js process, whose heap and code space are shared by every instance: no per-instance figure to count",
        ),
        (
            ids::DENSITY,
            "its instances live in the Node.js process, whose heap and code space are shared by every instance: no per-instance figure to count",
        ),
        (
            ids::CONCURRENCY,
            "one Node.js process runs JavaScript on one thread; concurrency runs instances on the harness's threads",
        ),
        (ids::SANDBOX_TAX, "the JS API gives an embedder no limit to switch on (no fuel, epochs or bounds-check mode)"),
        (ids::INSTRUCTIONS, "it runs in a Node.js child process, which callgrind does not follow"),
        (
            ids::ENGINE_CREATE,
            "an engine here is a Node.js process: its start is in cold start's process start, not timed on its own",
        ),
        (ids::COMPONENT_INVOKE, "jco's output is driven for the plugin world only, not components of any world"),
        (ids::PLUGIN_CALLS, "it is not a plugin kit"),
    ],
    execution: ExecutionKind::JsEngine,
    no_instruction_counts: Some("it runs in a Node.js child process, which callgrind does not follow"),
    components: Components::Hosted(
        "the plugin world only: jco (npm @bytecodealliance/jco-transpile) transpiles the component to core modules and JavaScript glue, which V8 compiles; WASI 0.2 from @bytecodealliance/preview2-shim (a sandboxed WASIShim per instance)",
    ),
    ..WASM
};
/// Extism, a plugin kit on Wasmtime: it calls a plugin's functions with bytes in and bytes out
/// (through its kernel's memory), not a core module's exports with values, so it takes part in
/// `plugin-calls` only.
const EXTISM: Caps = Caps {
    limits: Limits::NONE,
    artifact: false,
    instances: false,
    conformance: false,
    scenarios: Some(&[ids::PLUGIN_CALLS]),
    left_out: &[(
        results::LEFT_OUT_OF_THE_REST,
        "a plugin kit: it calls a plugin's functions with bytes in and bytes out, not a module's exports with values",
    )],
    no_instruction_counts: Some("it takes part in plugin-calls only"),
    components: Components::Unsupported("Extism's Rust SDK loads core-module plugins (extism-pdk), not components"),
    plugins: Some("Extism 1.30 Rust host SDK (Wasmtime 43): plugins built with extism-pdk, bytes in, bytes out"),
    ..WASM
};
const BASELINE: Caps = Caps {
    kind: SubjectKind::Native,
    limits: Limits::NONE,
    wasi: None,
    artifact: false,
    instances: false,
    pooling_capacity: None,
    conformance: false,
    no_instruction_counts: None,
    threads: true,
    scenarios: None,
    left_out: &[],
    execution: ExecutionKind::Native,
    components: Components::Unsupported("a baseline: the native twins are called directly, with no component boundary"),
    plugins: None,
};

const fn line(id: &'static str, driver: &'static str, caps: Caps) -> Subject {
    Subject { id, driver, caps, suffix: "", quick_default: true, full_default: true, only_when_named: None }
}

/// The Wasmtime configurations (harness/drivers/wasmtime; also built against the LTS line).
const WASMTIME_CONFIGS: [Subject; 4] = [
    line("wasmtime-cranelift", "wasmtime", WASMTIME),
    // The pooling allocator needs its virtual-memory reservation: no explicit-bounds variant.
    line(
        "wasmtime-cranelift-pooling",
        "wasmtime",
        Caps {
            pooling_capacity: Some(1000),
            limits: FUEL_AND_EPOCH,
            no_instruction_counts: Some(
                "its pool reserves 4 TiB of address space up front, more than Valgrind can map (mmap fails)",
            ),
            ..WASMTIME
        },
    ),
    // Winch needs signals-based traps: no explicit-bounds-checks variant.
    line(
        "wasmtime-winch",
        "wasmtime",
        Caps { limits: FUEL_AND_EPOCH, execution: ExecutionKind::BaselineJit, ..WASMTIME },
    ),
    // Wasmtime's interpreter is the slowest configuration in most scenarios (about 48 of the
    // quick profile's seconds); the quick profile measures the embeddable interpreters and
    // leaves Pulley to the full profile or `--engines`.
    Subject {
        quick_default: false,
        ..line("wasmtime-pulley", "wasmtime", Caps { execution: ExecutionKind::Interpreter, ..WASMTIME })
    },
];

/// Every subject, in report order: each runtime family (its default version, then any second
/// version right after it, so the report shows the two side by side), then the baselines (native
/// portable and host-tuned, and the subprocess).
pub fn registry() -> Vec<Subject> {
    let mut all = WASMTIME_CONFIGS.to_vec();
    all.extend(versioned_for_full(&WASMTIME_CONFIGS, "wasmtime-36", "@36"));
    all.extend([
        line("wasmer-cranelift", "wasmer", WASMER),
        line("wasmer-singlepass", "wasmer", Caps { execution: ExecutionKind::BaselineJit, ..WASMER }),
        line("wasmi-eager", "wasmi", WASMI),
        line("wasmi-lazy", "wasmi", WASMI),
        line("wasm3", "wasm3", SINGLE_THREADED_INTERPRETER),
        line("wamr-fast-interp", "wamr", SINGLE_THREADED_INTERPRETER),
        line("tinywasm", "tinywasm", SMALL_INTERPRETER),
        // Builds, but crashes (SIGSEGV in its threaded code's first memory load, e.g. in
        // `wg_alloc`) when built by rustc 1.95: stitch relies on LLVM's sibling-call
        // optimisation, which its README warns may change. Measured only when named, so the
        // quick profile's default run is not a run of known crashes.
        Subject {
            quick_default: false,
            only_when_named: Some(
                "crashes (SIGSEGV in its threaded code's first memory load) when built by rustc 1.95",
            ),
            ..line("stitch", "stitch", SINGLE_THREADED_INTERPRETER)
        },
        line("v8-liftoff", "v8", V8_NODE),
        line("v8-turbofan", "v8", V8_NODE),
        line("extism", "extism", EXTISM),
    ]);
    all.extend([
        line("native", "native", BASELINE),
        // The same source built for this machine's CPU (harness/drivers/native-tuned).
        line("native-tuned", "native-tuned", BASELINE),
        line(
            "subprocess",
            "native",
            Caps {
                kind: SubjectKind::Subprocess,
                no_instruction_counts: Some(
                    "its calls run in a child process, which callgrind does not follow (it would count the pipe, not the workload)",
                ),
                ..BASELINE
            },
        ),
    ]);
    all
}

/// The configurations of `table` built by another driver, their ids suffixed (`@36`).
pub fn versioned(table: &[Subject], driver: &'static str, suffix: &'static str) -> Vec<Subject> {
    table.iter().map(|s| Subject { driver, suffix, quick_default: false, ..*s }).collect()
}

/// [`versioned`], less the interpreter (Pulley): the full profile measures it on the default
/// version line only (see [`Subject::full_default`]); it stays available by name.
fn versioned_for_full(table: &[Subject], driver: &'static str, suffix: &'static str) -> Vec<Subject> {
    versioned(table, driver, suffix)
        .into_iter()
        .map(|s| Subject { full_default: s.caps.execution != ExecutionKind::Interpreter, ..s })
        .collect()
}

impl Subject {
    /// The id as runs, results and drivers name it (`wasmtime-cranelift@36`).
    pub fn id(&self) -> String {
        format!("{}{}", self.id, self.suffix)
    }

    pub fn capabilities(&self) -> Capabilities {
        let c = self.caps;
        Capabilities {
            kind: c.kind,
            limits: c.limits,
            wasi: c.wasi.map(String::from),
            artifact: c.artifact,
            instances: c.instances,
            pooling_capacity: c.pooling_capacity,
            conformance: c.conformance,
            no_instruction_counts: c.no_instruction_counts.map(String::from),
            threads: c.threads,
            scenarios: c.scenarios.map(|list| list.iter().map(|s| s.to_string()).collect()),
            execution: Some(c.execution),
            components: Some(match c.components {
                Components::Hosted(how) => results::ComponentSupport::Hosted(how.into()),
                Components::Unsupported(why) => results::ComponentSupport::Unsupported(why.into()),
            }),
            plugins: c.plugins.map(String::from),
            left_out: c.left_out.iter().map(|(id, why)| (id.to_string(), why.to_string())).collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::registry;

    /// A subject left out of a scenario says why, in the support matrix and `engines`.
    #[test]
    fn every_scenario_a_subject_sits_out_has_a_reason() {
        let scenarios = measure::scenarios::REGISTRY
            .iter()
            .map(|s| s.name())
            .chain([results::ids::EXPORT_CALL, results::ids::COMPONENT_INVOKE]);
        for s in registry() {
            let caps = s.capabilities();
            for name in scenarios.clone() {
                if !caps.takes_part_in(name) {
                    assert!(caps.why_left_out(name).is_some(), "{} sits out {name} without a reason", s.id());
                }
            }
            for (name, _) in s.caps.left_out {
                let known = *name == results::LEFT_OUT_OF_THE_REST || scenarios.clone().any(|n| n == *name);
                assert!(
                    known && !caps.takes_part_in(name),
                    "{}: a reason for {name}, which it is not left out of",
                    s.id()
                );
            }
        }
    }
}
