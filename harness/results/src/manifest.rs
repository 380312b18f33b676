//! The corpus manifest: a public, versioned file (`manifest.json`) that says what every guest
//! of a corpus is (kind, source, sha256, imports and exports with signatures) and the native
//! answers every engine must reproduce: per input size for workloads, per call for
//! micro-modules. `wasmgauge corpus build` writes it; [`Corpus::load`] reads it back and checks
//! every file against its hash.
use crate::values::{Size, ValType};
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

/// The manifest's file name in a corpus directory.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The `schema` of every corpus manifest.
pub const MANIFEST_SCHEMA: &str = "wasmgauge-corpus";
/// Version 2: WASI programs (kind `wasi-program`, their native twins and expected runs) and
/// every module's toolchain. Version 3: components (kind `component`, their WIT world).
/// Version 4: plugin-kit plugins (kind `kit-plugin`, Extism's).
pub const MANIFEST_VERSION: u32 = 4;
/// The WASI probe guest's file name in a corpus (not a manifest module: it imports WASI).
pub const WASI_PROBE_FILE: &str = "wasi_probe.wasm";

/// What a corpus module is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ModuleKind {
    /// A Rust compute workload (the throughput corpus).
    RustWorkload,
    /// A hand-written WAT module for call-overhead work.
    WatMicro,
    /// A guest that traps or hangs on purpose.
    Adversarial,
    /// A WASI command program (imports WASI preview 1, exports `_start`) with a native twin
    /// built from the same source (manifest version 2).
    WasiProgram,
    /// A component of a WIT world (`corpus/components/`; manifest version 3).
    Component,
    /// A plugin of a plugin kit (`corpus/plugins/`, Extism's: a core module that exchanges
    /// bytes with the kit's kernel; manifest version 4).
    KitPlugin,
}

/// What a component of the corpus is (manifest version 3).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComponentEntry {
    /// The WIT world it targets (`wasmgauge:plugin/plugin`).
    pub world: String,
    /// The WIT package's file in the repository.
    pub wit: String,
    /// Whether it bundles a language runtime or garbage collector of its own (an interpreter
    /// guest does; a Rust or C one does not).
    pub bundles_runtime: bool,
}

/// What built a module: compiler or assembler, its version, the target, and what built the
/// native twin (manifest version 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Toolchain {
    /// `rustc`, `clang + wasi-libc`, `wat`.
    pub name: String,
    /// Its version (`1.95.0`).
    pub version: String,
    /// `wasm32-unknown-unknown`, `wasm32-wasip1`, `wasm32-wasi`.
    pub target: String,
    /// The compiler of the native twin (`rustc 1.95.0`, `cc (Debian 12.2.0-14) 12.2.0`); empty
    /// where the twin is not a compiled program of its own.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub native: String,
    /// The engine or library compiled into the module (`SQLite 3.50.2 (...)`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeds: Option<String>,
}

/// How a WASI program is run and what its native twin did (manifest version 2).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct WasiProgramEntry {
    /// The native twin's executable, relative to the corpus directory.
    pub native: String,
    /// The native twin's sha256.
    pub native_sha256: String,
    /// Arguments after the program name; `{dir}` stands for the data directory (the guest's
    /// `guest_dir`, the native twin's host copy).
    pub args: Vec<String>,
    /// The data directory (relative to the corpus directory); every run gets a fresh copy.
    pub data_dir: String,
    /// Where the guest sees the data directory (`/data`).
    pub guest_dir: String,
    /// What the native twin did with these arguments: every engine must do the same.
    pub expected: crate::observed::Observed,
}

/// A function export's signature, where all its types are numbers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct FuncSignature {
    /// Parameter types, in order.
    pub params: Vec<ValType>,
    /// Result types, in order.
    pub results: Vec<ValType>,
}

/// One export of a module.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportEntry {
    /// Its name.
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
    /// Which input size.
    pub size: Size,
    /// The generator's size parameter, and what it counts.
    pub n: usize,
    /// What `n` counts (`bytes`, `elements`).
    pub n_unit: String,
    /// The input's size in bytes.
    pub bytes: usize,
    /// The input's sha256 (a driver checks the input it reads against it).
    pub sha256: String,
    /// The native kernel's checksum over this input: the answer every engine must give.
    pub expected_checksum: String,
}

/// One module of the corpus: what it is, where it came from, what it imports and exports, and the
/// native answers it must reproduce.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ModuleEntry {
    /// Its name (`sha256`, `empty`, `sqlite`).
    pub name: String,
    /// What kind of module it is.
    pub kind: ModuleKind,
    /// `rust`, `wat`, `c`, `javascript`.
    pub source_language: String,
    /// Source path relative to the repository root.
    pub source: String,
    /// One line on what it does.
    pub description: String,
    /// File name inside the corpus directory.
    pub file: String,
    /// The wasm's sha256 (what a gate compares).
    pub sha256: String,
    /// The wasm's size in bytes.
    pub bytes: usize,
    /// `module.name` of every import.
    pub imports: Vec<String>,
    /// Every export with its kind and signature.
    pub exports: Vec<ExportEntry>,
    /// A Rust workload's inputs, one per size, with the native answers.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<InputEntry>,
    /// Micro-module calls with the native twin's results.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub calls: Vec<MicroCallOwned>,
    /// Whether it imports WASI preview 1 (a WASI program).
    #[serde(default)]
    pub is_wasi: bool,
    /// What built it (manifest version 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<Toolchain>,
    /// A WASI program's run and its native twin's observation.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wasi: Option<WasiProgramEntry>,
    /// A component's world (manifest version 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub component: Option<ComponentEntry>,
}

