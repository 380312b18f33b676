//! Figures checked against the machine ([`crate::environment::MachineLimits`], measured at run
//! start): a figure beyond what the machine can do is flagged, and every figure of the same
//! cell with it (a 1 MiB read at 110 GB/s makes its time per read just as wrong). The report,
//! the CSV and the terminal show the flag; no claim is decided from a flagged cell.
//!
//! The rules:
//! - a rate (MB/s, GB/s) above the machine's fastest copy of that many bytes: moving bytes
//!   through a read, a write or a guest's memory copies them at least once;
//! - a phase timed once per sample (cold start's compile, deserialize, instantiate and end to
//!   end; process start) below the clock's resolution (calls are left out: their figures may
//!   be batch means with the clock's own cost subtracted);
//! - a WASI file operation (`wasi-io` read, write, stat, stdout) cheaper than one empty
//!   system call.
use crate::cells::Cell;
use crate::environment::MachineLimits;

/// Scenarios whose phases (every time figure but a call's) are single clock readings.
const SINGLE_EVENTS: &[&str] = &[crate::ids::COLD_START, crate::ids::PROCESS_START];

/// Why `cell` is beyond what the machine can do, if it is.
pub fn judge(cell: &Cell, limits: &MachineLimits) -> Option<String> {
    let rate_mb_per_s = match cell.unit.as_str() {
        "MB/s" => Some(cell.value),
        "GB/s" => Some(cell.value * 1e3),
        _ => None,
    };
    if let (Some(rate), Some(limit)) = (rate_mb_per_s, limits.copy_limit_mb_per_s(cell.payload_bytes))
        && rate > limit
    {
        return Some(format!(
            "{} at {:.0} MB/s is faster than this machine copies memory ({:.0} MB/s at best, measured at run start)",
            cell.metric, rate, limit
        ));
    }
    let phase = SINGLE_EVENTS.contains(&cell.scenario.as_str()) && !cell.metric.contains("call");
    if cell.unit == "ns" && phase && cell.value < limits.clock_resolution_ns {
        return Some(format!(
            "{} of {:.1} ns is below the clock's resolution ({:.0} ns)",
            cell.metric, cell.value, limits.clock_resolution_ns
        ));
    }
    let file_op = ["read ", "write ", "stdout ", "stat"].iter().any(|p| cell.workload.starts_with(p));
    if cell.scenario == crate::ids::WASI_IO
        && cell.metric == "ns_per_op"
        && file_op
        && cell.value < limits.empty_syscall_ns
    {
        return Some(format!(
            "{:.0} ns per {} is cheaper than one empty system call here ({:.0} ns)",
            cell.value, cell.workload, limits.empty_syscall_ns
        ));
    }
    None
}

/// Flags every cell beyond the limits, and the other figures of its scenario, workload and
/// configuration with it.
pub fn flag(cells: &mut [Cell], limits: &MachineLimits) {
    let flagged: Vec<(String, String, String, String)> = cells
        .iter()
        .filter_map(|c| Some((c.scenario.clone(), c.workload.clone(), c.engine.clone(), judge(c, limits)?)))
        .collect();
    for c in cells.iter_mut() {
        if let Some((.., why)) =
            flagged.iter().find(|(s, w, e, _)| *s == c.scenario && *w == c.workload && *e == c.engine)
        {
            c.implausible = Some(why.clone());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::environment::CopyRate;

    fn limits() -> MachineLimits {
        MachineLimits {
            copy: vec![CopyRate { bytes: 4096, mb_per_s: 120_000.0 }, CopyRate { bytes: 1 << 20, mb_per_s: 30_000.0 }],
            clock_resolution_ns: 16.0,
            empty_syscall_ns: 50.0,
        }
    }

    fn cell(scenario: &str, workload: &str, metric: &str, unit: &str, value: f64, bytes: Option<u64>) -> Cell {
        let mut flat = crate::cells::Flat::new(None, None);
        flat.point(scenario, workload, "native", metric, unit, value).payload_bytes = bytes;
        flat.finish().0.remove(0)
    }

    #[test]
    fn a_rate_above_the_copy_rate_of_its_size_is_flagged() {
        let l = limits();
        let fast = cell("wasi-io", "read 1 MiB", "mb_per_s", "MB/s", 110_000.0, Some(1 << 20));
        assert!(judge(&fast, &l).unwrap().contains("faster than this machine copies memory"));
        // 110 GB/s for 4 KiB is within what a 4 KiB copy does here.
        assert_eq!(judge(&cell("wasi-io", "read 4 KiB", "mb_per_s", "MB/s", 110_000.0, Some(4096)), &l), None);
        assert_eq!(judge(&cell("wasi-io", "read 1 MiB", "mb_per_s", "MB/s", 27_000.0, Some(1 << 20)), &l), None);
        // GB/s counts too; no size: the fastest copy is the bound.
        assert!(judge(&cell("call-overhead", "data 1 MiB", "throughput", "GB/s", 130.0, None), &l).is_some());
    }

    #[test]
    fn single_events_below_the_clock_and_file_operations_below_a_syscall_are_flagged() {
        let l = limits();
        assert!(judge(&cell("cold-start", "fib", "instantiate", "ns", 3.0, None), &l).unwrap().contains("resolution"));
        // A per-call figure from a batch may be below the clock's resolution.
        assert_eq!(judge(&cell("throughput", "fib/small", "time_per_call", "ns", 3.0, None), &l), None);
        assert_eq!(judge(&cell("cold-start", "add4", "first_call", "ns", 3.0, None), &l), None);
        assert_eq!(judge(&cell("latency", "empty typed", "p50", "ns", 3.0, None), &l), None);
        assert!(judge(&cell("wasi-io", "stat", "ns_per_op", "ns", 20.0, None), &l).unwrap().contains("system call"));
        assert_eq!(judge(&cell("wasi-io", "clock", "ns_per_op", "ns", 20.0, None), &l), None);
    }

    #[test]
    fn a_flag_covers_every_figure_of_its_cell() {
        let mut cells = vec![
            cell("wasi-io", "read 1 MiB", "ns_per_op", "ns", 1_000.0, None),
            cell("wasi-io", "read 1 MiB", "mb_per_s", "MB/s", 1_048_576.0, Some(1 << 20)),
            cell("wasi-io", "write 1 MiB", "ns_per_op", "ns", 40_000.0, None),
        ];
        flag(&mut cells, &limits());
        assert!(cells[0].implausible.is_some() && cells[1].implausible.is_some());
        assert_eq!(cells[2].implausible, None);
    }
}
