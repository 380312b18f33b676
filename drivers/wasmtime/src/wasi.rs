//! Wasmtime's WASI layer (wasmtime-wasi, preview 1) for the WASI checks.

use crate::compat::preview1::{self, WasiP1Ctx};
use measure::wasi::{WasiExit, WasiRequest};
use wasmtime as wt;
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

pub(crate) fn run(engine: &wt::Engine, wasm: &[u8], request: &WasiRequest) -> WasiExit {
    match try_run(engine, wasm, request) {
        Ok(code) => WasiExit::Code(code),
        Err(e) => match e.downcast_ref::<I32Exit>() {
            Some(exit) => WasiExit::Code(exit.0),
            None => WasiExit::Error(format!("{e:#}")),
        },
    }
}

fn try_run(engine: &wt::Engine, wasm: &[u8], request: &WasiRequest) -> anyhow::Result<i32> {
    let mut builder = WasiCtxBuilder::new();
    builder.args(&request.args);
    for (k, v) in &request.env {
        builder.env(k, v);
    }
    for p in &request.preopens {
        crate::compat::preopen(&mut builder, &p.host, &p.guest, p.read_only)?;
    }
    let ctx = builder.build_p1();
    let mut linker: wt::Linker<WasiP1Ctx> = wt::Linker::new(engine);
    preview1::add_to_linker_sync(&mut linker, |cx| cx)?;
    let module = wt::Module::from_binary(engine, wasm)?;
    let mut store = wt::Store::new(engine, ctx);
    let instance = linker.instantiate(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&mut store, "_start")?;
    start.call(&mut store, ())?;
    Ok(0)
}
