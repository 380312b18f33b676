//! The one flattening of a results file: every figure as a flat [`Cell`] (scenario, workload,
//! engine, metric, unit, value, interval, n), with the samples behind it where a gate may
//! compare them, and every cell that produced no figure as a [`Problem`]
//! ([`crate::file::ResultsFile::flatten`]). The gate, merge, the
//! report (HTML, Markdown, CSV, BMF) and the terminal tables all read this list, so they cannot
//! disagree on what a file says.
use crate::manifest::CorpusRecord;
use crate::measurements::{ProcessPath, ProcessRun, ThroughputMeasurement};
use crate::values::{CellStatus, Size};
use stats::Estimate;

/// Label of the corpus-wide geometric mean rows.
pub const GEOMEAN: &str = "corpus geomean";

/// Display names of the cold-start phases, in the order of
/// [`crate::measurements::ColdStartMeasurement::phases`].
pub const COLD_START_PHASE_NAMES: &[(&str, &str)] = &[
    ("compile", "compile"),
    ("deserialize", "deserialize artifact"),
    ("instantiate", "instantiate"),
    ("first_call", "first call"),
    ("steady_call", "steady call"),
    ("spawn", "spawn process"),
    ("end_to_end", "bytes to answer"),
    ("end_to_end_from_artifact", "artifact to answer"),
];

/// Cold-start phases that only give context (one untimed-warm call, a median of a handful, the
/// subprocess spawn): shown everywhere, not judged by a gate.
pub const CONTEXT_PHASES: &[&str] = &["first_call", "steady_call", "spawn"];

/// Latency quantiles recorded per cell, in order.
pub const LATENCY_QUANTILES: &[&str] = &["p50", "p90", "p99", "p99.9", "max"];

/// One figure of a results file.
#[derive(Clone, Debug, PartialEq)]
pub struct Cell {
    /// `throughput`, `cold-start`, `process-start`, `call-overhead`, `latency`, `memory`,
    /// `density`, `concurrency`, `sandbox-tax`, `export-call`, or a registered scenario's name.
    pub scenario: String,
    /// Workload and size (`sha256/small`), a call-overhead benchmark (`empty typed`), an export,
    /// or [`GEOMEAN`] for means over the corpus.
    pub workload: String,
    /// The configuration.
    pub engine: String,
    /// What it measures (`time_per_call`, `p99`).
    pub metric: String,
    /// Its unit (`ns`, `x`, `bytes`).
    pub unit: String,
    /// Its value.
    pub value: f64,
    /// Bootstrap 95% interval, where the figure has one.
    pub ci95: Option<(f64, f64)>,
    /// Samples (or workloads, for geomeans) behind the figure.
    pub n: Option<usize>,
    /// Payload of a data-transfer benchmark.
    pub payload_bytes: Option<u64>,
    /// Free-form qualifier (process-start path, latency unit, density stop reason).
    pub note: String,
    /// The samples the figure was computed from, when they are in the file.
    pub samples: Option<Vec<f64>>,
    /// Whether a regression gate judges this figure between runs (it has samples and is not
    /// only context).
    pub gated: bool,
    /// sha256 of every guest module the figure depends on (a gate compares only equal bytes).
    pub modules: Vec<String>,
    /// The samples' full summary (spread, outliers), where the file has one.
    pub summary: Option<stats::Summary>,
    /// Schema 9: what a figure measured in several worker processes adds.
    pub across: Option<Across>,
    /// Why this figure is beyond what the machine can do ([`crate::plausibility`]), if it is.
    pub implausible: Option<String>,
}

/// A figure measured in several worker processes (schema 9).
#[derive(Clone, Debug, PartialEq)]
pub struct Across {
    /// Each process's median of its kept samples (the gate compares these).
    pub process_medians: Vec<f64>,
    /// Share of the variance between processes rather than within one.
    pub between_share: f64,
    /// Processes that slowed down or never reached a steady state (kept, flagged).
    pub unsteady: usize,
}

