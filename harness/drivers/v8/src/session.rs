//! V8's conformance [`Session`]: a Node.js host process apart from the measuring one (the
//! configuration's V8 flags plus `--experimental-wasm-type-reflection`, which gives the host
//! each export's type), driven by the `s_*` requests of `host.mjs`. One engine's sessions take
//! turns in that process (each begins with `s_reset`), so a differential round of 40 modules,
//! a session each, starts Node once. Calls cross the JS API through a wrapper module
//! per signature that carries floats as their bits and a `v128` as two `i64`, so NaN payloads
//! arrive exactly; a deadline runs each call in a `vm` script with a timeout. V8 has no fuel
//! and no memory or table cap an embedder can set through the JS API.

use crate::host::NodeHost;
use base64::Engine as _;
use measure::kit::session::Arena;
use measure::session::{
    Enforcement, Failure, FailureClass, InstanceId, ModuleId, RefValue, Session, SessionLimits, Value, limits_in_force,
};
use serde_json::{Value as Json, json};
use std::sync::{Arc, Mutex};

/// The session process of one engine, while no session holds it.
pub(crate) type SessionHost = Arc<Mutex<Option<NodeHost>>>;

/// The flag that makes V8 report export types to JavaScript (the host builds its call wrappers
/// from them); it adds API surface only.
pub const TYPE_REFLECTION: &str = "--experimental-wasm-type-reflection";

pub(crate) struct V8Session {
    /// Taken from `idle` for the session's life, given back when it ends.
    host: Option<NodeHost>,
    idle: SessionHost,
    limits: SessionLimits,
    /// Host ids of the session's modules and instances, by the harness's index.
    arena: Arena<u64, u64>,
}

pub(crate) fn new(flags: &[String], limits: &SessionLimits, idle: &SessionHost) -> anyhow::Result<Box<dyn Session>> {
    let reset = json!({ "op": "s_reset", "deadline_ms": limits.deadline.map(|d| d.as_millis() as u64) });
    let kept = idle.lock().map_err(|_| anyhow::anyhow!("the session host lock was poisoned"))?.take();
    // A kept process that no longer answers (it died with the last session) is replaced.
    let host = match kept.map(|mut h| h.request(&reset).map(|_| h)) {
        Some(Ok(h)) => h,
        _ => {
            let mut flags = flags.to_vec();
            flags.push(TYPE_REFLECTION.into());
            let mut h = NodeHost::start(&flags)?;
            h.request(&reset)?;
            h
        }
    };
    Ok(Box::new(V8Session { host: Some(host), idle: idle.clone(), limits: *limits, arena: Arena::default() }))
}

impl Drop for V8Session {
    fn drop(&mut self) {
        if let (Some(host), Ok(mut idle)) = (self.host.take(), self.idle.lock()) {
            *idle = Some(host);
        }
    }
}

fn class_of(name: &str) -> FailureClass {
    match name {
        "compile" => FailureClass::Compile,
        "link" => FailureClass::Link,
        "trap" => FailureClass::Trap,
        "exhaustion" => FailureClass::Exhaustion,
        "exception" => FailureClass::Exception,
        "interrupted" => FailureClass::Interrupted,
        "limit" => FailureClass::Limit,
        "unsupported" => FailureClass::Unsupported,
        _ => FailureClass::Harness,
    }
}

fn encode(v: &Value) -> Result<Json, Failure> {
    Ok(match *v {
        Value::I32(x) => json!({ "t": "i32", "v": x.to_string() }),
        Value::I64(x) => json!({ "t": "i64", "v": x.to_string() }),
        Value::F32(b) => json!({ "t": "f32", "v": b.to_string() }),
        Value::F64(b) => json!({ "t": "f64", "v": b.to_string() }),
        Value::V128(b) => json!({ "t": "v128", "v": b.to_string() }),
        Value::Ref(RefValue::Null) => json!({ "t": "null" }),
        Value::Ref(RefValue::Extern(Some(n))) => json!({ "t": "extern", "v": n }),
        Value::Ref(other) => {
            return Err(Failure::new(
                FailureClass::Unsupported,
                format!("cannot pass {other:?} to V8 in this harness"),
            ));
        }
    })
}

