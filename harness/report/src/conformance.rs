//! The conformance part of a report: the spec matrix, the feature table ([`super::features`]),
//! the sandbox and WASI matrices, the differential
//! summary, the list of findings (every failure, escape or disagreement with its reproducer),
//! and the three claims they decide (crash containment, system calls, resource limits).
use super::claim::{ClaimRow, SEED_CLOUDFLARE, SEED_LEFT_BROWSER, SEED_OUTSIDE_BROWSER, SEED_SERVER_SIDE, Verdict};
use super::markup::{Td, esc};
use super::model::Model;
use results::conformance::{
    COMPILE_BOMB, ConformanceSection, Containment, Counts, DifferentialSection, FileOutcome, SandboxSection,
    SpecSection, WasiSection, WasiTestsuiteSection, cell_text, containment_label,
};
use std::fmt::Write as _;

/// Sandbox cases that test containment of a crashing or misbehaving guest (traps, stack, bad
/// pointers); the rest test resource limits.
const CRASH_CASES: &[&str] = &[
    "deep_recursion",
    "mutual_recursion",
    "load_at_edge",
    "load_at_max_address",
    "store_large_offset",
    "fill_past_end",
    "copy_past_end",
    "call_indirect_out_of_bounds",
    "call_indirect_null",
    "call_indirect_wrong_type",
    "unreachable",
    "divide_by_zero",
    "int_min_div_minus_one",
    "float_to_int_nan",
    "hostile_host_pointer",
];

fn section_of(model: &Model, run: usize) -> Option<&ConformanceSection> {
    model.runs.get(run).and_then(|r| r.results.conformance.as_ref())
}

/// Engines of a run's conformance results, in the order of the report's engines.
fn engines_in(c: &ConformanceSection, order: &[String]) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut add = |e: &str| {
        if !seen.iter().any(|x| x == e) {
            seen.push(e.to_string());
        }
    };
    if let Some(s) = &c.spec {
        s.files.iter().for_each(|f| add(&f.engine));
    }
    if let Some(s) = &c.sandbox {
        s.cells.iter().for_each(|x| add(&x.engine));
    }
    if let Some(s) = &c.wasi {
        s.cells.iter().for_each(|x| add(&x.engine));
    }
    if let Some(s) = &c.wasi_testsuite {
        s.cells.iter().for_each(|x| add(&x.engine));
    }
    if let Some(s) = &c.features {
        s.probes.iter().for_each(|x| add(&x.engine));
    }
    seen.sort_by_key(|e| order.iter().position(|o| o == e).unwrap_or(usize::MAX));
    seen
}

/// Judges sandbox cases (`crash`: the crash cases, else the limit cases) over configurations.
fn sandbox_claim(c: &ConformanceSection, crash: bool) -> Option<(Verdict, String)> {
    let s = c.sandbox.as_ref()?;
    let cells: Vec<_> = s
        .cells
        .iter()
        .filter(|x| CRASH_CASES.contains(&x.case.as_str()) == crash && x.containment != Containment::NotApplicable)
        .collect();
    if cells.is_empty() {
        return None;
    }
    let escaped: Vec<String> = cells
        .iter()
        .filter(|x| x.containment == Containment::NotContained)
        .map(|x| format!("{} on {}", x.case, x.engine))
        .collect();
    let contained = cells.len() - escaped.len();
    let mut text = format!("{contained} of {} guest × configuration cells contained", cells.len());
    if !escaped.is_empty() {
        let _ = write!(text, "; not contained: {}", escaped.join(", "));
    }
    Some((if escaped.is_empty() { Verdict::Supported } else { Verdict::Contradicted }, text))
}

fn wasi_claim(c: &ConformanceSection) -> Option<(Verdict, String)> {
    let s = c.wasi.as_ref()?;
    let judged: Vec<_> = s.cells.iter().filter(|x| x.verdict != "unsupported").collect();
    if judged.is_empty() {
        return None;
    }
    let failed: Vec<String> =
        judged.iter().filter(|x| x.verdict == "fail").map(|x| format!("{} on {}", x.check, x.engine)).collect();
    let unsupported = s.cells.len() - judged.len();
    let mut text = format!("{} of {} checks × configurations passed", judged.len() - failed.len(), judged.len());
    if unsupported > 0 {
        let _ = write!(text, " ({unsupported} could not be expressed)");
    }
    if !failed.is_empty() {
        let _ = write!(text, "; failed: {}", failed.join(", "));
    }
    Some((if failed.is_empty() { Verdict::Supported } else { Verdict::Contradicted }, text))
}

