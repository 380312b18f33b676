//! What a guest module is, read from its bytes: valid or not, its imports, and its exports
//! with their signatures (the corpus build records them; `run --module` checks a user's module
//! with them).
use anyhow::{Result, anyhow, bail};
use results::ValType;
use results::manifest::{ExportEntry, FuncSignature};

fn val_type(t: &wasmparser::ValType) -> Option<ValType> {
    match t {
        wasmparser::ValType::I32 => Some(ValType::I32),
        wasmparser::ValType::I64 => Some(ValType::I64),
        wasmparser::ValType::F32 => Some(ValType::F32),
        wasmparser::ValType::F64 => Some(ValType::F64),
        _ => None,
    }
}

/// What a module imports and exports, after validating it.
pub struct ModuleShape {
    pub imports: Vec<String>,
    /// The function imports (`module.name`) with their signatures, in index order.
    pub func_imports: Vec<(String, Option<FuncSignature>)>,
    pub exports: Vec<ExportEntry>,
}

/// Validates a wasm binary and reads its imports and exports (with function signatures). A
/// component is refused with a message saying so (see [`core_module`]).
/// A wasm binary, or WAT text made one, from `path`; what fails says so in one line (`what`
/// names what the user gave: module, component).
pub fn read_wasm(path: &std::path::Path, what: &str) -> Result<Vec<u8>> {
    wat::parse_file(path).map_err(|e| {
        let text = e.to_string();
        let line: Vec<&str> = text.lines().map(str::trim).filter(|l| !l.is_empty()).take(2).collect();
        anyhow::anyhow!("malformed {what} {}: {}", path.display(), line.join(" "))
    })
}

/// A user's module (`run --module`, `gate --paired`) read from `path`: binary or text, and a
/// core module; a component is refused in one line that points to `--component`.
pub fn core_module(path: &std::path::Path) -> Result<Vec<u8>> {
    let wasm = read_wasm(path, "module")?;
    if wasmparser::Parser::is_component(&wasm) {
        bail!(
            "{} is a WebAssembly component, not a core module: run it with `--component {0} --invoke 'name(args)'`",
            path.display()
        );
    }
    Ok(wasm)
}

pub fn inspect(wasm: &[u8]) -> Result<ModuleShape> {
    if wasmparser::Parser::is_component(wasm) {
        bail!("this is a WebAssembly component, not a core module");
    }
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::default());
    let types = validator.validate_all(wasm).map_err(|e| anyhow!("invalid WebAssembly module: {e}"))?;
    let types = types.as_ref();
    let mut imports = Vec::new();
    let mut func_imports = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            wasmparser::Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import?;
                    let name = format!("{}.{}", import.module, import.name);
                    if let wasmparser::TypeRef::Func(_) = import.ty {
                        let ty = types.core_function_at(func_imports.len() as u32);
                        func_imports.push((name.clone(), signature_of(types[ty].unwrap_func())));
                    }
                    imports.push(name);
                }
            }
            wasmparser::Payload::ExportSection(section) => {
                for export in section {
                    let export = export?;
                    let (kind, signature) = match export.kind {
                        wasmparser::ExternalKind::Func => {
                            let ty = types.core_function_at(export.index);
                            ("func", signature_of(types[ty].unwrap_func()))
                        }
                        wasmparser::ExternalKind::Memory => ("memory", None),
                        wasmparser::ExternalKind::Table => ("table", None),
                        wasmparser::ExternalKind::Global => ("global", None),
                        _ => ("other", None),
                    };
                    exports.push(ExportEntry { name: export.name.to_string(), kind: kind.into(), signature });
                }
            }
            _ => {}
        }
    }
    Ok(ModuleShape { imports, func_imports, exports })
}

/// A function type as the manifest writes it; `None` when it has a type the manifest cannot
/// name (a reference type).
fn signature_of(sig: &wasmparser::FuncType) -> Option<FuncSignature> {
    let params: Option<Vec<_>> = sig.params().iter().map(val_type).collect();
    let results: Option<Vec<_>> = sig.results().iter().map(val_type).collect();
    params.zip(results).map(|(params, results)| FuncSignature { params, results })
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_component_is_refused_with_a_message_not_a_panic() {
        // The smallest component: the component preamble and no sections.
        let component = b"\0asm\x0d\0\x01\0";
        let err = super::inspect(component).err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("WebAssembly component, not a core module"), "{err}");
    }
}
