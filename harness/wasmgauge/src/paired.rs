//! The paired gate's orchestration (`wasmgauge gate --paired`): baseline and candidate measured
//! side by side in interleaved ABBA rounds, so machine drift hits both alike. The sides are two
//! guest modules in one driver process per engine, two builds of one driver on one module, or
//! two configurations (e.g. a runtime's LTS line and its newest release) on one module, each
//! side then a driver process started with `probe` (a fresh one every round) that this module
//! drives with the same rounds (`measure::paired::abba`). With `--wasi` the sides are WASI
//! commands ([`WasiSide`]): every batch a fresh driver process making several runs. A cell judged regressed is measured again and
//! fails the gate only when confirmed; the verdict is the gate crate's.
use crate::subjects::Subjects;
use crate::wasi_command::CommandSpec;
use anyhow::{Context, Result, anyhow, bail};
use gate::config::GateConfig;
use gate::{CellKey, CellResult, GateReport, Incomparable, Verdict, finish};
use measure::paired::{PairedJob, PairedMeasurement, Side, SideSpec, abba};
use measure::programs::check;
use measure::wasi_files::{PreparedRuns, Tree};
use protocol::Request;
use protocol::client::Launcher;
use results::ids;
use results::wasi_command::Observed;
use results::{EngineOptions, Features};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// A side measured by driver processes started with `probe`, driven over pipes: a fresh
/// process every round. Where the loader and the allocator place the binary, its stack and its
/// heap is drawn once per process and stays for its life, and on wasmi that alone moved one
/// process against another of the same binary by up to 14% (A/A, intervals excluding zero).
/// A new process per round turns that placement into round-to-round noise the interval sees,
/// instead of a bias every round of a run shares.
struct ProbeSide {
    binary: PathBuf,
    spec: SideSpec,
    process: Option<ProbeProcess>,
    /// Calls verified by the processes of earlier rounds.
    verified_before: u64,
}

/// One `probe` process.
struct ProbeProcess {
    child: std::process::Child,
    to: std::process::ChildStdin,
    from: std::io::BufReader<std::process::ChildStdout>,
}

impl ProbeSide {
    fn new(binary: &std::path::Path, spec: &SideSpec) -> ProbeSide {
        ProbeSide { binary: binary.to_path_buf(), spec: spec.clone(), process: None, verified_before: 0 }
    }

    fn spawn(&self) -> Result<ProbeProcess> {
        use std::io::Write;
        let mut child = std::process::Command::new(&self.binary)
            .arg("probe")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {} probe", self.binary.display()))?;
        let mut to = child.stdin.take().expect("piped");
        let from = std::io::BufReader::new(child.stdout.take().expect("piped"));
        writeln!(to, "{}", serde_json::to_string(&self.spec)?)?;
        Ok(ProbeProcess { child, to, from })
    }

    fn ask(&mut self, command: &str) -> Result<String> {
        use std::io::{BufRead, Write};
        let binary = self.binary.display().to_string();
        let p = self.process.as_mut().ok_or_else(|| anyhow!("{binary} probe: `{command}` before `prepare`"))?;
        writeln!(p.to, "{command}")?;
        p.to.flush()?;
        let mut line = String::new();
        p.from.read_line(&mut line)?;
        let line = line.trim();
        match line.strip_prefix("error ") {
            Some(e) => bail!("{binary} probe: {e}"),
            None if line.is_empty() => bail!("{binary} probe ended without answering `{command}`"),
            None => Ok(line.to_string()),
        }
    }
}

impl Drop for ProbeProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Side for ProbeSide {
    fn prepare(&mut self) -> Result<()> {
        if self.process.is_some() {
            self.verified_before += self.ask("verified")?.parse::<u64>()?;
        }
        self.process = Some(self.spawn()?);
        self.ask("prepare").map(|_| ())
    }
    fn batch(&mut self) -> Result<f64> {
        Ok(self.ask("batch")?.parse()?)
    }
    fn verified(&mut self) -> Result<u64> {
        Ok(self.verified_before + self.ask("verified")?.parse::<u64>()?)
    }
}

/// What the paired gate compares on each engine.
pub enum Sides {
    /// Two guest modules, both sides in one driver process per engine.
    Modules,
    /// Two builds of one driver (e.g. against two runtime versions) on the same module, each
    /// side a driver process started with `probe`.
    Drivers([PathBuf; 2]),
    /// Two configurations (e.g. `wasmtime-cranelift@36` and `wasmtime-cranelift`) on the same
    /// module, each side a process of its own driver.
    Engines([String; 2]),
}

