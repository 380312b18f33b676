//! What each built-in scenario measured in one cell, as stored in a results file: the
//! in-driver side of every scenario produces these, the report and the gate read them.
use crate::latency::LatencyRecord;
use serde::{Deserialize, Serialize};
use stats::{Estimate, Summary};

/// One timed batch: `iters` calls took `ns` nanoseconds in all.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sample {
    /// Calls in the batch.
    pub iters: u64,
    /// What the batch took, in nanoseconds.
    pub ns: u64,
}

impl Sample {
    /// The batch's time per call, uncalibrated.
    pub fn ns_per_call(&self) -> f64 {
        self.ns as f64 / self.iters as f64
    }
}

/// What a throughput cell measured in one worker process (and, combined, across its processes).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputMeasurement {
    /// What preparing the workload cost.
    pub setup: SetupTimes,
    /// The first call after preparing (includes lazy translation, first-touch page faults...).
    pub first_call_ns: u64,
    /// Verified calls made to warm up.
    pub warmup_calls: u64,
    /// What the warm-up calls took, in nanoseconds.
    pub warmup_ns: u64,
    /// Calls per timed sample, sized from the warm-up.
    pub iters_per_sample: u64,
    /// Raw timed batches.
    pub samples: Vec<Sample>,
    /// True when `max_cell_ms` stopped sampling before `samples` were taken.
    pub capped_by_time: bool,
    /// Calls whose answer was checked against the native checksum (all of them).
    pub verified_calls: u64,
    /// Median per call; since schema 2 with the calibrated clock and loop costs removed.
    pub median_ns_per_call: f64,
    /// Clock and loop costs measured in this worker (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calibration: Option<Calibration>,
    /// Per-call time of each sample after calibration (schema 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_call_ns: Vec<f64>,
    /// Median with bootstrap 95% interval, CV and outliers of `per_call_ns` (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Schema 9: the worker processes the cell was measured in, one per round, each with its own
    /// warm-up, samples and steady-state classification. When there are several, `per_call_ns`
    /// and `samples` pool the kept samples of all of them, `setup` and `first_call_ns` are the
    /// first process's, and [`ThroughputMeasurement::levels`] is the cell's figure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<ProcessRun>,
    /// Schema 9: the geometric mean of the processes' medians with the t interval across
    /// processes, and the share of variance between processes (`stats::levels`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<stats::levels::Levels>,
}

impl ThroughputMeasurement {
    /// The cell's time per call with its 95% interval: across processes where there are
    /// several, else the bootstrap interval of one process's samples.
    pub fn estimate(&self) -> Estimate {
        match (&self.levels, &self.summary) {
            (Some(l), _) => l.estimate,
            (None, Some(s)) => s.median,
            (None, None) => stats::median_estimate(&self.per_call_ns),
        }
    }
}

/// How one worker process was started to vary code and heap placement (schema 9): an
/// environment variable of `env_bytes` bytes (it shifts the initial stack) and `heap_pad_bytes`
/// allocated and kept before the driver reads its request.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Layout {
    /// Bytes of the environment variable the process was started with.
    pub env_bytes: usize,
    /// Bytes the driver allocated and kept before reading its request.
    pub heap_pad_bytes: usize,
}

/// One worker process of a cell measured in several (schema 9).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessRun {
    /// The round it ran in (0-based) and its place in that round's shuffled order.
    pub round: usize,
    /// Its place in the round's shuffled order of its group.
    pub position: usize,
    /// How it was started.
    pub layout: Layout,
    /// Its samples' per-call times in the order taken (all of them, warm-up part included).
    pub per_call_ns: Vec<f64>,
    /// Whether the series reached a steady state; samples before `kept_from` are dropped only
    /// for a detected warm-up.
    pub steady: stats::steady::Steadiness,
    /// Median of the kept samples.
    pub median_ns_per_call: f64,
    /// Calls made in it whose answers were checked.
    #[serde(default)]
    pub verified_calls: u64,
}

impl ProcessRun {
    /// Its samples after a detected warm-up (all of them when none was detected).
    pub fn kept(&self) -> &[f64] {
        &self.per_call_ns[self.steady.kept_from.min(self.per_call_ns.len())..]
    }
}

