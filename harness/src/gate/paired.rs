//! Paired mode (`wasmgauge gate --paired`): baseline and candidate measured side by side in
//! interleaved rounds (ABBA, then BAAB, ...), so machine drift hits both alike. The two sides
//! are either two guest modules in one worker, or one module under two wasmgauge binaries (e.g.
//! built against two runtime versions), each side then a `wasmgauge paired-probe` child that
//! the gate drives round by round. The decision rests on the per-round log ratios log(B / A):
//! their mean, with a bootstrap interval at the configured confidence, against
//! log(1 + threshold). A cell judged regressed is measured again and fails the gate only when
//! confirmed.
use super::config::GateConfig;
use super::{CellKey, CellResult, GateReport, Verdict, decide, finish};
use crate::engines::{self, BASELINE_IDS, EngineOptions, Val, ValType};
use crate::executor::export_call::ExportCallExecutor;
use crate::executor::{Executor, WorkloadCode};
use crate::isolation::{self, Job, JobOutput, Outcome};
use crate::scenarios::throughput;
use crate::stats;
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use std::time::Duration;

/// One engine's paired measurement, run in a worker.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct PairedJob {
    pub engine: String,
    pub options: EngineOptions,
    /// Baseline (A) and candidate (B) modules.
    pub modules: [PathBuf; 2],
    pub export: String,
    pub args: Vec<Val>,
    pub result_types: Vec<ValType>,
    pub rounds: usize,
    pub batch_ms: u64,
    pub warmup_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PairedMeasurement {
    /// log(B / A) of each round.
    pub log_ratios: Vec<f64>,
    /// Calibrated time per call of each batch.
    pub a_ns: Vec<f64>,
    pub b_ns: Vec<f64>,
    pub verified_calls: u64,
}

/// One side of a paired measurement.
pub trait Side {
    /// Compiles and instantiates afresh (and warms up); the first call sizes the batches.
    fn prepare(&mut self) -> Result<()>;
    /// Times one batch; returns the calibrated time per call.
    fn batch(&mut self) -> Result<f64>;
    /// Calls checked so far.
    fn verified(&mut self) -> Result<u64>;
}

/// What one side runs (sent to a probe as JSON).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SideSpec {
    pub engine: String,
    pub options: EngineOptions,
    pub module: PathBuf,
    pub export: String,
    pub args: Vec<Val>,
    pub result_types: Vec<ValType>,
    pub batch_ms: u64,
    pub warmup_ms: u64,
}

/// A side measured in this process. Every preparation compiles and instantiates afresh, so
/// where the runtime places code and data is re-drawn each round instead of favouring one side
/// for the whole run: with one instance per side, two identical modules measured 5% apart on
/// wasmi; with a fresh instance that simply reused the memory its predecessor freed, 5.5% apart
/// on wasmi-lazy, every time. So the new instance is built while the old one is still alive,
/// behind a heap padding of pseudo-random size, and only then is the old one dropped. Every
/// call is checked against the first answer.
pub struct LocalSide {
    spec: SideSpec,
    wasm: Vec<u8>,
    calibration: crate::calibration::Calibration,
    exec: Option<ExportCallExecutor>,
    /// Shifts the heap by a different amount each preparation (kept alive with the instance).
    padding: Vec<u8>,
    /// xorshift state for the padding sizes.
    seed: u64,
    answer: Option<u64>,
    iters: u64,
    verified: u64,
}

impl LocalSide {
    pub fn new(spec: SideSpec) -> Result<LocalSide> {
        let path = &spec.module;
        let wasm = wat::parse_file(path).map_err(|e| anyhow!("malformed module {}: {e}", path.display()))?;
        // Seeded from the clock: the point is a different placement every run, not a fixed one.
        let nanos =
            std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map_or(1, |d| d.as_nanos() as u64);
        let seed = (nanos ^ (u64::from(std::process::id()) << 32)) | 1;
        Ok(LocalSide {
            spec,
            wasm,
            calibration: throughput::calibrate(),
            exec: None,
            padding: Vec::new(),
            seed,
            answer: None,
            iters: 0,
            verified: 0,
        })
    }
}

impl Side for LocalSide {
    fn prepare(&mut self) -> Result<()> {
        self.seed ^= self.seed << 13;
        self.seed ^= self.seed >> 7;
        self.seed ^= self.seed << 17;
        // Below glibc's mmap threshold, so it moves the heap the runtime allocates from next.
        let padding = vec![1u8; (self.seed % (96 << 10)) as usize & !63];
        let s = &self.spec;
        let engine = engines::make(&s.engine, &s.options)?;
        let mut exec = ExportCallExecutor::new(engine, &s.export, s.args.clone(), s.result_types.clone());
        exec.prepare(&WorkloadCode { name: &s.export, wasm: &self.wasm }, &[])
            .with_context(|| format!("preparing {}", s.module.display()))?;
        let answer = exec.call()?;
        self.verified += 1;
        match self.answer {
            Some(first) if first != answer => bail!("{} answered {answer:#x}, earlier {first:#x}", s.module.display()),
            Some(_) => {
                // A short warm-up of the fresh instance, untimed.
                let n = (self.iters / 4).max(1);
                throughput::timed_batch(&mut exec, answer, n)?;
                self.verified += n;
            }
            None => {
                self.answer = Some(answer);
                let (calls, ns) = throughput::warm_up(&mut exec, answer, 3, s.warmup_ms)?;
                self.iters = throughput::batch_iters(calls, ns, s.batch_ms);
                self.verified += calls;
            }
        }
        // Only now drop the previous instance (and padding), so the new one did not reuse them.
        self.exec = Some(exec);
        self.padding = std::hint::black_box(padding);
        Ok(())
    }

