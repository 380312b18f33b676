//! The virtual best: each WebAssembly configuration's time per call relative to the fastest
//! WebAssembly configuration of the same workload and size (the view runtime authors publish,
//! beside the ratio to native). Measured in rounds, the fastest is taken per round (every
//! configuration of a workload runs once in each round), so drift hits both sides of a ratio
//! alike; a configuration's geomean is the mean over workloads of each round's log ratios with
//! the t interval across rounds, as for the geomeans to native. Files without rounds get the
//! ratio of medians, without an interval.

use crate::file::ResultsFile;
use crate::sections::throughput::{EngineGeomean, ThroughputSection};
use crate::values::{CellStatus, Size};
use stats::Estimate;

/// One cell's figures for the virtual best: (workload, size, engine, its median, its rounds).
type Entry = (String, Option<Size>, String, f64, Vec<(usize, f64)>);

/// [`analyze`] on a results file's throughput section, the competitors being its WebAssembly
/// configurations (by their declared kind; in files without capabilities, every engine but the
/// baselines).
pub fn analyze_file(results: &mut ResultsFile) {
    let native = results.native_id().unwrap_or("native").to_string();
    let wasm: Vec<String> = results
        .engines
        .iter()
        .filter(|e| e.capabilities.as_ref().map_or(e.id != native && e.id != "subprocess", |c| c.is_wasm()))
        .map(|e| e.id.clone())
        .collect();
    if let Some(t) = results.scenarios.throughput.as_mut() {
        analyze(t, &wasm);
    }
}