/// What preparing a workload cost, phase by phase; `None` where a phase does not exist.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SetupTimes {
    /// Bytes to a ready module, validation included.
    pub compile_ns: Option<u64>,
    /// A fresh instance from the compiled module.
    pub instantiate_ns: Option<u64>,
    /// Process spawn until the child answered its first request (subprocess only).
    pub spawn_ns: Option<u64>,
    /// Schema 9: loading the runtime's artifact instead of compiling (the later worker
    /// processes of a cell measured in rounds; `compile_ns` is then absent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub artifact_load_ns: Option<u64>,
}

/// What the measurement itself costs in this process, recorded and subtracted from per-call
/// figures.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Calibration {
    /// Median cost of reading the clock twice back to back.
    pub timer_overhead_ns: f64,
    /// Smallest non-zero difference seen between two clock reads.
    pub timer_resolution_ns: f64,
    /// Per-iteration cost of the timing loop around a no-op call.
    pub loop_overhead_ns: f64,
}

impl Calibration {
    /// Per-call time of a batch with the clock and loop costs removed (never below zero).
    pub fn per_call_ns(&self, batch_ns: u64, iters: u64) -> f64 {
        ((batch_ns as f64 - self.timer_overhead_ns) / iters as f64 - self.loop_overhead_ns).max(0.0)
    }
}

/// One phase's samples, or why it has none.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum Phase {
    /// Measured: every repetition's time and their summary.
    Measured {
        /// Every repetition, in nanoseconds.
        samples_ns: Vec<u64>,
        /// Their median with its interval.
        summary: Summary,
    },
    /// The runtime does not have this phase (e.g. wasmi has no ahead-of-time artifact).
    NotAvailable {
        /// Why the phase does not exist here.
        reason: String,
    },
    /// The phase does not exist for this kind of engine (e.g. compile for native code).
    NotApplicable {
        /// Why the phase is not applicable.
        reason: String,
    },
}

impl Phase {
    /// A measured phase from its samples.
    pub fn from_samples(samples_ns: Vec<u64>) -> Phase {
        let xs: Vec<f64> = samples_ns.iter().map(|&v| v as f64).collect();
        Phase::Measured { summary: stats::summarize(&xs), samples_ns }
    }

    /// A phase that is not applicable, with the reason.
    pub fn na(reason: &str) -> Phase {
        Phase::NotApplicable { reason: reason.into() }
    }

    /// Every repetition's time, where the phase was measured.
    pub fn samples_ns(&self) -> Option<&[u64]> {
        match self {
            Phase::Measured { samples_ns, .. } => Some(samples_ns),
            _ => None,
        }
    }

    /// The median, where the phase was measured.
    pub fn median_ns(&self) -> Option<f64> {
        match self {
            Phase::Measured { summary, .. } => Some(summary.median.value),
            _ => None,
        }
    }
}

/// What a cold-start cell measured: each phase of a start, repeated.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ColdStartMeasurement {
    /// Repetitions of the whole sequence.
    pub repetitions: usize,
    /// Bytes to a ready module.
    pub compile: Phase,
    /// Size of the ahead-of-time artifact, where there is one.
    pub artifact_bytes: Option<u64>,
    /// Loading the ahead-of-time artifact.
    pub deserialize: Phase,
    /// A fresh instance from the compiled module.
    pub instantiate: Phase,
    /// The first call after instantiation.
    pub first_call: Phase,
    /// A steady call (median of several after untimed ones).
    pub steady_call: Phase,
    /// Process spawn until the child answered (subprocess only).
    pub spawn: Phase,
    /// Bytes (or spawn) to the first verified answer, in one stopwatch.
    pub end_to_end: Phase,
    /// Artifact to the first verified answer.
    pub end_to_end_from_artifact: Phase,
}

impl ColdStartMeasurement {
    /// Every phase with its field name, in the order a start goes through them (the one
    /// phase-to-field mapping: the flattening, the gate and the tables all use it).
    pub fn phases(&self) -> [(&'static str, &Phase); 8] {
        [
            ("compile", &self.compile),
            ("deserialize", &self.deserialize),
            ("instantiate", &self.instantiate),
            ("first_call", &self.first_call),
            ("steady_call", &self.steady_call),
            ("spawn", &self.spawn),
            ("end_to_end", &self.end_to_end),
            ("end_to_end_from_artifact", &self.end_to_end_from_artifact),
        ]
    }

    /// The phase called `name` (see [`ColdStartMeasurement::phases`]).
    pub fn phase(&self, name: &str) -> Option<&Phase> {
        self.phases().into_iter().find(|(n, _)| *n == name).map(|(_, p)| p)
    }
}

/// How a process cold start reached its answer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ProcessPath {
    /// Deserialized a precompiled artifact (what a serverless platform ships).
    Artifact,
    /// Compiled (or translated) the wasm bytes.
    Compile,
    /// Ran native code.
    Native,
}

