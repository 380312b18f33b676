//! Memory of a process as Linux accounts it: resident set (RSS), proportional set (PSS: shared
//! pages divided among the processes sharing them) and private pages, from
//! `/proc/<pid>/smaps_rollup`; plus a cheap RSS read from `/proc/self/statm` for polling, and
//! the memory of one subprocess-baseline runner serving a request ([`serving_process`]).
use anyhow::{Context, Result, anyhow};
pub use results::measurements::{MemUsage, ProcessMemory};

fn parse_rollup(text: &str) -> Result<MemUsage> {
    let field = |name: &str| -> Result<u64> {
        let line = text
            .lines()
            .find(|l| l.starts_with(name) && l[name.len()..].starts_with(':'))
            .ok_or_else(|| anyhow!("no {name} in smaps_rollup"))?;
        let kib: u64 = line[name.len() + 1..].trim().trim_end_matches("kB").trim().parse()?;
        Ok(kib * 1024)
    };
    Ok(MemUsage {
        rss_bytes: field("Rss")?,
        pss_bytes: field("Pss")?,
        private_bytes: field("Private_Clean")? + field("Private_Dirty")?,
    })
}

/// Memory of process `pid` (`None`: this process).
pub fn usage(pid: Option<u32>) -> Result<MemUsage> {
    let path = match pid {
        Some(p) => format!("/proc/{p}/smaps_rollup"),
        None => "/proc/self/smaps_rollup".into(),
    };
    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {path}"))?;
    parse_rollup(&text).with_context(|| format!("parsing {path}"))
}

/// This process's resident set in bytes, from `/proc/self/statm` (cheap enough to poll).
pub fn self_rss_bytes() -> Result<u64> {
    let text = std::fs::read_to_string("/proc/self/statm").context("reading /proc/self/statm")?;
    let pages: u64 = text.split_whitespace().nth(1).ok_or_else(|| anyhow!("short statm"))?.parse()?;
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) }.max(4096) as u64;
    Ok(pages * page)
}

/// This process's peak resident set in bytes (`VmHWM` of `/proc/self/status`).
pub fn self_peak_rss_bytes() -> Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status").context("reading /proc/self/status")?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:")).ok_or_else(|| anyhow!("no VmHWM in status"))?;
    let kb: u64 = line.split_whitespace().nth(1).ok_or_else(|| anyhow!("short VmHWM line"))?.parse()?;
    Ok(kb * 1024)
}

/// Least-squares slope of y over x (bytes per instance from (instances, bytes) points).
pub fn slope(points: &[(f64, f64)]) -> f64 {
    let n = points.len() as f64;
    if points.len() < 2 {
        return f64::NAN;
    }
    let (mx, my) = (points.iter().map(|p| p.0).sum::<f64>() / n, points.iter().map(|p| p.1).sum::<f64>() / n);
    let cov: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let var: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    cov / var
}

/// One runner child that loaded `workload`, got its input and answered once, correctly.
pub fn serving_process(workload: &str, input: &[u8], expected: u64) -> Result<ProcessMemory> {
    use crate::executor::{Executor, WorkloadCode, subprocess::SubprocessExecutor};
    let mut exec = SubprocessExecutor::default();
    exec.prepare(&WorkloadCode { name: workload, wasm: &[] }, input)?;
    crate::engine::check_answer(exec.call()?, expected)?;
    let pid = exec.child_pid().context("runner not started")?;
    Ok(ProcessMemory { workload: workload.into(), usage: usage(Some(pid))? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_this_process_and_fits_slopes() {
        let u = usage(None).unwrap();
        assert!(u.rss_bytes > 1 << 20 && u.pss_bytes > 0 && u.private_bytes <= u.rss_bytes, "{u:?}");
        let fast = self_rss_bytes().unwrap();
        assert!(fast > 1 << 20);
        assert!((slope(&[(1.0, 10.0), (10.0, 100.0), (100.0, 1000.0)]) - 10.0).abs() < 1e-9);
        let text = "Rss:  100 kB\nPss:   50 kB\nPss_Dirty: 1 kB\nPrivate_Clean: 10 kB\nPrivate_Dirty: 20 kB\n";
        assert_eq!(parse_rollup(text).unwrap(), MemUsage { rss_bytes: 102400, pss_bytes: 51200, private_bytes: 30720 });
    }
}
