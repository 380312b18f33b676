//! The narrow engine interface every WebAssembly runtime configuration is driven through, and
//! the registry of configurations.
//!
//! An [`Engine`] is one runtime in one configuration (`wasmtime-cranelift`, `wasmi-lazy`, ...).
//! It compiles bytes to a [`CompiledModule`], serializes/deserializes that where the runtime has
//! an ahead-of-time artifact, and instantiates it into an [`Instance`] with the harness's host
//! functions ([`host`]) bound. An instance calls exports and reads/writes its exported memory.
//! Dropping an instance frees it (Wasmer instances each own their `Store` for that reason).
//!
//! Each configuration is an adapter file under its runtime's folder; the runtime folder holds
//! the glue its configurations share. Adding a configuration is one file plus one row in
//! [`WASM_ENGINES`].

pub mod features;
pub mod host;
pub mod session;
pub mod wasi;
mod wasmer;
mod wasmi;
mod wasmtime;

use anyhow::{Result, bail};
use serde::{Deserialize, Serialize};
use std::any::Any;
use std::collections::BTreeMap;

/// A WebAssembly number value. Floats are carried as raw bits so comparisons are exact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "lowercase")]
pub enum Val {
    I32(i32),
    I64(i64),
    F32(u32),
    F64(u64),
}

/// The number types the interface supports (what `run --module` can pass and receive).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ValType {
    I32,
    I64,
    F32,
    F64,
}

impl Val {
    pub fn ty(self) -> ValType {
        match self {
            Val::I32(_) => ValType::I32,
            Val::I64(_) => ValType::I64,
            Val::F32(_) => ValType::F32,
            Val::F64(_) => ValType::F64,
        }
    }

    /// The zero of a type, used to size result buffers.
    pub fn zero(ty: ValType) -> Val {
        match ty {
            ValType::I32 => Val::I32(0),
            ValType::I64 => Val::I64(0),
            ValType::F32 => Val::F32(0),
            ValType::F64 => Val::F64(0),
        }
    }

    /// Parses a command-line argument as a value of `ty` (floats in decimal notation).
    pub fn parse(ty: ValType, text: &str) -> Result<Val> {
        let bad = |e: &dyn std::fmt::Display| anyhow::anyhow!("cannot read {text:?} as {ty:?}: {e}");
        Ok(match ty {
            ValType::I32 => {
                Val::I32(text.parse::<i64>().map_err(|e| bad(&e)).and_then(|v| {
                    i32::try_from(v).or_else(|_| u32::try_from(v).map(|u| u as i32)).map_err(|e| bad(&e))
                })?)
            }
            ValType::I64 => {
                Val::I64(text.parse::<i128>().map_err(|e| bad(&e)).and_then(|v| {
                    i64::try_from(v).or_else(|_| u64::try_from(v).map(|u| u as i64)).map_err(|e| bad(&e))
                })?)
            }
            ValType::F32 => Val::F32(text.parse::<f32>().map_err(|e| bad(&e))?.to_bits()),
            ValType::F64 => Val::F64(text.parse::<f64>().map_err(|e| bad(&e))?.to_bits()),
        })
    }
}

impl std::fmt::Display for Val {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Val::I32(v) => write!(f, "{v}:i32"),
            Val::I64(v) => write!(f, "{v}:i64"),
            Val::F32(b) => write!(f, "{}:f32", f32::from_bits(*b)),
            Val::F64(b) => write!(f, "{}:f64", f64::from_bits(*b)),
        }
    }
}

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
    pub features: Option<features::Features>,
}

impl Default for EngineOptions {
    fn default() -> Self {
        EngineOptions { compile_threads: 1, limits: Limits::default(), features: None }
    }
}

/// Resource limits a configuration can enforce, each with a cost the sandbox-tax scenario
/// measures. A configuration asked for one it does not have fails to build, with a message.
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
}