/// What the two sides run.
pub enum Guest {
    /// One export of both modules, called with `PairedRequest::args`.
    Export(String),
    /// Both modules as WASI commands (`_start`), run this way.
    Wasi(CommandSpec),
}

/// What the user asked the paired gate for.
pub struct PairedRequest {
    /// The baseline and candidate modules (the same module twice unless `sides` is `Modules`).
    pub baseline_module: PathBuf,
    pub candidate_module: PathBuf,
    pub sides: Sides,
    pub guest: Guest,
    /// The export's arguments (with `Guest::Export`).
    pub args: Vec<String>,
    pub engines: Vec<String>,
    pub rounds: usize,
    pub batch_ms: u64,
    pub timeout: Duration,
    pub options: EngineOptions,
    /// Count instructions under Valgrind instead of timing (with `Guest::Export`).
    pub instructions: bool,
}

/// Decides one engine from its rounds.
fn judge(key: &CellKey, m: &PairedMeasurement, threshold: f64, confidence: f64) -> CellResult {
    let rounds = gate::Rounds { log_ratios: &m.log_ratios, a_ns: &m.a_ns, b_ns: &m.b_ns };
    gate::judge_rounds(key, &rounds, threshold, confidence)
}

/// Judges a cell from `measure_once`; a regression is measured again in fresh processes and
/// fails only when the second measurement confirms it.
fn judge_confirmed(
    key: &CellKey,
    threshold: f64,
    confidence: f64,
    mut measure_once: impl FnMut() -> Result<PairedMeasurement>,
) -> Result<CellResult> {
    let first = measure_once()?;
    let mut cell = judge(key, &first, threshold, confidence);
    if cell.verdict == Verdict::Regressed {
        let again = measure_once()?;
        let second = judge(key, &again, threshold, confidence);
        if second.verdict == Verdict::Regressed {
            cell.reason = format!(
                "{}; confirmed by a second measurement ({:+.1}%)",
                cell.reason,
                (second.ratio.value - 1.0) * 100.0
            );
            cell.p_value = cell.p_value.max(second.p_value);
        } else {
            cell.verdict = Verdict::Unchanged;
            cell.reason = format!(
                "first measurement {:+.1}% was not confirmed by a second ({:+.1}%, {})",
                (cell.ratio.value - 1.0) * 100.0,
                (second.ratio.value - 1.0) * 100.0,
                second.verdict.text()
            );
        }
    }
    Ok(cell)
}

/// The cells' engine names: `A vs B` when two configurations are compared, else every chosen
/// configuration that `takes_part` (a WebAssembly engine; with --wasi, one with a WASI layer).
fn engine_ids(
    req: &PairedRequest,
    subjects: &Subjects,
    takes_part: impl Fn(&crate::registry::Subject) -> bool,
    what: &str,
) -> Result<Vec<String>> {
    let ids: Vec<String> = match &req.sides {
        Sides::Engines([a, b]) => {
            for id in [a, b] {
                let s = subjects.find(id).ok_or_else(|| anyhow!(subjects.unknown_message(id)))?;
                if !takes_part(s) {
                    bail!("paired mode compares {what}: `{id}` is not one");
                }
            }
            vec![format!("{a} vs {b}")]
        }
        _ => subjects.resolve(&req.engines)?.into_iter().filter(|s| takes_part(s)).map(|s| s.id()).collect(),
    };
    if ids.is_empty() {
        bail!("paired mode compares {what}: choose at least one");
    }
    Ok(ids)
}

pub fn run(req: &PairedRequest, config: &GateConfig, subjects: &Subjects) -> Result<GateReport> {
    let cells = match &req.guest {
        Guest::Export(export) if req.instructions => instruction_cells(req, export, config, subjects)?,
        Guest::Export(export) => export_cells(req, export, config, subjects)?,
        Guest::Wasi(_) if req.instructions => {
            bail!("--measure instructions counts an export (--export F); WASI commands are timed")
        }
        Guest::Wasi(spec) => wasi_cells(req, spec, config, subjects)?,
    };
    let (mode, baseline, candidate) = match &req.sides {
        Sides::Drivers([a, b]) => (
            "paired drivers",
            format!("{} on {}", a.display(), req.baseline_module.display()),
            format!("{} on {}", b.display(), req.candidate_module.display()),
        ),
        Sides::Engines([a, b]) => (
            "paired engines",
            format!("{a} on {}", req.baseline_module.display()),
            format!("{b} on {}", req.candidate_module.display()),
        ),
        Sides::Modules => {
            ("paired modules", req.baseline_module.display().to_string(), req.candidate_module.display().to_string())
        }
    };
    Ok(finish(mode, baseline, candidate, config.confidence, cells))
}

