//! The body of every driver executable: read one request, answer it, exit.
//!
//! A driver is a [`Driver`] value (its subject table, its conformance table, its runtime
//! versions; [`crate::driver!`] makes it) handed to [`main`] by the shared executable
//! `harness/drivers/main.rs`. Started without arguments it
//! reads one request line from stdin and prints one reply line (see the `protocol` crate);
//! `probe` serves one side of a paired gate between two driver builds; `describe` prints what
//! it is. Its `wasmgauge-once-<name>` binary is [`crate::once::main`] over the subject table alone, so
//! it links no conformance code.
use crate::engine::EngineOptions;
use crate::scenario::DriverCell;
use crate::subject::{ConformanceEntry, SubjectEntry};
use anyhow::{Context, Result, anyhow, bail};
use protocol::conform::ConformJob;
use protocol::{ConformRequest, Description, MeasureRequest, Reply, Request};
use std::io::{Read, Write};
use std::process::ExitCode;

/// What a driver executable is made of.
pub struct Driver {
    /// Its folder name under `harness/drivers/`.
    pub name: &'static str,
    /// Every subject it can build, in registry order.
    pub subjects: &'static [SubjectEntry],
    /// The conformance side of its WebAssembly subjects.
    pub conformance: &'static [ConformanceEntry],
    /// Its runtimes with their versions, `name=version,...`, as its lockfiles resolved them
    /// (the shared build script's `WG_RUNTIMES`, from the `runtimes` its manifest declares).
    pub runtimes: &'static str,
    /// The rustc that built it.
    pub rustc: &'static str,
}

/// A runtime driver's library from one list, `"id" => adapter`, in registry order: its
/// [`crate::subject_tables!`] (`SUBJECTS`, `CONFORMANCE`; `measure_only;` first for a runtime without
/// a conformance side) and its `DRIVER` value, named after its folder, with the runtime
/// versions and the rustc the shared build script recorded.
#[macro_export]
macro_rules! driver {
    (@value) => {
        /// This driver: its tables, its runtimes' locked versions and the rustc that built it.
        pub static DRIVER: $crate::driver::Driver = $crate::driver::Driver {
            name: env!("WG_DRIVER"),
            subjects: SUBJECTS,
            conformance: CONFORMANCE,
            runtimes: env!("WG_RUNTIMES"),
            rustc: env!("WG_RUSTC"),
        };
    };
    (measure_only; $($id:literal => $adapter:ident),* $(,)?) => {
        $crate::subject_tables!(measure_only; $($id => $adapter),*);
        $crate::driver!(@value);
    };
    ($($id:literal => $adapter:ident),* $(,)?) => {
        $crate::subject_tables!($($id => $adapter),*);
        $crate::driver!(@value);
    };
}

