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
use crate::corpus::inspect;
use crate::subjects::{Subject, Subjects};
use anyhow::{Context, Result, anyhow, bail};
use measure::features::{missing_proposals, needed_proposals};
use measure::wasi_files::{Grant, PreparedRuns, RunTemplate, Tree, digest_tree};
use protocol::client::Launcher;
use protocol::conform::ConformJob;
use protocol::wasi::{WasiExit, WasiRunOutcome};
use protocol::{ConformRequest, Request};
use results::format::{fmt_ns, new_table};
use results::manifest::sha256_hex;
use results::plans::Profile;
use results::wasi_command::{GrantedDir, Observed, PhaseTimes, WasiCommandCell, WasiCommandSection};
use results::{CellStatus, Features, ResultsFile, now_rfc3339};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The module every WASI preview 1 import comes from.
pub const WASI_MODULE: &str = "wasi_snapshot_preview1";

/// How a user's WASI command is run: arguments, environment, granted directories, stdin.
#[derive(Clone, Debug, Default)]
pub struct CommandSpec {
    /// `argv` after the program name.
    pub args: Vec<String>,
    pub env: Vec<(String, String)>,
    pub dirs: Vec<GrantedDir>,
    pub stdin: Option<PathBuf>,
}

impl CommandSpec {
    /// Refuses directories that do not exist and a stdin that is not a file.
    pub fn check(&self) -> Result<()> {
        for d in &self.dirs {
            if !Path::new(&d.host).is_dir() {
                bail!("--dir {}: no such directory", d.host);
            }
        }
        if let Some(stdin) = &self.stdin
            && !stdin.is_file()
        {
            bail!("--stdin {}: no such file", stdin.display());
        }
        Ok(())
    }

    /// What the granted directories hold now (the runs' copies are compared with it).
    pub fn originals(&self) -> Result<Vec<Tree>> {
        self.dirs.iter().map(|d| digest_tree(Path::new(&d.host))).collect()
    }

    /// The runs' template for `module`, with `originals` from [`CommandSpec::originals`].
    pub fn template<'a>(&'a self, module: &Path, originals: &'a [Tree]) -> RunTemplate<'a> {
        RunTemplate {
            program_name: program_name(module),
            grants: self
                .dirs
                .iter()
                .zip(originals)
                .map(|(d, before)| Grant { from: Some(Path::new(&d.host)), guest: &d.guest, before })
                .collect(),
            env: self.env.clone(),
            stdin: self.stdin.clone(),
        }
    }
}

pub struct WasiCommandRequest {
    pub module: PathBuf,
    pub command: CommandSpec,
    pub runs: usize,
    pub settings: crate::bring_your_own::ModuleSettings,
}

/// `--dir HOST[::GUEST]`: the guest sees HOST under GUEST (default: HOST as written).
pub fn parse_dir(s: &str) -> Result<GrantedDir, String> {
    let (host, guest) = match s.split_once("::") {
        Some((h, g)) => (h, g),
        None => (s, s),
    };
    if host.is_empty() || guest.is_empty() {
        return Err(format!("`{s}` is not a directory grant: use HOST or HOST::GUEST, e.g. ./data::/data"));
    }
    Ok(GrantedDir { host: host.into(), guest: guest.into() })
}

/// `--env K=V`.
pub fn parse_env(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.into(), v.into())),
        _ => Err(format!("`{s}` is not an environment variable: use NAME=VALUE")),
    }
}

/// Reads a WASI command module (binary or WAT): it may import only WASI preview 1 and must
/// export `_start`.
pub fn load_command(path: &Path) -> Result<Vec<u8>> {
    let wasm = wat::parse_file(path).map_err(|e| anyhow!("malformed module {}: {e}", path.display()))?;
    let shape = inspect(&wasm).map_err(|e| anyhow!("malformed module {}: {e}", path.display()))?;
    if let Some(other) = shape.imports.iter().find(|i| !i.starts_with(&format!("{WASI_MODULE}."))) {
        bail!(
            "{} imports `{other}`; a WASI command run with --wasi may import only {WASI_MODULE} (WASI preview 1)",
            path.display()
        );
    }
    if !shape.exports.iter().any(|e| e.kind == "func" && e.name == "_start") {
        bail!(
            "{} exports no `_start`: it is not a WASI command (for one export of a module, use --export)",
            path.display()
        );
    }
    Ok(wasm)
}

/// The cell timeout: the profile's, plus per run 30 s and 4 s per MB of module (compiling a
/// 50 MB module with Cranelift takes about 30 s on 2 cores).
pub fn timeout_for(profile_timeout_s: u64, module_bytes: u64, runs: usize) -> u64 {
    profile_timeout_s + runs as u64 * (30 + 4 * module_bytes.div_ceil(1 << 20))
}

