//! `wasmgauge coverage`: do a run's intervals hold on a rerun? For every ordered pair of results
//! files (first, rerun), the share of throughput cells whose rerun estimate lies inside the
//! first run's 95% interval, for time per call and for ratio to native (native's own ratio, 1
//! by definition, is left out), and the same for each engine's geometric mean. Honest 95%
//! intervals of two independent runs put the rerun inside about 83% of the time (the difference
//! of two estimates has sqrt(2) times the spread of one). Reads results files only.
use anyhow::{Result, bail};
use results::ResultsFile;
use results::cells::{Cell, GEOMEAN};
use results::ids;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::path::PathBuf;

/// Inside-interval counts of one metric between two runs.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Hits {
    pub inside: usize,
    pub cells: usize,
}

impl Hits {
    pub fn share(&self) -> f64 {
        if self.cells == 0 { 0.0 } else { self.inside as f64 / self.cells as f64 }
    }

    fn add(&mut self, inside: bool) {
        self.cells += 1;
        self.inside += inside as usize;
    }
}

/// One ordered pair of runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Pair {
    pub first: usize,
    pub rerun: usize,
    pub time_per_call: Hits,
    pub ratio_to_native: Hits,
    pub geomean: Hits,
    /// Median relative half-width of the first run's time-per-call intervals.
    pub median_half_width: f64,
}

type Figures = BTreeMap<(String, String, String), Cell>;

fn figures(r: &ResultsFile) -> Figures {
    r.flatten()
        .0
        .into_iter()
        .filter(|c| c.scenario == ids::THROUGHPUT && (c.metric == "time_per_call" || c.metric == "ratio_to_native"))
        .map(|c| ((c.workload.clone(), c.engine.clone(), c.metric.clone()), c))
        .collect()
}

/// Every ordered pair (i < j) of `runs`.
pub fn pairs(runs: &[ResultsFile]) -> Result<Vec<Pair>> {
    if runs.len() < 2 {
        bail!("coverage needs at least 2 results files, got {}", runs.len());
    }
    let native: Vec<Option<String>> = runs.iter().map(|r| r.native_id().map(String::from)).collect();
    let figs: Vec<Figures> = runs.iter().map(figures).collect();
    if figs.iter().any(BTreeMap::is_empty) {
        bail!("every results file needs throughput cells");
    }
    let mut out = Vec::new();
    for i in 0..runs.len() {
        for j in i + 1..runs.len() {
            let mut pair = Pair {
                first: i,
                rerun: j,
                time_per_call: Hits::default(),
                ratio_to_native: Hits::default(),
                geomean: Hits::default(),
                median_half_width: 0.0,
            };
            let mut widths = Vec::new();
            for (key, a) in &figs[i] {
                let (Some(b), Some((lo, hi))) = (figs[j].get(key), a.ci95) else { continue };
                let inside = lo <= b.value && b.value <= hi;
                if a.workload.starts_with(GEOMEAN) {
                    if Some(&a.engine) != native[i].as_ref() {
                        pair.geomean.add(inside);
                    }
                } else if a.metric == "time_per_call" {
                    pair.time_per_call.add(inside);
                    widths.push((hi - lo) / 2.0 / a.value);
                } else if Some(&a.engine) != native[i].as_ref() {
                    pair.ratio_to_native.add(inside);
                }
            }
            pair.median_half_width = if widths.is_empty() { 0.0 } else { stats::median(&widths) };
            out.push(pair);
        }
    }
    Ok(out)
}

/// The table `scripts/interval-coverage.sh` prints.
pub fn render(paths: &[PathBuf], pairs: &[Pair]) -> String {
    let pct = |h: &Hits| format!("{}/{} ({:.0}%)", h.inside, h.cells, h.share() * 100.0);
    let mut out = String::from(
        "Rerun estimate inside the first run's 95% interval (honest intervals: about 83%)\n\
         first  rerun  time per call     ratio to native   engine geomean   median half-width\n",
    );
    let (mut t, mut r, mut g) = (Hits::default(), Hits::default(), Hits::default());
    for p in pairs {
        let _ = writeln!(
            out,
            "{:<6} {:<6} {:<17} {:<17} {:<16} ±{:.1}%",
            format!("R{}", p.first + 1),
            format!("R{}", p.rerun + 1),
            pct(&p.time_per_call),
            pct(&p.ratio_to_native),
            pct(&p.geomean),
            p.median_half_width * 100.0
        );
        for (sum, h) in [(&mut t, &p.time_per_call), (&mut r, &p.ratio_to_native), (&mut g, &p.geomean)] {
            sum.inside += h.inside;
            sum.cells += h.cells;
        }
    }
    let _ = writeln!(out, "{:<13} {:<17} {:<17} {:<16}", "all pairs", pct(&t), pct(&r), pct(&g));
    for (i, p) in paths.iter().enumerate() {
        let _ = writeln!(out, "R{}: {}", i + 1, p.display());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hits_count_shares() {
        let mut h = Hits::default();
        h.add(true);
        h.add(false);
        h.add(true);
        assert_eq!((h.inside, h.cells), (2, 3));
        assert!((h.share() - 2.0 / 3.0).abs() < 1e-12);
        assert_eq!(Hits::default().share(), 0.0);
    }
}
