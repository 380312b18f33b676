//! The paired gate's orchestration (`wasmgauge gate --paired`): baseline and candidate measured
//! side by side in interleaved ABBA rounds, so machine drift hits both alike. The sides are two
//! guest modules in one driver process per engine, two builds of one driver on one module, or
//! two configurations (e.g. a runtime's LTS line and its newest release) on one module, each
//! side then a driver process started with `probe` (a fresh one every round) that this module
//! drives with the same rounds (`measure::paired::abba`). A cell judged regressed is measured again and
//! fails the gate only when confirmed; the verdict is the gate crate's.
use crate::subjects::Subjects;
use anyhow::{Context, Result, anyhow, bail};
use gate::config::GateConfig;
use gate::{CellKey, CellResult, GateReport, Incomparable, Verdict, finish};
use measure::paired::{PairedJob, PairedMeasurement, Side, SideSpec, abba};
use protocol::Request;
use protocol::client::Launcher;
use results::EngineOptions;
use std::path::PathBuf;
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

/// What the user asked the paired gate for.
pub struct PairedRequest {
    /// The baseline and candidate modules (the same module twice unless `sides` is `Modules`).
    pub baseline_module: PathBuf,
    pub candidate_module: PathBuf,
    pub sides: Sides,
    pub export: String,
    pub args: Vec<String>,
    pub engines: Vec<String>,
    pub rounds: usize,
    pub batch_ms: u64,
    pub timeout: Duration,
    pub options: EngineOptions,
}

/// Decides one engine from its rounds.
fn judge(key: &CellKey, m: &PairedMeasurement, threshold: f64, confidence: f64) -> CellResult {
    let rounds = gate::Rounds { log_ratios: &m.log_ratios, a_ns: &m.a_ns, b_ns: &m.b_ns };
    gate::judge_rounds(key, &rounds, threshold, confidence)
}

pub fn run(req: &PairedRequest, config: &GateConfig, subjects: &Subjects) -> Result<GateReport> {
    let mut shapes = Vec::new();
    for path in [&req.baseline_module, &req.candidate_module] {
        shapes.push(crate::bring_your_own::load_module(path, &req.export)?.1);
    }
    if shapes[0] != shapes[1] {
        return Err(Incomparable(format!(
            "`{}` has signature {:?} in the baseline module and {:?} in the candidate",
            req.export, shapes[0], shapes[1]
        ))
        .into());
    }
    let sig = &shapes[0];
    let args = crate::bring_your_own::parse_args(&req.export, sig, &req.args)?;
    let ids: Vec<String> = match &req.sides {
        Sides::Engines([a, b]) => {
            for id in [a, b] {
                let s = subjects.find(id).ok_or_else(|| anyhow!(subjects.unknown_message(id)))?;
                if !s.capabilities().is_wasm() {
                    bail!("paired mode compares guest modules: `{id}` is not a WebAssembly engine");
                }
            }
            vec![format!("{a} vs {b}")]
        }
        _ => {
            subjects.resolve(&req.engines)?.into_iter().filter(|s| s.capabilities().is_wasm()).map(|s| s.id()).collect()
        }
    };
    if ids.is_empty() {
        bail!("paired mode compares guest modules: choose at least one WebAssembly engine");
    }
    let threshold = config.threshold("paired", "time_per_call");
    let mut cells = Vec::new();
    for id in ids {
        let job = PairedJob {
            engine: id.clone(),
            options: req.options.clone(),
            modules: [std::path::absolute(&req.baseline_module)?, std::path::absolute(&req.candidate_module)?],
            export: req.export.clone(),
            args: args.clone(),
            result_types: sig.results.clone(),
            rounds: req.rounds,
            batch_ms: req.batch_ms,
            warmup_ms: 50,
        };
        let key = CellKey {
            scenario: "paired".into(),
            workload: req.export.clone(),
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
                        sides.push(probe(&crate::subjects::driver_executable(s.driver)?, &spec)?);
                    }
                    let mut sides: [Box<dyn Side>; 2] = sides.try_into().map_err(|_| anyhow!("two sides"))?;
                    abba(&mut sides, job.rounds)
                }
            }
        };
        let first = measure_once()?;
        let mut cell = judge(&key, &first, threshold, config.confidence);
        if cell.verdict == Verdict::Regressed {
            // Confirm in fresh processes before failing anything.
            let again = measure_once()?;
            let second = judge(&key, &again, threshold, config.confidence);
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
        cells.push(cell);
    }
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