impl Cell {
    /// The figure with its interval (a point interval where it has none).
    pub fn estimate(&self) -> Estimate {
        let (lo, hi) = self.ci95.unwrap_or((self.value, self.value));
        Estimate { value: self.value, ci95_low: lo, ci95_high: hi }
    }

    /// `scenario workload on engine (metric)`: how the gate and messages name a cell.
    pub fn key_text(&self) -> String {
        format!("{} {} on {} ({})", self.scenario, self.workload, self.engine, self.metric)
    }
}

/// A cell that did not produce a figure, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    /// The scenario.
    pub scenario: String,
    /// The workload (and size) or benchmark.
    pub workload: String,
    /// The configuration.
    pub engine: String,
    /// `failed`, `skipped` or `unsupported`.
    pub status: &'static str,
    /// Why.
    pub message: String,
}

/// `(low, high)` when it has a width, else no interval.
pub fn interval(low: f64, high: f64) -> Option<(f64, f64)> {
    (high > low).then_some((low, high))
}

/// `sha256/small`, or the bare name for guests without sizes.
pub fn size_key(workload: &str, size: Option<Size>) -> String {
    match size {
        Some(s) => format!("{workload}/{}", s.name()),
        None => workload.to_string(),
    }
}

/// How a status is written.
pub fn status_name(s: CellStatus) -> &'static str {
    match s {
        CellStatus::Ok => "ok",
        CellStatus::Failed => "failed",
        CellStatus::Skipped => "skipped",
        CellStatus::Unsupported => "unsupported",
    }
}

/// How a process cold start reached its answer, in words.
pub fn path_name(p: ProcessPath) -> &'static str {
    match p {
        ProcessPath::Artifact => "from artifact",
        ProcessPath::Compile => "compiling",
        ProcessPath::Native => "native",
    }
}

/// `3 processes, 40% of the variance between them; slowdown: 1`: what a figure measured in
/// several processes adds, in words.
pub fn processes_note(processes: &[ProcessRun], levels: &stats::levels::Levels) -> String {
    let mut note =
        format!("{} processes, {:.0}% of the variance between them", processes.len(), levels.between_share * 100.0);
    let warmed = processes.iter().filter(|p| p.steady.class == stats::steady::SteadyState::WarmUp).count();
    if warmed > 0 {
        note.push_str(&format!("; warm-up dropped in {warmed}"));
    }
    for class in [stats::steady::SteadyState::Slowdown, stats::steady::SteadyState::NoSteadyState] {
        let k = processes.iter().filter(|p| p.steady.class == class).count();
        if k > 0 {
            note.push_str(&format!("; {}: {k}", class.name()));
        }
    }
    note
}

/// Marks a figure as measured across `processes`, saying so in its note.
pub fn set_across(cell: &mut Cell, processes: &[ProcessRun], levels: &stats::levels::Levels) {
    cell.note = processes_note(processes, levels);
    // The interval is made from the processes: `n` counts them, not the pooled samples.
    cell.n = Some(processes.len());
    cell.across = Some(Across {
        process_medians: processes.iter().map(|p| p.median_ns_per_call).collect(),
        between_share: levels.between_share,
        unsteady: processes.iter().filter(|p| p.steady.class.flagged()).count(),
    });
}

/// The flattening under way: what the sections' figures need of their file (its corpus, for the
/// guest bytes behind a figure; its native baseline, for old files' ratios), and the figures
/// and problems so far. Each section adds its own through these helpers
/// ([`crate::file::ResultsFile::flatten`] runs them all).
pub struct Flat<'a> {
    corpus: Option<&'a CorpusRecord>,
    /// The id of the file's in-process native baseline, if it has one.
    pub native: Option<&'a str>,
    cells: Vec<Cell>,
    problems: Vec<Problem>,
}

