//! The registry with the drivers it uses ([`Subjects`]): ids resolved against the registry
//! ([`crate::registry`]) for a profile, each driver found ([`crate::drivers`]) and asked once
//! what it is (`describe`: versions from its lockfiles, every knob), which a run records with
//! the executable's sha256 in the results file; and the launcher every request to a driver
//! goes through.
use crate::drivers::{BuiltDriver, driver_executable, once_executable};
use crate::registry::{Subject, registry};
use anyhow::{Context, Result, anyhow, bail};
use protocol::client::{CallError, Launcher};
use protocol::{Description, Request};
use results::EngineInfo;
use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Duration;

/// The registry with each used driver's own description: what a run records and launches.
pub struct Subjects {
    registry: Vec<Subject>,
    /// Driver name -> the driver, described once per process.
    drivers: Mutex<BTreeMap<String, Arc<BuiltDriver>>>,
}

impl Default for Subjects {
    fn default() -> Self {
        Subjects { registry: registry(), drivers: Mutex::new(BTreeMap::new()) }
    }
}

impl Subjects {
    pub fn all(&self) -> &[Subject] {
        &self.registry
    }

    pub fn find(&self, id: &str) -> Option<&Subject> {
        self.registry.iter().find(|s| s.id() == id)
    }

    /// Every id, in registry order.
    pub fn ids(&self) -> Vec<String> {
        self.registry.iter().map(Subject::id).collect()
    }

    pub fn unknown_message(&self, id: &str) -> String {
        format!("unknown engine `{id}`; known engines: {}", self.ids().join(", "))
    }

    /// Checks a user's engine list, keeping registry order and rejecting unknown ids.
    pub fn resolve(&self, requested: &[String]) -> Result<Vec<&Subject>> {
        for id in requested {
            if self.find(id).is_none() {
                bail!(self.unknown_message(id));
            }
        }
        Ok(self.registry.iter().filter(|s| requested.is_empty() || requested.contains(&s.id())).collect())
    }

    /// The subjects a run of `profile` measures: those `requested`, or when none are, those the
    /// registry puts in the profile's default set, less those measured only when named.
    pub fn resolve_for(&self, profile: results::plans::ProfileName, requested: &[String]) -> Result<Vec<&Subject>> {
        let all = self.resolve(requested)?;
        let quick = profile == results::plans::ProfileName::Quick && requested.is_empty();
        let full = profile == results::plans::ProfileName::Full && requested.is_empty();
        Ok(all
            .into_iter()
            .filter(|s| !quick || s.quick_default)
            .filter(|s| !full || s.full_default)
            .filter(|s| !requested.is_empty() || s.only_when_named.is_none())
            .collect())
    }

    /// A driver's executable, sha256 and description (asked once per driver and run).
    pub fn driver(&self, name: &str) -> Result<Arc<BuiltDriver>> {
        if let Some(d) = self.drivers.lock().expect("driver cache").get(name) {
            return Ok(d.clone());
        }
        let exe = driver_executable(name)?;
        let bytes = std::fs::read(&exe).with_context(|| format!("reading {}", exe.display()))?;
        let sha = results::manifest::sha256_hex(&bytes);
        let value = protocol::client::call(&exe, &Request::Describe, Duration::from_secs(60))
            .map_err(|e| anyhow!("the {name} driver ({}) could not describe itself: {e}", exe.display()))?;
        let description: Description = serde_json::from_value(value)
            .with_context(|| format!("the {name} driver ({}) sent an unreadable description", exe.display()))?;
        if description.rustc.contains("through clippy-driver") {
            eprintln!(
                "warning: the {name} driver ({}) was compiled through clippy-driver (`{}`), which turns MIR \
                 optimisations off: its timings are not a release build's (scripts/build-drivers.sh rebuilds it)",
                exe.display(),
                description.rustc
            );
        }
        let entry = Arc::new(BuiltDriver { exe, sha256: sha, description });
        self.drivers.lock().expect("driver cache").insert(name.to_string(), entry.clone());
        Ok(entry)
    }

    /// What a subject is, as its driver describes it, with the registry's capabilities and
    /// the driver's name and sha256.
    pub fn info(&self, subject: &Subject) -> Result<EngineInfo> {
        let driver = self.driver(subject.driver)?;
        let id = subject.id();
        let mut info = driver.description.subjects.iter().find(|e| e.id == id).cloned().ok_or_else(|| {
            anyhow!("the {} driver ({}) has no subject `{id}`; rebuild it", subject.driver, driver.exe.display())
        })?;
        info.driver = Some(subject.driver.to_string());
        info.driver_sha256 = Some(driver.sha256.clone());
        info.driver_rustc = Some(driver.description.rustc.clone());
        info.capabilities = Some(subject.capabilities());
        Ok(info)
    }

