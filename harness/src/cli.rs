//! The command line: `corpus build|list`, `engines`, `run` (and the hidden `worker`).
//!
//! Exit codes: 0 success; 1 an error stopped the command (bad input, missing corpus, I/O);
//! 2 a usage error (clap); 3 the run completed but some cells failed or engines disagreed.
use crate::corpus::Corpus;
use crate::engines::{self, EngineOptions};
use crate::output::{fmt_ns, new_table};
use crate::profile::ProfileName;
use crate::workloads::Size;
use anyhow::Result;
use clap::{Args, Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "wasmgauge",
    version,
    about = "Benchmark and check server-side WebAssembly runtimes (Wasmtime, Wasmer, wasmi) against native code",
    long_about = "wasmgauge builds a corpus of guest workloads, runs each on seven WebAssembly runtime \
configurations and two baselines (native in-process, native subprocess), verifies every answer \
against the native one, and writes versioned results JSON under results/.\n\n\
Typical use:\n  wasmgauge corpus build\n  wasmgauge run --profile quick\n\n\
Exit codes: 0 ok; 1 error (bad input, missing corpus); 2 usage error; 3 run completed with failed cells."
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Build or list the guest corpus (wasm modules + manifest).
    #[command(subcommand)]
    Corpus(CorpusCommand),
    /// List engine ids, runtime versions and every knob each configuration sets.
    Engines {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Measure workloads on engines (or run your own module with --module).
    Run(RunArgs),
    /// Internal: run one job from stdin in this process (used for per-cell isolation).
    #[command(hide = true)]
    Worker,
}

#[derive(Subcommand, Debug)]
pub enum CorpusCommand {
    /// Compile every workload (Rust via cargo, WAT via the wat crate) into DIR with manifest.json.
    Build {
        /// Output directory.
        #[arg(long, default_value = "corpus")]
        out: PathBuf,
        /// Repository root holding workloads/ and the cargo workspace.
        #[arg(long)]
        source: Option<PathBuf>,
    },
    /// Print the corpus manifest.
    List {
        #[arg(long, default_value = "corpus")]
        corpus: PathBuf,
        /// Print the manifest as JSON.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Args, Debug)]
pub struct RunArgs {
    /// quick: small inputs, short sampling (CI, smoke); full: both sizes, more samples (reports).
    #[arg(long, value_enum, default_value = "quick")]
    pub profile: ProfileName,
    /// Comma-separated engine ids (see `wasmgauge engines`); default: all.
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Comma-separated workload names (see `wasmgauge corpus list`); default: all Rust workloads.
    #[arg(long, value_delimiter = ',')]
    pub workloads: Vec<String>,
    /// Comma-separated input sizes (small, large); default: the profile's.
    #[arg(long, value_delimiter = ',', value_parser = parse_size)]
    pub sizes: Vec<Size>,
    /// Corpus directory made by `corpus build`.
    #[arg(long, default_value = "corpus")]
    pub corpus: PathBuf,
    /// Results file to write (default: results/run-<time>.json).
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Directory for results files when --out is not given.
    #[arg(long, default_value = "results")]
    pub results_dir: PathBuf,
    /// Kill a cell's worker after this many seconds (default: the profile's).
    #[arg(long)]
    pub timeout: Option<u64>,
    /// Threads a compiler may use per module (default 1, the fair setting).
    #[arg(long, default_value_t = 1)]
    pub compile_threads: usize,
    /// Run cells in this process instead of isolated workers (debugging: no crash/hang isolation).
    #[arg(long)]
    pub in_process: bool,
    /// Bring your own module: run this .wasm/.wat on every WebAssembly engine and compare results.
    #[arg(long, requires = "export")]
    pub module: Option<PathBuf>,
    /// With --module: the exported function to call.
    #[arg(long, requires = "module")]
    pub export: Option<String>,
    /// With --module: one argument per parameter, in order (repeat the flag).
    #[arg(long = "arg", allow_hyphen_values = true, requires = "module")]
    pub args: Vec<String>,
}

fn parse_size(s: &str) -> Result<Size, String> {
    Size::parse(s).ok_or_else(|| format!("unknown size `{s}` (small, large)"))
}

/// The repository root this binary was built from, if it still exists; else the current dir.
fn default_source_root() -> PathBuf {
    let built = PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/.."));
    if built.join("workloads").is_dir() { built } else { PathBuf::from(".") }
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(1)
        }
    }
}

fn dispatch(cli: Cli) -> Result<ExitCode> {
    match cli.command {
        Command::Worker => {
            crate::isolation::worker_main()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Engines { json } => {
            let infos = engines::describe_all(&EngineOptions::default());
            if json {
                println!("{}", serde_json::to_string_pretty(&infos)?);
            } else {
                let mut t = new_table(vec!["id".into(), "runtime".into(), "version".into(), "knobs".into()]);
                for i in &infos {
                    let knobs: Vec<String> = i.knobs.iter().map(|(k, v)| format!("{k}={v}")).collect();
                    t.add_row(vec![i.id.clone(), i.runtime.clone(), i.runtime_version.clone(), knobs.join("\n")]);
                }
                println!("{t}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Corpus(CorpusCommand::Build { out, source }) => {
            let source = source.unwrap_or_else(default_source_root);
            let corpus = crate::corpus::build(&source, &out)?;
            print_corpus(&corpus);
            eprintln!("corpus: {} modules in {}", corpus.manifest.modules.len(), out.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Corpus(CorpusCommand::List { corpus, json }) => {
            let corpus = Corpus::load(&corpus)?;
            if json {
                println!("{}", serde_json::to_string_pretty(&corpus.manifest)?);
            } else {
                print_corpus(&corpus);
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => run(args),
    }
}

fn print_corpus(corpus: &Corpus) {
    let mut t = new_table(vec![
        "name".into(),
        "kind".into(),
        "lang".into(),
        "bytes".into(),
        "sha256".into(),
        "exports".into(),
        "inputs (expected)".into(),
    ]);
    for m in &corpus.manifest.modules {
        let exports: Vec<&str> = m.exports.iter().filter(|e| e.kind == "func").map(|e| e.name.as_str()).collect();
        let inputs: Vec<String> = m
            .inputs
            .iter()
            .map(|i| format!("{} n={} {} ({})", i.size.name(), i.n, i.n_unit, i.expected_checksum))
            .chain(m.calls.iter().map(|c| format!("{}{:?} -> {:?}", c.export, c.args, c.results)))
            .collect();
        t.add_row(vec![
            m.name.clone(),
            serde_json::to_value(m.kind).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default(),
            m.source_language.clone(),
            m.bytes.to_string(),
            m.sha256[..12].to_string(),
            exports.join(" "),
            inputs.join("\n"),
        ]);
    }
    println!("{t}");
}

fn run(args: RunArgs) -> Result<ExitCode> {
    let options = EngineOptions { compile_threads: args.compile_threads.max(1) };
    if let (Some(module), Some(export)) = (args.module, args.export) {
        let summary = crate::bring_your_own::run(&crate::bring_your_own::ModuleRequest {
            module,
            export,
            args: args.args,
            engines: args.engines,
            profile: args.profile,
            out: args.out,
            results_dir: args.results_dir,
            timeout_s: args.timeout,
            in_process: args.in_process,
            options,
        })?;
        let section = summary.results.scenarios.export_call.as_ref().expect("written by run");
        println!("{}", crate::bring_your_own::table(section));
        println!(
            "{}; results: {}",
            if summary.agree { "all engines that ran agree" } else { "ENGINES DISAGREE or none ran" },
            summary.path.display()
        );
        return Ok(if summary.agree && summary.failed_cells == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) });
    }
    let summary = crate::run::run(&crate::run::RunRequest {
        profile: args.profile,
        engines: args.engines,
        workloads: args.workloads,
        sizes: args.sizes,
        corpus: args.corpus,
        out: args.out,
        results_dir: args.results_dir,
        timeout_s: args.timeout,
        in_process: args.in_process,
        options,
    })?;
    let section = summary.results.scenarios.throughput.as_ref().expect("written by run");
    let engine_ids: Vec<&str> = summary.results.engines.iter().map(|e| e.id.as_str()).collect();
    println!("Median time per call (x ratio to native), every call verified against the native answer:");
    println!("{}", crate::output::throughput_table(section, &engine_ids));
    for c in section.cells.iter().filter(|c| c.error.is_some()) {
        println!(
            "FAILED {} {} on {}: {}",
            c.workload,
            c.size.map(|s| s.name()).unwrap_or(""),
            c.engine,
            c.error.as_deref().unwrap_or("")
        );
    }
    let verified: u64 = section.cells.iter().filter_map(|c| c.measurement.as_ref()).map(|m| m.verified_calls).sum();
    println!(
        "{} cells, {} failed, {verified} calls verified, wall time {}; results: {}",
        section.cells.len(),
        summary.failed_cells,
        fmt_ns(summary.wall.as_nanos() as f64),
        summary.path.display()
    );
    Ok(if summary.failed_cells == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) })
}