/// The export's signature in both modules, which must be the same.
fn export_shapes(req: &PairedRequest, export: &str) -> Result<[results::manifest::FuncSignature; 2]> {
    let load = |path: &PathBuf| crate::bring_your_own::load_module(path, export).map(|m| m.1);
    let shapes = [load(&req.baseline_module)?, load(&req.candidate_module)?];
    if shapes[0] != shapes[1] {
        return Err(Incomparable(format!(
            "`{export}` has signature {:?} in the baseline module and {:?} in the candidate",
            shapes[0], shapes[1]
        ))
        .into());
    }
    Ok(shapes)
}

/// Per side (baseline, candidate) of the cell `id`: the driver executable and the configuration
/// it runs; each side runs the request's module of the same position.
fn side_targets(req: &PairedRequest, subjects: &Subjects, id: &str) -> Result<[(PathBuf, String); 2]> {
    Ok(match &req.sides {
        Sides::Modules => {
            let exe = subjects.executable_of(id)?;
            [(exe.clone(), id.to_string()), (exe, id.to_string())]
        }
        Sides::Drivers([a, b]) => [(a.clone(), id.to_string()), (b.clone(), id.to_string())],
        Sides::Engines([a, b]) => [(subjects.executable_of(a)?, a.clone()), (subjects.executable_of(b)?, b.clone())],
    })
}

/// Paired cells of one export: per engine, its time per call on both sides.
fn export_cells(
    req: &PairedRequest,
    export: &str,
    config: &GateConfig,
    subjects: &Subjects,
) -> Result<Vec<CellResult>> {
    let shapes = export_shapes(req, export)?;
    let sig = &shapes[0];
    let args = crate::bring_your_own::parse_args(export, sig, &req.args)?;
    let ids = engine_ids(req, subjects, |s| s.capabilities().is_wasm(), "guest modules on WebAssembly engines")?;
    let threshold = config.threshold("paired", "time_per_call");
    let mut cells = Vec::new();
    for id in ids {
        let job = PairedJob {
            engine: id.clone(),
            options: req.options.clone(),
            modules: [std::path::absolute(&req.baseline_module)?, std::path::absolute(&req.candidate_module)?],
            export: export.to_string(),
            args: args.clone(),
            result_types: sig.results.clone(),
            rounds: req.rounds,
            batch_ms: req.batch_ms,
            warmup_ms: 50,
        };
        let key = CellKey {
            scenario: "paired".into(),
            workload: export.to_string(),
            engine: id.to_string(),
            metric: "time_per_call".into(),
        };
        let measure_once = || -> Result<PairedMeasurement> {
            let probe = |bin: &std::path::Path, spec: &SideSpec| -> Result<Box<dyn Side>> {
                Ok(Box::new(ProbeSide::new(bin, spec)))
            };
            match &req.sides {
                Sides::Modules => {
                    let out = subjects
                        .call(&job.engine, &Request::Paired(job.clone()), req.timeout)
                        .map_err(|e| anyhow!("{} failed: {e}", job.engine))?;
                    Ok(serde_json::from_value(out)?)
                }
                Sides::Drivers(bins) => {
                    let spec = job.side(&job.modules[0]);
                    abba(&mut [probe(&bins[0], &spec)?, probe(&bins[1], &spec)?], job.rounds)
                }
                Sides::Engines(engines) => {
                    let mut sides = Vec::new();
                    for e in engines {
                        let spec = SideSpec { engine: e.clone(), ..job.side(&job.modules[0]) };
                        let s = subjects.find(e).expect("checked above");
                        sides.push(probe(&crate::drivers::driver_executable(s.driver)?, &spec)?);
                    }
                    let mut sides: [Box<dyn Side>; 2] = sides.try_into().map_err(|_| anyhow!("two sides"))?;
                    abba(&mut sides, job.rounds)
                }
            }
        };
        cells.push(judge_confirmed(&key, threshold, config.confidence, measure_once)?);
    }
    Ok(cells)
}

