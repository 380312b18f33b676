//! The WASI programs of the corpus ([`WASI_PROGRAMS`], one line each): every one is a single
//! source built twice, for WebAssembly with WASI and for the host (its native twin), and run
//! once natively by `corpus build` in a fresh copy of its data directory, so the manifest
//! records what every engine must reproduce (exit code, stdout, files written).
//!
//! C is compiled with clang for `wasm32-wasi` against Debian's wasi-libc, and with the host's
//! `cc` for the twin (`scripts/setup.sh` installs both). The C sources of SQLite and QuickJS-ng
//! come from crates on crates.io, pinned by `workloads/wasi/vendor/Cargo.lock` (cargo fetches
//! them; nothing else of those crates is used). Rust is built with cargo for `wasm32-wasip1`
//! and for the host. Compiled C is cached in the cargo target directory under a hash of the
//! compiler, the flags and the sources, so a second build costs nothing.
use crate::inspect::inspect;
use crate::toolchain::{WASI_TARGET, WasiClang, cargo_target_dir, first_line, rustc_version, version_in};
use anyhow::{Context, Result, anyhow, bail};
use measure::wasi_files::{RunDir, RunFiles, digest_tree, run_native, with_dir};
use results::Size;
use results::manifest::Toolchain;
use results::manifest::{ModuleEntry, ModuleKind, WasiProgramEntry, sha256_hex};
use std::path::{Path, PathBuf};
use std::process::Command;

/// The guest's name for the program's data directory.
pub const GUEST_DIR: &str = "/data";

/// One C source file: in this repository, or shipped inside a vendored crate.
pub enum CFile {
    Repo(&'static str),
    Vendored { package: &'static str, path: &'static str },
}

/// How a program is built.
pub enum Build {
    /// C: `files` compiled and linked with `defines` (`NAME` or `NAME=VALUE`) and the include
    /// directories `includes` (vendored crate folders).
    C {
        files: &'static [CFile],
        includes: &'static [CFile],
        defines: &'static [&'static str],
        /// The engine or library the program embeds, named in its toolchain line, and the
        /// vendored file holding its version (`#define <macro> "x.y.z"`).
        embeds: Option<Embedded>,
    },
    /// A Rust binary of a workspace package, built for `wasm32-wasip1` and for the host.
    Rust { package: &'static str, bin: &'static str },
}

/// An engine or library compiled into a C program (SQLite, QuickJS-ng).
pub struct Embedded {
    pub name: &'static str,
    pub version_file: CFile,
    /// The lines of `version_file` whose quoted or numeric values, joined by dots, are the version.
    pub version_macros: &'static [&'static str],
}

/// The files a program's data directory starts with: name and bytes.
pub type DataFiles = Vec<(String, Vec<u8>)>;

/// One WASI program of the corpus.
pub struct WasiProgram {
    pub name: &'static str,
    /// The language of the code that does the work (a JS engine's guest is `javascript`).
    pub language: &'static str,
    /// Its folder in this repository.
    pub source: &'static str,
    pub description: &'static str,
    pub build: Build,
    /// Arguments after the program name; `{dir}` is its data directory (guest: `/data`).
    pub args: &'static [&'static str],
    /// The files its data directory starts with.
    pub data: fn(repo: &Path) -> Result<DataFiles>,
}

fn no_data(_: &Path) -> Result<DataFiles> {
    Ok(Vec::new())
}

/// The text the Rust transform reads: the `deflate` workload's large input (262,144 bytes of
/// generated prose, the same bytes on every build).
fn transform_input(_: &Path) -> Result<DataFiles> {
    let w = wg_workloads::rust_workload("deflate").context("the deflate workload generates the text")?;
    Ok(vec![("input.txt".into(), w.input_for(Size::Large))])
}

fn quickjs_script(repo: &Path) -> Result<DataFiles> {
    let path = repo.join("workloads/wasi/quickjs/bench.js");
    Ok(vec![("bench.js".into(), std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?)])
}