fn decode(v: &Json) -> Result<Value, Failure> {
    let text =
        || v.get("v").and_then(Json::as_str).ok_or_else(|| Failure::harness(format!("a value without `v`: {v}")));
    let parse = |e: std::num::ParseIntError| Failure::harness(e);
    Ok(match v.get("t").and_then(Json::as_str) {
        Some("i32") => Value::I32(text()?.parse().map_err(parse)?),
        Some("i64") => Value::I64(text()?.parse().map_err(parse)?),
        Some("f32") => Value::F32(text()?.parse().map_err(parse)?),
        Some("f64") => Value::F64(text()?.parse().map_err(parse)?),
        Some("v128") => Value::V128(text()?.parse().map_err(parse)?),
        Some("null") => Value::Ref(RefValue::Null),
        Some("func") => Value::Ref(RefValue::Func),
        Some("extern") => Value::Ref(RefValue::Extern(v.get("v").and_then(Json::as_u64).map(|n| n as u32))),
        other => return Err(Failure::harness(format!("unknown value type {other:?}"))),
    })
}

impl V8Session {
    /// Sends a session request; its `value`, or the failure the host classified.
    fn ask(&mut self, request: Json) -> Result<Json, Failure> {
        let host = self.host.as_mut().ok_or_else(|| Failure::harness("the session has no host process"))?;
        let mut reply = host.request(&request).map_err(Failure::harness)?;
        if let Some(fail) = reply.get("fail") {
            let class = fail.get("class").and_then(Json::as_str).unwrap_or("harness");
            let message = fail.get("message").and_then(Json::as_str).unwrap_or("").to_string();
            return Err(Failure::new(class_of(class), message));
        }
        Ok(reply.get_mut("value").map(Json::take).unwrap_or(Json::Null))
    }

    fn instance(&self, id: InstanceId) -> Result<u64, Failure> {
        self.arena.instance(id).copied()
    }
}

/// A number the host answered: an id, or a memory's size.
fn unsigned(v: &Json, what: &str) -> Result<u64, Failure> {
    v.as_u64().ok_or_else(|| Failure::harness(format!("the host answered {v} where {what} was expected")))
}

impl Session for V8Session {
    fn compile(&mut self, wasm: &[u8]) -> Result<ModuleId, Failure> {
        let wasm = base64::engine::general_purpose::STANDARD.encode(wasm);
        let id = unsigned(&self.ask(json!({ "op": "s_compile", "wasm": wasm }))?, "a module id")?;
        Ok(self.arena.add_module(id))
    }

    fn instantiate(&mut self, module: ModuleId) -> Result<InstanceId, Failure> {
        let module = *self.arena.module(module)?;
        let id = unsigned(&self.ask(json!({ "op": "s_instantiate", "module": module }))?, "an instance id")?;
        Ok(self.arena.add_instance(id))
    }

    fn register(&mut self, name: &str, instance: InstanceId) -> Result<(), Failure> {
        let instance = self.instance(instance)?;
        self.ask(json!({ "op": "s_register", "name": name, "instance": instance }))?;
        Ok(())
    }

    fn invoke(&mut self, instance: InstanceId, export: &str, args: &[Value]) -> Result<Vec<Value>, Failure> {
        let instance = self.instance(instance)?;
        let args = args.iter().map(encode).collect::<Result<Vec<_>, _>>()?;
        let out = self.ask(json!({ "op": "s_invoke", "instance": instance, "export": export, "args": args }))?;
        out.as_array()
            .ok_or_else(|| Failure::harness(format!("results that are not a list: {out}")))?
            .iter()
            .map(decode)
            .collect()
    }

    fn global(&mut self, instance: InstanceId, export: &str) -> Result<Value, Failure> {
        let instance = self.instance(instance)?;
        decode(&self.ask(json!({ "op": "s_global", "instance": instance, "export": export }))?)
    }

    fn memory_size(&mut self, instance: InstanceId, export: &str) -> Result<u64, Failure> {
        let instance = self.instance(instance)?;
        unsigned(&self.ask(json!({ "op": "s_memory", "instance": instance, "export": export }))?, "a size")
    }

    fn read_memory(&mut self, instance: InstanceId, export: &str, offset: u64, len: usize) -> Result<Vec<u8>, Failure> {
        let instance = self.instance(instance)?;
        let request = json!({ "op": "s_memory", "instance": instance, "export": export, "offset": offset, "len": len });
        let data = self.ask(request)?;
        let data = data.as_str().ok_or_else(|| Failure::harness(format!("memory bytes that are not text: {data}")))?;
        base64::engine::general_purpose::STANDARD.decode(data).map_err(Failure::harness)
    }

    fn limits_in_force(&self) -> Vec<(String, String)> {
        let mut out = limits_in_force(
            &self.limits,
            Enforcement {
                stack: "V8's JavaScript stack limit (Node.js default)",
                caps: "none",
                counting: None,
                deadline: Some("a node:vm script timeout around each call (V8 terminates the execution)"),
            },
        );
        // The JS API gives an embedder no cap on a guest's memories or tables.
        out.retain(|(k, _)| k != "memory" && k != "table");
        out
    }
}
