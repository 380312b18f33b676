//! wasmi's WASI layer (wasmi_wasi, on wasi-common with cap-std) for the WASI checks.
//! wasi-common preopens a directory with the rights of the directory handle itself: it has no
//! read-only preopen, so a read-only request is answered "unsupported".

use measure::wasi::{WasiExit, WasiRequest};
use wasmi_wasi::{Dir, WasiCtx, WasiCtxBuilder, ambient_authority};

pub(crate) fn run(engine: &wasmi::Engine, wasm: &[u8], request: &WasiRequest) -> WasiExit {
    if let Some(p) = request.preopens.iter().find(|p| p.read_only) {
        return WasiExit::Unsupported(format!(
            "wasmi_wasi (wasi-common) has no read-only preopen; `{}` cannot be granted read-only",
            p.guest
        ));
    }
    match try_run(engine, wasm, request) {
        Ok(()) => WasiExit::Code(0),
        Err(e) => match e.i32_exit_status() {
            Some(code) => WasiExit::Code(code),
            None => WasiExit::Error(e.to_string()),
        },
    }
}

fn err(e: impl std::fmt::Display) -> wasmi::Error {
    wasmi::Error::new(e.to_string())
}

fn try_run(engine: &wasmi::Engine, wasm: &[u8], request: &WasiRequest) -> Result<(), wasmi::Error> {
    let mut builder = WasiCtxBuilder::new();
    builder.args(&request.args).map_err(err)?;
    builder.envs(&request.env).map_err(err)?;
    for p in &request.preopens {
        let dir = Dir::open_ambient_dir(&p.host, ambient_authority()).map_err(err)?;
        builder.preopened_dir(dir, &p.guest).map_err(err)?;
    }
    let ctx = builder.build();
    let mut linker: wasmi::Linker<WasiCtx> = wasmi::Linker::new(engine);
    wasmi_wasi::add_to_linker(&mut linker, |cx| cx).map_err(err)?;
    let module = wasmi::Module::new(engine, wasm)?;
    let mut store = wasmi::Store::new(engine, ctx);
    let instance = linker.instantiate_and_start(&mut store, &module)?;
    let start = instance.get_typed_func::<(), ()>(&store, "_start")?;
    start.call(&mut store, ())
}
