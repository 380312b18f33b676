//! The gate, calibrate and merge: everything that judges or joins result files, and nothing
//! that measures (the paired gate's rounds are measured by the orchestrator; their verdict is
//! [`judge_rounds`]). This crate reads result files only.
//!
//! `wasmgauge gate`: a regression verdict for CI from two result files (or from paired runs).
//!
//! Cells are matched by scenario, workload and size, engine configuration and metric, and by
//! the sha256 of the guest bytes they ran (a rebuilt guest with other bytes is not the same
//! cell). Per cell: the ratio candidate / baseline of medians with a bootstrap interval at the
//! configured confidence (99% by default). A cell regressed only when the whole interval lies
//! beyond its threshold (and, with a noise floor, beyond twice the cell's A/A spread too) and
//! it survives Holm's correction across all cells; it improved when
//! the whole interval lies below `1 / (1 + threshold)`; it is too noisy when its interval (or
//! its calibrated A/A noise, see [`noise`]) is wider than its threshold; otherwise unchanged.
//! Improvements never fail the gate. Inputs that cannot be compared are an error of their own
//! kind ([`Incomparable`]) that the CLI turns into exit code 2.
//!
//! A file comparison cannot re-measure, and a run's own samples cannot show a disturbance that
//! lasted the whole run (a noisy neighbour on a shared runner). So file mode takes reruns of the
//! candidate (`--confirm`): a regressed cell still fails only when every rerun regresses it
//! against the same baseline too, as paired mode re-measures before it fails ([`confirm`]).
use results::ids;
pub mod config;
pub mod extract;
pub mod merge;
pub mod noise;
pub mod render;

use config::GateConfig;
pub use extract::{CellKey, GateCell, extract};
use results::ResultsFile;
use serde::{Deserialize, Serialize};
use stats::Estimate;
use std::collections::BTreeMap;

/// Two inputs the gate refuses to compare, with what differs.
#[derive(Debug)]
pub struct Incomparable(pub String);

impl std::fmt::Display for Incomparable {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "not comparable: {}", self.0)
    }
}

impl std::error::Error for Incomparable {}

/// What paired rounds measured: log(B / A) per round, and the time per call of every batch.
pub struct Rounds<'a> {
    pub log_ratios: &'a [f64],
    pub a_ns: &'a [f64],
    pub b_ns: &'a [f64],
}

/// Decides one engine of a paired measurement from its per-round log ratios: their mean, with
/// a bootstrap interval at `confidence`, against `threshold`.
pub fn judge_rounds(key: &CellKey, m: &Rounds, threshold: f64, confidence: f64) -> CellResult {
    let reps: Vec<f64> = stats::mean_replicates(m.log_ratios).into_iter().map(f64::exp).collect();
    let mean = m.log_ratios.iter().sum::<f64>() / m.log_ratios.len() as f64;
    let (ratio, p_value, verdict, reason) = decide(&reps, mean.exp(), threshold, confidence, None);
    CellResult {
        key: key.clone(),
        baseline_median: stats::median(m.a_ns),
        candidate_median: stats::median(m.b_ns),
        ratio,
        threshold,
        p_value,
        noise: None,
        verdict,
        reason: format!("{reason} ({} rounds)", m.log_ratios.len()),
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Verdict {
    Regressed,
    Improved,
    Unchanged,
    TooNoisy,
}

impl Verdict {
    pub fn text(self) -> &'static str {
        match self {
            Verdict::Regressed => "regressed",
            Verdict::Improved => "improved",
            Verdict::Unchanged => "unchanged",
            Verdict::TooNoisy => "too noisy",
        }
    }
}

/// One compared cell.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct CellResult {
    pub key: CellKey,
    pub baseline_median: f64,
    pub candidate_median: f64,
    /// Candidate / baseline with its interval at the configured confidence.
    pub ratio: Estimate,
    pub threshold: f64,
    /// One-sided p-value of "no regression beyond the threshold" (normal approximation on the
    /// bootstrap distribution of the log ratio).
    pub p_value: f64,
    /// A/A noise of the cell from a calibration file, as a fraction.
    pub noise: Option<f64>,
    pub verdict: Verdict,
    pub reason: String,
}

