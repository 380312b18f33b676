//! The command line: `corpus build|list`, `engines`, `run`, `report` (and the hidden `worker`).
//!
//! Exit codes: 0 success; 1 an error stopped the command (bad input, missing corpus, I/O);
//! 2 a usage error (clap); 3 the run completed but some cells failed or engines disagreed.
use crate::corpus::Corpus;
use crate::engines::{self, EngineOptions};
use crate::output::{fmt_ns, new_table};
use crate::profile::{ProfileName, Scenario};
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
Typical use:\n  wasmgauge corpus build\n  wasmgauge run --profile quick\n  wasmgauge report results/run-*.json --out reports/latest\n\n\
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
    /// Render result files into an HTML page, a Markdown summary and a CSV (runs nothing).
    #[command(long_about = "Render one or more results files into DIR: index.html (self-contained: inline SVG \
charts and CSS, nothing fetched, opens offline), summary.md (headline tables for a CI job summary or a PR \
comment), results.csv (one row per run, workload, engine, scenario and metric, with its 95% interval) and \
copies of the raw JSON the page links to. Several files render side by side (R1, R2, ...), e.g. two \
machines or before/after. Reads result files only; it never runs a benchmark.")]
    Report {
        /// Results files written by `wasmgauge run` (schema versions 1 and 2).
        #[arg(required = true, value_name = "RESULTS.json")]
        results: Vec<PathBuf>,
        /// Output directory (default: reports/<run id of the first file>).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
    },
    /// Internal: run one job from stdin in this process (used for per-cell isolation).
    #[command(hide = true)]
    Worker,
    /// Internal: one fresh process computing one answer (process cold start).
    #[command(hide = true)]
    Once {
        #[arg(long)]
        engine: String,
        #[arg(long)]
        workload: String,
        #[arg(long)]
        wasm: Option<PathBuf>,
        #[arg(long)]
        artifact: Option<PathBuf>,
        #[arg(long)]
        write_artifact: Option<PathBuf>,
    },
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
    /// Comma-separated scenarios: throughput, latency, cold-start, call-overhead, memory,
    /// density, concurrency, sandbox-tax; default: all.
    #[arg(long, value_enum, value_delimiter = ',')]
    pub scenarios: Vec<Scenario>,
    /// Cap the whole run at this many seconds: time caps are scaled to fit, and cells not
    /// started by then are recorded as skipped.
    #[arg(long, value_name = "SECONDS")]
    pub time_budget: Option<u64>,
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
    /// Memory budget of the density scenario: live instances are added until the next one
    /// could cross it (e.g. 1GiB, 256MiB, bytes; default 1GiB).
    #[arg(long, value_parser = parse_bytes, value_name = "SIZE")]
    pub memory_budget: Option<u64>,
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

/// `1GiB`, `512MiB`, `64KiB`, `1G`, `300M` or plain bytes.
fn parse_bytes(s: &str) -> Result<u64, String> {
    let t = s.trim();
    let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let (num, unit) = t.split_at(split);
    let n: u64 = num.parse().map_err(|_| format!("`{s}` is not a size (e.g. 1GiB, 512MiB, 1048576)"))?;
    let mult: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kib" | "kb" => 1 << 10,
        "m" | "mib" | "mb" => 1 << 20,
        "g" | "gib" | "gb" => 1 << 30,
        other => return Err(format!("unknown unit `{other}` in `{s}` (use KiB, MiB or GiB)")),
    };
    n.checked_mul(mult).filter(|b| *b > 0).ok_or_else(|| format!("`{s}` is out of range"))
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
        Command::Once { engine, workload, wasm, artifact, write_artifact } => {
            crate::scenarios::cold_start::once(
                &engine,
                &workload,
                wasm.as_deref(),
                artifact.as_deref(),
                write_artifact.as_deref(),
            )?;
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
        Command::Report { results, out } => {
            let out = match out {
                Some(o) => o,
                None => {
                    let first = crate::results::ResultsFile::load(&results[0])?;
                    PathBuf::from("reports").join(first.run_id)
                }
            };
            let written = crate::report::write(&results, &out)?;
            eprintln!(
                "report: {} runs, {} figures, {} failed/skipped cells; wrote {}, {}, {}",
                written.model.runs.len(),
                written.model.metrics.len(),
                written.model.problems.len(),
                written.summary_md.display(),
                written.csv.display(),
                written.raw.iter().map(|p| p.display().to_string()).collect::<Vec<_>>().join(", ")
            );
            println!("{}", written.index.display());
            Ok(ExitCode::SUCCESS)
        }
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
    let options = EngineOptions { compile_threads: args.compile_threads.max(1), ..Default::default() };
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
        scenarios: args.scenarios,
        time_budget_s: args.time_budget,
        engines: args.engines,
        workloads: args.workloads,
        sizes: args.sizes,
        corpus: args.corpus,
        out: args.out,
        results_dir: args.results_dir,
        timeout_s: args.timeout,
        in_process: args.in_process,
        options,
        memory_budget: args.memory_budget,
    })?;
    print_run(&summary);
    Ok(if summary.failed_cells == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) })
}

