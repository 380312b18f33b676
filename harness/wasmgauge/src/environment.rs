//! Captures the environment fingerprint written into every result file: what machine, kernel,
//! compiler and harness commit produced the numbers (the runtime versions come from the drivers'
//! descriptions, see `subjects`).
use results::Environment;
use std::path::Path;
use std::process::Command;

fn read_trimmed(path: &str) -> Option<String> {
    std::fs::read_to_string(path).ok().map(|s| s.trim().to_string())
}

fn git(repo: &Path, args: &[&str]) -> Option<String> {
    let out = Command::new("git").arg("-C").arg(repo).args(args).output().ok()?;
    out.status.success().then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// Reads the fingerprint of this machine; `repo` is where the harness sources live. Its
/// `runtimes` are left for the caller, who knows which drivers ran.
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
    let commit_time = commit.as_ref().and_then(|_| git(repo, &["show", "-s", "--format=%cI", "HEAD"]));
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
        harness_commit_time: commit_time,
        settle: None,
        limits: None,
        cpu_governor: read_trimmed("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"),
        runtimes: Default::default(),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn fingerprint_names_the_machine_and_the_compiler() {
        let env = super::capture(std::path::Path::new(env!("CARGO_MANIFEST_DIR")));
        assert!(env.logical_cores >= 1 && env.rustc.starts_with("rustc "));
        assert!(!env.cpu_model.is_empty() && !env.hostname.is_empty());
    }
}
