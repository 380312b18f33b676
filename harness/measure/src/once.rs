//! The body of every driver's `wasmgauge-once-<driver>` executable: one fresh process that
//! builds one subject, computes one answer and prints it (the process cold start the
//! orchestrator times, [`crate::process`]), or writes a configuration's ahead-of-time artifact.
//! It links the subject table only: no conformance code and no WASI layer.
use crate::executor::wasm::{call_run, load_input};
use crate::subject::{Subject, SubjectEntry};
use anyhow::{Context, Result, anyhow, bail};
use std::hint::black_box;
use std::path::Path;
use std::process::ExitCode;

/// The entry point of a driver's `wasmgauge-once-<name>`: `--engine E --workload W --input FILE
/// [--wasm M | --artifact A] [--write-artifact OUT]`; prints the answer (verified by the caller).
pub fn main(subjects: &'static [SubjectEntry]) -> ExitCode {
    match parse(std::env::args().skip(1)).and_then(|a| once(subjects, &a)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Reads the arguments of a `wasmgauge-once-<driver>` process.
pub fn parse(mut args: impl Iterator<Item = String>) -> Result<OnceArgs> {
    let mut a = OnceArgs::default();
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or_else(|| anyhow!("{flag} needs a value"));
        match flag.as_str() {
            "--engine" => a.engine = value()?,
            "--workload" => a.workload = value()?,
            "--input" => a.input = Some(value()?.into()),
            "--wasm" => a.wasm = Some(value()?.into()),
            "--artifact" => a.artifact = Some(value()?.into()),
            "--write-artifact" => a.write_artifact = Some(value()?.into()),
            other => bail!(
                "unknown argument `{other}`; usage: --engine E --workload W --input FILE [--wasm M | --artifact A] [--write-artifact OUT]"
            ),
        }
    }
    if a.engine.is_empty() {
        bail!("--engine is needed");
    }
    Ok(a)
}

/// What a `wasmgauge-once-<driver>` process is asked (see [`main`]).
#[derive(Debug, Default)]
pub struct OnceArgs {
    /// The subject to build.
    pub engine: String,
    /// The workload to run.
    pub workload: String,
    /// The workload's input, as the orchestrator wrote it.
    pub input: Option<std::path::PathBuf>,
    /// The workload's wasm, to compile.
    pub wasm: Option<std::path::PathBuf>,
    /// An artifact written by `--write-artifact` of the same configuration.
    pub artifact: Option<std::path::PathBuf>,
    /// Compile `--wasm` and write the configuration's artifact here instead of answering.
    pub write_artifact: Option<std::path::PathBuf>,
}

/// One fresh process's work: one answer computed (or an artifact written).
pub fn once(table: &[SubjectEntry], a: &OnceArgs) -> Result<()> {
    let subject = crate::subject::build(table, &a.engine, &results::EngineOptions::default())?;
    let read = |what: &str, path: Option<&Path>| -> Result<Vec<u8>> {
        let path = path.ok_or_else(|| anyhow!("--{what} is needed"))?;
        std::fs::read(path).with_context(|| format!("reading {}", path.display()))
    };
    let engine = match &subject {
        Subject::Native { kernels, .. } => {
            let kernel = kernels.kernel(&a.workload).ok_or_else(|| anyhow!("unknown workload `{}`", a.workload))?;
            let input = read("input", a.input.as_deref())?;
            println!("{:#018x}", black_box(kernel(black_box(&input))));
            return Ok(());
        }
        other => other.engine()?,
    };
    if let Some(out) = &a.write_artifact {
        let module = engine.compile(&read("wasm", a.wasm.as_deref())?)?;
        match engine.serialize(module.as_ref())? {
            Some(bytes) => std::fs::write(out, bytes)?,
            None => bail!("{}: not available (no ahead-of-time artifact)", a.engine),
        }
        return Ok(());
    }
    let module = match &a.artifact {
        Some(path) => engine.deserialize(&std::fs::read(path)?)?,
        None => engine.compile(&read("wasm", a.wasm.as_deref())?)?,
    };
    let input = read("input", a.input.as_deref())?;
    let mut instance = engine.instantiate(module.as_ref())?;
    let (run, args) = load_input(instance.as_mut(), &input)?;
    println!("{:#018x}", call_run(instance.as_mut(), run, &args)?);
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn arguments_are_read_and_refused_clearly() {
        let args = |s: &str| s.split_whitespace().map(String::from).collect::<Vec<_>>().into_iter();
        let a = super::parse(args("--engine e --workload w --input i --wasm m")).unwrap();
        assert_eq!((a.engine.as_str(), a.workload.as_str()), ("e", "w"));
        assert!(super::parse(args("--workload w")).unwrap_err().to_string().contains("--engine is needed"));
        assert!(super::parse(args("--engine")).unwrap_err().to_string().contains("needs a value"));
        assert!(super::parse(args("--bogus x")).unwrap_err().to_string().contains("unknown argument `--bogus`"));
    }
}
