//! Run profiles: `quick` (CI gates and smoke runs, small inputs, every scenario in at most 5
//! minutes of measuring on 2 cores) and `full` (published reports, both sizes, more samples, at
//! most 45 minutes), and the plan of every built-in scenario they hold. `--time-budget` scales
//! every time cap down to fit. Every value is recorded in the results file.
use crate::values::Size;
use serde::{Deserialize, Serialize};

/// How one throughput cell is sampled; recorded in the results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SamplingPlan {
    /// Warm-up lasts at least this long and at least `warmup_min_calls` calls.
    pub warmup_ms: u64,
    /// At least this many warm-up calls.
    pub warmup_min_calls: u64,
    /// Samples wanted, and how long one sample should last.
    pub samples: usize,
    /// How long one sample should last.
    pub sample_target_ms: u64,
    /// Time cap for the samples of one cell; at least `min_samples` are taken regardless.
    pub max_cell_ms: u64,
    /// Samples taken regardless of the cap.
    pub min_samples: usize,
    /// Schema 9: fresh worker processes per cell, run in interleaved, shuffled rounds (each
    /// process takes the warm-up and the samples above); older files measured one.
    #[serde(default = "one")]
    pub processes: usize,
    /// Schema 10: worker processes per cell for the interpreters and JS engines (the registry's
    /// execution kind), when fewer than `processes`: their processes cost most (long calls; V8
    /// starts Node and compiles in each), so the quick profile gives them 3 to fit its time;
    /// their intervals are then wider. Absent: `processes` for every configuration.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub slow_processes: Option<usize>,
}

fn one() -> usize {
    1
}

/// How per-call latency is recorded for a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LatencyPlan {
    /// Warm-up calls for at least this long.
    pub warmup_ms: u64,
    /// Individually timed calls wanted, and the time cap on them (at least 10 are taken).
    pub calls: u64,
    /// Time cap on the timed calls.
    pub max_ms: u64,
    /// Schema 9: worker processes per cell, in shuffled rounds (each takes the warm-up and the
    /// calls above; their histograms are merged); older files measured one.
    #[serde(default = "one")]
    pub processes: usize,
}

/// How cold start is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdStartPlan {
    /// Repetitions of the whole sequence per cell (at least one is always made).
    pub repetitions: usize,
    /// Time cap for the repetitions (at least one is made).
    pub max_cell_ms: u64,
    /// Steady-state calls timed after each repetition's first call (after 3 untimed ones).
    pub steady_calls: usize,
    /// Fresh processes timed per engine and workload for process cold start.
    pub process_samples: usize,
    /// Schema 8: repetitions of a WASI program's cold start (each a fresh driver process that
    /// compiles the module from bytes); at least one, more while `max_cell_ms` lasts.
    #[serde(default)]
    pub program_repetitions: usize,
}

/// How call overhead is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallOverheadPlan {
    /// Warm-up of each benchmark.
    pub warmup_ms: u64,
    /// Samples wanted.
    pub samples: usize,
    /// How long one sample should last.
    pub sample_target_ms: u64,
    /// Time cap per benchmark; at least `min_samples` are taken regardless.
    pub max_bench_ms: u64,
    /// Samples taken regardless of the cap.
    pub min_samples: usize,
    /// Payload sizes of the data benchmark, in bytes.
    pub data_sizes: Vec<usize>,
    /// Host calls per guest call in the guest->host benchmark.
    pub host_calls: i32,
    /// Batches recorded for the latency histogram of each benchmark.
    pub latency_batches: u64,
    /// Schema 9: worker processes per engine, in shuffled rounds (each takes the warm-up, the
    /// samples and the latency batches above); older files measured one.
    #[serde(default = "one")]
    pub processes: usize,
}

/// How memory per instance is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemoryPlan {
    /// Live-instance counts to measure at, ascending.
    pub instance_counts: Vec<usize>,
}

/// How density is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DensityPlan {
    /// Resident memory the live instances may take (`--memory-budget`, default 1 GiB).
    pub memory_budget_bytes: u64,
    /// Live instances at most.
    pub max_instances: usize,
    /// Time cap for filling the budget.
    pub max_fill_ms: u64,
    /// How long each instantiation-rate measurement runs.
    pub rate_ms: u64,
    /// Schema 10: the thread counts the instantiation rate is measured at ([`scaling_levels`]
    /// of the machine unless `--threads` names them); empty in older files (one thread and
    /// every core).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub threads: Vec<usize>,
}

/// The thread levels of the scaling scenarios on a machine with `cores` cores: 1, 2, 4, ...
/// below the core count, the core count, and one oversubscribed level at twice that.
pub fn scaling_levels(cores: usize) -> Vec<usize> {
    let cores = cores.max(1);
    let mut levels: Vec<usize> =
        std::iter::successors(Some(1usize), |n| Some(n * 2)).take_while(|&n| n < cores).collect();
    levels.push(cores);
    levels.push(2 * cores);
    levels
}

/// The cores this process may use.
pub fn machine_cores() -> usize {
    std::thread::available_parallelism().map(|n| n.get()).unwrap_or(1)
}