pub static WASI_PROGRAMS: &[WasiProgram] = &[
    WasiProgram {
        name: "wasi_io",
        language: "rust",
        source: "workloads/rust/wasi_io",
        description: "reads 256 KiB of text, rewrites every line (words reversed, upper-cased, numbered) into a new file, prints counts and a hash",
        build: Build::Rust { package: "wl-wasi-io", bin: "wasi_io" },
        args: &["transform", "{dir}/input.txt", "{dir}/output.txt"],
        data: transform_input,
    },
    WasiProgram {
        name: "sqlite",
        language: "c",
        source: "workloads/wasi/sqlite",
        description: "SQLite: builds a 4,000-row table in a database file, indexes it, prints grouped, ranked and filtered query results",
        build: Build::C {
            files: &[
                CFile::Repo("workloads/wasi/sqlite/sqlite_bench.c"),
                CFile::Vendored { package: "libsqlite3-sys", path: "sqlite3/sqlite3.c" },
            ],
            includes: &[CFile::Vendored { package: "libsqlite3-sys", path: "sqlite3" }],
            defines: &[
                "SQLITE_THREADSAFE=0",
                "SQLITE_OMIT_LOAD_EXTENSION",
                "SQLITE_TEMP_STORE=3",
                "SQLITE_DEFAULT_MEMSTATUS=0",
                "LONGDOUBLE_TYPE=double",
            ],
            embeds: Some(Embedded {
                name: "SQLite",
                version_file: CFile::Vendored { package: "libsqlite3-sys", path: "sqlite3/sqlite3.h" },
                version_macros: &["#define SQLITE_VERSION "],
            }),
        },
        args: &["{dir}/orders.db", "4000"],
        data: no_data,
    },
    WasiProgram {
        name: "quickjs",
        language: "javascript",
        source: "workloads/wasi/quickjs",
        description: "QuickJS-ng running a script: builds 1,000 JSON records, parses them back, aggregates by tag, hashes, scans with a regex, prints the table",
        build: Build::C {
            files: &[
                CFile::Repo("workloads/wasi/quickjs/qjs_run.c"),
                CFile::Vendored { package: "rquickjs-sys", path: "quickjs/quickjs.c" },
                CFile::Vendored { package: "rquickjs-sys", path: "quickjs/libregexp.c" },
                CFile::Vendored { package: "rquickjs-sys", path: "quickjs/libunicode.c" },
                CFile::Vendored { package: "rquickjs-sys", path: "quickjs/cutils.c" },
                CFile::Vendored { package: "rquickjs-sys", path: "quickjs/dtoa.c" },
            ],
            includes: &[CFile::Vendored { package: "rquickjs-sys", path: "quickjs" }],
            defines: &["_GNU_SOURCE"],
            embeds: Some(Embedded {
                name: "QuickJS-ng",
                version_file: CFile::Vendored { package: "rquickjs-sys", path: "quickjs/quickjs.h" },
                version_macros: &[
                    "#define QJS_VERSION_MAJOR ",
                    "#define QJS_VERSION_MINOR ",
                    "#define QJS_VERSION_PATCH ",
                ],
            }),
        },
        args: &["{dir}/bench.js", "1000"],
        data: quickjs_script,
    },
];

/// The folder holding the vendoring manifest.
const VENDOR: &str = "workloads/wasi/vendor";

/// The vendored crates' folders, fetched from crates.io as `workloads/wasi/vendor/Cargo.lock`
/// pins them: package name -> (version, folder).
fn vendored_crates(repo: &Path) -> Result<Vec<(String, String, PathBuf)>> {
    let manifest = repo.join(VENDOR).join("Cargo.toml");
    let status = crate::toolchain::cargo_command()
        .args(["fetch", "--locked", "--manifest-path"])
        .arg(&manifest)
        .status()
        .context("running cargo fetch for the vendored C sources")?;
    if !status.success() {
        bail!("cargo could not fetch the C sources pinned by {} ({status})", manifest.display());
    }
    let out = crate::toolchain::cargo_command()
        .args(["metadata", "--locked", "--offline", "--format-version", "1", "--manifest-path"])
        .arg(&manifest)
        .output()
        .context("running cargo metadata for the vendored C sources")?;
    if !out.status.success() {
        bail!("cargo metadata failed for {}: {}", manifest.display(), String::from_utf8_lossy(&out.stderr));
    }
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout)?;
    let packages = meta["packages"].as_array().ok_or_else(|| anyhow!("cargo metadata printed no packages"))?;
    Ok(packages
        .iter()
        .filter_map(|p| {
            let dir = Path::new(p["manifest_path"].as_str()?).parent()?.to_path_buf();
            Some((p["name"].as_str()?.to_string(), p["version"].as_str()?.to_string(), dir))
        })
        .collect())
}

/// What building the C programs needs: the vendored folders and the two compilers' versions.
struct CToolchain {
    crates: Vec<(String, String, PathBuf)>,
    clang: String,
    wasi_libc: String,
    cc: String,
}

