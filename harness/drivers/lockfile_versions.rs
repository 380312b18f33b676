//! The build script every driver shares (`build = "../lockfile_versions.rs"`). It reads the
//! driver's manifest, `[package.metadata.wasmgauge]`:
//! - `runtimes = ["crate", ...]`: the runtime crates (or npm packages) the driver embeds. For
//!   each, the exact version its own Cargo.lock (or package-lock.json) resolved is passed on as
//!   `WG_LOCKED_<NAME>` for `env!`, all of them as `WG_RUNTIMES` (`name=version,...`, what the
//!   driver's `describe` reports), and its major version as `cfg(wg_major_<name> = "N")`, so
//!   a source built against two release lines keeps its shims behind that cfg. A runtime
//!   version in a results file is therefore read from the lockfile of the driver that ran it.
//! - `id-suffix = "@36"`: the suffix of its configurations' ids (empty for a runtime's default
//!   version), as `WG_ID_SUFFIX`.
//!
//! It also passes on the driver's folder name as `WG_DRIVER`, the rustc that built it as
//! `WG_RUSTC`, and how it was built: `WG_OPT_LEVEL`, `WG_RUSTFLAGS` (what cargo passed on,
//! space-separated; empty for none) and, from the manifest's `[profile.release]`, `WG_LTO` and
//! `WG_CODEGEN_UNITS` (cargo's defaults when the manifest leaves them out). Adding a runtime or a version edits the driver's manifest, never this file.
include!("../build-support/rustc_version.rs");
include!("../build-support/locked_version.rs");

/// `key = "value"` or `key = ["a", "b"]` on one line of the manifest: its quoted strings.
fn manifest_strings(manifest: &str, key: &str) -> Option<Vec<String>> {
    let line = manifest.lines().find(|l| {
        let l = l.trim_start();
        l.strip_prefix(key).is_some_and(|rest| rest.trim_start().starts_with('='))
    })?;
    let value = line.split_once('=')?.1;
    Some(value.split('"').skip(1).step_by(2).map(str::to_string).collect())
}

/// The version package-lock.json resolved for the npm package `name`.
fn npm_version(lock: &str, name: &str) -> Option<String> {
    let at = lock.find(&format!("\"node_modules/{name}\": {{"))?;
    let rest = &lock[at..];
    let v = rest.find("\"version\": \"")? + "\"version\": \"".len();
    rest[v..].split('"').next().map(str::to_string)
}

fn env_name(name: &str) -> String {
    name.to_uppercase().replace('-', "_")
}

fn main() {
    // Read the manifest dir when the script runs, not when it was compiled: cargo reuses a
    // compiled build script across checkouts that share a target dir (CI clones).
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    // Watch only files that exist: cargo takes a missing watched file for a change, and would
    // run this script (and rebuild the driver) on every build. A driver without npm packages
    // has no package-lock.json.
    let read = |file: &str| {
        let path = format!("{manifest_dir}/{file}");
        let text = std::fs::read_to_string(&path).ok()?;
        println!("cargo:rerun-if-changed={path}");
        Some(text)
    };
    let manifest = read("Cargo.toml").expect("a driver has a Cargo.toml");
    let lock = read("Cargo.lock").expect("a driver has its own Cargo.lock");
    let npm_lock = read("package-lock.json").unwrap_or_default();
    let runtimes = manifest_strings(&manifest, "runtimes").unwrap_or_default();
    let mut listed = Vec::new();
    for name in &runtimes {
        let version = locked_version(&lock, name)
            .or_else(|| npm_version(&npm_lock, name))
            .unwrap_or_else(|| panic!("the driver declares the runtime `{name}`, which neither its Cargo.lock nor its package-lock.json resolves"));
        println!("cargo:rustc-env=WG_LOCKED_{}={version}", env_name(name));
        let cfg = format!("wg_major_{}", name.to_lowercase().replace('-', "_"));
        println!("cargo::rustc-check-cfg=cfg({cfg}, values(any()))");
        println!("cargo:rustc-cfg={cfg}=\"{}\"", version.split('.').next().unwrap_or(""));
        listed.push(format!("{name}={version}"));
    }
    println!("cargo:rustc-env=WG_RUNTIMES={}", listed.join(","));
    let suffix = manifest_strings(&manifest, "id-suffix").and_then(|v| v.into_iter().next()).unwrap_or_default();
    println!("cargo:rustc-env=WG_ID_SUFFIX={suffix}");
    let folder = std::path::Path::new(&manifest_dir).file_name().map(|f| f.to_string_lossy().into_owned());
    println!("cargo:rustc-env=WG_DRIVER={}", folder.unwrap_or_default());
    record_rustc_version("WG_RUSTC");
    let opt = std::env::var("OPT_LEVEL").unwrap_or_default();
    println!("cargo:rustc-env=WG_OPT_LEVEL={opt}");
    let flags = std::env::var("CARGO_ENCODED_RUSTFLAGS").unwrap_or_default().replace('\x1f', " ");
    println!("cargo:rustc-env=WG_RUSTFLAGS={flags}");
    println!("cargo:rerun-if-env-changed=CARGO_ENCODED_RUSTFLAGS");
    let release = manifest.split("[profile.release]").nth(1).and_then(|r| r.split("\n[").next()).unwrap_or("");
    let setting = |key: &str| {
        release.lines().find_map(|l| {
            let (k, v) = l.split_once('=')?;
            (k.trim() == key).then(|| v.trim().trim_matches('"').to_string())
        })
    };
    println!("cargo:rustc-env=WG_LTO={}", setting("lto").unwrap_or_else(|| "false (thin-local)".into()));
    println!("cargo:rustc-env=WG_CODEGEN_UNITS={}", setting("codegen-units").unwrap_or_else(|| "16".into()));
}
