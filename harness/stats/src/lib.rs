//! Statistics over raw samples: medians with bootstrap 95% confidence intervals, coefficient of
//! variation, Tukey outlier counts (counted and shown, never dropped), ratios of medians with
//! intervals, geometric means of ratios with intervals, Holm's correction, and change points in
//! a series of runs ([`changepoint`]), intervals across worker processes and rounds
//! ([`levels`]) and steady-state classification of a sample series ([`steady`]).
//!
//! Bootstraps use a fixed-seed generator so the same samples always give the same interval.

pub mod changepoint;
pub mod levels;
pub mod steady;

use serde::{Deserialize, Serialize};
/// The seeded generator behind every bootstrap, also what shuffles a run's rounds.
pub use wg_common::Rng;

/// Resamples per bootstrap.
pub const BOOTSTRAP_RESAMPLES: usize = 2000;
const SEED: u64 = 0xb007_57a7;

/// A point estimate with its 95% interval.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    /// The point estimate.
    pub value: f64,
    /// The interval's lower end.
    pub ci95_low: f64,
    /// The interval's upper end.
    pub ci95_high: f64,
}

impl Estimate {
    /// Half the interval's width (the "±" figure).
    pub fn half_width(&self) -> f64 {
        (self.ci95_high - self.ci95_low) / 2.0
    }
}

/// Tukey fences on the quartiles: mild beyond 1.5 IQR, severe beyond 3 IQR.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Outliers {
    /// Below Q1 - 3 IQR.
    pub low_severe: usize,
    /// Between Q1 - 3 IQR and Q1 - 1.5 IQR.
    pub low_mild: usize,
    /// Between Q3 + 1.5 IQR and Q3 + 3 IQR.
    pub high_mild: usize,
    /// Above Q3 + 3 IQR.
    pub high_severe: usize,
}

impl Outliers {
    /// Every outlier.
    pub fn total(&self) -> usize {
        self.low_severe + self.low_mild + self.high_mild + self.high_severe
    }
}

/// What a set of samples says.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    /// Samples.
    pub n: usize,
    /// Their median with its bootstrap 95% interval.
    pub median: Estimate,
    /// Their mean.
    pub mean: f64,
    /// Their standard deviation.
    pub stddev: f64,
    /// stddev / mean.
    pub cv: f64,
    /// The smallest sample.
    pub min: f64,
    /// The largest sample.
    pub max: f64,
    /// Samples beyond the Tukey fences.
    pub outliers: Outliers,
}

fn sorted(xs: &[f64]) -> Vec<f64> {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    v
}

/// Quantile of sorted data with linear interpolation (q in [0, 1]).
pub fn quantile_sorted(v: &[f64], q: f64) -> f64 {
    if v.is_empty() {
        return f64::NAN;
    }
    let pos = q * (v.len() - 1) as f64;
    let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
    v[lo] + (v[hi] - v[lo]) * (pos - lo as f64)
}

/// The median of `xs` (0 for none).
pub fn median(xs: &[f64]) -> f64 {
    quantile_sorted(&sorted(xs), 0.5)
}

fn resample(rng: &mut Rng, xs: &[f64], out: &mut Vec<f64>) {
    out.clear();
    out.extend((0..xs.len()).map(|_| xs[rng.below(xs.len() as u64) as usize]));
}

/// Percentile interval of bootstrap replicates of `stat`.
fn percentile_interval(mut reps: Vec<f64>) -> (f64, f64) {
    reps.retain(|x| x.is_finite());
    reps.sort_by(f64::total_cmp);
    (quantile_sorted(&reps, 0.025), quantile_sorted(&reps, 0.975))
}

/// Percentile 95% interval of [`BOOTSTRAP_RESAMPLES`] replicates of a statistic; `replicate`
/// draws one resample with the generator and returns the statistic on it.
fn bootstrap_interval(seed: u64, mut replicate: impl FnMut(&mut Rng) -> f64) -> (f64, f64) {
    let mut rng = Rng::new(seed);
    percentile_interval((0..BOOTSTRAP_RESAMPLES).map(|_| replicate(&mut rng)).collect())
}

/// Median with a bootstrap 95% interval.
pub fn median_estimate(xs: &[f64]) -> Estimate {
    let value = median(xs);
    if xs.len() < 2 {
        return Estimate { value, ci95_low: value, ci95_high: value };
    }
    let mut buf = Vec::with_capacity(xs.len());
    let (ci95_low, ci95_high) = bootstrap_interval(SEED, |rng| {
        resample(rng, xs, &mut buf);
        median(&buf)
    });
    Estimate { value, ci95_low, ci95_high }
}