impl CToolchain {
    fn find(repo: &Path) -> Result<CToolchain> {
        let WasiClang { clang, wasi_libc } = WasiClang::find()?;
        let cc = first_line("cc", &["--version"], WasiClang::INSTALL)?;
        Ok(CToolchain { crates: vendored_crates(repo)?, clang, wasi_libc, cc })
    }

    fn path(&self, repo: &Path, f: &CFile) -> Result<PathBuf> {
        Ok(match f {
            CFile::Repo(p) => repo.join(p),
            CFile::Vendored { package, path } => {
                let (_, _, dir) = self
                    .crates
                    .iter()
                    .find(|(n, _, _)| n == package)
                    .ok_or_else(|| anyhow!("{package} is not in {VENDOR}/Cargo.lock"))?;
                dir.join(path)
            }
        })
    }

    /// `SQLite 3.50.2 (C source from libsqlite3-sys 0.35.0)`.
    fn embedded(&self, repo: &Path, e: &Embedded) -> Result<String> {
        let file = self.path(repo, &e.version_file)?;
        let text = std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?;
        let parts: Vec<String> = e
            .version_macros
            .iter()
            .map(|m| {
                text.lines()
                    .find_map(|l| l.strip_prefix(m))
                    .map(|v| v.trim().trim_matches('"').to_string())
                    .ok_or_else(|| anyhow!("no `{m}` in {}", file.display()))
            })
            .collect::<Result<_>>()?;
        let from = match &e.version_file {
            CFile::Vendored { package, .. } => self
                .crates
                .iter()
                .find(|(n, _, _)| n == package)
                .map(|(n, v, _)| format!(" (C source from the {n} {v} crate)"))
                .unwrap_or_default(),
            CFile::Repo(_) => String::new(),
        };
        Ok(format!("{} {}{from}", e.name, parts.join(".")))
    }
}

/// Flags of the WebAssembly build: WASI libc's emulations of what SQLite and QuickJS expect of
/// POSIX, a 1 MiB stack (wasm-ld's default is 64 KiB), symbols stripped.
const WASM_CFLAGS: &[&str] = &[
    "--target=wasm32-wasi",
    "--sysroot=/usr",
    "-O2",
    "-D_WASI_EMULATED_MMAN",
    "-D_WASI_EMULATED_GETPID",
    "-D_WASI_EMULATED_SIGNAL",
    "-D_WASI_EMULATED_PROCESS_CLOCKS",
];
const WASM_LDFLAGS: &[&str] = &[
    "-Wl,--strip-all",
    "-Wl,-z,stack-size=1048576",
    "-lwasi-emulated-mman",
    "-lwasi-emulated-getpid",
    "-lwasi-emulated-signal",
    "-lwasi-emulated-process-clocks",
];
const NATIVE_CFLAGS: &[&str] = &["-O2"];
const NATIVE_LDFLAGS: &[&str] = &["-lm"];

