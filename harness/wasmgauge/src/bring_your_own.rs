//! `run --module PATH --export NAME [--arg V ...]`: runs a user's module (binary or text, numeric
//! signatures, no imports beyond the harness's host functions) on every WebAssembly engine, in a
//! fresh process of its driver (the `export-call` scenario's cell), times the call, and checks
//! that all engines give the same results. There is no native twin of a user's module, so the
//! baselines do not apply here.
use crate::inspect::inspect;
use crate::subjects::Subjects;
use anyhow::{Context, Result, anyhow, bail};
use measure::host;
use measure::scenario::{PlannedCell, Scenario};
use measure::scenarios::export_call::{ExportCall, ExportCallTask};
use results::format::{fmt_ns, new_table};
use results::ids;
use results::manifest::{FuncSignature, sha256_hex};
use results::plans::{Profile, ProfileName};
use results::{CellStatus, EngineOptions, ExportCallSection, ResultsFile, Val, now_rfc3339};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What both bring-your-own modes (`--export`, `--wasi`) take besides the module: which
/// configurations, the profile, where the results go, the timeout, the engine options.
pub struct ModuleSettings {
    pub engines: Vec<String>,
    pub profile: ProfileName,
    pub out: Option<PathBuf>,
    pub results_dir: PathBuf,
    pub timeout_s: Option<u64>,
    pub options: EngineOptions,
}

pub struct ModuleRequest {
    pub module: PathBuf,
    pub export: String,
    pub args: Vec<String>,
    pub settings: ModuleSettings,
}

/// Reads a module (wasm binary or WAT text), validates it and finds the export's signature.
pub fn load_module(path: &Path, export: &str) -> Result<(Vec<u8>, FuncSignature)> {
    let wasm = crate::inspect::core_module(path)?;
    let shape = inspect(&wasm).map_err(|e| anyhow!("malformed module {}: {e}", path.display()))?;
    for import in &shape.imports {
        let (m, n) = import.split_once('.').unwrap_or((import, ""));
        if !host::provides(m, n) {
            bail!(
                "{} imports `{import}`; the harness can only provide {}.{}",
                path.display(),
                host::MODULE,
                host::TICK
            );
        }
    }
    let funcs: Vec<&str> = shape.exports.iter().filter(|e| e.kind == "func").map(|e| e.name.as_str()).collect();
    let found = shape.exports.iter().find(|e| e.kind == "func" && e.name == export).ok_or_else(|| {
        anyhow!(
            "{} has no exported function `{export}`; it exports: {}",
            path.display(),
            if funcs.is_empty() { "none".into() } else { funcs.join(", ") }
        )
    })?;
    let sig = found
        .signature
        .clone()
        .ok_or_else(|| anyhow!("`{export}` has non-numeric parameters or results, which `run --module` cannot pass"))?;
    Ok((wasm, sig))
}

/// The `--arg` values read as the export's parameter types, one per parameter.
pub fn parse_args(export: &str, sig: &FuncSignature, args: &[String]) -> Result<Vec<Val>> {
    if args.len() != sig.params.len() {
        bail!("`{export}` takes {} argument(s) ({:?}), {} given with --arg", sig.params.len(), sig.params, args.len());
    }
    sig.params.iter().zip(args).map(|(t, a)| Val::parse(*t, a)).collect()
}

pub struct ModuleSummary {
    pub path: PathBuf,
    pub results: ResultsFile,
    pub agree: bool,
    pub failed_cells: usize,
}

pub fn run(req: &ModuleRequest, subjects: &Subjects) -> Result<ModuleSummary> {
    let (wasm, sig) = load_module(&req.module, &req.export)?;
    let args = parse_args(&req.export, &sig, &req.args)?;
    // Every WebAssembly configuration that times single calls in its own process (not V8 in
    // Node, whose calls cross a pipe), less those measured only when named.
    let chosen = choose(subjects, &req.settings, |s| {
        s.capabilities().is_wasm() && s.capabilities().takes_part_in(ids::EXPORT_CALL)
    })?;
    if chosen.is_empty() {
        bail!("baselines need the workload's source; choose at least one WebAssembly engine for --module");
    }
    let mut byo = Byo::new(&req.settings, subjects, &chosen, &wasm, "module")?;
    byo.results.scenarios.export_call = Some(ExportCallSection {
        module: req.module.display().to_string(),
        module_sha256: sha256_hex(&wasm),
        export: req.export.clone(),
        args: args.clone(),
        engines_agree: false,
        cells: Vec::new(),
    });
    let task = ExportCallTask {
        wasm_path: byo.staged.path().to_path_buf(),
        export: req.export.clone(),
        args: args.clone(),
        result_types: sig.results.clone(),
        plan: byo.profile.throughput.clone(),
    };
    byo.each(&ExportCall, &req.export, &task, |_| Ok(()))?;
    let mut results = byo.results;
    let section = results.scenarios.export_call.as_mut().expect("created above");
    let answers: Vec<&Vec<Val>> = section.cells.iter().filter_map(|c| c.results.as_ref()).collect();
    section.engines_agree = !answers.is_empty() && answers.windows(2).all(|w| w[0] == w[1]);
    let failed_cells = section.cells.iter().filter(|c| c.status == CellStatus::Failed).count();
    let agree = section.engines_agree;
    results.complete = true;
    results.finished_at = Some(now_rfc3339());
    results.save(&byo.path)?;
    Ok(ModuleSummary { path: byo.path, results, agree, failed_cells })
}

