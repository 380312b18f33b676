//! The wasm3 driver (Wasm3 through `wasm3x`): one configuration ([`interp`]) over the glue in
//! [`engine`]. It has no conformance session or WASI layer (the registry declares it
//! measure-only), and it is single-threaded (declared without `threads`).

pub mod engine;
pub mod interp;

measure::driver! {
    measure_only;
    "wasm3" => interp,
}
