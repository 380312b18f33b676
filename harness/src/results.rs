//! The results file: a public, versioned JSON format (documented in `results/README.md`).
//!
//! Every file starts with `"schema": "wasmgauge-results"` and `"schema_version"`. This build
//! writes version [`SCHEMA_VERSION`] and reads every version in [`READABLE_VERSIONS`]; anything
//! else is refused with a message that says what was found and what is readable. Files are
//! written atomically (temporary file + rename) after every finished cell, so an interrupted
//! run keeps all the cells it finished (`complete` stays `false`).

use crate::engines::{EngineInfo, EngineOptions, Val};
use crate::environment::Environment;
use crate::profile::Profile;
use crate::scenarios::throughput::ThroughputMeasurement;
use crate::workloads::Size;
use anyhow::{Context, Result, bail};
use serde::{Deserialize, Serialize};
use std::path::Path;

pub const SCHEMA: &str = "wasmgauge-results";
pub const SCHEMA_VERSION: u32 = 1;
pub const READABLE_VERSIONS: &[u32] = &[1];

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CorpusRecord {
    pub dir: String,
    pub manifest_sha256: String,
    /// Module name -> sha256 of its wasm.
    pub modules: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CellStatus {
    Ok,
    Failed,
}

/// One workload x size x engine cell of the throughput scenario.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputCell {
    pub workload: String,
    /// Absent for guests without sizes (adversarial).
    pub size: Option<Size>,
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    pub expected_checksum: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ThroughputMeasurement>,
    /// Wall time of the cell including its worker process.
    pub wall_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ThroughputSection {
    pub cells: Vec<ThroughputCell>,
}

/// One engine's answer to a bring-your-own module call.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportCallCell {
    pub engine: String,
    pub status: CellStatus,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub results: Option<Vec<Val>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measurement: Option<ThroughputMeasurement>,
    pub wall_ms: u64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExportCallSection {
    pub module: String,
    pub module_sha256: String,
    pub export: String,
    pub args: Vec<Val>,
    /// True when every engine that ran gave the same results.
    pub engines_agree: bool,
    pub cells: Vec<ExportCallCell>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Scenarios {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub throughput: Option<ThroughputSection>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub export_call: Option<ExportCallSection>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ResultsFile {
    pub schema: String,
    pub schema_version: u32,
    pub run_id: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// False while running or when the run was interrupted.
    pub complete: bool,
    pub command: Vec<String>,
    pub profile: Profile,
    /// `worker-process` (each cell in its own process) or `in-process` (debugging).
    pub isolation: String,
    pub engine_options: EngineOptions,
    pub environment: Environment,
    pub engines: Vec<EngineInfo>,
    pub corpus: Option<CorpusRecord>,
    pub scenarios: Scenarios,
}

pub fn now_rfc3339() -> String {
    humantime::format_rfc3339_seconds(std::time::SystemTime::now()).to_string()
}

impl ResultsFile {
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
    use crate::profile::{Profile, ProfileName};

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
            environment: Environment::capture(Path::new(".")),
            engines: vec![],
            corpus: None,
            scenarios: Scenarios::default(),
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
