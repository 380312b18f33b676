//! The corpus's components: guests of the `wasmgauge:plugin` WIT world
//! (`workloads/components/wit/plugin.wit`), built into `corpus/components/<name>.wasm` with
//! their language, toolchain, size and world in the manifest: the Rust guest
//! (`workloads/components/rust`, `wasm32-wasip2` with wit-bindgen, a cargo workspace of its own),
//! the C guest (`workloads/components/c`, wit-bindgen's C generator, clang and wasi-libc, the
//! preview 1 adapter) and the Python guest (`workloads/components/python`, componentize-py from
//! the virtual environment `scripts/setup.sh` makes; CPython inside) and the JavaScript guest
//! (`workloads/components/js`, componentize-js from the npm packages `scripts/setup.sh` installs;
//! SpiderMonkey inside). A built Python or JavaScript component is kept in the user cache under
//! the hash of its inputs (both toolchains' output differs from build to build), so every corpus
//! build on a machine has the same one.
//!
//! Beside them, the plugin-kit plugin of `plugin-calls` (`workloads/extism`, extism-pdk for
//! `wasm32-unknown-unknown`), built into `corpus/plugins/plugin-extism.wasm`: the component
//! world's `noop`, `invert` and `call-host` as Extism functions.
use crate::toolchain::{WasiClang, cargo_target_dir, rustc_version, user_cache_dir};
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

/// The version of `package` a lockfile pins.
fn locked_version(lock: &Path, package: &str) -> Result<String> {
    let text = std::fs::read_to_string(lock).with_context(|| format!("reading {}", lock.display()))?;
    let mut lines = text.lines();
    let name = format!("name = \"{package}\"");
    while let Some(line) = lines.next() {
        if line == name
            && let Some(v) = lines.next().and_then(|l| l.strip_prefix("version = \""))
        {
            return Ok(v.trim_end_matches('"').to_string());
        }
    }
    bail!("{} pins no {package}", lock.display())
}

/// `cargo build --release --locked` of the workspace at `manifest` into `target_dir`, with `extra`
/// arguments (each guest's workspace has its own lockfile and shares the target directory).
fn cargo_build_release(
    manifest: &Path,
    target_dir: &Path,
    extra: &[&str],
) -> std::io::Result<std::process::ExitStatus> {
    crate::toolchain::cargo_command()
        .args(["build", "--release", "--locked"])
        .args(extra)
        .arg("--manifest-path")
        .arg(manifest)
        .arg("--target-dir")
        .arg(target_dir)
        .status()
}

/// Runs one step of a guest's build (`what` names the tool); a non-zero exit is `failure`.
fn run_tool(cmd: &mut Command, what: &str, failure: &str) -> Result<()> {
    let status = cmd.status().with_context(|| format!("running {what}"))?;
    if !status.success() {
        bail!("{failure} ({status})");
    }
    Ok(())
}

/// Builds every component guest into `out/components/` and returns their manifest entries.
pub fn build_all(repo: &Path, out: &Path) -> Result<Vec<(ModuleEntry, Vec<u8>)>> {
    std::fs::create_dir_all(out.join("components"))?;
    std::fs::create_dir_all(out.join("plugins"))?;
    Ok(vec![rust(repo)?, c(repo)?, python(repo)?, js(repo)?, extism(repo)?])
}

/// The target the Extism plugin is built for.
const PLUGIN_TARGET: &str = "wasm32-unknown-unknown";

/// The Extism plugin, built by cargo for wasm32-unknown-unknown with extism-pdk.
fn extism(repo: &Path) -> Result<(ModuleEntry, Vec<u8>)> {
    let dir = repo.join("workloads/extism");
    let target_dir = cargo_target_dir(repo);
    let status = cargo_build_release(&dir.join("Cargo.toml"), &target_dir, &["--target", PLUGIN_TARGET])
        .context("running cargo to build the Extism plugin")?;
    if !status.success() {
        bail!(
            "cargo could not build the Extism plugin for {PLUGIN_TARGET} ({status}); is the target installed? \
             (`rustup target add {PLUGIN_TARGET}`, or run scripts/setup.sh)"
        );
    }
    let built = target_dir.join(PLUGIN_TARGET).join("release").join("wl_plugin_extism.wasm");
    let wasm = std::fs::read(&built).with_context(|| format!("reading {}", built.display()))?;
    let version = format!(
        "{}, extism-pdk {}",
        rustc_version()?.trim_start_matches("rustc "),
        locked_version(&dir.join("Cargo.lock"), "extism-pdk")?
    );
    let toolchain = Toolchain {
        name: "rustc + extism-pdk".into(),
        version,
        target: PLUGIN_TARGET.into(),
        native: String::new(),
        embeds: None,
    };
    let shape = crate::inspect::inspect(&wasm).context("the Extism plugin")?;
    let name = "plugin-extism";
    let entry = ModuleEntry {
        name: name.into(),
        kind: ModuleKind::KitPlugin,
        source_language: "rust".into(),
        source: "workloads/extism".into(),
        description: "an Extism plugin (extism-pdk): the plugin world's noop, invert and call-host, bytes in and out"
            .into(),
        file: format!("plugins/{name}.wasm"),
        sha256: sha256_hex(&wasm),
        bytes: wasm.len(),
        imports: shape.imports,
        exports: shape.exports,
        inputs: Vec::new(),
        calls: Vec::new(),
        is_wasi: false,
        toolchain: Some(toolchain),
        wasi: None,
        component: None,
    };
    Ok((entry, wasm))
}