    fn batch(&mut self) -> Result<f64> {
        let (Some(exec), Some(answer)) = (self.exec.as_mut(), self.answer) else { bail!("batch before prepare") };
        let ns = throughput::timed_batch(exec, answer, self.iters)?;
        self.verified += self.iters;
        Ok(self.calibration.per_call_ns(ns, self.iters))
    }

    fn verified(&mut self) -> Result<u64> {
        Ok(self.verified)
    }
}

/// The rounds: both sides prepared afresh (alternating which goes first), then timed ABBA or
/// BAAB.
pub fn abba(sides: &mut [Box<dyn Side>; 2], rounds: usize) -> Result<PairedMeasurement> {
    let mut m = PairedMeasurement { log_ratios: vec![], a_ns: vec![], b_ns: vec![], verified_calls: 0 };
    for round in 0..rounds.max(2) {
        let first = round % 2;
        sides[first].prepare()?;
        sides[1 - first].prepare()?;
        let order: [usize; 4] = if first == 0 { [0, 1, 1, 0] } else { [1, 0, 0, 1] };
        let mut sums = [0.0f64; 2];
        for side in order {
            let per_call = sides[side].batch()?;
            sums[side] += per_call;
            if side == 0 { &mut m.a_ns } else { &mut m.b_ns }.push(per_call);
        }
        m.log_ratios.push((sums[1] / sums[0]).ln());
    }
    m.verified_calls = sides[0].verified()? + sides[1].verified()?;
    Ok(m)
}

impl PairedJob {
    /// What one side of this job runs: `module` under the job's engine and call.
    pub fn side(&self, module: &std::path::Path) -> SideSpec {
        SideSpec {
            engine: self.engine.clone(),
            options: self.options.clone(),
            module: module.to_path_buf(),
            export: self.export.clone(),
            args: self.args.clone(),
            result_types: self.result_types.clone(),
            batch_ms: self.batch_ms,
            warmup_ms: self.warmup_ms,
        }
    }
}

/// Runs a paired job of two modules here (in a worker).
pub fn measure(job: &PairedJob) -> Result<PairedMeasurement> {
    let mut sides: [Box<dyn Side>; 2] =
        [Box::new(LocalSide::new(job.side(&job.modules[0]))?), Box::new(LocalSide::new(job.side(&job.modules[1]))?)];
    abba(&mut sides, job.rounds)
}

/// A side measured by another wasmgauge binary: a `paired-probe` child driven over pipes.
struct ProbeSide {
    child: std::process::Child,
    to: std::process::ChildStdin,
    from: std::io::BufReader<std::process::ChildStdout>,
    binary: PathBuf,
}

impl ProbeSide {
    fn spawn(binary: &std::path::Path, spec: &SideSpec) -> Result<ProbeSide> {
        use std::io::Write;
        let mut child = std::process::Command::new(binary)
            .arg("paired-probe")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::inherit())
            .spawn()
            .with_context(|| format!("starting {} paired-probe", binary.display()))?;
        let mut to = child.stdin.take().expect("piped");
        let from = std::io::BufReader::new(child.stdout.take().expect("piped"));
        writeln!(to, "{}", serde_json::to_string(spec)?)?;
        Ok(ProbeSide { child, to, from, binary: binary.to_path_buf() })
    }

    fn ask(&mut self, command: &str) -> Result<String> {
        use std::io::{BufRead, Write};
        writeln!(self.to, "{command}")?;
        self.to.flush()?;
        let mut line = String::new();
        self.from.read_line(&mut line)?;
        let line = line.trim();
        match line.strip_prefix("error ") {
            Some(e) => bail!("{} paired-probe: {e}", self.binary.display()),
            None if line.is_empty() => {
                bail!("{} paired-probe ended without answering `{command}`", self.binary.display())
            }
            None => Ok(line.to_string()),
        }
    }
}

