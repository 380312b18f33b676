//! Figures derived from the cells of a results file, pure arithmetic on what the file holds:
//! each throughput cell's ratio to native and each engine's geometric means over the corpus
//! (this module), the virtual best ([`virtual_best`]), and the sandbox tax's geometric means
//! per engine and limit. Run when a file is finished or merged, and by readers of files that
//! lack them (schema 1).
pub mod virtual_best;

use crate::file::ResultsFile;
use crate::sections::sandbox_tax::SandboxTaxSection;
use crate::sections::throughput::{EngineGeomean, ThroughputCell, ThroughputSection};
use crate::values::{CellStatus, Size};
use stats::Estimate;

impl ThroughputSection {
    /// Fills in every cell's ratio to `native` (the in-process baseline's id) and every
    /// engine's geometric mean of ratios. Pure arithmetic on the samples in the file.
    pub fn analyze(&mut self, native: &str) {
        type Native = (String, Option<Size>, Vec<f64>, Vec<(usize, f64)>);
        let native: Vec<Native> = self
            .cells
            .iter()
            .filter(|c| c.engine == native && c.status == CellStatus::Ok)
            .filter_map(|c| Some((c.workload.clone(), c.size, c.per_call_ns()?, c.round_medians())))
            .collect();
        let native_of = |c: &ThroughputCell| native.iter().find(|n| n.0 == c.workload && n.1 == c.size);
        for i in 0..self.cells.len() {
            let c = &self.cells[i];
            let ratio = match (c.per_call_ns(), native_of(c)) {
                (Some(a), Some(n)) if c.status == CellStatus::Ok => {
                    let rounds = round_log_ratios(&c.round_medians(), &n.3);
                    let logs: Vec<f64> = rounds.iter().map(|r| r.1).collect();
                    Some(stats::levels::log_mean_t(&logs, 0.95).unwrap_or_else(|| stats::ratio_of_medians(&a, &n.2)))
                }
                _ => None,
            };
            self.cells[i].ratio_to_native = ratio;
        }
        let mut keys: Vec<(String, Option<Size>)> = Vec::new();
        for c in &self.cells {
            if !keys.contains(&(c.engine.clone(), c.size)) {
                keys.push((c.engine.clone(), c.size));
            }
        }
        self.engine_geomeans = keys
            .into_iter()
            .filter_map(|(engine, size)| {
                let pairs: Vec<(&ThroughputCell, &Native)> = self
                    .cells
                    .iter()
                    .filter(|c| c.engine == engine && c.size == size && c.status == CellStatus::Ok && size.is_some())
                    .filter_map(|c| Some((c, native_of(c)?)))
                    .collect();
                if pairs.is_empty() {
                    return None;
                }
                // Measured in rounds: the mean over workloads of each round's log ratios, with the
                // t interval across the rounds every workload has.
                let per_workload: Vec<Vec<(usize, f64)>> =
                    pairs.iter().map(|(c, n)| round_log_ratios(&c.round_medians(), &n.3)).collect();
                let rounds: Vec<usize> = per_workload
                    .first()
                    .map(|f| {
                        f.iter()
                            .map(|r| r.0)
                            .filter(|r| per_workload.iter().all(|w| w.iter().any(|x| x.0 == *r)))
                            .collect()
                    })
                    .unwrap_or_default();
                let round_means: Vec<f64> = rounds
                    .iter()
                    .map(|r| {
                        per_workload
                            .iter()
                            .map(|w| w.iter().find(|x| x.0 == *r).expect("in every workload").1)
                            .sum::<f64>()
                            / per_workload.len() as f64
                    })
                    .collect();
                let ratio = stats::levels::log_mean_t(&round_means, 0.95).unwrap_or_else(|| {
                    let samples: Vec<(Vec<f64>, &Vec<f64>)> =
                        pairs.iter().filter_map(|(c, n)| Some((c.per_call_ns()?, &n.2))).collect();
                    let refs: Vec<(&[f64], &[f64])> =
                        samples.iter().map(|(a, b)| (a.as_slice(), b.as_slice())).collect();
                    stats::geomean_of_ratios(&refs)
                });
                Some(EngineGeomean { engine, size, workloads: pairs.len(), ratio })
            })
            .collect();
    }
}

/// `(round, ln(a / b))` for every round both sides measured.
fn round_log_ratios(a: &[(usize, f64)], b: &[(usize, f64)]) -> Vec<(usize, f64)> {
    a.iter()
        .filter_map(|(r, x)| b.iter().find(|(s, _)| s == r).map(|(_, y)| (*r, (x / y).ln())))
        .filter(|(_, l)| l.is_finite())
        .collect()
}

/// Geometric mean over workloads of one (engine, limit)'s tax ratios.
#[derive(Clone, Debug, PartialEq)]
pub struct TaxGeomean {
    /// The configuration.
    pub engine: String,
    /// The limit (`fuel`, `epoch`, `bounds-checks`).
    pub limit: String,
    /// The input size.
    pub size: Size,
    /// Workloads in the mean.
    pub workloads: usize,
    /// The geometric mean of with / without, with its interval.
    pub ratio: Estimate,
}

impl SandboxTaxSection {
    /// Per engine, limit and size: the geometric mean of the ratios, with a bootstrap interval
    /// (each workload's samples resampled on both sides). Computed from the samples in the file.
    pub fn geomeans(&self) -> Vec<TaxGeomean> {
        let mut keys: Vec<(String, String, Size)> = Vec::new();
        for c in self.cells.iter().filter(|c| c.measurement.is_some()) {
            let k = (c.engine.clone(), c.limit.clone(), c.size);
            if !keys.contains(&k) {
                keys.push(k);
            }
        }
        keys.into_iter()
            .map(|(engine, limit, size)| {
                let pairs: Vec<(&[f64], &[f64])> = self
                    .cells
                    .iter()
                    .filter(|c| c.engine == engine && c.limit == limit && c.size == size)
                    .filter_map(|c| c.measurement.as_ref())
                    .map(|m| (m.with_ns.as_slice(), m.without_ns.as_slice()))
                    .collect();
                TaxGeomean { workloads: pairs.len(), ratio: stats::geomean_of_ratios(&pairs), engine, limit, size }
            })
            .collect()
    }
}

impl ResultsFile {
    /// Recomputes every derived figure stored in the file: the throughput ratios to native,
    /// their geomeans, and the virtual best.
    pub fn analyze(&mut self) {
        let native = self.native_id().unwrap_or("native").to_string();
        if let Some(t) = self.scenarios.throughput.as_mut() {
            t.analyze(&native);
        }
        virtual_best::analyze_file(self);
    }
}
