//! `run --module APP.wasm --wasi [--dir HOST[::GUEST]]... [--env K=V]... [--stdin FILE]
//! [--runs N] -- ARGS...`: runs a user's WASI command (`_start`) on every configuration whose
//! subject declares a WASI layer, each in a fresh process of its driver, `N` timed runs each.
//!
//! Before compiling, each configuration's proposals (its driver's answer) are checked against
//! what the module needs: a module needing a proposal the configuration lacks is "unsupported"
//! there, never a failure or a disagreement. Every run gets fresh copies of the granted
//! directories and its own stdin/stdout/stderr files; afterwards the orchestrator digests the
//! streams and lists every file created, changed or deleted in the copies. All configurations
//! must agree on exit code, stdout and files (and each configuration's runs with each other).
use crate::registry::Subject;
use crate::subjects::Subjects;

pub mod agreement;
pub mod command;

pub use agreement::disagreements;
use anyhow::{Context, Result, anyhow, bail};
pub use command::{CommandSpec, WASI_MODULE, load_command, program_name, timeout_for};
use measure::features::{features_to_build, needed_proposals, supported_by};
use measure::wasi_files::{PreparedRuns, Tree};
use protocol::client::Launcher;
use protocol::wasi::{WasiExit, WasiRunOutcome};
use results::format::fmt_ns;
use results::ids;
use results::manifest::sha256_hex;
use results::plans::Profile;
use results::wasi_command::{Observed, PhaseTimes, WasiCommandCell, WasiCommandSection};
use results::{CellStatus, Features, ResultsFile, now_rfc3339};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub struct WasiCommandRequest {
    pub module: PathBuf,
    /// It is a `wasi:cli/run` command component (`run --component --wasi`): run on the
    /// configurations that host components, with WASI 0.2, instead of the WASI layers.
    pub component: bool,
    pub command: CommandSpec,
    pub runs: usize,
    pub settings: crate::bring_your_own::ModuleSettings,
}

pub struct WasiSummary {
    pub path: PathBuf,
    pub results: ResultsFile,
    /// Configurations whose observed behaviour differs from the first one that ran, each with
    /// a description of the difference.
    pub disagreements: Vec<String>,
    pub failed_cells: usize,
}

pub fn run(req: &WasiCommandRequest, subjects: &Subjects) -> Result<WasiSummary> {
    let wasm = if req.component {
        let bytes = crate::bring_your_component::load_component(&req.module)?;
        if !crate::bring_your_component::exports_cli_run(&bytes) {
            bail!(
                "{} exports no wasi:cli/run: it is not a command component (call one of its functions with --invoke)",
                req.module.display()
            );
        }
        bytes
    } else {
        load_command(&req.module)?
    };
    if req.runs == 0 {
        bail!("--runs must be at least 1");
    }
    req.command.check()?;
    let chosen = if req.component {
        crate::bring_your_component::hosts(subjects, &req.settings, ids::WASI_COMMAND)?
    } else {
        wasi_subjects(subjects, &req.settings.engines)?
    };
    let mut profile = Profile::get(req.settings.profile);
    let timeout_s =
        req.settings.timeout_s.unwrap_or_else(|| timeout_for(profile.cell_timeout_s, wasm.len() as u64, req.runs));
    profile.cell_timeout_s = timeout_s;
    let mut staged = tempfile::Builder::new().prefix("wasmgauge-wasi-").suffix(".wasm").tempfile()?;
    std::io::Write::write_all(&mut staged, &wasm)?;
    // A component's proposals are the component host's to check (it validates at compile).
    let needed = if req.component {
        Features::default()
    } else {
        eprintln!("wasi: checking which proposals {} needs ...", req.module.display());
        needed_proposals(&wasm)
    };
    let originals = req.command.originals()?;

    let mut results = crate::run::new_results(profile, &req.settings.options, subjects, &chosen)?;
    results.scenarios.wasi_command = Some(WasiCommandSection {
        module: req.module.display().to_string(),
        module_sha256: sha256_hex(&wasm),
        module_bytes: wasm.len() as u64,
        component: req.component,
        args: req.command.args.clone(),
        env: req.command.env.clone(),
        dirs: req.command.dirs.clone(),
        stdin: req.command.stdin.as_ref().map(|p| p.display().to_string()),
        runs: req.runs,
        engines_agree: false,
        cells: Vec::new(),
    });
    let path =
        req.settings.out.clone().unwrap_or_else(|| crate::run::default_results_path(&req.settings.results_dir, "wasi"));
    let scratch = tempfile::tempdir()?;
    let program = program_name(&req.module);
    let mb = wasm.len() as f64 / 1048576.0;
    // Each configuration's first stdout, for the diff of a disagreement.
    let mut stdouts: BTreeMap<String, String> = BTreeMap::new();
    for (i, subject) in chosen.iter().enumerate() {
        let id = subject.id();
        eprintln!(
            "wasi [{}/{}] {id}: {} run(s) of {program} ({mb:.1} MB: compile, load, instantiate, _start; timeout {timeout_s} s) ...",
            i + 1,
            chosen.len(),
            req.runs
        );
        let started = Instant::now();
        let place = Place {
            wasm: &wasm,
            staged: staged.path(),
            needed: &needed,
            originals: &originals,
            scratch: scratch.path(),
        };
        let (mut cell, stdout) = measure_subject(subjects, &id, req, &place, timeout_s);
        if let Some(text) = stdout {
            stdouts.insert(id.clone(), text);
        }
        cell.wall_ms = started.elapsed().as_millis() as u64;
        eprintln!("wasi [{}/{}] {id}: {}", i + 1, chosen.len(), cell_line(&cell));
        results.scenarios.wasi_command.as_mut().expect("created above").cells.push(cell);
        results.save(&path).context("saving results")?;
    }
    let section = results.scenarios.wasi_command.as_mut().expect("created above");
    let disagreements = disagreements(section, &stdouts);
    let ran = section.cells.iter().filter(|c| c.status == CellStatus::Ok).count();
    section.engines_agree = ran > 0 && disagreements.is_empty();
    let failed_cells = section.cells.iter().filter(|c| c.status == CellStatus::Failed).count();
    results.complete = true;
    results.finished_at = Some(now_rfc3339());
    results.save(&path)?;
    Ok(WasiSummary { path, results, disagreements, failed_cells })
}

