//! The results file's envelope: what every file starts with (`"schema":
//! "wasmgauge-results"`, its version), the run it records (when, what command, which profile,
//! machine, engines and corpus), its [`Scenarios`], how it is written (atomically, after every
//! finished cell, so an interrupted run keeps what it finished) and how it is read (every version
//! in [`READABLE_VERSIONS`], anything else refused with a message that says what was found).
//! The format is public and documented in `results/README.md`; the version history is on
//! [`SCHEMA_VERSION`].
use crate::cells::{Cell, Flat, Problem};
use crate::conformance::ConformanceSection;
use crate::engine::{EngineInfo, EngineOptions, SubjectKind};
use crate::environment::Environment;
use crate::manifest::CorpusRecord;
use crate::plans::Profile;
use crate::sections::Scenarios;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

/// The `schema` of every results file.
pub const SCHEMA: &str = "wasmgauge-results";
/// The version this build writes. Versions 2 to 12 only added fields and sections, so older
/// files load into the same types with the new parts absent: 2: calibrated per-call times,
/// ratios to native and their geomeans, `scenarios_selected`, the time budget; 3: memory,
/// density, concurrency, sandbox tax, sharding and merging; 4: the `conformance` section; 5:
/// each engine's driver, driver sha256 and capabilities, and the sections of registered
/// scenarios without a typed section of their own; 6: the `wasi_command` section of
/// `run --module --wasi`; 7: the corpus record describes every module (kind, language,
/// toolchain, size, WASI); 8: cold start of the corpus's WASI programs and instruction counts;
/// 9: throughput, latency and call-overhead cells measured in several worker processes in
/// shuffled rounds, their intervals across processes and rounds, and the run's `schedule`; 10:
/// capabilities `threads`, `scenarios` and `execution`, the scaling levels, the virtual best;
/// 11: the capability `components` and the `component_calls` section; 12: the capability
/// `plugins`, the `plugin_calls` section and `wasi_command.component`; 13: the `suite` section
/// (`run --suite`, Sightglass's protocol) and the `bench` phase of `wasi_command` runs; 14: the
/// capability `left_out` (why a subject sits out a scenario), V8's WASI layer and its cold
/// start timed inside Node; 15: a suite's cells counted under Valgrind (`run --suite --measure
/// instructions`: the figure `bench_instructions`), the machine's limits (`environment.limits`),
/// a figure's `bytes`, and wasi-io timed by each run's own clock around its loop.
pub const SCHEMA_VERSION: u32 = 15;
/// Every version this build reads.
pub const READABLE_VERSIONS: &[u32] = &[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15];

/// Whether two files' benchmark cells mean the same thing, so a gate may compare them: version 1
/// stored uncalibrated per-call times; versions 2 and later store calibrated ones in the same cells.
pub fn cells_comparable(a: u32, b: u32) -> bool {
    a == b || (a >= 2 && b >= 2)
}

/// One results file: the run it records and every section it measured.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    /// Always `wasmgauge-results`.
    pub schema: String,
    /// The version it was written with.
    pub schema_version: u32,
    /// The run's id (its start time).
    pub run_id: String,
    /// When the run started (RFC 3339).
    pub started_at: String,
    /// When it finished; absent while running or when interrupted.
    pub finished_at: Option<String>,
    /// False while running or when the run was interrupted.
    pub complete: bool,
    /// The command line that ran it.
    pub command: Vec<String>,
    /// The profile and its plans.
    pub profile: Profile,
    /// `worker-process` (each cell in its own process) or `in-process` (debugging).
    pub isolation: String,
    /// The engine options asked for.
    pub engine_options: EngineOptions,
    /// The machine and the harness build.
    pub environment: Environment,
    /// Every subject that took part, with its knobs, versions, driver and capabilities.
    pub engines: Vec<EngineInfo>,
    /// The corpus it ran on.
    pub corpus: Option<CorpusRecord>,
    /// Scenarios the run was asked for (schema 2).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub scenarios_selected: Vec<String>,
    /// `--time-budget`, and the factor every time cap was scaled by to fit it (schema 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_budget_s: Option<u64>,
    /// The factor every time cap was scaled by.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub budget_scale: Option<f64>,
    /// `I/N` when this run measured one deterministic slice of the matrix (schema 3).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub shard: Option<String>,
    /// The runs `wasmgauge merge` joined into this file (schema 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub merged_from: Vec<MergedRun>,
    /// The sections, one per scenario.
    pub scenarios: Scenarios,
    /// Conformance results (schema 4), from `wasmgauge conform`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub conformance: Option<ConformanceSection>,
    /// How the cells measured in several processes were ordered (schema 9).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<Schedule>,
}

/// The order of a run's multi-process cells (schema 9): in every round, each such cell of each
/// workload runs once in a fresh process, workloads and engines in an order shuffled per round
/// from `seed` (`run --seed` repeats it), each process with a layout drawn from the same seed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Schedule {
    /// The seed of the rounds' order and the processes' layouts.
    pub seed: u64,
    /// The rounds run per scenario (its plan's `processes`).
    pub rounds: BTreeMap<String, usize>,
    /// What each process's layout varies, in words.
    pub layout: String,
}

/// One input of a merged results file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct MergedRun {
    /// The input run's id.
    pub run_id: String,
    /// Its shard (`I/N`), if it was one.
    pub shard: Option<String>,
    /// The machine it ran on.
    pub hostname: String,
    /// That machine's CPU.
    pub cpu_model: String,
    /// That machine's logical cores.
    pub logical_cores: usize,
}