/// Geometric mean of an engine's ratios.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct EngineSummary {
    pub engine: String,
    pub cells: usize,
    pub ratio: Estimate,
    pub regressed: usize,
    pub improved: usize,
    pub too_noisy: usize,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct GateReport {
    pub schema: String,
    pub mode: String,
    pub baseline: String,
    pub candidate: String,
    pub confidence: f64,
    pub cells: Vec<CellResult>,
    pub engines: Vec<EngineSummary>,
    pub regressed: usize,
    pub improved: usize,
    pub too_noisy: usize,
    pub unchanged: usize,
    /// True when nothing regressed.
    pub pass: bool,
    /// Reruns of the candidate that regressions had to reproduce in (file mode, `--confirm`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub confirmed_by: Vec<String>,
}

impl GateReport {
    /// What to rerun to confirm this report's regressions: the `wasmgauge run` scenarios and
    /// engine configurations of the regressed cells (empty when nothing regressed).
    pub fn rerun_selection(&self) -> (Vec<String>, Vec<String>) {
        let regressed = || self.cells.iter().filter(|c| c.verdict == Verdict::Regressed);
        let scenarios: std::collections::BTreeSet<String> = regressed()
            .map(|c| if c.key.scenario == ids::PROCESS_START { ids::COLD_START.into() } else { c.key.scenario.clone() })
            .collect();
        let engines: std::collections::BTreeSet<String> = regressed().map(|c| c.key.engine.clone()).collect();
        (scenarios.into_iter().collect(), engines.into_iter().collect())
    }
}

/// Decides one cell from its bootstrap replicates (ratio candidate / baseline).
pub fn decide(
    reps: &[f64],
    point: f64,
    threshold: f64,
    confidence: f64,
    noise: Option<f64>,
) -> (Estimate, f64, Verdict, String) {
    let (lo, hi) = stats::interval_at(reps, confidence);
    let ratio = Estimate { value: point, ci95_low: lo, ci95_high: hi };
    let logs: Vec<f64> = reps.iter().map(|r| r.ln()).collect();
    let mean = logs.iter().sum::<f64>() / logs.len().max(1) as f64;
    let sd = (logs.iter().map(|l| (l - mean).powi(2)).sum::<f64>() / (logs.len().max(2) - 1) as f64).sqrt();
    let bound = (1.0 + threshold).ln();
    let p_value = if sd > 0.0 {
        1.0 - stats::normal_cdf((point.ln() - bound) / sd)
    } else if point.ln() > bound {
        0.0
    } else {
        1.0
    };
    let (verdict, reason) = verdict_of(ratio, threshold, noise);
    (ratio, p_value, verdict, reason)
}

/// Decides a cell measured in several worker processes on each side (schema 9) from the
/// processes' medians: Welch's t on their logarithms (`stats::levels::LogRatio`), so the
/// interval carries the variation between processes that the samples of one cannot show.
pub fn decide_across_processes(
    ratio: stats::levels::LogRatio,
    threshold: f64,
    confidence: f64,
    noise: Option<f64>,
) -> (Estimate, f64, Verdict, String) {
    let (lo, hi) = ratio.interval(confidence);
    let estimate = Estimate { value: ratio.ratio, ci95_low: lo, ci95_high: hi };
    let p_value = ratio.p_above(1.0 + threshold);
    let (verdict, reason) = verdict_of(estimate, threshold, noise);
    (estimate, p_value, verdict, reason)
}