/// Fills `ratio_to_best` of every WebAssembly cell and the section's `virtual_best` geomeans;
/// `wasm` names the configurations that compete (the baselines are the reference, not in it).
pub fn analyze(section: &mut ThroughputSection, wasm: &[String]) {
    let entries: Vec<Entry> = section
        .cells
        .iter()
        .filter(|c| c.status == CellStatus::Ok && wasm.contains(&c.engine))
        .filter_map(|c| {
            let m = c.measurement.as_ref()?;
            Some((c.workload.clone(), c.size, c.engine.clone(), m.median_ns_per_call, c.round_medians()))
        })
        .collect();
    let group = |w: &str, s: Option<Size>| -> Vec<&Entry> { entries.iter().filter(|e| e.0 == w && e.1 == s).collect() };
    // Per cell: (round, ln(time / the round's fastest)) and the point ratio of medians.
    let logs_of = |e: &Entry| -> (Vec<(usize, f64)>, f64) {
        let best_median = group(&e.0, e.1).into_iter().map(|o| o.3).fold(f64::INFINITY, f64::min);
        let rounds =
            e.4.iter()
                .filter_map(|(r, t)| {
                    let best = group(&e.0, e.1)
                        .into_iter()
                        .filter_map(|o| o.4.iter().find(|x| x.0 == *r).map(|x| x.1))
                        .fold(f64::INFINITY, f64::min);
                    let l = (t / best).ln();
                    l.is_finite().then_some((*r, l))
                })
                .collect();
        (rounds, e.3 / best_median)
    };
    for c in section.cells.iter_mut() {
        c.ratio_to_best = entries
            .iter()
            .find(|e| e.0 == c.workload && e.1 == c.size && e.2 == c.engine)
            .filter(|e| group(&e.0, e.1).len() > 1)
            .map(|e| {
                let (rounds, point) = logs_of(e);
                let logs: Vec<f64> = rounds.iter().map(|r| r.1).collect();
                stats::levels::log_mean_t(&logs, 0.95).unwrap_or(Estimate {
                    value: point,
                    ci95_low: point,
                    ci95_high: point,
                })
            });
    }
    let mut keys: Vec<(String, Option<Size>)> = Vec::new();
    for e in &entries {
        if e.1.is_some() && !keys.contains(&(e.2.clone(), e.1)) {
            keys.push((e.2.clone(), e.1));
        }
    }
    section.virtual_best = keys
        .into_iter()
        .filter_map(|(engine, size)| {
            let mine: Vec<&Entry> =
                entries.iter().filter(|e| e.2 == engine && e.1 == size && group(&e.0, e.1).len() > 1).collect();
            if mine.is_empty() {
                return None;
            }
            let per_workload: Vec<(Vec<(usize, f64)>, f64)> = mine.iter().map(|e| logs_of(e)).collect();
            let rounds: Vec<usize> = per_workload[0]
                .0
                .iter()
                .map(|r| r.0)
                .filter(|r| per_workload.iter().all(|w| w.0.iter().any(|x| x.0 == *r)))
                .collect();
            let round_means: Vec<f64> = rounds
                .iter()
                .map(|r| {
                    per_workload
                        .iter()
                        .map(|w| w.0.iter().find(|x| x.0 == *r).expect("in every workload").1)
                        .sum::<f64>()
                        / per_workload.len() as f64
                })
                .collect();
            let ratio = stats::levels::log_mean_t(&round_means, 0.95).unwrap_or_else(|| {
                let g = (per_workload.iter().map(|w| w.1.ln()).sum::<f64>() / per_workload.len() as f64).exp();
                Estimate { value: g, ci95_low: g, ci95_high: g }
            });
            Some(EngineGeomean { engine, size, workloads: mine.len(), ratio })
        })
        .collect();
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ThroughputCell;
    use crate::measurements::{ProcessRun, ThroughputMeasurement};

    fn cell(engine: &str, workload: &str, per_round: &[f64]) -> ThroughputCell {
        let mut m: ThroughputMeasurement = serde_json::from_value(serde_json::json!({
            "setup": {}, "first_call_ns": 1, "warmup_calls": 1, "warmup_ns": 1, "iters_per_sample": 1,
            "capped_by_time": false, "verified_calls": 1, "median_ns_per_call": per_round[0],
            "ci95_low_ns": per_round[0], "ci95_high_ns": per_round[0], "samples": []
        }))
        .unwrap();
        m.processes = per_round
            .iter()
            .enumerate()
            .map(|(round, &t)| {
                serde_json::from_value::<ProcessRun>(serde_json::json!({
                    "round": round, "position": 0, "layout": { "env_bytes": 0, "heap_pad_bytes": 0 },
                    "per_call_ns": [t], "steady": { "class": "flat", "kept_from": 0, "changes": [] },
                    "median_ns_per_call": t
                }))
                .unwrap()
            })
            .collect();
        ThroughputCell {
            workload: workload.into(),
            size: Some(Size::Small),
            engine: engine.into(),
            status: CellStatus::Ok,
            error: None,
            expected_checksum: None,
            measurement: Some(m),
            wall_ms: 0,
            ratio_to_native: None,
            ratio_to_best: None,
        }
    }

    #[test]
    fn each_configuration_is_compared_with_the_fastest_of_its_round() {
        // `fast` is fastest in every round but round 1 of `b`, where `slow` wins by a hair.
        let mut section = ThroughputSection {
            cells: vec![
                cell("fast", "a", &[100.0, 110.0, 90.0]),
                cell("slow", "a", &[200.0, 220.0, 180.0]),
                cell("fast", "b", &[50.0, 60.0, 50.0]),
                cell("slow", "b", &[100.0, 59.0, 100.0]),
                cell("native", "a", &[10.0, 10.0, 10.0]),
            ],
            engine_geomeans: vec![],
            virtual_best: vec![],
        };
        analyze(&mut section, &["fast".into(), "slow".into()]);
        let by = |e: &str| section.virtual_best.iter().find(|g| g.engine == e).unwrap().ratio;
        let slow = by("slow");
        // Rounds: ln(2)+ln(2), ln(2)+ln(1), ln(2)+ln(2) over two workloads.
        let expected = ((2f64.ln() * 2.0 + (2f64.ln() + 0.0) + 2f64.ln() * 2.0) / 6.0).exp();
        assert!((slow.value - expected).abs() < 1e-9, "{slow:?} vs {expected}");
        assert!(slow.ci95_low < slow.value && slow.value < slow.ci95_high);
        assert!(by("fast").value < 1.01 && by("fast").value >= 1.0);
        assert!(section.virtual_best.iter().all(|g| g.engine != "native"), "the baselines do not compete");
        let fast_b = section.cells.iter().find(|c| c.engine == "fast" && c.workload == "b").unwrap();
        assert!(fast_b.ratio_to_best.unwrap().value > 1.0, "round 1 of b was won by `slow`");
    }
}
