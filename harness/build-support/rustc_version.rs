// Shared by the build scripts of the `wasmgauge` crate and of every driver (`include!`d, so
// no crate depends on another for it): the `rustc -V` line of the compiler cargo runs, which
// results files record, with the wrapper cargo compiled the crate through, if any. A wrapper
// is a knob that moves numbers: a driver built through `clippy-driver` (as `cargo clippy`
// builds it) has MIR optimisations off, and its wasmi interpreter measured 12-24% slower.

/// Passes `rustc -V` (and ` through <wrapper>` when cargo uses one) to the crate being built as
/// the environment variable `var` (for `env!`).
fn record_rustc_version(var: &str) {
    let rustc = std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into());
    let version = std::process::Command::new(rustc)
        .arg("-V")
        .output()
        .ok()
        .and_then(|o| String::from_utf8(o.stdout).ok())
        .map(|s| s.trim().to_string())
        .unwrap_or_else(|| "unknown".into());
    let mut line = version;
    for wrapper in ["RUSTC_WORKSPACE_WRAPPER", "RUSTC_WRAPPER"] {
        println!("cargo:rerun-if-env-changed={wrapper}");
        if let Some(w) = std::env::var_os(wrapper).filter(|w| !w.is_empty()) {
            let name = std::path::Path::new(&w).file_name().map(|n| n.to_string_lossy().into_owned());
            line = format!("{line} through {}", name.unwrap_or_default());
        }
    }
    println!("cargo:rustc-env={var}={line}");
}
