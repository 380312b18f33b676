//! Records, at build time, what the environment fingerprint needs and cannot learn at run time:
//! the rustc that built the harness (each driver records its runtime versions itself).
include!("../../build-support/rustc_version.rs");

fn main() {
    record_rustc_version("WASMGAUGE_RUSTC");
}