/// The guest's program name (`argv[0]`): the module's file name.
pub fn program_name(module: &Path) -> String {
    module.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_else(|| "app".into())
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
    let wasm = load_command(&req.module)?;
    if req.runs == 0 {
        bail!("--runs must be at least 1");
    }
    req.command.check()?;
    let chosen = wasi_subjects(subjects, &req.settings.engines)?;
    let mut profile = Profile::get(req.settings.profile);
    let timeout_s =
        req.settings.timeout_s.unwrap_or_else(|| timeout_for(profile.cell_timeout_s, wasm.len() as u64, req.runs));
    profile.cell_timeout_s = timeout_s;
    let mut staged = tempfile::Builder::new().prefix("wasmgauge-wasi-").suffix(".wasm").tempfile()?;
    std::io::Write::write_all(&mut staged, &wasm)?;
    eprintln!("wasi: checking which proposals {} needs ...", req.module.display());
    let needed = needed_proposals(&wasm);
    let originals = req.command.originals()?;

    let mut results = crate::run::new_results(profile, &req.settings.options, subjects, &chosen)?;
    results.scenarios.wasi_command = Some(WasiCommandSection {
        module: req.module.display().to_string(),
        module_sha256: sha256_hex(&wasm),
        module_bytes: wasm.len() as u64,
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
    let features = match features_for(&exe, id, place.wasm, place.needed) {
        Ok(Ok(f)) => f,
        Ok(Err(why)) => return fail(cell, CellStatus::Unsupported, why),
        Err(e) => return fail(cell, CellStatus::Failed, format!("{e:#}")),
    };
    // Fresh directory copies and stream files for every run.
    let base = place.scratch.join(id.replace(['@', '/'], "_"));
    let template = req.command.template(&req.module, place.originals);
    let prepared = match PreparedRuns::new(&base, &template, vec![req.command.args.clone(); req.runs]) {
        Ok(p) => p,
        Err(e) => return fail(cell, CellStatus::Failed, format!("{e:#}")),
    };
    let ask = prepared.request(id, place.staged, &features, false);
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

/// The proposals to build `subject` (its driver `exe`) with for `wasm`, which needs `needed`:
/// WebAssembly 2.0 where the configuration has it (as runtimes default to), plus what the
/// module needs (some runtimes tie one proposal to another: Wasmtime's exceptions need GC
/// types). `Ok(Err(why))`: the configuration lacks a proposal the module needs.
pub fn features_for(
    exe: &Path,
    subject: &str,
    wasm: &[u8],
    needed: &Features,
) -> Result<std::result::Result<Features, String>> {
    let ask = Request::Conform(ConformRequest { subject: subject.into(), job: ConformJob::Features });
    let answer = protocol::client::call(exe, &ask, Duration::from_secs(120))
        .map_err(|e| anyhow!("asking {subject} for its proposals: {e}"))?;
    let supported: Features = serde_json::from_value(answer).context("the driver's proposal list")?;
    if let Some(why) = missing_proposals(wasm, needed, &supported) {
        return Ok(Err(why));
    }
    let mut features = needed.clone();
    features.0.extend(Features::v2().0.into_iter().filter(|p| supported.has(p)));
    Ok(Ok(features))
}

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

/// One line per finished configuration for the progress output.
fn cell_line(c: &WasiCommandCell) -> String {
    match (c.status, &c.observed, &c.phases) {
        (CellStatus::Unsupported, _, _) => format!("unsupported: {}", c.unsupported.as_deref().unwrap_or("")),
        (CellStatus::Ok, Some(o), Some(p)) => format!(
            "exit {}, stdout {} B, {} file(s) changed; compile {}, run {}",
            o.exit_code,
            o.stdout.bytes,
            o.files.len(),
            fmt_ns(stats::median(&p.compile_ns)),
            fmt_ns(stats::median(&p.run_ns))
        ),
        _ => format!("FAILED: {}", c.error.as_deref().unwrap_or("")),
    }
}

/// engine | exit | stdout | files | each phase's median [95% interval] | verdict.
pub fn table(section: &WasiCommandSection) -> comfy_table::Table {
    let mut t = new_table(
        ["engine", "exit", "stdout", "files", "compile", "artifact load", "instantiate", "run _start", "agrees"]
            .map(String::from)
            .to_vec(),
    );
    let est = |s: &[f64]| {
        if s.is_empty() {
            "–".to_string()
        } else {
            let e = PhaseTimes::median(s);
            format!("{} [{}, {}]", fmt_ns(e.value), fmt_ns(e.ci95_low), fmt_ns(e.ci95_high))
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
