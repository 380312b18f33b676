//! The subject registry: every configuration and baseline wasmgauge can measure, the driver
//! that builds it, and what it can take part in ([`Capabilities`], declared here and nowhere
//! else: scenarios, conformance, the report and the tests read them, never an id string).
//!
//! A runtime configuration is one line of a driver's table below; a second version of a
//! runtime is one line that reuses a table under another driver with an id suffix
//! ([`versioned`]). Drivers are found as built executables (`wasmgauge-driver-<driver>`) in
//! `$WASMGAUGE_DRIVERS` when it is set, else beside this one or in each driver's own
//! `target/release`; every run asks
//! each driver it uses what it is (`describe`: versions from its Cargo.lock, every knob) and
//! records that, with the executable's sha256, in the results file.
use anyhow::{Context, Result, anyhow, bail};
use protocol::client::{CallError, Launcher};
use protocol::{Description, Request};
use results::{Capabilities, EngineInfo, ExecutionKind, Limits, SubjectKind};
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A subject as the registry declares it.
#[derive(Clone, Copy, Debug)]
pub struct Subject {
    pub id: &'static str,
    /// Its driver's folder under `drivers/`.
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
    pub execution: ExecutionKind,
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
    execution: ExecutionKind::OptimizingJit,
};
// wasmtime-wasi runs each file operation on a blocking thread (`spawn_blocking`) unless the
// embedder allows blocking the current thread; the driver keeps the builder's default.
const WASMTIME: Caps = Caps {
    limits: ALL_LIMITS,
    wasi: Some("wasmtime-wasi (preview 1; file operations on a blocking thread, the WasiCtxBuilder default)"),
    ..WASM
};
const WASMER: Caps = Caps { wasi: Some("wasmer-wasix"), ..WASM };
const WASMI: Caps = Caps { wasi: Some("wasmi_wasi"), artifact: false, execution: ExecutionKind::Interpreter, ..WASM };
/// The embeddable interpreters: no WASI layer, no artifact, no limits through the benchmark
/// interface. tinywasm has a conformance session (its API links imports of every kind by name).
const SMALL_INTERPRETER: Caps = Caps {
    limits: Limits::NONE,
    wasi: None,
    artifact: false,
    conformance: true,
    execution: ExecutionKind::Interpreter,
    ..WASM
};
/// Wasm3, WAMR and stitch through their bindings: engine and modules stay on one thread, and
/// no conformance session (their bindings link host functions only: no imported globals,
/// tables or memories, no instance linked to another, which the spec testsuite needs).
const SINGLE_THREADED_INTERPRETER: Caps = Caps { threads: false, conformance: false, ..SMALL_INTERPRETER };
/// V8 in a Node.js process the driver talks to: only throughput is timed inside Node (each
/// timed batch runs there); cold start, latency and call overhead time single operations, which
/// a pipe round trip would swamp. Its conformance session (spec testsuite, sandbox checks,
/// differential) runs in a Node.js process of its own; `scenarios` limits measuring only.
const V8_NODE: Caps = Caps {
    limits: Limits::NONE,
    wasi: None,
    artifact: false,
    instances: false,
    conformance: true,
    threads: false,
    scenarios: Some(&["throughput"]),
    execution: ExecutionKind::JsEngine,
    no_instruction_counts: Some("it runs in a Node.js child process, which callgrind does not follow"),
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
    execution: ExecutionKind::Native,
};

const fn line(id: &'static str, driver: &'static str, caps: Caps) -> Subject {
    Subject { id, driver, caps, suffix: "", quick_default: true, full_default: true, only_when_named: None }
}

/// The Wasmtime configurations (drivers/wasmtime; also built against the LTS line).
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
/// version right after it, so the report shows the two side by side), then the two baselines.
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
    ]);
    all.extend([
        line("native", "native", BASELINE),
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
        }
    }
}

/// Where a built driver executable is.
pub fn driver_executable(driver: &str) -> Result<PathBuf> {
    find_executable(&format!("wasmgauge-driver-{driver}"), driver)
}

/// Where a driver's lean one-answer binary is (process cold start).
pub fn once_executable(driver: &str) -> Result<PathBuf> {
    find_executable(&format!("wasmgauge-once-{driver}"), driver)
}

/// The native driver's runner (the subprocess baseline's child).
pub fn runner_executable() -> Result<PathBuf> {
    find_executable("wasmgauge-runner", "native")
}

/// The repository this binary was built from, if it is still there.
pub fn source_root() -> Option<PathBuf> {
    let built = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    built.join("drivers").is_dir().then_some(built)
}

