//! The `suite` scenario: the benchmarks of a suite in Sightglass's layout (`run --suite PATH`,
//! [`crate::suite`]) on every configuration with a WASI layer. Per cell (one benchmark on one
//! configuration): fresh driver processes, one after another, each running the benchmark
//! `runs` times from one compile, every run in a fresh copy of the benchmark's directory
//! preopened as `.`; every run's stdout and stderr must equal the suite's expected files, and a
//! benchmark that imports `bench.start`/`bench.end` must call each exactly once, in order (else
//! the cell fails). A configuration that lacks a proposal the module needs is unsupported.
//!
//! Figures: `bench` (the region between `bench.start` and `bench.end`: what Sightglass
//! reports; the whole `_start` for a module that marks no region), `compile`, `instantiate` and
//! `run`, each the geometric mean of the processes' medians with the Student t 95% interval
//! across processes (one process: its median, no interval). Processes are added until the
//! profile's count or its time cap (scaled with `--time-budget`), at least one.
//!
//! With `--measure instructions` ([`RunPlan::count_instructions`]) a cell counts instead of
//! timing: each process runs under Valgrind's callgrind, and each run's
//! region between `bench.start` and `bench.end` is counted
//! ([`crate::measurement::instructions::count_bench_regions`]); the figure `bench_instructions`
//! is taken across processes like the times. Outputs are checked as in a timed cell; a module
//! that marks no region, and a configuration the registry says cannot be counted, are
//! unsupported.
use crate::features::{features_to_build, needed_proposals, supported_by};
use crate::measurement::instructions::count_bench_regions;
use crate::programs::takes_part;
use crate::scenario::{
    Orchestrator, Outcome, PROCESS_MS, PlannedCell, RunPlan, Scenario, begin_generic, record_generic,
};
use crate::suite::{SuiteBenchmark, check_stream};
use crate::summary::View;
use crate::wasi_files::{PhasesNs, PreparedRuns, RunTemplate, digest_tree};
use anyhow::{Context, Result, anyhow, bail};
use results::format::fmt_ns;
use results::generic::Figure;
use results::plans::{Profile, ProfileName};
use results::{CellStatus, Features, ResultsFile, ids};
use serde::{Deserialize, Serialize};
use std::time::{Duration, Instant};

/// The `suite` scenario.
pub struct Suite;

const NAME: &str = ids::SUITE;

/// How a suite's cells are measured: processes per cell, runs per process, and the time cap
/// after which no further process is started.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SuitePlan {
    /// Fresh driver processes per cell (fewer when the cap is reached).
    pub processes: usize,
    /// Runs per process, all from one compile.
    pub runs: usize,
    /// No further process is started after this long.
    pub max_cell_ms: u64,
    /// Counted under Valgrind (`--measure instructions`), not timed.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub count_instructions: bool,
}

impl SuitePlan {
    /// The profile's plan, its cap scaled as the run's time budget scaled the profile's.
    pub fn of(profile: &Profile) -> SuitePlan {
        let (processes, runs, cap_ms) = match profile.name {
            ProfileName::Quick => (3, 3, 20_000),
            ProfileName::Full => (6, 5, 120_000),
        };
        let base = Profile::get(profile.name).throughput.max_cell_ms.max(1) as f64;
        let scale = (profile.throughput.max_cell_ms as f64 / base).min(1.0);
        SuitePlan {
            processes,
            runs,
            max_cell_ms: ((cap_ms as f64 * scale) as u64).max(1_000),
            count_instructions: false,
        }
    }

    /// The plan of a run: counted under Valgrind when it counts instructions, with fewer
    /// processes (counts repeat closely; a run under Valgrind is ~50 times slower) and a first
    /// run per process that is a figure of its own.
    pub fn of_run(run: &RunPlan) -> SuitePlan {
        let plan = SuitePlan::of(&run.profile);
        if !run.count_instructions {
            return plan;
        }
        let (processes, runs) = match run.profile.name {
            ProfileName::Quick => (2, 3),
            ProfileName::Full => (3, 4),
        };
        SuitePlan { processes, runs, count_instructions: true, ..plan }
    }
}

