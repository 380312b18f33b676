//! Components on V8: the `wasmgauge:plugin` world through jco's transpiled output, hosted in
//! the configuration's Node.js process (host.mjs's `c_*` ops, in components.mjs). Compile
//! (jco's transpile, V8's compile of its core modules, the glue's evaluation) and load (the
//! same from the kept output, without the transpile) are timed in Node and handed over as
//! `Engine::remote_ns`; fresh instances and batches of calls are timed in Node too
//! ([`FarInstances`], [`FarCalls`]), so no pipe round trip lands in a figure. The typed methods
//! of [`Plugin`] cross the pipe once per call: the harness uses them outside the clock only.
//! Components of any world (`run --component`) are not hosted: the registry keeps V8 out of it.
use crate::engine::{V8Engine, ask, b64, number};
use anyhow::{Context, Result, anyhow, bail};
use base64::Engine as _;
use measure::component::reference::{Picture, Point, Shape};
use measure::component::{
    AnyComponent, Call, CompiledPlugin, ComponentHost, FarCalls, FarInstances, Handle, Plugin, Refused,
};
use serde_json::{Value, json};
use std::sync::atomic::Ordering;

type Host = crate::engine::Host;

fn unb64(v: &Value) -> Result<Vec<u8>> {
    let text = v.as_str().ok_or_else(|| anyhow!("expected base64 text from the Node.js host, got {v}"))?;
    Ok(base64::engine::general_purpose::STANDARD.decode(text)?)
}

fn picture_json(p: &Picture) -> Value {
    json!({ "data": b64(&p.data), "width": p.width, "height": p.height })
}

fn picture_of(v: &Value) -> Result<Picture> {
    let dim = |k: &str| v.get(k).and_then(Value::as_u64).and_then(|x| u32::try_from(x).ok()).context("an image size");
    Ok(Picture { data: unb64(&v["data"])?, width: dim("width")?, height: dim("height")? })
}

fn point_json(p: &Point) -> Value {
    json!({ "x": p.x, "y": p.y, "label": p.label })
}

fn shape_json(s: Shape) -> Value {
    match s {
        Shape::Circle(r) => json!({ "tag": "circle", "val": r }),
        Shape::Square(a) => json!({ "tag": "square", "val": a }),
        Shape::Nothing => json!({ "tag": "nothing" }),
    }
}

fn area_json(a: &Result<f64, String>) -> Value {
    match a {
        Ok(v) => json!({ "ok": v }),
        Err(e) => json!({ "err": e }),
    }
}

/// A u64 the Node.js host sends as decimal text (a BigInt).
fn big(v: &Value) -> Result<u64> {
    v.as_str()
        .ok_or_else(|| anyhow!("expected a decimal text, got {v}"))?
        .parse()
        .context("a u64 from the Node.js host")
}

/// The request that prepares `call` on the far side (components.mjs's `prepare`).
fn call_json(call: &Call) -> Value {
    match *call {
        Call::Empty => json!({ "kind": "empty" }),
        Call::Noop => json!({ "kind": "noop" }),
        Call::Scalars { args: (a, b, c, d), expected } => {
            json!({ "kind": "scalars", "a": a, "b": b.to_string(), "c": c, "d": d, "expected": expected })
        }
        Call::SwapCase { text, expected } => json!({ "kind": "swap-case", "text": text, "expected": expected }),
        Call::Invert { data, sum, expected } => {
            json!({ "kind": "invert", "data": b64(data), "sum": sum.to_string(), "expected": b64(expected) })
        }
        Call::Mirror { point, expected } => {
            json!({ "kind": "mirror", "point": point_json(point), "expected": point_json(expected) })
        }
        Call::Area { shape, expected } => {
            json!({ "kind": "area", "shape": shape_json(shape), "expected": area_json(expected) })
        }
        Call::CounterLifetime { start, add, expected } => json!({
            "kind": "counter-lifetime", "start": start.to_string(), "add": add.to_string(), "expected": expected.to_string()
        }),
        Call::CounterAdd { counter, start } => {
            json!({ "kind": "counter-add", "counter": counter.0, "start": start.to_string() })
        }
        Call::CallHost { n, expected } => json!({ "kind": "call-host", "n": n, "expected": expected.to_string() }),
        Call::Grayscale { image, expected } => {
            json!({ "kind": "grayscale", "image": picture_json(image), "expected": picture_json(expected) })
        }
        Call::Resize { image, size, expected } => json!({
            "kind": "resize", "image": picture_json(image), "size": [size.0, size.1], "expected": picture_json(expected)
        }),
    }
}

