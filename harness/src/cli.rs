//! The command line: `corpus build|list`, `engines`, `run`, `report` (and the hidden `worker`).
//!
//! Exit codes: 0 success; 1 an error stopped the command (bad input, missing corpus, I/O);
//! 2 a usage error (clap); 3 the run completed but some cells failed or engines disagreed.
use crate::corpus::Corpus;
use crate::engines::{self, EngineOptions};
use crate::output::{fmt_ns, new_table};
use crate::profile::{ProfileName, Scenario};
use crate::workloads::Size;
use anyhow::{Context, Result};
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
Typical use:\n  wasmgauge corpus build\n  wasmgauge run --profile quick\n  wasmgauge report results/run-*.json --out reports/latest\n  \
wasmgauge gate --baseline base.json --candidate cand.json --noise ci/noise.json\n\n\
Exit codes: 0 ok; 1 error (bad input, missing corpus); 2 usage error; 3 run completed with failed cells. \
`gate`: 0 no regression, 1 regression, 2 usage error or inputs that cannot be compared."
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
        /// Output directory (default: reports/<run id of the first file>); with `--format bmf`,
        /// the JSON file to write (default: stdout).
        #[arg(long, value_name = "DIR")]
        out: Option<PathBuf>,
        /// `html` (the page, summary.md, results.csv) or `bmf` (Bencher Metric Format JSON, for
        /// Bencher or github-action-benchmark to keep history).
        #[arg(long, default_value = "html", value_parser = ["html", "bmf"])]
        format: String,
    },
    /// Regression gate: compare a candidate results file with a baseline (or, with --paired,
    /// measure two guest modules in interleaved rounds) and exit 0 (pass), 1 (regression) or 2.
    #[command(long_about = "Compares cells (scenario, workload, engine, metric, matched by the guest's sha256) of a \
