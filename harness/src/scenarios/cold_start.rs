//! Cold start, phase by phase, and process cold start.
//!
//! In a worker (one per engine x workload), each repetition times on its own: compile (bytes to
//! a ready module, validation included), instantiate (a fresh instance from that module), the
//! first call after instantiation and steady-state calls, and end to end (bytes to the first
//! verified answer). Where the runtime has an ahead-of-time artifact it is serialized once and
//! every repetition also times deserialize and artifact-to-first-answer; where it has none the
//! phase says "not available", never a blank. The `subprocess` baseline times spawn (process
//! start until the runner answers) instead; `native` has only calls.
//!
//! Process cold start is measured from the parent, per engine: from spawning a fresh process
//! (`wasmgauge-once ...`, or `wasmgauge-runner --once ...` for `subprocess`) until its answer is
//! read and verified. That is the figure the seed articles compare with containers.
use crate::engines::{Engine, EngineOptions};
use crate::executor::subprocess::RunnerChild;
use crate::executor::wasm::{call_run, load_input};
use crate::runner_protocol::Op;
use crate::stats::{self, Summary};
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::hint::black_box;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};
use wait_timeout::ChildExt;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdStartPlan {
    /// Repetitions of the whole sequence per cell (at least one is always made).
    pub repetitions: usize,
    pub max_cell_ms: u64,
    /// Steady-state calls timed after each repetition's first call (after 3 untimed ones).
    pub steady_calls: usize,
    /// Fresh processes timed per engine and workload for process cold start.
    pub process_samples: usize,
}

/// One phase's samples, or why it has none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Phase {
    Measured {
        samples_ns: Vec<u64>,
        summary: Summary,
    },
    /// The runtime does not have this phase (e.g. wasmi has no ahead-of-time artifact).
    NotAvailable {
        reason: String,
    },
    /// The phase does not exist for this kind of engine (e.g. compile for native code).
    NotApplicable {
        reason: String,
    },
}

impl Phase {
    pub fn from_samples(samples_ns: Vec<u64>) -> Phase {
        let xs: Vec<f64> = samples_ns.iter().map(|&v| v as f64).collect();
        Phase::Measured { summary: stats::summarize(&xs), samples_ns }
    }

    fn na(reason: &str) -> Phase {
        Phase::NotApplicable { reason: reason.into() }
    }

