//! The page's section on `run --module --wasi`: per run with a `wasi_command` section, the
//! agreement table (exit code, stdout, files written, verdict per configuration) and each
//! phase's median with its interval (from the flattened cells).
use super::markup::{Td, esc, table};
use super::model::Model;
use super::page::{td_metric, td_text};
use results::CellStatus;
use results::ids;
use results::wasi_command::WasiCommandSection;
use std::fmt::Write as _;

const PHASES: [(&str, &str); 4] = [
    ("compile_time", "compile"),
    ("artifact_load_time", "artifact load"),
    ("instantiate_time", "instantiate"),
    ("run_time", "run _start"),
];

pub fn html(model: &Model) -> String {
    let mut out = String::new();
    for (run, r) in model.runs.iter().enumerate() {
        let Some(s) = &r.results.scenarios.wasi_command else { continue };
        if out.is_empty() {
            out.push_str("<section id=\"wasi-command\"><h2>Your WASI program</h2>");
        }
        section(&mut out, model, run, s);
    }
    if !out.is_empty() {
        out.push_str("</section>");
    }
    out
}

fn section(out: &mut String, model: &Model, run: usize, s: &WasiCommandSection) {
    let workload = s.workload();
    let dirs: Vec<String> = s.dirs.iter().map(|d| format!("{} as {}", d.host, d.guest)).collect();
    let _ = write!(
        out,
        "<p class=\"caption\">Run {}: <code>{}</code> ({:.1} MB, sha256 {}…) with arguments <code>{}</code>{}; {} run(s) per \
         configuration, each on fresh copies of the granted directories. {}</p>",
        esc(&model.runs[run].label),
        esc(&workload),
        s.module_bytes as f64 / 1048576.0,
        esc(&s.module_sha256[..12.min(s.module_sha256.len())]),
        esc(&s.args.join(" ")),
        if dirs.is_empty() { String::new() } else { format!(", directories {}", esc(&dirs.join(", "))) },
        s.runs,
        if s.engines_agree {
            "Every configuration that ran agrees on exit code, stdout and files."
        } else {
            "<strong>The configurations disagree</strong> (or none ran)."
        }
    );
    let reference = s.reference();
    let mut head: Vec<String> = ["configuration", "exit", "stdout", "files written"].map(String::from).to_vec();
    head.extend(PHASES.iter().map(|(_, h)| h.to_string()));
    head.push("agrees".into());
    let mut rows = Vec::new();
    for c in &s.cells {
        let mut row = vec![td_text(&c.engine)];
        match (&c.observed, c.status) {
            (Some(o), CellStatus::Ok) => {
                row.push(td_text(&o.exit_code.to_string()));
                row.push(td_text(&format!("{} B, sha256 {}…", o.stdout.bytes, &o.stdout.sha256[..12])));
                let files: Vec<String> = o
                    .files
                    .iter()
                    .map(|f| match &f.sha256 {
                        Some(h) => format!("{} ({} B, {}…)", f.path, f.bytes, &h[..8]),
                        None => format!("{} (deleted)", f.path),
                    })
                    .collect();
                row.push(td_text(&if files.is_empty() { "none".into() } else { files.join(", ") }));
                for (metric, _) in PHASES {
                    row.push(td_metric(model.find(run, ids::WASI_COMMAND, &workload, &c.engine, metric)));
                }
                row.push(if s.agrees(c) {
                    Td { html: "yes".into(), class: "good" }
                } else {
                    Td { html: "<strong>no</strong>".into(), class: "bad" }
                });
            }
            _ => {
                let why = match c.status {
                    CellStatus::Unsupported => format!("unsupported: {}", c.unsupported.as_deref().unwrap_or("")),
                    _ => format!("failed: {}", c.error.as_deref().unwrap_or("")),
                };
                row.extend((0..3 + PHASES.len()).map(|_| Td { html: "–".into(), class: "na" }));
                row.push(td_text(&why));
            }
        }
        rows.push(row);
    }
    table(out, &head, rows);
    if let Some(o) = reference.filter(|o| !o.stdout.head.is_empty()) {
        let _ =
            write!(out, "<p class=\"caption\">stdout, first lines</p><pre>{}</pre>", esc(&o.stdout.head.join("\n")));
    }
}
