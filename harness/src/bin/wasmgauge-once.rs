//! `wasmgauge-once`: one fresh process computing one answer, the unit of the process cold-start
//! figure (`wasmgauge-once --engine E --workload W [--wasm M | --artifact A]`), or writing a
//! configuration's ahead-of-time artifact (`--write-artifact FILE`). A binary of its own so that
//! what it links is only the runtimes and the workloads: the main `wasmgauge` binary also carries
//! the conformance code, the WASI layers and the spec testsuite, which would make every process
//! start slower for reasons that are the harness's, not the runtime's.
use clap::Parser;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "wasmgauge-once", about = "One fresh process computing one verified answer (process cold start)")]
struct Args {
    /// Engine configuration, or `native`.
    #[arg(long)]
    engine: String,
    /// Rust workload whose small input is computed.
    #[arg(long)]
    workload: String,
    /// The workload's wasm module.
    #[arg(long)]
    wasm: Option<PathBuf>,
    /// An artifact written by `--write-artifact` of the same configuration.
    #[arg(long)]
    artifact: Option<PathBuf>,
    /// Compile `--wasm` and write the configuration's artifact here instead of answering.
    #[arg(long)]
    write_artifact: Option<PathBuf>,
}

fn main() -> ExitCode {
    let a = Args::parse();
    match wasmgauge::scenarios::cold_start::once(
        &a.engine,
        &a.workload,
        a.wasm.as_deref(),
        a.artifact.as_deref(),
        a.write_artifact.as_deref(),
    ) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
