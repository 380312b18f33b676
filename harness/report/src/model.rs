//! What a report shows, extracted from result files once: every figure of every run as a
//! [`Metric`] (the one flattening of a results file, [`results::cells`], tagged with its run).
//! The HTML page, the Markdown summary, the CSV, BMF and the claims all read this one list, so
//! they cannot disagree.
use anyhow::{Result, bail};
use results::ResultsFile;
pub use results::cells::{COLD_START_PHASE_NAMES as COLD_START_PHASES, Cell, GEOMEAN, LATENCY_QUANTILES, path_name};
use std::path::{Path, PathBuf};

/// One figure of one run.
#[derive(Clone, Debug, PartialEq)]
pub struct Metric {
    /// Index into [`Model::runs`].
    pub run: usize,
    pub cell: Cell,
}

impl std::ops::Deref for Metric {
    type Target = Cell;
    fn deref(&self) -> &Cell {
        &self.cell
    }
}

/// A cell that did not produce a figure, and why.
#[derive(Clone, Debug, PartialEq)]
pub struct Problem {
    pub run: usize,
    pub problem: results::cells::Problem,
}

impl std::ops::Deref for Problem {
    type Target = results::cells::Problem;
    fn deref(&self) -> &results::cells::Problem {
        &self.problem
    }
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

fn push_unique(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_string());
    }
}

impl Model {
    /// This model without the figures beyond their machine's limits
    /// ([`results::plausibility`]): what claims are decided from.
    pub fn trusted(&self) -> Model {
        let mut m = self.clone();
        m.metrics.retain(|x| x.implausible.is_none());
        m
    }

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
            let (cells, found) = run.results.flatten();
            metrics.extend(cells.into_iter().map(|cell| Metric { run: i, cell }));
            problems.extend(found.into_iter().map(|problem| Problem { run: i, problem }));
        }
        Model { runs, engines, metrics, problems }
    }

    pub fn find(&self, run: usize, scenario: &str, workload: &str, engine: &str, metric: &str) -> Option<&Metric> {
        self.metrics.iter().find(|m| {
            m.run == run && m.scenario == scenario && m.workload == workload && m.engine == engine && m.metric == metric
        })
    }

    /// Whether any engine of run `run` has `metric` for `workload` in `scenario`.
    pub fn find_any(&self, run: usize, scenario: &str, workload: &str, metric: &str) -> bool {
        self.metrics
            .iter()
            .any(|m| m.run == run && m.scenario == scenario && m.workload == workload && m.metric == metric)
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

    /// Whether the engine is one of the native baselines, as the runs record it.
    pub fn is_baseline(&self, engine: &str) -> bool {
        self.runs.iter().filter_map(|r| r.results.engine(engine)).any(|e| e.is_baseline())
    }

    /// The id of run `run`'s subject of a kind (the native and subprocess baselines).
    pub fn subject_of_kind(&self, run: usize, kind: results::SubjectKind) -> Option<&str> {
        self.runs.get(run).and_then(|r| r.results.subject_of_kind(kind))
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
    fn unique_lists_keep_first_seen_order() {
        let mut v = vec!["a".to_string()];
        push_unique(&mut v, "a");
        push_unique(&mut v, "b");
        assert_eq!(v, ["a", "b"]);
    }
}
