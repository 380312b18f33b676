//! Waiting for a steady machine before a run's first cell. Right after a machine starts, a build
//! finishes or a neighbour stops, the same work takes a different time from one second to the
//! next (frequency scaling, caches and page cache warming, other tenants). The probe is a fixed
//! integer loop timed in rounds; the run starts once `window` consecutive rounds agree within
//! `tolerance` (max/min - 1), or when `max` has passed, and the results file records how long
//! that took and how steady the probe was.
use results::environment::Settle;
use std::hint::black_box;
use std::time::{Duration, Instant};

/// One probe round: a fixed dependent chain of integer operations (about 2 ms here).
fn probe_round() -> u64 {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    for i in 0..2_000_000u64 {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        x = x.wrapping_add(black_box(i));
    }
    x
}

/// The relative spread of `xs`: max / min - 1.
fn spread(xs: &[u64]) -> f64 {
    let (lo, hi) = (xs.iter().min().copied().unwrap_or(1).max(1), xs.iter().max().copied().unwrap_or(1));
    hi as f64 / lo as f64 - 1.0
}

/// Times probe rounds until the last `window` agree within `tolerance`, or `max` has passed.
pub fn wait(window: usize, tolerance: f64, max: Duration) -> Settle {
    let window = window.max(2);
    let began = Instant::now();
    let mut rounds: Vec<u64> = Vec::new();
    loop {
        rounds.push(crate::measurement::time(|| black_box(probe_round())).1);
        let last = &rounds[rounds.len().saturating_sub(window)..];
        let steady = last.len() == window && spread(last) <= tolerance;
        if steady || began.elapsed() >= max {
            let mut sorted = last.to_vec();
            sorted.sort_unstable();
            return Settle {
                waited_ms: began.elapsed().as_millis() as u64,
                rounds: rounds.len(),
                steady,
                spread: spread(last),
                window,
                tolerance,
                probe_ns: sorted[sorted.len() / 2],
            };
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn it_stops_when_steady_or_at_the_cap_and_says_which() {
        assert!((spread(&[100, 102, 101]) - 0.02).abs() < 1e-12);
        // A tolerance nothing can meet: it waits for the cap and says it was not steady.
        let s = wait(5, -1.0, Duration::from_millis(50));
        assert!(!s.steady && s.waited_ms >= 50 && s.rounds >= 1, "{s:?}");
        // Any spread is tolerated: it stops after one window.
        let s = wait(3, f64::INFINITY, Duration::from_secs(60));
        assert!(s.steady && s.rounds == 3 && s.probe_ns > 0, "{s:?}");
    }
}