    /// Runtime crate -> version over the drivers of `subjects` (a runtime at two versions
    /// lists both).
    pub fn runtimes(&self, subjects: &[&Subject]) -> BTreeMap<String, String> {
        let mut out: BTreeMap<String, String> = BTreeMap::new();
        for s in subjects {
            if let Ok(d) = self.driver(s.driver) {
                for (k, v) in &d.description.runtimes {
                    let slot = out.entry(k.clone()).or_default();
                    if !slot.split(", ").any(|x| x == v) {
                        if !slot.is_empty() {
                            slot.push_str(", ");
                        }
                        slot.push_str(v);
                    }
                }
            }
        }
        out
    }

    /// Descriptions of `subjects`, failing on the first driver that is missing or broken.
    pub fn infos(&self, subjects: &[&Subject]) -> Result<Vec<EngineInfo>> {
        subjects.iter().map(|s| self.info(s)).collect()
    }

    pub fn executable_of(&self, subject: &str) -> Result<PathBuf> {
        let s = self.find(subject).ok_or_else(|| anyhow!(self.unknown_message(subject)))?;
        Ok(self.driver(s.driver)?.exe.clone())
    }

    /// The lean one-answer binary of a subject's driver.
    pub fn once_of(&self, subject: &str) -> Result<PathBuf> {
        let s = self.find(subject).ok_or_else(|| anyhow!(self.unknown_message(subject)))?;
        once_executable(s.driver)
    }
}

impl Launcher for Subjects {
    fn call(&self, subject: &str, request: &Request, timeout: Duration) -> Result<serde_json::Value, CallError> {
        let exe = self.executable_of(subject).map_err(|e| CallError::Failed(format!("{e:#}")))?;
        protocol::client::call(&exe, request, timeout)
    }
}

/// The folders under `harness/drivers/` that build `ids` (all drivers when `ids` is empty), for the
/// build scripts: `wasmgauge drivers --engines ...`.
pub fn drivers_for(ids: &[String]) -> Result<Vec<&'static str>> {
    let subjects = Subjects::default();
    let mut out: Vec<&'static str> = Vec::new();
    for s in subjects.resolve(ids)? {
        if !out.contains(&s.driver) {
            out.push(s.driver);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use results::{ExecutionKind, Limits};

    #[test]
    fn ids_are_unique_and_capabilities_are_declared_per_kind() {
        let s = Subjects::default();
        let mut ids = s.ids();
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), s.all().len());
        for subject in s.all() {
            let (c, id) = (subject.capabilities(), subject.id());
            // A conformance side, instances and limits belong to WebAssembly configurations;
            // one without instances (V8 across a pipe) names the scenarios it takes part in.
            assert!(!c.conformance || c.is_wasm(), "{id}");
            assert!(!c.is_wasm() || c.instances || c.scenarios.is_some(), "{id}");
            assert!(c.is_wasm() || (!c.instances && c.limits == Limits::NONE), "{id}");
            assert_eq!(c.execution == Some(ExecutionKind::Native), !c.is_wasm(), "{id}");
            // Measured only when named implies: not in the quick default set either.
            assert!(subject.only_when_named.is_none() || !subject.quick_default, "{id}");
        }
        for id in ["wasm3", "wamr-fast-interp", "stitch"] {
            assert!(!s.find(id).unwrap().capabilities().threads, "{id} stays on one thread");
        }
        let err = s.resolve(&["wasmtime-cranelift".into(), "v8".into()]).unwrap_err().to_string();
        assert!(err.contains("unknown engine `v8`") && err.contains("wasmi-lazy"), "{err}");
        let picked: Vec<String> =
            s.resolve(&["native".into(), "wasmi-eager".into()]).unwrap().iter().map(|s| s.id()).collect();
        assert_eq!(picked, ["wasmi-eager", "native"]);
    }

    #[test]
    fn the_full_profile_leaves_the_second_interpreter_line_to_be_named() {
        use results::plans::ProfileName;
        let s = Subjects::default();
        let full: Vec<String> = s.resolve_for(ProfileName::Full, &[]).unwrap().iter().map(|s| s.id()).collect();
        for id in ["wasmtime-pulley", "wasmtime-cranelift@36", "wasmtime-winch@36", "tinywasm", "v8-turbofan"] {
            assert!(full.contains(&id.to_string()), "{id} in {full:?}");
        }
        assert!(!full.contains(&"wasmtime-pulley@36".to_string()), "{full:?}");
        let named = s.resolve_for(ProfileName::Full, &["wasmtime-pulley@36".into()]).unwrap();
        assert_eq!(named.iter().map(|s| s.id()).collect::<Vec<_>>(), ["wasmtime-pulley@36"]);
    }

    #[test]
    fn a_second_version_reuses_a_table_under_its_own_driver() {
        let s = Subjects::default();
        let lts = s.find("wasmtime-cranelift@36").expect("the LTS line is registered");
        assert_eq!(lts.driver, "wasmtime-36");
        assert_eq!(lts.capabilities(), s.find("wasmtime-cranelift").unwrap().capabilities());
        assert_eq!(drivers_for(&["wasmi-lazy".into(), "native".into()]).unwrap(), ["wasmi", "native"]);
    }
}