    pub fn median_ns(&self) -> Option<f64> {
        match self {
            Phase::Measured { summary, .. } => Some(summary.median.value),
            _ => None,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdStartMeasurement {
    pub repetitions: usize,
    pub compile: Phase,
    /// Size of the ahead-of-time artifact, where there is one.
    pub artifact_bytes: Option<u64>,
    pub deserialize: Phase,
    pub instantiate: Phase,
    pub first_call: Phase,
    pub steady_call: Phase,
    /// Process spawn until the child answered (subprocess only).
    pub spawn: Phase,
    /// Bytes (or spawn) to the first verified answer, in one stopwatch.
    pub end_to_end: Phase,
    /// Artifact to the first verified answer.
    pub end_to_end_from_artifact: Phase,
}

fn ns(d: Duration) -> u64 {
    d.as_nanos() as u64
}

fn verify(got: u64, expected: u64) -> Result<()> {
    if got != expected {
        bail!("wrong answer: got {got:#018x}, the native answer is {expected:#018x}");
    }
    Ok(())
}

/// Median of `calls` individually timed calls after 3 untimed ones.
fn steady(calls: usize, mut call: impl FnMut() -> Result<u64>, expected: u64) -> Result<u64> {
    for _ in 0..3 {
        verify(call()?, expected)?;
    }
    let mut times: Vec<f64> = Vec::with_capacity(calls);
    for _ in 0..calls.max(1) {
        let t = Instant::now();
        verify(black_box(call()?), expected)?;
        times.push(t.elapsed().as_nanos() as f64);
    }
    Ok(stats::median(&times) as u64)
}

/// Cold start of a workload on a WebAssembly engine.
pub fn measure_wasm(
    engine: &dyn Engine,
    wasm: &[u8],
    input: &[u8],
    expected: u64,
    plan: &ColdStartPlan,
) -> Result<ColdStartMeasurement> {
    let cap = Duration::from_millis(plan.max_cell_ms);
    let began = Instant::now();
    let (mut compile, mut instantiate, mut first, mut steady_ns, mut e2e) = (vec![], vec![], vec![], vec![], vec![]);
    let (mut deserialize, mut e2e_artifact) = (vec![], vec![]);
    let mut artifact: Option<Vec<u8>> = None;
    let mut no_artifact_reason = None;
    let mut reps = 0;
    while reps < plan.repetitions.max(1) && (reps == 0 || began.elapsed() < cap) {
        let t0 = Instant::now();
        let module = engine.compile(wasm).context("compile")?;
        let t1 = Instant::now();
        let mut instance = engine.instantiate(module.as_ref()).context("instantiate")?;
        let t2 = Instant::now();
        let (run, args) = load_input(instance.as_mut(), input)?;
        let t3 = Instant::now();
        verify(call_run(instance.as_mut(), run, &args)?, expected)?;
        let t4 = Instant::now();
        compile.push(ns(t1 - t0));
        instantiate.push(ns(t2 - t1));
        first.push(ns(t4 - t3));
        e2e.push(ns(t4 - t0));
        steady_ns.push(steady(plan.steady_calls, || call_run(instance.as_mut(), run, &args), expected)?);

        if reps == 0 {
            match engine.serialize(module.as_ref())? {
                Some(bytes) => artifact = Some(bytes),
                None => {
                    no_artifact_reason =
                        Some(format!("not available: {} has no ahead-of-time artifact", engine.info().runtime))
                }
            }
        }
        if let Some(bytes) = &artifact {
            let t0 = Instant::now();
            let loaded = engine.deserialize(bytes).context("deserialize")?;
            let t1 = Instant::now();
            let mut instance = engine.instantiate(loaded.as_ref())?;
            let (run, args) = load_input(instance.as_mut(), input)?;
            verify(call_run(instance.as_mut(), run, &args)?, expected)?;
            let t2 = Instant::now();
            deserialize.push(ns(t1 - t0));
            e2e_artifact.push(ns(t2 - t0));
        }
        reps += 1;
    }
    let artifact_phase = |samples: Vec<u64>| match &no_artifact_reason {
        Some(reason) => Phase::NotAvailable { reason: reason.clone() },
        None => Phase::from_samples(samples),
    };
    Ok(ColdStartMeasurement {
        repetitions: reps,
        compile: Phase::from_samples(compile),
        artifact_bytes: artifact.as_ref().map(|a| a.len() as u64),
        deserialize: artifact_phase(deserialize),
        instantiate: Phase::from_samples(instantiate),
        first_call: Phase::from_samples(first),
        steady_call: Phase::from_samples(steady_ns),
        spawn: Phase::na("in-process engine: no process is started"),
        end_to_end: Phase::from_samples(e2e),
        end_to_end_from_artifact: artifact_phase(e2e_artifact),
    })
}

/// A baseline's measurement: native code has no compile, artifact or instantiate phase.
fn baseline_measurement(
    repetitions: usize,
    first_call: Phase,
    steady_call: Phase,
    spawn: Phase,
    end_to_end: Phase,
) -> ColdStartMeasurement {
    let compiled = "native code: compiled ahead of time by rustc";
    ColdStartMeasurement {
        repetitions,
        compile: Phase::na(compiled),
        artifact_bytes: None,
        deserialize: Phase::na(compiled),
        instantiate: Phase::na("native code: nothing to instantiate"),
        first_call,
        steady_call,
        spawn,
        end_to_end,
        end_to_end_from_artifact: Phase::na(compiled),
    }
}

/// Cold start of the `native` baseline: only calls exist; the first call is the first one this
/// (fresh) worker process makes.
pub fn measure_native(
    kernel: fn(&[u8]) -> u64,
    input: &[u8],
    expected: u64,
    plan: &ColdStartPlan,
) -> Result<ColdStartMeasurement> {
    let t = Instant::now();
    verify(black_box(kernel(black_box(input))), expected)?;
    let first = ns(t.elapsed());
    let steady_ns = steady(plan.steady_calls, || Ok(kernel(black_box(input))), expected)?;
    let first = Phase::from_samples(vec![first]);
    Ok(baseline_measurement(
        1,
        first.clone(),
        Phase::from_samples(vec![steady_ns]),
        Phase::na("in-process baseline: no process is started"),
        first,
    ))
}

/// Cold start of the `subprocess` baseline: spawn, first call and steady calls per repetition.
pub fn measure_subprocess(
    workload: &str,
    input: &[u8],
    expected: u64,
    plan: &ColdStartPlan,
) -> Result<ColdStartMeasurement> {
    let cap = Duration::from_millis(plan.max_cell_ms);
    let began = Instant::now();
    let (mut spawn, mut first, mut steady_ns, mut e2e) = (vec![], vec![], vec![], vec![]);
    let mut reps = 0;
    let answer = |reply: Vec<u8>| -> Result<u64> {
        Ok(u64::from_le_bytes(reply.as_slice().try_into().map_err(|_| anyhow!("runner sent {} bytes", reply.len()))?))
    };
    while reps < plan.repetitions.max(1) && (reps == 0 || began.elapsed() < cap) {
        let t0 = Instant::now();
        let mut child = RunnerChild::spawn()?;
        child.request(Op::Load, workload.as_bytes())?;
        let t1 = Instant::now();
        child.request(Op::Input, input)?;
        let t2 = Instant::now();
        verify(answer(child.request(Op::Run, &[])?)?, expected)?;
        let t3 = Instant::now();
        spawn.push(ns(t1 - t0));
        first.push(ns(t3 - t2));
        e2e.push(ns(t3 - t0));
        steady_ns.push(steady(plan.steady_calls, || answer(child.request(Op::Run, &[])?), expected)?);
        reps += 1;
    }
    Ok(baseline_measurement(
        reps,
        Phase::from_samples(first),
        Phase::from_samples(steady_ns),
        Phase::from_samples(spawn),
        Phase::from_samples(e2e),
    ))
}

/// How a process cold start reached its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessPath {
    /// Deserialized a precompiled artifact (what a serverless platform ships).
    Artifact,
    /// Compiled (or translated) the wasm bytes.
    Compile,
    /// Ran native code.
    Native,
}

/// Times `samples` fresh processes of `command`, each until it exits and its printed answer is
/// verified against `expected_hex`.
pub fn time_processes(command: &[String], expected_hex: &str, samples: usize, timeout: Duration) -> Result<Vec<u64>> {
    let (program, args) = command.split_first().ok_or_else(|| anyhow!("empty command"))?;
    let mut out = Vec::with_capacity(samples);
    for _ in 0..samples {
        let start = Instant::now();
        let mut cmd = Command::new(program);
        // No pre_exec hook here: it would force fork+exec of this whole process instead of
        // posix_spawn, adding the parent's page-table copy to every sample.
        cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
        let mut child = cmd.spawn().with_context(|| format!("spawning {program}"))?;
        // The answer is one short line, which fits the pipe buffer: wait first, then read it.
        let Some(status) = child.wait_timeout(timeout)? else {
            let _ = child.kill();
            let _ = child.wait();
            bail!("process did not finish within {} s", timeout.as_secs());
        };
        let mut text = String::new();
        std::io::Read::read_to_string(&mut child.stdout.take().expect("piped"), &mut text)?;
        let elapsed = ns(start.elapsed());
        if !status.success() {
            let mut err = String::new();
            let _ = std::io::Read::read_to_string(&mut child.stderr.take().expect("piped"), &mut err);
            bail!("process failed ({status}): {}", err.trim());
        }
        if text.trim() != expected_hex {
            bail!("wrong answer: got {}, the native answer is {expected_hex}", text.trim());
        }
        out.push(elapsed);
    }
    Ok(out)
}

/// One request served by a fresh `wasmgauge-runner --once WORKLOAD small` process: exec,
/// compute, print the answer, exit; the answer is verified (the subprocess baseline's
/// process-per-request, for density and concurrency).
pub fn fresh_runner_request(workload: &str, expected: u64) -> Result<impl Fn() -> Result<()> + Sync> {
    let command = runner_once_command(workload)?;
    let expected_hex = crate::corpus::checksum_hex(expected);
    Ok(move || time_processes(&command, &expected_hex, 1, Duration::from_secs(30)).map(|_| ()))
}

/// The command line of a runner process computing one answer for a workload's small input.
pub fn runner_once_command(workload: &str) -> Result<Vec<String>> {
    Ok(vec![
        crate::executor::subprocess::runner_path()?.display().to_string(),
        "--once".into(),
        workload.into(),
        "small".into(),
    ])
}

/// `wasmgauge-once`: one fresh process computing one answer (or writing an artifact).
pub fn once(
    engine_id: &str,
    workload: &str,
    wasm: Option<&Path>,
    artifact: Option<&Path>,
    write_artifact: Option<&Path>,
) -> Result<()> {
    let options = EngineOptions::default();
    let w = crate::workloads::rust_workload(workload).ok_or_else(|| anyhow!("unknown workload `{workload}`"))?;
    if engine_id == "native" {
        let input = w.input_for(crate::workloads::Size::Small);
        println!("{:#018x}", black_box((w.run)(black_box(&input))));
        return Ok(());
    }
    let engine = crate::engines::make(engine_id, &options)?;
    let wasm_bytes = || -> Result<Vec<u8>> {
        let path = wasm.ok_or_else(|| anyhow!("--wasm is needed"))?;
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))
    };
    if let Some(out) = write_artifact {
        let module = engine.compile(&wasm_bytes()?)?;
        match engine.serialize(module.as_ref())? {
            Some(bytes) => std::fs::write(out, bytes)?,
            None => bail!("{engine_id}: not available (no ahead-of-time artifact)"),
        }
        return Ok(());
    }
    let module = match artifact {
        Some(path) => engine.deserialize(&std::fs::read(path)?)?,
        None => engine.compile(&wasm_bytes()?)?,
    };
    let input = w.input_for(crate::workloads::Size::Small);
    let mut instance = engine.instantiate(module.as_ref())?;
    let (run, args) = load_input(instance.as_mut(), &input)?;
    println!("{:#018x}", call_run(instance.as_mut(), run, &args)?);
    Ok(())
}