/// The three claims conformance decides, for one run.
pub fn claims(model: &Model, run: usize) -> Vec<ClaimRow> {
    let c = section_of(model, run);
    let row = |claim, sources, criterion: &str, judged: Option<(Verdict, String)>, missing: &str| match judged {
        Some((verdict, measured)) => ClaimRow { claim, sources, criterion: criterion.into(), measured, verdict, run },
        None => ClaimRow {
            claim,
            sources,
            criterion: criterion.into(),
            measured: missing.into(),
            verdict: Verdict::NotMeasured,
            run,
        },
    };
    let no_sandbox = "no sandbox conformance results in this file (`wasmgauge conform sandbox`)";
    vec![
        row(
            "A crashing (panicking) plugin cannot take down the host",
            vec![SEED_CLOUDFLARE, SEED_SERVER_SIDE],
            "every crashing guest (traps, stack overflow, out-of-bounds access, a hostile pointer handed to the host) \
             ends in an error the host catches, on every configuration, with the host process alive",
            c.and_then(|c| sandbox_claim(c, true)),
            no_sandbox,
        ),
        row(
            "A module cannot make a system call the host has not exposed",
            vec![SEED_SERVER_SIDE, SEED_LEFT_BROWSER],
            "WASI guests get what was granted and are denied everything else (escapes by ../, absolute paths, planted \
             symlinks, writes into a read-only preopen), host filesystem checked afterwards, on every configuration",
            c.and_then(wasi_claim),
            "no WASI conformance results in this file (`wasmgauge conform wasi`)",
        ),
        row(
            "Resource limits (fuel, memory caps) hold",
            vec![SEED_OUTSIDE_BROWSER],
            "with each configuration's limits on: runaway loops (also in a slow host call) stopped, memory and table \
             growth past the cap refused, an over-sized initial memory refused, a compile bomb bounded; on every \
             configuration",
            c.and_then(|c| sandbox_claim(c, false)),
            no_sandbox,
        ),
    ]
}