#[derive(Clone, Debug, Serialize, Deserialize)]
struct Cell {
    benchmark: SuiteBenchmark,
    plan: SuitePlan,
    /// Why this configuration cannot be counted (the registry's `no_instruction_counts`),
    /// when the plan counts.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    no_counts: Option<String>,
}

/// The measurement of one cell: every process's runs, or why the configuration cannot run it.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Measurement {
    /// The benchmark: its module, directory and expected outputs.
    pub benchmark: SuiteBenchmark,
    /// The module's sha256.
    pub module_sha256: String,
    /// The module's size.
    pub module_bytes: u64,
    /// The module imports `bench.start` and `bench.end`.
    pub marks_region: bool,
    /// Every process's runs' phases, in process order (timed cells).
    pub processes: Vec<Vec<PhasesNs>>,
    /// Every process's runs' instructions between `bench.start` and `bench.end`, in process
    /// order (counted cells).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub instructions: Vec<Vec<f64>>,
    /// The Valgrind command the counted processes ran under.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub valgrind: Vec<String>,
    /// The proposals the configuration lacks, when it cannot run the module.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unsupported: Option<String>,
}

impl Scenario for Suite {
    fn name(&self) -> &'static str {
        NAME
    }

    fn about(&self) -> &'static str {
        "a benchmark suite in Sightglass's layout (run --suite PATH): the region between bench.start and bench.end, compile, instantiate, each run's output checked against the suite's expected files"
    }

    fn default_on(&self) -> bool {
        false
    }

    fn begin(&self, results: &mut ResultsFile, run: &RunPlan) {
        if run.is_selected(NAME) && !run.suite.is_empty() {
            let names: Vec<&str> = run.suite.iter().map(|b| b.name.as_str()).collect();
            begin_generic(results, NAME, serde_json::json!({ "plan": SuitePlan::of_run(run), "benchmarks": names }));
        }
    }

    fn plan(&self, run: &RunPlan) -> Result<Vec<PlannedCell>> {
        if !run.is_selected(NAME) {
            return Ok(vec![]);
        }
        let plan = SuitePlan::of_run(run);
        let mut cells = Vec::new();
        for benchmark in run.suite {
            for s in &run.subjects {
                // The native baseline has no twin of a suite's benchmark.
                if takes_part(s) != Some(false) {
                    continue;
                }
                let no_counts = match plan.count_instructions {
                    true => s.capabilities.as_ref().and_then(|c| c.no_instruction_counts.clone()),
                    false => None,
                };
                let cell = Cell { benchmark: benchmark.clone(), plan: plan.clone(), no_counts };
                let label = format!("{NAME} {} on {}", benchmark.name, s.id);
                let process_ms = if plan.count_instructions { PROCESS_MS * 10 } else { PROCESS_MS };
                let estimate = plan.max_cell_ms + process_ms * plan.processes as u64;
                let mut planned = PlannedCell::new(NAME, label, &s.id, run.options, estimate, &cell)?;
                planned.place = crate::scenario::Place::Orchestrator;
                cells.push(planned);
            }
        }
        Ok(cells)
    }

    fn measure(&self, _ctx: &crate::scenario::DriverCell, _cell: &serde_json::Value) -> Result<serde_json::Value> {
        bail!("{NAME} runs its benchmarks from the orchestrator")
    }

    fn measure_here(&self, planned: &PlannedCell, orch: &dyn Orchestrator) -> Result<serde_json::Value> {
        let Cell { benchmark: b, plan, no_counts } = planned.cell()?;
        let wasm = std::fs::read(&b.wasm).with_context(|| format!("reading {}", b.wasm.display()))?;
        let marks_region = b.refused.is_none() && marks_region(&wasm)?;
        let counting_refused = match (plan.count_instructions, no_counts) {
            (true, Some(why)) => Some(format!("no instruction counts: {why}")),
            (true, None) if !marks_region => {
                Some("no instruction counts: the module marks no bench.start/bench.end region".into())
            }
            _ => None,
        };
        let mut m = Measurement {
            module_sha256: results::manifest::sha256_hex(&wasm),
            module_bytes: wasm.len() as u64,
            benchmark: b.clone(),
            marks_region,
            processes: Vec::new(),
            instructions: Vec::new(),
            valgrind: Vec::new(),
            unsupported: b.refused.clone().or(counting_refused),
        };
        if m.unsupported.is_some() {
            return Ok(serde_json::to_value(m)?);
        }
        let features = match proposals(orch, &planned.subject, &wasm)? {
            Ok(f) => f,
            Err(why) => {
                m.unsupported = Some(format!("needs {why}"));
                return Ok(serde_json::to_value(m)?);
            }
        };
        let base = orch.scratch().join(format!("{NAME}-{}-{}", b.name, planned.subject.replace(['@', '/'], "_")));
        let before = digest_tree(&b.dir)?;
        let program = b.wasm.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let template = RunTemplate::one_dir(&program, Some(&b.dir), ".", &before);
        let timeout = orch.timeout() + Duration::from_secs(4 * (wasm.len() as u64).div_ceil(1 << 20));
        let started = Instant::now();
        // Processes so far, timed or counted.
        let done = |m: &Measurement| m.processes.len() + m.instructions.len();
        while done(&m) < plan.processes
            && (done(&m) == 0 || started.elapsed() < Duration::from_millis(plan.max_cell_ms))
        {
            let p = done(&m) + 1;
            let runs = plan.runs.max(1);
            let prepared = PreparedRuns::new(&base, &template, vec![Vec::new(); runs])?;
            if plan.count_instructions {
                let dir = base.with_extension("callgrind");
                // One dump per run is read (a missing one is an error); the runs are checked.
                let (regions, valgrind, _) = count_bench_regions(&dir, runs, |wrapper| {
                    let observed =
                        prepared.run_wasm_under(orch, &planned.subject, &b.wasm, &features, wrapper, timeout * 20)?;
                    checked(&b, marks_region, p, &observed)
                })
                .with_context(|| format!("process {p}"))?;
                m.instructions.push(regions);
                m.valgrind = valgrind;
            } else {
                let observed = prepared
                    .run_wasm(orch, &planned.subject, &b.wasm, &features, timeout)
                    .with_context(|| format!("process {p}"))?;
                m.processes.push(checked(&b, marks_region, p, &observed)?);
            }
            let _ = std::fs::remove_dir_all(&base);
        }
        Ok(serde_json::to_value(m)?)
    }

    fn record(&self, results: &mut ResultsFile, cell: &PlannedCell, outcome: Outcome) -> (CellStatus, String) {
        let benchmark = cell.cell::<Cell>().map(|c| c.benchmark.name).unwrap_or_default();
        let outcome = match outcome {
            Outcome::Done { output, wall_ms } => match serde_json::from_value::<Measurement>(output.clone()) {
                Ok(Measurement { unsupported: Some(why), .. }) => Outcome::Unsupported(why),
                _ => Outcome::Done { output, wall_ms },
            },
            other => other,
        };
        record_generic(results, NAME, cell, &benchmark, None, outcome, |m: &Measurement| figures(m))
    }

    fn summarize(&self, _results: &ResultsFile, view: &View) -> Vec<String> {
        if view.engines_in(NAME).is_empty() {
            return vec![];
        }
        if view.has_metric(NAME, ids::SUITE_BENCH_INSTRUCTIONS) {
            let counted =
                view.matrix(NAME, ids::SUITE_BENCH_INSTRUCTIONS, |c| results::format::fmt_instructions(c.value));
            return vec![format!(
                "Suite (Sightglass's protocol): instructions from bench.start to bench.end (callgrind), geometric mean over processes, every run's output checked:\n{counted}"
            )];
        }
        let bench = view.matrix(NAME, "bench", |c| fmt_ns(c.value));
        vec![format!(
            "Suite (Sightglass's protocol): bench.start to bench.end, geometric mean over processes, every run's output checked:\n{bench}"
        )]
    }
}

