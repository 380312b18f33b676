//! `summary.md`: the headline table and the claims in Markdown, short enough for a CI job
//! summary or a pull-request comment.
use super::claims;
use super::markup::serde_name;
use super::model::Model;
use super::tables::{fmt_interval, fmt_value, summary_rows};
use results::ids;
use std::fmt::Write as _;

/// Escapes the characters that would break a Markdown table cell.
fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The virtual-best geomeans, which to pick for what, and the support matrix (first run).
fn selection(model: &Model, out: &mut String) {
    let best = model.workloads(ids::THROUGHPUT, "ratio_to_best");
    let geomeans: Vec<&String> = best.iter().filter(|w| w.starts_with(super::model::GEOMEAN)).collect();
    if !geomeans.is_empty() {
        out.push_str("\n### Ratio to the fastest WebAssembly configuration (virtual best, geomean, 95% interval)\n\n| configuration |");
        for w in &geomeans {
            let _ = write!(out, " {} |", cell(w));
        }
        let _ = writeln!(out, "\n|---|{}", "---|".repeat(geomeans.len()));
        for e in model.engines_with(ids::THROUGHPUT, "ratio_to_best") {
            let cells: Vec<String> = geomeans
                .iter()
                .map(|w| match model.find(0, ids::THROUGHPUT, w, &e, "ratio_to_best") {
                    Some(m) => format!("{} [{}]", fmt_value(&m.unit, m.value), fmt_interval(m)),
                    None => "–".into(),
                })
                .collect();
            let _ = writeln!(out, "| {} | {} |", cell(&e), cells.join(" | "));
        }
    }
    let picks = super::selection::picks(model, 0);
    if !picks.is_empty() {
        out.push_str("\n### Which to pick for what\n\n| need | pick | figure | runner-up |\n|---|---|---|---|\n");
        for p in &picks {
            let runner = p.runner_up.as_ref().map(|(e, f)| format!("{e}: {f}")).unwrap_or_default();
            let pick = if p.clear { format!("**{}**", cell(&p.engine)) } else { cell(&p.verdict()) };
            let _ = writeln!(out, "| {} | {} | {} | {} |", cell(p.need), pick, cell(&p.figure), cell(&runner));
        }
    }
    let rows = super::selection::support_matrix(model, 0);
    if !rows.is_empty() {
        out.push_str("\n### Support matrix\n\n✓ ran · ✗ failed · — left out by the registry · not run: not selected\n\n| kind | configuration | workloads ok |");
        for (h, _) in super::selection::COLUMNS {
            let _ = write!(out, " {h} |");
        }
        let _ = writeln!(out, "\n|---|---|---|{}", "---|".repeat(super::selection::COLUMNS.len()));
        let mut sorted: Vec<&super::selection::SupportRow> = rows.iter().collect();
        sorted.sort_by_key(|r| r.kind.unwrap_or(results::ExecutionKind::Native));
        for r in sorted {
            let cells: Vec<String> = r.cells.iter().map(|c| c.text()).collect();
            let _ = writeln!(
                out,
                "| {} | {} | {} | {} |",
                r.kind.map_or("–", |k| k.label()),
                cell(&r.engine),
                r.workloads,
                cells.join(" | ")
            );
        }
    }
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
            let k = s.rounds.get(ids::THROUGHPUT)?;
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
    let rows = summary_rows(model);
    let columns = crate::tables::summary_columns(&rows);
    let names: Vec<&str> = columns.iter().map(|&i| model.engines[i].as_str()).collect();
    let _ = writeln!(out, "| metric | {} |", names.join(" | "));
    let _ = writeln!(out, "|---|{}", "---:|".repeat(columns.len()));
    for row in rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|&i| (i, &row.cells[i]))
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
    selection(model, &mut out);
    let multi = model.runs.len() > 1;
    out.push_str(if multi {
        "\n### Claims from the field\n\n| claim | article | run | measured | verdict |\n|---|---|---|---|---|\n"
    } else {
        "\n### Claims from the field\n\n| claim | article | measured | verdict |\n|---|---|---|---|\n"
    });
    let per_run: Vec<Vec<claims::ClaimRow>> = (0..model.runs.len()).map(|r| claims::evaluate(model, r)).collect();
    for i in 0..per_run.first().map_or(0, Vec::len) {
        for c in per_run.iter().map(|rows| &rows[i]) {
            let run = if multi { format!(" {} |", model.runs[c.run].label) } else { String::new() };
            let articles: Vec<String> = c.sources.iter().map(|t| format!("“{t}”")).collect();
            let _ = writeln!(
                out,
                "| {} | {} |{run} {} | {} |",
                cell(c.claim),
                cell(&articles.join("; ")),
                cell(&c.measured),
                c.verdict.text()
            );
        }
    }
    out.push_str(&super::conformance::markdown(model));
    if !model.problems.is_empty() {
        let _ = writeln!(out, "\n**{} cells failed or were skipped** (see the HTML report).", model.problems.len());
    }
    out.push_str("\nFull report: `index.html` beside this file (charts, every table, method notes, raw data).\n");
    out
}
