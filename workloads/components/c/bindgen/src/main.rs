//! The C guest's build tool, run by `wasmgauge corpus build` (harness/wasmgauge/src/corpus_components.rs):
//!
//! * `bindings WIT_DIR WORLD OUT_DIR`: wit-bindgen's C generator writes the world's bindings
//!   (`<world>.c`, `<world>.h` and `<world>_component_type.o`, the object carrying the
//!   component type that wit-component reads back) into OUT_DIR;
//! * `component CORE.wasm OUT.wasm`: the linked core module made a component by wit-component,
//!   with the WASI preview 1 reactor adapter of Wasmtime 48.0.8 (crates.io
//!   `wasi-preview1-component-adapter-provider`) for what wasi-libc imports.
//!
//! The versions it builds with are the ones its Cargo.lock pins (the manifest reads them there).
use anyhow::{Context, Result, bail};
use std::path::Path;
use wasi_preview1_component_adapter_provider::{
    WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER,
};

fn bindings(wit: &Path, world: &str, out: &Path) -> Result<()> {
    let mut resolve = wit_parser::Resolve::default();
    let (package, _) =
        resolve.push_path(wit).with_context(|| format!("reading the WIT package in {}", wit.display()))?;
    let world = resolve.select_world(&[package], Some(world))?;
    let mut files = wit_bindgen_core::Files::default();
    wit_bindgen_c::Opts::default().build().generate(&mut resolve, world, &mut files)?;
    std::fs::create_dir_all(out)?;
    for (name, contents) in files.iter() {
        std::fs::write(out.join(name), contents).with_context(|| format!("writing {name}"))?;
    }
    Ok(())
}

fn component(core: &Path, out: &Path) -> Result<()> {
    let module = std::fs::read(core).with_context(|| format!("reading {}", core.display()))?;
    let component = wit_component::ComponentEncoder::default()
        .validate(true)
        .module(&module)?
        .adapter(WASI_SNAPSHOT_PREVIEW1_ADAPTER_NAME, WASI_SNAPSHOT_PREVIEW1_REACTOR_ADAPTER)?
        .encode()
        .context("making the core module a component")?;
    std::fs::write(out, component).with_context(|| format!("writing {}", out.display()))
}

fn main() -> Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        ["bindings", wit, world, out] => bindings(Path::new(wit), world, Path::new(out)),
        ["component", core, out] => component(Path::new(core), Path::new(out)),
        _ => bail!("usage: wl-plugin-c-bindgen bindings WIT_DIR WORLD OUT_DIR | component CORE.wasm OUT.wasm"),
    }
}
