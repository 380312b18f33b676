//! Cells measured in rounds ([`measure::scenario::Rounds`]): K fresh worker processes per cell.
//! In every round, each group of cells (one workload at one size on every engine, native
//! included) runs back to back, groups and the engines inside each group in an order shuffled
//! per round from the run's seed, so the machine's drift over the minutes the rounds span
//! reaches every side of a ratio alike and shows up between processes instead of hiding in one.
//! Each process starts with a layout drawn from the same seed (an environment variable of
//! random size, a heap padding the driver allocates before its request). When every round is
//! done, the scenario combines each cell's processes and records the cell.
use crate::progress::Progress;
use measure::scenario::{Outcome, PlannedCell, ProcessOutcome};
use results::measurements::Layout;
use std::collections::BTreeMap;

/// What a run's layout randomization varies, for the results file's `schedule`.
pub const LAYOUT_TEXT: &str = "per process: an environment variable of 0-4095 bytes (initial stack position) and 0-1 MiB of heap allocated before the request (heap placement)";

/// The wrapper that starts a driver process with `layout` (`env VAR=... VAR=... driver`).
pub fn layout_wrapper(layout: Layout) -> Vec<String> {
    vec![
        "env".into(),
        format!("{}={}", measure::driver::LAYOUT_ENV_VAR, "x".repeat(layout.env_bytes)),
        format!("{}={}", measure::driver::HEAP_PAD_VAR, layout.heap_pad_bytes),
    ]
}

fn draw_layout(rng: &mut stats::Rng) -> Layout {
    Layout { env_bytes: rng.below(4096) as usize, heap_pad_bytes: (rng.below(1 << 20) as usize) & !63 }
}

/// Runs the processes of `cells` (all planned in rounds) round by round; returns each cell's
/// processes in round order. `measure` runs one process with a layout; it is not called after
/// `stop()` says so, and those processes are recorded with the reason it gives.
pub fn run_rounds(
    cells: &[&PlannedCell],
    seed: u64,
    progress: &mut Progress,
    mut measure: impl FnMut(&PlannedCell, Layout) -> Outcome,
    stop: impl Fn() -> Option<String>,
) -> Vec<Vec<ProcessOutcome>> {
    let mut rng = stats::Rng::new(seed);
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    let mut group_order: Vec<&str> = Vec::new();
    for (i, c) in cells.iter().enumerate() {
        let g = c.rounds.as_ref().map(|r| r.group.as_str()).unwrap_or(c.label.as_str());
        if !groups.contains_key(g) {
            group_order.push(g);
        }
        groups.entry(g).or_default().push(i);
    }
    let rounds = cells.iter().filter_map(|c| c.rounds.as_ref().map(|r| r.processes)).max().unwrap_or(1);
    let mut out: Vec<Vec<ProcessOutcome>> = cells.iter().map(|_| Vec::new()).collect();
    for round in 0..rounds {
        let mut order = group_order.clone();
        stats::shuffle(&mut rng, &mut order);
        for g in order {
            let mut members: Vec<usize> = groups[g]
                .iter()
                .copied()
                .filter(|&i| cells[i].rounds.as_ref().is_some_and(|r| round < r.processes))
                .collect();
            stats::shuffle(&mut rng, &mut members);
            for (position, i) in members.into_iter().enumerate() {
                let cell = cells[i];
                let layout = draw_layout(&mut rng);
                let what = format!("{} (round {}/{rounds})", cell.label, round + 1);
                progress.start(&what);
                let outcome = match stop() {
                    Some(why) => Outcome::Skipped(why),
                    None => measure(cell, layout),
                };
                let text = match &outcome {
                    Outcome::Done { wall_ms, .. } => format!("process done in {wall_ms} ms"),
                    Outcome::Failed { error, .. } => format!("FAILED: {error}"),
                    Outcome::Skipped(why) => format!("skipped: {why}"),
                    Outcome::Unsupported(why) => format!("unsupported: {why}"),
                };
                progress.finish(&what, &text);
                out[i].push(ProcessOutcome { round, position, layout, outcome });
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(label: &str, group: &str) -> PlannedCell {
        PlannedCell::new(results::ids::THROUGHPUT, label.into(), "native", &Default::default(), 1, &0)
            .unwrap()
            .in_rounds(3, group.into())
    }

    #[test]
    fn every_cell_gets_one_process_per_round_in_a_seeded_shuffled_order() {
        let cells = [cell("a on x", "a"), cell("a on y", "a"), cell("b on x", "b"), cell("b on y", "b")];
        let refs: Vec<&PlannedCell> = cells.iter().collect();
        let order = |seed| {
            let mut seen = Vec::new();
            let mut progress = Progress::quiet(12);
            let out = run_rounds(
                &refs,
                seed,
                &mut progress,
                |c, _| {
                    seen.push(c.label.clone());
                    Outcome::Done { output: serde_json::Value::Null, wall_ms: 0 }
                },
                || None,
            );
            assert!(out.iter().all(|p| p.iter().map(|r| r.round).collect::<Vec<_>>() == [0, 1, 2]));
            seen
        };
        let first = order(7);
        assert_eq!(first.len(), 12);
        // A group's cells run back to back within a round.
        for round in first.chunks(4) {
            assert_eq!(round[0][..1], round[1][..1]);
            assert_eq!(round[2][..1], round[3][..1]);
        }
        assert_eq!(first, order(7), "the same seed gives the same order");
        assert!((1..20).any(|s| order(s) != first), "other seeds shuffle differently");
    }
}