/// How concurrency is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyPlan {
    /// Thread counts to run (each for `ms_per_level`): [`scaling_levels`] of the machine unless
    /// `--threads` names them (schema 10; older files have 1, 2, 4 and 8 whatever the machine).
    pub threads: Vec<usize>,
    /// How long each thread level runs.
    pub ms_per_level: u64,
}

/// How the sandbox tax is measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaxPlan {
    /// Warm-up of each side before sampling.
    pub warmup_ms: u64,
    /// Alternating rounds of (without, with).
    pub rounds: usize,
    /// Samples of each side in each round, each about `sample_target_ms` long.
    pub samples_per_round: usize,
    /// How long one sample should last.
    pub sample_target_ms: u64,
    /// The workloads it measures where the run selects them (schema 7); empty, or none of them
    /// selected: every selected Rust workload.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub workloads: Vec<String>,
}

/// A profile's name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ProfileName {
    /// Small inputs and short sampling: CI, smoke runs, the main job.
    Quick,
    /// Both sizes, more samples and processes: reports.
    Full,
}

impl ProfileName {
    /// The profile called `s`.
    pub fn parse(s: &str) -> Option<ProfileName> {
        match s {
            "quick" => Some(ProfileName::Quick),
            "full" => Some(ProfileName::Full),
            _ => None,
        }
    }

    /// `quick` or `full`.
    pub fn name(self) -> &'static str {
        match self {
            ProfileName::Quick => "quick",
            ProfileName::Full => "full",
        }
    }
}

/// What a run measures and how: sizes, every scenario's plan, the cell timeout.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Profile {
    /// Which profile.
    pub name: ProfileName,
    /// The input sizes measured.
    pub sizes: Vec<Size>,
    /// How throughput is sampled.
    pub throughput: SamplingPlan,
    /// A cell's worker is killed after this long (hang protection).
    pub cell_timeout_s: u64,
    /// Schema 2: the plans of the other scenarios.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencyPlan>,
    /// How cold start is measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cold_start: Option<ColdStartPlan>,
    /// How call overhead is measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub call_overhead: Option<CallOverheadPlan>,
    /// Schema 3: memory, density, concurrency and sandbox tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub memory: Option<MemoryPlan>,
    /// How density is measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub density: Option<DensityPlan>,
    /// How concurrency is measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub concurrency: Option<ConcurrencyPlan>,
    /// How the sandbox tax is measured.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sandbox_tax: Option<TaxPlan>,
    /// The workload density and concurrency serve (the first selected one when it is not).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host_workload: Option<String>,
    /// Schema 5: the plans of registered scenarios that have no field above, by scenario name.
    #[serde(default, skip_serializing_if = "std::collections::BTreeMap::is_empty")]
    pub other: std::collections::BTreeMap<String, serde_json::Value>,
}

/// `--memory-budget` default of the density scenario: 1 GiB (full profile).
pub const DEFAULT_MEMORY_BUDGET: u64 = 1 << 30;
/// The quick profile's: filling 1 GiB took 4-6 s per configuration here, mostly page faults;
/// instances per GiB come out the same from a quarter of it.
pub const QUICK_MEMORY_BUDGET: u64 = 256 << 20;
/// The workload a density or concurrency host serves: JSON parsing, a typical request.
pub const HOST_WORKLOAD: &str = "json";

