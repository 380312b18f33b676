//! The Wasmer driver's configurations: one adapter file each ([`cranelift`], [`singlepass`]) over the
//! glue they share ([`engine`]), tunables capping memories and tables ([`tunables`]), the conformance session ([`session`]) and the WASI
//! layer ([`wasi`]).

pub mod cranelift;
pub mod engine;
mod session;
pub mod singlepass;
mod tunables;
mod wasi;

measure::driver! {
    "wasmer-cranelift" => cranelift,
    "wasmer-singlepass" => singlepass,
}