/// The verdict on a ratio whose interval (at the gate's confidence) is `ratio`.
fn verdict_of(ratio: Estimate, threshold: f64, noise: Option<f64>) -> (Verdict, String) {
    let (lo, hi) = (ratio.ci95_low, ratio.ci95_high);
    let bound = (1.0 + threshold).ln();
    let half_width = (hi.ln() - lo.ln()) / 2.0;
    // With a noise floor, a shift must also clear twice the cell's A/A spread between runs,
    // which the samples inside one run cannot show.
    let margin = 1.0 + 2.0 * noise.unwrap_or(0.0);
    if let Some(n) = noise.filter(|n| *n > threshold) {
        (
            Verdict::TooNoisy,
            format!("A/A noise {:.1}% is wider than the {} threshold", n * 100.0, threshold_text(threshold)),
        )
    } else if lo > (1.0 + threshold) * margin {
        (Verdict::Regressed, format!("whole interval above +{:.1}%", ((1.0 + threshold) * margin - 1.0) * 100.0))
    } else if hi < 1.0 / ((1.0 + threshold) * margin) {
        (Verdict::Improved, format!("whole interval below -{:.1}%", (1.0 - 1.0 / ((1.0 + threshold) * margin)) * 100.0))
    } else if half_width > bound {
        (
            Verdict::TooNoisy,
            format!("interval ±{:.1}% is wider than the {} threshold", half_width * 100.0, threshold_text(threshold)),
        )
    } else if lo > 1.0 + threshold || hi < 1.0 / (1.0 + threshold) {
        (
            Verdict::Unchanged,
            format!(
                "past ±{} but within twice the A/A noise ({:.1}%)",
                threshold_text(threshold),
                noise.unwrap_or(0.0) * 100.0
            ),
        )
    } else {
        (Verdict::Unchanged, "interval within the threshold".into())
    }
}

/// Applies Holm's correction to the cells judged regressed, turning the ones that do not
/// survive it into "unchanged", and counts the verdicts.
/// Holm's correction across all cells: a regressed cell whose p-value does not survive it at
/// level 1 - `confidence` becomes unchanged, saying why.
fn holm_correct(cells: &mut [CellResult], confidence: f64) {
    let p: Vec<f64> = cells.iter().map(|c| c.p_value).collect();
    let keep = stats::holm(&p, 1.0 - confidence);
    for (c, keep) in cells.iter_mut().zip(keep) {
        if c.verdict == Verdict::Regressed && !keep {
            c.verdict = Verdict::Unchanged;
            c.reason = format!(
                "interval above +{} but not significant after Holm correction (p = {:.2e})",
                threshold_text(c.threshold),
                c.p_value
            );
        }
    }
}

pub fn finish(
    mode: &str,
    baseline: String,
    candidate: String,
    confidence: f64,
    mut cells: Vec<CellResult>,
) -> GateReport {
    holm_correct(&mut cells, confidence);
    let mut engines: Vec<EngineSummary> = Vec::new();
    let mut by_engine: BTreeMap<String, Vec<&CellResult>> = BTreeMap::new();
    for c in &cells {
        by_engine.entry(c.key.engine.clone()).or_default().push(c);
    }
    for (engine, list) in by_engine {
        let logs: Vec<f64> = list.iter().map(|c| c.ratio.value.ln()).collect();
        let lo: Vec<f64> = list.iter().map(|c| c.ratio.ci95_low.ln()).collect();
        let hi: Vec<f64> = list.iter().map(|c| c.ratio.ci95_high.ln()).collect();
        let mean = |v: &[f64]| (v.iter().sum::<f64>() / v.len() as f64).exp();
        let count = |v: Verdict| list.iter().filter(|c| c.verdict == v).count();
        engines.push(EngineSummary {
            cells: list.len(),
            // The geometric mean of the ratios, bracketed by the geometric means of the bounds
            // (conservative: as if the cells' errors were fully correlated).
            ratio: Estimate { value: mean(&logs), ci95_low: mean(&lo), ci95_high: mean(&hi) },
            regressed: count(Verdict::Regressed),
            improved: count(Verdict::Improved),
            too_noisy: count(Verdict::TooNoisy),
            engine,
        });
    }
    let count = |v: Verdict| cells.iter().filter(|c| c.verdict == v).count();
    let regressed = count(Verdict::Regressed);
    GateReport {
        schema: "wasmgauge-gate".into(),
        mode: mode.into(),
        baseline,
        candidate,
        confidence,
        improved: count(Verdict::Improved),
        too_noisy: count(Verdict::TooNoisy),
        unchanged: count(Verdict::Unchanged),
        regressed,
        pass: regressed == 0,
        engines,
        cells,
        confirmed_by: Vec::new(),
    }
}

