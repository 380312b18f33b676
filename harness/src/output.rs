//! Terminal output of the CLI: number formatting and the tables it prints.
use crate::results::{CellStatus, ThroughputSection};
use comfy_table::{Cell, CellAlignment, Table, presets::UTF8_BORDERS_ONLY};

/// A duration in nanoseconds with a unit that keeps 3 significant digits.
pub fn fmt_ns(ns: f64) -> String {
    if !ns.is_finite() {
        "-".into()
    } else if ns < 1e3 {
        format!("{ns:.1} ns")
    } else if ns < 1e6 {
        format!("{:.2} µs", ns / 1e3)
    } else if ns < 1e9 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.2} s", ns / 1e9)
    }
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

#[cfg(test)]
mod tests {
    #[test]
    fn durations_pick_units() {
        assert_eq!(super::fmt_ns(12.34), "12.3 ns");
        assert_eq!(super::fmt_ns(12_340.0), "12.34 µs");
        assert_eq!(super::fmt_ns(1.5e7), "15.00 ms");
        assert_eq!(super::fmt_ns(f64::NAN), "-");
    }
}
