//! Finding the driver executables: `wasmgauge-driver-<driver>`, its lean
//! `wasmgauge-once-<driver>` and the native driver's runner, in `$WASMGAUGE_DRIVERS` when it is
//! set, else beside this executable or in each driver's own `target/release`; and what a built
//! driver is ([`BuiltDriver`]: its executable, the executable's sha256, its own description).
use anyhow::{Result, bail};
use protocol::Description;
use std::path::PathBuf;

/// Where a built driver executable is.
pub fn driver_executable(driver: &str) -> Result<PathBuf> {
    find_executable(&format!("wasmgauge-driver-{driver}"), driver)
}

/// Where a driver's lean one-answer binary is (process cold start).
pub fn once_executable(driver: &str) -> Result<PathBuf> {
    find_executable(&format!("wasmgauge-once-{driver}"), driver)
}

/// The native driver's runner (the subprocess baseline's child).
pub fn runner_executable() -> Result<PathBuf> {
    find_executable("wasmgauge-runner", "native")
}

/// The repository this binary was built from, if it is still there.
pub fn source_root() -> Option<PathBuf> {
    let built = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."));
    built.join("harness").join("drivers").is_dir().then_some(built)
}

fn find_executable(name: &str, driver: &str) -> Result<PathBuf> {
    let mut dirs: Vec<PathBuf> = Vec::new();
    if let Some(d) = std::env::var_os("WASMGAUGE_DRIVERS") {
        // Exactly these drivers (e.g. another build's).
        dirs.push(PathBuf::from(d));
    } else if let Ok(exe) = std::env::current_exe()
        && let Some(dir) = exe.parent()
    {
        // Beside this binary, or one level up for test binaries in `target/<profile>/deps`.
        dirs.push(dir.to_path_buf());
        dirs.push(dir.join(".."));
    }
    if let Some(root) = source_root().filter(|_| std::env::var_os("WASMGAUGE_DRIVERS").is_none()) {
        dirs.push(root.join("harness").join("drivers").join(driver).join("target").join("release"));
    }
    for dir in &dirs {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Ok(candidate.canonicalize().unwrap_or(candidate));
        }
    }
    bail!(
        "the {driver} driver is not built (no {name} in {}): build it with `scripts/build-drivers.sh {driver}` \
         (or `cargo build --release --manifest-path harness/drivers/{driver}/Cargo.toml`)",
        dirs.iter().map(|d| d.display().to_string()).collect::<Vec<_>>().join(", ")
    )
}

/// A built driver: its executable, the executable's sha256, and what it says it is.
pub struct BuiltDriver {
    pub exe: PathBuf,
    pub sha256: String,
    pub description: Description,
}