impl ComponentHost for V8Engine {
    fn compile_plugin(&self, component: &[u8]) -> Result<Box<dyn CompiledPlugin + '_>> {
        let reply = ask(&self.host, json!({ "op": "c_compile", "wasm": b64(component) }))
            .map_err(|e| anyhow!("jco could not transpile the component, or V8 could not compile it: {e:#}"))?;
        self.last_ns.store(number(&reply, "ns")?, Ordering::Relaxed);
        Ok(Box::new(V8Compiled {
            host: self.host.clone(),
            id: number(&reply, "compiled")?,
            output: Some(number(&reply, "output")?),
        }))
    }

    /// The artifact is a handle to jco's output, which the Node.js host keeps (V8 has no
    /// machine-code artifact to hand out): loading compiles its core modules and evaluates its
    /// glue again, without the transpile.
    fn load_plugin(&self, artifact: &[u8]) -> Result<Box<dyn CompiledPlugin + '_>> {
        let output: u64 = std::str::from_utf8(artifact)
            .ok()
            .and_then(|t| t.strip_prefix(ARTIFACT))
            .and_then(|n| n.parse().ok())
            .context("not an artifact of this configuration's V8 component host")?;
        let reply = ask(&self.host, json!({ "op": "c_load", "output": output }))?;
        self.last_ns.store(number(&reply, "ns")?, Ordering::Relaxed);
        Ok(Box::new(V8Compiled { host: self.host.clone(), id: number(&reply, "compiled")?, output: None }))
    }

    fn compile_any(&self, _component: &[u8]) -> Result<Box<dyn AnyComponent + '_>> {
        Err(Refused(format!(
            "{} hosts components of the wasmgauge:plugin world only (through jco), not calls by name",
            self.info.id
        ))
        .into())
    }

    fn run_command(
        &self,
        _component: &[u8],
        requests: &[measure::wasi::WasiRequest],
        _compile_once: bool,
    ) -> Vec<measure::wasi::WasiRunOutcome> {
        let why = format!("{}: not available (V8 hosts components of the wasmgauge:plugin world only)", self.info.id);
        measure::wasi::not_available(requests, why)
    }
}

/// What [`CompiledPlugin::serialize`] hands out: this prefix and the id of the kept output.
const ARTIFACT: &str = "wasmgauge-v8-jco-output:";

struct V8Compiled {
    host: Host,
    id: u64,
    /// jco's output the Node.js host keeps for loads (the compiled component made from it).
    output: Option<u64>,
}

impl Drop for V8Compiled {
    fn drop(&mut self) {
        let _ = ask(&self.host, json!({ "op": "c_drop_compiled", "compiled": self.id }));
    }
}

impl CompiledPlugin for V8Compiled {
    fn instantiate(&self) -> Result<Box<dyn Plugin + '_>> {
        let reply = ask(&self.host, json!({ "op": "c_instantiate", "compiled": self.id }))?;
        Ok(Box::new(V8Plugin { host: self.host.clone(), id: number(&reply, "plugin")? }))
    }

    fn serialize(&self) -> Result<Vec<u8>> {
        let output = self.output.context("a loaded component keeps no transpiled output of its own")?;
        Ok(format!("{ARTIFACT}{output}").into_bytes())
    }

    fn far(&self) -> Option<&dyn FarInstances> {
        Some(self)
    }
}

impl FarInstances for V8Compiled {
    fn time_instances(&self, iters: u64, first_call: bool) -> Result<u64> {
        let request = json!({ "op": "c_instances", "compiled": self.id, "iters": iters, "first_call": first_call });
        number(&ask(&self.host, request)?, "ns")
    }
}

struct V8Plugin {
    host: Host,
    id: u64,
}

