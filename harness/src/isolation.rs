//! Cell isolation: every cell (one engine, one workload) runs in its own worker process, a
//! re-exec of `wasmgauge` as `wasmgauge worker`, so a runtime panic, abort, segfault or hang
//! fails that cell only, and each process's memory belongs to one runtime.
//!
//! The parent writes a [`Job`] as JSON on the worker's stdin; the worker prints one line
//! `WASMGAUGE-OUTCOME <json>` with the [`Outcome`] on stdout. A worker that exits without that
//! line, dies by a signal or outlives its timeout (then it is killed) yields a failed outcome
//! that says which. `--in-process` runs jobs in the parent instead (debugging only: a hang then
//! hangs the harness, a crash ends it).

use crate::corpus::parse_checksum;
use crate::engines::{EngineOptions, Limits, Val, ValType};
use crate::executor::{self, Executor, WorkloadCode, export_call::ExportCallExecutor};
use crate::latency::LatencyRecord;
use crate::scenarios::call_overhead::{self, CallOverheadMeasurement, CallOverheadPlan, MicroModules, Modes};
use crate::scenarios::cold_start::{self, ColdStartMeasurement, ColdStartPlan};
use crate::scenarios::concurrency::{self, ConcurrencyMeasurement, ConcurrencyPlan};
use crate::scenarios::density::{self, DensityMeasurement, DensityPlan};
use crate::scenarios::memory::{self, MemoryOutput, MemoryPlan};
use crate::scenarios::sandbox_tax::{self, TaxMeasurement, TaxPlan};
use crate::scenarios::throughput::{self, LatencyPlan, SamplingPlan, ThroughputMeasurement};
use crate::workloads::Size;
use anyhow::{Context, Result, anyhow, bail};
use serde::{Deserialize, Serialize};
use std::io::{Read, Write};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Duration;
use wait_timeout::ChildExt;

const OUTCOME_MARKER: &str = "WASMGAUGE-OUTCOME ";

/// One workload at one size on one engine: what every workload scenario's job names.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CellSpec {
    pub engine: String,
    pub options: EngineOptions,
    pub workload: String,
    /// `None` for adversarial guests, which get a fixed 16-byte input.
    pub size: Option<Size>,
    pub wasm_path: PathBuf,
    /// The manifest's hash of the input; the worker regenerates the input and checks it.
    pub input_sha256: Option<String>,
    /// The native answer (hex); `None` for guests that have no correct answer.
    pub expected_checksum: Option<String>,
}

/// What to measure of a cell.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorkloadTask {
    Throughput(SamplingPlan),
    Latency(LatencyPlan),
    ColdStart(ColdStartPlan),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct WorkloadJob {
    pub cell: CellSpec,
    pub task: WorkloadTask,
}

/// Call overhead (or its latency) of one engine over the micro-modules.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CallOverheadJob {
    pub engine: String,
    pub options: EngineOptions,
    pub corpus_dir: PathBuf,
    pub plan: CallOverheadPlan,
    pub modes: Modes,
}

/// One export of a user's module called with fixed arguments on one engine.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportCallJob {
    pub engine: String,
    pub options: EngineOptions,
    pub wasm_path: PathBuf,
    pub export: String,
    pub args: Vec<Val>,
    pub result_types: Vec<ValType>,
    pub plan: SamplingPlan,
}

/// What to measure of an engine as a host of many instances (schema 3).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum EngineTask {
    Memory(MemoryPlan),
    Density(DensityPlan),
    Concurrency(ConcurrencyPlan),
}

/// An engine-level job: `cell` names the engine and the workload density and concurrency
/// serve; memory uses the `mem_touch` micro-module from `corpus_dir`.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineJob {
    pub cell: CellSpec,
    pub corpus_dir: PathBuf,
    pub task: EngineTask,
}