/// Paired cells of one export counted under Valgrind: per engine, each side's instructions per
/// call from `rounds` fresh driver processes (alternating sides; counts do not drift, so no
/// ABBA is needed), judged as file mode judges a cell (threshold `instructions`).
fn instruction_cells(
    req: &PairedRequest,
    export: &str,
    config: &GateConfig,
    subjects: &Subjects,
) -> Result<Vec<CellResult>> {
    use measure::measurement::instructions::count;
    use measure::scenarios::instructions::{ExportTarget, export_request, plan_for};
    let shapes = export_shapes(req, export)?;
    let args = crate::bring_your_own::parse_args(export, &shapes[0], &req.args)?;
    let counted = |s: &crate::registry::Subject| s.capabilities().is_wasm() && s.caps.no_instruction_counts.is_none();
    let ids = engine_ids(req, subjects, counted, "guest modules on WebAssembly engines that run under Valgrind")?;
    let scratch = tempfile::tempdir()?;
    let mut cells = Vec::new();
    for id in ids {
        let sides = side_targets(req, subjects, &id)?;
        let mut requests = Vec::new();
        for ((_, subject), module) in sides.iter().zip([&req.baseline_module, &req.candidate_module]) {
            let target = ExportTarget {
                wasm_path: std::path::absolute(module)?,
                export: export.to_string(),
                args: args.clone(),
                result_types: shapes[0].results.clone(),
                plan: plan_for(results::plans::ProfileName::Quick),
            };
            requests.push(export_request(subject, &req.options, &target)?);
        }
        let mut samples: [Vec<f64>; 2] = [Vec::new(), Vec::new()];
        for round in 0..req.rounds.max(2) {
            for (k, ((exe, subject), request)) in sides.iter().zip(&requests).enumerate() {
                let dir = scratch.path().join(format!("{round}-{k}"));
                let m = count(&dir, |wrapper| {
                    protocol::client::call_wrapped(wrapper, exe, request, req.timeout)
                        .map_err(|e| anyhow!("{subject} under Valgrind: {e}"))
                })?;
                samples[k].extend(m.per_call);
            }
        }
        let key = CellKey {
            scenario: ids::INSTRUCTIONS.into(),
            workload: export.to_string(),
            engine: id.clone(),
            metric: "instructions_per_call".into(),
        };
        let [a, b] = samples;
        cells.push(gate::judge_samples(key, a, b, config));
    }
    Ok(cells)
}

/// The first observation of a paired WASI measurement, which the other side must match when
/// both run the same module: (the side that made it, what it observed).
type SharedReference = Arc<Mutex<Option<(String, Observed)>>>;

/// A side that runs a WASI command. Every batch is one fresh driver process that compiles the
/// module once and makes several runs, each a fresh WASI context and instance working on fresh
/// copies of the granted directories; a run's time is instantiate + `_start`, timed in the
/// driver. Every run must equal the side's first run (exit code, stdout, files), and with one
/// module on both sides, the other side's first run too.
struct WasiSide {
    /// Who this side is, in messages and scratch paths (`baseline`, `candidate`).
    name: &'static str,
    exe: PathBuf,
    subject: String,
    /// The staged binary module, and the guest's program name (`argv[0]`, the user's file name).
    module: PathBuf,
    program: String,
    features: Features,
    spec: CommandSpec,
    originals: Vec<Tree>,
    scratch: PathBuf,
    batch_ms: u64,
    timeout: Duration,
    runs_per_batch: usize,
    reference: Option<Observed>,
    shared: Option<SharedReference>,
    batches: usize,
    verified: u64,
}

impl WasiSide {
    /// `k` runs in one fresh driver process: each run's instantiate + `_start` time, checked.
    fn runs(&mut self, k: usize) -> Result<Vec<f64>> {
        let base = self.scratch.join(format!("{}-{}", self.name, self.batches));
        self.batches += 1;
        let mut template = self.spec.template(&self.module, &self.originals);
        template.program_name = self.program.clone();
        let prepared = PreparedRuns::new(&base, &template, vec![self.spec.args.clone(); k])?;
        let request = prepared.request(&self.subject, &self.module, &self.features, true, false);
        let answer = protocol::client::call(&self.exe, &request, self.timeout)
            .map_err(|e| anyhow!("{} ({}): {e}", self.subject, self.name))?;
        let mut times = Vec::new();
        for (i, (o, phases)) in prepared.settle(answer)?.into_iter().enumerate() {
            let phases = phases.ok_or_else(|| anyhow!("{}: run {} has no timings", self.name, i + 1))?;
            match &self.reference {
                Some(first) => check(&o, first, &format!("{} run of {} (vs its first run)", self.name, self.subject))?,
                None => {
                    if let Some(shared) = &self.shared {
                        let mut slot = shared.lock().expect("reference lock");
                        match slot.as_ref() {
                            Some((who, other)) => check(&o, other, &format!("{} vs {who}", self.name))?,
                            None => *slot = Some((self.name.to_string(), o.clone())),
                        }
                    }
                    self.reference = Some(o);
                }
            }
            times.push((phases.instantiate + phases.run) as f64);
            self.verified += 1;
        }
        let _ = std::fs::remove_dir_all(&base);
        Ok(times)
    }
}

