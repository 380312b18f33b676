//! Figures measured in several worker processes, and ratios formed within rounds.
//!
//! A figure measured in K fresh processes varies at two levels: between the samples of one
//! process (timer, interrupts, batch jitter) and between processes (code and heap placement,
//! the machine's drift over the minutes the rounds span). Following Kalibera & Jones
//! ("Rigorous Benchmarking in Reasonable Time", ISMM 2013), the interval is built at the top
//! level: each process contributes one figure (the median of its kept samples), the estimate
//! is the geometric mean of those K figures, and its 95% interval is the Student t interval of
//! their logarithms with K - 1 degrees of freedom, so it widens honestly when K is small (a
//! bootstrap over 3 processes cannot). The variance components come from the same paper's
//! unbiased estimators on the log samples (S1^2 within a process; T2^2 = S2^2 - S1^2 / n
//! between processes), reported as the share of variance between processes. A ratio to a
//! baseline is formed within each round, where both sides ran minutes apart at most, and
//! summarized across rounds the same way.
use crate::Estimate;
use crate::changepoint::{mean, t_two_sided_p, variance};
use serde::{Deserialize, Serialize};

/// The two-sided critical value of Student's t at `level` (0.95) with `df` degrees of freedom.
pub fn t_critical(level: f64, df: f64) -> f64 {
    let alpha = 1.0 - level;
    let (mut lo, mut hi) = (0.0f64, 1.0e6f64);
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if t_two_sided_p(mid, df) > alpha {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    0.5 * (lo + hi)
}

/// P(T <= t) for Student's t with `df` degrees of freedom.
pub fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * t_two_sided_p(t.abs(), df);
    if t >= 0.0 { 1.0 - tail } else { tail }
}

/// The logarithms of the positive, finite `values`.
fn logs(values: &[f64]) -> Vec<f64> {
    values.iter().filter(|v| **v > 0.0 && v.is_finite()).map(|v| v.ln()).collect()
}

/// The geometric mean of the positive figures among `values` (0 when there are none).
pub fn geometric_mean(values: &[f64]) -> f64 {
    let logs = logs(values);
    if logs.is_empty() { 0.0 } else { mean(&logs).exp() }
}

/// The geometric mean of positive figures with the t interval of their logarithms at `level`
/// (at least two figures).
pub fn geometric_mean_t(values: &[f64], level: f64) -> Option<Estimate> {
    log_mean_t(&logs(values), level)
}

/// `exp` of the mean of `logs` with the t interval at `level` (at least two values).
pub fn log_mean_t(logs: &[f64], level: f64) -> Option<Estimate> {
    if logs.len() < 2 {
        return None;
    }
    let m = mean(logs);
    let half = t_critical(level, logs.len() as f64 - 1.0) * (variance(logs) / logs.len() as f64).sqrt();
    Some(Estimate { value: m.exp(), ci95_low: (m - half).exp(), ci95_high: (m + half).exp() })
}

/// What the processes of one figure say together.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Levels {
    /// Geometric mean of the processes' medians, with the t 95% interval across processes.
    pub estimate: Estimate,
    /// Processes behind it.
    pub processes: usize,
    /// Share of the (log) variance that lies between processes rather than within one: near 1,
    /// the figure depends on the process (layout, drift); near 0, on sample jitter only.
    pub between_share: f64,
}

/// Two-level summary of the samples of K >= 2 processes (each non-empty); `None` below two.
pub fn across_processes(groups: &[&[f64]]) -> Option<Levels> {
    let groups: Vec<Vec<f64>> = groups
        .iter()
        .map(|g| g.iter().copied().filter(|v| *v > 0.0 && v.is_finite()).collect::<Vec<f64>>())
        .filter(|g| !g.is_empty())
        .collect();
    let medians: Vec<f64> = groups.iter().map(|g| crate::median(g)).collect();
    let estimate = geometric_mean_t(&medians, 0.95)?;
    let logs: Vec<Vec<f64>> = groups.iter().map(|g| g.iter().map(|v| v.ln()).collect()).collect();
    let within = mean(&logs.iter().filter(|g| g.len() > 1).map(|g| variance(g)).collect::<Vec<f64>>());
    let within = if within.is_finite() { within } else { 0.0 };
    let n = groups.iter().map(Vec::len).sum::<usize>() as f64 / groups.len() as f64;
    let means: Vec<f64> = logs.iter().map(|g| mean(g)).collect();
    let between = (variance(&means) - within / n).max(0.0);
    let between_share = if between + within > 0.0 { between / (between + within) } else { 0.0 };
    Some(Levels { estimate, processes: groups.len(), between_share })
}