/// Compiles and links one C program for one side into `cache` (reused when the compiler, flags
/// and sources are unchanged); returns the binary. Each source file is compiled on its own
/// thread (SQLite's and QuickJS's take about a minute each), and the two sides of a program are
/// built at the same time.
fn build_c(repo: &Path, tc: &CToolchain, p: &WasiProgram, wasm: bool, cache: &Path) -> Result<PathBuf> {
    let Build::C { files, includes, defines, .. } = &p.build else { bail!("{} is not a C program", p.name) };
    let (compiler, cflags, ldflags, version) = if wasm {
        ("clang", WASM_CFLAGS, WASM_LDFLAGS, format!("clang {} wasi-libc {}", tc.clang, tc.wasi_libc))
    } else {
        ("cc", NATIVE_CFLAGS, NATIVE_LDFLAGS, tc.cc.clone())
    };
    let mut flags: Vec<String> = cflags.iter().map(|s| s.to_string()).collect();
    flags.extend(defines.iter().map(|d| format!("-D{d}")));
    for i in *includes {
        flags.push(format!("-I{}", tc.path(repo, i)?.display()));
    }
    let sources: Vec<PathBuf> = files.iter().map(|f| tc.path(repo, f)).collect::<Result<_>>()?;
    let mut key = format!("{version}\n{}\n{}\n", flags.join(" "), ldflags.join(" "));
    for s in &sources {
        let bytes = std::fs::read(s).with_context(|| format!("reading {}", s.display()))?;
        key.push_str(&format!("{} {}\n", s.file_name().unwrap_or_default().to_string_lossy(), sha256_hex(&bytes)));
    }
    let dir = cache.join(format!("{}-{}", p.name, &sha256_hex(key.as_bytes())[..16]));
    let out = dir.join(if wasm { format!("{}.wasm", p.name) } else { p.name.to_string() });
    if out.is_file() {
        return Ok(out);
    }
    std::fs::create_dir_all(&dir)?;
    let side = if wasm { "wasm32-wasi" } else { "native" };
    eprintln!("corpus: compiling {} ({side}, {} C files) ...", p.name, sources.len());
    let objects: Vec<PathBuf> = (0..sources.len()).map(|i| dir.join(format!("{i}.o"))).collect();
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1).min(sources.len());
    let errors: Vec<String> = std::thread::scope(|s| {
        let workers: Vec<_> = (0..threads)
            .map(|_| {
                s.spawn(|| {
                    let mut errs = Vec::new();
                    loop {
                        let i = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                        let Some(src) = sources.get(i) else { break };
                        let res =
                            Command::new(compiler).args(&flags).arg("-c").arg(src).arg("-o").arg(&objects[i]).output();
                        match res {
                            Ok(o) if o.status.success() => {}
                            Ok(o) => errs.push(format!(
                                "{compiler} failed on {}:\n{}",
                                src.display(),
                                String::from_utf8_lossy(&o.stderr).lines().take(20).collect::<Vec<_>>().join("\n")
                            )),
                            Err(e) => errs.push(format!("starting {compiler}: {e}")),
                        }
                    }
                    errs
                })
            })
            .collect();
        workers
            .into_iter()
            .flat_map(|w| w.join().unwrap_or_else(|_| vec!["a compile thread panicked".into()]))
            .collect()
    });
    if !errors.is_empty() {
        bail!("building {} ({side}): {}", p.name, errors.join("\n"));
    }
    let partial = dir.join("linking");
    let o = Command::new(compiler)
        .args(cflags)
        .args(&objects)
        .args(ldflags)
        .arg("-o")
        .arg(&partial)
        .output()
        .with_context(|| format!("starting {compiler}"))?;
    if !o.status.success() {
        bail!("linking {} ({side}): {}", p.name, String::from_utf8_lossy(&o.stderr));
    }
    std::fs::rename(&partial, &out)?;
    for obj in &objects {
        let _ = std::fs::remove_file(obj);
    }
    Ok(out)
}

/// Builds a Rust program with cargo for `wasm32-wasip1` and for the host; returns both binaries.
fn build_rust(repo: &Path, package: &str, bin: &str) -> Result<(PathBuf, PathBuf)> {
    for target in [Some(WASI_TARGET), None] {
        let mut cmd = crate::toolchain::cargo_command();
        cmd.current_dir(repo).args(["build", "--release", "--locked", "-p", package, "--bin", bin]);
        if let Some(t) = target {
            cmd.args(["--target", t]);
        }
        let status = cmd.status().with_context(|| format!("running cargo to build {package}"))?;
        if !status.success() {
            bail!(
                "cargo could not build {package} for {} ({status}); is the target installed? (run scripts/setup.sh)",
                target.unwrap_or("the host")
            );
        }
    }
    let target = cargo_target_dir(repo);
    Ok((target.join(WASI_TARGET).join("release").join(format!("{bin}.wasm")), target.join("release").join(bin)))
}

