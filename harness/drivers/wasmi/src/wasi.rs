//! wasmi's WASI layer (wasmi_wasi, on wasi-common with cap-std) for the WASI checks and
//! `run --wasi`. wasi-common preopens a directory with the rights of the directory handle
//! itself: it has no read-only preopen, so a read-only request is answered "unsupported".
//! wasmi has no ahead-of-time artifact: instances are made from the compiled module.

use measure::wasi::{BENCH_END, BENCH_MODULE, BENCH_START, BenchRegion, WasiExit, WasiLayer, WasiRequest};
use wasmi_wasi::wasi_common::sync::file::File as WasiFile;
use wasmi_wasi::{Dir, WasiCtx, WasiCtxBuilder, ambient_authority};

/// The WASI layer on one configuration's engine.
pub(crate) struct Layer<'a>(pub &'a wasmi::Engine);

fn err(e: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{e}")
}

/// A host file as a WASI stream.
fn stream(file: std::fs::File) -> Box<WasiFile> {
    Box::new(WasiFile::from_cap_std(cap_std::fs::File::from_std(file)))
}

impl WasiLayer for Layer<'_> {
    type Module = wasmi::Module;
    type Ready = (wasmi::Store<WasiCtx>, wasmi::Instance);

    fn unsupported(&self, request: &WasiRequest) -> Option<String> {
        request.preopens.iter().find(|p| p.read_only).map(|p| {
            format!("wasmi_wasi (wasi-common) has no read-only preopen; `{}` cannot be granted read-only", p.guest)
        })
    }

    fn compile(&self, wasm: &[u8]) -> anyhow::Result<wasmi::Module> {
        wasmi::Module::new(self.0, wasm).map_err(err)
    }

    fn artifact(&self, _module: &wasmi::Module) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(None)
    }

    fn load_artifact(&self, _artifact: &[u8]) -> anyhow::Result<wasmi::Module> {
        anyhow::bail!("wasmi has no ahead-of-time artifact")
    }

    fn instantiate(
        &self,
        module: &wasmi::Module,
        request: &WasiRequest,
        bench: &BenchRegion,
    ) -> anyhow::Result<Self::Ready> {
        let mut builder = WasiCtxBuilder::new();
        builder.args(&request.args).map_err(err)?;
        builder.envs(&request.env).map_err(err)?;
        for p in &request.preopens {
            let dir = Dir::open_ambient_dir(&p.host, ambient_authority())?;
            builder.preopened_dir(dir, &p.guest).map_err(err)?;
        }
        if let Some(stdio) = &request.stdio {
            let (stdin, stdout, stderr) = measure::wasi::open_stdio(stdio)?;
            if let Some(stdin) = stdin {
                builder.stdin(stream(stdin));
            }
            builder.stdout(stream(stdout));
            builder.stderr(stream(stderr));
        }
        let mut linker: wasmi::Linker<WasiCtx> = wasmi::Linker::new(self.0);
        wasmi_wasi::add_to_linker(&mut linker, |cx| cx).map_err(err)?;
        if module.imports().any(|i| i.module() == BENCH_MODULE) {
            let (start, end) = (bench.clone(), bench.clone());
            linker
                .func_wrap(BENCH_MODULE, BENCH_START, move || start.start().map_err(wasmi::Error::new))
                .map_err(err)?;
            linker.func_wrap(BENCH_MODULE, BENCH_END, move || end.end().map_err(wasmi::Error::new)).map_err(err)?;
        }
        let mut store = wasmi::Store::new(self.0, builder.build());
        let instance = linker.instantiate_and_start(&mut store, module).map_err(err)?;
        Ok((store, instance))
    }

    fn start(&self, (mut store, instance): Self::Ready) -> WasiExit {
        let result = instance.get_typed_func::<(), ()>(&store, "_start").and_then(|f| f.call(&mut store, ()));
        match result {
            Ok(()) => WasiExit::Code(0),
            Err(e) => match e.i32_exit_status() {
                Some(code) => WasiExit::Code(code),
                None => WasiExit::Error(e.to_string()),
            },
        }
    }
}