impl Profile {
    /// The plans of a profile.
    pub fn get(name: ProfileName) -> Profile {
        match name {
            ProfileName::Quick => Profile {
                name,
                sizes: vec![Size::Small],
                // Five processes per cell, each far shorter than the one process of schema 8
                // (100 ms warm-up, 10 samples of 10 ms): with K - 1 = 4 degrees of freedom the
                // t interval is half as wide as with 3 processes, for about the same time.
                throughput: SamplingPlan {
                    warmup_ms: 25,
                    warmup_min_calls: 3,
                    samples: 6,
                    sample_target_ms: 5,
                    max_cell_ms: 300,
                    min_samples: 6,
                    processes: 5,
                    slow_processes: Some(3),
                },
                cell_timeout_s: 120,
                // One process per cell in the quick profile: three would cost two more process
                // starts on each of 100 cells, and the 5-minute budget has no room for them.
                latency: Some(LatencyPlan { warmup_ms: 30, calls: 2_000, max_ms: 70, processes: 1 }),
                cold_start: Some(ColdStartPlan {
                    repetitions: 3,
                    max_cell_ms: 3_000,
                    steady_calls: 5,
                    process_samples: 5,
                    program_repetitions: 2,
                }),
                call_overhead: Some(CallOverheadPlan {
                    warmup_ms: 20,
                    samples: 8,
                    sample_target_ms: 5,
                    max_bench_ms: 35,
                    min_samples: 6,
                    // Up to 1 MiB (the size the memory round trip claim reads): a 16 MiB copy
                    // takes the interpreters seconds per cell; the full profile sweeps to 16 MiB.
                    data_sizes: vec![16, 1 << 10, 64 << 10, 1 << 20],
                    host_calls: 1_000,
                    latency_batches: 400,
                    processes: 3,
                }),
                memory: Some(MemoryPlan { instance_counts: vec![1, 10, 100, 1000] }),
                density: Some(DensityPlan {
                    memory_budget_bytes: QUICK_MEMORY_BUDGET,
                    max_instances: 50_000,
                    max_fill_ms: 4_000,
                    rate_ms: 300,
                    threads: scaling_levels(machine_cores()),
                }),
                concurrency: Some(ConcurrencyPlan { threads: scaling_levels(machine_cores()), ms_per_level: 300 }),
                // Three workloads of different shape (hashing, allocation-heavy parsing, dense
                // f64 loops over memory): the quick profile's tax, in a fraction of the time.
                sandbox_tax: Some(TaxPlan {
                    warmup_ms: 30,
                    rounds: 3,
                    samples_per_round: 3,
                    sample_target_ms: 5,
                    workloads: ["sha256", "json", "matmul"].map(String::from).to_vec(),
                }),
                host_workload: Some(HOST_WORKLOAD.into()),
                other: Default::default(),
            },
            ProfileName::Full => Profile {
                name,
                sizes: vec![Size::Small, Size::Large],
                // Six processes per cell of about 0.2 s each (where schema 8 took one of 2 s):
                // ten, each with 5 warm-up calls and 10 samples, made the interpreters' large
                // cells take 13-38 s each, about 28 minutes for throughput alone.
                throughput: SamplingPlan {
                    warmup_ms: 50,
                    warmup_min_calls: 2,
                    samples: 8,
                    sample_target_ms: 10,
                    max_cell_ms: 400,
                    min_samples: 6,
                    processes: 6,
                    // The interpreters' large cells take 1-4 s per process (tinywasm about four
                    // times wasmi's): 3 processes keep the full profile near its 45 minutes.
                    slow_processes: Some(3),
                },
                cell_timeout_s: 600,
                // Cut to fit the full profile in 45 minutes (it ran past 47 with the plans of
                // schema 8 for the scenarios below): latency had 200 ms per process, cold start
                // 15 repetitions of up to 8 s per cell (19.4 minutes, the largest part), the
                // sandbox tax 1.4 s per pair.
                latency: Some(LatencyPlan { warmup_ms: 30, calls: 5_000, max_ms: 120, processes: 3 }),
                cold_start: Some(ColdStartPlan {
                    repetitions: 10,
                    max_cell_ms: 2_500,
                    steady_calls: 5,
                    process_samples: 10,
                    program_repetitions: 5,
                }),
                call_overhead: Some(CallOverheadPlan {
                    warmup_ms: 30,
                    samples: 10,
                    sample_target_ms: 10,
                    max_bench_ms: 150,
                    min_samples: 6,
                    data_sizes: (0..11).map(|i| 16usize << (2 * i)).collect(),
                    host_calls: 10_000,
                    latency_batches: 2_000,
                    processes: 3,
                }),
                memory: Some(MemoryPlan { instance_counts: vec![1, 10, 100, 1000] }),
                density: Some(DensityPlan {
                    memory_budget_bytes: DEFAULT_MEMORY_BUDGET,
                    max_instances: 200_000,
                    max_fill_ms: 30_000,
                    rate_ms: 1_000,
                    threads: scaling_levels(machine_cores()),
                }),
                concurrency: Some(ConcurrencyPlan { threads: scaling_levels(machine_cores()), ms_per_level: 1_000 }),
                // The quick profile's three workloads (hashing, allocation-heavy parsing, dense f64
                // loops), at both sizes: every workload took 8.8 minutes and was still not done
                // (each cell compiles the module twice, with and without the limit).
                sandbox_tax: Some(TaxPlan {
                    warmup_ms: 60,
                    rounds: 4,
                    samples_per_round: 3,
                    sample_target_ms: 10,
                    workloads: ["sha256", "json", "matmul"].map(String::from).to_vec(),
                }),
                host_workload: Some(HOST_WORKLOAD.into()),
                other: Default::default(),
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
    fn scaling_levels_run_from_one_thread_to_every_core_and_twice_that() {
        assert_eq!(scaling_levels(1), [1, 2]);
        assert_eq!(scaling_levels(2), [1, 2, 4]);
        assert_eq!(scaling_levels(6), [1, 2, 4, 6, 12]);
        assert_eq!(scaling_levels(16), [1, 2, 4, 8, 16, 32]);
    }

    #[test]
    fn scaling_shrinks_caps_but_keeps_minimums() {
        let p = Profile::get(ProfileName::Full);
        let s = p.scaled(0.1);
        assert_eq!(s.throughput.max_cell_ms, 40);
        assert_eq!(s.throughput.min_samples, p.throughput.min_samples);
        assert_eq!(s.cold_start.as_ref().unwrap().process_samples, 3);
        let sizes = &p.call_overhead.as_ref().unwrap().data_sizes;
        assert_eq!((sizes[0], *sizes.last().unwrap()), (16, 16 << 20));
    }
}