fn find_executable(name: &str, driver: &str) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("WASMGAUGE_DRIVERS") {
        // Exactly these drivers (e.g. another build's).
        dirs.push(PathBuf::from(d));
    } else if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        // Beside this binary, or one level up for test binaries in `target/<profile>/deps`.
        dirs.push(dir.to_path_buf());
        dirs.push(dir.join(".."));
    }
    if let Some(root) = source_root().filter(|_| std::env::var_os("WASMGAUGE_DRIVERS").is_none()) {
        dirs.push(root.join("drivers").join(driver).join("target").join("release"));
    }
    for dir in &dirs {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Ok(candidate.canonicalize().unwrap_or(candidate));
        }
    }
    bail!(
        "the {driver} driver is not built (no {name} in {}): build it with `scripts/build-drivers.sh {driver}` \
         (or `cargo build --release --manifest-path drivers/{driver}/Cargo.toml`)",
        dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
    )
}

/// A built driver: its executable, the executable's sha256, and what it says it is.
pub struct BuiltDriver {
    pub exe: PathBuf,
    pub sha256: String,
    pub description: Description,
}

/// The registry with each used driver's own description: what a run records and launches.
pub struct Subjects {
    registry: Vec<Subject>,
    /// Driver name -> the driver, described once per process.
    drivers: Mutex<BTreeMap<String, Arc<BuiltDriver>>>,
}

impl Default for Subjects {
    fn default() -> Self {
        Subjects { registry: registry(), drivers: Mutex::new(BTreeMap::new()) }
    }
}

impl Subjects {
    pub fn all(&self) -> &[Subject] {
        &self.registry
    }

    pub fn find(&self, id: &str) -> Option<&Subject> {
        self.registry.iter().find(|s| s.id() == id)
    }

    /// Every id, in registry order.
    pub fn ids(&self) -> Vec<String> {
        self.registry.iter().map(Subject::id).collect()
    }

    pub fn unknown_message(&self, id: &str) -> String {
        format!("unknown engine `{id}`; known engines: {}", self.ids().join(", "))
    }

    /// Checks a user's engine list, keeping registry order and rejecting unknown ids.
    pub fn resolve(&self, requested: &[String]) -> Result<Vec<&Subject>> {
        for id in requested {
            if self.find(id).is_none() {
                bail!(self.unknown_message(id));
            }
        }
        Ok(self.registry.iter().filter(|s| requested.is_empty() || requested.contains(&s.id())).collect())
    }

    /// The subjects a run of `profile` measures: those `requested`, or when none are, those the
    /// registry puts in the profile's default set, less those measured only when named.
    pub fn resolve_for(&self, profile: results::plans::ProfileName, requested: &[String]) -> Result<Vec<&Subject>> {
        let all = self.resolve(requested)?;
        let quick = profile == results::plans::ProfileName::Quick && requested.is_empty();
        let full = profile == results::plans::ProfileName::Full && requested.is_empty();
        Ok(all
            .into_iter()
            .filter(|s| !quick || s.quick_default)
            .filter(|s| !full || s.full_default)
            .filter(|s| !requested.is_empty() || s.only_when_named.is_none())
            .collect())
    }

    /// A driver's executable, sha256 and description (asked once per driver and run).
    pub fn driver(&self, name: &str) -> Result<Arc<BuiltDriver>> {
        if let Some(d) = self.drivers.lock().expect("driver cache").get(name) {
            return Ok(d.clone());
        }
        let exe = driver_executable(name)?;
        let bytes = std::fs::read(&exe).with_context(|| format!("reading {}", exe.display()))?;
        let sha = results::manifest::sha256_hex(&bytes);
        let value = protocol::client::call(&exe, &Request::Describe, Duration::from_secs(60))
            .map_err(|e| anyhow!("the {name} driver ({}) could not describe itself: {e}", exe.display()))?;
        let description: Description = serde_json::from_value(value)
            .with_context(|| format!("the {name} driver ({}) sent an unreadable description", exe.display()))?;
        if description.rustc.contains("through clippy-driver") {
            eprintln!(
                "warning: the {name} driver ({}) was compiled through clippy-driver (`{}`), which turns MIR \
                 optimisations off: its timings are not a release build's (scripts/build-drivers.sh rebuilds it)",
                exe.display(),
                description.rustc
            );
        }
        let entry = Arc::new(BuiltDriver { exe, sha256: sha, description });
        self.drivers.lock().expect("driver cache").insert(name.to_string(), entry.clone());
        Ok(entry)
    }

    /// What a subject is, as its driver describes it, with the registry's capabilities and
    /// the driver's name and sha256.
    pub fn info(&self, subject: &Subject) -> Result<EngineInfo> {
        let driver = self.driver(subject.driver)?;
        let id = subject.id();
        let mut info = driver.description.subjects.iter().find(|e| e.id == id).cloned().ok_or_else(|| {
            anyhow!("the {} driver ({}) has no subject `{id}`; rebuild it", subject.driver, driver.exe.display())
        })?;
        info.driver = Some(subject.driver.to_string());
        info.driver_sha256 = Some(driver.sha256.clone());
        info.driver_rustc = Some(driver.description.rustc.clone());
        info.capabilities = Some(subject.capabilities());
        Ok(info)
    }