impl Drop for ProbeSide {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Side for ProbeSide {
    fn prepare(&mut self) -> Result<()> {
        self.ask("prepare").map(|_| ())
    }
    fn batch(&mut self) -> Result<f64> {
        Ok(self.ask("batch")?.parse()?)
    }
    fn verified(&mut self) -> Result<u64> {
        Ok(self.ask("verified")?.parse()?)
    }
}

/// `wasmgauge paired-probe`: one side for another wasmgauge's paired gate. Reads a
/// [`SideSpec`] line, then answers `prepare` (`ok`), `batch` (ns per call) and `verified`
/// (calls checked) one line each; `error <message>` on failure.
pub fn probe_main() -> Result<()> {
    use std::io::{BufRead, Write};
    crate::isolation::die_with_parent();
    let stdin = std::io::stdin();
    let mut lines = stdin.lock().lines();
    let spec: SideSpec = serde_json::from_str(&lines.next().context("no side spec on stdin")??)?;
    let mut side = LocalSide::new(spec)?;
    let mut out = std::io::stdout().lock();
    for line in lines {
        let reply = match line?.trim() {
            "prepare" => side.prepare().map(|_| "ok".to_string()),
            "batch" => side.batch().map(|ns| ns.to_string()),
            "verified" => side.verified().map(|n| n.to_string()),
            other => Err(anyhow!("unknown command `{other}`")),
        };
        match reply {
            Ok(r) => writeln!(out, "{r}")?,
            Err(e) => {
                writeln!(out, "error {e:#}")?;
                out.flush()?;
                std::process::exit(1);
            }
        }
        out.flush()?;
    }
    Ok(())
}

/// What the user asked the paired gate for.
pub struct PairedRequest {
    /// The baseline and candidate modules (the same module twice for binary pairs).
    pub baseline_module: PathBuf,
    pub candidate_module: PathBuf,
    /// Two wasmgauge binaries to compare on the same module, instead of two modules.
    pub binaries: Option<[PathBuf; 2]>,
    pub export: String,
    pub args: Vec<String>,
    pub engines: Vec<String>,
    pub rounds: usize,
    pub batch_ms: u64,
    pub timeout: Duration,
    pub in_process: bool,
    pub options: EngineOptions,
}

fn run_job(job: &PairedJob, timeout: Duration, in_process: bool) -> Result<PairedMeasurement> {
    match isolation::run(&Job::Paired(job.clone()), timeout, in_process) {
        Outcome::Ok(JobOutput::Paired(m)) => Ok(m),
        Outcome::Ok(other) => bail!("unexpected worker output {other:?}"),
        Outcome::Failed(e) => bail!("{} failed: {e}", job.engine),
    }
}

/// Decides one engine from its rounds.
fn judge(key: &CellKey, m: &PairedMeasurement, threshold: f64, confidence: f64) -> CellResult {
    let reps: Vec<f64> = stats::mean_replicates(&m.log_ratios).into_iter().map(f64::exp).collect();
    let mean = m.log_ratios.iter().sum::<f64>() / m.log_ratios.len() as f64;
    let (ratio, p_value, verdict, reason) = decide(&reps, mean.exp(), threshold, confidence, None);
    CellResult {
        key: key.clone(),
        baseline_median: stats::median(&m.a_ns),
        candidate_median: stats::median(&m.b_ns),
        ratio,
        threshold,
        p_value,
        noise: None,
        verdict,
        reason: format!("{reason} ({} rounds)", m.log_ratios.len()),
    }
}

pub fn run(req: &PairedRequest, config: &GateConfig) -> Result<GateReport> {
    let mut shapes = Vec::new();
    for path in [&req.baseline_module, &req.candidate_module] {
        shapes.push(crate::bring_your_own::load_module(path, &req.export)?.1);
    }
    if shapes[0] != shapes[1] {
        return Err(super::Incomparable(format!(
            "`{}` has signature {:?} in the baseline module and {:?} in the candidate",
            req.export, shapes[0], shapes[1]
        ))
        .into());
    }
    let sig = &shapes[0];
    let args = crate::bring_your_own::parse_args(&req.export, sig, &req.args)?;
    let ids: Vec<&str> = engines::resolve(&req.engines)?.into_iter().filter(|id| !BASELINE_IDS.contains(id)).collect();
    if ids.is_empty() {
        bail!("paired mode compares guest modules: choose at least one WebAssembly engine");
    }
    let threshold = config.threshold("paired", "time_per_call");
    let mut cells = Vec::new();
    for id in ids {
        let job = PairedJob {
            engine: id.to_string(),
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
            match &req.binaries {
                None => run_job(&job, req.timeout, req.in_process),
                Some(bins) => {
                    let spec = job.side(&job.modules[0]);
                    let mut sides: [Box<dyn Side>; 2] =
                        [Box::new(ProbeSide::spawn(&bins[0], &spec)?), Box::new(ProbeSide::spawn(&bins[1], &spec)?)];
                    abba(&mut sides, job.rounds)
                }
            }
        };
        let first = measure_once()?;
        let mut cell = judge(&key, &first, threshold, config.confidence);
        if cell.verdict == Verdict::Regressed {
            // Confirm on a fresh worker before failing anything.
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
    let (baseline, candidate) = match &req.binaries {
        Some([a, b]) => (
            format!("{} on {}", a.display(), req.baseline_module.display()),
            format!("{} on {}", b.display(), req.candidate_module.display()),
        ),
        None => (req.baseline_module.display().to_string(), req.candidate_module.display().to_string()),
    };
    Ok(finish(
        if req.binaries.is_some() { "paired binaries" } else { "paired modules" },
        baseline,
        candidate,
        config.confidence,
        cells,
    ))
}