/// The samples of `xs` beyond the Tukey fences.
pub fn outliers(xs: &[f64]) -> Outliers {
    let v = sorted(xs);
    let (q1, q3) = (quantile_sorted(&v, 0.25), quantile_sorted(&v, 0.75));
    let iqr = q3 - q1;
    let mut o = Outliers::default();
    for &x in &v {
        if x < q1 - 3.0 * iqr {
            o.low_severe += 1;
        } else if x < q1 - 1.5 * iqr {
            o.low_mild += 1;
        } else if x > q3 + 3.0 * iqr {
            o.high_severe += 1;
        } else if x > q3 + 1.5 * iqr {
            o.high_mild += 1;
        }
    }
    o
}

/// Everything the samples say: median with interval, mean, spread, outliers.
pub fn summarize(xs: &[f64]) -> Summary {
    let n = xs.len();
    let mean = xs.iter().sum::<f64>() / n.max(1) as f64;
    let var = if n > 1 { xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1) as f64 } else { 0.0 };
    let stddev = var.sqrt();
    Summary {
        n,
        median: median_estimate(xs),
        mean,
        stddev,
        cv: if mean != 0.0 { stddev / mean } else { 0.0 },
        min: xs.iter().copied().fold(f64::INFINITY, f64::min),
        max: xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
        outliers: outliers(xs),
    }
}

/// Ratio of medians `a / b` with a bootstrap 95% interval (both sides resampled independently).
pub fn ratio_of_medians(a: &[f64], b: &[f64]) -> Estimate {
    let value = median(a) / median(b);
    let (mut ba, mut bb) = (Vec::new(), Vec::new());
    let (ci95_low, ci95_high) = bootstrap_interval(SEED ^ 1, |rng| {
        resample(rng, a, &mut ba);
        resample(rng, b, &mut bb);
        median(&ba) / median(&bb)
    });
    Estimate { value, ci95_low, ci95_high }
}

/// Geometric mean over pairs of the ratio of medians `a_i / b_i`, with a bootstrap 95% interval
/// (every pair's samples resampled in each replicate).
pub fn geomean_of_ratios(pairs: &[(&[f64], &[f64])]) -> Estimate {
    let geo = |ratios: &mut dyn Iterator<Item = f64>| {
        let (sum, n) = ratios.fold((0.0, 0usize), |(s, n), r| (s + r.ln(), n + 1));
        (sum / n.max(1) as f64).exp()
    };
    let value = geo(&mut pairs.iter().map(|(a, b)| median(a) / median(b)));
    let (mut ba, mut bb) = (Vec::new(), Vec::new());
    let (ci95_low, ci95_high) = bootstrap_interval(SEED ^ 2, |rng| {
        geo(&mut pairs.iter().map(|(a, b)| {
            resample(rng, a, &mut ba);
            resample(rng, b, &mut bb);
            median(&ba) / median(&bb)
        }))
    });
    Estimate { value, ci95_low, ci95_high }
}

/// Geometric mean over groups of each group's median, with a bootstrap 95% interval (every
/// group resampled in each replicate): a "typical" figure over workloads of different sizes.
pub fn geomean_of_medians(groups: &[&[f64]]) -> Estimate {
    const ONE: &[f64] = &[1.0];
    let pairs: Vec<(&[f64], &[f64])> = groups.iter().map(|g| (*g, ONE)).collect();
    geomean_of_ratios(&pairs)
}

/// Bootstrap replicates of the ratio of medians `a / b` (both sides resampled independently),
/// for intervals at other levels and for tests against a threshold.
pub fn ratio_replicates(a: &[f64], b: &[f64]) -> Vec<f64> {
    let mut rng = Rng::new(SEED ^ 3);
    let (mut ba, mut bb) = (Vec::new(), Vec::new());
    let mut reps: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            resample(&mut rng, a, &mut ba);
            resample(&mut rng, b, &mut bb);
            median(&ba) / median(&bb)
        })
        .filter(|x| x.is_finite() && *x > 0.0)
        .collect();
    reps.sort_by(f64::total_cmp);
    reps
}

/// Sorted bootstrap replicates of the mean of `xs` (e.g. per-round log ratios).
pub fn mean_replicates(xs: &[f64]) -> Vec<f64> {
    let mut rng = Rng::new(SEED ^ 4);
    let mut buf = Vec::new();
    let mut reps: Vec<f64> = (0..BOOTSTRAP_RESAMPLES)
        .map(|_| {
            resample(&mut rng, xs, &mut buf);
            buf.iter().sum::<f64>() / buf.len().max(1) as f64
        })
        .collect();
    reps.sort_by(f64::total_cmp);
    reps
}

/// Fisher-Yates shuffle of `items` driven by `rng`.
pub fn shuffle<T>(rng: &mut Rng, items: &mut [T]) {
    for i in (1..items.len()).rev() {
        items.swap(i, rng.below(i as u64 + 1) as usize);
    }
}

