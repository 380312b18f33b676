//! Wasmer's WASI layer (wasmer-wasix) for the WASI checks: the host filesystem (virtual-fs
//! `host_fs`) with each request's directories preopened, on a one-thread tokio runtime (which
//! wasmer-wasix's task manager needs).

use measure::wasi::{WasiExit, WasiRequest};
use std::sync::Arc;
use wasmer_wasix::{WasiEnv, WasiError};

pub(crate) fn run(engine: &wasmer::Engine, wasm: &[u8], request: &WasiRequest) -> WasiExit {
    match try_run(engine, wasm, request) {
        Ok(exit) => exit,
        Err(e) => WasiExit::Error(format!("{e:#}")),
    }
}

fn try_run(engine: &wasmer::Engine, wasm: &[u8], request: &WasiRequest) -> anyhow::Result<WasiExit> {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
    let _guard = runtime.enter();
    let mut store = wasmer::Store::new(engine.clone());
    let module = wasmer::Module::from_binary(&store, wasm)?;
    let host = wasmer_wasix::virtual_fs::host_fs::FileSystem::new(runtime.handle().clone(), "/")?;
    let program = request.args.first().cloned().unwrap_or_else(|| "guest".into());
    let mut builder = WasiEnv::builder(program)
        .args(request.args.iter().skip(1))
        .envs(request.env.iter().map(|(k, v)| (k.clone(), v.clone())))
        .engine(engine.clone())
        .fs(Arc::new(host) as Arc<dyn wasmer_wasix::virtual_fs::FileSystem + Send + Sync>);
    for p in &request.preopens {
        builder.add_preopen_build(|b| {
            b.directory(&p.host).alias(&p.guest).read(true).write(!p.read_only).create(!p.read_only)
        })?;
    }
    let (instance, env) = builder.instantiate(module, &mut store)?;
    let start = instance.exports.get_function("_start")?.clone();
    let result = start.call(&mut store, &[]);
    let exit = match result {
        Ok(_) => WasiExit::Code(0),
        Err(e) => match e.downcast_ref::<WasiError>() {
            Some(WasiError::Exit(code)) => WasiExit::Code(code.raw()),
            _ => WasiExit::Error(e.message()),
        },
    };
    env.on_exit(&mut store, None);
    Ok(exit)
}
