//! V8 glue: every operation is a request to the configuration's Node.js host ([`NodeHost`]).
//! Compile and instantiate are timed in Node (`Engine::remote_ns` hands the harness that time
//! instead of its own, which would include the pipe); timed batches of `run`, of the
//! call-overhead calls and of the data call run in Node (`Instance::timed_run`, `time_micro`,
//! `time_data`; a single timed call is a batch of one). Untimed calls (`Instance::call`) cross
//! the pipe: the registry keeps V8 out of the scenarios that time them from the harness. WASI
//! commands run through node:wasi ([`crate::wasi`]). No artifact, no limits, one Node process
//! per engine.

use crate::host::NodeHost;
use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use measure::engine::{
    CallPath, Compiled, CompiledModule, DataCall, Engine, EngineInfo, EngineOptions, FuncId, Instance, Limits,
    MicroCall, Val, check_limits, compiled,
};
use measure::features::Features;
use measure::kit::knobs;
use serde_json::{Value, json};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};

pub(crate) type Host = Arc<Mutex<NodeHost>>;

/// What the knobs say of V8's WASI layer ([`crate::wasi`]).
pub const WASI_LAYER: &str = "node:wasi (Node.js's WASI preview 1, in the host process; every phase timed inside Node)";

pub(crate) fn ask(host: &Host, request: Value) -> Result<Value> {
    host.lock().map_err(|_| anyhow!("the Node.js host lock was poisoned"))?.request(&request)
}

/// The proposals V8 14.6 ships that this harness can carry across the JS API: those of an
/// engine without GC, exceptions or threads (GC, typed function references and exceptions are
/// shipped too, but their values are opaque to JavaScript), less custom page sizes and wide
/// arithmetic, which V8 does not have.
pub(crate) fn supported() -> Features {
    let mut f = Features::of(measure::features::NO_GC_EXCEPTIONS_THREADS);
    for lacking in ["custom-page-sizes", "wide-arithmetic"] {
        f.0.remove(lacking);
    }
    f
}

pub struct V8Engine {
    pub(crate) info: EngineInfo,
    pub(crate) host: Host,
    /// The V8 flags of this configuration (conformance sessions run in a Node.js of their own).
    pub(crate) flags: Vec<String>,
    /// That Node.js, started by the first session and kept between sessions.
    pub(crate) session_host: crate::session::SessionHost,
    /// What the last compile or instantiate (of a module or a component) took inside Node.
    pub(crate) last_ns: AtomicU64,
}

pub(crate) fn build(
    id: &str,
    description: &str,
    options: &EngineOptions,
    tier_flags: &[&str],
    tier: &str,
) -> Result<V8Engine> {
    check_limits(id, &options.limits, &Limits::NONE)?;
    // The fair default compiles on the calling thread only (no background compile tasks).
    let tasks = options.compile_threads.max(1) - 1;
    let mut flags: Vec<String> = tier_flags.iter().map(|f| f.to_string()).collect();
    flags.push(format!("--wasm-num-compilation-tasks={tasks}"));
    // Every compile compiles: V8 would otherwise serve a module it compiled before in this
    // process (same bytes) from its native-module cache, and cold start's repetitions after
    // the first would time a cache lookup (about 40 µs against 19 ms for sha256 on TurboFan).
    flags.push("--no-wasm-native-module-cache".into());
    let mut host = NodeHost::start(&flags)?;
    let about = host.request(&json!({ "op": "describe" })).context("asking Node.js what it is")?;
    let text = |k: &str| about.get(k).and_then(Value::as_str).unwrap_or("unknown").to_string();
    let threads = format!("{} (--wasm-num-compilation-tasks={tasks})", options.compile_threads.max(1));
    let mut knobs = knobs::single_threaded(options, &threads);
    knobs.push(("compiler", tier.into()));
    knobs.push(("bounds_checks", "V8's default for Node.js".into()));
    knobs.push(("v8_flags", flags.join(" ")));
    knobs.push(("node", format!("{} (npm {} {})", text("node"), crate::NODE_PACKAGE.0, crate::NODE_PACKAGE.1)));
    knobs.push(("embedding", "a Node.js process the driver talks to over pipes (harness/drivers/v8/host.mjs)".into()));
    knobs.push((
        "timing",
        "inside Node: process.hrtime.bigint() around compile, instantiate, each batch of calls (a single call is a batch of one: cold start's first and steady calls, each latency value) and each WASI phase; cold start's end to end = compile + instantiate + first call, without the input's copy into guest memory (a pipe round trip)".into(),
    ));
    knobs.push((
        "calls",
        "from JavaScript through the export's JS-to-Wasm wrapper (an i64 result is a BigInt); TurboFan inlines the wrapper and small Wasm bodies into the calling JS loop (V8's default --turbo-inline-js-wasm-calls), so the empty export's call is optimized away (0 ns once the loop is calibrated); the typed and dynamic paths are the same JS call".into(),
    ));
    knobs.push(("compile", "new WebAssembly.Module (synchronous, eager)".into()));
    knobs.push(("wasi", WASI_LAYER.into()));
    knobs.push((
        "components",
        format!(
            "the plugin world through jco: @bytecodealliance/jco-transpile {} (instantiation mode, sync; in a Node.js process of its own with V8's default flags, as at build time) makes core modules and JS glue; compile = transpile + V8's compile of the core modules + the glue's evaluation, load = the same from the kept output without the transpile (V8's native-module cache is off: the core modules are compiled again); WASI 0.2 from @bytecodealliance/preview2-shim {} (a sandboxed WASIShim per instance); instances are let go to the garbage collector",
            text("jco_transpile"),
            text("preview2_shim")
        ),
    ));
    if options.features.is_some() {
        // Shipped proposals cannot be switched off per suite.
        knobs.push((
            "proposals",
            format!(
                "fixed: {} (not switched per suite); conformance sessions add {}",
                supported().label(),
                crate::session::TYPE_REFLECTION
            ),
        ));
    }
    Ok(V8Engine {
        info: EngineInfo::new(id, "v8", &text("v8"), description, &knobs),
        host: Arc::new(Mutex::new(host)),
        flags,
        session_host: Default::default(),
        last_ns: AtomicU64::new(0),
    })
}

