//! The corpus: every guest compiled to wasm, plus a manifest that says what each one is.
//!
//! `corpus build` compiles the Rust workloads to `wasm32-unknown-unknown` with cargo, the WAT
//! micro-modules and adversarial guests with the `wat` crate, checks each module (valid,
//! import-free unless it uses the harness's host functions), and writes `<name>.wasm` files and
//! `manifest.json`. The manifest records, per module: name, kind, source language and path,
//! sha256 and size of the wasm, imports and exports with signatures, and the expected answers
//! computed by the native twins: per input size for workloads, per call for micro-modules.
//! It holds nothing time- or machine-dependent, so two builds of the same sources are identical.

use crate::engines::{ValType, host};
use crate::workloads::{self, MicroCallOwned, Size};
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};
use std::process::Command;

pub const MANIFEST_FILE: &str = "manifest.json";
pub const MANIFEST_SCHEMA: &str = "wasmgauge-corpus";
pub const MANIFEST_VERSION: u32 = 1;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModuleKind {
    /// A Rust compute workload (the throughput corpus).
    RustWorkload,
    /// A hand-written WAT module for call-overhead work.
    WatMicro,
    /// A guest that traps or hangs on purpose.
    Adversarial,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncSignature {
    pub params: Vec<ValType>,
    pub results: Vec<ValType>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEntry {
    pub name: String,
    /// `func`, `memory`, `table`, `global`, `tag`.
    pub kind: String,
    /// Only for functions whose types are all numbers.
    #[serde(skip_serializing_if = "Option::is_none", default)]
    pub signature: Option<FuncSignature>,
}

/// One input size of a Rust workload and the native answer for it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct InputEntry {
    pub size: Size,
    /// The generator's size parameter, and what it counts.
    pub n: usize,
    pub n_unit: String,
    pub bytes: usize,
    pub sha256: String,
    /// The native kernel's checksum over this input: the answer every engine must give.
    pub expected_checksum: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleEntry {
    pub name: String,
    pub kind: ModuleKind,
    pub source_language: String,
    /// Source path relative to the repository root.
    pub source: String,
    pub description: String,
    /// File name inside the corpus directory.
    pub file: String,
    pub sha256: String,
    pub bytes: usize,
    /// `module.name` of every import.
    pub imports: Vec<String>,
    pub exports: Vec<ExportEntry>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputEntry>,
    /// Micro-module calls with the native twin's results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<MicroCallOwned>,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    pub schema: String,
    pub schema_version: u32,
    /// Seed of every generated input.
    pub input_seed: u64,
    /// The wasm target and cargo profile the Rust workloads were built with.
    pub rust_target: String,
    pub rust_profile: String,
    pub modules: Vec<ModuleEntry>,
}

/// A loaded corpus: its directory and manifest, with every file's hash checked.
#[derive(Clone, Debug)]
pub struct Corpus {
    pub dir: PathBuf,
    pub manifest: Manifest,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

pub fn checksum_hex(v: u64) -> String {
    format!("{v:#018x}")
}

pub fn parse_checksum(s: &str) -> Result<u64> {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).with_context(|| format!("bad checksum `{s}` in manifest"))
}

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
    pub exports: Vec<ExportEntry>,
}

/// Validates a wasm binary and reads its imports and exports (with function signatures).
pub fn inspect(wasm: &[u8]) -> Result<ModuleShape> {
    let mut validator = wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::default());
    let types = validator.validate_all(wasm).map_err(|e| anyhow!("invalid WebAssembly module: {e}"))?;
    let types = types.as_ref();
    let mut imports = Vec::new();
    let mut exports = Vec::new();
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        match payload? {
            wasmparser::Payload::ImportSection(section) => {
                for import in section.into_imports() {
                    let import = import?;
                    imports.push(format!("{}.{}", import.module, import.name));
                }
            }
            wasmparser::Payload::ExportSection(section) => {
                for export in section {
                    let export = export?;
                    let (kind, signature) = match export.kind {
                        wasmparser::ExternalKind::Func => {
                            let ty = types.core_function_at(export.index);
                            let sig = types[ty].unwrap_func();
                            let params: Option<Vec<_>> = sig.params().iter().map(val_type).collect();
                            let results: Option<Vec<_>> = sig.results().iter().map(val_type).collect();
                            let signature =
                                params.zip(results).map(|(params, results)| FuncSignature { params, results });
                            ("func", signature)
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
    Ok(ModuleShape { imports, exports })
}

/// Where cargo puts build output for this repository.
fn cargo_target_dir(repo: &Path) -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| repo.join("target"))
}

pub const RUST_TARGET: &str = "wasm32-unknown-unknown";

/// Compiles every Rust workload to wasm with cargo and returns the directory of the artifacts.
fn cargo_build_workloads(repo: &Path) -> Result<PathBuf> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(repo).args(["build", "--release", "--locked", "--target", RUST_TARGET]);
    for w in workloads::RUST_WORKLOADS {
        cmd.args(["-p", w.package]);
    }
    let status = cmd.status().context("running cargo to build the wasm workloads")?;
    if !status.success() {
        bail!(
            "cargo could not build the workloads for {RUST_TARGET} ({status}); is the target installed? \
             (`rustup target add {RUST_TARGET}`, or run scripts/setup.sh)"
        );
    }
    Ok(cargo_target_dir(repo).join(RUST_TARGET).join("release"))
}

/// Target of the WASI probe guest (the conformance WASI checks).
pub const WASI_TARGET: &str = "wasm32-wasip1";

/// Builds the WASI probe (`workloads/rust/wasi_probe`) for `wasm32-wasip1` into
/// `out/wasi_probe.wasm`. It is not a workload (it imports WASI), so it is not in the manifest.
fn build_wasi_probe(repo: &Path, out: &Path) -> Result<()> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(repo)
        .args(["build", "--release", "--locked", "--target", WASI_TARGET, "-p", "wl-wasi-probe"])
        .status()
        .context("running cargo to build the WASI probe")?;
    if !status.success() {
        bail!(
            "cargo could not build the WASI probe for {WASI_TARGET} ({status}); is the target installed? \
             (`rustup target add {WASI_TARGET}`, or run scripts/setup.sh)"
        );
    }
    let built = cargo_target_dir(repo).join(WASI_TARGET).join("release").join("wasi_probe.wasm");
    std::fs::copy(&built, out.join(crate::conform::wasi::PROBE_FILE))
        .with_context(|| format!("copying {}", built.display()))?;
    Ok(())
}

fn entry(
    name: &str,
    kind: ModuleKind,
    language: &str,
    source: String,
    description: &str,
    wasm: &[u8],
) -> Result<ModuleEntry> {
    let shape = inspect(wasm).with_context(|| format!("module `{name}`"))?;
    for import in &shape.imports {
        let (module, field) = import.split_once('.').unwrap_or((import, ""));
        if !host::provides(module, field) {
            bail!("module `{name}` imports `{import}`; corpus guests may import only {}.{}", host::MODULE, host::TICK);
        }
    }
    Ok(ModuleEntry {
        name: name.to_string(),
        kind,
        source_language: language.to_string(),
        source,
        description: description.to_string(),
        file: format!("{name}.wasm"),
        sha256: sha256_hex(wasm),
        bytes: wasm.len(),
        imports: shape.imports,
        exports: shape.exports,
        inputs: Vec::new(),
        calls: Vec::new(),
    })
}

/// Builds the whole corpus from the sources in `repo` into `out`.
pub fn build(repo: &Path, out: &Path) -> Result<Corpus> {
    let artifacts = cargo_build_workloads(repo)?;
    std::fs::create_dir_all(out).with_context(|| format!("creating {}", out.display()))?;
    let mut modules = Vec::new();
    let mut put = |e: ModuleEntry, wasm: &[u8]| -> Result<()> {
        std::fs::write(out.join(&e.file), wasm).with_context(|| format!("writing {}", e.file))?;
        modules.push(e);
        Ok(())
    };

    for w in workloads::RUST_WORKLOADS {
        let path = artifacts.join(w.wasm_file_name());
        let wasm = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
        let mut e = entry(
            w.name,
            ModuleKind::RustWorkload,
            "rust",
            format!("workloads/rust/{}", w.name),
            w.description,
            &wasm,
        )?;
        if !e.imports.is_empty() {
            bail!("workload `{}` imports {:?}; Rust workloads must be import-free", w.name, e.imports);
        }
        for size in Size::ALL {
            let input = w.input_for(size);
            e.inputs.push(InputEntry {
                size,
                n: w.n(size),
                n_unit: w.n_unit.to_string(),
                bytes: input.len(),
                sha256: sha256_hex(&input),
                expected_checksum: checksum_hex(w.run_native(&input)),
            });
        }
        put(e, &wasm)?;
    }
    for m in workloads::MICRO_MODULES {
        let wasm = wat::parse_str(m.source).with_context(|| format!("assembling workloads/wat/{}.wat", m.name))?;
        let mut e =
            entry(m.name, ModuleKind::WatMicro, "wat", format!("workloads/wat/{}.wat", m.name), m.description, &wasm)?;
        e.calls = (m.calls)();
        put(e, &wasm)?;
    }
    for g in workloads::ADVERSARIAL_GUESTS {
        let wasm =
            wat::parse_str(g.source).with_context(|| format!("assembling workloads/adversarial/{}.wat", g.name))?;
        put(
            entry(
                g.name,
                ModuleKind::Adversarial,
                "wat",
                format!("workloads/adversarial/{}.wat", g.name),
                g.description,
                &wasm,
            )?,
            &wasm,
        )?;
    }

    build_wasi_probe(repo, out)?;

    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.into(),
        schema_version: MANIFEST_VERSION,
        input_seed: workloads::INPUT_SEED,
        rust_target: RUST_TARGET.into(),
        rust_profile: "release".into(),
        modules,
    };
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    std::fs::write(out.join(MANIFEST_FILE), text)?;
    Ok(Corpus { dir: out.to_path_buf(), manifest })
}

