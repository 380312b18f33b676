//! Change points in a series of per-run figures (`wasmgauge history`).
//!
//! Candidates are located by E-divisive means (Matteson & James, "A Nonparametric Approach for
//! Multiple Change Point Analysis of Multivariate Data", JASA 2014; alpha = 1): the split of a
//! segment that maximizes the scaled energy distance between its two sides, found by binary
//! segmentation. Each candidate is tested the way Hunter does it (Fleming et al., "Hunter:
//! Using Change Point Detection to Hunt for Performance Regressions", ICPE 2023): a Welch
//! t-test between the two sides, here Bonferroni-corrected for the number of splits the search
//! tried, instead of E-divisive's permutation test (which cannot reach small p-values with a
//! dozen points). Across many series the caller controls the family-wise error with Holm
//! ([`crate::holm`]) and also asks for a minimum relative size of change.
//!
//! The Student t distribution is evaluated through the regularized incomplete beta function
//! (Lentz's continued fraction, as in Numerical Recipes), to keep this crate free of
//! dependencies the runtime drivers would have to lock too.

/// A change between `index - 1` and `index` (the first point of the new level).
#[derive(Clone, Debug, PartialEq)]
pub struct Change {
    /// Index of the first sample after the change.
    pub index: usize,
    /// Mean of the segment before and after, as the search split them.
    pub before: f64,
    /// Mean of the segment after it.
    pub after: f64,
    /// Welch t-test p-value, Bonferroni-corrected for the candidate splits tried.
    pub p_value: f64,
}

/// The scaled energy statistic of splitting `x` at `tau` (`x[..tau]` vs `x[tau..]`).
pub fn energy(x: &[f64], tau: usize) -> f64 {
    let (a, b) = x.split_at(tau);
    let (n, m) = (a.len() as f64, b.len() as f64);
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    let between: f64 = a.iter().map(|p| b.iter().map(|q| (p - q).abs()).sum::<f64>()).sum::<f64>() * 2.0 / (n * m);
    let within = |s: &[f64]| {
        let k = s.len();
        if k < 2 {
            return 0.0;
        }
        let mut sum = 0.0;
        for i in 0..k {
            for j in i + 1..k {
                sum += (s[i] - s[j]).abs();
            }
        }
        sum * 2.0 / (k * (k - 1)) as f64
    };
    n * m / (n + m) * (between - within(a) - within(b))
}

pub(crate) fn mean(x: &[f64]) -> f64 {
    x.iter().sum::<f64>() / x.len().max(1) as f64
}

pub(crate) fn variance(x: &[f64]) -> f64 {
    let m = mean(x);
    x.iter().map(|v| (v - m).powi(2)).sum::<f64>() / (x.len().max(2) - 1) as f64
}

/// Two-sided Welch t-test p-value of `a` against `b`. Sides without spread: 0 when their means
/// differ, 1 when they are equal.
pub fn welch_p(a: &[f64], b: &[f64]) -> f64 {
    let (ma, mb) = (mean(a), mean(b));
    let (va, vb) = (variance(a) / a.len() as f64, variance(b) / b.len() as f64);
    let se2 = va + vb;
    if se2 <= 0.0 || !se2.is_finite() {
        let scale = ma.abs().max(mb.abs()).max(f64::MIN_POSITIVE);
        return if (ma - mb).abs() <= 1e-12 * scale { 1.0 } else { 0.0 };
    }
    let t = (ma - mb).abs() / se2.sqrt();
    let df = se2 * se2
        / (va * va / (a.len() as f64 - 1.0).max(1.0) + vb * vb / (b.len() as f64 - 1.0).max(1.0))
            .max(f64::MIN_POSITIVE);
    t_two_sided_p(t, df)
}

/// P(|T| > t) for Student's t with `df` degrees of freedom: I_{df / (df + t^2)}(df / 2, 1 / 2).
pub fn t_two_sided_p(t: f64, df: f64) -> f64 {
    incomplete_beta(df / (df + t * t), df / 2.0, 0.5)
}

/// The regularized incomplete beta function I_x(a, b).
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let ln_front = ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln();
    let front = ln_front.exp();
    if x < (a + 1.0) / (a + b + 2.0) {
        front * beta_fraction(x, a, b) / a
    } else {
        1.0 - front * beta_fraction(1.0 - x, b, a) / b
    }
}