/// Machine identity for the cross-machine check.
fn machine(r: &ResultsFile) -> String {
    let e = &r.environment;
    format!("{} · {} cores · {} · host {}", e.cpu_model, e.logical_cores, e.arch, e.hostname)
}

/// Refuses inputs of different schema versions or (unless allowed) from different machines.
fn comparable(
    base: &ResultsFile,
    cand: &ResultsFile,
    names: (&str, &str),
    allow_cross_machine: bool,
) -> Result<(), Incomparable> {
    if !results::cells_comparable(base.schema_version, cand.schema_version) {
        return Err(Incomparable(format!(
            "results schema versions differ: baseline {} has version {}, candidate {} has version {} (version 1 stored uncalibrated times)",
            names.0, base.schema_version, names.1, cand.schema_version
        )));
    }
    if !allow_cross_machine && machine(base) != machine(cand) {
        return Err(Incomparable(format!(
            "the runs come from different machines (baseline: {}; candidate: {}); pass --allow-cross-machine to compare anyway",
            machine(base),
            machine(cand)
        )));
    }
    Ok(())
}

/// `x.key: baseline <sha> vs candidate <sha>` when two cells ran different guest bytes.
fn different_bytes(x: &GateCell, y: &GateCell) -> Option<String> {
    let short = |v: &[String]| v.iter().map(|s| &s[..12.min(s.len())]).collect::<Vec<_>>().join("+");
    (x.modules != y.modules)
        .then(|| format!("{}: baseline {} vs candidate {}", x.key, short(&x.modules), short(&y.modules)))
}

/// A threshold as a percentage: `5%`, `0.5%`.
pub fn threshold_text(t: f64) -> String {
    let text = format!("{:.2}", t * 100.0);
    format!("{}%", text.trim_end_matches('0').trim_end_matches('.'))
}

/// Judges a cell measured outside results files (the paired gate's instruction counts): the
/// baseline's samples against the candidate's, as file mode judges a cell.
pub fn judge_samples(key: CellKey, baseline: Vec<f64>, candidate: Vec<f64>, config: &GateConfig) -> CellResult {
    let x = GateCell { key: key.clone(), samples: baseline, modules: Vec::new(), process_medians: Vec::new() };
    let y = GateCell { key, samples: candidate, modules: Vec::new(), process_medians: Vec::new() };
    judge(&x, &y, config, None)
}

/// Judges one cell: baseline samples `x` against candidate samples `y` of the same key.
fn judge(x: &GateCell, y: &GateCell, config: &GateConfig, noise: Option<&noise::NoiseFile>) -> CellResult {
    let threshold = config.threshold(&x.key.scenario, &x.key.metric);
    let n = noise.and_then(|n| n.noise_of(&x.key));
    let across = stats::levels::LogRatio::of(&x.process_medians, &y.process_medians);
    let (bm, cm, (ratio, p_value, mut verdict, mut reason)) = match across {
        Some(r) => (
            stats::levels::geometric_mean(&x.process_medians),
            stats::levels::geometric_mean(&y.process_medians),
            decide_across_processes(r, threshold, config.confidence, n),
        ),
        None => {
            let reps = stats::ratio_replicates(&y.samples, &x.samples);
            let (bm, cm) = (stats::median(&x.samples), stats::median(&y.samples));
            (bm, cm, decide(&reps, cm / bm, threshold, config.confidence, n))
        }
    };
    if bm.min(cm) < config.min_time_ns {
        verdict = Verdict::TooNoisy;
        reason = format!("below the {} ns resolution floor of the harness", config.min_time_ns);
    }
    CellResult {
        key: x.key.clone(),
        baseline_median: bm,
        candidate_median: cm,
        ratio,
        threshold,
        p_value,
        noise: n,
        verdict,
        reason,
    }
}

