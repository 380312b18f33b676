//! `corpus build`: every guest compiled to wasm, plus a manifest that says what each one is
//! (the manifest format and its loader are `results::manifest`).
//!
//! `corpus build` compiles the Rust workloads to `wasm32-unknown-unknown` with cargo, the WAT
//! micro-modules and adversarial guests with the `wat` crate, checks each module (valid,
//! import-free unless it uses the harness's host functions), and writes `<name>.wasm` files and
//! `manifest.json`. The manifest records, per module: name, kind, source language and path,
//! sha256 and size of the wasm, imports and exports with signatures, and the expected answers
//! computed by the native twins: per input size for workloads, per call for micro-modules.
//! It holds nothing time- or machine-dependent, so two builds of the same sources are identical.

use crate::inspect::inspect;
use crate::toolchain::{RUST_TARGET, WASI_TARGET, cargo_target_dir};
use anyhow::{Context, Result, bail};
use measure::host;
use measure::micro as micro_native;
use results::Size;
use results::manifest::*;
use std::path::{Path, PathBuf};

/// A hand-written WAT module for call-overhead work. Its native twin is the expected results
/// table below, each value worked out by the Rust functions in `measure::micro`.
pub struct MicroModule {
    pub name: &'static str,
    pub description: &'static str,
    pub source: &'static str,
    /// Host functions it imports (see `measure::host`).
    pub imports_host: bool,
    pub calls: fn() -> Vec<MicroCallOwned>,
}

pub static MICRO_MODULES: &[MicroModule] = &[
    MicroModule {
        name: "mem_touch",
        description: "one 64 KiB memory page and an export that writes each of its 4 KiB pages (memory per instance)",
        source: include_str!("../../../workloads/wat/mem_touch.wat"),
        imports_host: false,
        calls: || vec![MicroCallOwned { export: "touch".into(), args: vec![], results: vec![16] }],
    },
    MicroModule {
        name: "empty",
        description: "an export that does nothing (host->guest call floor)",
        source: include_str!("../../../workloads/wat/empty.wat"),
        imports_host: false,
        calls: || vec![MicroCallOwned { export: "empty".into(), args: vec![], results: vec![] }],
    },
    MicroModule {
        name: "add4",
        description: "an export with 4 i64 params and 1 result",
        source: include_str!("../../../workloads/wat/add4.wat"),
        imports_host: false,
        calls: || {
            vec![MicroCallOwned {
                export: "add4".into(),
                args: vec![7, -3, 11, 0x55],
                results: vec![micro_native::add4(7, -3, 11, 0x55)],
            }]
        },
    },
    MicroModule {
        name: "host_loop",
        description: "an export that calls the host import wasmgauge.tick N times in a loop",
        source: include_str!("../../../workloads/wat/host_loop.wat"),
        imports_host: true,
        calls: || {
            vec![MicroCallOwned {
                export: "call_host".into(),
                args: vec![1000],
                results: vec![i64::from(micro_native::host_loop(1000))],
            }]
        },
    },
    MicroModule {
        name: "checksum",
        description: "checksum (and in-place invert) of a buffer the host wrote into guest memory",
        source: include_str!("../../../workloads/wat/checksum.wat"),
        imports_host: false,
        calls: || {
            // The manifest call checksums the first 4096 bytes at offset 0 after the host wrote
            // `checksum_buffer(4096)` there.
            let sum = micro_native::checksum(&micro_native::checksum_buffer(4096));
            vec![
                MicroCallOwned { export: "checksum".into(), args: vec![0, 4096], results: vec![sum] },
                MicroCallOwned { export: "invert".into(), args: vec![0, 4096], results: vec![sum] },
            ]
        },
    },
    MicroModule {
        name: "spin",
        description: "a loop whose work is exactly proportional to its argument (linearity checks)",
        source: include_str!("../../../workloads/wat/spin.wat"),
        imports_host: false,
        calls: || {
            vec![MicroCallOwned {
                export: "spin".into(),
                args: vec![100_000],
                results: vec![micro_native::spin(100_000)],
            }]
        },
    },
];