/// The configurations a bring-your-own run uses: those named (or all), that `takes_part`, less
/// those measured only when named.
pub fn choose<'s>(
    subjects: &'s Subjects,
    settings: &ModuleSettings,
    takes_part: impl Fn(&crate::registry::Subject) -> bool,
) -> Result<Vec<&'s crate::registry::Subject>> {
    let named = !settings.engines.is_empty();
    Ok(subjects
        .resolve(&settings.engines)?
        .into_iter()
        .filter(|s| takes_part(s))
        .filter(|s| named || s.only_when_named.is_none())
        .collect())
}

/// A bring-your-own run in progress: the user's code staged in a file every driver reads, the
/// profile, the results file being written (saved after every cell, so an interrupted run keeps
/// what it measured) and where it goes.
pub struct Byo<'a> {
    pub subjects: &'a Subjects,
    chosen: Vec<&'a crate::registry::Subject>,
    options: EngineOptions,
    pub profile: Profile,
    pub staged: tempfile::NamedTempFile,
    pub results: ResultsFile,
    pub path: PathBuf,
}

impl<'a> Byo<'a> {
    /// Stages `bytes` and starts the results file (`stem`: the default file name's).
    pub fn new(
        settings: &ModuleSettings,
        subjects: &'a Subjects,
        chosen: &[&'a crate::registry::Subject],
        bytes: &[u8],
        stem: &str,
    ) -> Result<Byo<'a>> {
        let mut profile = Profile::get(settings.profile);
        if let Some(t) = settings.timeout_s {
            profile.cell_timeout_s = t;
        }
        let mut staged = tempfile::Builder::new().prefix("wasmgauge-byo-").suffix(".wasm").tempfile()?;
        std::io::Write::write_all(&mut staged, bytes)?;
        let results = crate::run::new_results(profile.clone(), &settings.options, subjects, chosen)?;
        let path =
            settings.out.clone().unwrap_or_else(|| crate::run::default_results_path(&settings.results_dir, stem));
        Ok(Byo { subjects, chosen: chosen.to_vec(), options: settings.options.clone(), profile, staged, results, path })
    }

    /// One cell of `scenario` per chosen configuration, each in a fresh driver process,
    /// recorded and saved; `after` sees the results after each (and may stop the run).
    pub fn each<T: serde::Serialize>(
        &mut self,
        scenario: &dyn Scenario,
        what: &str,
        task: &T,
        mut after: impl FnMut(&ResultsFile) -> Result<()>,
    ) -> Result<()> {
        let timeout = Duration::from_secs(self.profile.cell_timeout_s);
        let scratch = tempfile::tempdir()?;
        let here = crate::run::Here { subjects: self.subjects, scratch: scratch.path(), timeout };
        for subject in self.chosen.clone() {
            let id = subject.id();
            eprintln!("wasmgauge: {what} on {id} ...");
            let label = format!("{} {what} on {id}", scenario.name());
            let cell = PlannedCell::new(scenario.name(), label, &id, &self.options, 0, task)?;
            let outcome = crate::run::measure_cell(self.subjects, &cell, &here, timeout, None);
            scenario.record(&mut self.results, &cell, outcome);
            self.results.save(&self.path).context("saving results")?;
            after(&self.results)?;
        }
        Ok(())
    }
}

/// engine | results | median per call.
pub fn table(section: &ExportCallSection) -> comfy_table::Table {
    let mut t = new_table(vec!["engine".into(), "results".into(), "median per call".into()]);
    for c in &section.cells {
        let results = match (&c.results, &c.error) {
            (Some(r), _) => r.iter().map(|v| v.to_string()).collect::<Vec<_>>().join(", "),
            (None, Some(e)) => format!("FAILED: {e}"),
            (None, None) => "FAILED".into(),
        };
        let median = c.measurement.as_ref().map(|m| fmt_ns(m.median_ns_per_call)).unwrap_or_default();
        t.add_row(vec![c.engine.clone(), results, median]);
    }
    t
}
