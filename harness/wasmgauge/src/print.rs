//! What the CLI prints: the tables of a finished run (each scenario's own summary, from the one
//! flattening of the results file), its failures, the corpus and the engine list.
use crate::subjects::Subjects;
use anyhow::Result;
use results::CellStatus;
use results::format::{fmt_ns, new_table};
use results::manifest::Corpus;
use results::wasi_command::{PhaseTimes, WasiCommandSection};

/// Prints every scenario of a finished run, then its failures and the one-line summary.
pub fn print_run(summary: &crate::run::RunSummary) {
    let r = &summary.results;
    let view = measure::summary::View::new(r);
    for s in measure::scenarios::REGISTRY {
        for block in s.summarize(r, &view) {
            println!("\n{block}");
        }
    }
    for p in view.problems.iter().filter(|p| p.status == "failed") {
        println!("FAILED {} {} on {}: {}", p.scenario, p.workload, p.engine, p.message);
    }
    for c in view.cells.iter().filter(|c| c.implausible.is_some()) {
        println!("IMPLAUSIBLE {}: {}", c.key_text(), c.implausible.as_deref().unwrap_or(""));
    }
    let verified: u64 = r
        .scenarios
        .throughput
        .iter()
        .flat_map(|t| t.cells.iter())
        .filter_map(|c| c.measurement.as_ref())
        .map(|m| m.verified_calls)
        .sum();
    println!(
        "{} failed, {} skipped, {verified} throughput calls verified, wall time {}; results: {}",
        summary.failed_cells,
        summary.skipped_cells,
        fmt_ns(summary.wall.as_nanos() as f64),
        summary.path.display()
    );
}

/// `wasmgauge engines`: every subject of the registry, as its driver describes it (or why it
/// cannot: the driver is not built).
pub fn engines(subjects: &Subjects, json: bool) -> Result<()> {
    let infos: Vec<results::EngineInfo> = subjects
        .all()
        .iter()
        .map(|s| {
            subjects.info(s).unwrap_or_else(|e| {
                let why =
                    if json { format!("{e:#}") } else { format!("unavailable: {}", first_words(&format!("{e:#}"))) };
                let mut info = results::EngineInfo::new(&s.id(), "unavailable", "unknown", &why, &[]);
                info.driver = Some(s.driver.to_string());
                info.capabilities = Some(s.capabilities());
                info
            })
        })
        .collect();
    if json {
        println!("{}", serde_json::to_string_pretty(&infos)?);
        return Ok(());
    }
    let mut t = new_table(["id", "driver", "runtime", "version", "capabilities", "knobs"].map(String::from).to_vec());
    for (i, s) in infos.iter().zip(subjects.all()) {
        let knobs: Vec<String> = i.knobs.iter().map(|(k, v)| format!("{k}={v}")).collect();
        let caps = i.capabilities.as_ref().map(|c| {
            let mut v = vec![format!("{:?}", c.kind).to_lowercase()];
            if !c.limits.is_none() {
                v.push(format!("limits: {}", c.limits.label()));
            }
            if let Some(w) = &c.wasi {
                v.push(format!("wasi: {w}"));
            }
            if c.artifact {
                v.push("artifact".into());
            }
            if let Some(p) = c.pooling_capacity {
                v.push(format!("pool of {p}"));
            }
            if c.hosts_components() {
                v.push("components".into());
            }
            if let Some(list) = &c.scenarios {
                v.push(format!("takes part in: {}", list.join(", ")));
            }
            for (scenario, why) in &c.left_out {
                let scenario = if scenario == results::LEFT_OUT_OF_THE_REST { "the rest" } else { scenario };
                v.push(format!("not {scenario}: {why}"));
            }
            if let Some(why) = s.only_when_named {
                v.push(format!("only when named: {why}"));
            } else if !s.full_default {
                v.push("quick and full profiles: only when named".into());
            } else if !s.quick_default {
                v.push("quick profile: only when named".into());
            }
            v.join("\n")
        });
        t.add_row(vec![
            i.id.clone(),
            i.driver.clone().unwrap_or_default(),
            i.runtime.clone(),
            i.runtime_version.clone(),
            caps.unwrap_or_default(),
            if knobs.is_empty() { i.description.clone() } else { knobs.join("\n") },
        ]);
    }
    println!("{t}");
    Ok(())
}

/// The start of a message, for a table cell.
fn first_words(text: &str) -> String {
    let short: String = text.chars().take(60).collect();
    if short.len() < text.len() { format!("{short}...") } else { short }
}

