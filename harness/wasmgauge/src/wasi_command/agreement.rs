//! Whether the configurations agree on what a WASI command did: each one that differs from the
//! first that ran, and a short diff of how (exit codes, stdout, files).
use results::CellStatus;
use results::wasi_command::{Observed, WasiCommandSection};
use std::collections::BTreeMap;

/// Each configuration that differs from the first one that ran, and how (stdout diffed from
/// `stdouts`, each configuration's first stdout, where present); and each one whose runs differ
/// from each other.
pub fn disagreements(section: &WasiCommandSection, stdouts: &BTreeMap<String, String>) -> Vec<String> {
    let ran: Vec<(&str, &Observed, &[usize])> = section
        .cells
        .iter()
        .filter(|c| c.status == CellStatus::Ok)
        .filter_map(|c| c.observed.as_ref().map(|o| (c.engine.as_str(), o, c.runs_differing.as_slice())))
        .collect();
    let mut out = Vec::new();
    for (engine, _, differing) in &ran {
        if !differing.is_empty() {
            let runs: Vec<String> = differing.iter().map(|i| (i + 1).to_string()).collect();
            out.push(format!("{engine}: run(s) {} differ from its run 1", runs.join(", ")));
        }
    }
    let Some((reference, first, _)) = ran.first() else { return out };
    for (engine, o, _) in ran.iter().skip(1) {
        if !o.agrees_with(first) {
            out.push(format!(
                "{engine} differs from {reference}:\n{}",
                describe_difference(
                    (reference, first, stdouts.get(*reference).map(String::as_str)),
                    (engine, o, stdouts.get(*engine).map(String::as_str)),
                )
            ));
        }
    }
    out
}

/// The most diff lines shown for a stdout that differs.
const DIFF_LINES: usize = 24;

/// A short diff of two runs: exit codes, stdout (the full texts where given, else the first
/// lines; at most [`DIFF_LINES`] lines of unified diff) and file lists.
pub fn describe_difference(
    (a_name, a, a_text): (&str, &Observed, Option<&str>),
    (b_name, b, b_text): (&str, &Observed, Option<&str>),
) -> String {
    let mut lines = Vec::new();
    if a.exit_code != b.exit_code {
        lines.push(format!("  exit code: {a_name} {}, {b_name} {}", a.exit_code, b.exit_code));
    }
    if a.stdout.sha256 != b.stdout.sha256 {
        lines.push(format!("  stdout: {a_name} {} bytes, {b_name} {} bytes", a.stdout.bytes, b.stdout.bytes));
        let (ta, tb) = match (a_text, b_text) {
            (Some(ta), Some(tb)) => (ta.to_string(), tb.to_string()),
            _ => (a.stdout.head.join("\n"), b.stdout.head.join("\n")),
        };
        let diff = similar::TextDiff::from_lines(&ta, &tb);
        let unified = diff.unified_diff().context_radius(1).header(a_name, b_name).to_string();
        let shown: Vec<&str> = unified.lines().collect();
        lines.extend(shown.iter().take(DIFF_LINES).map(|l| format!("    {l}")));
        if shown.len() > DIFF_LINES {
            lines.push(format!("    ... {} more diff lines", shown.len() - DIFF_LINES));
        }
    }
    let files = |o: &Observed| -> BTreeMap<String, Option<String>> {
        o.files.iter().map(|f| (f.path.clone(), f.sha256.clone())).collect()
    };
    let (fa, fb) = (files(a), files(b));
    for path in fa.keys().chain(fb.keys()).collect::<std::collections::BTreeSet<_>>() {
        let short = |s: Option<&Option<String>>| match s {
            None => "untouched".to_string(),
            Some(None) => "deleted".to_string(),
            Some(Some(h)) => format!("sha256 {}", &h[..12]),
        };
        if fa.get(path) != fb.get(path) {
            lines.push(format!("  file {path}: {a_name} {}, {b_name} {}", short(fa.get(path)), short(fb.get(path))));
        }
    }
    lines.join("\n")
}
