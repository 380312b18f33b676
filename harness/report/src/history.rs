//! `wasmgauge history RESULTS... | DIR --out DIR`: figures over a series of runs (results files
//! ordered by the commit time of the harness checkout they ran from, then by start time), one
//! small trend chart per gated figure, with the change points found in each series and a
//! Markdown list of the changes with the run and commit where each starts. Static HTML like the
//! report: inline SVG, no scripts, nothing fetched.
//!
//! A series is the per-run median of one gated figure (scenario, workload, engine, metric) in
//! every run that has it. Change points come from [`stats::changepoint::detect`] (E-divisive
//! means located, Welch-tested); across all series Holm's correction keeps the family-wise
//! error at `alpha`, and a change must also be at least the metric's gate threshold in size
//! (ci/gate.toml: 0.5% for instruction counts, 5% for throughput), so a significant but tiny
//! shift is not reported.
use crate::charts::{self, TrendPoint};
use crate::markup::esc;
use anyhow::{Context, Result, bail};
use results::ResultsFile;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// One run of the series.
#[derive(Clone, Debug)]
pub struct Run {
    pub path: PathBuf,
    /// `abc1234` (the harness commit, `+dirty` when the checkout had changes), or the run id.
    pub label: String,
    /// The commit's time, or the run's start when the file has none.
    pub when: String,
}

/// A change point of one series.
#[derive(Clone, Debug)]
pub struct SeriesChange {
    /// The first run (index into [`History::runs`]) at the new level.
    pub run: usize,
    pub before: f64,
    pub after: f64,
    pub p_value: f64,
}

/// One figure over the runs.
#[derive(Clone, Debug)]
pub struct Series {
    pub scenario: String,
    pub workload: String,
    pub engine: String,
    pub metric: String,
    pub unit: String,
    /// Per run that has the figure: the run's index, its median and interval.
    pub points: Vec<TrendPoint>,
    pub threshold: f64,
    pub changes: Vec<SeriesChange>,
}

impl Series {
    pub fn name(&self) -> String {
        format!("{} {} on {} ({})", self.scenario, self.workload, self.engine, self.metric)
    }
}

pub struct History {
    pub runs: Vec<Run>,
    pub series: Vec<Series>,
    pub alpha: f64,
    pub min_size: usize,
}