/// The configurations asked for that have a WASI layer; naming one without is an error.
fn wasi_subjects<'a>(subjects: &'a Subjects, engines: &[String]) -> Result<Vec<&'a Subject>> {
    let resolved = subjects.resolve(engines)?;
    if let Some(s) = resolved.iter().find(|s| !engines.is_empty() && s.capabilities().wasi.is_none()) {
        bail!("{} has no WASI layer; configurations with one: {}", s.id(), with_wasi(subjects).join(", "));
    }
    let chosen: Vec<&Subject> = resolved.into_iter().filter(|s| s.capabilities().wasi.is_some()).collect();
    if chosen.is_empty() {
        bail!("no configuration with a WASI layer chosen; those with one: {}", with_wasi(subjects).join(", "));
    }
    Ok(chosen)
}

fn with_wasi(subjects: &Subjects) -> Vec<String> {
    subjects
        .resolve(&[])
        .unwrap_or_default()
        .iter()
        .filter(|s| s.capabilities().wasi.is_some())
        .map(|s| s.id())
        .collect()
}

fn blank_cell(id: &str, timeout_s: u64) -> WasiCommandCell {
    WasiCommandCell {
        engine: id.to_string(),
        status: CellStatus::Ok,
        unsupported: None,
        error: None,
        observed: None,
        runs_differing: Vec::new(),
        phases: None,
        timeout_s,
        wall_ms: 0,
    }
}

/// What every configuration's runs share: the module (bytes, staged file, the proposals it
/// needs), the granted directories' original contents, and the scratch directory.
struct Place<'a> {
    wasm: &'a [u8],
    staged: &'a Path,
    needed: &'a Features,
    originals: &'a [Tree],
    scratch: &'a Path,
}