/// The phases of one process's runs, after checking each run's exit code and outputs against
/// the benchmark's expected files, and that a module marking a region called both marks.
fn checked(
    b: &SuiteBenchmark,
    marks_region: bool,
    p: usize,
    observed: &[(results::wasi_command::Observed, Option<PhasesNs>)],
) -> Result<Vec<PhasesNs>> {
    let mut runs = Vec::new();
    for (i, (o, phases)) in observed.iter().enumerate() {
        let what = format!("process {p}, run {}", i + 1);
        if o.exit_code != 0 {
            bail!("{what}: exit code {} (stderr: {})", o.exit_code, o.stderr.head.join(" / "));
        }
        if let Some(expected) = &b.stdout_expected {
            check_stream("stdout", &o.stdout, expected).with_context(|| what.clone())?;
        }
        if let Some(expected) = &b.stderr_expected {
            check_stream("stderr", &o.stderr, expected).with_context(|| what.clone())?;
        }
        let phases = (*phases).ok_or_else(|| anyhow!("{what}: no timings"))?;
        if marks_region && phases.bench.is_none() {
            bail!("{what}: the benchmark returned without calling bench.start and bench.end");
        }
        runs.push(phases);
    }
    Ok(runs)
}

/// Whether the module imports Sightglass's `bench.start` or `bench.end`.
fn marks_region(wasm: &[u8]) -> Result<bool> {
    for payload in wasmparser::Parser::new(0).parse_all(wasm) {
        if let wasmparser::Payload::ImportSection(section) = payload.context("reading the module's imports")? {
            for import in section.into_imports() {
                if import?.module == crate::wasi::BENCH_MODULE {
                    return Ok(true);
                }
            }
        }
    }
    Ok(false)
}

