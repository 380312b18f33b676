//! The build script every driver shares (`build = "../lockfile_versions.rs"`): records, at build
//! time, the exact versions its own Cargo.lock resolved for the runtime crates, and the rustc
//! that built it, as `WG_LOCKED_<CRATE>` and `WG_RUSTC` for `env!`. A runtime version in a
//! results file is therefore read from the lockfile of the driver that ran it. It also passes
//! on the driver's id suffix (`id-suffix = "@36"` under `[package.metadata.wasmgauge]`, empty
//! for a runtime's default version) as `WG_ID_SUFFIX`, and its folder name under `drivers/` as
//! `WG_DRIVER`; and `cfg(wasmtime_36)` when the lockfile pins Wasmtime 36 (the LTS line).
include!("../build-support/rustc_version.rs");
include!("../build-support/locked_version.rs");

/// Crates whose versions a driver may report (absent ones are `unknown`).
const CRATES: &[&str] = &[
    "wasmtime",
    "wasmtime-wasi",
    "wasmer",
    "wasmer-wasix",
    "wasmi",
    "wasmi_wasi",
    "tinywasm",
    "makepad-stitch",
    "wasm3x",
    "wamrx",
];

fn main() {
    // Read the manifest dir when the script runs, not when it was compiled: cargo reuses a
    // compiled build script across checkouts that share a target dir (CI clones).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lock_path = format!("{manifest_dir}/Cargo.lock");
    println!("cargo:rerun-if-changed={lock_path}");
    let lock = std::fs::read_to_string(&lock_path).unwrap_or_default();
    for krate in CRATES {
        let version = locked_version(&lock, krate).unwrap_or_else(|| "unknown".into());
        println!("cargo:rustc-env=WG_LOCKED_{}={version}", krate.to_uppercase().replace('-', "_"));
    }
    // The Wasmtime driver's source builds against two release lines; the few API differences
    // are `#[cfg(wasmtime_36)]` shims (drivers/wasmtime/src/compat.rs).
    println!("cargo::rustc-check-cfg=cfg(wasmtime_36)");
    if locked_version(&lock, "wasmtime").is_some_and(|v| v.starts_with("36.")) {
        println!("cargo:rustc-cfg=wasmtime_36");
    }
    let manifest_path = format!("{manifest_dir}/Cargo.toml");
    println!("cargo:rerun-if-changed={manifest_path}");
    let manifest = std::fs::read_to_string(&manifest_path).unwrap_or_default();
    let suffix = manifest
        .lines()
        .find_map(|l| {
            l.trim().strip_prefix("id-suffix")?.trim().strip_prefix('=')?.trim().strip_prefix('"')?.strip_suffix('"')
        })
        .unwrap_or("");
    println!("cargo:rustc-env=WG_ID_SUFFIX={suffix}");
    let folder = std::path::Path::new(&manifest_dir).file_name().map(|f| f.to_string_lossy().into_owned());
    println!("cargo:rustc-env=WG_DRIVER={}", folder.unwrap_or_default());
    record_rustc_version("WG_RUSTC");
}
