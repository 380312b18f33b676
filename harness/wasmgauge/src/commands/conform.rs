//! `wasmgauge conform spec|sandbox|wasi|wasi-testsuite|features|differential|all`: running the parts (the `conform`
//! crate, launching drivers through the subject registry), printing the matrices and writing
//! the results file (its arguments: [`crate::args::conform`]).

use crate::args::conform::ConformCommand;
use crate::subjects::Subjects;
use anyhow::{Result, bail};
use results::conformance::{ConformanceSection, SandboxSection, SpecSection, cell_text, containment_label};
use results::format::new_table;
use results::plans::{Profile, ProfileName};
use results::{EngineOptions, ResultsFile};
use std::path::PathBuf;
use std::time::Duration;

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
        | ConformCommand::WasiTestsuite { common, .. }
        | ConformCommand::Features { common }
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
    if let ConformCommand::WasiTestsuite { path, .. } = &command {
        let wasi_ids = with_wasi(subjects, &ids);
        if wasi_ids.is_empty() {
            bail!("none of the chosen configurations has a WASI layer");
        }
        let s = crate::wasi_testsuite::run(subjects, &wasi_ids, path, parallel)?;
        println!("{}", crate::wasi_testsuite::table(&s, &wasi_ids));
        section.wasi_testsuite = Some(s);
    }
    let (spec, sandbox, wasi, differential) = match &command {
        ConformCommand::Spec { spec, .. } => (Some(spec), None, None, None),
        ConformCommand::Sandbox { sandbox, .. } => (None, Some(sandbox), None, None),
        ConformCommand::Wasi { corpus, .. } => (None, None, Some(corpus), None),
        ConformCommand::WasiTestsuite { .. } | ConformCommand::Features { .. } => (None, None, None, None),
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
    if matches!(command, ConformCommand::Features { .. } | ConformCommand::All { .. }) {
        section.features = Some(conform::features::run(subjects, &ids, parallel)?);
        let engines: Vec<&results::EngineInfo> = ids.iter().filter_map(|id| results.engine(id)).collect();
        println!("{}", conform::features::table(&conform::features::rows(&section, &engines)));
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
        let wasi_ids = with_wasi(subjects, &ids);
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

/// The configurations among `ids` that have a WASI layer.
fn with_wasi<'a>(subjects: &Subjects, ids: &[&'a str]) -> Vec<&'a str> {
    ids.iter().copied().filter(|id| subjects.find(id).is_some_and(|s| s.capabilities().wasi.is_some())).collect()
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
