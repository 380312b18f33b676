//! Wasmer's WASI layer (wasmer-wasix) for the WASI checks and `run --wasi`: the host
//! filesystem (virtual-fs `host_fs`) with each request's directories preopened, on a
//! one-thread tokio runtime (which wasmer-wasix's task manager needs).

use measure::wasi::{BENCH_END, BENCH_MODULE, BENCH_START, BenchRegion, WasiExit, WasiLayer, WasiRequest};
use std::sync::Arc;
use wasmer_wasix::virtual_fs::{self, VirtualFile};
use wasmer_wasix::{WasiEnv, WasiError, WasiFunctionEnv};

/// The WASI layer on one configuration's engine.
pub(crate) struct Layer<'a>(pub &'a wasmer::Engine);

/// A store with an instance, its WASI environment, and the tokio runtime they run on.
pub(crate) struct Ready {
    runtime: tokio::runtime::Runtime,
    store: wasmer::Store,
    instance: wasmer::Instance,
    env: WasiFunctionEnv,
}

/// A host file as a WASI stream.
fn stream(
    handle: &tokio::runtime::Handle,
    file: std::fs::File,
    path: &std::path::Path,
    write: bool,
) -> Box<dyn VirtualFile + Send + Sync> {
    Box::new(virtual_fs::host_fs::File::new(handle.clone(), file, path.to_path_buf(), !write, write, false))
}

/// Instantiates a module that imports Sightglass's `bench.start` and `bench.end`: wasmer-wasix's
/// own `instantiate` binds only WASI's imports, so the instance is made here from its WASI
/// imports plus the two, then handed to the WASI environment (its exported memory).
fn with_bench(
    builder: wasmer_wasix::WasiEnvBuilder,
    module: &wasmer::Module,
    store: &mut wasmer::Store,
    bench: &BenchRegion,
) -> anyhow::Result<(wasmer::Instance, WasiFunctionEnv)> {
    let mut env = builder.finalize(store)?;
    let mut imports = match env.import_object_for_all_wasi_versions(store, module) {
        Ok(imports) => imports,
        // A module that imports no WASI at all (only `bench`).
        Err(WasiError::UnknownWasiVersion) => wasmer::Imports::new(),
        Err(e) => return Err(e.into()),
    };
    let region = wasmer::FunctionEnv::new(store, bench.clone());
    let start = |e: wasmer::FunctionEnvMut<BenchRegion>| e.data().start().map_err(wasmer::RuntimeError::new);
    let end = |e: wasmer::FunctionEnvMut<BenchRegion>| e.data().end().map_err(wasmer::RuntimeError::new);
    imports.define(BENCH_MODULE, BENCH_START, wasmer::Function::new_typed_with_env(store, &region, start));
    imports.define(BENCH_MODULE, BENCH_END, wasmer::Function::new_typed_with_env(store, &region, end));
    let instance = wasmer::Instance::new(store, module, &imports)?;
    env.initialize(store, instance.clone())?;
    Ok((instance, env))
}

impl WasiLayer for Layer<'_> {
    type Module = wasmer::Module;
    type Ready = Ready;

    fn compile(&self, wasm: &[u8]) -> anyhow::Result<wasmer::Module> {
        Ok(wasmer::Module::from_binary(self.0, wasm)?)
    }

    fn artifact(&self, module: &wasmer::Module) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(Some(module.serialize()?.to_vec()))
    }

    fn load_artifact(&self, artifact: &[u8]) -> anyhow::Result<wasmer::Module> {
        // SAFETY: the artifact was serialized just before by this same engine.
        Ok(unsafe { wasmer::Module::deserialize(self.0, artifact)? })
    }

    fn instantiate(
        &self,
        module: &wasmer::Module,
        request: &WasiRequest,
        bench: &BenchRegion,
    ) -> anyhow::Result<Ready> {
        let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build()?;
        let handle = runtime.handle().clone();
        let _guard = runtime.enter();
        let mut store = wasmer::Store::new(self.0.clone());
        let host = virtual_fs::host_fs::FileSystem::new(handle.clone(), "/")?;
        let program = request.args.first().cloned().unwrap_or_else(|| "guest".into());
        let mut builder = WasiEnv::builder(program)
            .args(request.args.iter().skip(1))
            .envs(request.env.iter().map(|(k, v)| (k.clone(), v.clone())))
            .engine(self.0.clone())
            .fs(Arc::new(host) as Arc<dyn virtual_fs::FileSystem + Send + Sync>);
        for p in &request.preopens {
            builder.add_preopen_build(|b| {
                b.directory(&p.host).alias(&p.guest).read(true).write(!p.read_only).create(!p.read_only)
            })?;
        }
        if let Some(stdio) = &request.stdio {
            let (stdin, stdout, stderr) = measure::wasi::open_stdio(stdio)?;
            if let (Some(file), Some(path)) = (stdin, &stdio.stdin) {
                builder.set_stdin(stream(&handle, file, path, false));
            }
            builder.set_stdout(stream(&handle, stdout, &stdio.stdout, true));
            builder.set_stderr(stream(&handle, stderr, &stdio.stderr, true));
        }
        let (instance, env) = if module.imports().any(|i| i.module() == BENCH_MODULE) {
            with_bench(builder, module, &mut store, bench)?
        } else {
            builder.instantiate(module.clone(), &mut store)?
        };
        drop(_guard);
        Ok(Ready { runtime, store, instance, env })
    }

    fn start(&self, ready: Ready) -> WasiExit {
        let Ready { runtime, mut store, instance, env } = ready;
        let _guard = runtime.enter();
        let exit = match instance.exports.get_function("_start") {
            Err(e) => WasiExit::Error(e.to_string()),
            Ok(start) => match start.call(&mut store, &[]) {
                Ok(_) => WasiExit::Code(0),
                Err(e) => match e.downcast_ref::<WasiError>() {
                    Some(WasiError::Exit(code)) => WasiExit::Code(code.raw()),
                    _ => WasiExit::Error(e.message()),
                },
            },
        };
        env.on_exit(&mut store, None);
        exit
    }
}