impl Corpus {
    /// Loads a corpus directory, checking the manifest's schema and every module's hash.
    pub fn load(dir: &Path) -> Result<Corpus> {
        let path = dir.join(MANIFEST_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| {
            anyhow!(
                "cannot read the corpus manifest {} ({e}); build the corpus first with `wasmgauge corpus build`",
                path.display()
            )
        })?;
        let manifest: Manifest =
            serde_json::from_str(&text).with_context(|| format!("corrupt corpus manifest {}", path.display()))?;
        if manifest.schema != MANIFEST_SCHEMA || manifest.schema_version != MANIFEST_VERSION {
            bail!(
                "{} is a `{}` v{} manifest; this wasmgauge reads `{MANIFEST_SCHEMA}` v{MANIFEST_VERSION}: rebuild with `wasmgauge corpus build`",
                path.display(),
                manifest.schema,
                manifest.schema_version
            );
        }
        let corpus = Corpus { dir: dir.to_path_buf(), manifest };
        for m in &corpus.manifest.modules {
            let wasm = corpus.wasm(m)?;
            if sha256_hex(&wasm) != m.sha256 {
                bail!("corpus file {} does not match its manifest hash; rebuild with `wasmgauge corpus build`", m.file);
            }
        }
        Ok(corpus)
    }

