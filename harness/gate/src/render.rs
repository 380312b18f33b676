//! The gate's verdict as a terminal table, Markdown (a CI job summary) and JSON.
use super::{GateReport, Verdict};
use comfy_table::{Cell, CellAlignment};
use results::format::{fmt_ns, new_table};
use std::fmt::Write as _;

use super::pct_change as pct;

fn headline(r: &GateReport) -> String {
    if r.pass {
        format!(
            "PASS: no regression ({} cells: {} unchanged, {} improved, {} too noisy to judge)",
            r.cells.len(),
            r.unchanged,
            r.improved,
            r.too_noisy
        )
    } else {
        format!(
            "FAIL: {} regressed of {} cells ({} improved, {} too noisy to judge)",
            r.regressed,
            r.cells.len(),
            r.improved,
            r.too_noisy
        )
    }
}

/// Per-engine geomeans, then every cell that is not "unchanged" (all cells with `all`).
pub fn table(r: &GateReport, all: bool) -> String {
    let mut out = String::new();
    let pct_level = r.confidence * 100.0;
    let mut t = new_table(
        [
            "engine",
            "cells",
            &format!("geomean candidate/baseline ({pct_level:.0}% bounds)"),
            "regressed",
            "improved",
            "too noisy",
        ]
        .map(String::from)
        .to_vec(),
    );
    for e in &r.engines {
        t.add_row(vec![
            Cell::new(&e.engine),
            Cell::new(e.cells),
            Cell::new(format!("{} [{}, {}]", pct(e.ratio.value), pct(e.ratio.ci95_low), pct(e.ratio.ci95_high)))
                .set_alignment(CellAlignment::Right),
            Cell::new(e.regressed),
            Cell::new(e.improved),
            Cell::new(e.too_noisy),
        ]);
    }
    let _ = writeln!(out, "{t}");
    // Changed cells, and "unchanged" ones whose interval was past the threshold (not confirmed
    // on re-measurement, or not significant after Holm): both deserve a look.
    let notable = |c: &&super::CellResult| c.verdict != Verdict::Unchanged || c.ratio.ci95_low > 1.0 + c.threshold;
    let shown: Vec<_> = r.cells.iter().filter(|c| all || notable(c)).collect();
    if !shown.is_empty() {
        let mut t = new_table(
            [
                "cell",
                "baseline",
                "candidate",
                &format!("change ({pct_level:.0}% interval)"),
                "threshold",
                "verdict",
                "why",
            ]
            .map(String::from)
            .to_vec(),
        );
        for c in shown {
            t.add_row(vec![
                Cell::new(c.key.to_string()),
                Cell::new(fmt_median(&c.key, c.baseline_median)).set_alignment(CellAlignment::Right),
                Cell::new(fmt_median(&c.key, c.candidate_median)).set_alignment(CellAlignment::Right),
                Cell::new(format!("{} [{}, {}]", pct(c.ratio.value), pct(c.ratio.ci95_low), pct(c.ratio.ci95_high)))
                    .set_alignment(CellAlignment::Right),
                Cell::new(crate::threshold_text(c.threshold)),
                Cell::new(c.verdict.text().to_uppercase()),
                Cell::new(&c.reason),
            ]);
        }
        let _ = writeln!(out, "{t}");
    }
    let _ = write!(out, "{}", headline(r));
    out
}

/// A cell's median in its unit: instruction counts as counts, every other gated figure is a time.
fn fmt_median(key: &crate::CellKey, v: f64) -> String {
    // `instructions_per_call`, the suite's `bench_instructions` and `bench_instructions_first`.
    if key.metric.contains("instructions") { results::format::fmt_instructions(v) } else { fmt_ns(v) }
}

/// Markdown for a CI job summary or a pull-request comment.
pub fn markdown(r: &GateReport) -> String {
    let mut out = String::new();
    let icon = if r.pass { "✅" } else { "❌" };
    let _ = writeln!(out, "## {icon} wasmgauge gate: {}\n", headline(r));
    let _ = writeln!(
        out,
        "Baseline `{}` vs candidate `{}` ({} mode). Ratios are candidate / baseline of medians with {:.0}% bootstrap \
         intervals; a regression needs the whole interval past the cell's threshold and survives Holm correction.\n",
        r.baseline,
        r.candidate,
        r.mode,
        r.confidence * 100.0
    );
    if !r.confirmed_by.is_empty() {
        let runs: Vec<String> = r.confirmed_by.iter().map(|n| format!("`{n}`")).collect();
        let _ = writeln!(out, "Regressions had to reproduce in the reruns {}.\n", runs.join(", "));
    }
    out.push_str(
        "| engine | cells | geomean change | regressed | improved | too noisy |\n|---|---:|---:|---:|---:|---:|\n",
    );
    for e in &r.engines {
        let _ = writeln!(
            out,
            "| {} | {} | {} [{}, {}] | {} | {} | {} |",
            e.engine,
            e.cells,
            pct(e.ratio.value),
            pct(e.ratio.ci95_low),
            pct(e.ratio.ci95_high),
            e.regressed,
            e.improved,
            e.too_noisy
        );
    }
    let notable: Vec<_> =
        r.cells.iter().filter(|c| c.verdict != Verdict::Unchanged || c.ratio.ci95_low > 1.0 + c.threshold).collect();
    if !notable.is_empty() {
        out.push_str("\n| cell | change | threshold | verdict | why |\n|---|---:|---:|---|---|\n");
        for c in notable.iter().take(60) {
            let _ = writeln!(
                out,
                "| {} | {} [{}, {}] | {} | **{}** | {} |",
                c.key.to_string().replace('|', "\\|"),
                pct(c.ratio.value),
                pct(c.ratio.ci95_low),
                pct(c.ratio.ci95_high),
                crate::threshold_text(c.threshold),
                c.verdict.text(),
                c.reason
            );
        }
        if notable.len() > 60 {
            let _ = writeln!(out, "\n…and {} more in the JSON verdict.", notable.len() - 60);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thresholds_and_counts_read_as_what_they_are() {
        assert_eq!(crate::threshold_text(0.005), "0.5%");
        assert_eq!(crate::threshold_text(0.05), "5%");
        assert_eq!(crate::threshold_text(0.10), "10%");
        let key = |metric: &str| crate::CellKey {
            scenario: "s".into(),
            workload: "w".into(),
            engine: "e".into(),
            metric: metric.into(),
        };
        assert_eq!(fmt_median(&key("instructions_per_call"), 1_404_000.0), "1.404 M instr");
        assert_eq!(fmt_median(&key("time_per_call"), 1_404_000.0), "1.40 ms");
    }
}
