//! The host functions the harness offers guests, bound by every engine at instantiation.
//!
//! One function is enough for the call-overhead work: `wasmgauge.tick(i32) -> i32` returns its
//! argument plus one, so a guest loop over it has an answer the host can check natively.

/// Import module name of every host function.
pub const MODULE: &str = "wasmgauge";
/// `tick(i32) -> i32`: returns `i + 1` (wrapping).
pub const TICK: &str = "tick";

/// The host side of `wasmgauge.tick`.
pub fn tick(i: i32) -> i32 {
    i.wrapping_add(1)
}

/// True when an import `(module, name)` is one the harness can satisfy.
pub fn provides(module: &str, name: &str) -> bool {
    module == MODULE && name == TICK
}
