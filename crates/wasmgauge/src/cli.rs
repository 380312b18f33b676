//! The command line: clap definitions and dispatch (`corpus build|list`, `engines`, `drivers`,
//! `run`, `report`, `gate`, `calibrate`, `conform`, `merge`); what it prints is [`crate::print`]'s.
//!
//! Exit codes: 0 success; 1 an error stopped the command (bad input, missing corpus, I/O);
//! 2 a usage error (clap); 3 the run completed but some cells failed or engines disagreed.
use crate::print::print_corpus;
use crate::subjects::Subjects;
use anyhow::{Context, Result};
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand};
use results::manifest::Corpus;
use results::plans::ProfileName;
use results::{EngineOptions, Size};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(
    name = "wasmgauge",
    version,
    about = "Benchmark and check server-side WebAssembly runtimes (Wasmtime, Wasmer, wasmi) against native code",
    long_about = "wasmgauge builds a corpus of guest workloads, runs each on every WebAssembly runtime \
configuration of the subject registry (`wasmgauge engines`: Wasmtime 48 and its 36 LTS line, Wasmer, wasmi) \
and two baselines (native in-process, native subprocess), each cell in a fresh process of the runtime's own \
driver executable, verifies every answer against the native one, and writes versioned results JSON under \
results/.\n\n\
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
    /// List engine ids, their drivers, runtime versions, capabilities and every knob each sets.
    Engines {
        /// Print JSON instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Print the driver folders (under drivers/) that build the given engines (all when none).
    Drivers {
        /// Comma-separated engine ids.
        #[arg(long, value_delimiter = ',')]
        engines: Vec<String>,
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
        /// Results files written by `wasmgauge run` or `conform` (schema versions 1 to 9).
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
    /// Figures over a series of runs with their change points: a static HTML page of small trend
    /// charts and a Markdown list of changes (runs nothing).
    #[command(long_about = "Order results files (or every *.json in the directories given) by the commit time \
of the harness checkout each ran from (then by start time), draw every gated figure over the runs as a small trend \
chart, and find change points: E-divisive means (Matteson & James 2014) locates a split, a Welch t-test decides it \
(Bonferroni over the splits tried, as Hunter does), Holm's correction over all figures keeps the family-wise error at \
--alpha, and a change must be at least the metric's gate threshold in size (--config, default ci/gate.toml's \
values). Writes DIR/index.html (no scripts, nothing fetched) and DIR/changes.md (the changes, each with the run and \
commit where it starts).")]
    History {
        /// Results files, or directories of them.
        #[arg(required = true, value_name = "RESULTS.json|DIR")]
        results: Vec<PathBuf>,
        #[arg(long, value_name = "DIR", default_value = "reports/history")]
        out: PathBuf,
        /// Thresholds (the gate's): a change smaller than its metric's threshold is not reported.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Family-wise error level over all figures.
        #[arg(long, default_value_t = 0.01)]
        alpha: f64,
    },
    /// Do a run's intervals hold on a rerun? For every pair of results files, the share of
    /// throughput cells whose rerun estimate lies inside the first run's 95% interval (runs nothing).
    #[command(long_about = "For every ordered pair of results files (first, rerun), count the throughput cells \
whose rerun estimate lies inside the first run's 95% interval: time per call, ratio to native (native itself left \
out) and each engine's geometric mean, with the first run's median interval half-width. Honest 95% intervals of two \
independent runs put the rerun inside about 83% of the time. scripts/interval-coverage.sh runs the quick throughput \
matrix several times and calls this.")]
    Coverage {
        /// Two or more results files of the same matrix, in the order they ran.
        #[arg(required = true, num_args = 2.., value_name = "RESULTS.json")]
        results: Vec<PathBuf>,
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
driver process in ABBA rounds and decides on the per-round log ratios; a regression is re-measured once and fails \
only when confirmed. With --baseline-engine X --candidate-engine Y --module M it compares two configurations (e.g. \
wasmtime-cranelift@36 and wasmtime-cranelift) on the same module; with --baseline-bin OLD --candidate-bin NEW \
--module M two builds of one driver executable; each side then a driver process driven round by round.\n\nExit codes: 0 no regression; 1 regression; 2 usage error or inputs that cannot be compared \
(different schema, different guest bytes for a cell, missing cells, different machines without \
--allow-cross-machine, unreadable file).")]
    Gate(GateArgs),
    /// Noise floor: run the same build against itself several times (A/A) and write each
    /// cell's run-to-run noise to a file the gate reads with --noise.
    Calibrate(CalibrateArgs),
    /// Conformance: the spec testsuite, sandbox containment, WASI capabilities and a
    /// differential check of random modules, per engine configuration.
    #[command(subcommand)]
    Conform(crate::conform_cmd::ConformCommand),
    /// Join the results of shards (`run --shard I/N`) into one results file.
    Merge {
        /// Results files of the shards.
        #[arg(required = true, num_args = 2.., value_name = "RESULTS.json")]
        inputs: Vec<PathBuf>,
        /// Merged results file to write.
        #[arg(long)]
        out: PathBuf,
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
    /// Write a workload's generated input to a file (what a driver reads for a cell: to run a
    /// driver or a `wasmgauge-once-<driver>` by hand, or time it with an outside tool).
    Input {
        /// A Rust workload (`corpus list`).
        #[arg(long)]
        workload: String,
        #[arg(long, value_parser = parse_size, default_value = "small")]
        size: Size,
        /// File to write.
        #[arg(long)]
        out: PathBuf,
    },
}

/// `run --measure`: what a cell measures.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Measure {
    /// Wall-clock time (every scenario).
    Time,
    /// Instructions per call under Valgrind (the `instructions` scenario).
    Instructions,
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
    #[arg(long)]
    pub paired: bool,
    /// Paired: the modules are WASI commands; each side's figure is one run (a fresh WASI
    /// context and instance, then `_start`) in fresh copies of the --dir directories, and every
    /// run's exit code, stdout and files must equal its side's first run (and, with one module
    /// on both sides, the other side's). Arguments after `--`.
    #[arg(long, requires = "paired", conflicts_with_all = ["export", "args"])]
    pub wasi: bool,
    #[command(flatten)]
    pub command: WasiCommandArgs,
    /// Paired: the baseline guest module (.wasm or .wat).
    #[arg(long, requires = "paired")]
    pub baseline_module: Option<PathBuf>,
    /// Paired: the candidate guest module.
    #[arg(long, requires = "paired")]
    pub candidate_module: Option<PathBuf>,
    /// Paired: compare two builds of one driver executable (e.g. drivers/wasmtime built against
    /// two runtime versions) on the same --module instead of two modules.
    #[arg(long, requires_all = ["paired", "candidate_bin", "module"], conflicts_with_all = ["baseline_module", "candidate_module", "baseline_engine"])]
    pub baseline_bin: Option<PathBuf>,
    #[arg(long, requires_all = ["paired", "baseline_bin"])]
    pub candidate_bin: Option<PathBuf>,
    /// Paired: compare two engine configurations (e.g. wasmtime-cranelift@36 and
    /// wasmtime-cranelift) on the same --module instead of two modules.
    #[arg(long, requires_all = ["paired", "candidate_engine", "module"], conflicts_with_all = ["baseline_module", "candidate_module"])]
    pub baseline_engine: Option<String>,
    #[arg(long, requires_all = ["paired", "baseline_engine"])]
    pub candidate_engine: Option<String>,
    /// Paired with two binaries or two engines: the guest module both sides run.
    #[arg(long)]
    pub module: Option<PathBuf>,
    /// Paired: the export both modules have, and its arguments (repeat --arg).
    #[arg(long, requires = "paired")]
    pub export: Option<String>,
    #[arg(long = "arg", allow_hyphen_values = true, requires = "paired")]
    pub args: Vec<String>,
    /// Paired: engine configurations (default: every WebAssembly one).
    #[arg(long, value_delimiter = ',')]
    pub engines: Vec<String>,
    /// Paired: ABBA rounds per measurement (default 20); with `--measure instructions`, fresh
    /// counting processes per side (default 3: counts repeat to within 0.1%).
    #[arg(long)]
    pub rounds: Option<usize>,
    /// Paired: `time` (ABBA rounds of timed batches) or `instructions` (each side's export
    /// counted under Valgrind in --rounds fresh processes; threshold `instructions`).
    #[arg(long, value_enum, default_value_t = Measure::Time, requires = "paired")]
    pub measure: Measure,
    /// Paired: milliseconds per timed batch (with --wasi: at least one run per batch).
    #[arg(long, default_value_t = 10)]
    pub batch_ms: u64,
}

#[derive(Args, Debug)]
pub struct CalibrateArgs {
    /// A/A runs of the same build (at least 2).
    #[arg(long, default_value_t = 3)]
    pub runs: usize,
    /// Compute the noise floor from these existing A/A results files (repeatable, at least 2)
    /// instead of running.
    #[arg(long = "from", value_name = "RESULTS.json", num_args = 1.., conflicts_with = "runs")]
    pub from: Vec<PathBuf>,
    /// Noise file to write.
    #[arg(long, default_value = "ci/noise.json")]
    pub out: PathBuf,
    /// Directory for the A/A runs' results files.
    #[arg(long, default_value = "results")]
    pub results_dir: PathBuf,
    #[arg(long, value_parser = parse_profile, default_value = "quick")]
    pub profile: ProfileName,
    #[arg(long, value_parser = scenario_names(), value_delimiter = ',')]
    pub scenarios: Vec<String>,
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
#[command(group(clap::ArgGroup::new("module_mode").args(["export", "wasi"])))]
pub struct RunArgs {
    /// quick: small inputs, short sampling (CI, smoke); full: both sizes, more samples (reports).
    #[arg(long, value_parser = parse_profile, default_value = "quick")]
    pub profile: ProfileName,
    /// Comma-separated scenarios (default: all but engine-create and instructions).
    #[arg(long, value_parser = scenario_names(), value_delimiter = ',')]
    pub scenarios: Vec<String>,
    /// What cells measure: `time` (wall clock: the scenarios) or `instructions` (instructions
    /// per call of every selected workload and engine, counted under Valgrind: the
    /// `instructions` scenario, alone unless --scenarios names others; clock-free, for CI gates
    /// on shared runners).
    #[arg(long, value_enum, default_value_t = Measure::Time)]
    pub measure: Measure,
    /// Cap the whole run at this many seconds: time caps are scaled to fit, and cells not
    /// started by then are recorded as skipped.
    #[arg(long, value_name = "SECONDS")]
    pub time_budget: Option<u64>,
    /// Comma-separated engine ids (see `wasmgauge engines`); default: all, except that the quick
    /// profile leaves out a runtime's second version line (`@36`; name it to measure it).
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
    /// Kill a cell's driver process (and all it started) after this many seconds (default: the profile's).
    #[arg(long)]
    pub timeout: Option<u64>,
    /// Run only shard I of N (e.g. 1/2): a deterministic slice of the matrix, the same on
    /// every machine; join the shards with `wasmgauge merge`.
    #[arg(long, value_parser = parse_shard, value_name = "I/N")]
    pub shard: Option<(usize, usize)>,
    /// Seed of the order of the rounds (throughput cells run in several worker processes,
    /// shuffled per round) and of each process's layout; recorded in the results file's
    /// `schedule`, so a run's order can be repeated (default: drawn from the clock).
    #[arg(long)]
    pub seed: Option<u64>,
    /// Memory budget of the density scenario: live instances are added until the next one
    /// could cross it (e.g. 1GiB, 256MiB, bytes; default: 256MiB in the quick profile, 1GiB in full).
    #[arg(long, value_parser = parse_bytes, value_name = "SIZE")]
    pub memory_budget: Option<u64>,
    /// Thread levels of the scaling scenarios (concurrency, and density's instantiation rate),
    /// e.g. 1,2,4,8,16 (default: 1, 2, 4, ... up to this machine's core count, then twice the
    /// core count); the levels used are recorded in the results file's profile.
    #[arg(long, value_delimiter = ',', value_name = "N,N,...")]
    pub threads: Option<Vec<usize>>,
    /// Threads a compiler may use per module (default 1, the fair setting).
    #[arg(long, default_value_t = 1)]
    pub compile_threads: usize,
    /// Bring your own module: run this .wasm/.wat on every WebAssembly engine and compare
    /// results; with --export F one exported function, with --wasi a WASI command.
    #[arg(long, requires = "module_mode")]
    pub module: Option<PathBuf>,
    /// With --module: the exported function to call.
    #[arg(long, requires = "module")]
    pub export: Option<String>,
    /// With --module: one argument per parameter, in order (repeat the flag).
    #[arg(long = "arg", allow_hyphen_values = true, requires = "module")]
    pub args: Vec<String>,
    /// With --module: run it as a WASI preview 1 command (its `_start`) on every configuration
    /// with a WASI layer, --runs times each, and check they agree on exit code, stdout and the
    /// files written in granted directories (exit 3 when they do not). Arguments after `--`.
    #[arg(long, requires = "module")]
    pub wasi: bool,
    #[command(flatten)]
    pub command: WasiCommandArgs,
    /// With --wasi: timed runs per configuration (phases: median with a 95% interval).
    #[arg(long, default_value_t = 5, requires = "wasi")]
    pub runs: usize,
}

impl WasiCommandArgs {
    pub fn spec(&self) -> crate::wasi_command::CommandSpec {
        crate::wasi_command::CommandSpec {
            args: self.wasi_args.clone(),
            env: self.env.clone(),
            dirs: self.dirs.clone(),
            stdin: self.stdin.clone(),
        }
    }
}

/// How a WASI command is run (`run --wasi`, `gate --paired --wasi`): granted directories,
/// environment, stdin and arguments.
#[derive(Args, Debug, Clone)]
pub struct WasiCommandArgs {
    /// With --wasi: grant a directory, seen by the guest as GUEST (default: HOST as written).
    /// Every run works on a fresh copy of it. Repeatable.
    #[arg(long = "dir", value_name = "HOST[::GUEST]", value_parser = crate::wasi_command::parse_dir, requires = "wasi")]
    pub dirs: Vec<results::wasi_command::GrantedDir>,
    /// With --wasi: an environment variable for the guest. Repeatable.
    #[arg(long = "env", value_name = "NAME=VALUE", value_parser = crate::wasi_command::parse_env, requires = "wasi")]
    pub env: Vec<(String, String)>,
    /// With --wasi: a file the guest reads as its stdin (default: empty).
    #[arg(long, requires = "wasi")]
    pub stdin: Option<PathBuf>,
    /// With --wasi: the command's arguments (after the program name).
    #[arg(last = true, value_name = "ARGS", requires = "wasi")]
    pub wasi_args: Vec<String>,
}

/// The registered scenarios, with what each measures, for `--scenarios`.
fn scenario_names() -> PossibleValuesParser {
    PossibleValuesParser::new(measure::scenarios::REGISTRY.iter().map(|s| PossibleValue::new(s.name()).help(s.about())))
}

fn parse_profile(s: &str) -> Result<ProfileName, String> {
    ProfileName::parse(s).ok_or_else(|| format!("unknown profile `{s}` (quick, full)"))
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
    crate::subjects::source_root().unwrap_or_else(|| PathBuf::from("."))
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
    let subjects = Subjects::default();
    match cli.command {
        Command::Engines { json } => {
            crate::print::engines(&subjects, json)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Drivers { engines } => {
            println!("{}", crate::subjects::drivers_for(&engines)?.join(" "));
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
        Command::Corpus(CorpusCommand::Input { workload, size, out }) => {
            let w = wg_workloads::rust_workload(&workload).ok_or_else(|| {
                let known: Vec<&str> = wg_workloads::RUST_WORKLOADS.iter().map(|w| w.name).collect();
                anyhow::anyhow!("unknown workload `{workload}`; known workloads: {}", known.join(", "))
            })?;
            let input = w.input_for(size);
            std::fs::write(&out, &input).with_context(|| format!("writing {}", out.display()))?;
            eprintln!(
                "{workload} ({}): {} bytes, sha256 {}",
                size.name(),
                input.len(),
                results::manifest::sha256_hex(&input)
            );
            Ok(ExitCode::SUCCESS)
        }
        Command::Run(args) => run(args, &subjects),
        Command::Conform(c) => crate::conform_cmd::main(c, &subjects).map(|path| {
            println!("results: {}", path.display());
            ExitCode::SUCCESS
        }),
        Command::Gate(args) => Ok(gate(args, &subjects)),
        Command::Calibrate(args) => calibrate(args, &subjects),
        Command::Merge { inputs, out } => {
            let merged = gate::merge::merge(&inputs)?;
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
            let model = report::model::Model::load(&results)?;
            let text = serde_json::to_string_pretty(&report::bmf::bmf(&model))? + "\n";
            match out {
                Some(path) => std::fs::write(&path, text)?,
                None => print!("{text}"),
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Coverage { results } => {
            let runs = results.iter().map(|p| results::ResultsFile::load(p)).collect::<Result<Vec<_>>>()?;
            print!("{}", report::coverage::render(&results, &report::coverage::pairs(&runs)?));
            Ok(ExitCode::SUCCESS)
        }
        Command::History { results, out, config, alpha } => {
            if !(alpha > 0.0 && alpha < 1.0) {
                anyhow::bail!("--alpha must be between 0 and 1, got {alpha}");
            }
            let config = match &config {
                Some(p) => gate::config::GateConfig::load(p)?,
                None => gate::config::GateConfig::default(),
            };
            let h = report::history::analyze(&results, &|s, m| config.threshold(s, m), alpha)?;
            let index = report::history::write(&h, &out)?;
            let changes: usize = h.series.iter().map(|s| s.changes.len()).sum();
            eprintln!(
                "history: {} runs, {} figures, {changes} change(s); wrote {}",
                h.runs.len(),
                h.series.len(),
                out.join("changes.md").display()
            );
            println!("{}", index.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::Report { results, out, .. } => {
            let out = match out {
                Some(o) => o,
                None => {
                    let first = results::ResultsFile::load(&results[0])?;
                    PathBuf::from("reports").join(first.run_id)
                }
            };
            let written = report::write(&results, &out)?;
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
fn gate(args: GateArgs, subjects: &Subjects) -> ExitCode {
    match gate_inner(&args, subjects) {
        Ok(report) => {
            println!("{}", gate::render::table(&report, args.all));
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

fn gate_inner(args: &GateArgs, subjects: &Subjects) -> Result<gate::GateReport> {
    let config = match &args.config {
        Some(p) => gate::config::GateConfig::load(p)?,
        None => gate::config::GateConfig::default(),
    };
    let report = if args.paired {
        use crate::paired::Sides;
        let (baseline_module, candidate_module, sides) = match (args, &args.module) {
            (GateArgs { baseline_bin: Some(a), candidate_bin: Some(b), .. }, Some(m)) => {
                (m.clone(), m.clone(), Sides::Drivers([a.clone(), b.clone()]))
            }
            (GateArgs { baseline_engine: Some(a), candidate_engine: Some(b), .. }, Some(m)) => {
                (m.clone(), m.clone(), Sides::Engines([a.clone(), b.clone()]))
            }
            _ => match (&args.baseline_module, &args.candidate_module) {
                (Some(a), Some(b)) => (a.clone(), b.clone(), Sides::Modules),
                _ => anyhow::bail!(
                    "--paired needs --baseline-module and --candidate-module, or --module with --baseline-engine and \
                     --candidate-engine (or --baseline-bin and --candidate-bin)"
                ),
            },
        };
        let what = match (args.wasi, &args.export) {
            (true, _) => crate::paired::Guest::Wasi(args.command.spec()),
            (false, Some(export)) => crate::paired::Guest::Export(export.clone()),
            (false, None) => anyhow::bail!("--paired needs --export F (a function both modules export) or --wasi"),
        };
        let req = crate::paired::PairedRequest {
            baseline_module,
            candidate_module,
            sides,
            guest: what,
            args: args.args.clone(),
            engines: args.engines.clone(),
            rounds: match (args.rounds, args.measure) {
                (Some(r), Measure::Instructions) => r.max(2),
                (None, Measure::Instructions) => 3,
                (r, Measure::Time) => r.unwrap_or(20).max(4),
            },
            batch_ms: args.batch_ms.max(1),
            timeout: std::time::Duration::from_secs(600),
            options: EngineOptions::default(),
            instructions: args.measure == Measure::Instructions,
        };
        crate::paired::run(&req, &config, subjects)?
    } else {
        let (b, c) =
            (args.baseline.as_ref().expect("clap requires it"), args.candidate.as_ref().expect("clap requires it"));
        let base = results::ResultsFile::load(b)?;
        let cand = results::ResultsFile::load(c)?;
        let noise = args.noise.as_ref().map(|p| gate::noise::NoiseFile::load(p)).transpose()?;
        let names = (b.display().to_string(), c.display().to_string());
        let confirm = args
            .confirm
            .iter()
            .map(|p| Ok((p.display().to_string(), results::ResultsFile::load(p)?)))
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
fn calibrate(args: CalibrateArgs, subjects: &Subjects) -> Result<ExitCode> {
    let count = if args.from.is_empty() { args.runs } else { args.from.len() };
    if count < 2 {
        anyhow::bail!("calibrate needs at least 2 A/A runs (noise is the spread between runs)");
    }
    let mut runs = args.from.iter().map(|p| results::ResultsFile::load(p)).collect::<Result<Vec<_>>>()?;
    for i in 0..if args.from.is_empty() { args.runs } else { 0 } {
        eprintln!("calibrate: A/A run {} of {}", i + 1, args.runs);
        let summary = crate::run::run(
            &crate::run::RunRequest {
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
                options: EngineOptions::default(),
                memory_budget: None,
                shard: None,
                seed: None,
                threads: None,
            },
            subjects,
        )?;
        runs.push(summary.results);
    }
    let noise = gate::noise::NoiseFile::from_runs(&runs)?;
    noise.save(&args.out)?;
    let mut cells = noise.cells.clone();
    cells.sort_by(|a, b| b.noise.total_cmp(&a.noise));
    let mut t = results::format::new_table(vec!["noisiest cells".into(), "A/A noise".into()]);
    for c in cells.iter().take(10) {
        t.add_row(vec![c.key.to_string(), format!("{:.1}%", c.noise * 100.0)]);
    }
    println!("{t}");
    println!("{} cells calibrated over {} runs; noise file: {}", noise.cells.len(), runs.len(), args.out.display());
    Ok(ExitCode::SUCCESS)
}

fn run(args: RunArgs, subjects: &Subjects) -> Result<ExitCode> {
    let options = EngineOptions { compile_threads: args.compile_threads.max(1), ..Default::default() };
    let settings = |args: &RunArgs, options: &EngineOptions| crate::bring_your_own::ModuleSettings {
        engines: args.engines.clone(),
        profile: args.profile,
        out: args.out.clone(),
        results_dir: args.results_dir.clone(),
        timeout_s: args.timeout,
        options: options.clone(),
    };
    if let (Some(module), true) = (&args.module, args.wasi) {
        let settings = settings(&args, &options);
        let summary = crate::wasi_command::run(
            &crate::wasi_command::WasiCommandRequest {
                module: module.clone(),
                command: args.command.spec(),
                runs: args.runs,
                settings,
            },
            subjects,
        )?;
        crate::print::print_wasi_command(&summary);
        let ok = summary.disagreements.is_empty() && summary.failed_cells == 0;
        let agree = summary.results.scenarios.wasi_command.as_ref().is_some_and(|s| s.engines_agree);
        return Ok(if ok && agree { ExitCode::SUCCESS } else { ExitCode::from(3) });
    }
    if let (Some(module), Some(export)) = (&args.module, &args.export) {
        let summary = crate::bring_your_own::run(
            &crate::bring_your_own::ModuleRequest {
                module: module.clone(),
                export: export.clone(),
                args: args.args.clone(),
                settings: settings(&args, &options),
            },
            subjects,
        )?;
        let section = summary.results.scenarios.export_call.as_ref().expect("written by run");
        println!("{}", crate::bring_your_own::table(section));
        println!(
            "{}; results: {}",
            if summary.agree { "all engines that ran agree" } else { "ENGINES DISAGREE or none ran" },
            summary.path.display()
        );
        return Ok(if summary.agree && summary.failed_cells == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) });
    }
    let mut scenarios = args.scenarios;
    if args.measure == Measure::Instructions && !scenarios.iter().any(|s| s == "instructions") {
        scenarios.push("instructions".into());
    }
    let summary = crate::run::run(
        &crate::run::RunRequest {
            profile: args.profile,
            scenarios,
            time_budget_s: args.time_budget,
            engines: args.engines,
            workloads: args.workloads,
            sizes: args.sizes,
            corpus: args.corpus,
            out: args.out,
            results_dir: args.results_dir,
            timeout_s: args.timeout,
            options,
            memory_budget: args.memory_budget,
            shard: args.shard,
            seed: args.seed,
            threads: args.threads,
        },
        subjects,
    )?;
    crate::print::print_run(&summary);
    Ok(if summary.failed_cells == 0 { ExitCode::SUCCESS } else { ExitCode::from(3) })
}