/// Compares two result files cell by cell; a regression must reproduce in every rerun of the
/// candidate in `confirm` (name, results) to fail the gate.
pub fn compare(
    base: &ResultsFile,
    cand: &ResultsFile,
    names: (&str, &str),
    config: &GateConfig,
    noise: Option<&noise::NoiseFile>,
    allow_cross_machine: bool,
    confirm: &[(String, ResultsFile)],
) -> Result<GateReport, Incomparable> {
    comparable(base, cand, names, allow_cross_machine)?;
    let (b, c) = (extract(base), extract(cand));
    let cand_by: BTreeMap<&CellKey, &GateCell> = c.iter().map(|x| (&x.key, x)).collect();
    let base_by: BTreeMap<&CellKey, &GateCell> = b.iter().map(|x| (&x.key, x)).collect();
    let missing = |from: &BTreeMap<&CellKey, &GateCell>, other: &[GateCell]| -> Vec<String> {
        other.iter().filter(|x| !from.contains_key(&x.key)).map(|x| x.key.to_string()).collect()
    };
    let (only_base, only_cand) = (missing(&cand_by, &b), missing(&base_by, &c));
    if !only_base.is_empty() || !only_cand.is_empty() {
        let list = |v: &[String]| {
            let shown: Vec<&str> = v.iter().take(8).map(String::as_str).collect();
            format!(
                "{}{}",
                shown.join("; "),
                if v.len() > 8 { format!("; and {} more", v.len() - 8) } else { String::new() }
            )
        };
        let mut parts = Vec::new();
        if !only_base.is_empty() {
            parts.push(format!("{} cells only in the baseline: {}", only_base.len(), list(&only_base)));
        }
        if !only_cand.is_empty() {
            parts.push(format!("{} cells only in the candidate: {}", only_cand.len(), list(&only_cand)));
        }
        return Err(Incomparable(format!("missing cells ({})", parts.join(" | "))));
    }
    let differing: Vec<String> = b.iter().filter_map(|x| different_bytes(x, cand_by[&x.key])).collect();
    if !differing.is_empty() {
        return Err(Incomparable(format!(
            "different guest bytes (corpus sha256) for {} cells: {}",
            differing.len(),
            differing.iter().take(5).cloned().collect::<Vec<_>>().join("; ")
        )));
    }
    let mut cells: Vec<CellResult> = b.iter().map(|x| judge(x, cand_by[&x.key], config, noise)).collect();
    // Only what stays regressed after the correction needs reproducing: exactly the cells whose
    // scenarios and engines a failed gate names in its rerun hint (`rerun_selection`).
    if !confirm.is_empty() {
        holm_correct(&mut cells, config.confidence);
    }
    for (name, rerun) in confirm {
        comparable(base, rerun, (names.0, name), allow_cross_machine)?;
        reproduce(&mut cells, &base_by, name, &extract(rerun), config, noise)?;
    }
    let mut report = finish("files", names.0.into(), names.1.into(), config.confidence, cells);
    report.confirmed_by = confirm.iter().map(|(name, _)| name.clone()).collect();
    Ok(report)
}

/// Judges every cell still regressed again, against the same baseline, with the samples of a
/// rerun of the candidate: it stays regressed only when the rerun regresses it too (its p-value
/// becomes the larger of the two for Holm's correction); otherwise it is unchanged, with both
/// figures in its reason. The rerun needs only the regressed cells.
fn reproduce(
    cells: &mut [CellResult],
    base_by: &BTreeMap<&CellKey, &GateCell>,
    name: &str,
    rerun: &[GateCell],
    config: &GateConfig,
    noise: Option<&noise::NoiseFile>,
) -> Result<(), Incomparable> {
    let by: BTreeMap<&CellKey, &GateCell> = rerun.iter().map(|x| (&x.key, x)).collect();
    for cell in cells.iter_mut().filter(|c| c.verdict == Verdict::Regressed) {
        let x = base_by[&cell.key];
        let y = by.get(&cell.key).ok_or_else(|| {
            Incomparable(format!(
                "the confirmation run {name} has no cell {} (it regressed in the candidate)",
                cell.key
            ))
        })?;
        if let Some(d) = different_bytes(x, y) {
            return Err(Incomparable(format!("the confirmation run {name} ran different guest bytes: {d}")));
        }
        let again = judge(x, y, config, noise);
        if again.verdict == Verdict::Regressed {
            cell.reason = format!("{}; reproduced by {name} ({})", cell.reason, pct_change(again.ratio.value));
            cell.p_value = cell.p_value.max(again.p_value);
        } else {
            cell.verdict = Verdict::Unchanged;
            cell.reason = format!(
                "{} in the candidate was not reproduced by {name} ({} [{}, {}], {})",
                pct_change(cell.ratio.value),
                pct_change(again.ratio.value),
                pct_change(again.ratio.ci95_low),
                pct_change(again.ratio.ci95_high),
                again.verdict.text()
            );
        }
    }
    Ok(())
}