candidate with a baseline: ratio of medians with a bootstrap interval at the configured confidence (99%), \
thresholds per scenario from ci/gate.toml (defaults: throughput 5%, cold start and call overhead 10%), Holm \
correction across cells. A cell regressed only when its whole interval lies beyond its threshold; improvements \
never fail. Prints a table, writes --markdown and --json verdicts.\n\n\
File mode cannot re-measure: give it reruns of the candidate with --confirm RERUN.json (repeatable) and a \
regressed cell fails only when every rerun regresses it against the same baseline too. A rerun needs only the \
regressed cells; when the gate fails without --confirm it prints the run options that measure them again.\n\n\
Paired mode (--paired --baseline-module A.wasm --candidate-module B.wasm --export F) runs both modules in the same \
worker in ABBA rounds and decides on the per-round log ratios; a regression is re-measured once and fails only \
when confirmed. With --baseline-bin OLD --candidate-bin NEW --module M it compares two wasmgauge binaries (e.g. \
built against two runtime versions) on the same module, each side a child process driven round by round.\n\nExit codes: 0 no regression; 1 regression; 2 usage error or inputs that cannot be compared \
(different schema, different guest bytes for a cell, missing cells, different machines without \
--allow-cross-machine, unreadable file).")]
    Gate(GateArgs),
    /// Noise floor: run the same build against itself several times (A/A) and write each
    /// cell's run-to-run noise to a file the gate reads with --noise.
    Calibrate(CalibrateArgs),
    /// Conformance: the spec testsuite, sandbox containment, WASI capabilities and a
    /// differential check of random modules, per engine configuration.
    #[command(subcommand)]
    Conform(crate::conform::command::ConformCommand),
    /// Join the results of shards (`run --shard I/N`) into one results file.
    Merge {
        /// Results files of the shards.
        #[arg(required = true, num_args = 2.., value_name = "RESULTS.json")]
        inputs: Vec<PathBuf>,
        /// Merged results file to write.
        #[arg(long)]
        out: PathBuf,
    },
    /// Internal: one side of another wasmgauge's paired gate (commands on stdin).
    #[command(hide = true)]
    PairedProbe,
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
pub struct GateArgs {
    /// Baseline results file (e.g. the target branch's artifact).
    #[arg(long, required_unless_present = "paired")]
    pub baseline: Option<PathBuf>,
    /// Candidate results file (this change).
    #[arg(long, required_unless_present = "paired")]
    pub candidate: Option<PathBuf>,
    /// Thresholds and confidence (default: built-in, same as ci/gate.toml).
    #[arg(long)]
    pub config: Option<PathBuf>,
    /// Noise floor from `wasmgauge calibrate`: cells noisier than their threshold are "too noisy".
    #[arg(long)]
    pub noise: Option<PathBuf>,
    /// Compare results from different machines (otherwise refused with exit 2).
    #[arg(long)]
    pub allow_cross_machine: bool,
    /// A rerun of the candidate (repeatable): a regression must reproduce in every one to fail.
    #[arg(long, value_name = "RERUN.json", conflicts_with = "paired")]
    pub confirm: Vec<PathBuf>,
    /// Write the verdict as Markdown (for a CI job summary) to this file.
    #[arg(long)]
    pub markdown: Option<PathBuf>,
    /// Write the verdict as JSON to this file.
    #[arg(long)]
    pub json: Option<PathBuf>,
    /// List every cell, not only the ones that changed.
    #[arg(long)]
    pub all: bool,
    /// Measure --baseline-module and --candidate-module here, in interleaved ABBA rounds.
    #[arg(long, requires = "export")]
    pub paired: bool,
    /// Paired: the baseline guest module (.wasm or .wat).
    #[arg(long, requires = "paired")]
    pub baseline_module: Option<PathBuf>,
    /// Paired: the candidate guest module.
    #[arg(long, requires = "paired")]
    pub candidate_module: Option<PathBuf>,
    /// Paired: compare two wasmgauge binaries (e.g. built against two runtime versions) on the
    /// same --module instead of two modules.
    #[arg(long, requires_all = ["paired", "candidate_bin", "module"], conflicts_with_all = ["baseline_module", "candidate_module"])]
    pub baseline_bin: Option<PathBuf>,
    #[arg(long, requires_all = ["paired", "baseline_bin"])]
    pub candidate_bin: Option<PathBuf>,
    /// Paired with binaries: the guest module both binaries run.
    #[arg(long, requires = "baseline_bin")]
    pub module: Option<PathBuf>,
    /// Paired: the export both modules have, and its arguments (repeat --arg).
    #[arg(long, requires = "paired")]
    pub export: Option<String>,
    #[arg(long = "arg", allow_hyphen_values = true, requires = "paired")]
    pub args: Vec<String>,
    /// Paired: engine configurations (default: every WebAssembly one).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Paired: ABBA rounds per measurement.
    #[arg(long, default_value_t = 20)]
    pub rounds: usize,
    /// Paired: milliseconds per timed batch.
    #[arg(long, default_value_t = 10)]
    pub batch_ms: u64,
}

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// A/A runs of the same build (at least 2).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Noise file to write.
    #[arg(long, default_value = "ci/noise.json")]
    pub out: PathBuf,
    /// Directory for the A/A runs' results files.
    #[arg(long, default_value = "results")]
    pub results_dir: PathBuf,
    #[arg(long, value_enum, default_value = "quick")]
    pub profile: ProfileName,
    #[arg(long, value_enum, value_delimiter = ',')]
    pub scenarios: Vec<Scenario>,
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    #[arg(long, value_delimiter = ',')]
    pub workloads: Vec<String>,
    #[arg(long, default_value = "corpus")]
    pub corpus: PathBuf,
    /// Time budget of each run, in seconds.
    #[arg(long, value_name = "SECONDS")]
    pub time_budget: Option<u64>,
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
    /// Run only shard I of N (e.g. 1/2): a deterministic slice of the matrix, the same on
    /// every machine; join the shards with `wasmgauge merge`.
    #[arg(long, value_parser = parse_shard, value_name = "I/N")]
    pub shard: Option<(usize, usize)>,
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