/// The Python guest's toolchain, as `scripts/setup.sh` installs it.
pub const COMPONENTIZE_PY: &str = "workloads/components/python/.venv/bin/componentize-py";

/// The Python guest, built by componentize-py (or taken from the cache of the same inputs).
fn python(repo: &Path) -> Result<(ModuleEntry, Vec<u8>)> {
    let dir = repo.join("workloads/components/python");
    let tool = repo.join(COMPONENTIZE_PY);
    if !tool.exists() {
        bail!("componentize-py is not installed ({}): run scripts/setup.sh", tool.display());
    }
    let version = Command::new(&tool).arg("--version").output().context("running componentize-py --version")?;
    let version = String::from_utf8_lossy(&version.stdout).trim().trim_start_matches("componentize-py ").to_string();
    let mut inputs = version.clone().into_bytes();
    for file in ["app.py", "calls.py"] {
        inputs.extend(std::fs::read(dir.join(file)).with_context(|| format!("reading {file}"))?);
    }
    inputs.extend(std::fs::read(repo.join(PLUGIN_WIT))?);
    // componentize-py pre-initializes CPython with a random seed from the build machine, so its
    // output differs from build to build: the guest is kept in the user cache.
    let wit = repo.join(PLUGIN_WIT);
    let wasm = cached_build("plugin-python", &inputs, |out| {
        run_tool(
            Command::new(&tool)
                .arg("-d")
                .arg(wit.parent().unwrap_or(repo))
                .args(["-w", "plugin", "componentize", "app", "-o"])
                .arg(out)
                .current_dir(&dir)
                .env("PYTHONDONTWRITEBYTECODE", "1")
                .stdout(std::process::Stdio::null()),
            "componentize-py",
            "componentize-py could not build the Python component guest",
        )
    })?;
    let cpython = cpython_version(&wasm);
    let entry = component_entry(
        ("plugin-python", "python", "workloads/components/python"),
        "the wasmgauge:plugin world in Python (componentize-py; CPython inside)",
        &wasm,
        Toolchain {
            name: "componentize-py".into(),
            version,
            target: "wasm32-wasip2 (component)".into(),
            native: String::new(),
            embeds: Some(cpython.map(|v| format!("CPython {v}")).unwrap_or_else(|| "CPython".into())),
        },
        true,
    );
    Ok((entry, wasm))
}

/// A guest whose toolchain's output differs from build to build (an interpreter pre-initialized
/// with a random seed), built once per machine and hash of its `inputs` and kept in the user
/// cache, where a fresh cargo target directory still finds it: `build` writes the component to
/// the path it is given. Two corpus builds at once (tests run in parallel) must not both build
/// and replace it under each other: the first builds while holding the lock, the others wait and
/// read what it made.
fn cached_build(name: &str, inputs: &[u8], build: impl FnOnce(&Path) -> Result<()>) -> Result<Vec<u8>> {
    let cache = user_cache_dir().join("components");
    let cached = cache.join(format!("{name}-{}.wasm", &sha256_hex(inputs)[..16]));
    std::fs::create_dir_all(&cache)?;
    let lock = std::fs::File::create(cache.join(format!("{name}.lock")))?;
    lock.lock().with_context(|| format!("locking the cache of {name}"))?;
    if !cached.exists() {
        let tmp = cached.with_extension(format!("tmp{}", std::process::id()));
        build(&tmp)?;
        std::fs::rename(&tmp, &cached)?;
    }
    let wasm = std::fs::read(&cached)?;
    drop(lock);
    if !wasmparser::Parser::is_component(&wasm) {
        bail!("{} is not a component", cached.display());
    }
    Ok(wasm)
}