/// The corpus manifest as a table.
/// The table of `run --module --wasi`, the first lines of stdout, each disagreement and where
/// the results went.
pub fn print_wasi_command(summary: &crate::wasi_command::WasiSummary) {
    let Some(section) = summary.results.scenarios.wasi_command.as_ref() else { return };
    println!("{}", wasi_command_table(section));
    let first = section.cells.iter().find_map(|c| c.observed.as_ref().map(|o| (&c.engine, o)));
    if let Some((engine, o)) = first {
        if !o.stdout.head.is_empty() {
            println!("stdout ({engine}, first lines):");
            for line in &o.stdout.head {
                println!("  | {line}");
            }
        }
        for f in &o.files {
            let what =
                f.sha256.as_deref().map(|h| format!("{} B, sha256 {}", f.bytes, &h[..16])).unwrap_or("deleted".into());
            println!("file {}: {what}", f.path);
        }
    }
    for d in &summary.disagreements {
        println!("DISAGREEMENT: {d}");
    }
    let verdict = if section.engines_agree {
        "all configurations that ran agree on exit code, stdout and files"
    } else if section.cells.iter().all(|c| c.observed.is_none()) {
        "no configuration ran the command"
    } else {
        "CONFIGURATIONS DISAGREE"
    };
    println!("{verdict}; results: {}", summary.path.display());
}

pub fn print_corpus(corpus: &Corpus) {
    let mut t = new_table(vec![
        "name".into(),
        "kind".into(),
        "lang".into(),
        "toolchain".into(),
        "bytes".into(),
        "sha256".into(),
        "exports".into(),
        "inputs or run (expected)".into(),
    ]);
    for m in &corpus.manifest.modules {
        let exports: Vec<&str> = m.exports.iter().filter(|e| e.kind == "func").map(|e| e.name.as_str()).collect();
        let inputs: Vec<String> = m
            .inputs
            .iter()
            .map(|i| format!("{} n={} {} ({})", i.size.name(), i.n, i.n_unit, i.expected_checksum))
            .chain(m.calls.iter().map(|c| format!("{}{:?} -> {:?}", c.export, c.args, c.results)))
            .chain(m.wasi.iter().map(|w| {
                format!(
                    "_start {} (exit {}, stdout {} B, {} file(s))",
                    w.args.join(" "),
                    w.expected.exit_code,
                    w.expected.stdout.bytes,
                    w.expected.files.len()
                )
            }))
            .collect();
        let toolchain = m.toolchain.as_ref().map(|t| {
            let embeds = t.embeds.as_ref().map(|e| format!("\n{e}")).unwrap_or_default();
            format!("{} {}{embeds}", t.name, t.version)
        });
        t.add_row(vec![
            m.name.clone(),
            serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            m.source_language.clone(),
            toolchain.unwrap_or_default(),
            m.bytes.to_string(),
            m.sha256[..12].to_string(),
            exports.join(" "),
            inputs.join("\n"),
        ]);
    }
    println!("{t}");
}

/// engine | exit | stdout | files | each phase's median [95% interval] | verdict.
pub fn wasi_command_table(section: &WasiCommandSection) -> comfy_table::Table {
    let run = if section.component { "run (wasi:cli/run)" } else { "run _start" };
    let mut t = new_table(
        ["engine", "exit", "stdout", "files", "compile", "artifact load", "instantiate", run, "agrees"]
            .map(String::from)
            .to_vec(),
    );
    let est = |s: &[f64]| {
        if s.is_empty() {
            "–".to_string()
        } else {
            results::format::fmt_estimate_n(&PhaseTimes::median(s), s.len(), fmt_ns)
        }
    };
    for c in &section.cells {
        let mut row = vec![c.engine.clone()];
        match (&c.observed, &c.phases) {
            (Some(o), Some(p)) if c.status == CellStatus::Ok => {
                row.push(o.exit_code.to_string());
                row.push(format!("{} B, sha256 {}", o.stdout.bytes, &o.stdout.sha256[..12]));
                row.push(o.files.len().to_string());
                for s in [&p.compile_ns, &p.artifact_load_ns, &p.instantiate_ns, &p.run_ns] {
                    row.push(est(s));
                }
                row.push(if section.agrees(c) { "yes".into() } else { "NO".into() });
            }
            _ => {
                let why = match c.status {
                    CellStatus::Unsupported => format!("unsupported: {}", c.unsupported.as_deref().unwrap_or("")),
                    _ => format!("FAILED: {}", c.error.as_deref().unwrap_or("")),
                };
                row.extend(std::iter::repeat_n(String::new(), 7));
                row.push(why);
            }
        }
        t.add_row(row);
    }
    t
}