impl<'a> Flat<'a> {
    /// An empty flattening of a file with this corpus and native baseline.
    pub fn new(corpus: Option<&'a CorpusRecord>, native: Option<&'a str>) -> Flat<'a> {
        Flat { corpus, native, cells: Vec::new(), problems: Vec::new() }
    }

    /// The figures and problems it gathered.
    pub fn finish(self) -> (Vec<Cell>, Vec<Problem>) {
        (self.cells, self.problems)
    }
}

impl Flat<'_> {
    /// The sha256 of corpus module `name`, as the gate compares them.
    pub fn sha(&self, name: &str) -> Vec<String> {
        self.corpus.and_then(|c| c.modules.get(name)).map(|s| vec![s.clone()]).unwrap_or_default()
    }

    /// A figure with its interval (none when the interval has no width: one measurement, or
    /// samples all equal, is not a precision anybody measured).
    #[allow(clippy::too_many_arguments)]
    pub fn push(
        &mut self,
        scenario: &str,
        workload: &str,
        engine: &str,
        metric: &str,
        unit: &str,
        est: Estimate,
        n: Option<usize>,
    ) -> &mut Cell {
        self.cells.push(Cell {
            scenario: scenario.into(),
            workload: workload.into(),
            engine: engine.into(),
            metric: metric.into(),
            unit: unit.into(),
            value: est.value,
            ci95: interval(est.ci95_low, est.ci95_high),
            n,
            payload_bytes: None,
            note: String::new(),
            samples: None,
            gated: false,
            modules: Vec::new(),
            summary: None,
            across: None,
            implausible: None,
        });
        self.cells.last_mut().expect("just pushed")
    }

    /// A figure without an interval (a count, a size, a rate from one run).
    pub fn point(
        &mut self,
        scenario: &str,
        workload: &str,
        engine: &str,
        metric: &str,
        unit: &str,
        v: f64,
    ) -> &mut Cell {
        let est = Estimate { value: v, ci95_low: v, ci95_high: v };
        let c = self.push(scenario, workload, engine, metric, unit, est, None);
        c.ci95 = None;
        c
    }

    /// A figure a gate judges: its samples and the guest bytes behind it.
    pub fn gated(cell: &mut Cell, samples: Vec<f64>, modules: Vec<String>) {
        cell.samples = Some(samples);
        cell.modules = modules;
        cell.gated = true;
    }

    /// A cell that produced no figure (any status but ok).
    pub fn problem(&mut self, scenario: &str, workload: &str, engine: &str, status: CellStatus, msg: Option<&str>) {
        if status != CellStatus::Ok {
            self.problems.push(Problem {
                scenario: scenario.into(),
                workload: workload.into(),
                engine: engine.into(),
                status: status_name(status),
                message: msg.unwrap_or("").into(),
            });
        }
    }

    /// A bring-your-own call (`run --module --export`, `run --component --invoke`): its
    /// problem, or its time per call (median of the samples) gated on the code's sha256;
    /// `what` is (scenario id, the call, the sha256).
    pub fn user_call(&mut self, what: (&str, &str, &str), c: UserCall, m: Option<&ThroughputMeasurement>) {
        let (id, item, sha256) = what;
        self.problem(id, item, c.engine, c.status, c.error);
        let Some(m) = m.filter(|_| c.status == CellStatus::Ok) else { return };
        let median = m.summary.as_ref().map(|s| s.median).unwrap_or_else(|| stats::median_estimate(&m.per_call_ns));
        let cell = self.push(id, item, c.engine, "time_per_call", "ns", median, Some(m.per_call_ns.len()));
        Flat::gated(cell, m.per_call_ns.clone(), vec![sha256.to_string()]);
    }
}

/// One configuration's call of a user's code, as the bring-your-own sections keep it.
pub struct UserCall<'a> {
    /// The configuration.
    pub engine: &'a str,
    /// How its cell ended.
    pub status: CellStatus,
    /// Why it failed.
    pub error: Option<&'a str>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_keys_name_the_size() {
        assert_eq!(size_key("fib", Some(Size::Small)), "fib/small");
        assert_eq!(size_key("trap", None), "trap");
    }
}