/// A ratio as a signed percentage change: `+4.9%`.
pub fn pct_change(ratio: f64) -> String {
    format!("{:+.1}%", (ratio - 1.0) * 100.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn reps_around(center: f64, spread: f64) -> Vec<f64> {
        let mut v: Vec<f64> = (0..2000).map(|i| center * (1.0 + spread * ((i as f64 / 1999.0) - 0.5))).collect();
        v.sort_by(f64::total_cmp);
        v
    }

    #[test]
    fn verdicts_need_the_whole_interval_past_the_threshold() {
        let (r, p, v, _) = decide(&reps_around(1.20, 0.02), 1.20, 0.05, 0.99, None);
        assert_eq!(v, Verdict::Regressed);
        assert!(r.ci95_low > 1.05 && p < 1e-6, "{r:?} {p}");
        assert_eq!(decide(&reps_around(1.04, 0.02), 1.04, 0.05, 0.99, None).2, Verdict::Unchanged);
        assert_eq!(decide(&reps_around(1.06, 0.04), 1.06, 0.05, 0.99, None).2, Verdict::Unchanged, "straddles +5%");
        assert_eq!(decide(&reps_around(0.80, 0.02), 0.80, 0.05, 0.99, None).2, Verdict::Improved);
        assert_eq!(decide(&reps_around(1.0, 0.5), 1.0, 0.05, 0.99, None).2, Verdict::TooNoisy);
        assert_eq!(decide(&reps_around(1.20, 0.02), 1.20, 0.05, 0.99, Some(0.08)).2, Verdict::TooNoisy, "noise file");
        // A 7% shift on a cell with 3% A/A noise is within 1.05 x 1.06; a 20% shift is not.
        assert_eq!(decide(&reps_around(1.07, 0.01), 1.07, 0.05, 0.99, Some(0.03)).2, Verdict::Unchanged);
        assert_eq!(decide(&reps_around(1.20, 0.01), 1.20, 0.05, 0.99, Some(0.03)).2, Verdict::Regressed);
    }

    /// A cell whose 400 samples sit around `level` (a deterministic ±2% spread).
    fn cell_at(workload: &str, level: f64, sha: &str) -> GateCell {
        GateCell {
            key: CellKey {
                scenario: ids::THROUGHPUT.into(),
                workload: workload.into(),
                engine: "e".into(),
                metric: "time_per_call".into(),
            },
            samples: (0..400).map(|i| level * (1.0 + 0.02 * (((i * 37) % 101) as f64 / 100.0 - 0.5))).collect(),
            modules: vec![sha.into()],
            process_medians: Vec::new(),
        }
    }

    #[test]
    fn cells_measured_in_processes_are_judged_across_them() {
        let config = GateConfig::default();
        let with = |level: f64, spread: [f64; 3]| GateCell {
            process_medians: spread.iter().map(|s| level * s).collect(),
            ..cell_at("w", level, "s")
        };
        let base = with(100.0, [1.0, 1.01, 0.99]);
        // The samples alone (±2% around the level) would call +20% a regression either way; the
        // processes decide: tight ones find it, scattered ones make the cell too noisy.
        let r = judge(&base, &with(120.0, [1.0, 1.01, 0.995]), &config, None);
        assert_eq!(r.verdict, Verdict::Regressed, "{}", r.reason);
        assert!((r.ratio.value - 1.2).abs() < 0.01);
        let r = judge(&base, &with(120.0, [0.8, 1.2, 1.0]), &config, None);
        assert_eq!(r.verdict, Verdict::TooNoisy, "{}", r.reason);
        assert_eq!(judge(&base, &with(100.0, [1.0, 1.005, 0.995]), &config, None).verdict, Verdict::Unchanged);
    }

    #[test]
    fn a_regression_must_reproduce_in_every_rerun_of_the_candidate() {
        let config = GateConfig::default();
        let base = [cell_at("w", 100.0, "aa"), cell_at("v", 100.0, "aa")];
        let base_by: BTreeMap<&CellKey, &GateCell> = base.iter().map(|x| (&x.key, x)).collect();
        let judged = || {
            vec![judge(&base[0], &cell_at("w", 150.0, "aa"), &config, None), judge(&base[1], &base[1], &config, None)]
        };
        let cells = judged();
        assert_eq!((cells[0].verdict, cells[1].verdict), (Verdict::Regressed, Verdict::Unchanged));
        // A rerun at the baseline's level: not reproduced, so unchanged, with both figures.
        let mut cells = judged();
        reproduce(&mut cells, &base_by, "rerun.json", &[cell_at("w", 101.0, "aa")], &config, None).unwrap();
        assert_eq!(cells[0].verdict, Verdict::Unchanged);
        assert!(
            cells[0].reason.contains("+50.0% in the candidate was not reproduced by rerun.json (+1.0%"),
            "{}",
            cells[0].reason
        );
        // A rerun that is slow too: still regressed. A rerun needs only the regressed cells.
        let mut cells = judged();
        reproduce(&mut cells, &base_by, "rerun.json", &[cell_at("w", 148.0, "aa")], &config, None).unwrap();
        assert_eq!(cells[0].verdict, Verdict::Regressed);
        assert!(cells[0].reason.contains("reproduced by rerun.json (+48.0%)"), "{}", cells[0].reason);
        // A rerun that lacks the regressed cell, or ran other guest bytes, cannot confirm anything.
        let e = reproduce(&mut judged(), &base_by, "r.json", &[cell_at("v", 100.0, "aa")], &config, None).unwrap_err();
        assert!(e.to_string().contains("r.json has no cell throughput w on e"), "{e}");
        let e = reproduce(&mut judged(), &base_by, "r.json", &[cell_at("w", 150.0, "bb")], &config, None).unwrap_err();
        assert!(e.to_string().contains("different guest bytes"), "{e}");
    }

    #[test]
    fn holm_demotes_marginal_regressions_among_many_cells() {
        let cell = |p: f64, v: Verdict| CellResult {
            key: CellKey {
                scenario: ids::THROUGHPUT.into(),
                workload: "w".into(),
                engine: "e".into(),
                metric: "m".into(),
            },
            baseline_median: 1.0,
            candidate_median: 1.1,
            ratio: Estimate { value: 1.1, ci95_low: 1.06, ci95_high: 1.14 },
            threshold: 0.05,
            p_value: p,
            noise: None,
            verdict: v,
            reason: String::new(),
        };
        let mut cells = vec![cell(0.004, Verdict::Regressed)];
        cells.extend((0..9).map(|_| cell(0.9, Verdict::Unchanged)));
        let r = finish("files", "a".into(), "b".into(), 0.99, cells);
        assert_eq!(r.regressed, 0, "0.004 > 0.01/10");
        assert!(r.pass);
        let r = finish(
            "files",
            "a".into(),
            "b".into(),
            0.99,
            vec![cell(1e-6, Verdict::Regressed), cell(0.9, Verdict::Unchanged)],
        );
        assert_eq!((r.regressed, r.pass), (1, false));
        assert_eq!(r.engines[0].cells, 2);
        assert_eq!(r.rerun_selection(), (vec![ids::THROUGHPUT.to_string()], vec!["e".to_string()]));
        // What the correction clears needs no reproducing, so a rerun of exactly what the hint
        // names (here: nothing) confirms: --confirm asks for the cells the hint named.
        let mut cells = vec![cell(0.004, Verdict::Regressed)];
        cells.extend((0..9).map(|_| cell(0.9, Verdict::Unchanged)));
        holm_correct(&mut cells, 0.99);
        reproduce(&mut cells, &BTreeMap::new(), "r.json", &[], &GateConfig::default(), None).unwrap();
        let r = finish("files", "a".into(), "b".into(), 0.99, cells);
        assert_eq!(r.rerun_selection(), (vec![], vec![]));
    }
}