fn measure_subject(
    subjects: &Subjects,
    id: &str,
    req: &WasiCommandRequest,
    place: &Place,
    timeout_s: u64,
) -> (WasiCommandCell, Option<String>) {
    let mut cell = blank_cell(id, timeout_s);
    let fail = |mut cell: WasiCommandCell, status: CellStatus, why: String| {
        cell.status = status;
        if status == CellStatus::Unsupported {
            cell.unsupported = Some(why);
        } else {
            cell.error = Some(why);
        }
        (cell, None)
    };
    // Proposals, before anything is compiled.
    let exe = match subjects.executable_of(id) {
        Ok(exe) => exe,
        Err(e) => return fail(cell, CellStatus::Failed, format!("{e:#}")),
    };
    let features = if req.component {
        Features::default()
    } else {
        match features_for(&exe, id, place.wasm, place.needed) {
            Ok(Ok(f)) => f,
            Ok(Err(why)) => return fail(cell, CellStatus::Unsupported, why),
            Err(e) => return fail(cell, CellStatus::Failed, format!("{e:#}")),
        }
    };
    // Fresh directory copies and stream files for every run.
    let base = place.scratch.join(id.replace(['@', '/'], "_"));
    let template = req.command.template(&req.module, place.originals);
    let prepared = match PreparedRuns::new(&base, &template, vec![req.command.args.clone(); req.runs]) {
        Ok(p) => p,
        Err(e) => return fail(cell, CellStatus::Failed, format!("{e:#}")),
    };
    let ask = prepared.request(id, place.staged, &features, false, req.component);
    let outcomes: Vec<WasiRunOutcome> = match subjects.call(id, &ask, Duration::from_secs(timeout_s)) {
        Ok(v) => match serde_json::from_value(v) {
            Ok(o) => o,
            Err(e) => return fail(cell, CellStatus::Failed, format!("the driver's answer: {e}")),
        },
        Err(e) => return fail(cell, CellStatus::Failed, e.to_string()),
    };
    let mut phases = PhaseTimes::default();
    let mut observed: Vec<Observed> = Vec::new();
    let mut first_stdout = None;
    for (run, (outcome, run_place)) in outcomes.iter().zip(&prepared.files).enumerate() {
        let code = match &outcome.exit {
            WasiExit::Code(c) => *c,
            WasiExit::Unsupported(m) => return fail(cell, CellStatus::Unsupported, m.clone()),
            WasiExit::Error(m) => return fail(cell, CellStatus::Failed, format!("run {}: {m}", run + 1)),
        };
        match run_place.observe(code) {
            Ok((o, stdout)) => {
                observed.push(o);
                first_stdout.get_or_insert(stdout);
            }
            Err(e) => return fail(cell, CellStatus::Failed, format!("reading what run {} wrote: {e:#}", run + 1)),
        }
        if let Some(p) = &outcome.phases {
            phases.compile_ns.push(p.compile_ns as f64);
            if let Some(a) = p.artifact_load_ns {
                phases.artifact_load_ns.push(a as f64);
            }
            phases.instantiate_ns.push(p.instantiate_ns as f64);
            phases.run_ns.push(p.run_ns as f64);
            if let Some(b) = p.bench_ns {
                phases.bench_ns.push(b as f64);
            }
        }
    }
    let _ = std::fs::remove_dir_all(&base);
    if observed.len() != req.runs {
        return fail(cell, CellStatus::Failed, format!("{} answers for {} runs", observed.len(), req.runs));
    }
    cell.runs_differing = (1..observed.len()).filter(|&i| !observed[i].agrees_with(&observed[0])).collect();
    cell.observed = observed.into_iter().next();
    cell.phases = Some(phases);
    (cell, first_stdout)
}

/// The proposals to build `subject` (its driver `exe`) with for `wasm`, which needs `needed`
/// (see [`measure::features::features_to_build`]), after asking the driver what it supports.
/// `Ok(Err(why))`: the configuration lacks a proposal the module needs.
pub fn features_for(
    exe: &Path,
    subject: &str,
    wasm: &[u8],
    needed: &Features,
) -> Result<std::result::Result<Features, String>> {
    let supported = supported_by(subject, |ask| {
        protocol::client::call(exe, ask, Duration::from_secs(120)).map_err(|e| anyhow!("{e}"))
    })?;
    Ok(features_to_build(wasm, needed, &supported))
}

/// One line per finished configuration for the progress output.
fn cell_line(c: &WasiCommandCell) -> String {
    match (c.status, &c.observed, &c.phases) {
        (CellStatus::Unsupported, _, _) => format!("unsupported: {}", c.unsupported.as_deref().unwrap_or("")),
        (CellStatus::Ok, Some(o), Some(p)) => format!(
            "exit {}, stdout {} B, {} file(s) changed; compile {}, run {}{}",
            o.exit_code,
            o.stdout.bytes,
            o.files.len(),
            fmt_ns(stats::median(&p.compile_ns)),
            fmt_ns(stats::median(&p.run_ns)),
            if p.bench_ns.is_empty() {
                String::new()
            } else {
                format!(", bench.start to bench.end {}", fmt_ns(stats::median(&p.bench_ns)))
            }
        ),
        _ => format!("FAILED: {}", c.error.as_deref().unwrap_or("")),
    }
}
