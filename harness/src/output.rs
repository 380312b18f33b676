//! Terminal output of the CLI: number formatting and the tables it prints.
use crate::results::{CallOverheadSection, CellStatus, ColdStartSection, LatencySection, ThroughputSection};
use crate::scenarios::cold_start::Phase;
use crate::stats::Estimate;
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_BORDERS_ONLY};

/// A duration in nanoseconds with a unit that keeps 3 significant digits (`17.8 ns`, `392 µs`,
/// `1.66 ms`).
pub fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        return "-".into();
    }
    let (scale, unit) = [(1e9, "s"), (1e6, "ms"), (1e3, "µs")]
        .into_iter()
        .find(|(scale, _)| ns.abs() >= scale * 0.9995)
        .unwrap_or((1.0, "ns"));
    let x = ns / scale;
    let decimals = if x.abs() < 9.995 {
        2
    } else if x.abs() < 99.95 {
        1
    } else {
        0
    };
    format!("{x:.decimals$} {unit}")
}

/// A byte count in binary units with 3 significant digits: `512 B`, `69.1 KiB`, `1.21 MiB`.
pub fn fmt_bytes(b: f64) -> String {
    if !b.is_finite() {
        return "-".into();
    }
    let (scale, unit) = [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")]
        .into_iter()
        .find(|(s, _)| b.abs() >= *s as f64 * 0.9995)
        .unwrap_or((1, "B"));
    let x = b / scale as f64;
    if scale == 1 {
        return format!("{x:.0} B");
    }
    let decimals = if x.abs() < 9.995 {
        2
    } else if x.abs() < 99.95 {
        1
    } else {
        0
    };
    format!("{x:.decimals$} {unit}")
}

pub fn new_table(header: Vec<String>) -> Table {
    let mut table = Table::new();
    table.load_preset(UTF8_BORDERS_ONLY);
    table.set_header(header);
    table
}

/// Workload x engine: median time per call and ratio to `native` of the same row.
pub fn throughput_table(section: &ThroughputSection, engines: &[&str]) -> Table {
    let mut header = vec!["workload".to_string()];
    header.extend(engines.iter().map(|e| e.to_string()));
    let mut table = new_table(header);
    let mut rows: Vec<(String, Option<crate::workloads::Size>)> = Vec::new();
    for c in &section.cells {
        let key = (c.workload.clone(), c.size);
        if !rows.contains(&key) {
            rows.push(key);
        }
    }
    for (workload, size) in rows {
        let cell_of = |engine: &str| {
            section.cells.iter().find(|c| c.workload == workload && c.size == size && c.engine == engine)
        };
        let native = cell_of("native").and_then(|c| c.measurement.as_ref()).map(|m| m.median_ns_per_call);
        let label = match size {
            Some(s) => format!("{workload} ({})", s.name()),
            None => workload.clone(),
        };
        let mut row = vec![Cell::new(label)];
        for engine in engines {
            let text = match cell_of(engine) {
                None => "".to_string(),
                Some(c) if c.status == CellStatus::Failed => "FAILED".to_string(),
                Some(c) if c.status == CellStatus::Skipped => "skipped".to_string(),
                Some(c) => {
                    let median = c.measurement.as_ref().map(|m| m.median_ns_per_call).unwrap_or(f64::NAN);
                    match native {
                        Some(n) if n > 0.0 => format!("{} x{:.2}", fmt_ns(median), median / n),
                        _ => fmt_ns(median),
                    }
                }
            };
            row.push(Cell::new(text).set_alignment(CellAlignment::Right));
        }
        table.add_row(row);
    }
    table
}

/// One line on the noise behind a table: outliers (Tukey fences; counted, never dropped) and
/// the highest coefficients of variation, from `(label, summary)` pairs.
pub fn noise_line(summaries: &[(String, &crate::stats::Summary)]) -> String {
    let (mut mild, mut severe, mut with) = (0, 0, 0);
    for (_, s) in summaries {
        mild += s.outliers.low_mild + s.outliers.high_mild;
        severe += s.outliers.low_severe + s.outliers.high_severe;
        with += usize::from(s.outliers.total() > 0);
    }
    let mut by_cv: Vec<&(String, &crate::stats::Summary)> =
        summaries.iter().filter(|(_, s)| s.cv.is_finite()).collect();
    by_cv.sort_by(|a, b| b.1.cv.total_cmp(&a.1.cv));
    let worst: Vec<String> = by_cv.iter().take(3).map(|(l, s)| format!("{l} {:.1}%", s.cv * 100.0)).collect();
    let noisy = by_cv.iter().filter(|(_, s)| s.cv > 0.05).count();
    format!(
        "Noise: {with} of {} cells have outliers ({mild} mild, {severe} severe samples, kept); {noisy} cells with CV > 5%; highest CV: {}",
        summaries.len(),
        if worst.is_empty() { "-".into() } else { worst.join(", ") }
    )
}

/// `value [low, high]` of an estimate, with `fmt` for the numbers.
pub fn fmt_estimate(e: &Estimate, fmt: impl Fn(f64) -> String) -> String {
    format!("{} [{}, {}]", fmt(e.value), fmt(e.ci95_low), fmt(e.ci95_high))
}

/// Per engine: the geometric mean over the corpus of its ratio to native, with its interval.
pub fn geomean_table(section: &ThroughputSection) -> Table {
    let mut t =
        new_table(vec!["engine".into(), "size".into(), "workloads".into(), "geomean ratio to native [95% CI]".into()]);
    for g in &section.engine_geomeans {
        t.add_row(vec![
            g.engine.clone(),
            g.size.map(|s| s.name().to_string()).unwrap_or_default(),
            g.workloads.to_string(),
            fmt_estimate(&g.ratio, |v| format!("x{v:.3}")),
        ]);
    }
    t
}

fn phase_text(p: &Phase) -> String {
    match p {
        Phase::Measured { summary, .. } => fmt_ns(summary.median.value),
        Phase::NotAvailable { .. } => "not available".into(),
        Phase::NotApplicable { .. } => "n/a".into(),
    }
}

/// Cold start phases per engine for one workload, and process cold start.
pub fn cold_start_table(section: &ColdStartSection, workload: &str) -> Table {
    let mut t = new_table(
        ["engine", "compile", "deserialize", "instantiate", "first call", "steady call", "end to end", "process start"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
    );
    let mut engines: Vec<&str> = Vec::new();
    for c in section.cells.iter().filter(|c| c.workload == workload) {
        if !engines.contains(&c.engine.as_str()) {
            engines.push(&c.engine);
        }
    }
    for engine in engines {
        let cell = section.cells.iter().find(|c| c.workload == workload && c.engine == engine);
        let mut row = vec![engine.to_string()];
        match cell.and_then(|c| c.measurement.as_ref()) {
            Some(m) => {
                let e2e = if matches!(m.end_to_end_from_artifact, Phase::Measured { .. }) {
                    format!("{} (artifact {})", phase_text(&m.end_to_end), phase_text(&m.end_to_end_from_artifact))
                } else {
                    phase_text(&m.end_to_end)
                };
                let first = if matches!(m.spawn, Phase::Measured { .. }) {
                    format!("{} (spawn {})", phase_text(&m.first_call), phase_text(&m.spawn))
                } else {
                    phase_text(&m.first_call)
                };
                row.extend([
                    phase_text(&m.compile),
                    phase_text(&m.deserialize),
                    phase_text(&m.instantiate),
                    first,
                    phase_text(&m.steady_call),
                    e2e,
                ]);
            }
            None => row.extend(std::iter::repeat_n(
                cell.map(|c| if c.status == CellStatus::Skipped { "skipped" } else { "FAILED" })
                    .unwrap_or("")
                    .to_string(),
                6,
            )),
        }
        let process = section.process.iter().find(|p| p.workload == workload && p.engine == engine);
        row.push(match process {
            Some(p) => match &p.summary {
                Some(s) => format!(
                    "{} ({})",
                    fmt_ns(s.median.value),
                    serde_json::to_value(p.path).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
                ),
                None if p.status == CellStatus::Skipped => "skipped".into(),
                None => "FAILED".into(),
            },
            None => String::new(),
        });
        t.add_row(row.into_iter().map(|c| Cell::new(c).set_alignment(CellAlignment::Right)).collect::<Vec<_>>());
    }
    t
}

/// Call overhead per engine: median per call with its 95% half-width; data also in GB/s.
pub fn call_overhead_table(section: &CallOverheadSection) -> Table {
    let mut labels: Vec<String> = Vec::new();
    for c in &section.cells {
        for b in c.measurement.iter().flat_map(|m| m.benches.iter()) {
            if !labels.contains(&b.label()) {
                labels.push(b.label());
            }
        }
    }
    let mut header = vec!["engine".to_string()];
    header.extend(labels.iter().cloned());
    let mut t = new_table(header);
    for c in &section.cells {
        let mut row = vec![Cell::new(&c.engine)];
        for label in &labels {
            let b = c.measurement.iter().flat_map(|m| m.benches.iter()).find(|b| &b.label() == label);
            let text = match b {
                None => {
                    if c.status == CellStatus::Ok {
                        String::new()
                    } else {
                        "FAILED".into()
                    }
                }
                Some(b) if b.not_applicable.is_some() => "n/a".into(),
                Some(b) if b.error.is_some() => "FAILED".into(),
                Some(b) => match (&b.summary, &b.gb_per_s) {
                    (Some(s), Some(g)) => format!("{}\n{:.2} GB/s", fmt_ns(s.median.value), g.value),
                    (Some(s), None) => format!("{} ±{}", fmt_ns(s.median.value), fmt_ns(s.median.half_width())),
                    _ => String::new(),
                },
            };
            row.push(Cell::new(text).set_alignment(CellAlignment::Right));
        }
        t.add_row(row);
    }
    t
}

/// Latency percentiles per engine for a few targets.
pub fn latency_table(section: &LatencySection, targets: &[&str]) -> Table {
    let mut header = vec!["engine".to_string()];
    header.extend(targets.iter().map(|t| format!("{t} p50 / p99 / p99.9")));
    let mut t = new_table(header);
    let mut engines: Vec<&str> = Vec::new();
    for c in &section.cells {
        if !engines.contains(&c.engine.as_str()) {
            engines.push(&c.engine);
        }
    }
    for engine in engines {
        let mut row = vec![Cell::new(engine)];
        for target in targets {
            let cell = section.cells.iter().find(|c| c.engine == engine && c.target == *target);
            let text = match cell {
                Some(c) => match &c.record {
                    Some(r) => format!(
                        "{} / {} / {}",
                        fmt_ns(r.p50_ns as f64),
                        fmt_ns(r.p99_ns as f64),
                        fmt_ns(r.p999_ns as f64)
                    ),
                    None if c.status == CellStatus::Skipped => "skipped".into(),
                    None => "FAILED".into(),
                },
                None => String::new(),
            };
            row.push(Cell::new(text).set_alignment(CellAlignment::Right));
        }
        t.add_row(row);
    }
    t
}

/// Per engine: memory per live instance, density in the budget, instantiation rates, and the
/// new-instance-per-request throughput and p99 on one thread and at the most threads.
pub fn hosting_table(r: &crate::results::ResultsFile) -> Table {
    use crate::scenarios::memory::MemoryOutput;
    let mut t = new_table(
        [
            "engine",
            "memory / instance",
            "live in budget",
            "per GiB",
            "instantiate/s 1 thr | all",
            "requests/s (p99) 1 thr | max thr",
        ]
        .map(String::from)
        .to_vec(),
    );
    let sc = &r.scenarios;
    for e in &r.engines {
        let mem = sc.memory.as_ref().and_then(|s| s.cells.iter().find(|c| c.engine == e.id));
        let den = sc.density.as_ref().and_then(|s| s.cells.iter().find(|c| c.engine == e.id));
        let con = sc.concurrency.as_ref().and_then(|s| s.cells.iter().find(|c| c.engine == e.id));
        if mem.is_none() && den.is_none() && con.is_none() {
            continue;
        }
        let failed = |status: CellStatus| if status == CellStatus::Skipped { "skipped" } else { "FAILED" }.to_string();
        let mem_text = mem.map_or(String::new(), |c| match &c.measurement {
            Some(MemoryOutput::Instances(m)) => format!(
                "{} (host {} + guest {})",
                fmt_bytes(m.bytes_per_instance),
                fmt_bytes(m.host_bytes_per_instance),
                fmt_bytes(m.guest_bytes_per_instance)
            ),
            Some(MemoryOutput::Process(p)) => {
                format!("process: {} private", fmt_bytes(p.usage.private_bytes as f64))
            }
            None => failed(c.status),
        });
        let (live, per_gib, rate) =
            den.map_or((String::new(), String::new(), String::new()), |c| match &c.measurement {
                Some(d) => (
                    format!("{} ({})", d.live_instances, d.stopped_by.chars().take(40).collect::<String>()),
                    format!("{:.0}", d.instances_per_gib),
                    format!("{:.0} | {:.0}", d.instantiate_per_s_one_thread, d.instantiate_per_s_all_cores),
                ),
                None => (failed(c.status), String::new(), String::new()),
            });
        let req = con.map_or(String::new(), |c| match &c.measurement {
            Some(m) => match (m.points.first(), m.points.last()) {
                (Some(a), Some(b)) => format!(
                    "{:.0} ({}) | {:.0} ({}) @{}",
                    a.requests_per_s,
                    fmt_ns(a.latency.p99_ns as f64),
                    b.requests_per_s,
                    fmt_ns(b.latency.p99_ns as f64),
                    b.threads
                ),
                _ => String::new(),
            },
            None => failed(c.status),
        });
        t.add_row(vec![e.id.clone(), mem_text, live, per_gib, rate, req]);
    }
    t
}

/// Engine x limit: geometric mean over the workloads of time with the limit / without.
pub fn sandbox_tax_table(section: &crate::results::SandboxTaxSection) -> Table {
    let mut t = new_table(
        ["engine", "limit", "size", "workloads", "time with / without (geomean, 95% CI)"].map(String::from).to_vec(),
    );
    for g in section.geomeans() {
        t.add_row(vec![
            Cell::new(&g.engine),
            Cell::new(&g.limit),
            Cell::new(g.size.name()),
            Cell::new(g.workloads),
            Cell::new(fmt_estimate(&g.ratio, |v| format!("{v:.3}"))).set_alignment(CellAlignment::Right),
        ]);
    }
    t
}

#[cfg(test)]
mod tests {
    #[test]
    fn durations_pick_units() {
        assert_eq!(super::fmt_ns(12.34), "12.3 ns");
        assert_eq!(super::fmt_ns(12_340.0), "12.3 µs");
        assert_eq!(super::fmt_ns(1.5e7), "15.0 ms");
        assert_eq!(super::fmt_ns(392_360.0), "392 µs");
        assert_eq!(super::fmt_ns(999_700.0), "1.00 ms");
        assert_eq!(super::fmt_ns(0.7), "0.70 ns");
        assert_eq!(super::fmt_ns(f64::NAN), "-");
        assert_eq!(super::fmt_bytes(70756.0), "69.1 KiB");
        assert_eq!(super::fmt_bytes(512.0), "512 B");
        assert_eq!(super::fmt_bytes(1_270_000.0), "1.21 MiB");
    }
}
