//! `wasi:cli/run` command components on Wasmtime (`run --component --wasi`): the WASI layer of
//! `measure::wasi` over components, with WASI 0.2 from wasmtime-wasi's p2 linker (synchronous).
//! Each run gets a fresh store and WASI context (its arguments, environment, preopened
//! directories and stream files) and an instance of the compiled (or loaded) component; `run`
//! returning `ok` is exit 0, `err` exit 1, `exit(n)` exit n.
use crate::component_world::{State, ok};
use crate::engine::WasmtimeEngine;
use measure::wasi::{WasiExit, WasiLayer, WasiRequest};
use wasmtime::Store;
use wasmtime::component::Component;
use wasmtime_wasi::I32Exit;
use wasmtime_wasi::p2::bindings::sync::Command;

/// The command layer on one configuration's engine.
pub(crate) struct CommandLayer<'a>(pub &'a WasmtimeEngine);

impl WasiLayer for CommandLayer<'_> {
    type Module = Component;
    type Ready = (Store<State>, Command);

    fn compile(&self, wasm: &[u8]) -> anyhow::Result<Component> {
        ok(Component::from_binary(self.0.wt_engine(), wasm))
    }

    fn artifact(&self, component: &Component) -> anyhow::Result<Option<Vec<u8>>> {
        Ok(Some(ok(component.serialize())?))
    }

    fn load_artifact(&self, artifact: &[u8]) -> anyhow::Result<Component> {
        // SAFETY: the artifact was serialized just before by this same engine.
        unsafe { ok(Component::deserialize(self.0.wt_engine(), artifact)) }
    }

    // A component's imports are WIT interfaces: Sightglass's core `bench` imports never reach it.
    fn instantiate(
        &self,
        component: &Component,
        request: &WasiRequest,
        _bench: &measure::wasi::BenchRegion,
    ) -> anyhow::Result<Self::Ready> {
        let mut builder = crate::wasi::ctx_builder(request)?;
        let mut store = self.0.component_store_with(builder.build())?;
        let linker = self.0.component_linker()?;
        let command = ok(Command::instantiate(&mut store, component, &linker))
            .map_err(|e| anyhow::anyhow!("instantiating the command (is it a wasi:cli/run component?): {e:#}"))?;
        Ok((store, command))
    }

    fn start(&self, (mut store, command): Self::Ready) -> WasiExit {
        match ok(command.wasi_cli_run().call_run(&mut store)) {
            Ok(Ok(())) => WasiExit::Code(0),
            Ok(Err(())) => WasiExit::Code(1),
            Err(e) => match e.downcast_ref::<I32Exit>() {
                Some(exit) => WasiExit::Code(exit.0),
                None => WasiExit::Error(format!("{e:#}")),
            },
        }
    }
}
