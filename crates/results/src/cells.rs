//! The one flattening of a results file: every figure as a flat [`Cell`] (scenario, workload,
//! engine, metric, unit, value, interval, n), with the samples behind it where a gate may
//! compare them, and every cell that produced no figure as a [`Problem`]. The gate, merge, the
//! report (HTML, Markdown, CSV, BMF) and the terminal tables all read this list, so they cannot
//! disagree on what a file says.
use crate::ResultsFile;
use crate::measurements::{MemoryOutput, Phase, ProcessPath, ProcessRun};
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
const CONTEXT_PHASES: &[&str] = &["first_call", "steady_call", "spawn"];

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
    pub engine: String,
    pub metric: String,
    pub unit: String,
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
    pub scenario: String,
    pub workload: String,
    pub engine: String,
    pub status: &'static str,
    pub message: String,
}

/// `sha256/small`, or the bare name for guests without sizes.
pub fn size_key(workload: &str, size: Option<Size>) -> String {
    match size {
        Some(s) => format!("{workload}/{}", s.name()),
        None => workload.to_string(),
    }
}

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
fn set_across(cell: &mut Cell, processes: &[ProcessRun], levels: &stats::levels::Levels) {
    cell.note = processes_note(processes, levels);
    cell.across = Some(Across {
        process_medians: processes.iter().map(|p| p.median_ns_per_call).collect(),
        between_share: levels.between_share,
        unsteady: processes.iter().filter(|p| p.steady.class.flagged()).count(),
    });
}

/// Micro-modules behind each call-overhead benchmark.
fn bench_modules(bench: &str) -> &'static [&'static str] {
    match bench {
        "empty" => &["empty"],
        "add4" => &["add4"],
        "guest-to-host" => &["host_loop"],
        "data" => &["checksum"],
        _ => &[],
    }
}

/// Every figure and every problem of a results file.
pub fn flatten(r: &ResultsFile) -> (Vec<Cell>, Vec<Problem>) {
    let mut x = Flattener { r, cells: Vec::new(), problems: Vec::new() };
    x.throughput();
    x.cold_start();
    x.call_overhead();
    x.latency();
    x.hosting();
    x.export_call();
    x.wasi_command();
    x.registered();
    (x.cells, x.problems)
}

struct Flattener<'a> {
    r: &'a ResultsFile,
    cells: Vec<Cell>,
    problems: Vec<Problem>,
}