/// The ratio of two figures measured in several processes each (`candidate / baseline`, each
/// process contributing its median): Welch's t on the logarithms.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LogRatio {
    /// The ratio of the geometric means.
    pub ratio: f64,
    /// Standard error of its logarithm, and Welch's degrees of freedom.
    pub log_se: f64,
    /// Welch's degrees of freedom.
    pub df: f64,
}

impl LogRatio {
    /// Between two sets of process medians (at least two on each side).
    pub fn of(baseline: &[f64], candidate: &[f64]) -> Option<LogRatio> {
        if baseline.len() < 2 || candidate.len() < 2 {
            return None;
        }
        let lb: Vec<f64> = baseline.iter().map(|v| v.ln()).collect();
        let lc: Vec<f64> = candidate.iter().map(|v| v.ln()).collect();
        let (vb, vc) = (variance(&lb) / lb.len() as f64, variance(&lc) / lc.len() as f64);
        let se2 = vb + vc;
        let df = if se2 > 0.0 {
            se2 * se2 / (vb * vb / (lb.len() as f64 - 1.0) + vc * vc / (lc.len() as f64 - 1.0)).max(f64::MIN_POSITIVE)
        } else {
            (lb.len() + lc.len() - 2) as f64
        };
        Some(LogRatio { ratio: (mean(&lc) - mean(&lb)).exp(), log_se: se2.sqrt(), df })
    }

    /// The interval at `level`.
    pub fn interval(&self, level: f64) -> (f64, f64) {
        let half = t_critical(level, self.df) * self.log_se;
        (self.ratio * (-half).exp(), self.ratio * half.exp())
    }

    /// One-sided p-value that the true ratio is at most `bound`.
    pub fn p_above(&self, bound: f64) -> f64 {
        if self.log_se <= 0.0 {
            return if self.ratio > bound { 0.0 } else { 1.0 };
        }
        1.0 - t_cdf((self.ratio.ln() - bound.ln()) / self.log_se, self.df)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_critical_values_match_the_tables() {
        for (df, want) in [(1.0, 12.706), (2.0, 4.303), (9.0, 2.262), (1e6, 1.960)] {
            assert!((t_critical(0.95, df) - want).abs() < 2e-3, "df {df}: {}", t_critical(0.95, df));
        }
        assert!((t_critical(0.99, 4.0) - 4.604).abs() < 2e-3);
        assert!((t_cdf(0.0, 5.0) - 0.5).abs() < 1e-9 && (t_cdf(2.015, 5.0) - 0.95).abs() < 1e-3);
    }

    /// Three processes at levels 100, 104, 98, each with a ±0.5% wobble.
    fn three() -> Vec<Vec<f64>> {
        [100.0, 104.0, 98.0]
            .iter()
            .map(|l| (0..10).map(|i| l * (1.0 + 0.005 * ((i % 5) as f64 - 2.0) / 2.0)).collect())
            .collect()
    }

    #[test]
    fn the_interval_spans_the_processes_and_the_variance_lies_between_them() {
        let g = three();
        let refs: Vec<&[f64]> = g.iter().map(Vec::as_slice).collect();
        let l = across_processes(&refs).unwrap();
        assert_eq!(l.processes, 3);
        let gm = (100.0f64 * 104.0 * 98.0).powf(1.0 / 3.0);
        assert!((l.estimate.value - gm).abs() < 0.01, "{l:?}");
        // The t interval with 2 degrees of freedom is far wider than the spread of one process.
        assert!(l.estimate.ci95_low < 96.0 && l.estimate.ci95_high > 106.0, "{l:?}");
        assert!(l.between_share > 0.95, "{l:?}");
        // Identical processes: the variance is all within, the interval narrow.
        let same: Vec<Vec<f64>> = (0..3).map(|_| g[0].clone()).collect();
        let refs: Vec<&[f64]> = same.iter().map(Vec::as_slice).collect();
        let l = across_processes(&refs).unwrap();
        assert!(l.between_share < 0.01 && l.estimate.half_width() < 1e-9, "{l:?}");
        assert!(across_processes(&refs[..1]).is_none());
    }

    #[test]
    fn a_log_ratio_sees_a_shift_and_its_p_value_follows_the_bound() {
        let r = LogRatio::of(&[100.0, 101.0, 99.0], &[120.0, 121.0, 119.5]).unwrap();
        assert!((r.ratio - 1.2).abs() < 0.01, "{r:?}");
        let (lo, hi) = r.interval(0.99);
        assert!(lo > 1.1 && hi < 1.3, "{lo} {hi}");
        assert!(r.p_above(1.05) < 0.01 && r.p_above(1.3) > 0.99);
        assert!(LogRatio::of(&[1.0], &[1.0, 2.0]).is_none());
    }
}