/// Fails when `asked` has a limit outside `supported` (a configuration's own list).
pub(crate) fn check_limits(id: &str, asked: &Limits, supported: &Limits) -> Result<()> {
    let missing = [
        (asked.instruction_counting && !supported.instruction_counting, "instruction counting (fuel/metering)"),
        (asked.epoch_interruption && !supported.epoch_interruption, "epoch interruption"),
        (asked.explicit_bounds_checks && !supported.explicit_bounds_checks, "explicit bounds checks"),
    ];
    match missing.iter().find(|(m, _)| *m) {
        Some((_, what)) => bail!("{id} does not support {what}"),
        None => Ok(()),
    }
}

/// What an engine configuration is, with every knob that changes a number written out.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EngineInfo {
    pub id: String,
    /// `wasmtime`, `wasmer`, `wasmi`, or `baseline`.
    pub runtime: String,
    pub runtime_version: String,
    pub description: String,
    /// Knob name -> value, e.g. `compiler = cranelift`, `compile_threads = 1`.
    pub knobs: BTreeMap<String, String>,
}

impl EngineInfo {
    pub fn new(id: &str, runtime: &str, description: &str, knobs: &[(&str, String)]) -> EngineInfo {
        EngineInfo {
            id: id.to_string(),
            runtime: runtime.to_string(),
            runtime_version: crate::environment::runtime_version(runtime).to_string(),
            description: description.to_string(),
            knobs: knobs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect(),
        }
    }
}

/// Handle to an export looked up once on an instance, so calls skip the name lookup.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FuncId(pub usize);

/// A module compiled (or deserialized) by one engine; only that engine can use it.
pub trait CompiledModule: Any + Send + Sync {
    fn as_any(&self) -> &dyn Any;
}

/// One WebAssembly runtime configuration.
pub trait Engine: Send + Sync {
    fn info(&self) -> &EngineInfo;
    /// Bytes (binary wasm) to a ready module, validation included.
    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>>;
    /// The runtime's ahead-of-time artifact for a module; `Ok(None)` when it has none.
    fn serialize(&self, module: &dyn CompiledModule) -> Result<Option<Vec<u8>>>;
    /// Loads an artifact made by [`Engine::serialize`] of this same configuration.
    fn deserialize(&self, artifact: &[u8]) -> Result<Box<dyn CompiledModule>>;
    /// A fresh instance with the host functions of [`host`] bound to its imports.
    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>>;
    /// The concrete adapter, for [`conformance`].
    fn as_any(&self) -> &dyn Any;
}

/// The conformance side of a configuration. It is a trait of its own, reached through
/// [`conformance`], so that binaries that only measure do not link the conformance code and the
/// WASI layers: `wasmgauge-once`, whose process start is a benchmark figure, stays lean.
pub trait Conformance {
    /// The proposals this configuration can run (see [`features`]).
    fn supported_features(&self) -> features::Features;
    /// A conformance session: a store of its own, modules linked by name (see [`session`]).
    fn session(&self, limits: &session::SessionLimits) -> Result<Box<dyn session::Session>>;
    /// Runs a WASI preview 1 command module through the runtime's WASI layer.
    fn run_wasi(&self, wasm: &[u8], request: &wasi::WasiRequest) -> wasi::WasiExit;
}

/// The conformance side of an engine (every runtime's engine type has one).
pub fn conformance(engine: &dyn Engine) -> Result<&dyn Conformance> {
    let any = engine.as_any();
    if let Some(e) = any.downcast_ref::<wasmtime::WasmtimeEngine>() {
        return Ok(e);
    }
    if let Some(e) = any.downcast_ref::<wasmer::WasmerEngine>() {
        return Ok(e);
    }
    if let Some(e) = any.downcast_ref::<wasmi::WasmiEngine>() {
        return Ok(e);
    }
    bail!("{} has no conformance side", engine.info().id)
}

/// How the host calls an export: through the runtime's statically typed API, or its dynamic
/// one (a slice of values in, a slice of values out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallPath {
    Typed,
    Dynamic,
}