/// The continued fraction of the incomplete beta function (modified Lentz).
fn beta_fraction(x: f64, a: f64, b: f64) -> f64 {
    const TINY: f64 = 1e-300;
    let (qab, qap, qam) = (a + b, a + 1.0, a - 1.0);
    let mut c = 1.0;
    let mut d = 1.0 - qab * x / qap;
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut h = d;
    for m in 1..300 {
        let m = m as f64;
        let m2 = 2.0 * m;
        let aa = m * (b - m) * x / ((qam + m2) * (a + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        h *= d * c;
        let aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
        d = 1.0 + aa * d;
        d = if d.abs() < TINY { TINY } else { d };
        c = 1.0 + aa / c;
        c = if c.abs() < TINY { TINY } else { c };
        d = 1.0 / d;
        let step = d * c;
        h *= step;
        if (step - 1.0).abs() < 1e-15 {
            break;
        }
    }
    h
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7).
fn ln_gamma(x: f64) -> f64 {
    const G: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        return std::f64::consts::PI.ln() - (std::f64::consts::PI * x).sin().ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = G[0];
    for (i, g) in G.iter().enumerate().skip(1) {
        sum += g / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

/// Change points of `x` with at least `min_size` points on each side of every split, each
/// with its (split-corrected) p-value below `alpha`: binary segmentation by E-divisive means.
pub fn detect(x: &[f64], min_size: usize, alpha: f64) -> Vec<Change> {
    let min_size = min_size.max(2);
    let mut found = Vec::new();
    let mut segments = vec![(0usize, x.len())];
    while let Some((start, end)) = segments.pop() {
        let seg = &x[start..end];
        if seg.len() < 2 * min_size {
            continue;
        }
        let candidates = min_size..=seg.len() - min_size;
        let tried = candidates.clone().count() as f64;
        let Some((tau, _)) = candidates.map(|t| (t, energy(seg, t))).max_by(|a, b| a.1.total_cmp(&b.1)) else {
            continue;
        };
        let (a, b) = seg.split_at(tau);
        let p = (welch_p(a, b) * tried).min(1.0);
        if p < alpha {
            found.push(Change { index: start + tau, before: mean(a), after: mean(b), p_value: p });
            segments.push((start, start + tau));
            segments.push((start + tau, end));
        }
    }
    found.sort_by_key(|c| c.index);
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_t_distribution_matches_its_tables() {
        // Two-sided 5% critical values: t = 2.228 at 10 degrees of freedom, 1.96 at infinity.
        let p = incomplete_beta(10.0 / (10.0 + 2.228f64.powi(2)), 5.0, 0.5);
        assert!((p - 0.05).abs() < 5e-4, "{p}");
        let p = incomplete_beta(1e6 / (1e6 + 1.96f64.powi(2)), 5e5, 0.5);
        assert!((p - 0.05).abs() < 5e-4, "{p}");
        assert!((ln_gamma(5.0) - 24f64.ln()).abs() < 1e-10);
    }

    /// A deterministic wobble of about ±0.5% around `level`.
    fn noisy(level: f64, n: usize, phase: usize) -> Vec<f64> {
        (0..n).map(|i| level * (1.0 + 0.005 * ((((i + phase) * 7919) % 13) as f64 / 6.0 - 1.0))).collect()
    }

    #[test]
    fn a_step_is_found_where_it_starts_and_a_flat_series_has_none() {
        let mut x = noisy(100.0, 6, 0);
        x.extend(noisy(105.0, 6, 3));
        let found = detect(&x, 3, 0.01);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!(found[0].index, 6);
        assert!(found[0].after / found[0].before > 1.04);
        assert!(detect(&noisy(100.0, 12, 0), 3, 0.01).is_empty());
        // Two steps, both found.
        let mut y = noisy(100.0, 5, 1);
        y.extend(noisy(110.0, 5, 2));
        y.extend(noisy(95.0, 5, 4));
        assert_eq!(detect(&y, 3, 0.01).iter().map(|c| c.index).collect::<Vec<_>>(), vec![5, 10]);
        // Identical counts on each side: a change when the levels differ, none when they do not.
        assert_eq!(detect(&[7.0, 7.0, 7.0, 7.0, 8.0, 8.0, 8.0, 8.0], 3, 0.01).len(), 1);
        assert!(detect(&[7.0; 8], 3, 0.01).is_empty());
    }
}