/// The JavaScript guest's toolchain, as `scripts/setup.sh` installs it (`npm ci`).
pub const COMPONENTIZE_JS: &str = "workloads/components/js/node_modules/@bytecodealliance/componentize-js";

/// The JavaScript guest, built by componentize-js (or taken from the cache of the same inputs):
/// SpiderMonkey (StarlingMonkey) pre-initialized with `app.js` by Wizer, without the outbound
/// HTTP and `fetch` event features the world does not use.
fn js(repo: &Path) -> Result<(ModuleEntry, Vec<u8>)> {
    let dir = repo.join("workloads/components/js");
    let package = repo.join(COMPONENTIZE_JS);
    let cli = package.join("src/cli.js");
    if !cli.exists() {
        bail!("componentize-js is not installed ({}): run scripts/setup.sh", package.display());
    }
    let version = package_version(&package.join("package.json"))?;
    let node = Command::new("node").arg("--version").output().context("running node --version")?;
    let node = String::from_utf8_lossy(&node.stdout).trim().to_string();
    let mut inputs = format!("{version} {node}").into_bytes();
    // The lockfile too: it pins componentize-js's dependencies (Wizer, jco, preview2-shim).
    for file in ["app.js", "package-lock.json"] {
        inputs.extend(std::fs::read(dir.join(file)).with_context(|| format!("reading {file}"))?);
    }
    inputs.extend(std::fs::read(repo.join(PLUGIN_WIT))?);
    // Wizer's snapshot of SpiderMonkey differs from build to build: kept in the user cache.
    let wit = repo.join(PLUGIN_WIT);
    let wasm = cached_build("plugin-js", &inputs, |out| {
        run_tool(
            Command::new("node")
                .arg(&cli)
                .arg("app.js")
                .arg("--wit")
                .arg(wit.parent().unwrap_or(repo))
                .args(["--world-name", "plugin", "--disable", "http", "fetch-event", "--out"])
                .arg(out)
                .current_dir(&dir)
                .stdout(std::process::Stdio::null()),
            "componentize-js (node)",
            "componentize-js could not build the JavaScript component guest",
        )
    })?;
    let entry = component_entry(
        ("plugin-js", "javascript", "workloads/components/js"),
        "the wasmgauge:plugin world in JavaScript (componentize-js; SpiderMonkey inside)",
        &wasm,
        Toolchain {
            name: "componentize-js".into(),
            version: format!("{version} (on Node.js {node})"),
            target: "wasm32-wasip2 (component)".into(),
            native: String::new(),
            embeds: Some("SpiderMonkey (StarlingMonkey)".into()),
        },
        true,
    );
    Ok((entry, wasm))
}

/// The `version` of an npm package's `package.json`.
fn package_version(package_json: &Path) -> Result<String> {
    let text = std::fs::read_to_string(package_json).with_context(|| format!("reading {}", package_json.display()))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("parsing {}", package_json.display()))?;
    json["version"].as_str().map(str::to_string).with_context(|| format!("{} has no version", package_json.display()))
}

/// The CPython version a component bundles, from its `sys.version` text (`3.14.0 (main, ...`).
fn cpython_version(wasm: &[u8]) -> Option<String> {
    let text = String::from_utf8_lossy(wasm);
    text.match_indices(" (main, ").find_map(|(at, _)| {
        let head = &text[..at];
        let start = head.rfind(|c: char| !(c.is_ascii_digit() || c == '.'))? + 1;
        let v = &head[start..];
        (v.starts_with("3.") && v.matches('.').count() == 2).then(|| v.to_string())
    })
}

/// A component's manifest entry: (name, language, source directory), what it is, its bytes,
/// toolchain, and whether it bundles a language runtime.
fn component_entry(
    (name, language, source): (&str, &str, &str),
    description: &str,
    wasm: &[u8],
    toolchain: Toolchain,
    bundles_runtime: bool,
) -> ModuleEntry {
    ModuleEntry {
        name: name.into(),
        kind: ModuleKind::Component,
        source_language: language.into(),
        source: source.into(),
        description: description.into(),
        file: format!("components/{name}.wasm"),
        sha256: sha256_hex(wasm),
        bytes: wasm.len(),
        imports: Vec::new(),
        exports: Vec::new(),
        inputs: Vec::new(),
        calls: Vec::new(),
        is_wasi: false,
        toolchain: Some(toolchain),
        wasi: None,
        component: Some(ComponentEntry { world: PLUGIN_WORLD.into(), wit: PLUGIN_WIT.into(), bundles_runtime }),
    }
}

