//! What a report shows, extracted from result files once: every figure as a flat [`Metric`]
//! (run, scenario, workload, engine, metric, value, interval). The HTML page, the Markdown
//! summary, the CSV and the claims all read this one list, so they cannot disagree.
use crate::results::{CellStatus, ResultsFile};
use crate::scenarios::cold_start::{ColdStartMeasurement, Phase, ProcessPath};
use crate::stats::{self, Estimate};
use crate::workloads::Size;
use anyhow::{Result, bail};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Label of the corpus-wide geometric mean rows.
pub const GEOMEAN: &str = "corpus geomean";

/// Cold-start phases in the order a start goes through them, with their display names.
pub const COLD_START_PHASES: &[(&str, &str)] = &[
    ("compile", "compile"),
    ("deserialize", "deserialize artifact"),
    ("instantiate", "instantiate"),
    ("first_call", "first call"),
    ("steady_call", "steady call"),
    ("spawn", "spawn process"),
    ("end_to_end", "bytes to answer"),
    ("end_to_end_from_artifact", "artifact to answer"),
];

/// Latency quantiles recorded per cell, in order.
pub const LATENCY_QUANTILES: &[&str] = &["p50", "p90", "p99", "p99.9", "max"];

/// One figure of one run.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Metric {
    /// Index into [`Model::runs`].
    pub run: usize,
    /// `throughput`, `cold-start`, `process-start`, `call-overhead`, `latency`, `memory`,
    /// `density`, `concurrency`, `sandbox-tax`.
    pub scenario: &'static str,
    /// Workload and size (`sha256/small`), a call-overhead benchmark (`empty typed`), or
    /// [`GEOMEAN`] for means over the corpus.
    pub workload: String,
    pub engine: String,
    pub metric: String,
    pub unit: &'static str,
    pub value: f64,
    /// Bootstrap 95% interval, where the figure has one.
    pub ci95: Option<(f64, f64)>,
    /// Samples (or workloads, for geomeans) behind the figure.
    pub n: Option<usize>,
    /// Payload of a data-transfer benchmark.
    pub payload_bytes: Option<u64>,
    /// Free-form qualifier (process-start path, latency unit).
    pub note: String,
}

impl Metric {
    pub fn estimate(&self) -> Estimate {
        let (lo, hi) = self.ci95.unwrap_or((self.value, self.value));
        Estimate { value: self.value, ci95_low: lo, ci95_high: hi }
    }
}

/// A cell that did not produce a figure, and why.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Problem {
    pub run: usize,
    pub scenario: &'static str,
    pub workload: String,
    pub engine: String,
    pub status: &'static str,
    pub message: String,
}

/// One input result file.
#[derive(Clone, Debug)]
pub struct Run {
    /// Short label used in tables and legends: `R1`, `R2`, ...
    pub label: String,
    pub path: PathBuf,
    pub results: ResultsFile,
}

impl Run {
    pub fn file_name(&self) -> String {
        self.path.file_name().map(|f| f.to_string_lossy().into_owned()).unwrap_or_else(|| "results.json".into())
    }

    /// `R1 (vm, 2 cores)`: the label with the machine, for legends.
    pub fn long_label(&self) -> String {
        let e = &self.results.environment;
        format!("{} ({}, {})", self.label, e.hostname, self.results.started_at)
    }
}

#[derive(Clone, Debug)]
pub struct Model {
    pub runs: Vec<Run>,
    /// Engine ids in the order the runs list them (union over runs).
    pub engines: Vec<String>,
    pub metrics: Vec<Metric>,
    pub problems: Vec<Problem>,
}

fn size_key(workload: &str, size: Option<Size>) -> String {
    match size {
        Some(s) => format!("{workload}/{}", s.name()),
        None => workload.to_string(),
    }
}

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

fn status_name(s: CellStatus) -> &'static str {
    match s {
        CellStatus::Ok => "ok",
        CellStatus::Failed => "failed",
        CellStatus::Skipped => "skipped",
    }
}

/// Builder that fills the metric list of one run.
struct RunExtract<'a> {
    run: usize,
    metrics: &'a mut Vec<Metric>,
    problems: &'a mut Vec<Problem>,
}