/// The entry point of a driver executable.
pub fn main(driver: &'static Driver) -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
        [] => serve(driver),
        ["probe"] => crate::paired::probe_main(driver.subjects),
        ["describe"] => describe(driver).and_then(|d| {
            println!("{}", serde_json::to_string_pretty(&d)?);
            Ok(())
        }),
        _ => {
            eprintln!(
                "usage: {0}             (one request on stdin, one reply on stdout)\n       {0} describe    (what this driver is)\n       {0} probe       (one side of a paired gate)",
                std::env::args().next().unwrap_or_default()
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Bytes a driver allocates and keeps before it reads its request, so that a multi-process
/// cell's processes place their heaps differently (`Layout::heap_pad_bytes`); the orchestrator
/// also passes an environment variable of random size, which shifts the initial stack.
pub const HEAP_PAD_VAR: &str = "WASMGAUGE_HEAP_PAD";
/// An environment variable of random size the orchestrator passes a worker process (it shifts the
/// initial stack).
pub const LAYOUT_ENV_VAR: &str = "WASMGAUGE_LAYOUT_ENV";

fn heap_pad() -> Vec<u8> {
    let bytes = std::env::var(HEAP_PAD_VAR).ok().and_then(|v| v.parse::<usize>().ok()).unwrap_or(0);
    std::hint::black_box(vec![1u8; bytes.min(64 << 20)])
}

fn serve(driver: &'static Driver) -> Result<()> {
    protocol::client::die_with_parent();
    let _pad = heap_pad();
    let mut text = String::new();
    std::io::stdin().read_to_string(&mut text)?;
    let reply = match protocol::parse_request(text.trim()).and_then(|r| answer(driver, r)) {
        Ok(value) => Reply::Ok(value),
        Err(e) => Reply::Failed(format!("{e:#}")),
    };
    let mut out = std::io::stdout().lock();
    writeln!(out, "{}", protocol::reply_line(&reply))?;
    out.flush()?;
    Ok(())
}

fn answer(driver: &'static Driver, request: Request) -> Result<serde_json::Value> {
    match request {
        Request::Describe => Ok(serde_json::to_value(describe(driver)?)?),
        Request::Measure(m) => measure(driver, &m),
        Request::Conform(c) => on_big_stack(move || conform(driver, &c)),
        Request::Paired(job) => Ok(serde_json::to_value(crate::paired::measure(driver.subjects, &job)?)?),
    }
}

/// What this driver is: every subject with its knobs at default options.
pub fn describe(driver: &Driver) -> Result<Description> {
    let defaults = EngineOptions::default();
    let subjects = driver
        .subjects
        .iter()
        .map(|e| match (e.make)(&defaults) {
            Ok(s) => s.info().clone(),
            Err(err) => {
                results::EngineInfo::new(e.id, "unavailable", "", &format!("could not be created: {err:#}"), &[])
            }
        })
        .collect();
    Ok(Description {
        driver: driver.name.into(),
        protocol: protocol::PROTOCOL_VERSION,
        rustc: driver.rustc.into(),
        runtimes: driver
            .runtimes
            .split(',')
            .filter_map(|kv| kv.split_once('='))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect(),
        subjects,
    })
}

fn measure(driver: &Driver, m: &MeasureRequest) -> Result<serde_json::Value> {
    let scenario =
        crate::scenarios::find(&m.scenario).ok_or_else(|| anyhow!("this driver knows no scenario `{}`", m.scenario))?;
    let subject = crate::subject::build(driver.subjects, &m.subject, &m.options)?;
    let rebuild = |options: &EngineOptions| crate::subject::build(driver.subjects, &m.subject, options);
    scenario.measure(&DriverCell { subject: &subject, options: &m.options, rebuild: &rebuild }, &m.cell)
}

/// Runs `work` on a thread with a large stack: deep recursion in guests and in the runtimes'
/// compilers must hit the runtime's own limit, not the host thread's.
fn on_big_stack(work: impl FnOnce() -> Result<serde_json::Value> + Send + 'static) -> Result<serde_json::Value> {
    let handle = std::thread::Builder::new().name("conform".into()).stack_size(256 << 20).spawn(work)?;
    match handle.join() {
        Ok(r) => r,
        Err(p) => bail!("panicked: {}", crate::engine::panic_text(&*p)),
    }
}

fn conform(driver: &Driver, c: &ConformRequest) -> Result<serde_json::Value> {
    let entry = driver
        .conformance
        .iter()
        .find(|e| e.id == c.subject)
        .ok_or_else(|| anyhow!("`{}` has no conformance side in this driver", c.subject))?;
    let with = |options: EngineOptions| (entry.make)(&options).with_context(|| format!("building {}", c.subject));
    let id = c.subject.as_str();
    Ok(match &c.job {
        ConformJob::Features => serde_json::to_value(with(EngineOptions::default())?.supported_features())?,
        ConformJob::SpecFile(job) => {
            let conformance = with(EngineOptions { features: Some(job.profile.clone()), ..Default::default() })?;
            serde_json::to_value(crate::conform::spec::run_file(conformance.as_ref(), id, job)?)?
        }
        ConformJob::Sandbox(job) => {
            crate::conform::sandbox::limit_data(job.data_limit_bytes);
            let conformance = with(EngineOptions { limits: job.engine_limits, ..Default::default() })?;
            serde_json::to_value(crate::conform::sandbox::run_cell(conformance.as_ref(), id, job)?)?
        }
        ConformJob::Wasi(job) => {
            let conformance = with(EngineOptions::default())?;
            serde_json::to_value(crate::conform::wasi::run_engine(conformance.as_ref(), id, job)?)?
        }
        ConformJob::Differential(job) => {
            let conformance = with(EngineOptions::default())?;
            serde_json::to_value(crate::conform::differential::answers(conformance.as_ref(), id, job)?)?
        }
        ConformJob::Probes(job) => {
            let build = |options: EngineOptions| with(options);
            serde_json::to_value(crate::conform::probes::run(&build, id, job))?
        }
        ConformJob::WasiRun(job) => {
            let wasm = std::fs::read(&job.wasm).with_context(|| format!("reading {}", job.wasm.display()))?;
            let outcomes = with(EngineOptions::default())?.run_wasi(&wasm, std::slice::from_ref(&job.request), false);
            serde_json::to_value(outcomes.into_iter().next().map(|o| o.exit))?
        }
        ConformJob::WasiCommand(job) if job.component => {
            let wasm = std::fs::read(&job.wasm).with_context(|| format!("reading {}", job.wasm.display()))?;
            let conformance = with(EngineOptions::default())?;
            let host = conformance.components().ok_or_else(|| anyhow::anyhow!("{id} hosts no components"))?;
            serde_json::to_value(host.run_command(&wasm, &job.runs, job.compile_once))?
        }
        ConformJob::WasiCommand(job) => {
            let wasm = std::fs::read(&job.wasm).with_context(|| format!("reading {}", job.wasm.display()))?;
            let conformance = with(EngineOptions { features: Some(job.features.clone()), ..Default::default() })?;
            serde_json::to_value(conformance.run_wasi(&wasm, &job.runs, job.compile_once))?
        }
    })
}