/// Now, in RFC 3339 to the second.
pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl ResultsFile {
    /// Describes engine `id` as the file records it.
    pub fn engine(&self, id: &str) -> Option<&EngineInfo> {
        self.engines.iter().find(|e| e.id == id)
    }

    /// The id of the first subject of a kind (the baselines: one of each).
    pub fn subject_of_kind(&self, kind: SubjectKind) -> Option<&str> {
        self.engines.iter().find(|e| e.kind() == kind).map(|e| e.id.as_str())
    }

    /// The id of the in-process native baseline, the reference of every ratio: the first one,
    /// the portable build (the host-tuned `native-tuned`, registered after it, is a subject of
    /// its own whose ratio to this one says what tuning for the CPU gains).
    pub fn native_id(&self) -> Option<&str> {
        self.subject_of_kind(SubjectKind::Native)
    }

    /// The id of a second in-process native baseline (the host-tuned `native-tuned`), if the
    /// file has one.
    pub fn tuned_native_id(&self) -> Option<&str> {
        let portable = self.native_id()?;
        self.engines.iter().find(|e| e.kind() == SubjectKind::Native && e.id != portable).map(|e| e.id.as_str())
    }

    /// The one flattening of the file: every figure and every problem (each section's own,
    /// see [`crate::sections::Section::flatten`]).
    pub fn flatten(&self) -> (Vec<Cell>, Vec<Problem>) {
        let mut out = Flat::new(self.corpus.as_ref(), self.native_id());
        self.scenarios.flatten(&mut out);
        let (mut cells, problems) = out.finish();
        if let Some(limits) = &self.environment.limits {
            crate::plausibility::flag(&mut cells, limits);
        }
        (cells, problems)
    }

    /// Writes the file atomically: a temporary file beside it, then a rename.
    pub fn save(&self, path: &Path) -> Result<()> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        }
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, serde_json::to_string_pretty(self)? + "\n")
            .with_context(|| format!("writing {}", tmp.display()))?;
        std::fs::rename(&tmp, path).with_context(|| format!("renaming {} to {}", tmp.display(), path.display()))?;
        Ok(())
    }

    /// Reads a results file, refusing other formats and unreadable versions with a clear message.
    pub fn load(path: &Path) -> Result<ResultsFile> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let value: serde_json::Value = serde_json::from_str(&text)
            .with_context(|| format!("{} is not valid JSON (corrupt or truncated results file)", path.display()))?;
        let schema = value.get("schema").and_then(|s| s.as_str());
        if schema != Some(SCHEMA) {
            bail!("{} is not a wasmgauge results file (schema {:?}, expected {SCHEMA:?})", path.display(), schema);
        }
        let version = value.get("schema_version").and_then(|v| v.as_u64()).unwrap_or(0) as u32;
        if !READABLE_VERSIONS.contains(&version) {
            let newer = if version > SCHEMA_VERSION { " (written by a newer wasmgauge)" } else { "" };
            bail!(
                "{} has results schema version {version}{newer}; this wasmgauge reads versions {:?}",
                path.display(),
                READABLE_VERSIONS
            );
        }
        serde_json::from_value(value).with_context(|| {
            format!(
                "{} has schema version {version} but its content does not match it (corrupt results file)",
                path.display()
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::plans::{Profile, ProfileName};

    fn sample() -> ResultsFile {
        ResultsFile {
            schema: SCHEMA.into(),
            schema_version: SCHEMA_VERSION,
            run_id: "t".into(),
            started_at: now_rfc3339(),
            finished_at: None,
            complete: false,
            command: vec!["wasmgauge".into()],
            profile: Profile::get(ProfileName::Quick),
            isolation: "in-process".into(),
            engine_options: EngineOptions::default(),
            environment: Environment {
                cpu_model: "test cpu".into(),
                logical_cores: 2,
                memory_total_kib: None,
                os: "linux".into(),
                arch: "x86_64".into(),
                kernel: "6".into(),
                hostname: "test".into(),
                rustc: "rustc".into(),
                harness_version: "0".into(),
                harness_commit: None,
                harness_dirty: None,
                harness_commit_time: None,
                settle: None,
                limits: None,
                cpu_governor: None,
                runtimes: Default::default(),
            },
            engines: vec![],
            corpus: None,
            scenarios_selected: vec![],
            time_budget_s: None,
            budget_scale: None,
            shard: None,
            merged_from: vec![],
            scenarios: Scenarios::default(),
            conformance: None,
            schedule: None,
        }
    }

    #[test]
    fn save_then_load_round_trips() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/r.json");
        let r = sample();
        r.save(&path).unwrap();
        assert_eq!(ResultsFile::load(&path).unwrap(), r);
        assert!(!path.with_extension("json.tmp").exists());
    }

    #[test]
    fn other_versions_and_corrupt_files_are_refused_clearly() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("r.json");
        let mut v = serde_json::to_value(sample()).unwrap();
        v["schema_version"] = 99.into();
        std::fs::write(&path, v.to_string()).unwrap();
        let err = ResultsFile::load(&path).unwrap_err().to_string();
        assert!(err.contains("version 99") && err.contains("newer"), "{err}");

        std::fs::write(&path, "{\"schema\": \"wasmgauge-results\", \"schema_version\": 1, \"run_id\": 5}").unwrap();
        let err = format!("{:#}", ResultsFile::load(&path).unwrap_err());
        assert!(err.contains("corrupt results file"), "{err}");

        std::fs::write(&path, "{ truncated").unwrap();
        assert!(ResultsFile::load(&path).unwrap_err().to_string().contains("not valid JSON"));

        std::fs::write(&path, "{\"hello\": 1}").unwrap();
        assert!(ResultsFile::load(&path).unwrap_err().to_string().contains("not a wasmgauge results file"));
    }
}