impl RunExtract<'_> {
    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        scenario: &'static str,
        workload: &str,
        engine: &str,
        metric: &str,
        unit: &'static str,
        est: Estimate,
        n: Option<usize>,
    ) -> &mut Metric {
        self.metrics.push(Metric {
            run: self.run,
            scenario,
            workload: workload.into(),
            engine: engine.into(),
            metric: metric.into(),
            unit,
            value: est.value,
            ci95: Some((est.ci95_low, est.ci95_high)),
            n,
            payload_bytes: None,
            note: String::new(),
        });
        self.metrics.last_mut().expect("just pushed")
    }

    fn problem(&mut self, scenario: &'static str, workload: &str, engine: &str, status: CellStatus, msg: Option<&str>) {
        if status != CellStatus::Ok {
            self.problems.push(Problem {
                run: self.run,
                scenario,
                workload: workload.into(),
                engine: engine.into(),
                status: status_name(status),
                message: msg.unwrap_or("").into(),
            });
        }
    }

    fn throughput(&mut self, r: &ResultsFile) {
        let Some(t) = &r.scenarios.throughput else { return };
        let mut t = t.clone();
        if t.engine_geomeans.is_empty() {
            // Schema 1 files carry no ratios; the arithmetic is the same as at run time.
            t.analyze();
        }
        for c in &t.cells {
            let key = size_key(&c.workload, c.size);
            self.problem("throughput", &key, &c.engine, c.status, c.error.as_deref());
            let Some(m) = c.measurement.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            let per_call = c.per_call_ns().unwrap_or_default();
            let median = m.summary.as_ref().map(|s| s.median).unwrap_or_else(|| stats::median_estimate(&per_call));
            self.push("throughput", &key, &c.engine, "time_per_call", "ns", median, Some(per_call.len()));
            if let Some(ratio) = c.ratio_to_native {
                self.push("throughput", &key, &c.engine, "ratio_to_native", "x", ratio, Some(per_call.len()));
            }
        }
        for g in &t.engine_geomeans {
            let key = size_key(GEOMEAN, g.size);
            self.push("throughput", &key, &g.engine, "ratio_to_native", "x", g.ratio, Some(g.workloads));
        }
    }

    fn cold_start(&mut self, r: &ResultsFile) {
        let Some(cs) = &r.scenarios.cold_start else { return };
        // Per engine and phase: every workload's samples, for the corpus geomean.
        let mut per_phase: Vec<(String, &'static str, Vec<Vec<f64>>)> = Vec::new();
        for c in &cs.cells {
            let key = size_key(&c.workload, c.size);
            self.problem("cold-start", &key, &c.engine, c.status, c.error.as_deref());
            let Some(m) = c.measurement.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            for &(phase, _) in COLD_START_PHASES {
                if let Phase::Measured { samples_ns, summary } = phase_of(m, phase) {
                    self.push("cold-start", &key, &c.engine, phase, "ns", summary.median, Some(summary.n));
                    let xs: Vec<f64> = samples_ns.iter().map(|&v| v as f64).collect();
                    match per_phase.iter_mut().find(|(e, p, _)| *e == c.engine && *p == phase) {
                        Some(slot) => slot.2.push(xs),
                        None => per_phase.push((c.engine.clone(), phase, vec![xs])),
                    }
                }
            }
            if let Some(bytes) = m.artifact_bytes {
                let est = Estimate { value: bytes as f64, ci95_low: bytes as f64, ci95_high: bytes as f64 };
                self.push("cold-start", &key, &c.engine, "artifact_bytes", "bytes", est, None).ci95 = None;
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
            let path = path_name(p.path);
            self.push("process-start", &key, &p.engine, "exec_to_answer", "ns", s.median, Some(s.n)).note = path.into();
            let xs: Vec<f64> = p.samples_ns.iter().map(|&v| v as f64).collect();
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

    fn call_overhead(&mut self, r: &ResultsFile) {
        let Some(co) = &r.scenarios.call_overhead else { return };
        for c in &co.cells {
            self.problem("call-overhead", "all benchmarks", &c.engine, c.status, c.error.as_deref());
            let Some(m) = &c.measurement else { continue };
            for b in &m.benches {
                let label = b.label();
                if let Some(e) = &b.error {
                    self.problem("call-overhead", &label, &c.engine, CellStatus::Failed, Some(e));
                }
                let Some(s) = &b.summary else { continue };
                let bytes = b.bytes.map(|v| v as u64);
                self.push("call-overhead", &label, &c.engine, "time_per_call", "ns", s.median, Some(s.n))
                    .payload_bytes = bytes;
                if let Some(g) = b.gb_per_s {
                    self.push("call-overhead", &label, &c.engine, "throughput", "GB/s", g, Some(s.n)).payload_bytes =
                        bytes;
                }
            }
        }
    }

    /// A figure without an interval (a count, a size, a rate from one run).
    fn point(
        &mut self,
        scenario: &'static str,
        workload: &str,
        engine: &str,
        metric: &str,
        unit: &'static str,
        v: f64,
    ) -> &mut Metric {
        let m =
            self.push(scenario, workload, engine, metric, unit, Estimate { value: v, ci95_low: v, ci95_high: v }, None);
        m.ci95 = None;
        m
    }

    fn hosting(&mut self, r: &ResultsFile) {
        use crate::scenarios::memory::MemoryOutput;
        let sc = &r.scenarios;
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
                self.push(
                    "sandbox-tax",
                    &key,
                    &g.engine,
                    &format!("ratio_{}", g.limit),
                    "x",
                    g.ratio,
                    Some(g.workloads),
                );
            }
        }
    }

    fn latency(&mut self, r: &ResultsFile) {
        let Some(l) = &r.scenarios.latency else { return };
        for c in &l.cells {
            let key = size_key(&c.target, c.size);
            self.problem("latency", &key, &c.engine, c.status, c.error.as_deref());
            let Some(rec) = c.record.as_ref().filter(|_| c.status == CellStatus::Ok) else { continue };
            let values = [rec.p50_ns, rec.p90_ns, rec.p99_ns, rec.p999_ns, rec.max_ns];
            for (q, v) in LATENCY_QUANTILES.iter().zip(values) {
                let est = Estimate { value: v as f64, ci95_low: v as f64, ci95_high: v as f64 };
                let m = self.push("latency", &key, &c.engine, q, "ns", est, Some(rec.count as usize));
                m.ci95 = None;
                m.note = rec.unit.clone();
            }
        }
    }
}

fn phase_of<'a>(m: &'a ColdStartMeasurement, phase: &str) -> &'a Phase {
    match phase {
        "compile" => &m.compile,
        "deserialize" => &m.deserialize,
        "instantiate" => &m.instantiate,
        "first_call" => &m.first_call,
        "steady_call" => &m.steady_call,
        "spawn" => &m.spawn,
        "end_to_end" => &m.end_to_end,
        _ => &m.end_to_end_from_artifact,
    }
}