/// The Rust guest, built by cargo for wasm32-wasip2.
fn rust(repo: &Path) -> Result<(ModuleEntry, Vec<u8>)> {
    let dir = repo.join("workloads/components/rust");
    let manifest = dir.join("Cargo.toml");
    let target_dir = cargo_target_dir(repo);
    let status = cargo_build_release(&manifest, &target_dir, &["--target", COMPONENT_TARGET])
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
    let rustc = rustc_version()?;
    let version = format!(
        "{}, wit-bindgen {}",
        rustc.trim_start_matches("rustc "),
        locked_version(&dir.join("Cargo.lock"), "wit-bindgen")?
    );
    let toolchain = Toolchain {
        name: "rustc + wit-bindgen".into(),
        version,
        target: COMPONENT_TARGET.into(),
        native: String::new(),
        embeds: None,
    };
    let what = "the wasmgauge:plugin world in Rust (wit-bindgen)";
    let entry = component_entry(("plugin-rust", "rust", "workloads/components/rust"), what, &wasm, toolchain, false);
    Ok((entry, wasm))
}

/// The C guest: wit-bindgen's C bindings, clang for `wasm32-wasi` with Debian's wasi-libc, and
/// wit-component with the WASI preview 1 adapter, the last two steps and the first done by the
/// guest's build tool (`workloads/components/c/bindgen`, a cargo workspace of its own that pins
/// their versions).
fn c(repo: &Path) -> Result<(ModuleEntry, Vec<u8>)> {
    let dir = repo.join("workloads/components/c");
    let tool_manifest = dir.join("bindgen/Cargo.toml");
    let WasiClang { clang, wasi_libc } = WasiClang::find()?;
    let target_dir = cargo_target_dir(repo);
    let status = cargo_build_release(&tool_manifest, &target_dir, &["--quiet"])
        .context("running cargo to build the C guest's build tool")?;
    if !status.success() {
        bail!("cargo could not build the C guest's build tool {} ({status})", tool_manifest.display());
    }
    let tool = target_dir.join("release/wl-plugin-c-bindgen");
    // A folder of this process's own: corpus builds may run at once (the tests do).
    let work = target_dir.join(format!("wasmgauge-components/c-{}", std::process::id()));
    let bindings = work.join("bindings");
    let _ = std::fs::remove_dir_all(&work);
    std::fs::create_dir_all(&bindings)?;
    let wit = repo.join(PLUGIN_WIT);
    let run =
        |what: &str, cmd: &mut Command| run_tool(cmd, what, &format!("{what} failed building the C component guest"));
    run(
        "wit-bindgen's C generator",
        Command::new(&tool).arg("bindings").arg(wit.parent().unwrap_or(repo)).arg("plugin").arg(&bindings),
    )?;
    let core = work.join("plugin-c.core.wasm");
    run(
        "clang",
        Command::new("clang")
            .args(["--target=wasm32-wasi", "--sysroot=/usr", "-O2", "-mexec-model=reactor", "-Wall", "-Wextra"])
            .arg("-I")
            .arg(&bindings)
            .arg(dir.join("guest.c"))
            .arg(bindings.join("plugin.c"))
            .arg(bindings.join("plugin_component_type.o"))
            .args(["-Wl,--strip-all", "-o"])
            .arg(&core),
    )?;
    let component = work.join("plugin-c.wasm");
    run("wit-component", Command::new(&tool).arg("component").arg(&core).arg(&component))?;
    let wasm = std::fs::read(&component)?;
    std::fs::remove_dir_all(&work)?;
    if !wasmparser::Parser::is_component(&wasm) {
        bail!("the C guest is not a component");
    }
    let lock = dir.join("bindgen/Cargo.lock");
    let version = format!(
        "clang {clang}, wasi-libc {wasi_libc}, wit-bindgen-c {}, wit-component {}, preview 1 adapter {}",
        locked_version(&lock, "wit-bindgen-c")?,
        locked_version(&lock, "wit-component")?,
        locked_version(&lock, "wasi-preview1-component-adapter-provider")?,
    );
    let toolchain = Toolchain {
        name: "clang + wasi-libc + wit-bindgen-c".into(),
        version,
        target: "wasm32-wasi + preview 1 adapter (component)".into(),
        native: String::new(),
        embeds: None,
    };
    let what = "the wasmgauge:plugin world in C (wit-bindgen's C generator, wasi-libc)";
    let entry = component_entry(("plugin-c", "c", "workloads/components/c"), what, &wasm, toolchain, false);
    Ok((entry, wasm))
}
