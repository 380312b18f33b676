//! The environment fingerprint written into every result file: what machine, kernel, compiler,
//! runtime versions and harness commit produced the numbers.
use serde::{Deserialize, Serialize};
use std::path::Path;
use std::process::Command;

/// Exact version of a runtime crate as resolved in Cargo.lock at build time.
pub fn runtime_version(runtime: &str) -> &'static str {
    match runtime {
        "wasmtime" => env!("WASMGAUGE_VERSION_WASMTIME"),
        "wasmer" => env!("WASMGAUGE_VERSION_WASMER"),
        "wasmi" => env!("WASMGAUGE_VERSION_WASMI"),
        "baseline" => env!("CARGO_PKG_VERSION"),
        _ => "unknown",
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Environment {
    pub cpu_model: String,
    pub logical_cores: usize,
    pub memory_total_kib: Option<u64>,
    pub os: String,
    pub arch: String,
    pub kernel: String,
    pub hostname: String,
    pub rustc: String,
    pub harness_version: String,
    /// `git rev-parse HEAD` of the checkout the run was started in, if any.
    pub harness_commit: Option<String>,
    /// True when that checkout had uncommitted changes.
    pub harness_dirty: Option<bool>,
    /// CPU frequency governor, if the kernel exposes it (a source of noise).
    pub cpu_governor: Option<String>,
    pub runtimes: std::collections::BTreeMap<String, String>,
}

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_string())
}

fn git(repo: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

impl Environment {
    /// Reads the fingerprint of this machine; `repo` is where the harness sources live.
    pub fn capture(repo: &Path) -> Environment {
        let cpuinfo = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
        let cpu_model = cpuinfo
            .lines()
            .find_map(|l| l.strip_prefix("model name").map(|r| r.trim_start_matches([' ', '\t', ':']).to_string()))
            .unwrap_or_else(|| "unknown".into());
        let memory_total_kib = std::fs::read_to_string("/proc/meminfo").ok().and_then(|m| {
            m.lines().find_map(|l| l.strip_prefix("MemTotal:")?.trim().trim_end_matches(" kB").trim().parse().ok())
        });
        let commit = git(repo, &["rev-parse", "HEAD"]);
        let dirty = commit.as_ref().and_then(|_| git(repo, &["status", "--porcelain"])).map(|s| !s.is_empty());
        Environment {
            cpu_model,
            logical_cores: std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1),
            memory_total_kib,
            os: std::env::consts::OS.to_string(),
            arch: std::env::consts::ARCH.to_string(),
            kernel: read_trimmed("/proc/sys/kernel/osrelease").unwrap_or_else(|| "unknown".into()),
            hostname: read_trimmed("/proc/sys/kernel/hostname").unwrap_or_else(|| "unknown".into()),
            rustc: env!("WASMGAUGE_RUSTC").to_string(),
            harness_version: env!("CARGO_PKG_VERSION").to_string(),
            harness_commit: commit,
            harness_dirty: dirty,
            cpu_governor: read_trimmed("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
            runtimes: ["wasmtime", "wasmer", "wasmi"]
                .iter()
                .map(|r| (r.to_string(), runtime_version(r).to_string()))
                .collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_names_the_pinned_runtimes() {
        let env = super::Environment::capture(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
        assert_eq!(env.runtimes["wasmtime"], "48.0.0");
        assert_eq!(env.runtimes["wasmer"], "7.4.2");
        assert_eq!(env.runtimes["wasmi"], "2.0.0");
        assert!(env.logical_cores >= 1 && env.rustc.starts_with("rustc "));
    }
}
