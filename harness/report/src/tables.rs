//! Tables shared by the HTML page and the Markdown summary: the headline summary (metrics x
//! engines, best marked) and number formatting for figures with intervals.
use super::model::{GEOMEAN, Metric, Model};
use results::format::fmt_ns;
use results::ids;

/// A figure as text: value only.
pub fn fmt_value(unit: &str, v: f64) -> String {
    match unit {
        "ns" => fmt_ns(v),
        "x" => format!("{v:.2}×"),
        "GB/s" => format!("{v:.2} GB/s"),
        "bytes" => results::format::fmt_bytes(v),
        "count" => format!("{v:.0}"),
        "per s" => format!("{v:.0}/s"),
        "instructions" => results::format::fmt_instructions(v),
        _ => format!("{v:.3} {unit}"),
    }
}

/// The interval of a figure as compact text, `20.9–23.1 ms` (the unit once when both ends
/// share it), or empty when the figure has none.
pub fn fmt_interval(m: &Metric) -> String {
    match m.ci95 {
        Some((lo, hi)) if hi > lo => {
            let (a, b) = (fmt_value(&m.unit, lo), fmt_value(&m.unit, hi));
            let unit = |s: &str| s.rsplit_once(' ').map(|(_, u)| u.to_string());
            match (a.rsplit_once(' '), unit(&b)) {
                (Some((num, ua)), Some(ub)) if ua == ub => format!("{num}–{b}"),
                _ => match (a.strip_suffix('×'), b.strip_suffix('×')) {
                    (Some(x), Some(_)) => format!("{x}–{b}"),
                    _ => format!("{a}–{b}"),
                },
            }
        }
        _ => String::new(),
    }
}

/// One headline row: a metric for one run across every engine.
pub struct SummaryRow {
    pub label: String,
    pub run: usize,
    /// One entry per engine of [`Model::engines`].
    pub cells: Vec<Option<Metric>>,
    /// Index of the best WebAssembly configuration (lowest, or highest where more is better).
    pub best: Option<usize>,
}

/// (label, scenario, workload, metric) of each headline row; lower is better except for the
/// metrics in [`HIGHER_IS_BETTER`].
fn headline_specs(model: &Model) -> Vec<(String, &'static str, String, &'static str)> {
    let mut specs = Vec::new();
    for key in model.workloads(ids::THROUGHPUT, "ratio_to_native").into_iter().filter(|k| k.starts_with(GEOMEAN)) {
        let size = key.trim_start_matches(GEOMEAN).trim_start_matches('/').to_string();
        specs.push((format!("Throughput ÷ native ({size} inputs)"), ids::THROUGHPUT, key, "ratio_to_native"));
    }
    let g = || GEOMEAN.to_string();
    specs.extend([
        ("Cold start: wasm bytes → answer".to_string(), ids::COLD_START, g(), "end_to_end"),
        ("Cold start: artifact → answer".to_string(), ids::COLD_START, g(), "end_to_end_from_artifact"),
        ("Instantiate: first instance after compile".to_string(), ids::COLD_START, g(), "instantiate"),
        ("Fresh process: exec → answer".to_string(), ids::PROCESS_START, g(), "exec_to_answer"),
        ("Empty call host→guest (typed)".to_string(), ids::CALL_OVERHEAD, "empty typed".to_string(), "time_per_call"),
        ("Call guest→host import".to_string(), ids::CALL_OVERHEAD, "guest-to-host".to_string(), "time_per_call"),
        ("1 MiB data round trip".to_string(), ids::CALL_OVERHEAD, "data 1 MiB".to_string(), "time_per_call"),
        (
            "Memory per live instance (64 KiB touched)".to_string(),
            ids::MEMORY,
            "mem_touch".to_string(),
            "bytes_per_instance",
        ),
    ]);
    for w in model.workloads(ids::DENSITY, "instantiate_each_one_thread") {
        specs.push((
            format!("Instantiate: each further instance, one thread ({w})"),
            ids::DENSITY,
            w,
            "instantiate_each_one_thread",
        ));
    }
    for w in model.workloads(ids::DENSITY, "instances_per_gib") {
        specs.push((format!("Live `{w}` instances per GiB"), ids::DENSITY, w.clone(), "instances_per_gib"));
        specs.push((
            format!("Instantiations per second, all cores ({w})"),
            ids::DENSITY,
            w,
            "instantiate_per_s_all_cores",
        ));
    }
    specs
}