/// The results files named: files as given, directories by their `*.json` files.
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    for p in inputs {
        if p.is_dir() {
            let mut found: Vec<PathBuf> = std::fs::read_dir(p)
                .with_context(|| format!("reading {}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            found.sort();
            out.extend(found);
        } else {
            out.push(p.clone());
        }
    }
    Ok(out)
}

/// Loads the runs and finds the changes. `threshold(scenario, metric)` is the smallest relative
/// change that counts (the gate's); `alpha` the family-wise error level over all series.
pub fn analyze(inputs: &[PathBuf], threshold: &dyn Fn(&str, &str) -> f64, alpha: f64) -> Result<History> {
    let paths = expand(inputs)?;
    if paths.len() < 2 {
        bail!("history needs at least 2 results files, got {}", paths.len());
    }
    let mut files: Vec<(Run, ResultsFile)> = Vec::new();
    for path in paths {
        let r = ResultsFile::load(&path)?;
        let env = &r.environment;
        let label = match &env.harness_commit {
            Some(c) => {
                format!("{}{}", &c[..c.len().min(7)], if env.harness_dirty == Some(true) { "+dirty" } else { "" })
            }
            None => r.run_id.clone(),
        };
        let when = env.harness_commit_time.clone().unwrap_or_else(|| r.started_at.clone());
        files.push((Run { path, label, when }, r));
    }
    // By commit time, then by when the run started (RFC 3339 in UTC sorts as text).
    files.sort_by(|a, b| {
        (a.0.when.as_str(), a.1.started_at.as_str()).cmp(&(b.0.when.as_str(), b.1.started_at.as_str()))
    });
    let mut by_key: BTreeMap<(String, String, String, String), Series> = BTreeMap::new();
    for (i, (_, r)) in files.iter().enumerate() {
        for c in r.flatten().0.into_iter().filter(|c| c.gated) {
            let key = (c.scenario.clone(), c.workload.clone(), c.engine.clone(), c.metric.clone());
            let s = by_key.entry(key).or_insert_with(|| Series {
                threshold: threshold(&c.scenario, &c.metric),
                scenario: c.scenario.clone(),
                workload: c.workload.clone(),
                engine: c.engine.clone(),
                metric: c.metric.clone(),
                unit: c.unit.clone(),
                points: Vec::new(),
                changes: Vec::new(),
            });
            s.points.push(TrendPoint { x: i, value: c.value, ci95: c.ci95 });
        }
    }
    let min_size = 3;
    let mut series: Vec<Series> = by_key.into_values().collect();
    // Candidates in every series, then Holm over all of them, then the size floor.
    let mut candidates: Vec<(usize, stats::changepoint::Change)> = Vec::new();
    for (k, s) in series.iter().enumerate() {
        let values: Vec<f64> = s.points.iter().map(|p| p.value).collect();
        for c in stats::changepoint::detect(&values, min_size, alpha) {
            candidates.push((k, c));
        }
    }
    // Holm over every series tested (a series without a candidate counts as a test too).
    let mut p: Vec<f64> = candidates.iter().map(|(_, c)| c.p_value).collect();
    let tests = series.iter().filter(|s| s.points.len() >= 2 * min_size).count().max(p.len());
    p.resize(tests, 1.0);
    let keep = stats::holm(&p, alpha);
    for ((k, c), keep) in candidates.into_iter().zip(keep) {
        let s = &mut series[k];
        let size = (c.after / c.before - 1.0).abs();
        if keep && c.before != 0.0 && size >= s.threshold {
            let run = s.points[c.index].x;
            s.changes.push(SeriesChange { run, before: c.before, after: c.after, p_value: c.p_value });
        }
    }
    Ok(History { runs: files.into_iter().map(|(run, _)| run).collect(), series, alpha, min_size })
}

fn pct(before: f64, after: f64) -> String {
    format!("{:+.2}%", (after / before - 1.0) * 100.0)
}

/// The Markdown list of changes (and the runs, in order).
pub fn markdown(h: &History) -> String {
    let mut out = String::from("# wasmgauge history\n\n");
    let _ = writeln!(
        out,
        "{} runs, {} figures; change points by E-divisive means with Welch t-tests, Holm-corrected at {} over all figures, at least each metric's gate threshold in size.\n",
        h.runs.len(),
        h.series.len(),
        h.alpha
    );
    let changes: Vec<(&Series, &SeriesChange)> =
        h.series.iter().flat_map(|s| s.changes.iter().map(move |c| (s, c))).collect();
    if changes.is_empty() {
        out.push_str("## Changes\n\nNo change found.\n");
    } else {
        out.push_str("## Changes\n\n");
        for (s, c) in changes {
            let run = &h.runs[c.run];
            let _ = writeln!(
                out,
                "- {}: {} from run {} (commit {}, {}), p = {:.1e}",
                s.name(),
                pct(c.before, c.after),
                c.run + 1,
                run.label,
                run.when,
                c.p_value
            );
        }
    }
    out.push_str("\n## Runs\n\n| run | commit | time | file |\n|---|---|---|---|\n");
    for (i, r) in h.runs.iter().enumerate() {
        let _ = writeln!(out, "| {} | {} | {} | {} |", i + 1, r.label, r.when, r.path.display());
    }
    out
}

const CSS: &str = "body{font-family:sans-serif;margin:1.5em;color:#222}\
.grid{display:flex;flex-wrap:wrap;gap:10px}.cell{border:1px solid #ddd;padding:4px;width:340px}\
.cell.changed{border-color:#d62728}.cell h4{font-size:12px;margin:2px 0 4px;font-weight:normal}\
.cell p{font-size:11px;margin:2px 0;color:#d62728}table{border-collapse:collapse;font-size:13px}\
td,th{border:1px solid #ccc;padding:2px 6px}";

/// The page: the changes first, then every series as a small trend, grouped by scenario.
pub fn html(h: &History) -> Result<String> {
    let mut out = String::new();
    let _ = write!(
        out,
        "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>wasmgauge history</title>\
         <style>{CSS}</style></head><body><h1>wasmgauge history</h1><p>{} runs ordered by commit time; {} figures. \
         Dashed red lines mark change points (E-divisive means located, Welch t-test, Holm at {} over all figures, \
         and at least the metric's gate threshold in size). Each point is the run's median with its 95% interval.</p>",
        h.runs.len(),
        h.series.len(),
        h.alpha
    );
    let changed: Vec<&Series> = h.series.iter().filter(|s| !s.changes.is_empty()).collect();
    let _ = write!(out, "<h2 id=\"changes\">Changes ({})</h2>", changed.iter().map(|s| s.changes.len()).sum::<usize>());
    if changed.is_empty() {
        out.push_str("<p>No change found.</p>");
    } else {
        out.push_str("<ul>");
        for s in &changed {
            for c in &s.changes {
                let r = &h.runs[c.run];
                let _ = write!(
                    out,
                    "<li>{}: {} from run {} (commit {}, {})</li>",
                    esc(&s.name()),
                    pct(c.before, c.after),
                    c.run + 1,
                    esc(&r.label),
                    esc(&r.when)
                );
            }
        }
        out.push_str("</ul>");
    }
    let mut scenarios: Vec<&str> = h.series.iter().map(|s| s.scenario.as_str()).collect();
    scenarios.dedup();
    for scenario in scenarios {
        let _ = write!(out, "<h2>{}</h2><div class=\"grid\">", esc(scenario));
        for s in h.series.iter().filter(|s| s.scenario == scenario) {
            let starts: Vec<usize> = s.changes.iter().map(|c| c.run).collect();
            let unit = s.unit.clone();
            let svg = charts::trend(&s.points, h.runs.len(), &starts, &|v| crate::tables::fmt_value(&unit, *v))?;
            let class = if s.changes.is_empty() { "cell" } else { "cell changed" };
            let _ = write!(
                out,
                "<div class=\"{class}\"><h4>{} on {} ({})</h4>{svg}",
                esc(&s.workload),
                esc(&s.engine),
                esc(&s.metric)
            );
            for c in &s.changes {
                let _ = write!(
                    out,
                    "<p>{} from run {} ({})</p>",
                    pct(c.before, c.after),
                    c.run + 1,
                    esc(&h.runs[c.run].label)
                );
            }
            out.push_str("</div>");
        }
        out.push_str("</div>");
    }
    out.push_str("<h2>Runs</h2><table><tr><th>run</th><th>commit</th><th>time</th><th>file</th></tr>");
    for (i, r) in h.runs.iter().enumerate() {
        let _ = write!(
            out,
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            i + 1,
            esc(&r.label),
            esc(&r.when),
            esc(&r.path.display().to_string())
        );
    }
    out.push_str("</table></body></html>\n");
    Ok(out)
}

/// Writes `index.html` and `changes.md` into `out_dir`; returns the page's path.
pub fn write(h: &History, out_dir: &Path) -> Result<PathBuf> {
    std::fs::create_dir_all(out_dir).with_context(|| format!("creating {}", out_dir.display()))?;
    let index = out_dir.join("index.html");
    std::fs::write(&index, html(h)?).with_context(|| format!("writing {}", index.display()))?;
    let md = out_dir.join("changes.md");
    std::fs::write(&md, markdown(h)).with_context(|| format!("writing {}", md.display()))?;
    Ok(index)
}
