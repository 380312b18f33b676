//! Run profiles and scenario selection: `quick` (CI gates and smoke runs, small inputs, every
//! scenario in at most 5 minutes of measuring on 2 cores) and `full` (published reports, both
//! sizes, more samples, at most 45 minutes). `--time-budget` scales every time cap down to fit.
//! Every value is recorded in the results file.
use crate::scenarios::call_overhead::CallOverheadPlan;
use crate::scenarios::cold_start::ColdStartPlan;
use crate::scenarios::concurrency::ConcurrencyPlan;
use crate::scenarios::density::DensityPlan;
use crate::scenarios::memory::MemoryPlan;
use crate::scenarios::sandbox_tax::TaxPlan;
use crate::scenarios::throughput::{LatencyPlan, SamplingPlan};
use crate::workloads::Size;
use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    Quick,
    Full,
}

/// The scenarios a run can measure; each is its own section of the results file.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    Throughput,
    Latency,
    ColdStart,
    CallOverhead,
    Memory,
    Density,
    Concurrency,
    SandboxTax,
}

impl Scenario {
    pub const ALL: [Scenario; 8] = [
        Scenario::Throughput,
        Scenario::Latency,
        Scenario::ColdStart,
        Scenario::CallOverhead,
        Scenario::Memory,
        Scenario::Density,
        Scenario::Concurrency,
        Scenario::SandboxTax,
    ];
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    pub name: ProfileName,
    pub sizes: Vec<Size>,
    pub throughput: SamplingPlan,
    /// A cell's worker is killed after this long (hang protection).
    pub cell_timeout_s: u64,
    /// Schema 2: the plans of the other scenarios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencyPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<ColdStartPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_overhead: Option<CallOverheadPlan>,
    /// Schema 3: memory, density, concurrency and sandbox tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<DensityPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<ConcurrencyPlan>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_tax: Option<TaxPlan>,
    /// The workload density and concurrency serve (the first selected one when it is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_workload: Option<String>,
}

/// `--memory-budget` default of the density scenario: 1 GiB.
pub const DEFAULT_MEMORY_BUDGET: u64 = 1 << 30;
/// The workload a density or concurrency host serves: JSON parsing, a typical request.
pub const HOST_WORKLOAD: &str = "json";

impl Profile {
    pub fn get(name: ProfileName) -> Profile {
        match name {
            ProfileName::Quick => Profile {
                name,
                sizes: vec![Size::Small],
                throughput: SamplingPlan {
                    warmup_ms: 100,
                    warmup_min_calls: 3,
                    samples: 10,
                    sample_target_ms: 10,
                    max_cell_ms: 1_500,
                    min_samples: 3,
                },
                cell_timeout_s: 120,
                latency: Some(LatencyPlan { warmup_ms: 50, calls: 2_000, max_ms: 300 }),
                cold_start: Some(ColdStartPlan {
                    repetitions: 5,
                    max_cell_ms: 3_000,
                    steady_calls: 5,
                    process_samples: 5,
                }),
                call_overhead: Some(CallOverheadPlan {
                    warmup_ms: 30,
                    samples: 15,
                    sample_target_ms: 5,
                    max_bench_ms: 400,
                    min_samples: 5,
                    data_sizes: vec![16, 1 << 10, 64 << 10, 1 << 20, 16 << 20],
                    host_calls: 1_000,
                    latency_batches: 1_000,
                }),
                memory: Some(MemoryPlan { instance_counts: vec![1, 10, 100, 1000] }),
                density: Some(DensityPlan {
                    memory_budget_bytes: DEFAULT_MEMORY_BUDGET,
                    max_instances: 50_000,
                    max_fill_ms: 8_000,
                    rate_ms: 300,
                }),
                concurrency: Some(ConcurrencyPlan { threads: vec![1, 2, 4], ms_per_level: 300 }),
                sandbox_tax: Some(TaxPlan { warmup_ms: 30, rounds: 3, samples_per_round: 3, sample_target_ms: 5 }),
                host_workload: Some(HOST_WORKLOAD.into()),
            },
            ProfileName::Full => Profile {
                name,
                sizes: vec![Size::Small, Size::Large],
                throughput: SamplingPlan {
                    warmup_ms: 500,
                    warmup_min_calls: 5,
                    samples: 30,
                    sample_target_ms: 50,
                    max_cell_ms: 10_000,
                    min_samples: 5,
                },
                cell_timeout_s: 600,
                latency: Some(LatencyPlan { warmup_ms: 200, calls: 20_000, max_ms: 2_000 }),
                cold_start: Some(ColdStartPlan {
                    repetitions: 15,
                    max_cell_ms: 8_000,
                    steady_calls: 10,
                    process_samples: 20,
                }),
                call_overhead: Some(CallOverheadPlan {
                    warmup_ms: 100,
                    samples: 30,
                    sample_target_ms: 20,
                    max_bench_ms: 2_000,
                    min_samples: 5,
                    data_sizes: (0..11).map(|i| 16usize << (2 * i)).collect(),
                    host_calls: 10_000,
                    latency_batches: 10_000,
                }),
                memory: Some(MemoryPlan { instance_counts: vec![1, 10, 100, 1000] }),
                density: Some(DensityPlan {
                    memory_budget_bytes: DEFAULT_MEMORY_BUDGET,
                    max_instances: 200_000,
                    max_fill_ms: 30_000,
                    rate_ms: 1_000,
                }),
                concurrency: Some(ConcurrencyPlan { threads: vec![1, 2, 4, 8], ms_per_level: 1_000 }),
                sandbox_tax: Some(TaxPlan { warmup_ms: 200, rounds: 5, samples_per_round: 5, sample_target_ms: 20 }),
                host_workload: Some(HOST_WORKLOAD.into()),
            },
        }
    }

