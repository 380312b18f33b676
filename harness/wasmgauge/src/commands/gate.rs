//! `wasmgauge gate` (file mode and paired mode), `calibrate` (A/A runs into a noise floor) and
//! `merge` (shards into one results file).
use crate::args::{CalibrateArgs, GateArgs};
use crate::exit::{Exit, GateExit};
use crate::subjects::Subjects;
use anyhow::{Context, Result};
use std::path::{Path, PathBuf};

/// `wasmgauge gate`: 0 pass, 1 regression, 2 usage error or inputs that cannot be compared.
pub fn gate(args: GateArgs, subjects: &Subjects) -> GateExit {
    match gate_inner(&args, subjects) {
        Ok(report) => {
            println!("{}", gate::render::table(&report, args.all));
            if !report.pass && !args.paired && args.confirm.is_empty() {
                let (scenarios, engines) = report.rerun_selection();
                println!(
                    "to confirm: rerun the candidate with `--scenarios {} --engines {}` (and its other run options), \
                     then gate again with --confirm RERUN.json",
                    scenarios.join(","),
                    engines.join(",")
                );
            }
            if report.pass { GateExit::Pass } else { GateExit::Regression }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            GateExit::CannotCompare
        }
    }
}

fn gate_inner(args: &GateArgs, subjects: &Subjects) -> Result<gate::GateReport> {
    let config = match &args.config {
        Some(p) => gate::config::GateConfig::load(p)?,
        None => gate::config::GateConfig::default(),
    };
    let report = if args.paired {
        crate::paired::run(&args.paired_request()?, &config, subjects)?
    } else {
        let (b, c) =
            (args.baseline.as_ref().expect("clap requires it"), args.candidate.as_ref().expect("clap requires it"));
        let base = results::ResultsFile::load(b)?;
        let cand = results::ResultsFile::load(c)?;
        let noise = args.noise.as_ref().map(|p| gate::noise::NoiseFile::load(p)).transpose()?;
        let names = (b.display().to_string(), c.display().to_string());
        let confirm = args
            .confirm
            .iter()
            .map(|p| Ok((p.display().to_string(), results::ResultsFile::load(p)?)))
            .collect::<Result<Vec<_>>>()?;
        gate::compare(&base, &cand, (&names.0, &names.1), &config, noise.as_ref(), args.allow_cross_machine, &confirm)?
    };
    if let Some(p) = &args.markdown {
        std::fs::write(p, gate::render::markdown(&report)).with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &args.json {
        std::fs::write(p, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(report)
}

/// `wasmgauge calibrate`: A/A runs, then per-cell noise.
pub fn calibrate(args: CalibrateArgs, subjects: &Subjects) -> Result<Exit> {
    let count = if args.from.is_empty() { args.runs } else { args.from.len() };
    if count < 2 {
        anyhow::bail!("calibrate needs at least 2 A/A runs (noise is the spread between runs)");
    }
    let mut runs = args.from.iter().map(|p| results::ResultsFile::load(p)).collect::<Result<Vec<_>>>()?;
    for i in 0..if args.from.is_empty() { args.runs } else { 0 } {
        eprintln!("calibrate: A/A run {} of {}", i + 1, args.runs);
        let summary = crate::run::run(&(&args).into(), subjects)?;
        runs.push(summary.results);
    }
    let noise = gate::noise::NoiseFile::from_runs(&runs)?;
    noise.save(&args.out)?;
    let mut cells = noise.cells.clone();
    cells.sort_by(|a, b| b.noise.total_cmp(&a.noise));
    let mut t = results::format::new_table(vec!["noisiest cells".into(), "A/A noise".into()]);
    for c in cells.iter().take(10) {
        t.add_row(vec![c.key.to_string(), format!("{:.1}%", c.noise * 100.0)]);
    }
    println!("{t}");
    println!("{} cells calibrated over {} runs; noise file: {}", noise.cells.len(), runs.len(), args.out.display());
    Ok(Exit::Ok)
}

/// `merge SHARD.json... --out MERGED.json`.
pub fn merge(inputs: &[PathBuf], out: &Path) -> Result<Exit> {
    let merged = gate::merge::merge(inputs)?;
    merged.save(out)?;
    eprintln!(
        "merged {} runs ({}) into {}",
        merged.merged_from.len(),
        merged
            .merged_from
            .iter()
            .map(|m| format!("{} on {}", m.shard.as_deref().unwrap_or("whole"), m.hostname))
            .collect::<Vec<_>>()
            .join(", "),
        out.display()
    );
    Ok(Exit::Ok)
}