    pub fn module(&self, name: &str) -> Option<&ModuleEntry> {
        self.manifest.modules.iter().find(|m| m.name == name)
    }

    pub fn wasm(&self, m: &ModuleEntry) -> Result<Vec<u8>> {
        let path = self.dir.join(&m.file);
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// Names of the modules a `run` measures by default: the Rust workloads.
    pub fn default_workloads(&self) -> Vec<&str> {
        self.manifest.modules.iter().filter(|m| m.kind == ModuleKind::RustWorkload).map(|m| m.name.as_str()).collect()
    }

    /// Checks a user's workload list against the corpus (workloads and adversarial guests can
    /// be run; micro-modules belong to the call-overhead scenario).
    pub fn resolve_workloads(&self, requested: &[String]) -> Result<Vec<String>> {
        if requested.is_empty() {
            return Ok(self.default_workloads().into_iter().map(String::from).collect());
        }
        let runnable: Vec<&str> =
            self.manifest.modules.iter().filter(|m| m.kind != ModuleKind::WatMicro).map(|m| m.name.as_str()).collect();
        for name in requested {
            if !runnable.contains(&name.as_str()) {
                bail!("unknown workload `{name}`; known workloads: {}", runnable.join(", "));
            }
        }
        Ok(requested.to_vec())
    }

    /// Hash of the manifest itself: one value naming the whole corpus.
    pub fn manifest_sha256(&self) -> Result<String> {
        Ok(sha256_hex(&std::fs::read(self.dir.join(MANIFEST_FILE))?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_reads_signatures_and_rejects_garbage() {
        let wasm = wat::parse_str(workloads::micro_module("add4").unwrap().source).unwrap();
        let shape = inspect(&wasm).unwrap();
        assert!(shape.imports.is_empty());
        let sig = shape.exports[0].signature.clone().unwrap();
        assert_eq!(sig.params, vec![ValType::I64; 4]);
        assert_eq!(sig.results, vec![ValType::I64]);
        let err = inspect(b"\0asm\x01\0\0\0\x05garbage").err().unwrap().to_string();
        assert!(err.contains("invalid WebAssembly module"), "{err}");
        let host_loop = wat::parse_str(workloads::micro_module("host_loop").unwrap().source).unwrap();
        assert_eq!(inspect(&host_loop).unwrap().imports, vec!["wasmgauge.tick"]);
    }

    #[test]
    fn checksums_round_trip_through_hex() {
        assert_eq!(parse_checksum(&checksum_hex(u64::MAX)).unwrap(), u64::MAX);
        assert_eq!(checksum_hex(1), "0x0000000000000001");
    }
}