impl Drop for V8Plugin {
    fn drop(&mut self) {
        let _ = ask(&self.host, json!({ "op": "c_drop", "plugin": self.id }));
    }
}

impl V8Plugin {
    fn call(&self, function: &str, args: Value) -> Result<Value> {
        ask(&self.host, json!({ "op": "c_call", "plugin": self.id, "fn": function, "args": args }))
    }
}

impl Plugin for V8Plugin {
    fn noop(&mut self) -> Result<()> {
        self.call("noop", json!({})).map(drop)
    }

    fn scalars(&mut self, a: u32, b: u64, c: f32, d: f64) -> Result<f64> {
        let v = self.call("scalars", json!({ "a": a, "b": b.to_string(), "c": c, "d": d }))?;
        v.as_f64().ok_or_else(|| anyhow!("scalars returned {v}"))
    }

    fn swap_case(&mut self, s: &str) -> Result<String> {
        let v = self.call("swap-case", json!({ "text": s }))?;
        v.as_str().map(str::to_string).ok_or_else(|| anyhow!("swap-case returned {v}"))
    }

    fn invert(&mut self, data: &[u8]) -> Result<(i64, Vec<u8>)> {
        let v = self.call("invert", json!({ "data": b64(data) }))?;
        let sum = v["sum"].as_str().and_then(|s| s.parse().ok()).ok_or_else(|| anyhow!("invert returned {v}"))?;
        Ok((sum, unb64(&v["data"])?))
    }

    fn mirror(&mut self, p: &Point) -> Result<Point> {
        let v = self.call("mirror", json!({ "point": point_json(p) }))?;
        let f = |k: &str| v[k].as_f64().ok_or_else(|| anyhow!("mirror returned {v}"));
        Ok(Point { x: f("x")?, y: f("y")?, label: v["label"].as_str().unwrap_or_default().to_string() })
    }

    fn area(&mut self, s: Shape) -> Result<Result<f64, String>> {
        let v = self.call("area", json!({ "shape": shape_json(s) }))?;
        match (v.get("ok").and_then(Value::as_f64), v.get("err").and_then(Value::as_str)) {
            (Some(x), _) => Ok(Ok(x)),
            (None, Some(e)) => Ok(Err(e.to_string())),
            _ => bail!("area returned {v}"),
        }
    }

    fn counter_new(&mut self, start: u64) -> Result<Handle> {
        let v = self.call("counter-new", json!({ "start": start.to_string() }))?;
        let id = v.as_u64().and_then(|x| u32::try_from(x).ok()).ok_or_else(|| anyhow!("counter-new returned {v}"))?;
        Ok(Handle(id))
    }

    fn counter_add(&mut self, counter: Handle, n: u64) -> Result<u64> {
        big(&self.call("counter-add", json!({ "counter": counter.0, "n": n.to_string() }))?)
    }

    fn counter_drop(&mut self, counter: Handle) -> Result<()> {
        self.call("counter-drop", json!({ "counter": counter.0 })).map(drop)
    }

    fn call_host(&mut self, n: u32) -> Result<u64> {
        big(&self.call("call-host", json!({ "n": n }))?)
    }

    fn resize(&mut self, img: &Picture, width: u32, height: u32) -> Result<Picture> {
        picture_of(&self.call("resize", json!({ "image": picture_json(img), "width": width, "height": height }))?)
    }

    fn grayscale(&mut self, img: &Picture) -> Result<Picture> {
        picture_of(&self.call("grayscale", json!({ "image": picture_json(img) }))?)
    }

    fn far(&mut self) -> Option<&mut dyn FarCalls> {
        Some(self)
    }
}

impl FarCalls for V8Plugin {
    fn prepare(&mut self, call: &Call) -> Result<u64> {
        let reply = ask(&self.host, json!({ "op": "c_prepare", "plugin": self.id, "call": call_json(call) }))?;
        number(&reply, "prepared")
    }

    fn time(&mut self, prepared: u64, iters: u64) -> Result<u64> {
        let reply =
            ask(&self.host, json!({ "op": "c_time", "plugin": self.id, "prepared": prepared, "iters": iters }))?;
        number(&reply, "ns")
    }
}
