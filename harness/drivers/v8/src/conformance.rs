//! V8's conformance side: the proposals it declares, its session ([`crate::session`], a Node.js
//! process of its own) and its WASI layer ([`crate::wasi`], node:wasi in the measuring host).

use crate::engine::{V8Engine, supported};
use anyhow::Result;
use measure::engine::Conformance;
use measure::features::Features;
use measure::session::{Session, SessionLimits};

impl Conformance for V8Engine {
    fn supported_features(&self) -> Features {
        supported()
    }

    fn fixed_proposals(&self) -> bool {
        true
    }

    fn session(&self, limits: &SessionLimits) -> Result<Box<dyn Session>> {
        crate::session::new(&self.flags, limits, &self.session_host)
    }

    fn run_wasi(
        &self,
        wasm: &[u8],
        requests: &[measure::wasi::WasiRequest],
        compile_once: bool,
    ) -> Vec<measure::wasi::WasiRunOutcome> {
        measure::wasi::run_many(&crate::wasi::Layer::new(self), wasm, requests, compile_once)
    }
}
