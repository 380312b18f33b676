//! The wasm3 driver (Wasm3 through `wasm3x`): one configuration ([`interp`]) over the glue in
//! [`engine`]. It has no conformance session or WASI layer (the registry declares it
//! measure-only), and it is single-threaded (declared without `threads`).

pub mod engine;
pub mod interp;

use measure::driver::Driver;

measure::subject_tables! {
    measure_only;
    "wasm3" => interp,
}

pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: CONFORMANCE,
    runtimes: &[("wasm3x", env!("WG_LOCKED_WASM3X"))],
    rustc: env!("WG_RUSTC"),
};