/// One workload on one engine with and without one limit.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct SandboxTaxJob {
    pub cell: CellSpec,
    pub limits: Limits,
    pub plan: TaxPlan,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Job {
    Workload(WorkloadJob),
    CallOverhead(CallOverheadJob),
    ExportCall(ExportCallJob),
    Engine(EngineJob),
    SandboxTax(SandboxTaxJob),
    Paired(crate::gate::paired::PairedJob),
    Conform(crate::conform::ConformJob),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ExportCallOutput {
    pub results: Vec<Val>,
    pub measurement: ThroughputMeasurement,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum JobOutput {
    Throughput(ThroughputMeasurement),
    Latency(LatencyRecord),
    ColdStart(Box<ColdStartMeasurement>),
    CallOverhead(CallOverheadMeasurement),
    ExportCall(ExportCallOutput),
    Memory(MemoryOutput),
    Density(DensityMeasurement),
    Concurrency(ConcurrencyMeasurement),
    SandboxTax(TaxMeasurement),
    Paired(crate::gate::paired::PairedMeasurement),
    Conform(crate::conform::ConformOutput),
}

/// What a job came to: its output, or why the cell failed.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
// Sent once per cell between processes: its in-memory size does not matter.
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    Ok(JobOutput),
    Failed(String),
}

/// Fixed input of the adversarial guests (they ignore it).
const ADVERSARIAL_INPUT: [u8; 16] = [0; 16];

/// A cell's wasm bytes and input, the input checked against the corpus's hash.
fn cell_inputs(cell: &CellSpec) -> Result<(Vec<u8>, Vec<u8>)> {
    let wasm = std::fs::read(&cell.wasm_path).with_context(|| format!("reading {}", cell.wasm_path.display()))?;
    let input = match cell.size {
        Some(size) => {
            let w = crate::workloads::rust_workload(&cell.workload)
                .ok_or_else(|| anyhow!("no workload `{}`", cell.workload))?;
            w.input_for(size)
        }
        None => ADVERSARIAL_INPUT.to_vec(),
    };
    if let Some(want) = &cell.input_sha256
        && &crate::corpus::sha256_hex(&input) != want
    {
        bail!("the generated input differs from the one the corpus was built with; rebuild the corpus");
    }
    Ok((wasm, input))
}

fn expected_of(cell: &CellSpec) -> Result<u64> {
    let hex = cell.expected_checksum.as_deref().ok_or_else(|| anyhow!("`{}` has no native answer", cell.workload))?;
    parse_checksum(hex)
}

fn run_engine_job(job: &EngineJob) -> Result<JobOutput> {
    let cell = &job.cell;
    if let EngineTask::Memory(plan) = &job.task {
        return Ok(JobOutput::Memory(match cell.engine.as_str() {
            "native" => bail!("not applicable: native code has no instances"),
            "subprocess" => {
                let (_, input) = cell_inputs(cell)?;
                MemoryOutput::Process(memory::measure_process(&cell.workload, &input, expected_of(cell)?)?)
            }
            id => {
                let path = job.corpus_dir.join("mem_touch.wasm");
                let wasm = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
                MemoryOutput::Instances(memory::measure_wasm(
                    crate::engines::make(id, &cell.options)?.as_ref(),
                    &wasm,
                    plan,
                )?)
            }
        }));
    }
    let (wasm, input) = cell_inputs(cell)?;
    let expected = expected_of(cell)?;
    let w = &cell.workload;
    Ok(match (&job.task, cell.engine.as_str()) {
        (EngineTask::Density(plan), "subprocess") => {
            JobOutput::Density(density::measure_subprocess(w, &input, expected, plan)?)
        }
        (EngineTask::Density(_), "native") => bail!("not applicable: native code has no instances"),
        (EngineTask::Density(plan), id) => JobOutput::Density(density::measure_wasm(
            crate::engines::make(id, &cell.options)?.as_ref(),
            w,
            &wasm,
            &input,
            expected,
            plan,
        )?),
        (EngineTask::Concurrency(plan), "subprocess") => {
            JobOutput::Concurrency(concurrency::measure_subprocess(w, expected, plan)?)
        }
        (EngineTask::Concurrency(plan), "native") => {
            let kernel = executor::native_kernel(w).ok_or_else(|| anyhow!("no native `{w}`"))?;
            JobOutput::Concurrency(concurrency::measure_native(w, kernel, &input, expected, plan)?)
        }
        (EngineTask::Concurrency(plan), id) => JobOutput::Concurrency(concurrency::measure_wasm(
            crate::engines::make(id, &cell.options)?.as_ref(),
            w,
            &wasm,
            &input,
            expected,
            plan,
        )?),
        (EngineTask::Memory(_), _) => unreachable!("handled above"),
    })
}

fn run_sandbox_tax(job: &SandboxTaxJob) -> Result<TaxMeasurement> {
    let cell = &job.cell;
    let (wasm, input) = cell_inputs(cell)?;
    let code = WorkloadCode { name: &cell.workload, wasm: &wasm };
    sandbox_tax::measure(&cell.engine, &cell.options, job.limits, &code, &input, expected_of(cell)?, &job.plan)
}

fn run_workload(job: &WorkloadJob) -> Result<JobOutput> {
    let cell = &job.cell;
    let (wasm, input) = cell_inputs(cell)?;
    let code = WorkloadCode { name: &cell.workload, wasm: &wasm };
    let Some(expected) = cell.expected_checksum.as_deref().map(parse_checksum).transpose()? else {
        let mut exec = executor::make(&cell.engine, &cell.options)?;
        exec.prepare(&code, &input)?;
        let got = exec.call()?;
        bail!("`{}` returned {got:#018x}, but it has no correct answer to check against", cell.workload)
    };
    Ok(match &job.task {
        WorkloadTask::Throughput(plan) => {
            let mut exec = executor::make(&cell.engine, &cell.options)?;
            JobOutput::Throughput(throughput::measure(exec.as_mut(), &code, &input, expected, plan)?)
        }
        WorkloadTask::Latency(plan) => {
            let mut exec = executor::make(&cell.engine, &cell.options)?;
            JobOutput::Latency(throughput::measure_latency(exec.as_mut(), &code, &input, expected, plan)?)
        }
        WorkloadTask::ColdStart(plan) => JobOutput::ColdStart(Box::new(match cell.engine.as_str() {
            "native" => {
                let kernel =
                    executor::native_kernel(&cell.workload).ok_or_else(|| anyhow!("no native `{}`", cell.workload))?;
                cold_start::measure_native(kernel, &input, expected, plan)?
            }
            "subprocess" => cold_start::measure_subprocess(&cell.workload, &input, expected, plan)?,
            id => cold_start::measure_wasm(
                crate::engines::make(id, &cell.options)?.as_ref(),
                &wasm,
                &input,
                expected,
                plan,
            )?,
        })),
    })
}

fn run_call_overhead(job: &CallOverheadJob) -> Result<CallOverheadMeasurement> {
    match job.engine.as_str() {
        "native" => call_overhead::measure_native(&job.plan, job.modes),
        "subprocess" => call_overhead::measure_subprocess(&job.plan, job.modes),
        id => {
            let read = |name: &str| {
                let path = job.corpus_dir.join(format!("{name}.wasm"));
                std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
            };
            let modules = MicroModules {
                empty: read("empty")?,
                add4: read("add4")?,
                host_loop: read("host_loop")?,
                checksum: read("checksum")?,
            };
            call_overhead::measure_wasm(
                crate::engines::make(id, &job.options)?.as_ref(),
                &modules,
                &job.plan,
                job.modes,
            )
        }
    }
}

fn run_export_call(job: &ExportCallJob) -> Result<ExportCallOutput> {
    let wasm = std::fs::read(&job.wasm_path).with_context(|| format!("reading {}", job.wasm_path.display()))?;
    let engine = crate::engines::make(&job.engine, &job.options)?;
    let mut exec = ExportCallExecutor::new(engine, &job.export, job.args.clone(), job.result_types.clone());
    let code = WorkloadCode { name: &job.export, wasm: &wasm };
    // The first call on this engine fixes the answer every later call must repeat; the parent
    // then checks that all engines agree on it.
    exec.prepare(&code, &[])?;
    let fingerprint = exec.call()?;
    let results = exec.last_results().to_vec();
    let measurement = throughput::measure(&mut exec, &code, &[], fingerprint, &job.plan)?;
    Ok(ExportCallOutput { results, measurement })
}

/// Runs a job here, in this process.
pub fn execute(job: &Job) -> Outcome {
    let result = match job {
        Job::Workload(j) => run_workload(j),
        Job::CallOverhead(j) => run_call_overhead(j).map(JobOutput::CallOverhead),
        Job::ExportCall(j) => run_export_call(j).map(JobOutput::ExportCall),
        Job::Engine(j) => run_engine_job(j),
        Job::SandboxTax(j) => run_sandbox_tax(j).map(JobOutput::SandboxTax),
        Job::Paired(j) => crate::gate::paired::measure(j).map(JobOutput::Paired),
        Job::Conform(j) => crate::conform::execute(j).map(JobOutput::Conform),
    };
    match result {
        Ok(out) => Outcome::Ok(out),
        Err(e) => Outcome::Failed(format!("{e:#}")),
    }
}

/// Entry point of `wasmgauge worker`: one job from stdin, its outcome on stdout.
pub fn worker_main() -> Result<()> {
    die_with_parent();
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let job: Job = serde_json::from_str(&text).context("worker: bad job on stdin")?;
    let outcome = execute(&job);
    let mut out = std::io::stdout().lock();
    writeln!(out, "{OUTCOME_MARKER}{}", serde_json::to_string(&outcome)?)?;
    out.flush()?;
    Ok(())
}

fn panic_message(payload: Box<dyn std::any::Any + Send>) -> String {
    panic_text(&*payload)
}

/// The message of a caught panic.
pub fn panic_text(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

fn describe_exit(status: std::process::ExitStatus) -> String {
    use std::os::unix::process::ExitStatusExt;
    match (status.code(), status.signal()) {
        (_, Some(sig)) => {
            let name = match sig {
                4 => " (SIGILL)",
                6 => " (SIGABRT)",
                7 => " (SIGBUS)",
                9 => " (SIGKILL)",
                11 => " (SIGSEGV)",
                _ => "",
            };
            format!("killed by signal {sig}{name}")
        }
        (Some(code), _) => format!("exit status {code}"),
        _ => "unknown exit".into(),
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join(" | ")
}

/// Runs a job in a fresh worker process (or in this one with `in_process`), killing the worker
/// after `timeout`.
pub fn run(job: &Job, timeout: Duration, in_process: bool) -> Outcome {
    if in_process {
        return std::panic::catch_unwind(|| execute(job))
            .unwrap_or_else(|p| Outcome::Failed(format!("panicked: {}", panic_message(p))));
    }
    match run_in_worker(job, timeout) {
        Ok(outcome) => outcome,
        Err(e) => Outcome::Failed(format!("{e:#}")),
    }
}

fn run_in_worker(job: &Job, timeout: Duration) -> Result<Outcome> {
    let exe = std::env::current_exe().context("locating the wasmgauge executable")?;
    let mut cmd = Command::new(exe);
    cmd.arg("worker").stdin(Stdio::piped()).stdout(Stdio::piped()).stderr(Stdio::piped());
    // Its own process group, so a timeout kills the worker and everything it started (the
    // subprocess baseline's runner) at once; otherwise a surviving grandchild would keep the
    // pipes open.
    std::os::unix::process::CommandExt::process_group(&mut cmd, 0);
    let mut child = cmd.spawn().context("spawning a worker process")?;
    let job_text = serde_json::to_vec(job)?;
    let mut stdin = child.stdin.take().expect("piped stdin");
    let writer = std::thread::spawn(move || stdin.write_all(&job_text));
    let mut stdout = child.stdout.take().expect("piped stdout");
    let mut stderr = child.stderr.take().expect("piped stderr");
    let out_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stdout.read_to_string(&mut s);
        s
    });
    let err_reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = stderr.read_to_string(&mut s);
        s
    });
    let status = match child.wait_timeout(timeout)? {
        Some(status) => Some(status),
        None => {
            // SAFETY: kill(2) on the worker's own process group (its pid, see process_group(0)).
            unsafe { libc::kill(-(child.id() as i32), libc::SIGKILL) };
            let _ = child.wait();
            None
        }
    };
    let _ = writer.join();
    let out = out_reader.join().unwrap_or_default();
    let err = err_reader.join().unwrap_or_default();
    let Some(status) = status else {
        return Ok(Outcome::Failed(format!("timed out after {} s; worker killed", timeout.as_secs_f64())));
    };
    if let Some(line) = out.lines().rev().find_map(|l| l.strip_prefix(OUTCOME_MARKER)) {
        return serde_json::from_str(line).context("worker sent an unreadable outcome");
    }
    let detail = tail(&err, 4);
    Ok(Outcome::Failed(format!(
        "worker crashed ({}){}",
        describe_exit(status),
        if detail.is_empty() { String::new() } else { format!(": {detail}") }
    )))
}

/// Makes this process die when its parent does (Linux `PR_SET_PDEATHSIG`), so no worker or
/// runner outlives the process that started it, even when that one is killed. Called by each
/// child at startup rather than in a `pre_exec` hook, which would force fork+exec of the whole
/// parent instead of `posix_spawn` and slow every spawn (visible in process cold start).
pub fn die_with_parent() {
    // SAFETY: prctl and getppid only touch this process.
    unsafe {
        let parent = libc::getppid();
        libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL);
        if libc::getppid() != parent {
            // The parent died before the request took effect.
            libc::_exit(1);
        }
    }
}
