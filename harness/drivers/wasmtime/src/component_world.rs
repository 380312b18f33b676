//! What every component on Wasmtime gets, whichever world it is of: the store's data (a WASI
//! 0.2 context and its resource table), the linker (WASI 0.2 through wasmtime-wasi's p2 linker,
//! synchronous, and the `wasmgauge:plugin` world's `host` import) and a fresh store with the
//! configuration's limits; the plugin world's bindings (`bindgen!`) they need.
use crate::engine::WasmtimeEngine;
use anyhow::Result;
use measure::component::reference as r;
use wasmtime::component::{HasSelf, Linker, ResourceTable};
use wasmtime_wasi::{WasiCtx, WasiCtxView, WasiView};

pub(crate) mod bindings {
    wasmtime::component::bindgen!({
        world: "plugin",
        path: "../../../workloads/components/wit",
    });
}

/// Wasmtime's error as anyhow's (a different type on 48, the same one on the 36 line).
#[allow(clippy::needless_question_mark, clippy::useless_conversion)]
pub(crate) fn ok<T>(result: wasmtime::Result<T>) -> Result<T> {
    Ok(result?)
}

/// A store's data: WASI 0.2 and the resources it hands out.
pub(crate) struct State {
    wasi: WasiCtx,
    table: ResourceTable,
}

impl WasiView for State {
    fn ctx(&mut self) -> WasiCtxView<'_> {
        WasiCtxView { ctx: &mut self.wasi, table: &mut self.table }
    }
}

impl bindings::wasmgauge::plugin::host::Host for State {
    fn tick(&mut self, x: u64) -> u64 {
        r::host_tick(x)
    }
}

impl WasmtimeEngine {
    /// What a component may import on this host: WASI 0.2 (synchronous) and the plugin
    /// world's `host` interface.
    pub(crate) fn component_linker(&self) -> Result<Linker<State>> {
        let mut linker = Linker::<State>::new(self.wt_engine());
        ok(wasmtime_wasi::p2::add_to_linker_sync(&mut linker))?;
        ok(bindings::Plugin::add_to_linker::<State, HasSelf<State>>(&mut linker, |s| s))?;
        Ok(linker)
    }

    /// A fresh store with a fresh WASI 0.2 context (nothing inherited: no stdio, no
    /// directories, no environment) and this configuration's limits.
    pub(crate) fn component_store(&self) -> Result<wasmtime::Store<State>> {
        self.component_store_with(wasmtime_wasi::WasiCtxBuilder::new().build())
    }

    /// A fresh store with the WASI 0.2 context `wasi` and this configuration's limits.
    pub(crate) fn component_store_with(&self, wasi: WasiCtx) -> Result<wasmtime::Store<State>> {
        let mut store = wasmtime::Store::new(self.wt_engine(), State { wasi, table: ResourceTable::new() });
        self.prepare_store(&mut store)?;
        Ok(store)
    }
}
