//! The wamr driver (the WebAssembly Micro Runtime through `wamrx`): one configuration
//! ([`fast_interp`]) over the glue in [`engine`]. It has no conformance session or WASI layer
//! (the registry declares it measure-only), and it is single-threaded (declared without
//! `threads`). WAMR's JIT tiers need LLVM and are not in the bindings.

pub mod engine;
pub mod fast_interp;

use measure::driver::Driver;

measure::subject_tables! {
    measure_only;
    "wamr-fast-interp" => fast_interp,
}

pub static DRIVER: Driver = Driver {
    name: env!("WG_DRIVER"),
    subjects: SUBJECTS,
    conformance: CONFORMANCE,
    runtimes: &[("wamrx", env!("WG_LOCKED_WAMRX"))],
    rustc: env!("WG_RUSTC"),
};