/// Prints every scenario of a finished run, then the one-line summary.
fn print_run(summary: &crate::run::RunSummary) {
    let r = &summary.results;
    let engine_ids: Vec<&str> = r.engines.iter().map(|e| e.id.as_str()).collect();
    let first_workload = r
        .scenarios
        .throughput
        .as_ref()
        .and_then(|t| t.cells.first())
        .map(|c| c.workload.clone())
        .or_else(|| r.scenarios.cold_start.as_ref().and_then(|c| c.cells.first()).map(|c| c.workload.clone()));
    let mut failures = Vec::new();
    if let Some(t) = &r.scenarios.throughput {
        println!(
            "\nThroughput: median time per call (x ratio to native); every call verified against the native answer"
        );
        println!("{}", crate::output::throughput_table(t, &engine_ids));
        let summaries: Vec<(String, &crate::stats::Summary)> = t
            .cells
            .iter()
            .filter_map(|c| {
                Some((format!("{} on {}", c.workload, c.engine), c.measurement.as_ref()?.summary.as_ref()?))
            })
            .collect();
        println!("{}", crate::output::noise_line(&summaries));
        if !t.engine_geomeans.is_empty() {
            println!("Geometric mean over the corpus of each engine's ratio to native, bootstrap 95% interval:");
            println!("{}", crate::output::geomean_table(t));
        }
        for c in t.cells.iter().filter(|c| c.status == crate::results::CellStatus::Failed) {
            failures.push(format!(
                "throughput {} {} on {}: {}",
                c.workload,
                c.size.map(|s| s.name()).unwrap_or(""),
                c.engine,
                c.error.as_deref().unwrap_or("")
            ));
        }
    }
    if let (Some(c), Some(w)) = (&r.scenarios.cold_start, &first_workload) {
        println!("\nCold start of `{w}` (medians; process start = exec of a fresh process to its verified answer):");
        println!("{}", crate::output::cold_start_table(c, w));
        for cell in c.cells.iter().filter(|c| c.status == crate::results::CellStatus::Failed) {
            failures.push(format!(
                "cold-start {} on {}: {}",
                cell.workload,
                cell.engine,
                cell.error.as_deref().unwrap_or("")
            ));
        }
        for p in c.process.iter().filter(|p| p.status == crate::results::CellStatus::Failed) {
            failures.push(format!(
                "process-start {} on {}: {}",
                p.workload,
                p.engine,
                p.error.as_deref().unwrap_or("")
            ));
        }
    }
    if let Some(c) = &r.scenarios.call_overhead {
        println!(
            "\nCall overhead: median per call ± half-width of its 95% interval; data = write N bytes in, guest checksums and inverts them, read N back:"
        );
        println!("{}", crate::output::call_overhead_table(c));
        let summaries: Vec<(String, &crate::stats::Summary)> = c
            .cells
            .iter()
            .flat_map(|cell| cell.measurement.iter().flat_map(move |m| m.benches.iter().map(move |b| (cell, b))))
            .filter_map(|(cell, b)| Some((format!("{} on {}", b.label(), cell.engine), b.summary.as_ref()?)))
            .collect();
        println!("{}", crate::output::noise_line(&summaries));
        for cell in c.cells.iter().filter(|c| c.status == crate::results::CellStatus::Failed) {
            failures.push(format!("call-overhead on {}: {}", cell.engine, cell.error.as_deref().unwrap_or("")));
        }
    }
    if let Some(l) = &r.scenarios.latency {
        let mut targets = vec!["empty typed"];
        if let Some(w) = &first_workload {
            targets.push(w);
        }
        println!("\nLatency percentiles (HdrHistogram; call-overhead values are per-call means of small batches):");
        println!("{}", crate::output::latency_table(l, &targets));
        for cell in l.cells.iter().filter(|c| c.status == crate::results::CellStatus::Failed) {
            failures.push(format!(
                "latency {} on {}: {}",
                cell.target,
                cell.engine,
                cell.error.as_deref().unwrap_or("")
            ));
        }
    }
    let sc = &r.scenarios;
    if sc.memory.is_some() || sc.density.is_some() || sc.concurrency.is_some() {
        println!(
            "\nHosting many instances: memory per live instance (mem_touch, 64 KiB page touched), instances in the density \
             budget and per GiB, instantiations per second, and new-instance-per-request throughput (p99):"
        );
        println!("{}", crate::output::hosting_table(r));
    }
    for (name, cells) in [
        (
            "memory",
            sc.memory.as_ref().map(|s| s.cells.iter().map(|c| (&c.engine, c.status, &c.error)).collect::<Vec<_>>()),
        ),
        ("density", sc.density.as_ref().map(|s| s.cells.iter().map(|c| (&c.engine, c.status, &c.error)).collect())),
        (
            "concurrency",
            sc.concurrency.as_ref().map(|s| s.cells.iter().map(|c| (&c.engine, c.status, &c.error)).collect()),
        ),
    ] {
        for (engine, status, error) in cells.unwrap_or_default() {
            if status == crate::results::CellStatus::Failed {
                failures.push(format!("{name} on {engine}: {}", error.as_deref().unwrap_or("")));
            }
        }
    }
    if let Some(t) = &sc.sandbox_tax {
        println!("\nSandbox tax: time per call with the limit on / without, geometric mean over the workloads:");
        println!("{}", crate::output::sandbox_tax_table(t));
        for c in t.cells.iter().filter(|c| c.status == crate::results::CellStatus::Failed) {
            failures.push(format!(
                "sandbox-tax {} {} on {}: {}",
                c.limit,
                c.workload,
                c.engine,
                c.error.as_deref().unwrap_or("")
            ));
        }
    }
    for f in &failures {
        println!("FAILED {f}");
    }
    let verified: u64 = r
        .scenarios
        .throughput
        .iter()
        .flat_map(|t| t.cells.iter())
        .filter_map(|c| c.measurement.as_ref())
        .map(|m| m.verified_calls)
        .sum();
    println!(
        "{} failed, {} skipped, {verified} throughput calls verified, wall time {}; results: {}",
        summary.failed_cells,
        summary.skipped_cells,
        fmt_ns(summary.wall.as_nanos() as f64),
        summary.path.display()
    );
}
