//! The Wasmtime driver's configurations: one adapter file each ([`cranelift`],
//! [`cranelift_pooling`], [`winch`], [`pulley`]) over the glue they share ([`engine`]), the
//! conformance session ([`session`]), the WASI layer ([`wasi`]), the component host ([`component`], for components of any world [`component_any`], for `wasi:cli/run` commands [`component_command`]) and the shims for the API
//! differences between release lines ([`compat`]). The same source builds
//! `harness/drivers/wasmtime-36` against the LTS line; its ids carry `@36` (`measure::subject_id!`).

mod compat;
mod component;
mod component_any;
mod component_command;
mod component_world;
pub mod cranelift;
pub mod cranelift_pooling;
pub mod engine;
pub mod pulley;
mod session;
mod wasi;
pub mod winch;

measure::driver! {
    "wasmtime-cranelift" => cranelift,
    "wasmtime-cranelift-pooling" => cranelift_pooling,
    "wasmtime-winch" => winch,
    "wasmtime-pulley" => pulley,
}
