//! The gate's thresholds (`ci/gate.toml`): the smallest change per scenario (and optionally per
//! metric) that counts, and the confidence level of every interval.
use anyhow::{Context, Result, bail};
use results::ids;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::path::Path;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GateConfig {
    /// Confidence level of each cell's interval and the family-wise level of the Holm
    /// correction is `1 - confidence`.
    #[serde(default = "default_confidence")]
    pub confidence: f64,
    /// Scenario (`throughput`, `cold-start`, `process-start`, `call-overhead`, `export-call`,
    /// `paired`, `instructions`) or `scenario/metric` -> relative threshold (0.05 = 5%).
    #[serde(default)]
    pub thresholds: BTreeMap<String, f64>,
    /// Cells faster than this (median time per call, either side) are "too noisy to judge":
    /// near a nanosecond the subtracted loop cost and code alignment decide the figure.
    #[serde(default = "default_min_time_ns")]
    pub min_time_ns: f64,
}

fn default_min_time_ns() -> f64 {
    2.0
}

fn default_confidence() -> f64 {
    0.99
}

impl Default for GateConfig {
    fn default() -> Self {
        let thresholds = [
            (ids::THROUGHPUT, 0.05),
            (ids::EXPORT_CALL, 0.05),
            ("paired", 0.05),
            (ids::COLD_START, 0.10),
            (ids::PROCESS_START, 0.10),
            (ids::CALL_OVERHEAD, 0.10),
            // Instruction counts repeat to within 0.1%: half a percent is a real change.
            (ids::INSTRUCTIONS, 0.005),
        ];
        // A suite's counted regions repeat as closely.
        let counted = (format!("{}/{}", ids::SUITE, ids::SUITE_BENCH_INSTRUCTIONS), 0.005);
        GateConfig {
            confidence: default_confidence(),
            thresholds: thresholds.iter().map(|(k, v)| (k.to_string(), *v)).chain([counted]).collect(),
            min_time_ns: default_min_time_ns(),
        }
    }
}

impl GateConfig {
    /// Reads a config file; keys it leaves out keep their defaults.
    pub fn load(path: &Path) -> Result<GateConfig> {
        let text = std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
        let read: GateConfig =
            toml::from_str(&text).with_context(|| format!("{} is not a valid gate config", path.display()))?;
        let mut config =
            GateConfig { confidence: read.confidence, min_time_ns: read.min_time_ns, ..GateConfig::default() };
        config.thresholds.extend(read.thresholds);
        config.validate().with_context(|| format!("in {}", path.display()))?;
        Ok(config)
    }

    fn validate(&self) -> Result<()> {
        if !(0.5..1.0).contains(&self.confidence) {
            bail!("confidence must be in [0.5, 1), got {}", self.confidence);
        }
        for (k, v) in &self.thresholds {
            if !(*v > 0.0 && *v < 10.0) {
                bail!("threshold `{k}` must be a positive fraction (0.05 = 5%), got {v}");
            }
        }
        Ok(())
    }

    /// The threshold of a metric: `scenario/metric` if set, else the scenario's, else 5%.
    pub fn threshold(&self, scenario: &str, metric: &str) -> f64 {
        self.thresholds
            .get(&format!("{scenario}/{metric}"))
            .or_else(|| self.thresholds.get(scenario))
            .copied()
            .unwrap_or(0.05)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_overrides_and_bad_files() {
        let c = GateConfig::default();
        assert_eq!(c.threshold(ids::THROUGHPUT, "time_per_call"), 0.05);
        assert_eq!(c.threshold(ids::COLD_START, "instantiate"), 0.10);
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("gate.toml");
        std::fs::write(&p, "confidence = 0.95\n[thresholds]\n\"cold-start/instantiate\" = 0.2\nthroughput = 0.03\n")
            .unwrap();
        let c = GateConfig::load(&p).unwrap();
        assert_eq!(
            (c.confidence, c.threshold(ids::COLD_START, "instantiate"), c.threshold(ids::COLD_START, "compile")),
            (0.95, 0.2, 0.10)
        );
        assert_eq!(c.threshold(ids::THROUGHPUT, "x"), 0.03);
        std::fs::write(&p, "[thresholds]\nthroughput = -1\n").unwrap();
        assert!(format!("{:#}", GateConfig::load(&p).unwrap_err()).contains("positive fraction"));
        std::fs::write(&p, "colour = 1\n").unwrap();
        assert!(format!("{:#}", GateConfig::load(&p).unwrap_err()).contains("not a valid gate config"));
    }
}
