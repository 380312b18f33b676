//! Paired mode (`wasmgauge gate --paired`): baseline and candidate guest modules measured in
//! the same worker, in interleaved rounds (ABBA, then BAAB, ...), so machine drift hits both
//! alike. The decision rests on the per-round log ratios log(B / A): their mean, with a
//! bootstrap interval at the configured confidence, against log(1 + threshold). A cell judged
//! regressed is measured again in a fresh worker and fails the gate only when confirmed.
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
use std::time::{Duration, Instant};

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

/// Both sides, compiled and instantiated afresh, warmed up, with their batch sizes.
struct Sides {
    execs: Vec<ExportCallExecutor>,
    answers: Vec<u64>,
}

/// Runs a paired job here: both modules on the same engine configuration, timed in
/// alternating ABBA / BAAB rounds. Every round compiles and instantiates both modules afresh
/// (alternating which goes first), so where the runtime happens to place code and data is
/// re-drawn each round instead of favouring one side for the whole run: with one instance per
/// side, two identical modules measured 5% apart on wasmi. Every call is checked against that
/// module's first answer in the first round.
pub fn measure(job: &PairedJob) -> Result<PairedMeasurement> {
    let calibration = throughput::calibrate();
    let mut wasms = Vec::new();
    for path in &job.modules {
        wasms.push(wat::parse_file(path).map_err(|e| anyhow!("malformed module {}: {e}", path.display()))?);
    }
    let prepare = |first: usize| -> Result<Sides> {
        let mut execs: Vec<Option<ExportCallExecutor>> = vec![None, None];
        let mut answers = vec![0u64; 2];
        for side in [first, 1 - first] {
            let engine = engines::make(&job.engine, &job.options)?;
            let mut exec = ExportCallExecutor::new(engine, &job.export, job.args.clone(), job.result_types.clone());
            exec.prepare(&WorkloadCode { name: &job.export, wasm: &wasms[side] }, &[])
                .with_context(|| format!("preparing {}", job.modules[side].display()))?;
            answers[side] = exec.call()?;
            execs[side] = Some(exec);
        }
        Ok(Sides { execs: execs.into_iter().map(|e| e.expect("both prepared")).collect(), answers })
    };
    // Batch sizes from a warm-up of the first preparation; answers fixed by it too.
    let mut sides = prepare(0)?;
    let expected = sides.answers.clone();
    let mut iters = Vec::new();
    let mut verified = 2u64;
    for (exec, &answer) in sides.execs.iter_mut().zip(&expected) {
        let start = Instant::now();
        let mut calls = 0u64;
        while calls < 3 || start.elapsed() < Duration::from_millis(job.warmup_ms) {
            throughput::timed_batch(exec, answer, 1)?;
            calls += 1;
        }
        let per_call = start.elapsed().as_nanos() as f64 / calls as f64;
        iters.push(((job.batch_ms as f64 * 1e6) / per_call.max(1.0)).floor().max(1.0) as u64);
        verified += calls;
    }
    let mut m = PairedMeasurement { log_ratios: vec![], a_ns: vec![], b_ns: vec![], verified_calls: verified };
    for round in 0..job.rounds.max(2) {
        if round > 0 {
            sides = prepare(round % 2)?;
            for side in 0..2 {
                if sides.answers[side] != expected[side] {
                    bail!(
                        "module {} answered {:#x}, earlier {:#x}",
                        job.modules[side].display(),
                        sides.answers[side],
                        expected[side]
                    );
                }
                // A short warm-up of the fresh instance, untimed.
                throughput::timed_batch(&mut sides.execs[side], expected[side], (iters[side] / 4).max(1))?;
                m.verified_calls += (iters[side] / 4).max(1) + 1;
            }
        }
        let order: [usize; 4] = if round % 2 == 0 { [0, 1, 1, 0] } else { [1, 0, 0, 1] };
        let mut sums = [0.0f64; 2];
        for side in order {
            let ns = throughput::timed_batch(&mut sides.execs[side], expected[side], iters[side])?;
            let per_call = calibration.per_call_ns(ns, iters[side]);
            m.verified_calls += iters[side];
            sums[side] += per_call;
            if side == 0 { &mut m.a_ns } else { &mut m.b_ns }.push(per_call);
        }
        m.log_ratios.push((sums[1] / sums[0]).ln());
    }
    Ok(m)
}

/// What the user asked the paired gate for.
pub struct PairedRequest {
    pub baseline_module: PathBuf,
    pub candidate_module: PathBuf,
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
    if req.args.len() != sig.params.len() {
        bail!(
            "`{}` takes {} argument(s) ({:?}), {} given with --arg",
            req.export,
            sig.params.len(),
            sig.params,
            req.args.len()
        );
    }
    let args: Vec<Val> = sig.params.iter().zip(&req.args).map(|(t, a)| Val::parse(*t, a)).collect::<Result<_>>()?;
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
        let first = run_job(&job, req.timeout, req.in_process)?;
        let mut cell = judge(&key, &first, threshold, config.confidence);
        if cell.verdict == Verdict::Regressed {
            // Confirm on a fresh worker before failing anything.
            let again = run_job(&job, req.timeout, req.in_process)?;
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
    Ok(finish(
        "paired",
        req.baseline_module.display().to_string(),
        req.candidate_module.display().to_string(),
        config.confidence,
        cells,
    ))
}