fn parse_shard(s: &str) -> Result<(usize, usize), String> {
    let bad = || format!("`{s}` is not a shard: use I/N with 1 <= I <= N, e.g. 1/2");
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (i.trim().parse().map_err(|_| bad())?, n.trim().parse().map_err(|_| bad())?);
    if i == 0 || n == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
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
        Command::Conform(c) => crate::conform::command::main(c).map(|path| {
            println!("results: {}", path.display());
            ExitCode::SUCCESS
        }),
        Command::Gate(args) => Ok(gate(args)),
        Command::PairedProbe => {
            crate::gate::paired::probe_main()?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Calibrate(args) => calibrate(args),
        Command::Merge { inputs, out } => {
            let merged = crate::merge::merge(&inputs)?;
            merged.save(&out)?;
            eprintln!(
                "merged {} runs ({}) into {}",
                merged.merged_from.len(),
                merged
                    .merged_from
                    .iter()
                    .map(|m| format!("{} on {}", m.shard.as_deref().unwrap_or("whole"), m.hostname))
                    .collect::<Vec<_>>()
                    .join(", "),
                out.display()
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { results, out, format } if format == "bmf" => {
            let model = crate::report::model::Model::load(&results)?;
            let text = serde_json::to_string_pretty(&crate::report::bmf::bmf(&model))? + "\n";
            match out {
                Some(path) => std::fs::write(&path, text)?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { results, out, .. } => {
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

/// `wasmgauge gate`: 0 pass, 1 regression, 2 usage error or inputs that cannot be compared.
fn gate(args: GateArgs) -> ExitCode {
    match gate_inner(&args) {
        Ok(report) => {
            println!("{}", crate::gate::render::table(&report, args.all));
            if !report.pass && !args.paired && args.confirm.is_empty() {
                let (scenarios, engines) = report.rerun_selection();
                println!(
                    "to confirm: rerun the candidate with `--scenarios {} --engines {}` (and its other run options), \
                     then gate again with --confirm RERUN.json",
                    scenarios.join(","),
                    engines.join(",")
                );
            }
            if report.pass { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn gate_inner(args: &GateArgs) -> Result<crate::gate::GateReport> {
    use crate::gate;
    let config = match &args.config {
        Some(p) => gate::config::GateConfig::load(p)?,
        None => gate::config::GateConfig::default(),
    };
    let report = if args.paired {
        let (baseline_module, candidate_module, binaries) = match (
            &args.baseline_bin,
            &args.candidate_bin,
            &args.module,
        ) {
            (Some(a), Some(b), Some(m)) => (m.clone(), m.clone(), Some([a.clone(), b.clone()])),
            _ => match (&args.baseline_module, &args.candidate_module) {
                (Some(a), Some(b)) => (a.clone(), b.clone(), None),
                _ => anyhow::bail!(
                    "--paired needs --baseline-module and --candidate-module, or --baseline-bin, --candidate-bin and --module"
                ),
            },
        };
        let req = gate::paired::PairedRequest {
            baseline_module,
            candidate_module,
            binaries,
            export: args.export.clone().expect("clap requires it"),
            args: args.args.clone(),
            engines: args.engines.clone(),
            rounds: args.rounds.max(4),
            batch_ms: args.batch_ms.max(1),
            timeout: std::time::Duration::from_secs(600),
            in_process: false,
            options: EngineOptions::default(),
        };
        gate::paired::run(&req, &config)?
    } else {
        let (b, c) =
            (args.baseline.as_ref().expect("clap requires it"), args.candidate.as_ref().expect("clap requires it"));
        let base = crate::results::ResultsFile::load(b)?;
        let cand = crate::results::ResultsFile::load(c)?;
        let noise = args.noise.as_ref().map(|p| gate::noise::NoiseFile::load(p)).transpose()?;
        let names = (b.display().to_string(), c.display().to_string());
        let confirm = args
            .confirm
            .iter()
            .map(|p| Ok((p.display().to_string(), crate::results::ResultsFile::load(p)?)))
            .collect::<Result<Vec<_>>>()?;
        gate::compare(&base, &cand, (&names.0, &names.1), &config, noise.as_ref(), args.allow_cross_machine, &confirm)?
    };
    if let Some(p) = &args.markdown {
        std::fs::write(p, gate::render::markdown(&report)).with_context(|| format!("writing {}", p.display()))?;
    }
    if let Some(p) = &args.json {
        std::fs::write(p, serde_json::to_string_pretty(&report)? + "\n")
            .with_context(|| format!("writing {}", p.display()))?;
    }
    Ok(report)
}

/// `wasmgauge calibrate`: A/A runs, then per-cell noise.
fn calibrate(args: CalibrateArgs) -> Result<ExitCode> {
    if args.runs < 2 {
        anyhow::bail!("--runs must be at least 2 (noise is the spread between runs)");
    }
    let mut runs = Vec::new();
    for i in 0..args.runs {
        eprintln!("calibrate: A/A run {} of {}", i + 1, args.runs);
        let summary = crate::run::run(&crate::run::RunRequest {
            profile: args.profile,
            scenarios: args.scenarios.clone(),
            time_budget_s: args.time_budget,
            engines: args.engines.clone(),
            workloads: args.workloads.clone(),
            sizes: vec![],
            corpus: args.corpus.clone(),
            out: None,
            results_dir: args.results_dir.clone(),
            timeout_s: None,
            in_process: false,
            options: EngineOptions::default(),
            memory_budget: None,
            shard: None,
        })?;
        runs.push(summary.results);
    }
    let noise = crate::gate::noise::NoiseFile::from_runs(&runs)?;
    noise.save(&args.out)?;
    let mut cells = noise.cells.clone();
    cells.sort_by(|a, b| b.noise.total_cmp(&a.noise));
    let mut t = new_table(vec!["noisiest cells".into(), "A/A noise".into()]);
    for c in cells.iter().take(10) {
        t.add_row(vec![c.key.to_string(), format!("{:.1}%", c.noise * 100.0)]);
    }
    println!("{t}");
    println!("{} cells calibrated over {} runs; noise file: {}", noise.cells.len(), args.runs, args.out.display());
    Ok(ExitCode::SUCCESS)
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
        shard: args.shard,
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
