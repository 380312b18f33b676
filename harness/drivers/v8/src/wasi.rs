//! V8's WASI layer: WASI preview 1 commands through Node.js's `node:wasi` (`wasi.mjs` of the
//! host), for the WASI checks, `run --wasi`, the corpus's WASI programs, suites and the WASI
//! testsuite. Every phase is timed inside Node ([`WasiLayer::far_times`]) and Sightglass's
//! benchmark region is timed and checked there too. node:wasi has no read-only preopen (a
//! read-only request is answered "unsupported") and V8 no ahead-of-time artifact.

use crate::engine::{Host, V8Engine, V8Module, ask, b64, number};
use anyhow::Result;
use measure::wasi::{BenchRegion, FarTimes, WasiExit, WasiLayer, WasiRequest};
use serde_json::{Value, json};
use std::cell::Cell;

/// The WASI layer on one configuration's Node.js host.
pub(crate) struct Layer<'a> {
    engine: &'a V8Engine,
    last: Cell<Option<FarTimes>>,
}

impl<'a> Layer<'a> {
    pub(crate) fn new(engine: &'a V8Engine) -> Self {
        Layer { engine, last: Cell::new(None) }
    }

    fn took(&self, reply: &Value) -> Result<()> {
        self.last.set(Some(FarTimes { ns: number(reply, "ns")?, ..FarTimes::default() }));
        Ok(())
    }
}

/// An instance with its WASI context, in Node, not started yet; dropped unstarted, it is let go.
pub(crate) struct Ready {
    host: Host,
    id: u64,
    started: bool,
}

impl Drop for Ready {
    fn drop(&mut self) {
        if !self.started {
            let _ = ask(&self.host, json!({ "op": "w_drop", "ready": self.id }));
        }
    }
}

impl WasiLayer for Layer<'_> {
    type Module = V8Module;
    type Ready = Ready;

    fn unsupported(&self, request: &WasiRequest) -> Option<String> {
        request
            .preopens
            .iter()
            .find(|p| p.read_only)
            .map(|p| format!("node:wasi has no read-only preopen; `{}` cannot be granted read-only", p.guest))
    }

    fn compile(&self, wasm: &[u8]) -> Result<V8Module> {
        let reply = ask(&self.engine.host, json!({ "op": "compile", "wasm": b64(wasm) }))?;
        self.took(&reply)?;
        Ok(V8Module { host: self.engine.host.clone(), id: number(&reply, "module")? })
    }

    fn artifact(&self, _module: &V8Module) -> Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn load_artifact(&self, _artifact: &[u8]) -> Result<V8Module> {
        anyhow::bail!("V8 in Node.js has no ahead-of-time artifact here")
    }

    /// The region is bound and timed in Node (`bench`, here, stays unused).
    fn instantiate(&self, module: &V8Module, request: &WasiRequest, _bench: &BenchRegion) -> Result<Ready> {
        let stdio = request.stdio.as_ref().map(|s| {
            json!({
                "stdin": s.stdin.as_ref().map(|p| p.display().to_string()),
                "stdout": s.stdout.display().to_string(),
                "stderr": s.stderr.display().to_string(),
            })
        });
        let preopens: Vec<Value> = request
            .preopens
            .iter()
            .map(|p| json!({ "guest": p.guest, "host": p.host.display().to_string() }))
            .collect();
        let reply = ask(
            &self.engine.host,
            json!({
                "op": "w_instantiate",
                "module": module.id,
                "args": request.args,
                "env": request.env,
                "preopens": preopens,
                "stdio": stdio,
            }),
        )?;
        self.took(&reply)?;
        Ok(Ready { host: self.engine.host.clone(), id: number(&reply, "ready")?, started: false })
    }

    fn start(&self, mut ready: Ready) -> WasiExit {
        ready.started = true;
        let reply = match ask(&self.engine.host, json!({ "op": "w_start", "ready": ready.id })) {
            Ok(r) => r,
            Err(e) => return WasiExit::Error(format!("{e:#}")),
        };
        let ns = match number(&reply, "ns") {
            Ok(ns) => ns,
            Err(e) => return WasiExit::Error(format!("{e:#}")),
        };
        let bench_ns = reply.get("bench_ns").and_then(Value::as_u64);
        let bench_opened = reply.get("bench_opened").and_then(Value::as_bool).unwrap_or(false);
        self.last.set(Some(FarTimes { ns, bench_ns, bench_opened }));
        match (reply.get("code").and_then(Value::as_i64), reply.get("error").and_then(Value::as_str)) {
            (_, Some(error)) => WasiExit::Error(error.to_string()),
            (Some(code), None) => WasiExit::Code(code as i32),
            (None, None) => WasiExit::Error(format!("node:wasi answered neither an exit code nor an error: {reply}")),
        }
    }

    fn far_times(&self) -> Option<FarTimes> {
        self.last.get()
    }
}