impl Side for WasiSide {
    fn prepare(&mut self) -> Result<()> {
        // Every batch is a fresh process already; the first preparation sizes the batches.
        if self.reference.is_none() {
            let first = self.runs(1)?[0].max(1.0);
            self.runs_per_batch = ((self.batch_ms as f64 * 1e6 / first) as usize).clamp(1, 100);
        }
        Ok(())
    }
    fn batch(&mut self) -> Result<f64> {
        let times = self.runs(self.runs_per_batch)?;
        Ok(times.iter().sum::<f64>() / times.len().max(1) as f64)
    }
    fn verified(&mut self) -> Result<u64> {
        Ok(self.verified)
    }
}

/// Paired cells of a WASI command: per configuration with a WASI layer, the time of one run.
fn wasi_cells(
    req: &PairedRequest,
    spec: &CommandSpec,
    config: &GateConfig,
    subjects: &Subjects,
) -> Result<Vec<CellResult>> {
    spec.check()?;
    let modules = [&req.baseline_module, &req.candidate_module];
    let mut wasm = Vec::new();
    for m in modules {
        wasm.push(crate::wasi_command::load_command(m)?);
    }
    let originals = spec.originals()?;
    // What each module needs, worked out once (a module can be tens of MB).
    let needed: Vec<Features> = wasm.iter().map(|w| measure::features::needed_proposals(w)).collect();
    let ids = engine_ids(
        req,
        subjects,
        |s| s.capabilities().wasi.is_some(),
        "WASI commands on configurations with a WASI layer",
    )?;
    let threshold = config.threshold("paired", "time_per_run");
    let scratch = tempfile::tempdir()?;
    // The drivers read binary modules: each side's bytes (a .wat assembled) staged as a file.
    let mut staged = Vec::new();
    for (name, bytes) in ["baseline", "candidate"].iter().zip(&wasm) {
        let path = scratch.path().join(format!("{name}.wasm"));
        std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        staged.push(path);
    }
    let program = crate::wasi_command::program_name(&req.baseline_module);
    let mut cells = Vec::new();
    for id in ids {
        // Per side: driver executable, configuration, module.
        // Side m (0 baseline, 1 candidate) runs module m.
        let sides: Vec<(PathBuf, String, usize)> =
            side_targets(req, subjects, &id)?.into_iter().enumerate().map(|(m, (exe, s))| (exe, s, m)).collect();
        let mut features = Vec::new();
        for (exe, subject, m) in &sides {
            match crate::wasi_command::features_for(exe, subject, &wasm[*m], &needed[*m])? {
                Ok(f) => features.push(f),
                Err(why) => bail!("{} is unsupported on {subject}: {why}", modules[*m].display()),
            }
        }
        eprintln!(
            "paired --wasi {id}: {} ABBA rounds of {program}; every batch is a fresh driver process that compiles it once ...",
            req.rounds
        );
        let key = CellKey {
            scenario: "paired".into(),
            workload: format!("{program} _start"),
            engine: id.clone(),
            metric: "time_per_run".into(),
        };
        let measure_once = || -> Result<PairedMeasurement> {
            let shared: Option<SharedReference> =
                (!matches!(req.sides, Sides::Modules)).then(|| Arc::new(Mutex::new(None)));
            let mut built: Vec<Box<dyn Side>> = Vec::new();
            for ((exe, subject, m), (name, features)) in
                sides.iter().zip(["baseline", "candidate"].into_iter().zip(&features))
            {
                built.push(Box::new(WasiSide {
                    name,
                    exe: exe.clone(),
                    subject: subject.clone(),
                    module: staged[*m].clone(),
                    program: crate::wasi_command::program_name(modules[*m]),
                    features: features.clone(),
                    spec: spec.clone(),
                    originals: originals.clone(),
                    scratch: scratch.path().to_path_buf(),
                    batch_ms: req.batch_ms,
                    timeout: req.timeout,
                    runs_per_batch: 1,
                    reference: None,
                    shared: shared.clone(),
                    batches: 0,
                    verified: 0,
                }));
            }
            let mut built: [Box<dyn Side>; 2] = built.try_into().map_err(|_| anyhow!("two sides"))?;
            abba(&mut built, req.rounds)
        };
        cells.push(judge_confirmed(&key, threshold, config.confidence, measure_once)?);
    }
    Ok(cells)
}
