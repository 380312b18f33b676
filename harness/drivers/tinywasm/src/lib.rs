//! The tinywasm driver: one configuration ([`interp`]) over the glue in [`engine`], and its
//! conformance session ([`session`]). It has no WASI layer.

pub mod engine;
pub mod interp;
mod session;

measure::driver! {
    "tinywasm" => interp,
}
