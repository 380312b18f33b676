//! The `wasmgauge` command: a thin layer over the library crates. [`cli`] holds the clap
//! definitions and the dispatch, [`print`] what is printed; the orchestration it adds is
//! [`subjects`] (the subject registry, finding and launching drivers), [`run`] (the generic
//! runner over the scenario registry), [`corpus`] (`corpus build`; its WASI programs in [`corpus_wasi`]), [`bring_your_own`]
//! (`run --module --export`), [`wasi_command`] (`run --module --wasi`), [`paired`] (the paired gate's measuring side), [`conform_cmd`] and
//! [`environment`]. It links no runtime crate: every runtime is a driver executable it launches.

pub mod bring_your_own;
pub mod cli;
pub mod conform_cmd;
pub mod corpus;
pub mod corpus_wasi;
pub mod environment;
pub mod paired;
pub mod print;
pub mod progress;
pub mod rounds;
pub mod run;
pub mod subjects;
pub mod wasi_command;