/// How the host calls an export: through the runtime's statically typed API, or its dynamic
/// one (a slice of values in, a slice of values out).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CallPath {
    /// The runtime's statically typed call API.
    Typed,
    /// The runtime's dynamic call API (values in a slice).
    Dynamic,
}

/// One benchmark's result on one engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BenchResult {
    /// `empty`, `add4`, `guest-to-host`, `data`.
    pub bench: String,
    /// The call path (host-to-guest calls only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub path: Option<CallPath>,
    /// The payload in bytes (data only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bytes: Option<usize>,
    /// Why the benchmark failed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// Raw timed batches.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub samples: Vec<Sample>,
    /// Per-call time of each batch, calibrated.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub per_call_ns: Vec<f64>,
    /// The calibrated per-call times' summary.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub summary: Option<Summary>,
    /// Payload GB/s (1e9 bytes per second) from the median and its interval (data only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gb_per_s: Option<Estimate>,
    /// Per-call latency of small batches, where latency was recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub latency: Option<LatencyRecord>,
    /// Why the benchmark does not apply to this engine.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub not_applicable: Option<String>,
    /// Schema 9: as in [`ThroughputMeasurement`], the worker processes of a benchmark measured
    /// in rounds and its figure across them (`per_call_ns` then pools their kept samples).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub processes: Vec<ProcessRun>,
    /// The figure across the processes (schema 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub levels: Option<stats::levels::Levels>,
}

impl BenchResult {
    /// An empty result for one benchmark.
    pub fn new(bench: &str, path: Option<CallPath>, bytes: Option<usize>) -> BenchResult {
        BenchResult {
            bench: bench.into(),
            path,
            bytes,
            error: None,
            samples: vec![],
            per_call_ns: vec![],
            summary: None,
            gb_per_s: None,
            latency: None,
            not_applicable: None,
            processes: vec![],
            levels: None,
        }
    }

    /// The benchmark's time per call: across processes where there are several.
    pub fn estimate(&self) -> Option<Estimate> {
        self.levels.as_ref().map(|l| l.estimate).or(self.summary.as_ref().map(|s| s.median))
    }

    /// A short label: `empty typed`, `data 64 KiB`.
    pub fn label(&self) -> String {
        match (self.path, self.bytes) {
            (Some(p), _) => format!(
                "{} {}",
                self.bench,
                serde_json::to_value(p).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default()
            ),
            (None, Some(b)) => format!("{} {}", self.bench, human_bytes(b)),
            _ => self.bench.clone(),
        }
    }
}

/// `16 B`, `4 KiB`, `1 MiB`.
pub fn human_bytes(b: usize) -> String {
    match b {
        b if b >= 1 << 20 && b % (1 << 20) == 0 => format!("{} MiB", b >> 20),
        b if b >= 1 << 10 && b % (1 << 10) == 0 => format!("{} KiB", b >> 10),
        b => format!("{b} B"),
    }
}

/// What a call-overhead cell measured: every benchmark on one engine.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CallOverheadMeasurement {
    /// The calibration of the typed loops in this process.
    pub calibration: Calibration,
    /// Each benchmark's result.
    pub benches: Vec<BenchResult>,
}

/// Memory with K instances alive.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InstancePoint {
    /// K: the instances alive.
    pub instances: usize,
    /// After instantiating up to K (earlier instances already touched).
    pub after_instantiate: MemUsage,
    /// After the new instances touched their page.
    pub after_touch: MemUsage,
}

/// What the memory scenario measured of one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MemoryMeasurement {
    /// The module instantiated (`mem_touch`).
    pub module: String,
    /// Its size in bytes.
    pub wasm_bytes: u64,
    /// Size of the engine's ahead-of-time artifact (none for wasmi).
    pub artifact_bytes: Option<u64>,
    /// This process's memory before compiling it.
    pub before_compile: MemUsage,
    /// This process's memory after compiling it.
    pub after_compile: MemUsage,
    /// Memory at each K.
    pub points: Vec<InstancePoint>,
    /// Slope over K of resident memory added by instantiating (bytes per instance).
    pub host_bytes_per_instance: f64,
    /// Slope over K of resident memory added by touching the guest page (bytes per instance).
    pub guest_bytes_per_instance: f64,
    /// The two together.
    pub bytes_per_instance: f64,
}