/// The central `level` interval (e.g. 0.99) of sorted replicates.
pub fn interval_at(sorted_reps: &[f64], level: f64) -> (f64, f64) {
    let tail = (1.0 - level) / 2.0;
    (quantile_sorted(sorted_reps, tail), quantile_sorted(sorted_reps, 1.0 - tail))
}

/// Standard normal cumulative distribution (Abramowitz and Stegun 7.1.26 for erf; absolute
/// error below 1.5e-7), for p-values from a bootstrap standard error.
pub fn normal_cdf(z: f64) -> f64 {
    let x = z.abs() / std::f64::consts::SQRT_2;
    let t = 1.0 / (1.0 + 0.327_591_1 * x);
    let poly =
        t * (0.254_829_592 + t * (-0.284_496_736 + t * (1.421_413_741 + t * (-1.453_152_027 + t * 1.061_405_429))));
    let erf = 1.0 - poly * (-x * x).exp();
    if z >= 0.0 { 0.5 * (1.0 + erf) } else { 0.5 * (1.0 - erf) }
}

/// Holm's step-down procedure: which of `p_values` are rejected at family-wise level `alpha`.
pub fn holm(p_values: &[f64], alpha: f64) -> Vec<bool> {
    let m = p_values.len();
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
    let mut rejected = vec![false; m];
    for (rank, &i) in order.iter().enumerate() {
        if p_values[i] <= alpha / (m - rank) as f64 {
            rejected[i] = true;
        } else {
            break;
        }
    }
    rejected
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0];
        assert_eq!(quantile_sorted(&v, 0.5), 2.5);
        assert_eq!(quantile_sorted(&v, 0.0), 1.0);
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
    }

    #[test]
    fn interval_contains_the_median_and_narrows_with_tight_data() {
        let tight: Vec<f64> = (0..50).map(|i| 100.0 + (i % 5) as f64 * 0.1).collect();
        let e = median_estimate(&tight);
        assert!(e.ci95_low <= e.value && e.value <= e.ci95_high);
        assert!(e.half_width() < 0.3, "{e:?}");
        assert_eq!(median_estimate(&tight), e, "fixed seed: same data, same interval");
    }

    #[test]
    fn outliers_are_counted_not_dropped() {
        let mut xs: Vec<f64> = (0..20).map(|i| 10.0 + (i % 4) as f64).collect();
        xs.push(1000.0);
        xs.push(14.5);
        let s = summarize(&xs);
        assert_eq!(s.n, 22);
        assert_eq!(s.outliers.high_severe, 1);
        assert_eq!(s.max, 1000.0);
    }

    #[test]
    fn normal_cdf_holm_and_level_intervals() {
        assert!((normal_cdf(0.0) - 0.5).abs() < 1e-7);
        assert!((normal_cdf(1.959_964) - 0.975).abs() < 1e-6);
        assert!((normal_cdf(-2.575_829) - 0.005).abs() < 1e-6);
        // Holm: 0.001 <= 0.05/3, 0.02 <= 0.05/2, 0.04 <= 0.05/1 -> all; a big first p stops everything.
        assert_eq!(holm(&[0.04, 0.001, 0.02], 0.05), vec![true, true, true]);
        assert_eq!(holm(&[0.04, 0.03, 0.02], 0.05), vec![false, false, false]);
        assert_eq!(holm(&[0.001, 0.5], 0.05), vec![true, false]);
        let a: Vec<f64> = (0..40).map(|i| 110.0 + (i % 5) as f64).collect();
        let b: Vec<f64> = (0..40).map(|i| 100.0 + (i % 5) as f64).collect();
        let reps = ratio_replicates(&a, &b);
        let (lo99, hi99) = interval_at(&reps, 0.99);
        let (lo95, hi95) = interval_at(&reps, 0.95);
        assert!(lo99 <= lo95 && hi95 <= hi99 && lo99 > 1.05 && hi99 < 1.15, "{lo99} {hi99}");
    }

    #[test]
    fn ratios_and_geomeans() {
        let a: Vec<f64> = (0..30).map(|i| 200.0 + (i % 3) as f64).collect();
        let b: Vec<f64> = (0..30).map(|i| 100.0 + (i % 3) as f64 * 0.5).collect();
        let r = ratio_of_medians(&a, &b);
        assert!((r.value - 2.0).abs() < 0.02 && r.ci95_low <= r.value && r.value <= r.ci95_high, "{r:?}");
        let c: Vec<f64> = b.iter().map(|x| x * 8.0).collect();
        let g = geomean_of_ratios(&[(&a, &b), (&c, &b)]);
        assert!((g.value - 4.0).abs() < 0.05, "{g:?}");
        let m = geomean_of_medians(&[&a, &c]);
        let expected = (median(&a) * median(&c)).sqrt();
        assert!((m.value - expected).abs() < 1e-9 && m.ci95_low <= m.value && m.value <= m.ci95_high, "{m:?}");
    }
}
