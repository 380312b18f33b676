//! Toolchain facts the corpus build and the WASI programs' build share: the targets guests are
//! compiled for, where cargo puts its output, and the host compiler's version (recorded in the
//! manifest), and the user cache that outlives a cargo target directory.
use anyhow::{Context, Result, anyhow, bail};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The target of the Rust workloads (no imports: every runtime can run them).
pub const RUST_TARGET: &str = "wasm32-unknown-unknown";

/// A `cargo` command for building guests and their tools: the cargo that runs us (`$CARGO`),
/// else the one on the PATH, without the caller's rustc wrappers. A wrapper is part of the
/// identity cargo hashes into a crate's metadata and so into its symbol names, which a wasm
/// module keeps (its name section): under scripts/test.sh's lint wrapper the same source built
/// other bytes, and a guest built one way was left in place for a build the other way (cargo
/// uplifts both to one file name), so a corpus's hashes depended on who built it before.
pub fn cargo_command() -> std::process::Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.env_remove("RUSTC_WORKSPACE_WRAPPER").env_remove("RUSTC_WRAPPER");
    cmd
}

/// Where cargo puts build output for this repository.
pub fn cargo_target_dir(repo: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo.join("target"))
}

/// The user cache of things built or fetched once per machine (`$WASMGAUGE_CACHE`, else
/// `~/.cache/wasmgauge`): the peers' components `scripts/setup.sh` fetches and guests whose
/// toolchain does not build byte-identical output twice, kept by a hash of their inputs.
pub fn user_cache_dir() -> PathBuf {
    std::env::var_os("WASMGAUGE_CACHE").map(PathBuf::from).unwrap_or_else(|| {
        std::env::var_os("HOME").map(PathBuf::from).unwrap_or_else(std::env::temp_dir).join(".cache/wasmgauge")
    })
}

/// The target of the WASI guests: the WASI probe of the conformance checks and the corpus's
/// Rust WASI programs.
pub const WASI_TARGET: &str = "wasm32-wasip1";

/// The host compiler's name and version for a Rust build (`rustc 1.95.0`).
pub fn rustc_version() -> Result<String> {
    let rustc = std::env::var_os("RUSTC").unwrap_or_else(|| "rustc".into());
    let out = Command::new(rustc).arg("-V").output().context("running rustc -V")?;
    Ok(String::from_utf8_lossy(&out.stdout).split_whitespace().take(2).collect::<Vec<_>>().join(" "))
}

/// The first line a command prints, or an error saying what to install.
pub fn first_line(cmd: &str, args: &[&str], install: &str) -> Result<String> {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .map_err(|e| anyhow!("`{cmd}` is needed to build the C guests ({e}); {install}"))?;
    Ok(String::from_utf8_lossy(&out.stdout).lines().next().unwrap_or("").trim().to_string())
}

/// `clang version 14.0.6` -> `14.0.6` (the first word that starts with a digit).
pub fn version_in(line: &str) -> String {
    line.split_whitespace().find(|w| w.starts_with(|c: char| c.is_ascii_digit())).unwrap_or(line).to_string()
}

/// The C compiler of every C guest: Debian's clang for `wasm32-wasi` with Debian's wasi-libc
/// (`--sysroot=/usr`), and their versions.
pub struct WasiClang {
    pub clang: String,
    pub wasi_libc: String,
}

impl WasiClang {
    /// What to do when it is missing.
    pub const INSTALL: &str = "run scripts/setup.sh (Debian packages clang, lld, wasi-libc, libclang-rt-dev-wasm32)";

    pub fn find() -> Result<WasiClang> {
        let clang = version_in(&first_line("clang", &["--version"], Self::INSTALL)?);
        if !Path::new("/usr/include/wasm32-wasi/stdio.h").is_file() {
            bail!("no WASI libc in /usr/include/wasm32-wasi; {}", Self::INSTALL);
        }
        let wasi_libc = first_line("dpkg-query", &["-W", "-f", "${Version}", "wasi-libc"], Self::INSTALL)
            .unwrap_or_default()
            .trim()
            .to_string();
        Ok(WasiClang { clang, wasi_libc })
    }
}