/// Builds every WASI program into `out` (`<name>.wasm`, `native/<name>`, `<name>.data/`), runs
/// each native twin once in a fresh copy of its data directory, and returns the manifest
/// entries with the observations every engine must reproduce.
pub fn build_all(repo: &Path, out: &Path) -> Result<Vec<(ModuleEntry, Vec<u8>)>> {
    let cache = cargo_target_dir(repo).join("wasmgauge-wasi-c");
    let mut c_toolchain: Option<CToolchain> = None;
    let mut built = Vec::new();
    std::fs::create_dir_all(out.join("native"))?;
    for p in WASI_PROGRAMS {
        let (wasm_path, native_path, toolchain) = match &p.build {
            Build::Rust { package, bin } => {
                let (w, n) = build_rust(repo, package, bin)?;
                let rustc = rustc_version()?;
                let t = Toolchain {
                    name: "rustc".into(),
                    version: version_in(&rustc),
                    target: WASI_TARGET.into(),
                    native: rustc,
                    embeds: None,
                };
                (w, n, t)
            }
            Build::C { embeds, .. } => {
                if c_toolchain.is_none() {
                    c_toolchain = Some(CToolchain::find(repo)?);
                }
                let tc = c_toolchain.as_ref().expect("found above");
                // Both sides at once: SQLite is one large file per side, so its two compiles
                // would otherwise run one after the other on one core.
                let (w, n) = std::thread::scope(|s| {
                    let native = s.spawn(|| build_c(repo, tc, p, false, &cache));
                    let wasm = build_c(repo, tc, p, true, &cache);
                    (wasm, native.join().unwrap_or_else(|_| Err(anyhow!("the native compile panicked"))))
                });
                let (w, n) = (w?, n?);
                let t = Toolchain {
                    name: "clang + wasi-libc".into(),
                    version: format!("clang {}, wasi-libc {}", tc.clang, tc.wasi_libc),
                    target: "wasm32-wasi".into(),
                    native: tc.cc.clone(),
                    embeds: embeds.as_ref().map(|e| tc.embedded(repo, e)).transpose()?,
                };
                (w, n, t)
            }
        };
        let wasm = std::fs::read(&wasm_path).with_context(|| format!("reading {}", wasm_path.display()))?;
        let shape = inspect(&wasm).with_context(|| format!("WASI program `{}`", p.name))?;
        if let Some(other) = shape.imports.iter().find(|i| !i.starts_with("wasi_snapshot_preview1.")) {
            bail!("WASI program `{}` imports `{other}`; only WASI preview 1 is provided", p.name);
        }
        let native_file = format!("native/{}", p.name);
        std::fs::copy(&native_path, out.join(&native_file))
            .with_context(|| format!("copying {}", native_path.display()))?;
        let native_bytes = std::fs::read(out.join(&native_file))?;
        let data_dir = format!("{}.data", p.name);
        let data_path = out.join(&data_dir);
        if data_path.exists() {
            std::fs::remove_dir_all(&data_path)?;
        }
        std::fs::create_dir_all(&data_path)?;
        for (name, bytes) in (p.data)(repo)? {
            std::fs::write(data_path.join(&name), bytes)?;
        }
        let args: Vec<String> = p.args.iter().map(|a| a.to_string()).collect();
        let expected = observe_native_twin(&out.join(&native_file), &data_path, &args)
            .with_context(|| format!("running the native twin of `{}`", p.name))?;
        if expected.exit_code != 0 {
            bail!(
                "the native twin of `{}` exited with {}: {}",
                p.name,
                expected.exit_code,
                expected.stderr.head.join(" / ")
            );
        }
        let entry = ModuleEntry {
            name: p.name.to_string(),
            kind: ModuleKind::WasiProgram,
            source_language: p.language.to_string(),
            source: p.source.to_string(),
            description: p.description.to_string(),
            file: format!("{}.wasm", p.name),
            sha256: sha256_hex(&wasm),
            bytes: wasm.len(),
            imports: shape.imports,
            exports: shape.exports,
            inputs: Vec::new(),
            calls: Vec::new(),
            is_wasi: true,
            toolchain: Some(toolchain),
            wasi: Some(WasiProgramEntry {
                native: native_file,
                native_sha256: sha256_hex(&native_bytes),
                args,
                data_dir,
                guest_dir: GUEST_DIR.into(),
                expected,
            }),
            component: None,
        };
        built.push((entry, wasm));
    }
    Ok(built)
}

/// Runs a native twin once in a fresh copy of `data` and observes it.
pub fn observe_native_twin(program: &Path, data: &Path, args: &[String]) -> Result<results::wasi_command::Observed> {
    let scratch = tempfile::tempdir()?;
    let copy = scratch.path().join("data");
    measure::wasi_files::copy_tree(data, &copy)?;
    let before = digest_tree(data)?;
    let files = RunFiles {
        dirs: vec![RunDir { guest: GUEST_DIR, copy: copy.clone(), before: &before }],
        stdout: scratch.path().join("stdout"),
        stderr: scratch.path().join("stderr"),
    };
    let (code, _) = run_native(program, &with_dir(args, &copy.to_string_lossy()), &files.stdout, &files.stderr)?;
    Ok(files.observe(code)?.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_are_read_from_version_lines() {
        assert_eq!(version_in("Debian clang version 14.0.6"), "14.0.6");
        assert_eq!(version_in("rustc 1.95.0"), "1.95.0");
    }

    #[test]
    fn every_program_names_its_folder_and_a_known_language() {
        for p in WASI_PROGRAMS {
            assert!(Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").join(p.source).is_dir(), "{}", p.source);
            assert!(["rust", "c", "javascript"].contains(&p.language), "{}", p.language);
        }
    }
}
