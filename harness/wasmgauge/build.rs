//! Records, at build time, what the environment fingerprint needs and cannot learn at run time:
//! the rustc that built the harness (each driver records its runtime versions itself); and the
//! version of the `wat` crate that assembles the corpus's WAT modules, from the Cargo.lock.
include!("../build-support/rustc_version.rs");
include!("../build-support/locked_version.rs");

fn main() {
    record_rustc_version("WASMGAUGE_RUSTC");
    // Read when the script runs (a compiled build script is reused across clones).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lock_path = format!("{manifest_dir}/../../Cargo.lock");
    println!("cargo:rerun-if-changed={lock_path}");
    let lock = std::fs::read_to_string(&lock_path).unwrap_or_default();
    let wat = locked_version(&lock, "wat").unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=WG_WAT_VERSION={wat}");
}