/// The corpus manifest (`manifest.json`): what `corpus build` made, byte-identical across builds.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Manifest {
    /// Always `wasmgauge-corpus`.
    pub schema: String,
    /// The manifest format's version.
    pub schema_version: u32,
    /// Seed of every generated input.
    pub input_seed: u64,
    /// The wasm target and cargo profile the Rust workloads were built with.
    pub rust_target: String,
    /// `release`.
    pub rust_profile: String,
    /// Every module, in build order.
    pub modules: Vec<ModuleEntry>,
}

/// A loaded corpus: its directory and manifest, with every file's hash checked.
#[derive(Clone, Debug)]
pub struct Corpus {
    /// The corpus directory.
    pub dir: PathBuf,
    /// Its manifest.
    pub manifest: Manifest,
}

pub use crate::values::sha256_hex;

/// A checksum as the manifest writes it (`0x` and 16 hex digits).
pub fn checksum_hex(v: u64) -> String {
    format!("{v:#018x}")
}

/// A checksum as the manifest writes it, read back.
pub fn parse_checksum(s: &str) -> Result<u64> {
    u64::from_str_radix(s.trim_start_matches("0x"), 16).with_context(|| format!("bad checksum `{s}` in manifest"))
}

/// One call of a WAT micro-module with the native twin's results (numbers as i64 bits).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MicroCallOwned {
    /// The export called.
    pub export: String,
    /// Its arguments.
    pub args: Vec<i64>,
    /// The native twin's results.
    pub results: Vec<i64>,
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
            if let Some(w) = &m.wasi {
                let twin = dir.join(&w.native);
                let bytes =
                    std::fs::read(&twin).with_context(|| format!("reading the native twin {}", twin.display()))?;
                if sha256_hex(&bytes) != w.native_sha256 {
                    bail!(
                        "native twin {} does not match its manifest hash; rebuild with `wasmgauge corpus build`",
                        w.native
                    );
                }
            }
        }
        Ok(corpus)
    }

    /// The module called `name`.
    pub fn module(&self, name: &str) -> Option<&ModuleEntry> {
        self.manifest.modules.iter().find(|m| m.name == name)
    }

    /// A module's wasm bytes, checked against the manifest's sha256.
    pub fn wasm(&self, m: &ModuleEntry) -> Result<Vec<u8>> {
        let path = self.dir.join(&m.file);
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    }

    /// Names of the modules a `run` measures by default: the Rust workloads and the WASI
    /// programs (each scenario takes the kinds it measures).
    pub fn default_workloads(&self) -> Vec<&str> {
        let measured = |k: ModuleKind| matches!(k, ModuleKind::RustWorkload | ModuleKind::WasiProgram);
        self.manifest.modules.iter().filter(|m| measured(m.kind)).map(|m| m.name.as_str()).collect()
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

/// The corpus a results file was measured on: its directory, the sha256 of its manifest and of
/// every module (what a gate compares), and what each module is (schema 7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusRecord {
    /// The corpus directory the run used.
    pub dir: String,
    /// The manifest's sha256.
    pub manifest_sha256: String,
    /// Module name -> sha256 of its wasm.
    pub modules: std::collections::BTreeMap<String, String>,
    /// What each module is (schema 7; empty in older files).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub described: Vec<CorpusModule>,
}

/// One corpus module as a results file describes it (schema 7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusModule {
    /// The module's name.
    pub name: String,
    /// What kind of module it is.
    pub kind: ModuleKind,
    /// Its source language.
    pub language: String,
    /// The wasm's size in bytes.
    pub bytes: u64,
    /// Whether it imports WASI preview 1.
    pub is_wasi: bool,
    /// What built it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub toolchain: Option<Toolchain>,
}

impl CorpusModule {
    /// The record of a manifest module.
    pub fn of(m: &ModuleEntry) -> CorpusModule {
        CorpusModule {
            name: m.name.clone(),
            kind: m.kind,
            language: m.source_language.clone(),
            bytes: m.bytes as u64,
            is_wasi: m.is_wasi,
            toolchain: m.toolchain.clone(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_round_trip_through_hex() {
        assert_eq!(parse_checksum(&checksum_hex(u64::MAX)).unwrap(), u64::MAX);
        assert_eq!(checksum_hex(1), "0x0000000000000001");
    }

    #[test]
    fn a_missing_corpus_says_how_to_build_one() {
        let dir = tempfile::tempdir().unwrap();
        let err = Corpus::load(dir.path()).unwrap_err().to_string();
        assert!(err.contains("wasmgauge corpus build"), "{err}");
        std::fs::write(dir.path().join(MANIFEST_FILE), "{").unwrap();
        assert!(format!("{:#}", Corpus::load(dir.path()).unwrap_err()).contains("corrupt corpus manifest"));
    }
}