/// The proposals to build `subject` with for `wasm`, after asking its driver what it supports;
/// `Err(why)` when it lacks one the module needs.
fn proposals(orch: &dyn Orchestrator, subject: &str, wasm: &[u8]) -> Result<std::result::Result<Features, String>> {
    let supported = supported_by(subject, |ask| orch.call(subject, ask, Duration::from_secs(120)))?;
    Ok(features_to_build(wasm, &needed_proposals(wasm), &supported))
}

/// One figure over the processes: the geometric mean of their medians with the t interval
/// across them (one process: its median, no interval); the samples are the processes' medians.
fn across(metric: &str, groups: &[Vec<f64>], note: &str) -> Option<Figure> {
    across_in(metric, "ns", groups, note)
}

/// [`across`] in `unit`.
fn across_in(metric: &str, unit: &str, groups: &[Vec<f64>], note: &str) -> Option<Figure> {
    let groups: Vec<&[f64]> = groups.iter().map(Vec::as_slice).filter(|g| !g.is_empty()).collect();
    let medians: Vec<f64> = groups.iter().map(|g| stats::median(g)).collect();
    let (value, ci95) = match stats::levels::across_processes(&groups) {
        Some(l) => (l.estimate.value, Some((l.estimate.ci95_low, l.estimate.ci95_high))),
        None => (*medians.first()?, None),
    };
    let runs: usize = groups.iter().map(|g| g.len()).sum();
    Some(Figure {
        metric: metric.into(),
        unit: unit.into(),
        value,
        ci95,
        n: Some(groups.len()),
        samples: medians,
        note: format!("{note}; {} process(es), {runs} run(s)", groups.len()),
        bytes: None,
    })
}

/// The figure of a counted cell's first run in each process: it also counts what the runtime
/// does the first time a guest calls in and out (on Sightglass's noop, about a million
/// instructions more than the runs after it).
const BENCH_INSTRUCTIONS_FIRST: &str = "bench_instructions_first";

/// Each process's values after its first (all of them when it has one).
fn after_the_first(groups: &[Vec<f64>]) -> Vec<Vec<f64>> {
    groups.iter().map(|g| if g.len() > 1 { g[1..].to_vec() } else { g.clone() }).collect()
}

/// Each process's first value (a figure taken once per process).
fn first_of_each(groups: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    groups.into_iter().map(|g| g.into_iter().take(1).collect()).collect()
}