pub fn micro_module(name: &str) -> Option<&'static MicroModule> {
    MICRO_MODULES.iter().find(|m| m.name == name)
}

/// The `wat` crate's version (the assembler of the WAT modules), as Cargo.lock resolved it.
const WAT_VERSION: &str = env!("WG_WAT_VERSION");

/// Compiles every Rust workload to wasm with cargo and returns the directory of the artifacts.
fn cargo_build_workloads(repo: &Path) -> Result<PathBuf> {
    let mut cmd = crate::toolchain::cargo_command();
    cmd.current_dir(repo).args(["build", "--release", "--locked", "--target", RUST_TARGET]);
    for w in wg_workloads::RUST_WORKLOADS {
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

/// Builds the WASI probe (`workloads/rust/wasi_probe`) for `wasm32-wasip1` into
/// `out/wasi_probe.wasm`. It is not a workload (it imports WASI), so it is not in the manifest.
fn build_wasi_probe(repo: &Path, out: &Path) -> Result<()> {
    let status = crate::toolchain::cargo_command()
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
    std::fs::copy(&built, out.join(WASI_PROBE_FILE)).with_context(|| format!("copying {}", built.display()))?;
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
        is_wasi: false,
        toolchain: None,
        wasi: None,
        component: None,
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

    for w in wg_workloads::RUST_WORKLOADS {
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
    for m in MICRO_MODULES {
        let wasm = wat::parse_str(m.source).with_context(|| format!("assembling workloads/wat/{}.wat", m.name))?;
        let mut e =
            entry(m.name, ModuleKind::WatMicro, "wat", format!("workloads/wat/{}.wat", m.name), m.description, &wasm)?;
        e.calls = (m.calls)();
        put(e, &wasm)?;
    }
    for g in wg_workloads::ADVERSARIAL_GUESTS {
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
    // The Rust workloads' and the WAT modules' toolchains.
    let rustc = crate::toolchain::rustc_version()?;
    for m in &mut modules {
        m.toolchain = Some(match m.kind {
            ModuleKind::RustWorkload => Toolchain {
                name: "rustc".into(),
                version: rustc.trim_start_matches("rustc ").into(),
                target: RUST_TARGET.into(),
                native: rustc.clone(),
                embeds: None,
            },
            _ => Toolchain {
                name: "wat (Rust crate)".into(),
                version: WAT_VERSION.into(),
                target: "wasm32".into(),
                native: String::new(),
                embeds: None,
            },
        });
    }
    let components = crate::corpus_components::build_all(repo, out)?;
    for (e, wasm) in crate::corpus_wasi::build_all(repo, out)?.into_iter().chain(components) {
        std::fs::write(out.join(&e.file), &wasm).with_context(|| format!("writing {}", e.file))?;
        modules.push(e);
    }

    let manifest = Manifest {
        schema: MANIFEST_SCHEMA.into(),
        schema_version: MANIFEST_VERSION,
        input_seed: wg_workloads::INPUT_SEED,
        rust_target: RUST_TARGET.into(),
        rust_profile: "release".into(),
        modules,
    };
    let text = serde_json::to_string_pretty(&manifest)? + "\n";
    std::fs::write(out.join(MANIFEST_FILE), text)?;
    Ok(Corpus { dir: out.to_path_buf(), manifest })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inspect_reads_signatures_and_rejects_garbage() {
        let wasm = wat::parse_str(micro_module("add4").unwrap().source).unwrap();
        let shape = inspect(&wasm).unwrap();
        assert!(shape.imports.is_empty());
        let sig = shape.exports[0].signature.clone().unwrap();
        assert_eq!(sig.params, vec![results::ValType::I64; 4]);
        assert_eq!(sig.results, vec![results::ValType::I64]);
        let err = inspect(b"\0asm\x01\0\0\0\x05garbage").err().unwrap().to_string();
        assert!(err.contains("invalid WebAssembly module"), "{err}");
        let host_loop = wat::parse_str(micro_module("host_loop").unwrap().source).unwrap();
        assert_eq!(inspect(&host_loop).unwrap().imports, vec!["wasmgauge.tick"]);
    }
}
