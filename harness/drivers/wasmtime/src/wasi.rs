//! Wasmtime's WASI layer (wasmtime-wasi, preview 1) for the WASI checks and `run --wasi`.

use crate::compat::preview1::{self, WasiP1Ctx};
use measure::wasi::{BENCH_END, BENCH_MODULE, BENCH_START, BenchRegion, WasiExit, WasiLayer, WasiRequest};
use wasmtime as wt;
use wasmtime_wasi::cli::{InputFile, OutputFile};
use wasmtime_wasi::{I32Exit, WasiCtxBuilder};

/// A WASI context builder for `request`: its arguments, environment, preopened directories
/// and stream files (preview 1 commands and WASI 0.2 command components alike).
pub(crate) fn ctx_builder(request: &WasiRequest) -> anyhow::Result<WasiCtxBuilder> {
    let mut builder = WasiCtxBuilder::new();
    builder.args(&request.args);
    for (k, v) in &request.env {
        builder.env(k, v);
    }
    for p in &request.preopens {
        crate::compat::preopen(&mut builder, &p.host, &p.guest, p.read_only)?;
    }
    if let Some(stdio) = &request.stdio {
        let (stdin, stdout, stderr) = measure::wasi::open_stdio(stdio)?;
        if let Some(stdin) = stdin {
            builder.stdin(InputFile::new(stdin));
        }
        builder.stdout(OutputFile::new(stdout));
        builder.stderr(OutputFile::new(stderr));
    }
    Ok(builder)
}

/// The WASI layer on one configuration's engine.
pub(crate) struct Layer<'a>(pub &'a wt::Engine);

impl WasiLayer for Layer<'_> {
    type Module = wt::Module;
    type Ready = (wt::Store<WasiP1Ctx>, wt::Instance);

    // `wasmtime::Error` is anyhow's in 36 and a type of its own in 48: `Ok(..?)` converts.
    #[allow(clippy::needless_question_mark)]
    fn compile(&self, wasm: &[u8]) -> anyhow::Result<wt::Module> {
        Ok(wt::Module::from_binary(self.0, wasm)?)
    }

    fn artifact(&self, module: &wt::Module) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(Some(module.serialize()?))
    }

    #[allow(clippy::needless_question_mark)]
    fn load_artifact(&self, artifact: &[u8]) -> anyhow::Result<wt::Module> {
        // SAFETY: the artifact was serialized just before by this same engine.
        Ok(unsafe { wt::Module::deserialize(self.0, artifact)? })
    }

    fn instantiate(
        &self,
        module: &wt::Module,
        request: &WasiRequest,
        bench: &BenchRegion,
    ) -> anyhow::Result<Self::Ready> {
        let mut builder = ctx_builder(request)?;
        let mut linker: wt::Linker<WasiP1Ctx> = wt::Linker::new(self.0);
        preview1::add_to_linker_sync(&mut linker, |cx| cx)?;
        if module.imports().any(|i| i.module() == BENCH_MODULE) {
            let (start, end) = (bench.clone(), bench.clone());
            linker.func_wrap(BENCH_MODULE, BENCH_START, move || start.start().map_err(wt::Error::msg))?;
            linker.func_wrap(BENCH_MODULE, BENCH_END, move || end.end().map_err(wt::Error::msg))?;
        }
        let mut store = wt::Store::new(self.0, builder.build_p1());
        let instance = linker.instantiate(&mut store, module)?;
        Ok((store, instance))
    }

    fn start(&self, (mut store, instance): Self::Ready) -> WasiExit {
        let result = instance.get_typed_func::<(), ()>(&mut store, "_start").and_then(|f| f.call(&mut store, ()));
        match result {
            Ok(()) => WasiExit::Code(0),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => WasiExit::Code(exit.0),
                None => WasiExit::Error(format!("{e:#}")),
            },
        }
    }
}