    /// Multiplies every time cap and target by `factor` (in (0, 1]); counts stay, but the
    /// minimum sample counts still hold, so a very small budget still yields numbers.
    pub fn scaled(&self, factor: f64) -> Profile {
        let f = |ms: u64| ((ms as f64 * factor).round() as u64).max(1);
        let mut p = self.clone();
        p.throughput.warmup_ms = f(p.throughput.warmup_ms);
        p.throughput.sample_target_ms = f(p.throughput.sample_target_ms);
        p.throughput.max_cell_ms = f(p.throughput.max_cell_ms);
        if let Some(l) = p.latency.as_mut() {
            l.warmup_ms = f(l.warmup_ms);
            l.max_ms = f(l.max_ms);
        }
        if let Some(c) = p.cold_start.as_mut() {
            c.max_cell_ms = f(c.max_cell_ms);
            c.process_samples = ((c.process_samples as f64 * factor).ceil() as usize).max(3);
        }
        if let Some(c) = p.call_overhead.as_mut() {
            c.warmup_ms = f(c.warmup_ms);
            c.sample_target_ms = f(c.sample_target_ms);
            c.max_bench_ms = f(c.max_bench_ms);
        }
        if let Some(d) = p.density.as_mut() {
            d.max_fill_ms = f(d.max_fill_ms);
            d.rate_ms = f(d.rate_ms);
        }
        if let Some(c) = p.concurrency.as_mut() {
            c.ms_per_level = f(c.ms_per_level);
        }
        if let Some(t) = p.sandbox_tax.as_mut() {
            t.warmup_ms = f(t.warmup_ms);
            t.sample_target_ms = f(t.sample_target_ms);
        }
        p
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scaling_shrinks_caps_but_keeps_minimums() {
        let p = Profile::get(ProfileName::Full);
        let s = p.scaled(0.1);
        assert_eq!(s.throughput.max_cell_ms, 1_000);
        assert_eq!(s.throughput.min_samples, p.throughput.min_samples);
        assert_eq!(s.cold_start.as_ref().unwrap().process_samples, 3);
        let sizes = &p.call_overhead.as_ref().unwrap().data_sizes;
        assert_eq!((sizes[0], *sizes.last().unwrap()), (16, 16 << 20));
    }
}
