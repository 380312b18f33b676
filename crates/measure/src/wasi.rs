//! What the WASI checks ask of a runtime's WASI layer: run a command module's `_start` with
//! these arguments, environment and preopened directories, and report its exit code (the
//! types are the protocol's: an orchestrator can ask a driver for one run).
//!
//! Each runtime implements it once with its own WASI crate (wasmtime-wasi preview 1,
//! wasmer-wasix, wasmi_wasi); its configurations share it.

pub use protocol::wasi::{Preopen, WasiExit, WasiRequest};
