//! The wamr driver (the WebAssembly Micro Runtime through `wamrx`): one configuration
//! ([`fast_interp`]) over the glue in [`engine`]. It has no conformance session or WASI layer
//! (the registry declares it measure-only), and it is single-threaded (declared without
//! `threads`). WAMR's JIT tiers need LLVM and are not in the bindings.

pub mod engine;
pub mod fast_interp;

measure::driver! {
    measure_only;
    "wamr-fast-interp" => fast_interp,
}
