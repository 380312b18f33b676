//! Records, at build time, what the environment fingerprint needs and cannot learn at run time:
//! the exact runtime versions resolved in Cargo.lock and the rustc that built the harness.
use std::process::Command;

fn main() {
    // Read the manifest dir when the script runs, not when it was compiled: cargo reuses a
    // compiled build script across checkouts that share a target directory (CI clones).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lock_path = format!("{manifest_dir}/../Cargo.lock");
    println!("cargo:rerun-if-changed={lock_path}");
    let lock = std::fs::read_to_string(&lock_path).unwrap_or_default();
    for krate in ["wasmtime", "wasmer", "wasmi"] {
        let version = locked_version(&lock, krate).unwrap_or_else(|| "unknown".into());
        println!("cargo:rustc-env=WASMGAUGE_VERSION_{}={version}", krate.to_uppercase());
    }
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    println!("cargo:rustc-env=WASMGAUGE_RUSTC={version}");
}

/// The version of `[[package]] name = "<krate>"` in a Cargo.lock.
fn locked_version(lock: &str, krate: &str) -> Option<String> {
    let mut lines = lock.lines();
    while let Some(line) = lines.next() {
        if line.trim() == format!("name = \"{krate}\"") {
            let next = lines.next()?;
            return next.trim().strip_prefix("version = \"")?.strip_suffix('"').map(str::to_string);
        }
    }
    None
}