pub(crate) struct V8Module {
    pub(crate) host: Host,
    pub(crate) id: u64,
}

impl Drop for V8Module {
    fn drop(&mut self) {
        let _ = ask(&self.host, json!({ "op": "drop_module", "module": self.id }));
    }
}

/// Bytes as the base64 text the Node.js host reads.
pub(crate) fn b64(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

pub(crate) fn number(v: &Value, key: &str) -> Result<u64> {
    v.get(key).and_then(Value::as_u64).ok_or_else(|| anyhow!("the Node.js host's reply has no `{key}`: {v}"))
}

impl Engine for V8Engine {
    fn info(&self) -> &EngineInfo {
        &self.info
    }

    fn compile(&self, wasm: &[u8]) -> Result<Box<dyn CompiledModule>> {
        let wasm = b64(wasm);
        let reply = ask(&self.host, json!({ "op": "compile", "wasm": wasm }))?;
        self.last_ns.store(number(&reply, "ns")?, Ordering::Relaxed);
        Ok(Box::new(Compiled(V8Module { host: self.host.clone(), id: number(&reply, "module")? })))
    }

    fn instantiate(&self, module: &dyn CompiledModule) -> Result<Box<dyn Instance>> {
        let module = compiled::<V8Module>(module, &self.info.id)?;
        let reply = ask(&self.host, json!({ "op": "instantiate", "module": module.id }))?;
        self.last_ns.store(number(&reply, "ns")?, Ordering::Relaxed);
        Ok(Box::new(V8Instance { host: self.host.clone(), id: number(&reply, "instance")?, exports: Vec::new() }))
    }

    fn remote_ns(&self) -> Option<u64> {
        Some(self.last_ns.load(Ordering::Relaxed))
    }

    fn components(&self) -> Option<&dyn measure::component::ComponentHost> {
        Some(self)
    }
}

struct V8Instance {
    host: Host,
    id: u64,
    exports: Vec<String>,
}

impl Drop for V8Instance {
    fn drop(&mut self) {
        let _ = ask(&self.host, json!({ "op": "drop", "instance": self.id }));
    }
}

fn encode(v: &Val) -> Value {
    match *v {
        Val::I32(x) => json!({ "t": "i32", "v": x.to_string() }),
        Val::I64(x) => json!({ "t": "i64", "v": x.to_string() }),
        Val::F32(b) => json!({ "t": "f32", "v": b.to_string() }),
        Val::F64(b) => json!({ "t": "f64", "v": b.to_string() }),
    }
}

fn type_name(v: &Val) -> &'static str {
    match v {
        Val::I32(_) => "i32",
        Val::I64(_) => "i64",
        Val::F32(_) => "f32",
        Val::F64(_) => "f64",
    }
}