    /// Runtime crate -> version over the drivers of `subjects` (a runtime at two versions
    /// lists both).
    pub fn runtimes(&self, subjects: &[&Subject]) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        for s in subjects {
            if let Ok(d) = self.driver(s.driver) {
                for (k, v) in &d.description.runtimes {
                    let slot = out.entry(k.clone()).or_default();
                    if !slot.split(", ").any(|x| x == v) {
                        if !slot.is_empty() {
                            slot.push_str(", ");
                        }
                        slot.push_str(v);
                    }
                }
            }
        }
        out
    }

    /// Descriptions of `subjects`, failing on the first driver that is missing or broken.
    pub fn infos(&self, subjects: &[&Subject]) -> Result<Vec<EngineInfo>> {
        subjects.iter().map(|s| self.info(s)).collect()
    }

    pub fn executable_of(&self, subject: &str) -> Result<PathBuf> {
        let s = self.find(subject).ok_or_else(|| anyhow!(self.unknown_message(subject)))?;
        Ok(self.driver(s.driver)?.exe.clone())
    }

    /// The lean one-answer binary of a subject's driver.
    pub fn once_of(&self, subject: &str) -> Result<PathBuf> {
        let s = self.find(subject).ok_or_else(|| anyhow!(self.unknown_message(subject)))?;
        once_executable(s.driver)
    }
}

impl Launcher for Subjects {
    fn call(&self, subject: &str, request: &Request, timeout: Duration) -> Result<serde_json::Value, CallError> {
        let exe = self.executable_of(subject).map_err(|e| CallError::Failed(format!("{e:#}")))?;
        protocol::client::call(&exe, request, timeout)
    }
}

/// The folders under `drivers/` that build `ids` (all drivers when `ids` is empty), for the
/// build scripts: `wasmgauge drivers --engines ...`.
pub fn drivers_for(ids: &[String]) -> Result<Vec<&'static str>> {
    let subjects = Subjects::default();
    let mut out: Vec<&'static str> = Vec::new();
    for s in subjects.resolve(ids)? {
        if !out.contains(&s.driver) {
            out.push(s.driver);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_unique_and_capabilities_are_declared_per_kind() {
        let s = Subjects::default();
        let mut ids = s.ids();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), s.all().len());
        for subject in s.all() {
            let (c, id) = (subject.capabilities(), subject.id());
            // A conformance side, instances and limits belong to WebAssembly configurations;
            // one without instances (V8 across a pipe) names the scenarios it takes part in.
            assert!(!c.conformance || c.is_wasm(), "{id}");
            assert!(!c.is_wasm() || c.instances || c.scenarios.is_some(), "{id}");
            assert!(c.is_wasm() || (!c.instances && c.limits == Limits::NONE), "{id}");
            assert_eq!(c.execution == Some(ExecutionKind::Native), !c.is_wasm(), "{id}");
            // Measured only when named implies: not in the quick default set either.
            assert!(subject.only_when_named.is_none() || !subject.quick_default, "{id}");
        }
        for id in ["wasm3", "wamr-fast-interp", "stitch"] {
            assert!(!s.find(id).unwrap().capabilities().threads, "{id} stays on one thread");
        }
        let err = s.resolve(&["wasmtime-cranelift".into(), "v8".into()]).unwrap_err().to_string();
        assert!(err.contains("unknown engine `v8`") && err.contains("wasmi-lazy"), "{err}");
        let picked: Vec<String> =
            s.resolve(&["native".into(), "wasmi-eager".into()]).unwrap().iter().map(|s| s.id()).collect();
        assert_eq!(picked, ["wasmi-eager", "native"]);
    }

    #[test]
    fn the_full_profile_leaves_the_second_interpreter_line_to_be_named() {
        use results::plans::ProfileName;
        let s = Subjects::default();
        let full: Vec<String> = s.resolve_for(ProfileName::Full, &[]).unwrap().iter().map(|s| s.id()).collect();
        for id in ["wasmtime-pulley", "wasmtime-cranelift@36", "wasmtime-winch@36", "tinywasm", "v8-turbofan"] {
            assert!(full.contains(&id.to_string()), "{id} in {full:?}");
        }
        assert!(!full.contains(&"wasmtime-pulley@36".to_string()), "{full:?}");
        let named = s.resolve_for(ProfileName::Full, &["wasmtime-pulley@36".into()]).unwrap();
        assert_eq!(named.iter().map(|s| s.id()).collect::<Vec<_>>(), ["wasmtime-pulley@36"]);
    }

    #[test]
    fn a_second_version_reuses_a_table_under_its_own_driver() {
        let s = Subjects::default();
        let lts = s.find("wasmtime-cranelift@36").expect("the LTS line is registered");
        assert_eq!(lts.driver, "wasmtime-36");
        assert_eq!(lts.capabilities(), s.find("wasmtime-cranelift").unwrap().capabilities());
        assert_eq!(drivers_for(&["wasmi-lazy".into(), "native".into()]).unwrap(), ["wasmi", "native"]);
    }
}
