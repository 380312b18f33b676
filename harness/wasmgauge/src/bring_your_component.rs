//! `run --component C.wasm --invoke 'name(arg, ...)'`: a user's component (binary or text)
//! called on every component host, each in a fresh driver process (the `component-invoke`
//! scenario's cell), with arguments and results in WAVE; the hosts must agree. What is wrong
//! with the input is said in one line (exit 1): a core module given as a component, a
//! malformed component, and, found by the first host, a world it cannot satisfy, a WAVE text
//! that does not parse or does not match the function's type, an unknown export.
use crate::bring_your_own::{Byo, ModuleSettings, choose};
use crate::subjects::Subjects;
use anyhow::{Result, anyhow, bail};
use measure::scenarios::component_invoke::{ComponentInvoke, ComponentInvokeTask};
use results::format::{fmt_ns, new_table};
use results::ids;
use results::manifest::sha256_hex;
use results::{CellStatus, ComponentInvokeSection, ResultsFile, now_rfc3339};
use std::path::{Path, PathBuf};

/// What `run --component --invoke` was asked.
pub struct ComponentRequest {
    /// The user's component.
    pub component: PathBuf,
    /// The call, in WAVE.
    pub invoke: String,
    /// Configurations, profile, output.
    pub settings: ModuleSettings,
}

/// What the run found.
pub struct ComponentSummary {
    pub path: PathBuf,
    pub results: ResultsFile,
    pub agree: bool,
    pub failed_cells: usize,
}

/// Reads a component (binary or text) and checks that it is one and that it validates.
pub fn load_component(path: &Path) -> Result<Vec<u8>> {
    let bytes = crate::inspect::read_wasm(path, "component")?;
    if !wasmparser::Parser::is_component(&bytes) {
        bail!(
            "{} is a core module, not a component: run it with `--module {0} --export NAME` (or `--wasi`)",
            path.display()
        );
    }
    wasmparser::Validator::new_with_features(wasmparser::WasmFeatures::all())
        .validate_all(&bytes)
        .map_err(|e| anyhow!("malformed component {}: {e}", path.display()))?;
    Ok(bytes)
}

/// Whether a component exports `wasi:cli/run` at its top level (a command component, what
/// `run --component --wasi` runs).
pub fn exports_cli_run(bytes: &[u8]) -> bool {
    let mut depth = 0usize;
    for payload in wasmparser::Parser::new(0).parse_all(bytes) {
        match payload {
            Ok(wasmparser::Payload::Version { .. }) => depth += 1,
            Ok(wasmparser::Payload::End(_)) => depth = depth.saturating_sub(1),
            Ok(wasmparser::Payload::ComponentExportSection(exports)) if depth == 1 => {
                if exports.into_iter().flatten().any(|e| e.name.name.starts_with("wasi:cli/run@")) {
                    return true;
                }
            }
            Ok(_) => {}
            Err(_) => return false,
        }
    }
    false
}

/// The configurations asked for that host components and take part in `scenario` (a host may
/// host the plugin world only: V8 through jco); none is an error.
pub fn hosts<'s>(
    subjects: &'s Subjects,
    settings: &ModuleSettings,
    scenario: &str,
) -> Result<Vec<&'s crate::registry::Subject>> {
    let chosen = choose(subjects, settings, |s| {
        s.capabilities().hosts_components() && s.capabilities().takes_part_in(scenario)
    })?;
    if chosen.is_empty() {
        bail!(
            "none of the chosen configurations hosts components of any world (see `wasmgauge engines`: components; V8 hosts the plugin world only, for component-calls)"
        );
    }
    Ok(chosen)
}

pub fn run(req: &ComponentRequest, subjects: &Subjects) -> Result<ComponentSummary> {
    let bytes = load_component(&req.component)?;
    let chosen = hosts(subjects, &req.settings, ids::COMPONENT_INVOKE)?;
    let mut byo = Byo::new(&req.settings, subjects, &chosen, &bytes, "component")?;
    byo.results.scenarios.component_invoke = Some(ComponentInvokeSection {
        component: req.component.display().to_string(),
        component_sha256: sha256_hex(&bytes),
        invoke: req.invoke.clone(),
        engines_agree: false,
        cells: Vec::new(),
    });
    let task = ComponentInvokeTask {
        component_path: byo.staged.path().to_path_buf(),
        invoke: req.invoke.clone(),
        plan: byo.profile.throughput.clone(),
    };
    // A refusal is the input's fault: said once, from the first host that refused.
    byo.each(&ComponentInvoke, &req.invoke, &task, |results| {
        let section = results.scenarios.component_invoke.as_ref().expect("created above");
        match section.cells.last() {
            Some(c) if c.refused => bail!("{}: {}", req.component.display(), c.error.as_deref().unwrap_or("refused")),
            _ => Ok(()),
        }
    })?;
    let mut results = byo.results;
    let section = results.scenarios.component_invoke.as_mut().expect("created above");
    let answers: Vec<&Vec<String>> = section.cells.iter().filter_map(|c| c.results.as_ref()).collect();
    section.engines_agree = !answers.is_empty() && answers.windows(2).all(|w| w[0] == w[1]);
    let failed_cells = section.cells.iter().filter(|c| c.status == CellStatus::Failed).count();
    let agree = section.engines_agree;
    results.complete = true;
    results.finished_at = Some(now_rfc3339());
    results.save(&byo.path)?;
    Ok(ComponentSummary { path: byo.path, results, agree, failed_cells })
}

/// engine | results | median per call | compile | instantiate.
pub fn table(section: &ComponentInvokeSection) -> comfy_table::Table {
    let head = ["engine", "results (WAVE)", "median per call", "compile", "instantiate"];
    let mut t = new_table(head.iter().map(|h| h.to_string()).collect());
    for c in &section.cells {
        let results = match (&c.results, &c.error) {
            (Some(r), _) => r.join(", "),
            (None, Some(e)) => format!("FAILED: {e}"),
            (None, None) => "FAILED".into(),
        };
        let m = c.measurement.as_ref();
        let ns = |v: Option<u64>| v.map(|v| fmt_ns(v as f64)).unwrap_or_default();
        t.add_row(vec![
            c.engine.clone(),
            results,
            m.map(|m| fmt_ns(m.median_ns_per_call)).unwrap_or_default(),
            ns(m.and_then(|m| m.setup.compile_ns)),
            ns(m.and_then(|m| m.setup.instantiate_ns)),
        ]);
    }
    t
}