fn decode(v: &Value) -> Result<Val> {
    let text = v.get("v").and_then(Value::as_str).ok_or_else(|| anyhow!("a value without `v`: {v}"))?;
    Ok(match v.get("t").and_then(Value::as_str) {
        Some("i32") => Val::I32(text.parse()?),
        Some("i64") => Val::I64(text.parse()?),
        Some("f32") => Val::F32(text.parse()?),
        Some("f64") => Val::F64(text.parse()?),
        other => bail!("unknown value type {other:?}"),
    })
}

impl Instance for V8Instance {
    fn func(&mut self, export: &str) -> Result<FuncId> {
        self.exports.push(export.to_string());
        Ok(FuncId(self.exports.len() - 1))
    }

    fn call(&mut self, func: FuncId, args: &[Val], results: &mut [Val]) -> Result<()> {
        let request = json!({
            "op": "call",
            "instance": self.id,
            "export": self.exports[func.0],
            "args": args.iter().map(encode).collect::<Vec<_>>(),
            "results": results.iter().map(type_name).collect::<Vec<_>>(),
        });
        let reply = ask(&self.host, request)?;
        let values = reply.get("results").and_then(Value::as_array).ok_or_else(|| anyhow!("no results: {reply}"))?;
        for (slot, v) in results.iter_mut().zip(values) {
            *slot = decode(v)?;
        }
        Ok(())
    }

    fn read_memory(&mut self, offset: usize, out: &mut [u8]) -> Result<()> {
        let reply = ask(&self.host, json!({ "op": "read", "instance": self.id, "offset": offset, "len": out.len() }))?;
        let data = reply.get("data").and_then(Value::as_str).ok_or_else(|| anyhow!("no data: {reply}"))?;
        let bytes = base64::engine::general_purpose::STANDARD.decode(data)?;
        if bytes.len() != out.len() {
            bail!("read {} bytes of guest memory where {} were asked", bytes.len(), out.len());
        }
        out.copy_from_slice(&bytes);
        Ok(())
    }

    fn write_memory(&mut self, offset: usize, bytes: &[u8]) -> Result<()> {
        let data = b64(bytes);
        ask(&self.host, json!({ "op": "write", "instance": self.id, "offset": offset, "data": data }))?;
        Ok(())
    }

    fn timed_run(&mut self, run: FuncId, args: &[Val; 2], iters: u64, expected: u64) -> Result<u64> {
        let request = json!({
            "op": "timed",
            "instance": self.id,
            "export": self.exports[run.0],
            "args": args.iter().map(encode).collect::<Vec<_>>(),
            "iters": iters,
            "expected": expected.to_string(),
        });
        number(&ask(&self.host, request)?, "ns")
    }

    /// Timed inside Node: `empty` as a batch of calls without a result, the others as batches of
    /// `timed` with their native answer (the path is always JavaScript's call of the export).
    fn time_micro(&mut self, call: MicroCall, _path: CallPath, iters: u64) -> Result<u64> {
        let (args, expected) = match call {
            MicroCall::Empty => (vec![], None),
            MicroCall::Add4 { args, expected } => (args.iter().map(|a| Val::I64(*a)).collect(), Some(expected as u64)),
            MicroCall::HostLoop { n, expected } => (vec![Val::I32(n)], Some(expected as u32 as u64)),
            MicroCall::Spin { n, expected } => (vec![Val::I64(n)], Some(expected as u64)),
        };
        let mut request = json!({
            "op": if expected.is_some() { "timed" } else { "timed_void" },
            "instance": self.id,
            "export": call.export(),
            "args": args.iter().map(encode).collect::<Vec<_>>(),
            "iters": iters,
        });
        if let Some(e) = expected {
            request["expected"] = json!(e.to_string());
        }
        number(&ask(&self.host, request)?, "ns")
    }

    /// The batch loop of `host.mjs` with no call in it, timed there.
    fn far_empty_batch(&mut self, iters: u64) -> Option<Result<u64>> {
        Some(ask(&self.host, json!({ "op": "timed_empty", "iters": iters })).and_then(|r| number(&r, "ns")))
    }

    fn time_data(&mut self, invert: FuncId, call: &DataCall, iters: u64) -> Result<u64> {
        let request = json!({
            "op": "timed_data",
            "instance": self.id,
            "export": self.exports[invert.0],
            "ptr": call.ptr,
            "input": b64(call.input),
            "expected": call.expected.to_string(),
            "expected_bytes": b64(call.expected_bytes),
            "iters": iters,
        });
        number(&ask(&self.host, request)?, "ns")
    }
}
