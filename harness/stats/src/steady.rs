//! Whether a process's series of samples reached a steady state (Barrett et al., "Virtual
//! Machine Warmup Blows Hot and Cold", OOPSLA 2017): the series is split at its change points
//! ([`crate::changepoint::detect`]: E-divisive means, each split Welch-tested) and classified
//! from the segments' levels. Flat: no change. Warm-up: every earlier segment slower than the
//! last, which is then the steady state (only these samples are dropped). Slowdown: every
//! earlier segment faster than the last. Anything else has no steady state. Slowdowns and series
//! without a steady state keep all their samples and are flagged, never silently averaged.
use serde::{Deserialize, Serialize};

/// How a sample series behaves over time.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SteadyState {
    /// No change point: steady throughout.
    Flat,
    /// Slower at first, then steady: the warm-up is dropped.
    WarmUp,
    /// Slower later than at first.
    Slowdown,
    /// No steady stretch.
    NoSteadyState,
}

impl SteadyState {
    /// How tables name it.
    pub fn name(self) -> &'static str {
        match self {
            SteadyState::Flat => "flat",
            SteadyState::WarmUp => "warm-up then flat",
            SteadyState::Slowdown => "slowdown",
            SteadyState::NoSteadyState => "no steady state",
        }
    }

    /// Whether the series deserves a flag in the output (a slowdown or no steady state).
    pub fn flagged(self) -> bool {
        matches!(self, SteadyState::Slowdown | SteadyState::NoSteadyState)
    }
}

/// The classification of one series.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Steadiness {
    /// Its class.
    pub class: SteadyState,
    /// Index of the first sample kept (after a detected warm-up; 0 otherwise).
    pub kept_from: usize,
    /// Where the detected changes start.
    pub changes: Vec<usize>,
}

/// Significance of each split (Bonferroni-corrected for the splits tried).
const ALPHA: f64 = 0.01;

/// Classifies a series of per-call times in the order they were taken.
pub fn classify(x: &[f64]) -> Steadiness {
    let min_size = (x.len() / 6).max(3);
    let changes: Vec<usize> = crate::changepoint::detect(x, min_size, ALPHA).iter().map(|c| c.index).collect();
    let Some(&last) = changes.last() else {
        return Steadiness { class: SteadyState::Flat, kept_from: 0, changes };
    };
    let steady = crate::median(&x[last..]);
    let mut bounds = vec![0];
    bounds.extend(&changes);
    let earlier: Vec<f64> = bounds.windows(2).map(|w| crate::median(&x[w[0]..w[1]])).collect();
    let (class, kept_from) = if earlier.iter().all(|m| *m > steady) {
        (SteadyState::WarmUp, last)
    } else if earlier.iter().all(|m| *m < steady) {
        (SteadyState::Slowdown, 0)
    } else {
        (SteadyState::NoSteadyState, 0)
    };
    Steadiness { class, kept_from, changes }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn wobble(level: f64, n: usize) -> Vec<f64> {
        (0..n).map(|i| level * (1.0 + 0.004 * ((i * 7) % 5) as f64 / 4.0)).collect()
    }

    #[test]
    fn series_are_classified_by_their_segments() {
        assert_eq!(
            classify(&wobble(100.0, 12)),
            Steadiness { class: SteadyState::Flat, kept_from: 0, changes: vec![] }
        );
        let mut warm = wobble(130.0, 4);
        warm.extend(wobble(100.0, 8));
        let s = classify(&warm);
        assert_eq!((s.class, s.kept_from), (SteadyState::WarmUp, 4), "{s:?}");
        let mut slow = wobble(100.0, 6);
        slow.extend(wobble(125.0, 6));
        assert_eq!(classify(&slow).class, SteadyState::Slowdown);
        assert_eq!(classify(&slow).kept_from, 0);
        let mut none = wobble(100.0, 5);
        none.extend(wobble(140.0, 5));
        none.extend(wobble(115.0, 5));
        assert_eq!(classify(&none).class, SteadyState::NoSteadyState);
        assert!(SteadyState::NoSteadyState.flagged() && !SteadyState::WarmUp.flagged());
    }
}