/// Metrics where a larger figure is the better one.
pub const HIGHER_IS_BETTER: &[&str] =
    &["instances_per_gib", "instantiate_per_s_all_cores", "instantiate_per_s_one_thread", "requests_per_s"];

/// The headline rows that have at least one figure, per run.
pub fn summary_rows(model: &Model) -> Vec<SummaryRow> {
    let mut rows = Vec::new();
    for (label, scenario, workload, metric) in headline_specs(model) {
        for run in 0..model.runs.len() {
            let cells: Vec<Option<Metric>> =
                model.engines.iter().map(|e| model.find(run, scenario, &workload, e, metric).cloned()).collect();
            if cells.iter().all(Option::is_none) {
                continue;
            }
            let higher = HIGHER_IS_BETTER.contains(&metric);
            let best = cells
                .iter()
                .enumerate()
                .filter(|(i, _)| !model.is_baseline(&model.engines[*i]))
                .filter_map(|(i, c)| c.as_ref().map(|c| (i, c.value)))
                .min_by(|(_, x), (_, y)| if higher { y.total_cmp(x) } else { x.total_cmp(y) })
                .map(|(i, _)| i);
            let label =
                if model.runs.len() > 1 { format!("{label} · {}", model.runs[run].label) } else { label.clone() };
            rows.push(SummaryRow { label, run, cells, best });
        }
    }
    rows
}

/// The engines (indices into [`Model::engines`]) the summary shows: those with a figure in any
/// of its rows (a plugin kit, which takes part in plugin-calls only, has none).
pub fn summary_columns(rows: &[SummaryRow]) -> Vec<usize> {
    let width = rows.first().map_or(0, |r| r.cells.len());
    (0..width).filter(|&i| rows.iter().any(|r| r.cells[i].is_some())).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn units_format() {
        assert_eq!(fmt_value("x", 1.4449), "1.44×");
        assert_eq!(fmt_value("ns", 2_300_000.0), "2.30 ms");
        assert_eq!(fmt_value("bytes", 65536.0), "64.0 KiB");
        assert_eq!(fmt_value(ids::INSTRUCTIONS, 2_151_725.667), "2.152 M instr");
        let cell = results::cells::Cell {
            scenario: ids::THROUGHPUT.into(),
            workload: "w".into(),
            engine: "e".into(),
            metric: "ratio_to_native".into(),
            unit: "x".into(),
            value: 1.5,
            ci95: Some((1.4, 1.6)),
            n: Some(10),
            payload_bytes: None,
            note: String::new(),
            samples: None,
            gated: false,
            modules: vec![],
            summary: None,
            across: None,
            implausible: None,
        };
        let m = Metric { run: 0, cell: cell.clone() };
        assert_eq!(fmt_interval(&m), "1.40–1.60×");
        let t = Metric {
            run: 0,
            cell: results::cells::Cell {
                unit: "ns".into(),
                value: 2.1e7,
                ci95: Some((2.087e7, 2.312e7)),
                ..cell.clone()
            },
        };
        assert_eq!(fmt_interval(&t), "20.9–23.1 ms");
        let u = Metric {
            run: 0,
            cell: results::cells::Cell { unit: "ns".into(), value: 1e6, ci95: Some((999e3, 1.01e6)), ..cell },
        };
        assert_eq!(fmt_interval(&u), "999 µs–1.01 ms");
    }
}