/// The figures of a cell: `bench`, `compile` (one per process), `instantiate` and `run`.
fn figures(m: &Measurement) -> Vec<Figure> {
    let of = |f: &dyn Fn(&PhasesNs) -> Option<u64>| -> Vec<Vec<f64>> {
        m.processes.iter().map(|runs| runs.iter().filter_map(|r| f(r).map(|v| v as f64)).collect()).collect()
    };
    let bench_note = if m.marks_region {
        "bench.start to bench.end (Sightglass's figure)"
    } else {
        "no bench.start/bench.end in the module: the whole _start"
    };
    let bench = if m.marks_region { of(&|r| r.bench) } else { of(&|r| Some(r.run)) };
    [
        across("bench", &bench, bench_note),
        across("compile", &first_of_each(of(&|r| Some(r.compile))), "one compile per process"),
        across("instantiate", &of(&|r| Some(r.instantiate)), "a fresh WASI context and instance"),
        across("run", &of(&|r| Some(r.run)), "the whole _start"),
        across_in(
            ids::SUITE_BENCH_INSTRUCTIONS,
            "instructions",
            &after_the_first(&m.instructions),
            "instructions from bench.start to bench.end, counted by callgrind, each process's runs after its first",
        ),
        across_in(
            BENCH_INSTRUCTIONS_FIRST,
            "instructions",
            &first_of_each(m.instructions.clone()),
            "instructions from bench.start to bench.end in each process's first run (first-use costs included)",
        ),
    ]
    .into_iter()
    .flatten()
    .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn benchmark() -> SuiteBenchmark {
        SuiteBenchmark {
            name: "b".into(),
            wasm: "/b/benchmark.wasm".into(),
            dir: "/b".into(),
            stdout_expected: None,
            stderr_expected: None,
            refused: None,
        }
    }

    fn phases(bench: u64) -> PhasesNs {
        PhasesNs { compile: 1000, artifact_load: None, instantiate: 50, run: bench + 10, bench: Some(bench) }
    }

    #[test]
    fn figures_are_taken_across_processes_with_an_interval() {
        let m = Measurement {
            benchmark: benchmark(),
            module_sha256: String::new(),
            module_bytes: 10,
            marks_region: true,
            processes: vec![vec![phases(100), phases(110)], vec![phases(120), phases(120)], vec![phases(90)]],
            instructions: vec![],
            valgrind: vec![],
            unsupported: None,
        };
        let f = figures(&m);
        let bench = f.iter().find(|f| f.metric == "bench").unwrap();
        assert_eq!(bench.samples, vec![105.0, 120.0, 90.0]);
        assert_eq!(bench.n, Some(3));
        let (lo, hi) = bench.ci95.unwrap();
        assert!(lo < bench.value && bench.value < hi && lo < 105.0 && hi > 105.0, "{bench:?}");
        assert!(bench.note.contains("3 process(es), 5 run(s)"), "{}", bench.note);
        let compile = f.iter().find(|f| f.metric == "compile").unwrap();
        assert_eq!(compile.samples, vec![1000.0; 3]);
    }

    #[test]
    fn one_process_gives_its_median_and_no_interval() {
        let m = Measurement {
            benchmark: benchmark(),
            module_sha256: String::new(),
            module_bytes: 10,
            marks_region: false,
            processes: vec![vec![phases(100), phases(300), phases(200)]],
            instructions: vec![],
            valgrind: vec![],
            unsupported: None,
        };
        let bench = figures(&m).into_iter().find(|f| f.metric == "bench").unwrap();
        assert_eq!((bench.value, bench.ci95), (210.0, None));
        assert!(bench.note.contains("the whole _start"));
    }

    #[test]
    fn a_module_marks_a_region_when_it_imports_bench() {
        let marked = wat::parse_str(r#"(module (import "bench" "start" (func)) (func (export "_start")))"#).unwrap();
        let plain = wat::parse_str(r#"(module (func (export "_start")))"#).unwrap();
        assert!(marks_region(&marked).unwrap());
        assert!(!marks_region(&plain).unwrap());
    }

    #[test]
    fn the_time_cap_follows_the_budget_scaling() {
        let quick = Profile::get(ProfileName::Quick);
        assert_eq!(SuitePlan::of(&quick).max_cell_ms, 20_000);
        let half = SuitePlan::of(&quick.scaled(0.5)).max_cell_ms;
        assert!((9_900..=10_100).contains(&half), "{half}");
        assert_eq!(SuitePlan::of(&quick.scaled(0.001)).max_cell_ms, 1_000);
    }
}