pub fn path_name(p: ProcessPath) -> &'static str {
    match p {
        ProcessPath::Artifact => "from artifact",
        ProcessPath::Compile => "compiling",
        ProcessPath::Native => "native",
    }
}

impl Model {
    /// Loads every file (refusing unreadable ones with the loader's message) and extracts.
    pub fn load(paths: &[PathBuf]) -> Result<Model> {
        if paths.is_empty() {
            bail!("no results files given");
        }
        let mut runs = Vec::new();
        for (i, p) in paths.iter().enumerate() {
            let results = ResultsFile::load(p)?;
            runs.push(Run { label: format!("R{}", i + 1), path: p.clone(), results });
        }
        Ok(Model::from_runs(runs))
    }

    pub fn from_runs(runs: Vec<Run>) -> Model {
        let (mut metrics, mut problems, mut engines) = (Vec::new(), Vec::new(), Vec::new());
        for (i, run) in runs.iter().enumerate() {
            for e in &run.results.engines {
                push_unique(&mut engines, &e.id);
            }
            let mut x = RunExtract { run: i, metrics: &mut metrics, problems: &mut problems };
            x.throughput(&run.results);
            x.cold_start(&run.results);
            x.call_overhead(&run.results);
            x.latency(&run.results);
            x.hosting(&run.results);
        }
        Model { runs, engines, metrics, problems }
    }

    pub fn find(&self, run: usize, scenario: &str, workload: &str, engine: &str, metric: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| {
            m.run == run && m.scenario == scenario && m.workload == workload && m.engine == engine && m.metric == metric
        })
    }

    /// Workload keys that have `metric` in `scenario`, in first-seen order (geomeans last).
    pub fn workloads(&self, scenario: &str, metric: &str) -> Vec<String> {
        let mut out = Vec::new();
        for m in self.metrics.iter().filter(|m| m.scenario == scenario && m.metric == metric) {
            if !m.workload.starts_with(GEOMEAN) {
                push_unique(&mut out, &m.workload);
            }
        }
        for m in self.metrics.iter().filter(|m| m.scenario == scenario && m.metric == metric) {
            if m.workload.starts_with(GEOMEAN) {
                push_unique(&mut out, &m.workload);
            }
        }
        out
    }

    /// Engines that have `metric` in `scenario` in any run, in the canonical engine order.
    pub fn engines_with(&self, scenario: &str, metric: &str) -> Vec<String> {
        self.engines
            .iter()
            .filter(|e| self.metrics.iter().any(|m| m.scenario == scenario && m.metric == metric && &m.engine == *e))
            .cloned()
            .collect()
    }

    /// Whether the engine is one of the two native baselines.
    pub fn is_baseline(engine: &str) -> bool {
        crate::engines::BASELINE_IDS.contains(&engine)
    }

    /// The file name beside the report that holds run `i`'s raw JSON.
    pub fn raw_json_name(&self, i: usize) -> String {
        let name = self.runs[i].file_name();
        if self.runs.iter().enumerate().any(|(j, r)| j != i && r.file_name() == name) {
            format!("{}-{name}", self.runs[i].label)
        } else {
            name
        }
    }

    pub fn source_paths(&self) -> Vec<&Path> {
        self.runs.iter().map(|r| r.path.as_path()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn size_keys_and_unique_lists() {
        assert_eq!(size_key("fib", Some(Size::Small)), "fib/small");
        assert_eq!(size_key("trap", None), "trap");
        let mut v = vec!["a".to_string()];
        push_unique(&mut v, "a");
        push_unique(&mut v, "b");
        assert_eq!(v, ["a", "b"]);
    }
}