impl Flattener<'_> {
    fn sha(&self, name: &str) -> Vec<String> {
        self.r.corpus.as_ref().and_then(|c| c.modules.get(name)).map(|s| vec![s.clone()]).unwrap_or_default()
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
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
            ci95: Some((est.ci95_low, est.ci95_high)),
            n,
            payload_bytes: None,
            note: String::new(),
            samples: None,
            gated: false,
            modules: Vec::new(),
            summary: None,
            across: None,
        });
        self.cells.last_mut().expect("just pushed")
    }

    /// A figure without an interval (a count, a size, a rate from one run).
    fn point(&mut self, scenario: &str, workload: &str, engine: &str, metric: &str, unit: &str, v: f64) -> &mut Cell {
        let est = Estimate { value: v, ci95_low: v, ci95_high: v };
        let c = self.push(scenario, workload, engine, metric, unit, est, None);
        c.ci95 = None;
        c
    }

    /// A figure a gate judges: its samples and the guest bytes behind it.
    fn gated(cell: &mut Cell, samples: Vec<f64>, modules: Vec<String>) {
        cell.samples = Some(samples);
        cell.modules = modules;
        cell.gated = true;
    }

    fn problem(&mut self, scenario: &str, workload: &str, engine: &str, status: CellStatus, msg: Option<&str>) {
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

    fn throughput(&mut self) {
        let Some(t) = &self.r.scenarios.throughput else { return };
        let mut t = t.clone();
        if t.engine_geomeans.is_empty() {
            // Schema 1 files carry no ratios; the arithmetic is the same as at run time.
            t.analyze(self.r.native_id().unwrap_or("native"));
        }
        for c in &t.cells {
            let key = size_key(&c.workload, c.size);
            self.problem("throughput", &key, &c.engine, c.status, c.error.as_deref());
            let Some(m) = c.measurement.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            let per_call = c.per_call_ns().unwrap_or_default();
            let modules = self.sha(&c.workload);
            let n = per_call.len();
            let cell = self.push("throughput", &key, &c.engine, "time_per_call", "ns", m.estimate(), Some(n));
            cell.summary = m.summary.clone();
            if let Some(levels) = &m.levels {
                set_across(cell, &m.processes, levels);
            }
            Self::gated(cell, per_call, modules);
            if let Some(ratio) = c.ratio_to_native {
                self.push("throughput", &key, &c.engine, "ratio_to_native", "x", ratio, Some(n));
            }
            if let Some(ratio) = c.ratio_to_best {
                self.push("throughput", &key, &c.engine, "ratio_to_best", "x", ratio, Some(n));
            }
        }
        for g in &t.engine_geomeans {
            let key = size_key(GEOMEAN, g.size);
            self.push("throughput", &key, &g.engine, "ratio_to_native", "x", g.ratio, Some(g.workloads));
        }
        for g in &t.virtual_best {
            let key = size_key(GEOMEAN, g.size);
            self.push("throughput", &key, &g.engine, "ratio_to_best", "x", g.ratio, Some(g.workloads));
        }
    }

    fn cold_start(&mut self) {
        let Some(cs) = &self.r.scenarios.cold_start else { return };
        // Per engine and phase: every workload's samples, for the corpus geomean.
        let mut per_phase: Vec<(String, &'static str, Vec<Vec<f64>>)> = Vec::new();
        // The WASI programs' cells (schema 8) are figures of their own, outside the geomeans.
        for (c, in_geomean) in cs.cells.iter().map(|c| (c, true)).chain(cs.programs.iter().map(|c| (c, false))) {
            let key = size_key(&c.workload, c.size);
            self.problem("cold-start", &key, &c.engine, c.status, c.error.as_deref());
            let Some(m) = c.measurement.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            for (phase, p) in m.phases() {
                let Phase::Measured { samples_ns, summary } = p else { continue };
                let xs: Vec<f64> = samples_ns.iter().map(|&v| v as f64).collect();
                let modules = self.sha(&c.workload);
                let cell = self.push("cold-start", &key, &c.engine, phase, "ns", summary.median, Some(summary.n));
                if !CONTEXT_PHASES.contains(&phase) {
                    Self::gated(cell, xs.clone(), modules);
                }
                if !in_geomean {
                    continue;
                }
                match per_phase.iter_mut().find(|(e, p, _)| *e == c.engine && *p == phase) {
                    Some(slot) => slot.2.push(xs),
                    None => per_phase.push((c.engine.clone(), phase, vec![xs])),
                }
            }
            if let Some(bytes) = m.artifact_bytes {
                self.point("cold-start", &key, &c.engine, "artifact_bytes", "bytes", bytes as f64);
            }
        }
        for (engine, phase, groups) in &per_phase {
            let refs: Vec<&[f64]> = groups.iter().map(|g| g.as_slice()).collect();
            let est = stats::geomean_of_medians(&refs);
            self.push("cold-start", GEOMEAN, engine, phase, "ns", est, Some(refs.len()));
        }
        let mut per_engine: Vec<(String, ProcessPath, Vec<Vec<f64>>)> = Vec::new();
        for p in &cs.process {
            let key = size_key(&p.workload, Some(p.size));
            self.problem("process-start", &key, &p.engine, p.status, p.error.as_deref());
            let Some(s) = p.summary.as_ref().filter(|_| p.status == CellStatus::Ok) else { continue };
            let xs: Vec<f64> = p.samples_ns.iter().map(|&v| v as f64).collect();
            let modules = self.sha(&p.workload);
            let cell = self.push("process-start", &key, &p.engine, "exec_to_answer", "ns", s.median, Some(s.n));
            cell.note = path_name(p.path).into();
            if !xs.is_empty() {
                Self::gated(cell, xs.clone(), modules);
            }
            match per_engine.iter_mut().find(|(e, _, _)| *e == p.engine) {
                Some(slot) => slot.2.push(xs),
                None => per_engine.push((p.engine.clone(), p.path, vec![xs])),
            }
        }
        for (engine, path, groups) in &per_engine {
            let refs: Vec<&[f64]> = groups.iter().map(|g| g.as_slice()).collect();
            let est = stats::geomean_of_medians(&refs);
            self.push("process-start", GEOMEAN, engine, "exec_to_answer", "ns", est, Some(refs.len())).note =
                path_name(*path).into();
        }
    }

    fn call_overhead(&mut self) {
        let Some(co) = &self.r.scenarios.call_overhead else { return };
        for c in &co.cells {
            self.problem("call-overhead", "all benchmarks", &c.engine, c.status, c.error.as_deref());
            let Some(m) = &c.measurement else { continue };
            for b in &m.benches {
                let label = b.label();
                if let Some(e) = &b.error {
                    self.problem("call-overhead", &label, &c.engine, CellStatus::Failed, Some(e));
                }
                let (Some(s), Some(estimate)) = (&b.summary, b.estimate()) else { continue };
                let bytes = b.bytes.map(|v| v as u64);
                let modules = bench_modules(&b.bench).iter().flat_map(|m| self.sha(m)).collect();
                let cell = self.push("call-overhead", &label, &c.engine, "time_per_call", "ns", estimate, Some(s.n));
                cell.payload_bytes = bytes;
                cell.summary = Some(s.clone());
                if let Some(levels) = &b.levels {
                    set_across(cell, &b.processes, levels);
                }
                if !b.per_call_ns.is_empty() {
                    Self::gated(cell, b.per_call_ns.clone(), modules);
                }
                if let Some(g) = b.gb_per_s {
                    self.push("call-overhead", &label, &c.engine, "throughput", "GB/s", g, Some(s.n)).payload_bytes =
                        bytes;
                }
            }
        }
    }

    fn latency(&mut self) {
        let Some(l) = &self.r.scenarios.latency else { return };
        for c in &l.cells {
            let key = size_key(&c.target, c.size);
            self.problem("latency", &key, &c.engine, c.status, c.error.as_deref());
            let Some(rec) = c.record.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            let values = [rec.p50_ns, rec.p90_ns, rec.p99_ns, rec.p999_ns, rec.max_ns];
            for (q, v) in LATENCY_QUANTILES.iter().zip(values) {
                // Measured in several processes: p50 and p99 across them, with their interval.
                let across = rec.across.as_ref().and_then(|a| match *q {
                    "p50" => Some((a.p50, a.processes)),
                    "p99" => Some((a.p99, a.processes)),
                    _ => None,
                });
                let m = match across {
                    Some((estimate, k)) => {
                        let m = self.push("latency", &key, &c.engine, q, "ns", estimate, Some(rec.count as usize));
                        m.note = format!("{}; geometric mean of {k} processes' {q}", rec.unit);
                        m
                    }
                    None => {
                        let m = self.point("latency", &key, &c.engine, q, "ns", v as f64);
                        m.note = rec.unit.clone();
                        m
                    }
                };
                m.n = Some(rec.count as usize);
            }
        }
    }

    fn hosting(&mut self) {
        let sc = &self.r.scenarios;
        for c in sc.memory.iter().flat_map(|s| s.cells.iter()) {
            self.problem("memory", "mem_touch", &c.engine, c.status, c.error.as_deref());
            match &c.measurement {
                Some(MemoryOutput::Instances(m)) => {
                    let e = &c.engine;
                    self.point("memory", "mem_touch", e, "bytes_per_instance", "bytes", m.bytes_per_instance).n =
                        m.points.last().map(|p| p.instances);
                    self.point("memory", "mem_touch", e, "host_bytes_per_instance", "bytes", m.host_bytes_per_instance);
                    self.point(
                        "memory",
                        "mem_touch",
                        e,
                        "guest_bytes_per_instance",
                        "bytes",
                        m.guest_bytes_per_instance,
                    );
                    let compile = m.after_compile.rss_bytes.saturating_sub(m.before_compile.rss_bytes);
                    self.point("memory", "mem_touch", e, "compile_rss_bytes", "bytes", compile as f64);
                    if let Some(a) = m.artifact_bytes {
                        self.point("memory", "mem_touch", e, "artifact_bytes", "bytes", a as f64);
                    }
                }
                Some(MemoryOutput::Process(p)) => {
                    let w = p.workload.as_str();
                    self.point("memory", w, &c.engine, "process_private_bytes", "bytes", p.usage.private_bytes as f64);
                    self.point("memory", w, &c.engine, "process_rss_bytes", "bytes", p.usage.rss_bytes as f64);
                    self.point("memory", w, &c.engine, "process_pss_bytes", "bytes", p.usage.pss_bytes as f64);
                }
                None => {}
            }
        }
        for c in sc.density.iter().flat_map(|s| s.cells.iter()) {
            let Some(d) = &c.measurement else {
                self.problem("density", "", &c.engine, c.status, c.error.as_deref());
                continue;
            };
            let (w, e) = (d.workload.as_str(), c.engine.as_str());
            self.point("density", w, e, "live_instances", "count", d.live_instances as f64).note = d.stopped_by.clone();
            self.point("density", w, e, "bytes_per_instance", "bytes", d.bytes_per_instance);
            self.point("density", w, e, "instances_per_gib", "count", d.instances_per_gib);
            self.point("density", w, e, "instantiate_per_s_one_thread", "per s", d.instantiate_per_s_one_thread);
            self.point("density", w, e, "instantiate_per_s_all_cores", "per s", d.instantiate_per_s_all_cores).n =
                Some(d.threads);
            // Each further instance of an already compiled module, as a time (what a host that
            // keeps modules loaded pays per request), beside the first instance cold-start has.
            if d.instantiate_per_s_one_thread > 0.0 {
                self.point("density", w, e, "instantiate_each_one_thread", "ns", 1e9 / d.instantiate_per_s_one_thread);
            }
            for p in &d.rate_levels {
                let key = format!("{} threads", p.threads);
                self.point("density", &key, e, "instantiate_per_s", "per s", p.instantiate_per_s).note = w.to_string();
            }
        }
        for c in sc.concurrency.iter().flat_map(|s| s.cells.iter()) {
            let Some(m) = &c.measurement else {
                self.problem("concurrency", "", &c.engine, c.status, c.error.as_deref());
                continue;
            };
            for p in &m.points {
                let key = format!("{} threads", p.threads);
                self.point("concurrency", &key, &c.engine, "requests_per_s", "per s", p.requests_per_s).n =
                    Some(p.requests as usize);
                self.point("concurrency", &key, &c.engine, "p99", "ns", p.latency.p99_ns as f64).note =
                    m.workload.clone();
            }
        }
        if let Some(t) = &sc.sandbox_tax {
            for c in &t.cells {
                let key = size_key(&c.workload, Some(c.size));
                self.problem("sandbox-tax", &key, &c.engine, c.status, c.error.as_deref());
                if let Some(m) = &c.measurement {
                    let metric = format!("ratio_{}", c.limit);
                    self.push("sandbox-tax", &key, &c.engine, &metric, "x", m.ratio, Some(m.with_ns.len()));
                }
            }
            for g in t.geomeans() {
                let key = size_key(GEOMEAN, Some(g.size));
                let metric = format!("ratio_{}", g.limit);
                self.push("sandbox-tax", &key, &g.engine, &metric, "x", g.ratio, Some(g.workloads));
            }
        }
    }

    fn export_call(&mut self) {
        let Some(e) = &self.r.scenarios.export_call else { return };
        for c in &e.cells {
            self.problem("export-call", &e.export, &c.engine, c.status, c.error.as_deref());
            let Some(m) = c.measurement.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            let median = m.summary.as_ref().map(|s| s.median).unwrap_or_else(|| stats::median_estimate(&m.per_call_ns));
            let n = m.per_call_ns.len();
            let cell = self.push("export-call", &e.export, &c.engine, "time_per_call", "ns", median, Some(n));
            Self::gated(cell, m.per_call_ns.clone(), vec![e.module_sha256.clone()]);
        }
    }

    /// `run --module --wasi`: each phase's median over the runs (workload: the module's file
    /// name), gated on its samples.
    fn wasi_command(&mut self) {
        let Some(w) = &self.r.scenarios.wasi_command else { return };
        let workload = w.workload();
        for c in &w.cells {
            let why = c.error.as_deref().or(c.unsupported.as_deref());
            self.problem("wasi-command", &workload, &c.engine, c.status, why);
            let Some(p) = c.phases.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            for (phase, samples) in p.phases() {
                let est = crate::wasi_command::PhaseTimes::median(samples);
                let metric = format!("{phase}_time");
                let cell = self.push("wasi-command", &workload, &c.engine, &metric, "ns", est, Some(samples.len()));
                Self::gated(cell, samples.to_vec(), vec![w.module_sha256.clone()]);
            }
        }
    }

    /// Sections of registered scenarios: their cells carry their figures.
    fn registered(&mut self) {
        for (scenario, section) in &self.r.scenarios.other {
            for c in &section.cells {
                let key = size_key(&c.workload, c.size);
                self.problem(scenario, &key, &c.engine, c.status, c.error.as_deref());
                if c.status != CellStatus::Ok {
                    continue;
                }
                for f in &c.figures {
                    let est = match f.ci95 {
                        Some((lo, hi)) => Estimate { value: f.value, ci95_low: lo, ci95_high: hi },
                        None => Estimate { value: f.value, ci95_low: f.value, ci95_high: f.value },
                    };
                    let modules = self.sha(&c.workload);
                    let cell = self.push(scenario, &key, &c.engine, &f.metric, &f.unit, est, f.n);
                    cell.ci95 = f.ci95;
                    cell.note = f.note.clone();
                    if !f.samples.is_empty() {
                        Self::gated(cell, f.samples.clone(), modules);
                    }
                }
            }
        }
    }
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
