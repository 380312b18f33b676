//! The corpus's components: guests of the `wasmgauge:plugin` WIT world
//! (`workloads/components/wit/plugin.wit`), built into `corpus/components/<name>.wasm` with
//! their language, toolchain, size and world in the manifest. Today: the Rust guest
//! (`workloads/components/rust`, `wasm32-wasip2` with wit-bindgen, a cargo workspace of its own).
use crate::toolchain::{cargo_target_dir, rustc_version};
use anyhow::{Context, Result, bail};
use results::manifest::{ComponentEntry, ModuleEntry, ModuleKind, Toolchain, sha256_hex};
use std::path::Path;
use std::process::Command;

/// The target Rust components are built for.
pub const COMPONENT_TARGET: &str = "wasm32-wasip2";
/// The WIT package every guest implements.
pub const PLUGIN_WIT: &str = "workloads/components/wit/plugin.wit";
/// Its world.
pub const PLUGIN_WORLD: &str = "wasmgauge:plugin/plugin@0.1.0";

/// The wit-bindgen version the Rust guest's lockfile pins.
fn locked_wit_bindgen(lock: &Path) -> Result<String> {
    let text = std::fs::read_to_string(lock).with_context(|| format!("reading {}", lock.display()))?;
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        if line == "name = \"wit-bindgen\""
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    bail!("{} pins no wit-bindgen", lock.display())
}

/// Builds every component guest into `out/components/` and returns their manifest entries.
pub fn build_all(repo: &Path, out: &Path) -> Result<Vec<(ModuleEntry, Vec<u8>)>> {
    let dir = repo.join("workloads/components/rust");
    let manifest = dir.join("Cargo.toml");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let target_dir = cargo_target_dir(repo);
    let status = Command::new(&cargo)
        .args(["build", "--release", "--locked", "--target", COMPONENT_TARGET, "--manifest-path"])
        .arg(&manifest)
        .arg("--target-dir")
        .arg(&target_dir)
        .status()
        .context("running cargo to build the Rust component guest")?;
    if !status.success() {
        bail!(
            "cargo could not build the Rust component guest for {COMPONENT_TARGET} ({status}); is the target installed? \
             (`rustup target add {COMPONENT_TARGET}`, or run scripts/setup.sh)"
        );
    }
    let built = target_dir.join(COMPONENT_TARGET).join("release").join("wl_plugin_rust.wasm");
    let wasm = std::fs::read(&built).with_context(|| format!("reading {}", built.display()))?;
    if !wasmparser::Parser::is_component(&wasm) {
        bail!("{} is not a component (a core module?); the {COMPONENT_TARGET} linker should make one", built.display());
    }
    std::fs::create_dir_all(out.join("components"))?;
    let rustc = rustc_version()?;
    let entry = ModuleEntry {
        name: "plugin-rust".into(),
        kind: ModuleKind::Component,
        source_language: "rust".into(),
        source: "workloads/components/rust".into(),
        description: "the wasmgauge:plugin world in Rust (wit-bindgen)".into(),
        file: "components/plugin-rust.wasm".into(),
        sha256: sha256_hex(&wasm),
        bytes: wasm.len(),
        imports: Vec::new(),
        exports: Vec::new(),
        inputs: Vec::new(),
        calls: Vec::new(),
        is_wasi: false,
        toolchain: Some(Toolchain {
            name: "rustc + wit-bindgen".into(),
            version: format!(
                "{}, wit-bindgen {}",
                rustc.trim_start_matches("rustc "),
                locked_wit_bindgen(&dir.join("Cargo.lock"))?
            ),
            target: COMPONENT_TARGET.into(),
            native: String::new(),
            embeds: None,
        }),
        wasi: None,
        component: Some(ComponentEntry { world: PLUGIN_WORLD.into(), wit: PLUGIN_WIT.into(), bundles_runtime: false }),
    };
    Ok(vec![(entry, wasm)])
}
