//! The wasmi driver's configurations: one adapter file each ([`eager`], [`lazy`]) over the
//! glue they share ([`engine`]), the conformance session ([`session`]) and the WASI
//! layer ([`wasi`]).

pub mod eager;
pub mod engine;
pub mod lazy;
mod session;
mod wasi;

measure::driver! {
    "wasmi-eager" => eager,
    "wasmi-lazy" => lazy,
}