/// The call-overhead calls an instance times in a loop of its own (see [`Instance::time_micro`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MicroCall {
    /// `empty()` of the `empty` micro-module.
    Empty,
    /// `add4(a, b, c, d) -> i64` of `add4`.
    Add4 { args: [i64; 4], expected: i64 },
    /// `call_host(n) -> i32` of `host_loop`: n guest->host calls of `wasmgauge.tick`.
    HostLoop { n: i32, expected: i32 },
    /// `spin(n) -> i64` of `spin`: work proportional to n.
    Spin { n: i64, expected: i64 },
}

impl MicroCall {
    pub fn export(&self) -> &'static str {
        match self {
            MicroCall::Empty => "empty",
            MicroCall::Add4 { .. } => "add4",
            MicroCall::HostLoop { .. } => "call_host",
            MicroCall::Spin { .. } => "spin",
        }
    }
}

/// Times `iters` calls of `call`, checking every answer against `expected`; returns the
/// elapsed nanoseconds. Generic, so each adapter's typed path compiles to a monomorphic loop.
#[inline(always)]
pub fn timed_loop<R: PartialEq + std::fmt::Debug>(
    iters: u64,
    expected: R,
    mut call: impl FnMut() -> Result<R>,
) -> Result<u64> {
    let start = std::time::Instant::now();
    for _ in 0..iters {
        let got = std::hint::black_box(call()?);
        if got != expected {
            bail!("wrong answer: got {got:?}, the native answer is {expected:?}");
        }
    }
    Ok(start.elapsed().as_nanos() as u64)
}

/// The dynamic path of [`Instance::time_micro`], shared by every adapter: the interface's
/// `call` with values in a slice.
pub fn time_micro_dynamic(instance: &mut dyn Instance, call: MicroCall, iters: u64) -> Result<u64> {
    let f = instance.func(call.export())?;
    let (args, expected): (Vec<Val>, Vec<Val>) = match call {
        MicroCall::Empty => (vec![], vec![]),
        MicroCall::Add4 { args, expected } => (args.iter().map(|a| Val::I64(*a)).collect(), vec![Val::I64(expected)]),
        MicroCall::HostLoop { n, expected } => (vec![Val::I32(n)], vec![Val::I32(expected)]),
        MicroCall::Spin { n, expected } => (vec![Val::I64(n)], vec![Val::I64(expected)]),
    };
    let mut results = expected.clone();
    timed_loop(iters, true, || {
        instance.call(f, std::hint::black_box(&args), &mut results)?;
        Ok(results == expected)
    })
}

/// A live instance. Traps come back as errors naming the trap.
pub trait Instance {
    fn func(&mut self, export: &str) -> Result<FuncId>;
    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()>;
    /// Copies `out.len()` bytes from the exported memory `memory` at `offset`.
    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()>;
    /// Copies `bytes` into the exported memory `memory` at `offset`.
    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()>;
    /// Times `iters` calls of a call-overhead export through `path`, verifying every answer;
    /// returns elapsed nanoseconds. The loop runs inside the adapter (see [`timed_loop`]).
    fn time_micro(&mut self, call: MicroCall, path: CallPath, iters: u64) -> Result<u64>;
}

/// Downcasts a module to the adapter's own type, with a clear error on a mix-up.
pub(crate) fn downcast<'m, T: 'static>(module: &'m dyn CompiledModule, engine: &str) -> Result<&'m T> {
    match module.as_any().downcast_ref::<T>() {
        Some(m) => Ok(m),
        None => bail!("module was compiled by another engine than {engine}"),
    }
}

/// A registered WebAssembly engine configuration.
pub struct EngineSpec {
    pub id: &'static str,
    pub make: fn(&EngineOptions) -> Result<Box<dyn Engine>>,
}

/// Every WebAssembly engine configuration, in report order.
pub static WASM_ENGINES: &[EngineSpec] = &[
    EngineSpec { id: "wasmtime-cranelift", make: wasmtime::cranelift::engine },
    EngineSpec { id: "wasmtime-cranelift-pooling", make: wasmtime::cranelift_pooling::engine },
    EngineSpec { id: "wasmtime-winch", make: wasmtime::winch::engine },
    EngineSpec { id: "wasmtime-pulley", make: wasmtime::pulley::engine },
    EngineSpec { id: "wasmer-cranelift", make: wasmer::cranelift::engine },
    EngineSpec { id: "wasmer-singlepass", make: wasmer::singlepass::engine },
    EngineSpec { id: "wasmi-eager", make: wasmi::eager::engine },
    EngineSpec { id: "wasmi-lazy", make: wasmi::lazy::engine },
];

/// The two baselines, driven through the workload-level interface in `executor`.
pub const BASELINE_IDS: [&str; 2] = ["native", "subprocess"];

/// All engine ids: the WebAssembly configurations, then the baselines.
pub fn all_ids() -> Vec<&'static str> {
    WASM_ENGINES.iter().map(|e| e.id).chain(BASELINE_IDS).collect()
}

