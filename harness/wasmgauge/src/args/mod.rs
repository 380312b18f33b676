//! The command line's arguments: the clap definitions of every command, the parsers of their
//! values, and the conversions from arguments into the requests the library modules take
//! ([`crate::run::RunRequest`], the bring-your-own and WASI-command settings, the paired gate's
//! request with its defaults). What a command does is [`crate::commands`]'.
pub mod conform;

use crate::paired::{Guest, PairedRequest, Sides};
use anyhow::{Result, bail};
use clap::builder::{PossibleValue, PossibleValuesParser};
use clap::{Args, Parser, Subcommand};
use results::ids;
use results::plans::ProfileName;
use results::{EngineOptions, Size};
use std::path::PathBuf;
use std::time::Duration;

#[derive(Parser, Debug)]
#[command(
    name = "wasmgauge",
    version,
    about = "Benchmark and check server-side WebAssembly runtimes against native code",
    long_about = "wasmgauge builds a corpus of guest workloads, runs each on every WebAssembly runtime \
configuration of the subject registry (`wasmgauge engines`: Wasmtime 48 and its 36 LTS line, Wasmer, wasmi, \
Wasm3, WAMR, tinywasm, V8) and two baselines (native in-process, native subprocess), each cell in a fresh process of the runtime's own \
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
    /// Print the driver folders (under harness/drivers/) that build the given engines (all when none).
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
comment), results.csv (one row per run, workload, engine, scenario and metric, with its 95% interval), \
features.json (the feature table, in the layout of webassembly.org/features, where a file has `conform features` or \
spec results) and copies of the raw JSON the page links to. Several files render side by side (R1, R2, ...), e.g. two \
machines or before/after. Reads result files only; it never runs a benchmark.")]
    Report {
        /// Results files written by `wasmgauge run` or `conform` (every readable schema version, 1 to 14).
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
    Conform(conform::ConformCommand),
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
    /// Paired: compare two builds of one driver executable (e.g. harness/drivers/wasmtime built against
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
#[command(group(clap::ArgGroup::new("component_mode").args(["invoke", "wasi"])))]
#[command(group(clap::ArgGroup::new("brought").args(["module", "component"])))]
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
    /// on shared runners). With --suite, each benchmark's instructions from bench.start to
    /// bench.end are counted instead of timed (`--scenarios suite` for the suite alone).
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
    #[arg(long, requires = "module_mode", conflicts_with = "component")]
    pub module: Option<PathBuf>,
    /// Bring your own component (binary or text): with --invoke, call one of its functions on
    /// every component host (see `wasmgauge engines`: components), each in a fresh driver
    /// process, and compare the results (exit 3 when the hosts disagree); with --wasi, run it
    /// as a `wasi:cli/run` command (WASI 0.2) on every component host, as --module --wasi does.
    #[arg(long, requires = "component_mode")]
    pub component: Option<PathBuf>,
    /// With --component: the call, in WAVE (the WebAssembly value encoding `wasmtime run
    /// --invoke` uses): `name(arg, ...)`, e.g. 'swap-case("Hi")' or 'mirror({x: 1.0, y: 2.0,
    /// label: "p"})'; the name is a function's, plain when one export has it, else
    /// `interface#name`.
    #[arg(long, requires = "component")]
    pub invoke: Option<String>,
    /// With --module: the exported function to call.
    #[arg(long, requires = "module")]
    pub export: Option<String>,
    /// With --module: one argument per parameter, in order (repeat the flag).
    #[arg(long = "arg", allow_hyphen_values = true, requires = "module")]
    pub args: Vec<String>,
    /// With --module: run it as a WASI preview 1 command (its `_start`) on every configuration
    /// with a WASI layer, --runs times each, and check they agree on exit code, stdout and the
    /// files written in granted directories (exit 3 when they do not). With --component: run a
    /// `wasi:cli/run` command component (WASI 0.2) the same way on every component host.
    /// Arguments after `--`.
    #[arg(long, requires = "brought")]
    pub wasi: bool,
    #[command(flatten)]
    pub command: WasiCommandArgs,
    /// With --wasi: timed runs per configuration (phases: median with a 95% interval).
    #[arg(long, default_value_t = 5, requires = "wasi")]
    pub runs: usize,
    /// A benchmark suite in Sightglass's layout: a `.suite` file (one path per line, relative
    /// to it; `#` comments), a directory (every .wasm under it) or one .wasm. Each benchmark (a
    /// WASI command that may import `bench.start` and `bench.end`) runs on every configuration
    /// with a WASI layer in fresh driver processes, its directory preopened as `.`, its stdout
    /// and stderr checked against `<name>.stdout.expected` / `.stderr.expected`; the figure is
    /// the time from bench.start to bench.end. It runs beside the default scenarios, in the
    /// same results file (`--scenarios suite` for the suite alone).
    #[arg(long, value_name = "PATH", conflicts_with_all = ["module", "component"])]
    pub suite: Option<PathBuf>,
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
    #[arg(long = "dir", value_name = "HOST[::GUEST]", value_parser = parse_dir, requires = "wasi")]
    pub dirs: Vec<results::wasi_command::GrantedDir>,
    /// With --wasi: an environment variable for the guest. Repeatable.
    #[arg(long = "env", value_name = "NAME=VALUE", value_parser = parse_env, requires = "wasi")]
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

/// `--dir HOST[::GUEST]`: the guest sees HOST under GUEST (default: HOST as written).
pub fn parse_dir(s: &str) -> Result<results::wasi_command::GrantedDir, String> {
    let (host, guest) = match s.split_once("::") {
        Some((h, g)) => (h, g),
        None => (s, s),
    };
    if host.is_empty() || guest.is_empty() {
        return Err(format!("`{s}` is not a directory grant: use HOST or HOST::GUEST, e.g. ./data::/data"));
    }
    Ok(results::wasi_command::GrantedDir { host: host.into(), guest: guest.into() })
}

/// `--env K=V`.
pub fn parse_env(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.is_empty() => Ok((k.into(), v.into())),
        _ => Err(format!("`{s}` is not an environment variable: use NAME=VALUE")),
    }
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

/// The paired gate's defaults: ABBA rounds of timed batches per measurement, the fewest it
/// takes, fresh counting processes per side with `--measure instructions` (counts repeat to
/// within 0.1%), the fewest of those, and how long one side's driver may take.
pub const PAIRED_TIME_ROUNDS: usize = 20;
pub const PAIRED_MIN_TIME_ROUNDS: usize = 4;
pub const PAIRED_INSTRUCTION_ROUNDS: usize = 3;
pub const PAIRED_MIN_INSTRUCTION_ROUNDS: usize = 2;
pub const PAIRED_TIMEOUT: Duration = Duration::from_secs(600);

impl GateArgs {
    /// The paired gate's request: which two sides (modules, engines or driver builds), what
    /// guest call, and the rounds (`--rounds`, else the defaults above).
    pub fn paired_request(&self) -> Result<PairedRequest> {
        let (baseline_module, candidate_module, sides) = match (self, &self.module) {
            (GateArgs { baseline_bin: Some(a), candidate_bin: Some(b), .. }, Some(m)) => {
                (m.clone(), m.clone(), Sides::Drivers([a.clone(), b.clone()]))
            }
            (GateArgs { baseline_engine: Some(a), candidate_engine: Some(b), .. }, Some(m)) => {
                (m.clone(), m.clone(), Sides::Engines([a.clone(), b.clone()]))
            }
            _ => match (&self.baseline_module, &self.candidate_module) {
                (Some(a), Some(b)) => (a.clone(), b.clone(), Sides::Modules),
                _ => bail!(
                    "--paired needs --baseline-module and --candidate-module, or --module with --baseline-engine and \
                     --candidate-engine (or --baseline-bin and --candidate-bin)"
                ),
            },
        };
        let guest = match (self.wasi, &self.export) {
            (true, _) => Guest::Wasi(self.command.spec()),
            (false, Some(export)) => Guest::Export(export.clone()),
            (false, None) => bail!("--paired needs --export F (a function both modules export) or --wasi"),
        };
        let rounds = match (self.rounds, self.measure) {
            (Some(r), Measure::Instructions) => r.max(PAIRED_MIN_INSTRUCTION_ROUNDS),
            (None, Measure::Instructions) => PAIRED_INSTRUCTION_ROUNDS,
            (r, Measure::Time) => r.unwrap_or(PAIRED_TIME_ROUNDS).max(PAIRED_MIN_TIME_ROUNDS),
        };
        Ok(PairedRequest {
            baseline_module,
            candidate_module,
            sides,
            guest,
            args: self.args.clone(),
            engines: self.engines.clone(),
            rounds,
            batch_ms: self.batch_ms.max(1),
            timeout: PAIRED_TIMEOUT,
            options: EngineOptions::default(),
            instructions: self.measure == Measure::Instructions,
        })
    }
}

impl From<&CalibrateArgs> for crate::run::RunRequest {
    /// One A/A run of `calibrate`: the profile, scenarios, engines and workloads it names, every
    /// other option at its default.
    fn from(a: &CalibrateArgs) -> Self {
        crate::run::RunRequest {
            profile: a.profile,
            scenarios: a.scenarios.clone(),
            time_budget_s: a.time_budget,
            engines: a.engines.clone(),
            workloads: a.workloads.clone(),
            sizes: vec![],
            corpus: a.corpus.clone(),
            out: None,
            results_dir: a.results_dir.clone(),
            timeout_s: None,
            options: EngineOptions::default(),
            memory_budget: None,
            shard: None,
            seed: None,
            threads: None,
            suite: None,
            count_instructions: false,
        }
    }
}

impl RunArgs {
    /// The engine options the run's flags set.
    pub fn options(&self) -> EngineOptions {
        EngineOptions { compile_threads: self.compile_threads.max(1), ..Default::default() }
    }

    /// The scenarios asked for: `--measure instructions` adds the `instructions` scenario
    /// (unless `--scenarios suite` names the suite alone, which then counts), `--suite` the
    /// `suite` scenario (beside the default ones when none is named).
    pub fn scenarios(&self) -> Vec<String> {
        let mut scenarios = self.scenarios.clone();
        let suite_alone = scenarios.len() == 1 && scenarios[0] == ids::SUITE;
        if self.measure == Measure::Instructions && !suite_alone && !scenarios.iter().any(|s| s == ids::INSTRUCTIONS) {
            scenarios.push(ids::INSTRUCTIONS.into());
        }
        if self.suite.is_some() && !scenarios.iter().any(|s| s == ids::SUITE) {
            if scenarios.is_empty() {
                scenarios = measure::scenarios::defaults().into_iter().map(String::from).collect();
            }
            scenarios.push(ids::SUITE.into());
        }
        scenarios
    }
}

impl From<&RunArgs> for crate::run::RunRequest {
    fn from(a: &RunArgs) -> Self {
        crate::run::RunRequest {
            profile: a.profile,
            scenarios: a.scenarios(),
            time_budget_s: a.time_budget,
            engines: a.engines.clone(),
            workloads: a.workloads.clone(),
            sizes: a.sizes.clone(),
            corpus: a.corpus.clone(),
            out: a.out.clone(),
            results_dir: a.results_dir.clone(),
            timeout_s: a.timeout,
            options: a.options(),
            memory_budget: a.memory_budget,
            shard: a.shard,
            seed: a.seed,
            threads: a.threads.clone(),
            suite: a.suite.clone(),
            count_instructions: a.measure == Measure::Instructions,
        }
    }
}

impl From<&RunArgs> for crate::bring_your_own::ModuleSettings {
    fn from(a: &RunArgs) -> Self {
        crate::bring_your_own::ModuleSettings {
            engines: a.engines.clone(),
            profile: a.profile,
            out: a.out.clone(),
            results_dir: a.results_dir.clone(),
            timeout_s: a.timeout,
            options: a.options(),
        }
    }
}
