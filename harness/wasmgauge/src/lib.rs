//! The `wasmgauge` command: a thin layer over the library crates. [`args`] holds the clap
//! definitions and the conversions into requests, [`commands`] what each command does, [`exit`]
//! the exit codes, [`print`] what is printed; the orchestration it adds is [`registry`] (the
//! subject registry), [`drivers`] (finding the driver executables), [`subjects`] (the registry
//! with the drivers it uses, launching them), [`run`] (the generic runner over the scenario
//! registry), [`rounds`] (the order of cells measured in several processes), [`corpus`]
//! (`corpus build`; its WASI programs in [`corpus_wasi`]; [`toolchain`] and [`inspect`] are
//! what both need), [`bring_your_own`] (`run --module --export`), [`wasi_command`]
//! (`run --module --wasi`), [`paired`] (the paired gate's measuring side), [`progress`] and
//! [`environment`]. It links no runtime crate: every runtime is a driver executable it launches.

pub mod args;
pub mod bring_your_component;
pub mod bring_your_own;
pub mod commands;
pub mod corpus;
pub mod corpus_components;
pub mod corpus_wasi;
pub mod drivers;
pub mod environment;
pub mod exit;
pub mod inspect;
pub mod paired;
pub mod print;
pub mod progress;
pub mod registry;
pub mod rounds;
pub mod run;
pub mod subjects;
pub mod toolchain;
pub mod wasi_command;
pub mod wasi_testsuite;
