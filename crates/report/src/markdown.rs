//! `summary.md`: the headline table and the claims in Markdown, short enough for a CI job
//! summary or a pull-request comment.
use super::claims;
use super::markup::serde_name;
use super::model::Model;
use super::tables::{fmt_interval, fmt_value, summary_rows};
use std::fmt::Write as _;

/// Escapes the characters that would break a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn render(model: &Model) -> String {
    let mut out = String::from("## wasmgauge report\n\n");
    for r in &model.runs {
        let e = &r.results.environment;
        let _ = writeln!(
            out,
            "- **{}** `{}`: {} profile on {} ({}, {} cores), {}{}",
            r.label,
            r.results.run_id,
            serde_name(&r.results.profile.name),
            e.hostname,
            e.cpu_model,
            e.logical_cores,
            e.runtimes.iter().map(|(k, v)| format!("{k} {v}")).collect::<Vec<_>>().join(", "),
            if r.results.complete { "" } else { " — **incomplete (interrupted)**" }
        );
    }
    let rounds: Vec<String> = model
        .runs
        .iter()
        .filter_map(|r| {
            let s = r.results.schedule.as_ref()?;
            let k = s.rounds.get("throughput")?;
            Some(format!("{}: {k} processes per throughput cell, seed {}", r.label, s.seed))
        })
        .collect();
    if rounds.is_empty() {
        out.push_str(
            "\nMedians with bootstrap 95% intervals; lower is better except in the per-GiB and per-second rows; \
             **bold** = best WebAssembly configuration.\n\n",
        );
    } else {
        let _ = write!(
            out,
            "\nThroughput and call overhead measured in several worker processes in shuffled rounds ({}): the \
             geometric mean of the processes' medians with the Student t 95% interval across processes (ratios: \
             across rounds); other figures are medians with bootstrap 95% intervals. Lower is better except in \
             the per-GiB and per-second rows; **bold** = best WebAssembly configuration.\n\n",
            rounds.join("; ")
        );
        let flagged: Vec<String> = model
            .metrics
            .iter()
            .filter(|m| m.across.as_ref().is_some_and(|a| a.unsteady > 0))
            .map(|m| format!("{} {} on {} ({})", m.scenario, m.workload, m.engine, m.note))
            .collect();
        if !flagged.is_empty() {
            let more = if flagged.len() > 8 { format!("; and {} more", flagged.len() - 8) } else { String::new() };
            let shown = flagged.iter().take(8).cloned().collect::<Vec<_>>().join("; ");
            let _ = writeln!(out, "A process without a steady state (kept, flagged): {shown}{more}.\n");
        }
    }
    let _ = writeln!(out, "| metric | {} |", model.engines.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(model.engines.len()));
    for row in summary_rows(model) {
        let cells: Vec<String> = row
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| match c {
                None => "–".into(),
                Some(m) => {
                    let v = fmt_value(&m.unit, m.value);
                    let v = if row.best == Some(i) { format!("**{v}**") } else { v };
                    let ci = fmt_interval(m);
                    if ci.is_empty() { v } else { format!("{v} {ci}") }
                }
            })
            .collect();
        let _ = writeln!(out, "| {} | {} |", cell(&row.label), cells.join(" | "));
    }
    let multi = model.runs.len() > 1;
    out.push_str(if multi {
        "\n### Claims from the field\n\n| claim | run | measured | verdict |\n|---|---|---|---|\n"
    } else {
        "\n### Claims from the field\n\n| claim | measured | verdict |\n|---|---|---|\n"
    });
    let per_run: Vec<Vec<claims::ClaimRow>> = (0..model.runs.len()).map(|r| claims::evaluate(model, r)).collect();
    for i in 0..per_run.first().map_or(0, Vec::len) {
        for c in per_run.iter().map(|rows| &rows[i]) {
            let run = if multi { format!(" {} |", model.runs[c.run].label) } else { String::new() };
            let _ = writeln!(out, "| {} |{run} {} | {} |", cell(c.claim), cell(&c.measured), c.verdict.text());
        }
    }
    out.push_str(&super::conformance::markdown(model));
    if !model.problems.is_empty() {
        let _ = writeln!(out, "\n**{} cells failed or were skipped** (see the HTML report).", model.problems.len());
    }
    out.push_str("\nFull report: `index.html` beside this file (charts, every table, method notes, raw data).\n");
    out
}
