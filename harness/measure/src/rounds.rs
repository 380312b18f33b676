//! Combining the worker processes of a cell measured in rounds ([`crate::scenario::Rounds`]):
//! what throughput, call overhead and latency share. [`decode_all`] turns the processes'
//! outcomes into their measurements (any failed process fails the cell: a wrong answer in one
//! round is a wrong answer), and [`pool_series`] turns the sample series of the processes into
//! one figure: each series classified for a steady state (`stats::steady`, warm-up dropped only
//! where one is detected), the kept samples pooled, the figure taken across processes
//! (`stats::levels`: geometric mean of the processes' medians, t interval across processes).
use crate::scenario::{Outcome, ProcessOutcome};
use results::measurements::{ProcessRun, Sample};
use serde::de::DeserializeOwned;

/// The measurements of a cell's processes, each with its process, and their summed wall time.
pub type Decoded<'a, T> = (Vec<(&'a ProcessOutcome, T)>, u64);

/// The measurements of a cell's processes, each with its process; `Err` is the outcome the
/// whole cell gets instead (a failure, an unsupported subject, or nothing measured).
pub fn decode_all<T: DeserializeOwned>(runs: &[ProcessOutcome]) -> Result<Decoded<'_, T>, Outcome> {
    let wall_ms = runs.iter().map(|r| r.outcome.wall_ms()).sum();
    let total = runs.len();
    let mut measured = Vec::new();
    let mut skipped = None;
    for run in runs {
        match &run.outcome {
            Outcome::Done { output, .. } => match serde_json::from_value::<T>(output.clone()) {
                Ok(m) => measured.push((run, m)),
                Err(e) => return Err(Outcome::Failed { error: format!("unreadable driver output: {e}"), wall_ms }),
            },
            Outcome::Failed { error, .. } => {
                let error = format!("in round {} of {total}: {error}", run.round + 1);
                return Err(Outcome::Failed { error, wall_ms });
            }
            Outcome::Unsupported(why) => return Err(Outcome::Unsupported(why.clone())),
            Outcome::Skipped(why) => skipped = Some(why.clone()),
        }
    }
    if measured.is_empty() {
        return Err(Outcome::Skipped(skipped.unwrap_or_else(|| "no process ran".into())));
    }
    Ok((measured, wall_ms))
}

/// The output a combined measurement becomes.
pub fn done(value: &impl serde::Serialize, wall_ms: u64) -> Outcome {
    match serde_json::to_value(value) {
        Ok(output) => Outcome::Done { output, wall_ms },
        Err(e) => Outcome::Failed { error: format!("combining the processes: {e}"), wall_ms },
    }
}

/// The sample series of several processes as one figure.
pub struct Pooled {
    /// Each process with its steady-state verdict.
    pub processes: Vec<ProcessRun>,
    /// The kept per-call times and raw samples of all processes, in round order.
    pub per_call_ns: Vec<f64>,
    /// The raw samples of all processes.
    pub samples: Vec<Sample>,
    /// The summary of the pooled kept samples.
    pub summary: stats::Summary,
    /// `None` with fewer than two processes.
    pub levels: Option<stats::levels::Levels>,
}

impl Pooled {
    /// The figure: across processes where there are several, else the pooled median.
    pub fn estimate(&self) -> stats::Estimate {
        self.levels.as_ref().map_or(self.summary.median, |l| l.estimate)
    }
}

/// One process's series: its process, per-call times, raw samples and verified calls.
pub struct Series<'a> {
    /// The process.
    pub run: &'a ProcessOutcome,
    /// Its calibrated per-call times.
    pub per_call_ns: &'a [f64],
    /// Its raw samples.
    pub samples: &'a [Sample],
    /// Its verified calls.
    pub verified_calls: u64,
}

/// Pools the series of a cell's processes (see the module documentation).
pub fn pool_series(series: &[Series]) -> Pooled {
    let mut processes = Vec::new();
    let (mut samples, mut per_call_ns) = (Vec::new(), Vec::new());
    for s in series {
        let steady = stats::steady::classify(s.per_call_ns);
        let from = steady.kept_from.min(s.per_call_ns.len());
        per_call_ns.extend_from_slice(&s.per_call_ns[from..]);
        samples.extend_from_slice(&s.samples[from.min(s.samples.len())..]);
        processes.push(ProcessRun {
            round: s.run.round,
            position: s.run.position,
            layout: s.run.layout,
            median_ns_per_call: stats::median(&s.per_call_ns[from..]),
            per_call_ns: s.per_call_ns.to_vec(),
            steady,
            verified_calls: s.verified_calls,
        });
    }
    let groups: Vec<&[f64]> = processes.iter().map(ProcessRun::kept).collect();
    let levels = stats::levels::across_processes(&groups);
    let summary = stats::summarize(&per_call_ns);
    Pooled { processes, per_call_ns, samples, summary, levels }
}

#[cfg(test)]
mod tests {
    use super::*;
    use results::measurements::Layout;

    fn run(round: usize, outcome: Outcome) -> ProcessOutcome {
        ProcessOutcome { round, position: 0, layout: Layout::default(), outcome }
    }

    #[test]
    fn one_failed_process_fails_the_cell_and_skipped_ones_are_left_out() {
        let ok = |v: u64| Outcome::Done { output: serde_json::json!(v), wall_ms: 5 };
        let runs = [run(0, ok(1)), run(1, Outcome::Failed { error: "wrong answer".into(), wall_ms: 3 }), run(2, ok(3))];
        match decode_all::<u64>(&runs) {
            Err(Outcome::Failed { error, wall_ms }) => {
                assert_eq!(wall_ms, 13);
                assert!(error.contains("round 2 of 3") && error.contains("wrong answer"), "{error}");
            }
            _ => panic!("a failed process must fail the cell"),
        }
        let runs = [run(0, ok(1)), run(1, Outcome::Skipped("time budget".into()))];
        let (measured, _) = decode_all::<u64>(&runs).ok().unwrap();
        assert_eq!(measured.iter().map(|m| m.1).collect::<Vec<_>>(), [1]);
        assert!(matches!(decode_all::<u64>(&runs[1..]), Err(Outcome::Skipped(_))));
    }

    #[test]
    fn pooling_drops_only_a_detected_warm_up_and_keeps_the_processes() {
        let runs = [run(0, Outcome::Skipped(String::new())), run(1, Outcome::Skipped(String::new()))];
        let warm: Vec<f64> =
            [150.0, 150.5, 149.8, 150.2].into_iter().chain((0..8).map(|i| 100.0 + (i % 3) as f64 * 0.2)).collect();
        let flat: Vec<f64> = (0..12).map(|i| 104.0 + (i % 3) as f64 * 0.2).collect();
        let samples = vec![Sample { iters: 1, ns: 100 }; 12];
        let series = [
            Series { run: &runs[0], per_call_ns: &warm, samples: &samples, verified_calls: 12 },
            Series { run: &runs[1], per_call_ns: &flat, samples: &samples, verified_calls: 12 },
        ];
        let p = pool_series(&series);
        assert_eq!(p.processes[0].steady.kept_from, 4);
        assert_eq!(p.processes[1].steady.kept_from, 0);
        assert_eq!((p.per_call_ns.len(), p.samples.len()), (20, 20));
        assert_eq!(p.levels.as_ref().unwrap().processes, 2);
        assert!((p.estimate().value - (100.2f64 * 104.2).sqrt()).abs() < 0.3, "{}", p.estimate().value);
    }
}