/// Builds a WebAssembly engine configuration by id.
pub fn make(id: &str, options: &EngineOptions) -> Result<Box<dyn Engine>> {
    match WASM_ENGINES.iter().find(|e| e.id == id) {
        Some(spec) => (spec.make)(options),
        None if BASELINE_IDS.contains(&id) => bail!("`{id}` is a baseline, not a WebAssembly engine"),
        None => bail!(unknown_engine_message(id)),
    }
}

pub fn unknown_engine_message(id: &str) -> String {
    format!("unknown engine `{id}`; known engines: {}", all_ids().join(", "))
}

/// Checks a user's engine list, keeping registry order and rejecting unknown ids.
pub fn resolve(requested: &[String]) -> Result<Vec<&'static str>> {
    for id in requested {
        if !all_ids().contains(&id.as_str()) {
            bail!(unknown_engine_message(id));
        }
    }
    Ok(all_ids().into_iter().filter(|id| requested.is_empty() || requested.iter().any(|r| r == id)).collect())
}

/// What every engine is and sets, for `wasmgauge engines` and the result's environment.
pub fn describe_all(options: &EngineOptions) -> Vec<EngineInfo> {
    let mut out: Vec<EngineInfo> = WASM_ENGINES
        .iter()
        .map(|spec| match (spec.make)(options) {
            Ok(engine) => engine.info().clone(),
            Err(e) => EngineInfo::new(spec.id, "unavailable", &format!("could not be created: {e:#}"), &[]),
        })
        .collect();
    out.extend(crate::executor::baseline_infos());
    out
}

/// Knobs shared by every compiling configuration: written once here, not per adapter.
pub(crate) fn common_knobs(options: &EngineOptions) -> Vec<(&'static str, String)> {
    let on_off = |on: bool, what: &str| if on { what.to_string() } else { "off".into() };
    vec![
        ("compile_threads", options.compile_threads.to_string()),
        ("cache", "off".into()),
        ("fuel", on_off(options.limits.instruction_counting, "on (limit u64::MAX, never exhausted)")),
        ("epoch_interruption", on_off(options.limits.epoch_interruption, "on (deadline never reached)")),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_engine_is_rejected_with_the_known_list() {
        let err = resolve(&["wasmtime-cranelift".into(), "v8".into()]).unwrap_err().to_string();
        assert!(err.contains("unknown engine `v8`") && err.contains("wasmi-lazy"), "{err}");
        assert_eq!(resolve(&[]).unwrap().len(), 10);
        assert_eq!(resolve(&["native".into(), "wasmi-eager".into()]).unwrap(), vec!["wasmi-eager", "native"]);
    }

    #[test]
    fn values_parse_and_print() {
        assert_eq!(Val::parse(ValType::I32, "-5").unwrap(), Val::I32(-5));
        assert_eq!(Val::parse(ValType::I32, "4294967295").unwrap(), Val::I32(-1));
        assert_eq!(Val::parse(ValType::F64, "1.5").unwrap(), Val::F64(1.5f64.to_bits()));
        assert!(Val::parse(ValType::I32, "x").is_err());
        assert_eq!(Val::I64(3).to_string(), "3:i64");
    }
}