/// Memory of a process-per-tenant: one `wasmgauge-runner` serving a workload.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ProcessMemory {
    /// The workload the runner served.
    pub workload: String,
    /// The runner process's memory.
    pub usage: MemUsage,
}

/// The memory scenario's measurement: instances of a configuration, or one process of the
/// subprocess baseline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum MemoryOutput {
    /// Live instances in the driver.
    Instances(MemoryMeasurement),
    /// One runner process.
    Process(ProcessMemory),
}

/// A process's memory as Linux accounts it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemUsage {
    /// Resident set.
    pub rss_bytes: u64,
    /// Proportional set: shared pages divided among the processes that share them.
    pub pss_bytes: u64,
    /// Pages only this process maps (Private_Clean + Private_Dirty): what one more such
    /// process costs the host.
    pub private_bytes: u64,
}

/// What the density scenario measured of one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DensityMeasurement {
    /// The workload each instance served.
    pub workload: String,
    /// The resident memory the instances may take.
    pub memory_budget_bytes: u64,
    /// Instances alive when filling stopped.
    pub live_instances: usize,
    /// Why filling stopped: `memory budget`, `instance cap`, `time cap`, or the failure.
    pub stopped_by: String,
    /// Resident memory the live instances added.
    pub used_bytes: u64,
    /// Resident memory per instance.
    pub bytes_per_instance: f64,
    /// Instances that fit in 1 GiB at that cost.
    pub instances_per_gib: f64,
    /// Instantiations per second (instantiate and drop), one thread.
    pub instantiate_per_s_one_thread: f64,
    /// Instantiations per second over all threads, one per core, sharing the compiled module
    /// (on one thread, `threads` = 1, for a single-threaded runtime).
    pub instantiate_per_s_all_cores: f64,
    /// Threads behind `instantiate_per_s_all_cores`.
    pub threads: usize,
    /// Schema 10: the rate at each thread level of the plan.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub rate_levels: Vec<RatePoint>,
}

/// Instantiate-and-drop operations per second at one thread count (density, schema 10).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RatePoint {
    /// Threads sharing the compiled module.
    pub threads: usize,
    /// Instantiate-and-drop operations per second over all of them.
    pub instantiate_per_s: f64,
}

/// Requests at one thread level.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyPoint {
    /// Threads making requests.
    pub threads: usize,
    /// Requests made.
    pub requests: u64,
    /// The seconds they took.
    pub seconds: f64,
    /// Requests per second over all threads.
    pub requests_per_s: f64,
    /// Per-request latency.
    pub latency: LatencyRecord,
}

/// What the concurrency scenario measured of one configuration.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ConcurrencyMeasurement {
    /// The workload each request runs.
    pub workload: String,
    /// What one request does on this engine.
    pub request: String,
    /// One point per thread level.
    pub points: Vec<ConcurrencyPoint>,
}

/// What the sandbox tax measured: one workload without and with one limit.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TaxMeasurement {
    /// The limit measured: `fuel`, `epoch`, `bounds-checks`.
    pub limit: String,
    /// Calibrated time per call of every sample, without and with the limit.
    pub without_ns: Vec<f64>,
    /// The same, with the limit on.
    pub with_ns: Vec<f64>,
    /// Median with / median without.
    pub ratio: Estimate,
    /// Calls made whose answers were checked.
    pub verified_calls: u64,
}

#[cfg(test)]
mod tests {
    #[test]
    fn sizes_print_in_binary_units() {
        assert_eq!(super::human_bytes(16), "16 B");
        assert_eq!(super::human_bytes(64 << 10), "64 KiB");
        assert_eq!(super::human_bytes(16 << 20), "16 MiB");
    }

    #[test]
    fn calibration_is_subtracted_and_never_negative() {
        let c = super::Calibration { timer_overhead_ns: 20.0, timer_resolution_ns: 1.0, loop_overhead_ns: 1.0 };
        assert_eq!(c.per_call_ns(1020, 100), 9.0);
        assert_eq!(c.per_call_ns(10, 100), 0.0);
    }
}