/// A table of plain-text cells, each with an optional second, smaller line (`main\nsub`) and a
/// CSS class, drawn by the page's own table code.
fn table(out: &mut String, head: &[String], rows: Vec<Vec<(String, &'static str)>>) {
    let cell = |text: String, class| {
        let html = match text.split_once('\n') {
            Some((main, sub)) => format!("{}<span class=\"ci\">{}</span>", esc(main), esc(sub)),
            None => esc(&text),
        };
        Td { html, class }
    };
    let rows = rows.into_iter().map(|row| row.into_iter().map(|(text, class)| cell(text, class)).collect()).collect();
    super::markup::table(out, head, rows);
}

/// A spec cell in two lines: `passed/judged`, then the other counts.
fn spec_cell(c: &Counts) -> String {
    let text = cell_text(c);
    match text.split_once(" · ") {
        Some((main, rest)) => format!("{main}\n{}", rest.replace(" · ", ", ")),
        None => text,
    }
}

/// A suite's profile in a few words: `MVP`, `2.0`, `3.0`, `3.0 + simd`.
fn profile_label(suite: &str) -> String {
    match suite {
        "wasm-v1" => "MVP".into(),
        "wasm-v2" => "2.0".into(),
        "wasm-v3" | "wasm-latest" => "3.0".into(),
        other => format!("3.0 + {}", other.trim_start_matches("proposals/")),
    }
}

fn spec_html(out: &mut String, s: &SpecSection, engines: &[String]) {
    let _ = write!(
        out,
        "<h3>Spec testsuite ({})</h3><p class=\"caption\">Directives passed / judged per suite and configuration. Judged \
         = total − unsupported (the configuration lacks the proposal) − skipped (quoted-text modules, custom-section and \
         thread directives). Each suite is judged with its own profile; a crash or timeout counts every directive of its \
         file.</p>",
        esc(&s.testsuite)
    );
    let mut head = vec!["suite".to_string(), "profile".into()];
    head.extend(engines.iter().cloned());
    let matrix = s.matrix();
    let mut rows = Vec::new();
    for suite in s.suites() {
        let suite = &suite.to_string();
        let mut row = vec![(suite.clone(), ""), (profile_label(suite), "")];
        for e in engines {
            row.push(match matrix.get(&(suite.clone(), e.clone())) {
                None => ("–".into(), "na"),
                Some(c) => {
                    let class = if c.crash + c.timeout > 0 {
                        "bad"
                    } else if c.fail == 0 {
                        "good"
                    } else {
                        "warn"
                    };
                    (spec_cell(c), class)
                }
            });
        }
        rows.push(row);
    }
    table(out, &head, rows);
    out.push_str("<p class=\"caption\">Profiles: MVP = mutable globals only; 2.0 = MVP + sign extension, saturating \
                   conversions, multi-value, bulk memory, reference types, SIMD; 3.0 = 2.0 + tail calls, extended const, \
                   typed function references, GC, exceptions, memory64, multi-memory, relaxed SIMD. Each configuration \
                   switches on those it supports; what it lacks makes directives unsupported.</p>");
    let failing: Vec<&FileOutcome> =
        s.files.iter().filter(|f| f.counts.fail + f.counts.crash + f.counts.timeout > 0).collect();
    let _ = write!(
        out,
        "<h3>Spec failures by file ({} file × configuration pairs)</h3><p class=\"caption\">The first failed directive of \
         each file, with the runtime's message; message mismatches (right failure class, other wording) are not failures \
         and are counted apart.</p>",
        failing.len()
    );
    let mut rows = Vec::new();
    for f in failing.iter().take(300) {
        rows.push(vec![
            (f.engine.clone(), ""),
            (format!("{}/{}", f.suite, f.file), ""),
            (format!("{} fail, {} crash, {} timeout", f.counts.fail, f.counts.crash, f.counts.timeout), "num"),
            (f.first_failure.clone().unwrap_or_default(), ""),
        ]);
    }
    table(out, &["configuration".into(), "file".into(), "failed".into(), "first failure".into()], rows);
}

fn sandbox_html(out: &mut String, s: &SandboxSection, engines: &[String]) {
    let _ = write!(
        out,
        "<h3>Sandbox containment</h3><p class=\"caption\">Hostile guests (<code>workloads/adversarial/sandbox/</code>) with \
         the limits on: fuel {} units, a {} ms deadline where the runtime can interrupt (Wasmtime epochs), memories capped \
         at {} MiB, tables at {} elements, each runtime's default stack; each cell in its own driver process with a {} s watchdog. \
         contained = the expected outcome; contained (other) = the host caught a different failure.</p>",
        s.fuel,
        s.deadline_ms,
        s.memory_cap_bytes >> 20,
        s.table_cap_elements,
        s.watchdog_s
    );
    let mut head = vec!["case".to_string(), "expected".into()];
    head.extend(engines.iter().cloned());
    let mut rows = Vec::new();
    for (case, expected) in s.cases() {
        let cells: Vec<_> = engines.iter().map(|e| s.cells.iter().find(|c| c.case == case && &c.engine == e)).collect();
        if cells.iter().all(Option::is_none) {
            continue;
        }
        let mut row = vec![(case.to_string(), ""), (expected.to_string(), "")];
        for c in cells {
            row.push(match c {
                None => ("–".into(), "na"),
                Some(c) => (
                    containment_label(c.containment).to_string(),
                    match c.containment {
                        Containment::Contained => "good",
                        Containment::ContainedOther => "warn",
                        Containment::NotContained => "bad",
                        Containment::NotApplicable => "na",
                    },
                ),
            });
        }
        rows.push(row);
    }
    table(out, &head, rows);
    let findings: Vec<_> = s.cells.iter().filter(|c| c.containment != Containment::Contained).collect();
    if !findings.is_empty() {
        out.push_str(
            "<h3>Sandbox findings</h3><p class=\"caption\">Every cell that did not end as expected, with what happened \
                       and its reproducer.</p>",
        );
        let rows = findings
            .iter()
            .map(|c| {
                let repro = if c.case == COMPILE_BOMB {
                    "generated: conform::sandbox::compile_bomb()".to_string()
                } else {
                    format!("workloads/adversarial/sandbox/{}.wat", c.case)
                };
                vec![
                    (c.case.clone(), ""),
                    (c.engine.clone(), ""),
                    (containment_label(c.containment).into(), ""),
                    (c.detail.clone(), ""),
                    (repro, ""),
                ]
            })
            .collect();
        table(
            out,
            &["case".into(), "configuration".into(), "outcome".into(), "what happened".into(), "reproducer".into()],
            rows,
        );
    }
}

fn wasi_html(out: &mut String, s: &WasiSection, engines: &[String]) {
    out.push_str(
        "<h3>WASI capabilities</h3><p class=\"caption\">The probe guest (<code>workloads/rust/wasi_probe</code>, \
         wasm32-wasip1) under each runtime's WASI layer with <code>/sandbox</code> preopened read-write (and \
         <code>/ro</code> read-only where the check needs it); after every run the host filesystem is checked.</p>",
    );
    let mut head = vec!["check".to_string(), "expected".into()];
    head.extend(engines.iter().cloned());
    let mut rows = Vec::new();
    for (check, expected) in s.checks().into_iter().map(|c| (&c.check, &c.expected)) {
        let mut row = vec![(check.to_string(), ""), (expected.to_string(), "")];
        for e in engines {
            row.push(match s.cells.iter().find(|c| c.check == *check && &c.engine == e) {
                None => ("–".into(), "na"),
                Some(c) => (
                    c.verdict.clone(),
                    match c.verdict.as_str() {
                        "pass" => "good",
                        "fail" => "bad",
                        _ => "na",
                    },
                ),
            });
        }
        rows.push(row);
    }
    table(out, &head, rows);
    let findings: Vec<_> = s.cells.iter().filter(|c| c.verdict != "pass").collect();
    if !findings.is_empty() {
        out.push_str("<h3>WASI findings</h3>");
        let rows = findings
            .iter()
            .map(|c| {
                vec![(c.check.clone(), ""), (c.engine.clone(), ""), (c.verdict.clone(), ""), (c.detail.clone(), "")]
            })
            .collect();
        table(out, &["check".into(), "configuration".into(), "verdict".into(), "what happened".into()], rows);
    }
}

fn wasi_testsuite_html(out: &mut String, s: &WasiTestsuiteSection, engines: &[String]) {
    let _ = write!(
        out,
        "<h3>WASI testsuite</h3><p class=\"caption\">The tests of <code>{}</code> (WebAssembly/wasi-testsuite), \
         each judged by its JSON specification (exit code, stdout, stderr), in a fresh driver process with a fresh \
         copy of its root directory. passed / run per test folder; unsupported: needs a WASI proposal, a network \
         operation or a WebAssembly proposal the configuration lacks.</p>",
        esc(&s.root)
    );
    let engines: Vec<&String> = engines.iter().filter(|e| s.cells.iter().any(|c| &&c.engine == e)).collect();
    let mut head = vec!["tests".to_string()];
    head.extend(engines.iter().map(|e| e.to_string()));
    let mut rows = Vec::new();
    for suite in s.suites() {
        let mut row = vec![(suite.to_string(), "")];
        for e in &engines {
            let failed = s.counts(suite, e).1;
            row.push((s.cell_text(suite, e), if failed == 0 { "good" } else { "bad" }));
        }
        rows.push(row);
    }
    table(out, &head, rows);
    let failing: Vec<_> = s.cells.iter().filter(|c| c.verdict == "fail").collect();
    if !failing.is_empty() {
        out.push_str("<h4>Failing tests, per configuration</h4>");
        let rows = failing
            .iter()
            .map(|c| vec![(c.engine.clone(), ""), (format!("{}/{}", c.suite, c.test), ""), (c.detail.clone(), "")])
            .collect();
        table(out, &["configuration".into(), "test".into(), "what differed".into()], rows);
    }
}

fn differential_html(out: &mut String, d: &DifferentialSection) {
    let _ = write!(
        out,
        "<h3>Differential: random modules</h3><p class=\"caption\">{} wasm-smith modules (seeds {}…) in {} s: {} answered \
         identically on every configuration ({} export calls compared), {} disagreed, {} inconclusive (a stack limit or \
         a driver process failed).</p>",
        d.modules,
        d.first_seed,
        d.seconds,
        d.agreed,
        d.calls,
        d.disagreements.len(),
        d.inconclusive
    );
    if !d.disagreements.is_empty() {
        let rows = d
            .disagreements
            .iter()
            .map(|x| {
                let answers =
                    x.answers.iter().map(|(e, a)| format!("{e}: {}", a.join("; "))).collect::<Vec<_>>().join(" | ");
                vec![(x.seed.to_string(), "num"), (x.reproducer.clone(), ""), (answers, "")]
            })
            .collect();
        table(out, &["seed".into(), "reproducer".into(), "answers".into()], rows);
    }
}

/// The HTML section (empty text when no run has conformance results).
pub fn html(model: &Model) -> String {
    let mut out = String::new();
    for (run, r) in model.runs.iter().enumerate() {
        let Some(c) = section_of(model, run) else { continue };
        if out.is_empty() {
            out.push_str("<section id=\"conformance\"><h2>Conformance</h2>");
        }
        if model.runs.len() > 1 {
            let _ = write!(out, "<p class=\"caption\">Run {}</p>", esc(&r.label));
        }
        let engines = engines_in(c, &model.engines);
        if let Some(s) = &c.spec {
            spec_html(&mut out, s, &engines);
        }
        if let Some(rows) = super::features::rows(model, run) {
            super::features::html(&mut out, &rows);
        }
        if let Some(s) = &c.sandbox {
            sandbox_html(&mut out, s, &engines);
        }
        if let Some(s) = &c.wasi {
            wasi_html(&mut out, s, &engines);
        }
        if let Some(s) = &c.wasi_testsuite {
            wasi_testsuite_html(&mut out, s, &engines);
        }
        if let Some(d) = &c.differential {
            differential_html(&mut out, d);
        }
    }
    if !out.is_empty() {
        out.push_str("</section>\n");
    }
    out
}

/// The Markdown matrices for `summary.md` (empty when there are none).
pub fn markdown(model: &Model) -> String {
    let mut out = String::new();
    for run in 0..model.runs.len() {
        let Some(c) = section_of(model, run) else { continue };
        let engines = engines_in(c, &model.engines);
        let head =
            |first: &str| format!("| {first} | {} |\n|---|{}\n", engines.join(" | "), "---|".repeat(engines.len()));
        if let Some(s) = &c.spec {
            out.push_str("\n### Spec testsuite (passed / judged)\n\n");
            out.push_str(&head("suite"));
            let matrix = s.matrix();
            for suite in s.suites() {
                let cells: Vec<String> = engines
                    .iter()
                    .map(|e| matrix.get(&(suite.to_string(), e.clone())).map(cell_text).unwrap_or("–".into()))
                    .collect();
                let _ = writeln!(out, "| {suite} | {} |", cells.join(" | "));
            }
        }
        if let Some(s) = &c.sandbox {
            out.push_str("\n### Sandbox containment\n\n");
            out.push_str(&head("case"));
            for (case, _) in s.cases() {
                let cells: Vec<String> = engines
                    .iter()
                    .map(|e| {
                        s.cells
                            .iter()
                            .find(|c| c.case == case && &c.engine == e)
                            .map(|c| containment_label(c.containment).to_string())
                            .unwrap_or("–".into())
                    })
                    .collect();
                if cells.iter().any(|c| c != "–") {
                    let _ = writeln!(out, "| {case} | {} |", cells.join(" | "));
                }
            }
        }
        if let Some(s) = &c.wasi {
            out.push_str("\n### WASI capabilities\n\n");
            out.push_str(&head("check"));
            for check in s.checks().into_iter().map(|c| &c.check) {
                let cells: Vec<String> = engines
                    .iter()
                    .map(|e| {
                        s.cells
                            .iter()
                            .find(|c| c.check == *check && &c.engine == e)
                            .map(|c| c.verdict.clone())
                            .unwrap_or("–".into())
                    })
                    .collect();
                let _ = writeln!(out, "| {check} | {} |", cells.join(" | "));
            }
        }
        if let Some(d) = &c.differential {
            let _ = writeln!(
                out,
                "\n**Differential:** {} random modules, {} agreed ({} calls), {} disagreed, {} inconclusive.",
                d.modules,
                d.agreed,
                d.calls,
                d.disagreements.len(),
                d.inconclusive
            );
        }
    }
    out
}
