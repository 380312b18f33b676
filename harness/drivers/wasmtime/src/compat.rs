//! The few places where Wasmtime's API differs between the release lines this source builds
//! against: the newest 48.0.x (harness/drivers/wasmtime) and the 36.0.x LTS line (harness/drivers/wasmtime-36,
//! `cfg(wg_major_wasmtime = "36")`, set by the shared build script from the driver's Cargo.lock).
use anyhow::Result;
use wasmtime as wt;

/// Switches one proposal on or off; `false` when this release line has no switch for it (the
/// proposal then counts as unsupported, or, for the MVP extensions every line has, as on).
#[cfg(not(wg_major_wasmtime = "36"))]
pub fn set_proposal(config: &mut wt::Config, _name: &str, bits: wasmparser::WasmFeatures, on: bool) -> bool {
    config.wasm_features(bits, on);
    true
}

#[cfg(wg_major_wasmtime = "36")]
pub fn set_proposal(config: &mut wt::Config, name: &str, _bits: wasmparser::WasmFeatures, on: bool) -> bool {
    match name {
        // Always on in Wasmtime; `gc-types` comes with the `gc` crate feature.
        "mutable-global" | "sign-extension-ops" | "nontrapping-float-to-int-conversions" | "gc-types" => {}
        "multi-value" => drop(config.wasm_multi_value(on)),
        "bulk-memory" => drop(config.wasm_bulk_memory(on)),
        "reference-types" => drop(config.wasm_reference_types(on)),
        "simd" => drop(config.wasm_simd(on)),
        "tail-call" => drop(config.wasm_tail_call(on)),
        "extended-const" => drop(config.wasm_extended_const(on)),
        "function-references" => drop(config.wasm_function_references(on)),
        "gc" => drop(config.wasm_gc(on)),
        // 36 has the switch, but its Cranelift cannot translate exception operators ("exception
        // operators are not yet implemented"): unsupported on this line.
        "exceptions" => return false,
        "memory64" => drop(config.wasm_memory64(on)),
        "multi-memory" => drop(config.wasm_multi_memory(on)),
        "relaxed-simd" => drop(config.wasm_relaxed_simd(on)),
        "threads" => drop(config.wasm_threads(on)),
        "wide-arithmetic" => drop(config.wasm_wide_arithmetic(on)),
        "custom-page-sizes" => drop(config.wasm_custom_page_sizes(on)),
        _ => return false,
    }
    true
}

/// Host-created shared memories (`spectest.shared_memory`) need their own switch since 48.
#[cfg(not(wg_major_wasmtime = "36"))]
pub fn shared_memory(config: &mut wt::Config, on: bool) {
    config.shared_memory(on);
}

#[cfg(wg_major_wasmtime = "36")]
pub fn shared_memory(_config: &mut wt::Config, _on: bool) {}

/// Whether an error is a WebAssembly exception that escaped the invoked function.
#[cfg(not(wg_major_wasmtime = "36"))]
pub fn is_thrown_exception(e: &wt::Error) -> bool {
    e.is::<wt::ThrownException>()
}

/// 36 reports an escaped exception as a trap.
#[cfg(wg_major_wasmtime = "36")]
pub fn is_thrown_exception(_e: &wt::Error) -> bool {
    false
}

/// wasmtime-wasi's preview 1: the module moved (`preview1` -> `p1`) and preopens take one set
/// of permissions since 48.
#[cfg(not(wg_major_wasmtime = "36"))]
pub use wasmtime_wasi::p1 as preview1;
#[cfg(wg_major_wasmtime = "36")]
pub use wasmtime_wasi::preview1;

#[cfg(not(wg_major_wasmtime = "36"))]
pub fn preopen(
    builder: &mut wasmtime_wasi::WasiCtxBuilder,
    host: &std::path::Path,
    guest: &str,
    read_only: bool,
) -> Result<()> {
    use wasmtime_wasi::FsPerms;
    builder.preopened_dir(host, guest, if read_only { FsPerms::ReadOnly } else { FsPerms::ReadWrite })?;
    Ok(())
}

#[cfg(wg_major_wasmtime = "36")]
pub fn preopen(
    builder: &mut wasmtime_wasi::WasiCtxBuilder,
    host: &std::path::Path,
    guest: &str,
    read_only: bool,
) -> Result<()> {
    use wasmtime_wasi::{DirPerms, FilePerms};
    let (dir, file) = if read_only { (DirPerms::READ, FilePerms::READ) } else { (DirPerms::all(), FilePerms::all()) };
    builder.preopened_dir(host, guest, dir, file)?;
    Ok(())
}

/// After a component function's call: 48 cleans up by itself (`post_return` is deprecated
/// and does nothing); the 36 line needs it before the next call.
#[cfg(not(wg_major_wasmtime = "36"))]
pub fn post_return<T>(_func: &wt::component::Func, _store: &mut wt::Store<T>) -> wt::Result<()> {
    Ok(())
}

#[cfg(wg_major_wasmtime = "36")]
pub fn post_return<T>(func: &wt::component::Func, store: &mut wt::Store<T>) -> wt::Result<()> {
    func.post_return(store)
}

/// A component type's export as its item: 48 wraps it with its annotations
/// (`ComponentExtern`), the 36 line gives the item itself.
#[cfg(not(wg_major_wasmtime = "36"))]
pub fn item(export: wt::component::types::ComponentExtern<'_>) -> wt::component::types::ComponentItem {
    export.ty
}

#[cfg(wg_major_wasmtime = "36")]
pub fn item(export: wt::component::types::ComponentItem) -> wt::component::types::ComponentItem {
    export
}
